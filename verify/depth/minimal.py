r"""``depth(T)``: the fewest pairs that represent a given ``T``, with evidence for each ``k``.

* ``k = 1`` is decided exactly. ``T = L(A,b)U(c,D)`` iff ``T_{11}`` is diagonal and the Schur
  complement ``T/T_{11}`` is diagonal, both with positive (positive regime) or nonzero (signed
  regime) diagonal. The status is ``"exact"`` or ``"impossible"``, and both are proofs.
* ``k = 2``, cheapest evidence first (:func:`_two_pairs`):

  1. the exact obstructions of Theorem 3 (:mod:`verify.theorem3.obstructions`: trace, minors,
     zero-block); a certificate makes the status ``"impossible"`` (a proof, attached), and for
     ``T_{11} = 0`` the zero-block decision is exact both ways (a representable ``T`` gets an
     ``"exact"`` rational ``k = 2`` decomposition);
  2. the reduced system in the ``2d`` scales (:func:`verify.depth.k2starts.solve_scales`,
     proofs/theorem3.md, Lemma 5), two pairs from one similarity (Lemma 7), then the full system:
     gauge-fixed by column-pivoted QR (``4d^2`` free parameters, the rest frozen at their binary
     values), polished by chord-Newton steps with mpmath residuals and certified by Krawczyk's test in
     arb balls (:mod:`verify.depth.krawczyk`): status ``"certified"``;
  3. when that finds nothing: an LP certificate (:mod:`verify.theorem3.lp`, Lemma 6), status
     ``"impossible"``;
  4. for small ``d``, multistart ``scipy.optimize.least_squares`` on all parameters.

  Otherwise the status is ``"numerical"`` (small residual, no proof) or ``"not found"`` (best
  residual, and the LP degree tried: *undecided*, not a proof either way).
  ``certificates=False`` skips 1 and 3 (the search uses it to test the solver against certificates).
* ``k = 3`` always works when ``\det T > 0`` (positive) or ``\det T \ne 0`` (signed): the exact
  construction of :mod:`verify.theorem2.construction`, status ``"exact"``.

``\det T < 0`` in the positive regime makes every ``k`` ``"impossible"`` (couplings with positive
scales preserve orientation).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Optional

import numpy as np
import scipy.linalg
import scipy.optimize

from ..algebra.arith import get_arithmetic
from ..algebra.layers import L_rows, Pair, U_rows, pairs_from_factors
from ..errors import SingularMatrixError
from ..io.entries import lifts_int_digit_limit
from ..io.matrix import MatrixInput, as_matrix
from ..theorem2.construction import one_pair_test
from ..theorem2.decompose import Decomposition, decompose, verified_decomposition
from ..theorem3.certificate import certify
from ..theorem3.lp import MAX_DEGREE as LP_DEGREE
from ..theorem3.lp import MAX_SECONDS as LP_SECONDS
from ..theorem3.lp import lp_certificate
from ..theorem3.obstructions import zero_block
from ..vocabulary import Regime, Status, validated_regime
from .k2starts import reduced_k2_starts, spectral_k2_starts
from .kpairs import jacobian, least_squares, n_params, product_float, unpack
from .krawczyk import Certificate, krawczyk


@dataclass(frozen=True)
class KOutcome:
    """The evidence for one ``k`` (immutable; ``status`` is a :class:`~verify.vocabulary.Status`, its
    value accepted too)."""

    status: Status  # exact | certified | numerical | not found | impossible | skipped
    reason: str = ""
    residual: Optional[float] = None
    box_radius: Optional[float] = None
    starts: int = 0
    decomposition: Optional[Decomposition] = None  # exact or mp, when found
    certificate: Optional[Mapping[str, Any]] = None  # a Theorem 3 Certificate, when status is "impossible" at k = 2
    lp_degree: Optional[int] = None  # the highest LP degree tried without a certificate (k = 2 undecided)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))


@dataclass(frozen=True)
class DepthResult:
    """The minimal-depth result: the fewest pairs found (``k_min``), the evidence per ``k``, the
    regime and the exact input. Immutable; :meth:`to_json` is the ``verify depth --json`` schema."""

    k_min: Optional[int]
    regime: Regime
    per_k: dict[int, KOutcome] = field(default_factory=dict)
    T: Optional[list[list[Fraction]]] = None  # the input, exact

    def __post_init__(self) -> None:
        object.__setattr__(self, "regime", validated_regime(self.regime))

    def to_json(self) -> dict[str, Any]:
        """The stable ``verify depth --json`` schema (:func:`verify.depth.serialize.depth_to_json`)."""
        from .serialize import depth_to_json

        return depth_to_json(self)

    @property
    def decomposition(self) -> Optional[Decomposition]:
        return self.per_k[self.k_min].decomposition if self.k_min is not None else None

    @property
    def proved_minimal(self) -> bool:
        """Whether ``k_min`` is proved to be the fewest pairs: a decomposition with ``k_min`` pairs is
        exact or certified, and every smaller ``k`` is ``"impossible"`` (a proof). Otherwise ``k_min``
        is only an upper bound: a smaller ``k`` was "not found" (no proof either way)."""
        if self.k_min is None or self.per_k[self.k_min].status not in (Status.EXACT, Status.CERTIFIED):
            return False
        return all(self.per_k[k].status == Status.IMPOSSIBLE for k in range(1, self.k_min))


FOUND = tuple(s for s in Status if s.found)  # exact, certified, numerical


def one_pair_exact(rows: list[list[Fraction]], regime: str) -> tuple[bool, str, Any]:
    """The exact ``k = 1`` decision (:func:`verify.theorem2.construction.one_pair_test` in exact
    arithmetic). Returns ``(found, reason, pairs or None)``."""
    ar = get_arithmetic("exact")
    pairs, reason = one_pair_test(ar, ar.from_fractions(rows), regime)
    return pairs is not None, reason, pairs


def _exact_decomposition(M: MatrixInput, pairs: list[Pair], regime: str) -> Decomposition:
    ar = get_arithmetic("exact")
    return verified_decomposition(ar, ar.from_fractions(M.rows), pairs, False, 0.0, regime=regime)


def _two_pairs_exact(M: MatrixInput, regime: str) -> Optional[KOutcome]:
    r"""The exact part of ``k = 2`` (proofs/theorem3.md): a certificate of impossibility, or for
    ``T_{11} = 0`` the Lemma 3 construction ``E(X) F(Y) E(-Y^{-1}) F(0) diag(C, B)`` with
    ``Y = T_{12} B^{-1}``, ``X = (T_{22} B^{-1} - I) Y^{-1}``; ``None`` when neither applies."""
    cert, _ = certify(M, regime)
    if cert is not None:
        return KOutcome(Status.IMPOSSIBLE, f"{cert['type']} certificate: {cert['statement']} (proofs/theorem3.md)",
                        certificate=cert)
    rows, d = M.rows, M.d
    if any(rows[i][j] != 0 for i in range(d) for j in range(d)):
        return None
    z = zero_block(rows, regime)  # no witness, else certify would have returned one
    ar = get_arithmetic("exact")
    Binv = ar.diag([ar.scalar(1 / x) for x in z.b])
    Y = ar.from_fractions([r[d:] for r in rows[:d]]) @ Binv
    Yi = Y.inv()
    X = (ar.from_fractions([r[d:] for r in rows[d:]]) @ Binv - ar.eye(d)) @ Yi
    pairs = pairs_from_factors(ar, [("E", X), ("F", Y), ("E", -Yi), ("F", ar.zeros(d))],
                               [ar.scalar(x) for x in z.c], [ar.scalar(x) for x in z.b])
    dec = verified_decomposition(ar, ar.from_fractions(rows), pairs, False, 0.0, regime=regime)
    return KOutcome(Status.EXACT, "T11 = 0 and -T21 = B T12^-1 C is solvable (proofs/theorem3.md, Lemma 3)",
                    residual=0.0, decomposition=dec)


def _two_pairs(M: MatrixInput, regime: str, starts: int, seed: int, digits: int, progress: Any,
               certificates: bool, lp_degree: int, lp_seconds: float) -> KOutcome:
    """``k = 2``, cheapest evidence first: the exact obstructions and the zero-block decision; the
    reduced system in the scales (certified by Krawczyk's test); when it finds nothing, an LP
    certificate of impossibility; and only then, for ``d <=`` :data:`FULL_SEARCH_MAX_D`, the random
    starts of the full system (which may still find what the reduced start missed). A ``numerical``
    solution of the reduced start (polished, not certified) skips the LP: an exact solution is
    then most likely near, which no certificate could exclude."""
    search = dict(starts=starts, seed=seed, digits=digits, progress=progress)
    if not certificates:
        return search_k(M, 2, regime, **search)
    exact = _two_pairs_exact(M, regime)
    if exact is not None:
        return exact
    d = M.d
    try:
        singular_T11 = d <= FULL_SEARCH_MAX_D and bool(np.linalg.cond(M.array[:d, :d]) > 1e10)
    except OverflowError:  # entries beyond float64: the search scales T first, so leave the order alone
        singular_T11 = False
    full = None
    if singular_T11:
        # T11 (numerically) singular: the reduced start cannot build the pairs (it divides by N11), and the
        # random starts are cheap at this size, so they go before the LP
        full = search_k(M, 2, regime, stages=("full",), **search)
        if full.status in FOUND:
            return full
    first = search_k(M, 2, regime, stages=("reduced",), **search)
    if first.status == Status.CERTIFIED:
        return first
    decided = _lp_decision(M, regime, first, lp_degree, lp_seconds) if first.status == Status.NOT_FOUND else first
    if decided.status == Status.IMPOSSIBLE or M.d > FULL_SEARCH_MAX_D:
        return decided
    full = full or search_k(M, 2, regime, stages=("full",), **search)  # at most once
    if full.status in FOUND and not (full.status == Status.NUMERICAL and first.status == Status.NUMERICAL):
        return full
    if first.status == Status.NUMERICAL:
        return first
    return replace(full, reason=full.reason + decided.reason[len(first.reason):],  # and what the LP tried
                   lp_degree=decided.lp_degree)


#: the random starts of the full k = 2 system (4d^2 + 4d unknowns) are tried only up to this d: beyond
#: it they cost minutes and were never measured to find what the reduced system missed
FULL_SEARCH_MAX_D = 4


def _lp_decision(M: MatrixInput, regime: str, searched: KOutcome, max_degree: int, seconds: float) -> KOutcome:
    """After a ``k = 2`` search without a certified result: an LP certificate of impossibility
    (:mod:`verify.theorem3.lp`), or the search's outcome with the LP degree tried added to its reason."""
    if max_degree < 1:
        return searched
    cert, attempt = lp_certificate(M.rows, regime, max_degree=max_degree, Tinv=M.inverse, max_seconds=seconds)
    if cert is not None:
        D = max(attempt.degrees)
        return KOutcome(Status.IMPOSSIBLE, f"lp certificate (degree {D}): {cert['statement']} (proofs/theorem3.md, "
                                      "Lemma 6)", starts=searched.starts, certificate=cert)
    return replace(searched, reason=searched.reason + f"; {attempt.reason}",
                   lp_degree=max(attempt.degrees, default=0))


def _three_pairs(M: MatrixInput, regime: str) -> Decomposition:
    """``k = 3`` exactly; in the signed regime ``det T < 0`` is handled by ``T = (T S) S`` with the
    sign ``S = diag(-1, 1, ..., 1)`` folded into ``c_3`` (``U(c, D) S = U(c \\cdot (-1, 1, ...), D)``)."""
    if M.det > 0:
        dec = decompose(M, "exact", max_seconds=None, max_bytes=None)  # the caller bounds the work
        dec.regime = regime
        return dec
    rows = M.rows
    flipped = [[-r[0]] + r[1:] for r in rows]  # T S
    dec = decompose(flipped, "exact", max_seconds=None, max_bytes=None)
    ar = dec.ar
    last = dec.pairs[-1]
    c = (-last.c[0],) + tuple(last.c[1:])
    pairs = dec.pairs[:-1] + [Pair(last.A, last.b, c, last.D)]
    return verified_decomposition(ar, ar.from_fractions(rows), pairs, False, 0.0, regime="signed")


def search_k(T: Any, k: int, regime: str, *, starts: int = 20, seed: int = 0,
             digits: int = 50, progress: Any = None, stages: tuple[str, ...] = ("reduced", "full")) -> KOutcome:
    """Multistart least squares for ``k`` pairs, then polish and certify the best solution
    (``T``: anything :func:`~verify.io.as_matrix` accepts). ``stages``: ``"reduced"`` (``k = 2``
    only) starts from the reduced systems in the scales; ``"full"`` runs ``starts`` random starts of
    the whole ``4kd^2``-unknown system."""
    regime = validated_regime(regime)
    M = as_matrix(T)
    rows, n, d = M.rows, M.n, M.d
    # exact power-of-two normalisation: |det(T / s)| close to 1 (representability is invariant)
    det = abs(M.det)
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
    if k == 2 and "reduced" in stages:  # the reduced system in the scales (d equations), then the bilinear one
        fallback = None
        for round_ in range(2):  # a second round (fresh scale solutions) only after a numerical-only one
            candidates = list(spectral_k2_starts(Tf, regime, rng, tries=max(1, starts)))
            if not candidates and round_ == 0:
                x0 = reduced_k2_starts(Tf, regime, rng, tries=max(1, starts // 2))
                candidates = [x0] if x0 is not None else []
            for x0 in candidates:
                if not np.all(np.isfinite(x0)):
                    continue
                sol = least_squares(fun, x0, jac, max_nfev=100)
                r = np.inf if sol is None else float(np.linalg.norm(sol.fun)) / max(float(np.linalg.norm(Tf)), 1e-300)
                if np.isfinite(r) and r < best_r:
                    best_x, best_r = sol.x, r
                if r < 1e-8:  # float64 stalls near 1e-11 for large parameters: mp Newton takes it from here
                    first = _polish_and_certify(M, Ts, s, sol.x, k, d, regime, digits, 0)
                    if first.status == Status.CERTIFIED:
                        return first
                    fallback = fallback or first
            if fallback is None:
                break
        if fallback is not None and "full" not in stages:
            return fallback
    for start in range(starts if best_r >= 1e-11 and "full" in stages else 0):
        used = start + 1
        x0 = rng.standard_normal(m)
        if regime == Regime.POSITIVE:
            x0 = np.where(_scale_mask(k, d), 0.3 * x0, x0)
        sol = least_squares(fun, x0, jac, max_nfev=200)
        r = np.inf if sol is None else float(np.linalg.norm(sol.fun)) / max(float(np.linalg.norm(Tf)), 1e-300)
        if progress is not None:
            progress.update(1)
        if np.isfinite(r) and r < best_r:
            best_x, best_r = sol.x, r
        if best_r < 1e-11:
            break
    if best_x is None or best_r > 1e-7:
        return KOutcome(Status.NOT_FOUND, f"best relative residual {best_r:.2e} after {used} starts (not a proof)",
                        residual=best_r, starts=used)
    return _polish_and_certify(M, Ts, s, best_x, k, d, regime, digits, used)


def _scale_mask(k: int, d: int) -> np.ndarray:
    mask = []
    for _ in range(k):
        mask += [False] * (d * d) + [True] * (2 * d) + [False] * (d * d)
    return np.array(mask)


def _polish_and_certify(M: MatrixInput, Ts: list, s: Fraction, x: np.ndarray, k: int, d: int, regime: str,
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
        one, zero = ctx.mpf(1), ctx.mpf(0)
        for A, b, c, D in unpack(th, k, d, regime, exp=ctx.exp):
            P = P * ctx.matrix(L_rows(A, b, one, zero)) * ctx.matrix(U_rows(c, D, one, zero))
        return [P[i, j] - Tm[i, j] for i in range(n) for j in range(n)]

    Jsq = J[:, free]
    # chord-Newton steps on the gauge-fixed square system; when that is singular, minimum-norm
    # Gauss-Newton steps on all parameters (the point is then polished but cannot be certified)
    singular = bool(np.linalg.cond(Jsq) > 1e12)
    if singular:
        J_pinv, moved = np.linalg.pinv(J), list(range(J.shape[1]))
    else:
        lu, moved = scipy.linalg.lu_factor(Jsq), free
    res = None
    for _ in range(12):
        g = G(theta)
        res = float(ctx.sqrt(ctx.fsum(v * v for v in g)))
        if res < 10.0 ** (-digits):
            break
        gv = np.array([float(v) for v in g])
        step = J_pinv @ gv if singular else scipy.linalg.lu_solve(lu, gv)
        for t, dv in zip(moved, step):
            theta[t] = theta[t] - ctx.mpf(float(dv))
    Tn = float(np.linalg.norm(np.array([[float(q) for q in r] for r in Ts])))
    rel = (res or 0.0) / Tn
    if singular:
        return KOutcome(Status.NUMERICAL, f"polished to {rel:.2e}; the gauge-fixed Jacobian is singular, so no "
                                     "certificate was attempted", residual=rel, starts=starts,
                        decomposition=_mp_decomposition(M, s, theta, k, d, regime, digits, ctx))
    # Krawczyk at the polished point, with Y the inverse of the float Jacobian there
    xf = np.array([float(v) for v in theta])
    Y = np.linalg.inv(jacobian(xf, k, d, regime)[:, free])
    g = np.array([float(v) for v in G(theta)])
    rho = float(np.abs(Y @ g).max())
    radius = max(1e3 * rho, 10.0 ** (-(digits - 5)))
    prec = int(3.33 * (digits + 10)) + 32
    cert: Certificate = krawczyk([ctx.nstr(v, digits + 10) for v in theta], free, k, d, regime, Ts, Y,
                                 radius, prec)
    dec = _mp_decomposition(M, s, theta, k, d, regime, digits, ctx)
    if cert.passed:
        return KOutcome(Status.CERTIFIED, f"Krawczyk's test passed (contraction {cert.contraction:.2e})",
                        residual=rel, box_radius=radius, starts=starts, decomposition=dec)
    return KOutcome(
        Status.NUMERICAL,
        f"polished to {rel:.2e}, Krawczyk's test failed (contraction {cert.contraction:.2e})",
        residual=rel,
        starts=starts,
        decomposition=dec,
    )


def _mp_decomposition(M: MatrixInput, s: Fraction, theta: list, k: int, d: int, regime: str, digits: int,
                      ctx: Any) -> Decomposition:
    """The polished pairs for ``T`` itself (undo the scaling ``T/s`` on the last pair: ``b, c, D``
    times ``s``), as an mp :class:`~verify.theorem2.decompose.Decomposition` with its own residual bound."""
    ar = get_arithmetic("mp", digits)
    sm = ar.scalar(s)
    conv = lambda x: ar.ctx.mpf(ctx.nstr(x, digits + 10))  # noqa: E731
    pairs = []
    unpacked = unpack(theta, k, d, regime, exp=ctx.exp)
    for i, (A, b, c, D) in enumerate(unpacked):
        f = sm if i == k - 1 else ar.scalar(1)
        pairs.append(Pair(ar.matrix([[conv(x) for x in r] for r in A]), tuple(conv(x) * f for x in b),
                          tuple(conv(x) * f for x in c), ar.matrix([[conv(x) * f for x in r] for r in D])))
    return verified_decomposition(ar, ar.from_fractions(M.rows), pairs, False, 10.0 ** (-(digits // 2)),
                                  regime=regime, exact=M.rows)


@lifts_int_digit_limit
def depth(T: Any, regime: str = "positive", max_k: int = 3, *, starts: int = 20, seed: int = 0,
          digits: int = 50, progress: Any = None, certificates: bool = True,
          lp_degree: int = LP_DEGREE, lp_seconds: float = LP_SECONDS) -> DepthResult:
    """The smallest ``k <= max_k`` found for ``T``, with the outcome for every ``k`` tried
    (see the module docstring for what each status proves). ``lp_degree``: the largest degree of the
    LP certificates tried when the ``k = 2`` search finds nothing (0: none), within ``lp_seconds``."""
    regime = validated_regime(regime)
    M = as_matrix(T)  # validated once; its exact det and inverse are computed once and shared below
    det = M.det
    if det == 0:
        raise SingularMatrixError("the matrix is singular (det T = 0); only invertible T decompose")
    per_k: dict[int, KOutcome] = {}
    if regime == Regime.POSITIVE and det < 0:
        for k in range(1, max_k + 1):
            per_k[k] = KOutcome(Status.IMPOSSIBLE, "det T < 0 and positive scales preserve orientation")
        return DepthResult(None, regime, per_k, T=M.rows)
    k_min: Optional[int] = None
    for k in range(1, max_k + 1):
        if k_min is not None:
            per_k[k] = KOutcome(Status.SKIPPED, f"k = {k_min} already found")
            continue
        if k == 1:
            found, reason, pairs = one_pair_exact(M.rows, regime)
            per_k[1] = (
                KOutcome(Status.EXACT, reason, residual=0.0, decomposition=_exact_decomposition(M, pairs, regime))
                if found
                else KOutcome(Status.IMPOSSIBLE, reason + " (the k = 1 criterion is exact)")
            )
        elif k >= 3:
            dec = _three_pairs(M, regime)
            per_k[k] = KOutcome(Status.EXACT, "the constructive Theorem 2 (k = 3)", residual=0.0, decomposition=dec)
        else:
            per_k[k] = _two_pairs(M, regime, starts, seed, digits, progress, certificates, lp_degree, lp_seconds)
        if per_k[k].status in FOUND:
            k_min = k
    return DepthResult(k_min, regime, per_k, T=M.rows)
