r"""``depth(T)``: the fewest pairs that represent a given ``T``, with evidence for each ``k``.

* ``k = 1`` is decided exactly. ``T = L(A,b)U(c,D)`` iff ``T_{11}`` is diagonal and the Schur
  complement ``T/T_{11}`` is diagonal, both with positive (positive regime) or nonzero (signed
  regime) diagonal. The status is ``"exact"`` or ``"impossible"``, and both are proofs.
* ``k = 2`` is searched numerically: multistart ``scipy.optimize.least_squares`` with the analytic
  Jacobian of :mod:`verify.kpairs`. The best solution is gauge-fixed (column-pivoted QR picks
  ``4d^2`` free parameters, the rest are frozen at their binary values), polished by chord-Newton
  steps with mpmath residuals, and certified by Krawczyk's test in arb balls
  (:mod:`verify.certify`). The status is ``"certified"`` (a real solution provably exists in the
  reported box), ``"numerical"`` (small residual, no proof) or ``"not found"`` (best residual
  after all starts; *not* a proof of impossibility).
* ``k = 3`` always works when ``\det T > 0`` (positive) or ``\det T \ne 0`` (signed): the exact
  construction of :mod:`verify.theorem2`, status ``"exact"``.

``\det T < 0`` in the positive regime makes every ``k`` ``"impossible"`` (couplings with positive
scales preserve orientation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

import numpy as np
import scipy.linalg
import scipy.optimize

from .certify import Certificate, krawczyk
from .errors import SingularMatrixError
from .kpairs import REGIMES, jacobian, n_params, pack, product_float, unpack
from .matrix_input import as_fraction_rows


@dataclass
class KOutcome:
    """The evidence for one ``k``."""

    status: str  # exact | certified | numerical | not found | impossible | skipped
    reason: str = ""
    residual: Optional[float] = None
    box_radius: Optional[float] = None
    starts: int = 0
    decomposition: Any = None  # a verify.decompose.Decomposition (exact or mp), when found


@dataclass
class DepthResult:
    k_min: Optional[int]
    regime: str
    per_k: dict[int, KOutcome] = field(default_factory=dict)

    @property
    def decomposition(self) -> Any:
        return self.per_k[self.k_min].decomposition if self.k_min is not None else None


FOUND = ("exact", "certified", "numerical")


def _det(rows: list[list[Fraction]]) -> Fraction:
    from .arith import get_arithmetic

    return Fraction(str(get_arithmetic("exact").from_fractions(rows).det()))


def one_pair_exact(rows: list[list[Fraction]], regime: str) -> tuple[bool, str, Any]:
    """The exact ``k = 1`` decision. Returns (found, reason, pairs as Fractions or None)."""
    n = len(rows)
    d = n // 2
    T11 = [r[:d] for r in rows[:d]]
    off = [(i, j) for i in range(d) for j in range(d) if i != j and T11[i][j] != 0]
    if off:
        return False, f"T11 is not diagonal (entry {off[0][0] + 1},{off[0][1] + 1} is nonzero)", None
    c = [T11[i][i] for i in range(d)]
    ok = (lambda x: x > 0) if regime == "positive" else (lambda x: x != 0)
    if not all(ok(x) for x in c):
        return False, ("a diagonal entry of T11 is not positive" if regime == "positive"
                       else "a diagonal entry of T11 is zero"), None
    A = [[rows[d + i][j] / c[j] for j in range(d)] for i in range(d)]
    T12 = [r[d:] for r in rows[:d]]
    S = [[rows[d + i][d + j] - sum(A[i][t] * T12[t][j] for t in range(d)) for j in range(d)] for i in range(d)]
    off = [(i, j) for i in range(d) for j in range(d) if i != j and S[i][j] != 0]
    if off:
        return False, "the Schur complement T/T11 is not diagonal", None
    b = [S[i][i] for i in range(d)]
    if not all(ok(x) for x in b):
        return False, ("a diagonal entry of T/T11 is not positive" if regime == "positive"
                       else "a diagonal entry of T/T11 is zero"), None
    return True, "T11 and T/T11 are diagonal", [(A, b, c, T12)]


def _exact_decomposition(rows: list[list[Fraction]], pairs: list, regime: str) -> Any:
    from .arith import get_arithmetic
    from .decompose import _verified
    from .layers import Pair

    ar = get_arithmetic("exact")
    P = [Pair(ar.from_fractions(A), tuple(ar.scalar(x) for x in b), tuple(ar.scalar(x) for x in c),
              ar.from_fractions(D)) for A, b, c, D in pairs]
    return _verified(ar, ar.from_fractions(rows), P, False, 0.0, regime=regime)


def _three_pairs(rows: list[list[Fraction]], regime: str) -> Any:
    """``k = 3`` exactly; in the signed regime ``det T < 0`` is handled by ``T = (T S) S`` with the
    sign ``S = diag(-1, 1, ..., 1)`` folded into ``c_3`` (``U(c, D) S = U(c \\cdot (-1, 1, ...), D)``)."""
    from .decompose import _verified, decompose

    det = _det(rows)
    if det > 0:
        dec = decompose(rows, "exact")
        dec.regime = regime
        return dec
    flipped = [[-r[0]] + r[1:] for r in rows]  # T S
    dec = decompose(flipped, "exact")
    ar = dec.ar
    last = dec.pairs[-1]
    from .layers import Pair

    c = (-last.c[0],) + tuple(last.c[1:])
    pairs = dec.pairs[:-1] + [Pair(last.A, last.b, c, last.D)]
    return _verified(ar, ar.from_fractions(rows), pairs, False, 0.0, regime="signed")


def search_k(rows: list[list[Fraction]], k: int, regime: str, *, starts: int = 20, seed: int = 0,
             digits: int = 50, progress: Any = None) -> KOutcome:
    """Multistart least squares for ``k`` pairs, then polish and certify the best solution."""
    n = len(rows)
    d = n // 2
    # exact power-of-two normalisation: |det(T / s)| close to 1 (representability is invariant)
    det = abs(_det(rows))
    e = round((det.numerator.bit_length() - det.denominator.bit_length()) / n) if det != 0 else 0  # no float overflow
    s = Fraction(2) ** e
    Ts = [[x / s for x in r] for r in rows]
    Tf = np.array([[float(x) for x in r] for r in Ts])
    rng = np.random.default_rng(seed)
    m = n_params(k, d)

    def fun(th: np.ndarray) -> np.ndarray:
        return (product_float(th, k, d, regime) - Tf).ravel()

    def jac(th: np.ndarray) -> np.ndarray:
        return jacobian(th, k, d, regime)

    best_x, best_r = None, np.inf
    used = 0
    if k == 2:  # spectral matching first (d equations), then the reduced bilinear system
        x0 = spectral_k2_starts(Tf, regime, rng, tries=max(1, starts))
        if x0 is None or not np.all(np.isfinite(x0)):
            x0 = reduced_k2_starts(Tf, regime, rng, tries=max(1, starts // 2))
        if x0 is not None and np.all(np.isfinite(x0)):
            with np.errstate(all="ignore"):
                sol = scipy.optimize.least_squares(fun, x0, jac=jac, method="trf", xtol=1e-15, ftol=1e-15,
                                                   gtol=1e-15, max_nfev=100)
            r = float(np.linalg.norm(sol.fun)) / max(float(np.linalg.norm(Tf)), 1e-300)
            if np.isfinite(r):
                best_x, best_r = sol.x, r
    for start in range(starts if best_r >= 1e-11 else 0):
        used = start + 1
        x0 = rng.standard_normal(m)
        if regime == "positive":
            x0 = np.where(_scale_mask(k, d), 0.3 * x0, x0)
        with np.errstate(all="ignore"):
            sol = scipy.optimize.least_squares(fun, x0, jac=jac, method="trf", xtol=1e-15, ftol=1e-15,
                                               gtol=1e-15, max_nfev=400)
        r = float(np.linalg.norm(sol.fun)) / max(float(np.linalg.norm(Tf)), 1e-300)
        if progress is not None:
            progress.update(1)
        if np.isfinite(r) and r < best_r:
            best_x, best_r = sol.x, r
        if best_r < 1e-11:
            break
    if best_x is None or best_r > 1e-7:
        return KOutcome("not found", f"best relative residual {best_r:.2e} after {used} starts (not a proof)",
                        residual=best_r, starts=used)
    return _polish_and_certify(rows, Ts, s, best_x, k, d, regime, digits, used)


def reduced_k2_starts(Tf: np.ndarray, regime: str, rng: np.random.Generator, tries: int) -> Optional[np.ndarray]:
    r"""A ``k = 2`` solution from the reduced system, or ``None``.

    With ``N = T\Delta^{-1}``, ``\Delta = \operatorname{diag}(c, b)`` and ``T_{11}`` invertible:
    ``N \in EFEF`` iff some ``Y, Z`` satisfy ``T_{11}C^{-1} - I = YZ`` and ``B\Sigma^{-1} - I = ZY``
    (``\Sigma = T/T_{11}``; ``shared/notes/coupling.md``). That is ``2d^2`` bilinear equations in
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
        with np.errstate(all="ignore"):
            sol = scipy.optimize.least_squares(fun, w0, jac=jac, method="trf", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                                               max_nfev=300)
        if not np.all(np.isfinite(sol.fun)) or np.linalg.norm(sol.fun) > 1e-11 * max(scale, 1.0):
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
        with np.errstate(all="ignore"):
            sol = scipy.optimize.least_squares(fun, w0, jac=jac, method="trf", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                                               max_nfev=1000)
        if not np.all(np.isfinite(sol.fun)) or np.abs(sol.fun).max() > 1e-11:
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


