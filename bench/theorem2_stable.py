"""Benchmark of the stable Theorem 2 (``decompose(T, "float")``, method "stable", k = 7, or 8 on a
lopsided spectrum). Prints one table; never run as a test.

    python bench/theorem2_stable.py [--max-n 4096] [--skip-sklearn] [--floor-only]

Columns: 2d; the matrix; cond(T); k; the largest 2-norm condition number over the 2k layers and its
ratio to max(1, sqrt(cond T)); the scale factor max(g, 1/g)^(1/k), g = |det T|^(1/2d), below which
no k-pair factorisation can go (proofs/theorem2_stable.md, Scale); the backward error ||prod - T||_F / ||T||_F of the
returned layers,
measured (evaluated in float64) and the certified bound that ``residual`` reports (arb balls up to
2d = 256, the normwise a-posteriori bound beyond); the decompose time (construction plus that
certification) and its ratio to scipy.linalg.lu_factor on the same T (best of 3).

Layer conditions are exact (SVD of every layer) up to 2d = 1024; beyond, each layer's condition is
bounded by cond(E(X)) = (x/2 + sqrt(1 + x^2/4))^2 (x = ||X||_2 by power iteration, an estimate)
times the spread of its diagonal: marked "~".

A second table, the route's floor: on a Gaussian T at 2d = 1024 ... max-n, the LAPACK and BLAS
calls of this route timed alone on matrices of their sizes, as multiples of lu_factor: the SVD of T;
per orthogonal factor one d x d SVD (the cosines of its CS decomposition), one d x d symmetric
eigendecomposition (the rotation form) and 35 d x d products (the pivot blocks' SVDs are closed
forms here; where those fail, on CS angles near 0, two Gram eigendecompositions more); the
certificate's 2 x 2k block products (d x d times d x 2d, one pass each way). "sum" adds them;
"min" keeps the SVD of T, the rotation forms and the certificate and supposes each CS decomposition
took one d x d eigendecomposition: an estimate of the least an implementation of this route pays
on this machine, before any d x d product or QR (not a theorem: a cheaper CS decomposition than one
eigendecomposition would lower it). Beside them, decompose's best of three.

Matrices: Gaussian; U diag(logspace) V^T with cond 1e3, 1e6, 1e8 (balanced spectra); a random
rotation; a Glow-style LU-parametrised 1x1 convolution weight W = P L (U + diag(s)); and, when
scikit-learn is installed (bench-only, never a run-time dependency), the digits covariance with
ridge 1e-3, its whitening matrix C^{-1/2} and its PCA basis (64 x 64).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg

from verify import decompose


def orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def positive(T):
    T = np.array(T, dtype=float)
    if np.linalg.slogdet(T)[0] < 0:
        T[0] = -T[0]
    return T


def glow(rng, n):
    P = np.eye(n)[rng.permutation(n)]
    L = np.tril(rng.standard_normal((n, n)) * 0.05, -1) + np.eye(n)
    U = np.triu(rng.standard_normal((n, n)) * 0.05, 1)
    s = np.exp(rng.normal(0, 0.3, n)) * rng.choice([-1, 1], n)
    return P @ L @ (U + np.diag(s))


def sklearn_matrices():
    from sklearn.datasets import load_digits

    X = load_digits().data
    C = np.cov(X, rowvar=False) + 1e-3 * np.eye(X.shape[1])
    w, V = np.linalg.eigh(C)
    return [
        ("digits covariance", C),
        ("digits whitening", V @ np.diag(w**-0.5) @ V.T),
        ("digits PCA basis", V[:, ::-1]),
    ]


def layer_conds(dec, exact):
    out = []
    for p in dec.pairs:
        d = len(p.b)
        if exact:
            I, Z = np.eye(d), np.zeros((d, d))
            out.append(np.linalg.cond(np.block([[I, Z], [p.A.v, np.diag(p.b)]])))
            out.append(np.linalg.cond(np.block([[np.diag(p.c), p.D.v], [Z, I]])))
            continue
        for B, s in ((p.A.v, np.asarray(p.b)), (p.D.v / np.asarray(p.c)[:, None], np.asarray(p.c))):
            x = np.random.default_rng(0).standard_normal(d)
            for _ in range(30):
                x = B.T @ (B @ x)
                nx = np.linalg.norm(x)
                if nx == 0:  # a zero block (the eight-pair middle): no shear
                    break
                x /= nx
            nb = np.linalg.norm(B @ x)
            shear = (nb / 2 + np.sqrt(1 + nb * nb / 4)) ** 2
            out.append(shear * max(1, s.max()) / min(1, s.min()))
    return max(out)


def row(name, T, repeat):
    n = T.shape[0]
    s = np.linalg.svd(T, compute_uv=False)
    c = s[0] / s[-1]
    t_lu = min(_time(lambda: scipy.linalg.lu_factor(T)) for _ in range(3))
    t0 = time.perf_counter()
    dec = decompose(T, "float")
    t = time.perf_counter() - t0
    exact = n <= 1024
    lc = layer_conds(dec, exact)
    g = float(np.exp(np.mean(np.log(s))))
    floor = max(g, 1 / g) ** (1 / dec.k)
    return (f"{n:>5}  {name:<20} {c:9.2e}  {dec.k}  {'' if exact else '~'}{lc:9.2e}  {lc / max(1, np.sqrt(c)):7.2f}  "
            f"{floor:8.2e}  "
            f"{dec.residual_measured:9.2e}  {dec.residual:9.2e}  {str(dec.verified):<5}  {t:8.2f}  {t / t_lu:7.1f}")


def _time(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def matrices(max_n: int, skip_sklearn: bool, conds=(1e3, 1e6, 1e8)) -> list:
    """The issue's matrices: the digits ones (when scikit-learn is installed), a random rotation and a
    Glow weight at 2d = 512, Gaussian and spread spectra at 2d = 8, 32, 64, 128, ..., max_n."""
    rng = np.random.default_rng(0)
    cases = []
    if not skip_sklearn:
        try:
            cases += [(name, positive(M)) for name, M in sklearn_matrices()]
        except ImportError:
            print("(scikit-learn not installed: the digits rows are skipped)")
    if max_n >= 512:
        cases += [("random rotation", positive(orthogonal(rng, 512))), ("Glow 1x1 conv (LU)", positive(glow(rng, 512)))]
    if max_n >= 256:  # issue 20: lopsided spectra, and a scale that used to land in the first pair only
        Q1, Q2 = orthogonal(rng, 256), orthogonal(rng, 256)
        cases += [("lopsided (1e-6)", positive(Q1 @ np.diag(np.r_[np.ones(255), 1e-6]) @ Q2.T)),
                  ("lopsided (1e+6)", positive(Q1 @ np.diag(np.r_[1e6, np.ones(255)]) @ Q2.T)),
                  ("1e8 x cond 1e8", positive(Q1 @ np.diag(np.logspace(0, 8, 256)) @ Q2.T)),
                  ("2^300 x gaussian", positive(np.ldexp(rng.standard_normal((256, 256)), 300)))]
    n = 8
    while n <= max_n:
        cases.append(("gaussian", positive(rng.standard_normal((n, n)))))
        for c in conds:
            if n >= 64 or c == max(conds):
                cases.append((f"cond {c:.0e}", positive(orthogonal(rng, n) @ np.diag(np.logspace(0, -np.log10(c), n))
                                                        @ orthogonal(rng, n).T)))
        n *= 4 if n < 64 else 2
    return cases


def best(f, repeat: int = 3) -> float:
    return min(_time(f) for _ in range(repeat))


def floor_row(n: int) -> str:
    """One row of the floor table (module docstring) on a Gaussian T of size n."""
    rng = np.random.default_rng(1)
    d = n // 2
    T = positive(rng.standard_normal((n, n)))
    B, G = rng.standard_normal((d, d)), rng.standard_normal((d, d))
    S = G.T @ G
    M = np.eye(n)
    lu = best(lambda: scipy.linalg.lu_factor(T))
    dec = decompose(T, "float")
    m = 2 * dec.k
    svd_T = best(lambda: scipy.linalg.svd(T, check_finite=False), 2)
    svd_d = best(lambda: scipy.linalg.svd(B, check_finite=False))
    eigh_d = best(lambda: scipy.linalg.eigh(S, driver="evd", check_finite=False))
    cert = 2 * m * best(lambda: np.matmul(B, M[:d], out=M[d:]), 7)  # short calls: more repeats
    prods = 70 * best(lambda: B @ G, 7)
    parts = [svd_T, 2 * svd_d, 2 * eigh_d, prods, cert]
    least = svd_T + 2 * eigh_d + 2 * eigh_d + cert
    t = best(lambda: decompose(T, "float"))
    cells = "  ".join(f"{x / lu:7.1f}" for x in parts)
    return f"{n:>5}  {lu:9.3f}  {cells}  {sum(parts) / lu:7.1f}  {least / lu:7.1f}  {t:7.2f}  {t / lu:7.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-n", type=int, default=4096)
    ap.add_argument("--skip-sklearn", action="store_true")
    ap.add_argument("--floor-only", action="store_true", help="print only the route's floor table")
    args = ap.parse_args()
    if not args.floor_only:
        table(args)
    print()
    print("the route's floor (x lu_factor; module docstring): its LAPACK/BLAS calls timed alone, as implemented")
    print("('sum') and about the least an implementation pays ('min'); decompose best of 3 (s, x LU)")
    print("   2d  lu_factor   svd(T)  CS svds  rot eigh  d prods  cert 4k     sum      min        s    x LU")
    n = 1024  # below, lu_factor takes milliseconds and the ratios are noise
    while n <= args.max_n:
        print(floor_row(n), flush=True)
        n *= 2


def table(args) -> None:
    print("stable method (float64, k = 7 or 8); 2 cores; backward error = ||prod - T||_F / ||T||_F")
    print("   2d  matrix               cond(T)   k  max lay.cond  /sqrtc  floor^1/k  measured  certified  verif"
          "      s   x LU")
    cases = matrices(args.max_n, args.skip_sklearn)
    for name, T in cases:
        print(row(name, T, 1), flush=True)


if __name__ == "__main__":
    main()
