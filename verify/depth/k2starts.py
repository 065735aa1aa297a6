r"""Starting points for the ``k = 2`` search, from the structure of ``EFEF`` (Lemma 1 of
``proofs/theorem3.md``): with ``N = T\Delta^{-1}`` and ``T_{11}`` invertible,
``N \in EFEF`` iff ``T_{11}C^{-1} - I = YZ`` and ``B\Sigma^{-1} - I = ZY`` for some ``Y, Z``.

* :func:`spectral_k2_starts` -- match the spectra (``d`` equations in the ``2d`` scales), then take
  ``Y, Z`` from the similarity;
* :func:`reduced_k2_starts` -- solve the bilinear system for ``Y, Z`` and the scales together.

Both return full parameter vectors (:mod:`verify.depth.kpairs`) for :func:`verify.depth.depth` to polish and certify.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

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
    pos = regime == "positive"

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


def spectral_k2_starts(Tf: np.ndarray, regime: str, rng: np.random.Generator, tries: int) -> Optional[np.ndarray]:
    r"""A ``k = 2`` candidate from spectral matching, or ``None``.

    Generically ``N = T\Delta^{-1} \in EFEF`` iff ``M_1 = T_{11}C^{-1}`` and ``M_2 = B\Sigma^{-1}`` are
    similar (then ``X_1 = M_1 - I = YZ``, ``X_2 = M_2 - I = ZY`` with ``Y = X_1 G``, ``Z = G^{-1}`` for
    any invertible ``G`` with ``X_1 G = G X_2``). Similarity of diagonalisable matrices is equality of
    characteristic polynomials, i.e. of the power sums ``\mathrm{tr} M_1^j = \mathrm{tr} M_2^j``,
    ``j = 1..d``: ``d`` equations in the ``2d`` scales, with the analytic derivatives
    ``\partial_{\gamma_i}\mathrm{tr} M_1^j = -j (M_1^j)_{ii}`` and
    ``\partial_{\beta_i}\mathrm{tr} M_2^j = j (M_2^j)_{ii}`` (positive regime, ``c = e^\gamma``,
    ``b = e^\beta``; the signed regime divides by the scale instead). ``G`` is a random element of
    the null space of ``G \mapsto X_1 G - G X_2``.
    """
    n = Tf.shape[0]
    d = n // 2
    T11, T12, T21, T22 = Tf[:d, :d], Tf[:d, d:], Tf[d:, :d], Tf[d:, d:]
    if np.linalg.cond(T11) > 1e10:
        return None
    Si = np.linalg.inv(T22 - T21 @ np.linalg.solve(T11, T12))
    I = np.eye(d)
    pos = regime == "positive"

    def scales(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.exp(w[:d]), np.exp(w[d:])) if pos else (w[:d], w[d:])

    def powers(M: np.ndarray) -> list[np.ndarray]:
        out = [M]
        for _ in range(d - 1):
            out.append(out[-1] @ M)
        return out

    # equation j is divided by (j+1) rho^(j+1), rho = |det T11|^(1/d), to keep the power sums of size ~1
    rho = float(abs(np.linalg.det(T11)) ** (1.0 / d)) or 1.0
    wts = np.array([1.0 / ((j + 1) * rho ** (j + 1)) for j in range(d)])

    def fun(w: np.ndarray) -> np.ndarray:
        b, c = scales(w)
        P1, P2 = powers(T11 / c[None, :]), powers(b[:, None] * Si)
        return wts * (j_tr(P1) - j_tr(P2))

    def j_tr(Ps: list[np.ndarray]) -> np.ndarray:
        return np.array([np.trace(A) for A in Ps]) * np.arange(1, d + 1)

    def jac(w: np.ndarray) -> np.ndarray:
        b, c = scales(w)
        P1, P2 = powers(T11 / c[None, :]), powers(b[:, None] * Si)
        # fun_j = (tr M1^{j+1} - tr M2^{j+1}) / (j+1):
        #   d/dbeta_i = -(M2^{j+1})_ii,  d/dgamma_i = -(M1^{j+1})_ii   (signed regime: divided by b_i, c_i)
        J = np.zeros((d, 2 * d))
        for j in range(d):
            J[j, :d] = -np.diag(P2[j]) * (1.0 if pos else 1.0 / b) * (j + 1) ** 2 * wts[j]
            J[j, d:] = -np.diag(P1[j]) * (1.0 if pos else 1.0 / c) * (j + 1) ** 2 * wts[j]
        return J

    for _ in range(tries):
        w0 = 0.5 * rng.standard_normal(2 * d) + (0.0 if pos else 1.0)
        sol = least_squares(fun, w0, jac, max_nfev=1000)
        if sol is None or not np.all(np.isfinite(sol.fun)) or np.abs(sol.fun).max() > 1e-11:
            continue
        with np.errstate(all="ignore"):
            b, c = scales(sol.x)
        if not _sane_scales(b, c):
            continue
        X1, X2 = T11 / c[None, :] - I, b[:, None] * Si - I
        # null space of vec(X1 G - G X2) = (I kron X1 - X2^T kron I) vec_col(G)
        Kmat = np.kron(I, X1) - np.kron(X2.T, I)
        _, sv, Vt = np.linalg.svd(Kmat)
        null = Vt[sv <= 1e-8 * max(sv[0], 1.0)] if sv.size else Vt[:0]
        null = Vt[-d:] if null.shape[0] < d else null
        G = (rng.standard_normal(null.shape[0]) @ null).reshape(d, d, order="F")
        if np.linalg.cond(G) > 1e10:
            continue
        Y, Z = X1 @ G, np.linalg.inv(G)
        N = Tf / np.concatenate([c, b])[None, :]
        P = N[:d, :d]
        Pi = np.linalg.inv(P)
        u, v = N[d:, :d] @ Pi, Pi @ N[:d, d:]
        ones = np.ones(d)
        return pack([(u - Z @ Pi, ones, ones, Y), (Z, b, c, (v - Pi @ Y) * b[None, :])], regime)
    return None


def _sane_scales(b: np.ndarray, c: np.ndarray) -> bool:
    """Scales that a float64 parametrisation can carry: finite, nonzero, within 1e-8..1e8."""
    a = np.abs(np.concatenate([b, c]))
    return bool(np.all(np.isfinite(a)) and a.min() > 1e-8 and a.max() < 1e8)
