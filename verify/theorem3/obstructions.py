r"""What ``k <= 2`` pairs force on the blocks of ``T`` (Theorem 3): the obstructions, exactly.

Every product of ``k <= 2`` pairs is ``T = E(X_1) F(Y_1) E(X_2) F(Y_2) \Delta`` with
``\Delta = diag(C, B)`` diagonal (``C = c_1 c_2``, ``B = b_1 b_2``; positive in the positive regime,
nonzero in the signed one), and for ``N = T \Delta^{-1} = E F E F``

.. math::  N_{11} = I + Y_1 X_2, \qquad (N^{-1})_{22} = I + X_2 Y_1 .

With ``S = (T^{-1})_{22}`` this reads ``T_{11} C^{-1} = I + YZ`` and ``B S = I + ZY``
(proofs/theorem3.md, Lemma 1). Two obstructions follow, each decided here in exact rationals:

* **trace** (Lemma 2). ``tr(YZ) = tr(ZY)`` gives ``\sum_i T_{11,ii}/c_i - \sum_i b_i S_{ii} = 0``,
  a linear form in the ``2d`` free scales with coefficients ``a = (diag T_{11}, -diag S)``. Positive
  regime: it has no positive zero iff ``a \ne 0`` and all ``a_j \ge 0`` (or all ``\le 0``); signed
  regime: no zero with all scales nonzero iff exactly one ``a_j`` is nonzero.
* **zero-block** (Lemma 3). If ``T_{11} = 0`` then ``T`` is a ``k <= 2`` product iff
  ``-T_{21} = B T_{12}^{-1} C`` for diagonal ``B, C`` (positive, or nonzero): a diagonal-equivalence
  question decided on the bipartite graph of nonzero entries. A failure has a witness: an entry
  where exactly one side is zero (``pattern``), an entry of opposite signs (``sign``, positive
  regime), or a cycle whose alternating product of ratios is not 1 (``cycle``).

* **minors** (Lemma 2'). ``YZ`` and ``ZY`` share the whole characteristic polynomial, so for every
  order ``m``: ``\sum_{|I|=m} \det T_{11}[I] \prod_{i \in I} c_i^{-1} = \sum_{|I|=m} \det S[I] \prod_{i\in I} b_i``
  (principal minors). The same sign rule on ``(minors of T_{11}, -minors of S)`` is an obstruction;
  ``m = 1`` is the trace.

Nothing here decides the generic case: a matrix with no obstruction may still need k = 3.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from ..algebra.arith import get_arithmetic
from ..vocabulary import Regime, validated_regime

Rows = list[list[Fraction]]


def exact_inverse(rows: Rows) -> Rows:
    """``rows^{-1}`` in exact rationals (flint-backed ``DomainMatrix``)."""
    ar = get_arithmetic("exact")
    return [[ar.to_fraction(x) for x in r] for r in ar.from_fractions(rows).inv().rows()]


def _blocks(rows: Rows, Tinv: Optional[Rows]) -> tuple[Rows, Rows, Rows]:
    """``(T_{11}, S = (T^{-1})_{22}, T^{-1})``, inverting ``T`` only if ``Tinv`` is not given."""
    d = len(rows) // 2
    Tinv = exact_inverse(rows) if Tinv is None else Tinv
    return [r[:d] for r in rows[:d]], [r[d:] for r in Tinv[d:]], Tinv


def trace_coefficients(rows: Rows, Tinv: Optional[Rows] = None) -> tuple[list[Fraction], list[Fraction]]:
    r"""``(diag T_{11}, diag S)`` with ``S = (T^{-1})_{22}``: the coefficients of the trace identity
    ``\sum_i T_{11,ii}/c_i = \sum_i b_i S_{ii}`` that every ``k <= 2`` product satisfies. Pass
    ``Tinv`` to reuse an inverse already computed."""
    T11, S, _ = _blocks(rows, Tinv)
    return [T11[i][i] for i in range(len(T11))], [S[i][i] for i in range(len(S))]


def trace_obstructs(t: list[Fraction], s: list[Fraction], regime: str) -> bool:
    r"""Whether ``\sum_I t_I x^I - \sum_I s_I b^I = 0`` (monomials of one degree in disjoint variables;
    degree 1 is the trace) has no solution with all ``x_i = 1/c_i``, ``b_i`` positive
    (``regime="positive"``) or nonzero (``"signed"``): proofs/theorem3.md, Lemmas 2 and 2'."""
    regime = validated_regime(regime)
    a = list(t) + [-x for x in s]
    if regime == Regime.SIGNED:
        return sum(1 for x in a if x != 0) == 1
    return any(x != 0 for x in a) and (all(x >= 0 for x in a) or all(x <= 0 for x in a))


