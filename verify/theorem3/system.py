r"""The reduced ``k <= 2`` system: ``d`` multi-affine equations in the ``2d`` scales (proofs/theorem3.md,
Lemma 5).

Every product of ``k <= 2`` pairs has ``N = T\Delta^{-1}`` with ``N_{11} = I + Y_1X_2`` and
``(N^{-1})_{22} = I + X_2Y_1``; ``YZ`` and ``ZY`` share their characteristic polynomial, so with
``X = C^{-1} = \operatorname{diag}(x)``, ``Y = B = \operatorname{diag}(y)`` and ``W = (T^{-1})_{22}``

.. math::  \operatorname{charpoly}(T_{11} X) = \operatorname{charpoly}(Y W),

which is, coefficient by coefficient (``j = 1..d``; principal minors, ``S`` a ``j``-subset),

.. math::  g_j(x, y) = \sum_{|S| = j} \det T_{11}[S,S]\, x^S - \sum_{|S| = j} \det W[S,S]\, y^S = 0 .

This holds for every ``T`` (no genericity). Variables are numbered ``0..d-1`` for ``x`` and
``d..2d-1`` for ``y``; a term is ``(S, coefficient)`` with ``S`` a sorted tuple of variable indices.
The trace (``j = 1``) and minors (one ``j``) obstructions are single-equation sign rules of this system;
:mod:`verify.theorem3.lp` uses all of it at once.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Optional

Rows = list[list[Fraction]]
Term = tuple[tuple[int, ...], Fraction]


def all_principal_minors(block: Rows) -> dict[tuple[int, ...], Fraction]:
    """``det block[S, S]`` for every nonempty ``S`` (sorted index tuples), order by order, in exact
    rationals (:func:`verify.theorem3.obstructions.principal_minors`, the minors certificate's own)."""
    from .obstructions import principal_minors

    d = len(block)
    return {S: v for j in range(1, d + 1) for S, v in zip(combinations(range(d), j), principal_minors(block, j))}


def block_minors(rows: Rows, Tinv: Optional[Rows] = None
                 ) -> tuple[dict[tuple[int, ...], Fraction], dict[tuple[int, ...], Fraction]]:
    """The principal minors of ``T_{11}`` and of ``W = (T^{-1})_{22}`` (:func:`all_principal_minors`)."""
    from .obstructions import exact_inverse

    d = len(rows) // 2
    Tinv = exact_inverse(rows) if Tinv is None else Tinv
    return all_principal_minors([r[:d] for r in rows[:d]]), all_principal_minors([r[d:] for r in Tinv[d:]])


def reduced_system(rows: Rows, Tinv: Optional[Rows] = None, minors: Optional[tuple[dict, dict]] = None
                   ) -> list[list[Term]]:
    r"""``[g_1, ..., g_d]``: each ``g_j`` as a list of nonzero terms ``(S, coefficient)`` (module
    docstring), exact. ``Tinv``: ``T^{-1}`` if already computed; ``minors``: :func:`block_minors`."""
    d = len(rows) // 2
    P, Q = block_minors(rows, Tinv) if minors is None else minors
    system: list[list[Term]] = []
    for j in range(1, d + 1):
        g: list[Term] = [(S, P[S]) for S in combinations(range(d), j) if P[S] != 0]
        g += [(tuple(d + i for i in S), -Q[S]) for S in combinations(range(d), j) if Q[S] != 0]
        system.append(g)
    return system

