r"""Linear-programming certificates that ``k <= 2`` pairs cannot give ``T`` (proofs/theorem3.md, Lemma 6).

With the reduced system ``g_1 = ... = g_d = 0`` of :mod:`verify.theorem3.system` (every ``k <= 2``
product has a solution ``z = (x, y)`` with ``x_i = 1/c_i``, ``y_i = b_i``), polynomials ``\lambda_j``
(any signs) give ``F = \sum_j \lambda_j g_j``, which vanishes at every solution. If, for a sign
pattern ``\sigma \in \{\pm 1\}^{2d}``, every coefficient of ``F`` satisfies ``\sigma^\alpha F_\alpha \ge 0``
and ``F \ne 0``, then ``F(z) = \sum_\alpha \sigma^\alpha F_\alpha |z|^\alpha > 0`` for every ``z`` in
the orthant of ``\sigma``: that orthant holds no solution.

* positive regime: one pattern, ``\sigma = (1, ..., 1)``;
* signed regime: every pattern, up to the global sign (``F`` homogeneous of degree ``D``:
  ``(-\sigma)^\alpha = (-1)^D \sigma^\alpha``, so ``\pm F`` serves ``-\sigma``), ``2^{2d-1}`` of them.

Finding ``\lambda_j`` homogeneous of degree ``D - j`` is a linear program (a homogeneous component of a
certificate is one, so nothing is lost by homogeneity): unknowns the coefficients of the
``\lambda_j``, constraints ``\sigma^\alpha F_\alpha \ge 0`` and ``\sum_\alpha \sigma^\alpha F_\alpha = 1``.
It is solved in floats (HiGHS), then made exact: the coefficients that the float solution leaves at
(about) zero are forced to be exactly zero by projecting the rational float solution onto the exact
null space of those rows (python-flint's ``fmpq_mat``), and ``F`` is expanded again in rationals.
Nothing is claimed unless that exact expansion passes. The degree is raised up to a budget; the LP
is a sufficient certificate whose completeness is not known, so a failure proves nothing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations_with_replacement, product
from math import comb
from typing import Any, Optional

from ..vocabulary import Regime, validated_regime
from .certificate import Certificate
from .system import Rows, Term, block_minors, reduced_system

#: the LP degree budget of :func:`lp_certificate` (the measured hardest Gaussian cases at d <= 5 need 4-5)
MAX_DEGREE = 6
#: the time budget of one :func:`lp_certificate` call (all patterns and degrees)
MAX_SECONDS = 30.0
#: the largest exact system (independent rows forced to zero) solved to make a float certificate exact
MAX_EXACT_RANK = 400
#: LPs with more rows (monomials of degree D in 2d variables) than this are not attempted
MAX_ROWS = 20_000

Monomial = tuple[int, ...]  # sorted variable indices with repetition, length D


@dataclass
class LPAttempt:
    """What :func:`lp_certificate` tried: the degrees per pattern, and the reason when it failed."""

    degrees: list[int]
    seconds: float
    reason: str = ""


def _columns(system: list[list[Term]], n: int, D: int) -> list[tuple[int, Monomial]]:
    """The LP's unknowns ``(j, \\mu)``: ``\\mu`` a monomial of degree ``D - j`` (``j`` 1-based)."""
    return [(j, mu) for j in range(1, min(len(system), D) + 1) if system[j - 1]
            for mu in combinations_with_replacement(range(n), D - j)]


def _expansion(system: list[list[Term]], cols: list[tuple[int, Monomial]]
               ) -> tuple[list[Monomial], list[tuple[int, int, Fraction]]]:
    """Rows (monomials) and the sparse exact matrix ``G`` with ``F = G \\lambda`` (coefficients of ``F``)."""
    index: dict[Monomial, int] = {}
    entries: list[tuple[int, int, Fraction]] = []
    for col, (j, mu) in enumerate(cols):
        for S, c in system[j - 1]:
            alpha = tuple(sorted(mu + S))
            row = index.setdefault(alpha, len(index))
            entries.append((row, col, c))
    monos = [None] * len(index)  # type: list[Any]
    for alpha, row in index.items():
        monos[row] = alpha
    return monos, entries


def _sign(alpha: Monomial, signs: tuple[int, ...]) -> int:
    s = 1
    for i in alpha:
        s *= signs[i]
    return s


