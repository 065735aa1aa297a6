"""Benchmark of `verify depth` (verify.depth): how many random T it decides, and how fast. Prints tables;
never run as a test.

    python bench/depth.py [--samples 200] [--d 2 3 4 5] [--jobs 2] [--seed 2026] [--regimes positive signed]

Table 1 (issue 21): Gaussian T, per regime and d: samples, proved k_min counts, undecided, the
certificates that proved k = 2 impossible (LP degrees), seconds per matrix (median, max). Target:
0 undecided (any that remain are listed with the LP degree tried).
Table 2: `depth` on random integer matrices (entries -9..9) at d = 4 and d = 8, one process, after
the imports (targets: d = 4 under 2 s, d = 8 under 30 s), median of --int-samples.
Table 3: every k = 2 impossibility certificate that `depth` finds on --check-samples Gaussian T
(d = 3, 4) through `check_certificate` (the depth JSON as it is), and two tampered copies of each
(an entry of T + 1; a multiplier or, for the obstructions, a listed value changed): all must pass,
and every tampered copy must fail.
"""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from fractions import Fraction

import numpy as np

from verify.checkers import check_certificate
from verify.depth import depth, depth_to_json
from verify.depth.survey import survey


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--d", type=int, nargs="+", default=[2, 3, 4, 5])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--regimes", nargs="+", default=["positive", "signed"])
    ap.add_argument("--int-samples", type=int, default=5)
    ap.add_argument("--check-samples", type=int, default=60)
    ap.add_argument("--tables", type=int, nargs="+", default=[1, 2, 3])
    a = ap.parse_args()
    if 1 in a.tables:
        table1(a)
    if 2 in a.tables:
        table2(a)
    if 3 in a.tables:
        table3(a)


def table1(a: argparse.Namespace) -> None:
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


def table2(a: argparse.Namespace) -> None:
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




def table3(a: argparse.Namespace) -> None:
    print("\nTable 3: k = 2 impossibility certificates re-checked by check_certificate (depth JSON)")
    print(f"{'d':>3} {'samples':>7} {'certificates':>12} {'kinds':>28} {'pass':>5} {'tampered T fail':>15} "
          f"{'tampered cert fail':>18}")
    for d in (3, 4):
        rng = np.random.default_rng(a.seed + 100 + d)
        kinds, ok, t_fail, c_fail = {}, 0, 0, 0
        for _ in range(a.check_samples):
            T = rng.standard_normal((2 * d, 2 * d))
            if np.linalg.det(T) < 0:
                T[0] *= -1
            r = depth(T)
            if r.per_k[2].status != "impossible":
                continue
            data = json.loads(json.dumps(depth_to_json(r)))
            kind = data["per_k"]["2"]["certificate"]["type"]
            kinds[kind] = kinds.get(kind, 0) + 1
            ok += check_certificate(data).ok
            bad_T = copy.deepcopy(data)
            bad_T["T"][0][0] = str(Fraction(bad_T["T"][0][0]) + 1)
            t_fail += not _holds(bad_T)
            c_fail += not _holds(_tamper_certificate(data))
        n = sum(kinds.values())
        print(f"{d:>3} {a.check_samples:>7} {n:>12} {', '.join(f'{k} {v}' for k, v in sorted(kinds.items())):>28} "
              f"{ok:>5} {t_fail:>15} {c_fail:>18}", flush=True)


def _holds(data: dict) -> bool:
    try:
        return check_certificate(data).ok
    except ValueError:  # a tampered file may be refused outright (bad input): it does not hold
        return False


def _tamper_certificate(data: dict) -> dict:
    out = copy.deepcopy(data)
    cert = out["per_k"]["2"]["certificate"]
    if cert["type"] == "lp":
        term = cert["patterns"][0]["multipliers"][0]["terms"][0]
        term[1] = str(Fraction(term[1]) + 10 ** 6)
    else:
        key = next(k for k in ("T11_diagonal", "T11_minors", "values") if k in cert)
        if key == "values":
            cert[key][0]["minus_T21"] = str(Fraction(cert[key][0]["minus_T21"]) + 1)
        else:
            cert[key][0] = str(Fraction(cert[key][0]) + 1)
    return out


if __name__ == "__main__":
    main()
