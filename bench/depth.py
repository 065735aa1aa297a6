"""Benchmark of the k = 2 depth search (verify.depth). Prints a table; never run as a test.

    python bench/depth.py [--samples N]

For products of two random positive pairs (integer entries) at d = 2, 4, 6, 8: the median time of
the search (spectral start + full least squares), of the polish + Krawczyk certification, and the
fraction certified. Targets (issue 3): d = 4 search median < 2 s, certification < 10 s.
"""
from __future__ import annotations

import argparse
import statistics
import time
from fractions import Fraction

import numpy as np

import verify.depth.minimal as depth_mod


def pair(rng, d):
    A, D = rng.integers(-3, 4, size=(d, d)), rng.integers(-3, 4, size=(d, d))
    b, c = rng.integers(1, 4, size=d), rng.integers(1, 4, size=d)
    L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]])
    U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]])
    return L @ U


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=5)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'d':>3} {'samples':>8} {'search s (median)':>18} {'certify s (median)':>19} {'certified':>10}")
    orig = depth_mod._polish_and_certify
    for d in (2, 4, 6, 8):
        search, cert, ok = [], [], 0
        for _ in range(a.samples):
            rows = [[Fraction(int(x)) for x in r] for r in (pair(rng, d) @ pair(rng, d)).tolist()]
            timing = {}

            def timed_polish(*args, **kw):
                t0 = time.perf_counter()
                out = orig(*args, **kw)
                timing["cert"] = time.perf_counter() - t0
                return out

            depth_mod._polish_and_certify = timed_polish
            t0 = time.perf_counter()
            out = depth_mod.search_k(rows, 2, "positive", starts=20)
            total = time.perf_counter() - t0
            depth_mod._polish_and_certify = orig
            cert.append(timing.get("cert", 0.0))
            search.append(total - timing.get("cert", 0.0))
            ok += out.status == "certified"
        print(f"{d:>3} {a.samples:>8} {statistics.median(search):>18.2f} {statistics.median(cert):>19.2f} "
              f"{ok:>5}/{a.samples}")


if __name__ == "__main__":
    main()
