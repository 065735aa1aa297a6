"""The padding experiments at full size: moons, circles and the sklearn digits, every padding kind,
5 seeds. Prints one table per data set with the time per kind; never run as a test.

    python bench/padding.py [--seeds 5] [--steps 3000] [--data moons circles digits]
"""
from __future__ import annotations

import argparse
import time

from verify.padding import KINDS, run_kind
from verify.padding.report import to_text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--data", nargs="+", default=["moons", "circles", "digits"])
    a = ap.parse_args()
    for name in a.data:
        rows, secs = [], []
        for kind in KINDS:
            t = time.perf_counter()
            rows.append(run_kind(name, kind, list(range(a.seeds)), N=2000, layers=6, hidden=64, steps=a.steps))
            secs.append((time.perf_counter() - t) / a.seeds)
        print(to_text(rows))
        print("training + measurement seconds per seed: " + ", ".join(f"{k}: {s:.1f}" for k, s in zip(KINDS, secs)))
        print(flush=True)


if __name__ == "__main__":
    main()
