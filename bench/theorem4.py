"""Theorem 4 at full size: W1 and KL against depth for coupling flows trained on the hard mixture.
Prints one table per (d, k) with the training cost; never run as a test.

    python bench/theorem4.py [--samples 3000] [--seeds 3] [--steps 3000] [--hidden 64]
"""
from __future__ import annotations

import argparse
import time

from verify.theorem4 import depth_row, hard_generator
from verify.theorem4.report import to_text

CONFIGS = [(4, 8), (16, 32), (32, 64)]
DEPTHS = [1, 2, 4, 8]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=3000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--hidden", type=int, default=64)
    a = ap.parse_args()
    for d, k in CONFIGS:
        gen = hard_generator(d, k, 1.0)
        rows, secs = [], []
        for depth in DEPTHS:
            t = time.perf_counter()
            rows.append(depth_row(gen, depth, a.samples, list(range(a.seeds)), a.steps, a.hidden))
            secs.append((time.perf_counter() - t) / a.seeds)
        print(to_text(gen, rows, a.samples, a.seeds, a.steps, a.hidden))
        print(
            "seconds per seed (training + measurement): "
            + ", ".join(f"depth {dp}: {s:.1f}" for dp, s in zip(DEPTHS, secs))
        )
        print(flush=True)


if __name__ == "__main__":
    main()
