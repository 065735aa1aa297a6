r"""Starting points for the ``k = 2`` search, from the structure of ``EFEF`` (Lemma 1 of
``proofs/theorem3.md``): with ``N = T\Delta^{-1}`` and ``T_{11}`` invertible,
``N \in EFEF`` iff ``T_{11}C^{-1} - I = YZ`` and ``B\Sigma^{-1} - I = ZY`` for some ``Y, Z``.

* :func:`solve_scales` -- the reduced system ``g_j(x, y) = 0`` (``d`` equations in the ``2d`` scales);
* :func:`spectral_k2_starts` -- its solutions, with ``Y, Z`` from the similarity;
* :func:`reduced_k2_starts` -- solve the bilinear system for ``Y, Z`` and the scales together.

Both return full parameter vectors (:mod:`verify.depth.kpairs`) for :func:`verify.depth.depth` to polish and certify.
"""
from __future__ import annotations

from typing import Iterator, Optional

import numpy as np

from ..vocabulary import Regime
from .kpairs import least_squares, pack


def reduced_k2_starts(Tf: np.ndarray, regime: str, rng: np.random.Generator, tries: int) -> Optional[np.ndarray]:
    r"""A ``k = 2`` solution from the reduced system, or ``None``.

    With ``N = T\Delta^{-1}``, ``\Delta = \operatorname{diag}(c, b)`` and ``T_{11}`` invertible:
    ``N \in EFEF`` iff some ``Y, Z`` satisfy ``T_{11}C^{-1} - I = YZ`` and ``B\Sigma^{-1} - I = ZY``
    (``\Sigma = T/T_{11}``; ``proofs/theorem3.md``, Lemma 1). That is ``2d^2`` bilinear equations in
    ``2d^2 + 2d`` unknowns, solved by least squares with its analytic Jacobian. A solution gives the
    pairs through ``N = E(u - ZP^{-1}) F(Y) E(Z) F(v - P^{-1}Y)``, ``P = N_{11}``,
    ``u = N_{21}P^{-1}``, ``v = P^{-1}N_{12}`` (check (4) of ``proofs/theorem2_check.py``, mirrored).
    """
    n = Tf.shape[0]
    d = n // 2
    T11, T12, T21, T22 = Tf[:d, :d], Tf[:d, d:], Tf[d:, :d], Tf[d:, d:]
    if np.linalg.cond(T11) > 1e10:
        return None
    Sigma = T22 - T21 @ np.linalg.solve(T11, T12)
    Si = np.linalg.inv(Sigma)
    I = np.eye(d)
    pos = regime == Regime.POSITIVE

    def split_u(w: np.ndarray) -> tuple:
        Y = w[: d * d].reshape(d, d)
        Z = w[d * d: 2 * d * d].reshape(d, d)
        beta, gamma = w[2 * d * d: 2 * d * d + d], w[2 * d * d + d:]
        b, c = (np.exp(beta), np.exp(gamma)) if pos else (beta, gamma)
        return Y, Z, b, c

    def fun(w: np.ndarray) -> np.ndarray:
        Y, Z, b, c = split_u(w)
        return np.concatenate([(T11 / c[None, :] - I - Y @ Z).ravel(), (b[:, None] * Si - I - Z @ Y).ravel()])

    def jac(w: np.ndarray) -> np.ndarray:
        Y, Z, b, c = split_u(w)
        J = np.zeros((2 * d * d, 2 * d * d + 2 * d))
        for p in range(d):
            for q in range(d):
                col_Y, col_Z = p * d + q, d * d + p * d + q
                dYZ_Y = np.zeros((d, d)); dYZ_Y[p, :] = Z[q, :]          # d(YZ)/dY_pq
                dYZ_Z = np.zeros((d, d)); dYZ_Z[:, q] = Y[:, p]          # d(YZ)/dZ_pq
                dZY_Z = np.zeros((d, d)); dZY_Z[p, :] = Y[q, :]          # d(ZY)/dZ_pq
                dZY_Y = np.zeros((d, d)); dZY_Y[:, q] = Z[:, p]          # d(ZY)/dY_pq
                J[:, col_Y] = -np.concatenate([dYZ_Y.ravel(), dZY_Y.ravel()])
                J[:, col_Z] = -np.concatenate([dYZ_Z.ravel(), dZY_Z.ravel()])
        for j in range(d):
            g = np.zeros((d, d)); g[:, j] = -T11[:, j] / c[j] ** 2 * (c[j] if pos else 1.0)
            J[: d * d, 2 * d * d + d + j] = g.ravel()
            h = np.zeros((d, d)); h[j, :] = Si[j, :] * (b[j] if pos else 1.0)
            J[d * d:, 2 * d * d + j] = h.ravel()
        return J

    scale = float(np.linalg.norm(Tf))
    for _ in range(tries):
        w0 = np.concatenate([rng.standard_normal(2 * d * d), 0.3 * rng.standard_normal(2 * d) + (0 if pos else 1)])
        sol = least_squares(fun, w0, jac, max_nfev=300)
        if sol is None or not np.all(np.isfinite(sol.fun)) or np.linalg.norm(sol.fun) > 1e-11 * max(scale, 1.0):
            continue
        with np.errstate(all="ignore"):
            Y, Z, b, c = split_u(sol.x)
        if not _sane_scales(b, c):
            continue
        N = Tf / np.concatenate([c, b])[None, :]
        P = N[:d, :d]
        if np.linalg.cond(P) > 1e12:
            continue
        Pi = np.linalg.inv(P)
        u, v = N[d:, :d] @ Pi, Pi @ N[:d, d:]
        X1, Y1, X2, Y2 = u - Z @ Pi, Y, Z, v - Pi @ Y
        ones = np.ones(d)
        # E(X1) F(Y1) E(X2) F(Y2) Delta = L(X1, 1) U(1, Y1) L(X2, b) U(c, Y2 diag b)
        return pack([(X1, ones, ones, Y1), (X2, b, c, Y2 * b[None, :])], regime)
    return None