def principal_minors(block: Rows, m: int) -> list[Fraction]:
    """``det block[I, I]`` for every ``I`` in ``itertools.combinations(range(d), m)``, in that order."""
    from itertools import combinations

    ar = get_arithmetic("exact")
    return [ar.to_fraction(ar.from_fractions([[block[i][j] for j in I] for i in I]).det())
            for I in combinations(range(len(block)), m)]


def minors_obstruction(rows: Rows, regime: str, Tinv: Optional[Rows] = None
                       ) -> Optional[tuple[int, list[Fraction], list[Fraction]]]:
    r"""The smallest order ``2 <= m < d`` whose characteristic-polynomial identity
    ``e_m(T_{11} C^{-1}) = e_m(B S)`` has no solution (proofs/theorem3.md, Lemma 2'), with the
    principal minors of ``T_{11}`` and ``S``; ``None`` if no order obstructs. (Order ``d`` never
    does: both sides are determinants of one sign.)"""
    regime = validated_regime(regime)
    T11, S, _ = _blocks(rows, Tinv)
    for m in range(2, len(T11)):
        P, Q = principal_minors(T11, m), principal_minors(S, m)
        if trace_obstructs(P, Q, regime):
            return m, P, Q
    return None


def trace_radius(rows: Rows, t: list[Fraction], s: list[Fraction], Tinv: Optional[Rows] = None) -> Optional[Fraction]:
    r"""A radius ``r > 0`` such that the positive-regime trace obstruction holds for every ``T + E``
    with ``||E||_2 < r``, or ``None`` when it is not strict (some ``a_j = 0``).

    With ``a = (diag T_{11}, -diag S)`` all positive (after a global sign), ``m_1 = \min_i T_{11,ii}``,
    ``m_2 = \min_i (-S_{ii})`` and ``\tau \ge ||T^{-1}||_2``:
    ``r = \min(m_1, m_2 / (\tau(\tau + m_2)))`` (proofs/theorem3.md, Lemma 4). ``\tau`` is a rational
    upper bound of the Frobenius norm of ``T^{-1}``."""
    sign = 1 if all(x > 0 for x in t) and all(x < 0 for x in s) else -1
    if not (all(sign * x > 0 for x in t) and all(sign * x < 0 for x in s)):
        return None
    _, _, Tinv = _blocks(rows, Tinv)
    fro2 = sum((x * x for r in Tinv for x in r), Fraction(0))
    tau = sqrt_upper(fro2)
    m1 = min(sign * x for x in t)
    m2 = min(-sign * x for x in s)
    return min(m1, m2 / (tau * (tau + m2)))


def sqrt_upper(q: Fraction, bits: int = 64) -> Fraction:
    """A rational ``u >= sqrt(q)`` within a relative ``2^{-bits}`` (integer square roots only)."""
    from math import isqrt

    if q < 0:
        raise ValueError("negative")
    scale = 1 << (2 * bits)
    num = q.numerator * scale * q.denominator
    return Fraction(isqrt(num) + 1, (1 << bits) * q.denominator)


