"""Theorem 1 and Remark 1 at full size: prints tables; never run as a test.

    python bench/theorem1.py [--samples 5000] [--seeds 3] [--only cost|table|remark1|trained]

1. cost: exact OT (POT emd2) time and cost-matrix memory against N, for n = 2 and 4.
2. table: for every target, the constructed network over h (eps = 1e-3): proved bound, measured W2
   (mean +- std over seeds) beside the floor (two independent samples of Q), the unbiased coupling rms
   against its part of the bound, exact cell-mass error, chi-square p, log-log slopes.
3. remark1: the square at h = 0.1 over eps: sigma_min, pointwise condition numbers, the Lipschitz
   estimates, against 1/eps.
4. trained: a depth-3 coupling flow (hidden 64x64, ReLU) trained by maximum likelihood (Adam, 3000
   steps, batch 256) on N samples of each 2-D target: W2 and conditioning beside the construction's.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from verify.theorem1 import conditioning, construct, table, target, trained_flow, w2
from verify.theorem1.measure import sample_w2
from verify.theorem1.report import to_text

TARGET_H = {"square": (0.2, 0.1, 0.05), "two-boxes": (0.2, 0.1, 0.05), "annulus": (0.2, 0.1, 0.05),
            "cube": (0.5, 0.25, 1 / 6), "box-mixture": (0.5, 0.25, 1 / 6)}


def cost() -> None:
    print("exact OT cost: W2 between two N-samples of the uniform cube, one run each")
    print("   n      N   seconds   cost matrix MB")
    rng = np.random.default_rng(0)
    for n in (2, 4):
        for N in (500, 1000, 2000, 5000):
            x, y = rng.random((N, n)), rng.random((N, n))
            t = time.perf_counter()
            w2(x, y)
            print(f"{n:4d} {N:6d} {time.perf_counter() - t:9.2f}   {N * N * 8 / 2 ** 20:10.0f}", flush=True)


def tables(N: int, seeds: int) -> None:
    for name, hs in TARGET_H.items():
        Q = target(name)
        rows = table(Q, hs, [1e-3], N, list(range(seeds)))
        print(to_text(Q, rows, N, seeds), "\n", flush=True)


def remark1(N: int, seeds: int) -> None:
    Q = target("square")
    rows = table(Q, [0.1], [1e-1, 1e-2, 1e-3, 1e-4], N, list(range(seeds)))
    print(to_text(Q, rows, N, seeds), "\n", flush=True)


def trained(N: int, seeds: int) -> None:
    print(f"maximum-likelihood contrast: depth-3 coupling flow trained on N = {N} samples; {seeds} seeds "
          "(W2 measured with fresh N-samples)")
    print("target        W2 mean +- std    floor      cond median   p99     max    Lip(g)>=  kappa>=   train s")
    for name in ("square", "two-boxes", "annulus"):
        Q = target(name)
        ws, fl, conds, t = [], [], [], time.perf_counter()
        for s in range(seeds):
            flow = trained_flow(Q, N, s)
            v, f, _ = sample_w2(flow.sample, Q, N, [100 + s])
            ws += v
            fl += f
            conds.append(conditioning(flow.transform, np.random.default_rng(s).standard_normal((1000, Q.n))))
        secs = (time.perf_counter() - t) / seeds
        print(f"{name:<12} {np.mean(ws):7.4f} +- {np.std(ws):6.4f}  {np.mean(fl):7.4f}   "
              f"{np.mean([c.cond_median for c in conds]):9.2f}  {np.mean([c.cond_p99 for c in conds]):7.1f}  "
              f"{max(c.cond_max for c in conds):7.1f}  {max(c.lip_lower for c in conds):8.2f}  "
              f"{max(c.kappa for c in conds):8.1f}  {secs:7.1f}", flush=True)
        net = construct(Q, 0.05, 1e-3)
        print(f"{'  construction h=0.05, eps=1e-3':<32} bound {net.bound.total:.4f}; cond 1 on plateaus, "
              f"sigma_min = 1e-3, Lip(g) >= {net.h / net.widths.max():.1e}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=5000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--only", choices=["cost", "table", "remark1", "trained"])
    a = ap.parse_args()
    if a.only in (None, "cost"):
        cost()
    if a.only in (None, "table"):
        tables(a.samples, a.seeds)
    if a.only in (None, "remark1"):
        remark1(a.samples, a.seeds)
    if a.only in (None, "trained"):
        trained(a.samples, a.seeds)


if __name__ == "__main__":
    main()