def spectral_k2_starts(Tf: np.ndarray, regime: str, rng: np.random.Generator, tries: int,
                       want: int = 3) -> Iterator[np.ndarray]:
    r"""Up to ``want`` ``k = 2`` candidates from the scales (none when no scales are found).

    Scales ``x = 1/c``, ``y = b`` solving the reduced system (:func:`solve_scales`) make
    ``M_1 = T_{11}X - I`` and ``M_2 = YW - I`` (``W = (T^{-1})_{22}``) share their characteristic
    polynomial; with distinct eigenvalues they are similar, and any invertible ``G`` in the null space
    of ``G \mapsto M_1 G - G M_2`` gives ``Y_1 = M_1 G``, ``X_2 = G^{-1}`` with ``Y_1X_2 = M_1 = N_{11} - I``
    and ``X_2Y_1 = M_2 = (N^{-1})_{22} - I`` (proofs/theorem3.md, Lemma 1). The outer factors follow from
    ``N = E(u - X_2P^{-1}) F(Y_1) E(X_2) F(v - P^{-1}Y_1)``, ``P = N_{11}``, ``u = N_{21}P^{-1}``,
    ``v = P^{-1}N_{12}``. Solutions with the least spread of scales are tried first, each with a fresh
    random ``G``.
    """
    n = Tf.shape[0]
    d = n // 2
    T11 = Tf[:d, :d]
    if np.linalg.cond(T11) > 1e10:
        return
    W = np.linalg.inv(Tf)[d:, d:]
    I = np.eye(d)
    sols = solve_scales(Tf, regime, rng, tries, want=want)
    # the manifold of solutions has dimension d - 1: prefer the best balanced point (smallest log spread)
    sols.sort(key=lambda s: float(np.ptp(np.log(np.abs(np.concatenate([1 / s[0], s[1]]))))))
    for x, y in sols:
        c, b = 1.0 / x, y
        if not _sane_scales(b, c):
            continue
        M1, M2 = T11 * x[None, :] - I, y[:, None] * W - I
        # null space of vec(M1 G - G M2) = (I kron M1 - M2^T kron I) vec_col(G)
        _, sv, Vt = np.linalg.svd(np.kron(I, M1) - np.kron(M2.T, I))
        null = Vt[sv <= 1e-8 * max(sv[0], 1.0)] if sv.size else Vt[:0]
        null = Vt[-d:] if null.shape[0] < d else null
        G = (rng.standard_normal(null.shape[0]) @ null).reshape(d, d, order="F")
        if np.linalg.cond(G) > 1e10:
            continue
        Y, Z = M1 @ G, np.linalg.inv(G)
        N = Tf / np.concatenate([c, b])[None, :]
        Pi = np.linalg.inv(N[:d, :d])
        u, v = N[d:, :d] @ Pi, Pi @ N[:d, d:]
        ones = np.ones(d)
        yield pack([(u - Z @ Pi, ones, ones, Y), (Z, b, c, (v - Pi @ Y) * b[None, :])], regime)