def _scale_mask(k: int, d: int) -> np.ndarray:
    mask = []
    for _ in range(k):
        mask += [False] * (d * d) + [True] * (2 * d) + [False] * (d * d)
    return np.array(mask)


def _polish_and_certify(rows: list, Ts: list, s: Fraction, x: np.ndarray, k: int, d: int, regime: str,
                        digits: int, starts: int) -> KOutcome:
    import mpmath

    n = 2 * d
    J = jacobian(x, k, d, regime)
    _, _, piv = scipy.linalg.qr(J, pivoting=True, mode="economic")
    free = sorted(int(t) for t in piv[: n * n])
    ctx = mpmath.MPContext()
    ctx.dps = digits + 10
    theta = [ctx.mpf(float(v)) for v in x]  # fixed entries: exact binary values
    Tm = ctx.matrix([[ctx.mpf(q.numerator) / q.denominator for q in r] for r in Ts])

    def G(th: list) -> Any:
        P = ctx.eye(n)
        for A, b, c, D in unpack(th, k, d, regime, exp=ctx.exp):
            L = ctx.matrix(n, n)
            U = ctx.matrix(n, n)
            for i in range(d):
                L[i, i] = 1
                U[d + i, d + i] = 1
                L[d + i, d + i] = b[i]
                U[i, i] = c[i]
                for j in range(d):
                    L[d + i, j] = A[i][j]
                    U[i, d + j] = D[i][j]
            P = P * L * U
        return [P[i, j] - Tm[i, j] for i in range(n) for j in range(n)]

    Jsq = J[:, free]
    if np.linalg.cond(Jsq) > 1e12:
        return KOutcome("numerical", "the gauge-fixed Jacobian is singular: no certificate attempted",
                        residual=float(np.linalg.norm(G(theta))), starts=starts)
    lu = scipy.linalg.lu_factor(Jsq)
    res = None
    for _ in range(12):
        g = G(theta)
        res = float(ctx.sqrt(ctx.fsum(v * v for v in g)))
        if res < 10.0 ** (-digits):
            break
        step = scipy.linalg.lu_solve(lu, np.array([float(v) for v in g]))
        for t, dv in zip(free, step):
            theta[t] = theta[t] - ctx.mpf(float(dv))
    Tn = float(np.linalg.norm(np.array([[float(q) for q in r] for r in Ts])))
    rel = (res or 0.0) / Tn
    # Krawczyk at the polished point, with Y the inverse of the float Jacobian there
    xf = np.array([float(v) for v in theta])
    Y = np.linalg.inv(jacobian(xf, k, d, regime)[:, free])
    g = np.array([float(v) for v in G(theta)])
    rho = float(np.abs(Y @ g).max())
    radius = max(1e3 * rho, 10.0 ** (-(digits - 5)))
    prec = int(3.33 * (digits + 10)) + 32
    cert: Certificate = krawczyk([ctx.nstr(v, digits + 10) for v in theta], free, k, d, regime, Ts, Y,
                                 radius, prec)
    dec = _mp_decomposition(rows, s, theta, k, d, regime, digits, ctx)
    if cert.passed:
        return KOutcome("certified", f"Krawczyk's test passed (contraction {cert.contraction:.2e})",
                        residual=rel, box_radius=radius, starts=starts, decomposition=dec)
    return KOutcome("numerical", f"polished to {rel:.2e}, Krawczyk's test failed (contraction {cert.contraction:.2e})",
                    residual=rel, starts=starts, decomposition=dec)