def _float_lp(monos: list[Monomial], entries: list[tuple[int, int, Fraction]], ncols: int,
              signs: tuple[int, ...], scale: list[Fraction], seconds: float) -> Optional[Any]:
    """The float LP (free multipliers: box bounds on them were measured to stall HiGHS at the box);
    returns the (scaled) multipliers and the signed coefficients, or ``None`` (infeasible, or not
    solved within ``seconds``)."""
    import numpy as np
    import scipy.optimize
    import scipy.sparse

    rsign = np.array([_sign(a, signs) for a in monos], dtype=float)
    r = np.array([e[0] for e in entries])
    c = np.array([e[1] for e in entries])
    v = np.array([float(e[2] * scale[e[1]]) for e in entries]) * rsign[r]
    G = scipy.sparse.csr_matrix((v, (r, c)), shape=(len(monos), ncols))
    ones = np.asarray(G.sum(axis=0)).ravel()
    res = scipy.optimize.linprog(np.zeros(ncols), A_ub=-G, b_ub=np.zeros(len(monos)), A_eq=ones[None, :],
                                 b_eq=[1.0], bounds=(None, None), method="highs",
                                 options={"time_limit": max(seconds, 0.1)})
    if res.status == 1:
        return "time"
    if res.status != 0:
        return None
    return res.x, G @ res.x


def _exact(monos: list[Monomial], entries: list[tuple[int, int, Fraction]], ncols: int, signs: tuple[int, ...],
           scale: list[Fraction], lam: Any, coef: Any) -> Optional[list[Fraction]]:
    """Exact multipliers from the float solution, or ``None``.

    On the float solution's support ``J``, the rows it leaves at (about) zero are made exactly zero:
    an independent subset of them (column-pivoted QR in floats), then the least correction of the
    rational float solution onto their exact null space (an ``r x r`` solve in ``fmpq_mat``, refused
    beyond :data:`MAX_EXACT_RANK`). Then every signed coefficient must be ``>= 0`` and one ``> 0``,
    exactly; nothing else is trusted. When the multipliers rounded to short rationals (denominators
    up to ``10^2 .. 10^12``) pass the same exact test, those are returned instead."""
    import flint
    import numpy as np
    import scipy.linalg

    lam = np.asarray(lam, dtype=float)
    J = [i for i in range(ncols) if abs(lam[i]) > 1e-12 * float(np.abs(lam).max())]
    pos = {c: t for t, c in enumerate(J)}
    by_row: dict[int, list[tuple[int, Fraction]]] = {}
    for r, c, v in entries:
        if c in pos:
            by_row.setdefault(r, []).append((pos[c], v * scale[c]))
    top = float(max(coef))
    zero_rows = [r for r in by_row if coef[r] <= 1e-9 * top]
    lam0 = [Fraction(float(lam[c])) for c in J]
    if zero_rows:
        A = np.zeros((len(zero_rows), len(J)))
        for a, r in enumerate(zero_rows):
            for t, v in by_row[r]:
                A[a, t] = float(v)
        _, Rq, piv = scipy.linalg.qr(A.T, pivoting=True, mode="economic")
        diag = np.abs(np.diag(Rq))
        rank = int((diag > 1e-10 * max(diag.max(), 1e-300)).sum())
        if rank > MAX_EXACT_RANK:
            return None
        rows = [zero_rows[int(i)] for i in piv[:rank]]
        if rank:
            R = flint.fmpq_mat(rank, len(J))
            for a, r in enumerate(rows):
                for t, v in by_row[r]:
                    R[a, t] += flint.fmpq(v.numerator, v.denominator)
            x0 = flint.fmpq_mat(len(J), 1, [flint.fmpq(q.numerator, q.denominator) for q in lam0])
            Rt = R.transpose()
            try:
                w = (R * Rt).solve(R * x0)
            except ZeroDivisionError:  # the float rank was wrong: these rows are dependent
                return None
            x = x0 - Rt * w
            lam0 = [Fraction(int(x[i, 0].p), int(x[i, 0].q)) for i in range(len(J))]

    def passes(lam_: list[Fraction]) -> bool:
        nonzero = False
        for r, terms in by_row.items():
            s = sum((v * lam_[t] for t, v in terms), Fraction(0)) * _sign(monos[r], signs)
            if s < 0:
                return False
            nonzero = nonzero or s > 0
        return nonzero

    if not passes(lam0):
        return None
    for digits in (2, 4, 8, 12):  # the same certificate with short rationals, when one passes too
        short = [q.limit_denominator(10 ** digits) for q in lam0]
        if passes(short):
            lam0 = short
            break
    out = [Fraction(0)] * ncols
    for t, c in enumerate(J):
        out[c] = lam0[t] * scale[c]
    return out


def _lp_of_degree(system: list[list[Term]], n: int, D: int) -> tuple[list, list[Monomial], list, list[Fraction]]:
    """The degree-``D`` LP's unknowns, rows, exact entries and per-unknown power-of-two scales (the same
    for every sign pattern, so :func:`lp_certificate` builds it once per degree)."""
    cols = _columns(system, n, D)
    monos, entries = _expansion(system, cols)
    scale = []  # a power of two per equation, so the float LP sees coefficients of size about 1
    big = [max((abs(c) for _, c in g), default=Fraction(1)) for g in system]
    for j, _ in cols:
        e = big[j - 1].numerator.bit_length() - big[j - 1].denominator.bit_length()
        scale.append(Fraction(1, 2 ** e) if e >= 0 else Fraction(2 ** -e))
    return cols, monos, entries, scale