def _sane_scales(b: np.ndarray, c: np.ndarray) -> bool:
    """Scales that a float64 parametrisation can carry: finite, nonzero, within 1e-8..1e8."""
    a = np.abs(np.concatenate([b, c]))
    return bool(np.all(np.isfinite(a)) and a.min() > 1e-8 and a.max() < 1e8)


def _minor_terms(T11: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The float reduced system (:mod:`verify.theorem3.system`): for every term of every ``g_j``, its
    variables (a 0/1 row over ``z = (x, y)``), its coefficient (a principal minor, ``-`` for ``W``) and
    its equation ``j - 1``."""
    from itertools import combinations

    d = T11.shape[0]
    inc, coef, eq = [], [], []
    for j in range(1, d + 1):
        subsets = list(combinations(range(d), j))
        idx = np.array(subsets)
        a = np.linalg.det(T11[idx[:, :, None], idx[:, None, :]])
        b = np.linalg.det(W[idx[:, :, None], idx[:, None, :]])
        for S, p, q in zip(subsets, a, b):
            for shift, value in ((0, p), (d, -q)):
                row = np.zeros(2 * d)
                row[[shift + i for i in S]] = 1.0
                inc.append(row)
                coef.append(value)
                eq.append(j - 1)
    return np.array(inc), np.array(coef), np.array(eq)


def solve_scales(Tf: np.ndarray, regime: str, rng: np.random.Generator, tries: int, want: int = 2
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""Positive (``regime="positive"``) or nonzero scales ``(x, y)`` with ``g_j(x, y) = 0``,
    ``j = 1..d``: the reduced system of ``proofs/theorem3.md`` (Lemma 5), ``d`` equations in ``2d``
    unknowns, homogeneous, so ``x_1`` is fixed to 1 (``2d - 1`` unknowns). Log coordinates
    ``z = \sigma e^u`` (``\sigma = 1``, or a random sign pattern per start in the signed regime), each
    equation divided by the sum of its terms' absolute values; up to ``tries`` multistart least
    squares, stopping after ``want`` solutions. Returns the solutions found (relative residual
    ``< 10^{-12}``, scales within ``e^{\pm 18}``), best first."""
    n = Tf.shape[0]
    d = n // 2
    try:
        W = np.linalg.inv(Tf)[d:, d:]
    except np.linalg.LinAlgError:
        return []
    inc, coef, eq = _minor_terms(Tf[:d, :d], W)
    keep = coef != 0
    inc, coef, eq = inc[keep], coef[keep], eq[keep]
    E = np.zeros((d, len(coef)))
    E[eq, np.arange(len(coef))] = 1.0
    found = []
    for _ in range(tries):
        sigma = np.ones(n) if regime == Regime.POSITIVE else rng.choice([-1.0, 1.0], size=n)
        sigma[0] = 1.0
        sterm = coef * np.prod(np.where(inc > 0, sigma[None, :], 1.0), axis=1)

        def parts(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            u = np.concatenate([[0.0], w])
            t = sterm * np.exp(np.clip(inc @ u, -700, 700))
            return t, E @ t, E @ np.abs(t) + 1e-300

        def fun(w: np.ndarray) -> np.ndarray:
            _, g, h = parts(w)
            return g / h

        def jac(w: np.ndarray) -> np.ndarray:
            t, g, h = parts(w)
            dg = E @ (t[:, None] * inc[:, 1:])
            dh = E @ (np.abs(t)[:, None] * inc[:, 1:])
            return dg / h[:, None] - (g / h ** 2)[:, None] * dh

        w0 = 1.5 * rng.standard_normal(n - 1)
        sol = least_squares(fun, w0, jac, max_nfev=100)
        if sol is None or not np.all(np.isfinite(sol.fun)) or np.abs(sol.fun).max() > 1e-12 or \
                np.abs(sol.x).max() > 18:
            continue
        z = sigma * np.exp(np.concatenate([[0.0], sol.x]))
        found.append((float(np.abs(sol.fun).max()), z[:d], z[d:]))
        if len(found) >= want:
            break
    return [(x, y) for _, x, y in sorted(found, key=lambda s: s[0])]