def _mp_decomposition(rows: list, s: Fraction, theta: list, k: int, d: int, regime: str, digits: int,
                      ctx: Any) -> Any:
    """The polished pairs for ``T`` itself (undo the scaling ``T/s`` on the last pair: ``b, c, D``
    times ``s``), as an mp :class:`~verify.decompose.Decomposition` with its own residual bound."""
    from .arith import get_arithmetic
    from .decompose import _verified
    from .layers import Pair

    ar = get_arithmetic("mp", digits)
    sm = ar.scalar(s)
    conv = lambda x: ar.ctx.mpf(ctx.nstr(x, digits + 10))  # noqa: E731
    pairs = []
    unpacked = unpack(theta, k, d, regime, exp=ctx.exp)
    for i, (A, b, c, D) in enumerate(unpacked):
        f = sm if i == k - 1 else ar.scalar(1)
        pairs.append(Pair(ar.matrix([[conv(x) for x in r] for r in A]), tuple(conv(x) * f for x in b),
                          tuple(conv(x) * f for x in c), ar.matrix([[conv(x) * f for x in r] for r in D])))
    return _verified(ar, ar.from_fractions(rows), pairs, False, 10.0 ** (-(digits // 2)), regime=regime)


def depth(T: Any, regime: str = "positive", max_k: int = 3, *, starts: int = 20, seed: int = 0,
          digits: int = 50, progress: Any = None) -> DepthResult:
    """The smallest ``k <= max_k`` found for ``T``, with the outcome for every ``k`` tried
    (see the module docstring for what each status proves)."""
    if regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}")
    rows = as_fraction_rows(T)
    det = _det(rows)
    if det == 0:
        raise SingularMatrixError("the matrix is singular (det T = 0); only invertible T decompose")
    out = DepthResult(None, regime)
    if regime == "positive" and det < 0:
        for k in range(1, max_k + 1):
            out.per_k[k] = KOutcome("impossible", "det T < 0 and positive scales preserve orientation")
        return out
    for k in range(1, max_k + 1):
        if out.k_min is not None:
            out.per_k[k] = KOutcome("skipped", f"k = {out.k_min} already found")
            continue
        if k == 1:
            found, reason, pairs = one_pair_exact(rows, regime)
            out.per_k[1] = (KOutcome("exact", reason, residual=0.0, decomposition=_exact_decomposition(rows, pairs, regime))
                            if found else KOutcome("impossible", reason + " (the k = 1 criterion is exact)"))
        elif k >= 3:
            dec = _three_pairs(rows, regime)
            out.per_k[k] = KOutcome("exact", "the constructive Theorem 2 (k = 3)", residual=0.0, decomposition=dec)
        else:
            out.per_k[k] = search_k(rows, k, regime, starts=starts, seed=seed, digits=digits, progress=progress)
        if out.per_k[k].status in FOUND:
            out.k_min = k
    return out
