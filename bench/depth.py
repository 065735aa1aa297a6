"""Benchmark of `verify depth` (verify.depth): how many random T it decides, and how fast. Prints tables;
never run as a test.

    python bench/depth.py [--samples 200] [--d 2 3 4 5] [--jobs 2] [--seed 2026] [--regimes positive signed]

Table 1 (issue 21): Gaussian T, per regime and d: samples, proved k_min counts, undecided, the
certificates that proved k = 2 impossible (LP degrees), seconds per matrix (median, max). Target:
0 undecided (any that remain are listed with the LP degree tried).
Table 2: `depth` on random integer matrices (entries -9..9) at d = 4 and d = 8, one process, after
the imports (targets: d = 4 under 2 s, d = 8 under 30 s), median of --int-samples.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from verify.depth import depth
from verify.depth.survey import survey


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--d", type=int, nargs="+", default=[2, 3, 4, 5])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--regimes", nargs="+", default=["positive", "signed"])
    ap.add_argument("--int-samples", type=int, default=5)
    a = ap.parse_args()
    print(f"Table 1: Gaussian T, seed {a.seed}, {a.jobs} processes")
    print(f"{'regime':>8} {'d':>3} {'samples':>7} {'k=1':>5} {'k=2':>5} {'k=3':>5} {'undecided':>9} "
          f"{'k=2 impossible by':>34} {'s/matrix med':>12} {'max':>7} {'wall s':>7}")
    for regime in a.regimes:
        for d in a.d:
            t0 = time.perf_counter()
            (row,) = survey([d], "gaussian", a.samples, regime=regime, seed=a.seed + d, jobs=a.jobs)
            wall = time.perf_counter() - t0
            how = ", ".join(f"{k} {v}" for k, v in sorted(row.certificates.items())) or "-"
            if row.lp_degrees:
                how += " (deg " + ", ".join(f"{k}:{v}" for k, v in sorted(row.lp_degrees.items())) + ")"
            print(f"{regime:>8} {d:>3} {row.samples:>7} {row.proved['1']:>5} {row.proved['2']:>5} {row.proved['3']:>5} "
                  f"{row.undecided:>9} {how:>34} {statistics.median(row.seconds):>12.2f} {max(row.seconds):>7.1f} "
                  f"{wall:>7.0f}", flush=True)
            if row.undecided:
                print(f"{'':>12} undecided: LP degrees tried {row.undecided_lp_degrees}", flush=True)
    print("\nTable 2: verify depth on random integer T (entries -9..9), one process")
    print(f"{'d':>3} {'samples':>7} {'median s':>9} {'max s':>7} {'target s':>8}  outcomes")
    rng = np.random.default_rng(a.seed)
    depth([[2, 1], [1, 1]])  # imports and caches out of the timing
    for d, target in ((4, 2), (8, 30)):
        times, outcomes = [], []
        for _ in range(a.int_samples):
            T = rng.integers(-9, 10, size=(2 * d, 2 * d))
            if round(np.linalg.det(T)) == 0:
                continue
            if np.linalg.det(T) < 0:
                T[0] *= -1
            t0 = time.perf_counter()
            r = depth(T.tolist())
            times.append(time.perf_counter() - t0)
            outcomes.append(f"k={r.k_min}{'' if r.proved_minimal else '?'}")
        print(f"{d:>3} {len(times):>7} {statistics.median(times):>9.2f} {max(times):>7.2f} {target:>8}  "
              f"{' '.join(outcomes)}", flush=True)


if __name__ == "__main__":
    main()