@dataclass
class ZeroBlockResult:
    """The diagonal-equivalence decision ``-T_{21} = B T_{12}^{-1} C`` (``T_{11} = 0``).

    ``witness`` is ``None`` when the equivalence holds (then ``b``, ``c`` realise it), otherwise a dict
    ``{"kind": "pattern"|"sign", "entry": [i, j]}`` or
    ``{"kind": "cycle", "rows": [r_0..r_{m-1}], "cols": [c_0..c_{m-1}]}`` (0-based)."""

    witness: Optional[dict]
    M: Rows  # T12^{-1}
    R: Rows  # -T21
    b: Optional[list[Fraction]] = None
    c: Optional[list[Fraction]] = None


def zero_block(rows: Rows, regime: str) -> ZeroBlockResult:
    r"""Decide, for ``T_{11} = 0``, whether diagonal ``B, C`` with ``B M C = R`` exist,
    ``M = T_{12}^{-1}``, ``R = -T_{21}``: proofs/theorem3.md, Lemma 3.

    Ratios ``\rho_{ij} = R_{ij}/M_{ij} = b_i c_j`` live on the bipartite graph of nonzero entries;
    a spanning forest fixes ``b, c`` and every other edge must agree. Raises ``ValueError`` if
    ``T_{11} \ne 0``."""
    regime = validated_regime(regime)
    n = len(rows)
    d = n // 2
    if any(rows[i][j] != 0 for i in range(d) for j in range(d)):
        raise ValueError("zero_block needs T11 = 0")
    M = exact_inverse([r[d:] for r in rows[:d]])
    R = [[-rows[d + i][j] for j in range(d)] for i in range(d)]
    for i in range(d):
        for j in range(d):
            if (M[i][j] == 0) != (R[i][j] == 0):
                return ZeroBlockResult({"kind": "pattern", "entry": [i, j]}, M, R)
    rho = {(i, j): R[i][j] / M[i][j] for i in range(d) for j in range(d) if M[i][j] != 0}
    if regime == Regime.POSITIVE:
        for (i, j), r in sorted(rho.items()):
            if r < 0:
                return ZeroBlockResult({"kind": "sign", "entry": [i, j]}, M, R)
    b: list[Optional[Fraction]] = [None] * d
    c: list[Optional[Fraction]] = [None] * d
    parent: dict[tuple[str, int], Optional[tuple[str, int]]] = {}
    for root in range(d):
        if b[root] is not None:
            continue
        b[root] = Fraction(1)
        parent[("r", root)] = None
        queue = [("r", root)]
        while queue:
            kind, v = queue.pop(0)
            for w in range(d):
                if kind == "r" and (v, w) in rho and c[w] is None:
                    c[w] = rho[(v, w)] / b[v]
                    parent[("c", w)] = (kind, v)
                    queue.append(("c", w))
                elif kind == "c" and (w, v) in rho and b[w] is None:
                    b[w] = rho[(w, v)] / c[v]
                    parent[("r", w)] = (kind, v)
                    queue.append(("r", w))
    for (i, j), r in sorted(rho.items()):
        if b[i] * c[j] != r:
            return ZeroBlockResult(_cycle_witness(parent, i, j), M, R)
    return ZeroBlockResult(None, M, R, [x for x in b], [x for x in c])  # type: ignore[misc]


def _path_to_root(parent: dict, node: tuple[str, int]) -> list[tuple[str, int]]:
    path = [node]
    while parent[path[-1]] is not None:
        path.append(parent[path[-1]])
    return path


def _cycle_witness(parent: dict, i: int, j: int) -> dict:
    """The closed walk row i -> col j -> (tree path) -> row i, as alternating rows and columns."""
    pi, pj = _path_to_root(parent, ("r", i)), _path_to_root(parent, ("c", j))
    while len(pi) > 1 and len(pj) > 1 and pi[-2] == pj[-2]:  # drop the common ancestry
        pi.pop()
        pj.pop()
    # walk: r_i, c_j, then up pj to the meeting node, then down pi back to r_i
    walk = [("r", i)] + pj + list(reversed(pi[:-1]))
    assert walk[-1] == ("r", i)  # closed: the tree path returns to row i
    walk.pop()
    rows_, cols_ = [v for k, v in walk if k == "r"], [v for k, v in walk if k == "c"]
    return {"kind": "cycle", "rows": rows_, "cols": cols_}