def pattern_certificate(system: list[list[Term]], n: int, D: int, signs: tuple[int, ...], seconds: float = 60.0,
                        lp: Optional[tuple] = None) -> Optional[list[dict[str, Any]] | str]:
    """Multipliers of degree ``D`` for one sign pattern, exact (``{"j", "terms": [[monomial, "p/q"]]}``);
    otherwise ``None`` (the float LP is infeasible), ``"time"`` (not solved within ``seconds``) or
    ``"inexact"`` (a float solution that did not survive the exact check). ``lp``: the
    :func:`_lp_of_degree` tuple, if already built."""
    cols, monos, entries, scale = _lp_of_degree(system, n, D) if lp is None else lp
    if not cols:
        return None
    sol = _float_lp(monos, entries, len(cols), signs, scale, seconds)
    if sol is None or isinstance(sol, str):
        return sol
    lam = _exact(monos, entries, len(cols), signs, scale, *sol)
    if lam is None:
        return "inexact"
    out: dict[int, list[list[Any]]] = {}
    for (j, mu), v in zip(cols, lam):
        if v != 0:
            out.setdefault(j, []).append([list(mu), str(v)])
    return [{"j": j, "terms": terms} for j, terms in sorted(out.items())]


def sign_patterns(d: int, regime: str) -> list[tuple[int, ...]]:
    """The orthants to exclude: ``(1, ..., 1)`` (positive), or all ``2^{2d}`` patterns up to the
    global sign (signed: first entry ``+1``)."""
    if regime == Regime.POSITIVE:
        return [(1,) * (2 * d)]
    return [(1,) + rest for rest in product((1, -1), repeat=2 * d - 1)]


def lp_certificate(rows: Rows, regime: str, *, max_degree: int = MAX_DEGREE, Tinv: Optional[Rows] = None,
                   max_seconds: float = MAX_SECONDS) -> tuple[Optional[dict[str, Any]], LPAttempt]:
    """A certificate (module docstring) that ``T`` (exact rows) is not a product of ``k <= 2`` pairs in
    ``regime``, or ``None`` with what was tried. The degree ``D = 1, 2, ...`` is raised per pattern up
    to ``max_degree``, while the LP has at most :data:`MAX_ROWS` rows and ``max_seconds`` are not spent."""
    regime = validated_regime(regime)
    t0 = time.perf_counter()
    d = len(rows) // 2
    n = 2 * d
    minors = block_minors(rows, Tinv)
    system = reduced_system(rows, minors=minors)
    patterns, degrees = [], []
    built: dict[int, tuple] = {}  # the LP of each degree, shared by the sign patterns
    for signs in sign_patterns(d, regime):
        found, tried, why = None, 0, ""
        for D in range(1, max_degree + 1):
            left = max_seconds - (time.perf_counter() - t0)
            if comb(n + D - 1, D) > MAX_ROWS or left <= 0:
                break
            tried = D
            if D not in built:
                built[D] = _lp_of_degree(system, n, D)
            found = pattern_certificate(system, n, D, signs, left, built[D])
            if isinstance(found, str):
                why, found = found, None
                if why == "time":
                    break
            if found is not None:
                patterns.append({"signs": list(signs), "degree": D, "multipliers": found})
                degrees.append(D)
                break
        if found is None:
            stop = {"time": f", stopped at the {max_seconds:g} s budget",
                    "inexact": ", the last one's float solution failed the exact check"}.get(why, "")
            return None, LPAttempt(degrees + [tried], time.perf_counter() - t0,
                                   f"no LP certificate up to degree {tried}{stop} for the sign pattern "
                                   f"{''.join('+' if s > 0 else '-' for s in signs)} (not a proof either way)")
    cert = {"type": "lp",
            "statement": "every k <= 2 product has scales x = 1/c, y = b solving g_j(x, y) = 0, j = 1..d "
                         "(charpoly(T11 X) = charpoly(Y W), W = (T^-1)_22, coefficients principal minors); "
                         "F = sum_j lambda_j g_j has every coefficient of one sign on each orthant listed "
                         f"({'the positive one' if regime == Regime.POSITIVE else 'all, up to the global sign'}) "
                         "and F != 0, so no solution lies there",
            "variables": "z_0..z_{d-1} = 1/c_1..1/c_d, z_d..z_{2d-1} = b_1..b_d",
            "minors_order": "j = 1..d, then itertools.combinations(range(d), j)",
            "T11_minors": [str(v) for v in minors[0].values()], "W_minors": [str(v) for v in minors[1].values()],
            "patterns": patterns}
    return Certificate(cert), LPAttempt(degrees, time.perf_counter() - t0)
