"""Benchmark of verify.theorem2.decompose (Theorem 2). Prints two tables; never run as a test.

    python bench/theorem2.py [--quick] [--float-only | --sizes-only]

Exact mode, 2d = 8, 16, 32, 64 (integer entries in [-9, 9]): decompose (construction + exact
verification) next to one DomainMatrix QQ inverse of the same T. Target: 2d = 32 under 5 s.

Float mode, 2d = 64 ... 2048 (Gaussian T rescaled so cond(T) <= 1e3): decompose next to
scipy.linalg.lu_factor of the same T, with the relative backward error (certified: an arb
enclosure up to 2d = 512, the a-priori rounding bound beyond; measured: evaluated in float64) and
the largest layer condition number. The decompose time includes the certification. Target: <= 10x LU at 2d = 1024
with backward error <= 1e-10.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg
from sympy import QQ
from sympy.polys.matrices import DomainMatrix

from verify import decompose
from verify.theorem2.serialize import cond


def timed(f, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def well_conditioned(rng, n, max_cond=1e3):
    while True:
        T = rng.standard_normal((n, n)) + 2 * np.sqrt(n) * np.eye(n)
        if np.linalg.slogdet(T)[0] < 0:
            T[0] *= -1
        if np.linalg.cond(T) <= max_cond:
            return T


def exact_table(sizes):
    rng = np.random.default_rng(0)
    print("exact mode (rational layers, product checked equal to T)")
    print(f"{'2d':>5} {'decompose s':>12} {'QQ inv s':>10} {'ratio':>8} {'k':>3} {'max layer cond':>15}")
    for n in sizes:
        M = rng.integers(-9, 10, size=(n, n))
        if round(np.linalg.det(M)) < 0:
            M[0] *= -1
        rows = M.tolist()
        t_dec, dec = timed(lambda: decompose(rows, "exact"))
        dm = DomainMatrix([[QQ(int(x)) for x in r] for r in rows], (n, n), QQ).to_dense()
        t_inv, _ = timed(lambda: dm.inv(), 3)
        assert dec.verified
        print(f"{n:>5} {t_dec:>12.3f} {t_inv:>10.4f} {t_dec / t_inv:>8.1f} {dec.k:>3} {cond(dec.max_layer_cond):>15}")


def size_table(sizes):
    """Issue 24's size table for the exact route: input bits, JSON bytes, the largest entry (bits of
    numerator or denominator) beside Theorem B's proved bound (proofs/theorem2.md, Step 4''), seconds
    to decompose (construction + exact multiply-back) and to check
    the JSON with ``verify.check``, the route used; and the fitted growth bytes ~ d^p (fixed b = 4)."""
    import json

    from verify import check
    from verify.theorem2.cost import spectral_bits_bound
    from verify.theorem2.serialize import to_json

    rng = np.random.default_rng(0)
    print("\nexact output size (random 1-digit integers, entries -9..9: b = 4 bits)")
    print(f"{'2d':>5} {'input bits':>10} {'JSON bytes':>12} {'max entry bits':>15} {'bound (Thm B)':>14} "
          f"{'decompose s':>12} {'check s':>8} {'route':>11}")
    ds, sizes_b = [], []
    for n in sizes:
        M = rng.integers(-9, 10, size=(n, n))
        if round(np.linalg.det(M)) < 0:
            M[0] *= -1
        t, dec = timed(lambda: decompose(M.tolist(), "exact", max_seconds=None, max_bytes=None))
        data = to_json(dec)
        size = len(json.dumps(data))
        t_check, res = timed(lambda: check(M.tolist(), data))
        assert res.ok
        bits = max(max(abs(q.numerator).bit_length(), q.denominator.bit_length())
                   for L in dec.as_fractions() for key in "AbcD"
                   for q in (sum(L[key], []) if key in "AD" else L[key]))
        bound = spectral_bits_bound(n // 2, 4) if dec.route == "spectral" and dec.attempt == 0 else "-"
        print(f"{n:>5} {n * n * 4:>10} {size:>12} {bits:>15} {bound:>14} {t:>12.2f} {t_check:>8.2f} "
              f"{dec.route:>11}", flush=True)
        ds.append(n // 2)
        sizes_b.append(size)
    p = np.polyfit(np.log(ds), np.log(sizes_b), 1)[0]
    # Hadamard: a minor of T has about d (b + log2(2d)/2) bits, so the entries' own unit grows with d too
    beta = [4 + 0.5 * np.log2(2 * d) for d in ds]
    q = np.polyfit(np.log(ds), np.log(np.array(sizes_b) / np.array(beta)), 1)[0]
    print(f"fitted: JSON bytes ~ d^{p:.2f} at b = 4; bytes / beta ~ d^{q:.2f}, beta = b + log2(2d)/2 "
          "(issue 24's target: at most d^4 b, ideally d^3 b)")


def fit_cost(quick=False):
    """Refit verify.theorem2.cost: bytes ~ e^a0 d^a1 (b+2)^a2 and seconds ~ e^c0 d^c1 (b+2)^c2 by least
    squares in logs, over random integer T with entries of b bits (d = 6..16 at b = 2, 10, 18 and
    d = 12..48 at b = 3; about 3 minutes); prints each run beside the fitted and the current model."""
    import json

    from verify.theorem2.cost import exact_cost
    from verify.theorem2.serialize import to_json

    rng = np.random.default_rng(2)
    runs = [(d, b) for b in (3, 11, 19) for d in ((6, 8) if quick else (6, 8, 10, 12, 16))]
    runs += [(d, 4) for d in ((12, 16) if quick else (12, 16, 24, 32, 40, 48))]
    rows = []
    print("\ncost model fit (exact route; seconds = construction + exact multiply-back)")
    print(f"{'d':>4} {'b':>3} {'bytes':>11} {'model bytes':>12} {'seconds':>8} {'model s':>8} {'route':>9}")
    for d, b in runs:
        M = rng.integers(-(2 ** (b - 1)) + 1, 2 ** (b - 1), size=(2 * d, 2 * d))
        if round(np.linalg.slogdet(M)[0]) < 0:
            M[0] *= -1
        bits = max(abs(int(x)).bit_length() for x in M.flatten())
        t, dec = timed(lambda: decompose(M.tolist(), "exact", max_seconds=None, max_bytes=None))
        size = len(json.dumps(to_json(dec)))
        est = exact_cost(d, bits)
        rows.append((d, bits, size, t))
        print(f"{d:>4} {bits:>3} {size:>11} {est.bytes:>12.0f} {t:>8.2f} {est.seconds:>8.2f} {dec.route:>9}",
              flush=True)
    X = np.array([[1.0, np.log(d), np.log(b + 2)] for d, b, _, _ in rows])
    cb = np.linalg.lstsq(X, np.log([r[2] for r in rows]), rcond=None)[0]
    slow = [i for i, r in enumerate(rows) if r[3] > 0.05]  # timings under 50 ms are mostly overhead
    # seconds bend upwards in log-log (big-number products leave flint's fast range): a (log d)^2 term
    Xs = np.column_stack([X, X[:, 1] ** 2])
    cs = np.linalg.lstsq(Xs[slow], np.log([rows[i][3] for i in slow]), rcond=None)[0]
    print(f"fitted bytes   = exp({cb[0]:.3f}) d^{cb[1]:.3f} (b+2)^{cb[2]:.3f}")
    print(f"fitted seconds = exp({cs[0]:.3f} + {cs[1]:.3f} ln d + {cs[3]:.4f} ln^2 d) (b+2)^{cs[2]:.3f}")
    eb = [abs(np.exp(X[i] @ cb) / r[2] - 1) for i, r in enumerate(rows)]
    es = [abs(np.exp(Xs[i] @ cs) / rows[i][3] - 1) for i in slow if rows[i][3] > 1]
    print(f"max relative error: bytes {max(eb):.0%}, seconds (runs over 1 s) {max(es, default=0):.0%}")


def float_table(sizes):
    rng = np.random.default_rng(1)
    print("\nfloat mode (numpy float64), T Gaussian + 2 sqrt(n) I, cond(T) <= 1e3")
    print(f"{'2d':>5} {'cond(T)':>9} {'decompose s':>12} {'LU s':>8} {'ratio':>8} {'certified':>10} "
          f"{'measured':>9} {'max layer cond':>15} {'verified':>9}")
    for n in sizes:
        T = well_conditioned(rng, n)
        t_lu, _ = timed(lambda: scipy.linalg.lu_factor(T), 3)
        try:
            t_dec, dec = timed(lambda: decompose(T, "float", method="minimal", attempts=1))
            row = (f"{t_dec:>12.3f} {t_lu:>8.4f} {t_dec / t_lu:>8.1f} {dec.residual:>10.2e} "
                   f"{dec.residual_measured:>9.2e} {cond(dec.max_layer_cond):>15} {str(dec.verified):>9}")
        except RuntimeError as e:  # no numerically nondegenerate choice
            row = f"{'-':>12} {t_lu:>8.4f} {'-':>8} {'-':>13} {'-':>15}   failed: {e}"
        print(f"{n:>5} {np.linalg.cond(T):>9.1f} {row}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    ap.add_argument("--float-only", action="store_true", help="skip the exact table (2d = 64 takes ~13 min)")
    ap.add_argument("--sizes-only", action="store_true", help="only the exact output-size table")
    ap.add_argument("--fit", action="store_true", help="refit the exact cost model (verify/theorem2/cost.py)")
    a = ap.parse_args()
    if a.fit:
        fit_cost(a.quick)
        return
    if a.sizes_only:
        size_table([8, 12, 16] if a.quick else [8, 12, 16, 24, 32, 48, 64])
        return
    if not a.float_only:
        exact_table([8, 16] if a.quick else [8, 16, 32, 64])
        size_table([8, 12, 16] if a.quick else [8, 12, 16, 24, 32])
    float_table([8, 16, 64, 128] if a.quick else [8, 16, 32, 64, 128, 256, 512, 1024, 2048])


if __name__ == "__main__":
    main()
