r"""The constructive Theorem 2: every ``T`` with ``det T > 0`` is a product of ``k = 3`` pairs.

Koehler, Mehta and Risteski (Theorem 2) prove ``k <= 24`` for ``d >= 4``. The construction
here gives ``k = 3`` for every ``d >= 1``, which is tight (their Theorem 3 shows ``k <= 2`` fails
for some ``T``). The proof is written out in ``proofs/theorem2.md``; in brief:

1. ``\Delta = \operatorname{diag}(c, b) > 0`` with ``\det\Delta = \det T``;
   ``\tilde T = T\Delta^{-1} \in SL(2d)``.
2. Choose ``y`` with ``B = \tilde T_{12} - \tilde T_{11} y`` invertible (possible for every
   invertible ``T``: ``[T_{11}\ T_{12}]`` has full row rank) and set ``T' = \tilde T F(-y)``
   with blocks ``[[A', B], [C', D']]``.
3. ``W = -(S B)^{-1}`` with ``S = C' - D' B^{-1} A'``; ``\det W = 1``. Find ``P, H`` with
   ``W P = H^{-1} P H`` (Lemma C: ``W`` is a commutator), through ``Q^{-1} W Q = L_0
   \operatorname{diag}(g) U_0``, ``P = U_0^{-1}\operatorname{diag}(h)``, ``h_{i+1} = g_i h_i``.
4. ``x = (D' - P) B^{-1}``, ``G = H B^{-1}``, ``Y = (P - I) G``, ``Z = G^{-1}``,
   ``u = B P^{-1}``, ``v = P^{-1}(C' - x A')``. Then

   .. math:: T = E(x)\,F(u - Z P^{-1})\,E(Y)\,F(Z)\,E(v - P^{-1} Y)\,F(y)\,\Delta.

The free choices (``\Delta``, ``y``, ``Q``) start at the simplest values and are re-drawn from
a seeded generator whenever a nondegeneracy condition fails (``B`` singular, a zero pivot, or
repeated ``h``); every returned word is checked by the caller by multiplying it back.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence

import numpy as np

from .arith.base import Arithmetic, Mat, Scalar
from .layers import E, F, Pair, pairs_from_factors, split
from .triangular import ldu, triangular_inverse, upper_eigenvectors


class ConstructionError(RuntimeError):
    """No nondegenerate choice of the free parameters was found (never seen in practice)."""


@dataclass
class Word:
    r"""``T = E(X_1) F(Y_1) \cdots E(X_k) F(Y_k) \operatorname{diag}(c, b)``."""

    factors: list[tuple[str, Mat]]
    c: list[Scalar]
    b: list[Scalar]

    def pairs(self, ar: Arithmetic) -> list[Pair]:
        return pairs_from_factors(ar, self.factors, self.c, self.b)


# -- k = 1 ------------------------------------------------------------------------------------
def is_diagonal(ar: Arithmetic, M: Mat) -> bool:
    if ar.exact:
        rows = M.rows()
        return all(x == 0 for i, r in enumerate(rows) for j, x in enumerate(r) if i != j)
    a = np.abs(ar.to_numpy(M.v))
    off = a - np.diag(np.diag(a))
    return bool(off.max(initial=0.0) <= 64 * ar.unit_roundoff * max(a.max(initial=0.0), 1e-300))


def one_pair(ar: Arithmetic, T: Mat) -> Optional[list[Pair]]:
    r"""The ``k = 1`` decomposition if it exists (positive regime), else ``None``.

    ``T = L(A,b)U(c,D) = [[\operatorname{diag} c, D], [A \operatorname{diag} c, A D + \operatorname{diag} b]]``,
    so ``k = 1`` iff ``T_{11}`` is diagonal with positive diagonal and the Schur complement
    ``\Sigma = T_{22} - T_{21}T_{11}^{-1}T_{12}`` is diagonal with positive diagonal; then
    ``c = \operatorname{diag} T_{11}``, ``D = T_{12}``, ``A = T_{21}T_{11}^{-1}``, ``b = \operatorname{diag}\Sigma``.
    """
    T11, T12, T21, T22 = split(T)
    zero = ar.scalar(0)
    if not is_diagonal(ar, T11) or not all(x > zero for x in T11.diagonal()):
        return None
    c = T11.diagonal()
    one = ar.scalar(1)
    A = T21.scale_columns([one / x for x in c])
    Sigma = T22 - A @ T12
    if not is_diagonal(ar, Sigma) or not all(x > zero for x in Sigma.diagonal()):
        return None
    return [Pair(A, tuple(Sigma.diagonal()), tuple(c), T12)]


# -- k = 3 ------------------------------------------------------------------------------------
def commutator(ar: Arithmetic, W: Mat, Q: Mat) -> Optional[tuple[Mat, Mat, Mat, Mat]]:
    r"""``(P, P^{-1}, H, H^{-1})`` with ``W P = H^{-1} P H``, for ``\det W = 1`` (Lemma C).

    With ``W_Q = Q^{-1} W Q = L_0 \operatorname{diag}(g) U_0`` and ``h_1 = 1``,
    ``h_{i+1} = g_i h_i`` (so ``h_{i+1}`` is the ``i``-th leading principal minor of ``W_Q``):
    ``P_Q = U_0^{-1}\operatorname{diag}(h)`` is upper triangular with diagonal ``h`` and
    ``W_Q P_Q = L_0 \operatorname{diag}(g h)`` is lower triangular with diagonal
    ``(h_2, \dots, h_d, h_1)``. When the ``h_i`` are distinct both are diagonalisable by unit
    triangular ``V_p, V_w``, and ``H_Q = V_p \Pi V_w^{-1}`` with the cyclic permutation ``\Pi``.
    The inverses come from the factors (``P_Q^{-1} = \operatorname{diag}(h)^{-1} U_0``,
    ``V_w^{-1} = V_u^T`` for the eigenvectors ``V_u`` of ``(W_Q P_Q)^T``), never from inverting
    the large-entried ``P`` and ``H``. Returns ``None`` if a pivot vanishes or the ``h_i`` repeat.
    """
    d = W.shape[0]
    Qi = Q.inv()
    WQ = Qi @ W @ Q
    fact = ldu(ar, WQ)
    if fact is None:
        return None
    L0, g, U0 = fact
    h = [ar.scalar(1)]
    for gi in g[:-1]:
        h.append(h[-1] * gi)
    if not ar.distinct(h):
        return None
    one, zero = ar.scalar(1), ar.scalar(0)
    PQ = triangular_inverse(ar, U0, upper=True).scale_columns(h)
    PQi = U0.scale_rows([one / x for x in h])
    LW = L0.scale_columns([gi * hi for gi, hi in zip(g, h)])
    Vp = upper_eigenvectors(ar, PQ)
    Vu = upper_eigenvectors(ar, LW.T)  # V_w = V_u^{-T}, so V_w^{-1} = V_u^T
    # Pi e_i = e_{i+1 mod d}:  Pi^T diag(h) Pi = diag(h_2, ..., h_d, h_1) = diag(g h)
    Pi = ar.matrix([[one if i == (j + 1) % d else zero for j in range(d)] for i in range(d)])
    HQ = Vp @ Pi @ Vu.T
    HQi = triangular_inverse(ar, Vu, upper=True).T @ Pi.T @ triangular_inverse(ar, Vp, upper=True)
    return Q @ PQ @ Qi, Q @ PQi @ Qi, Q @ HQ @ Qi, Q @ HQi @ Qi


def three_pairs_word(ar: Arithmetic, T: Mat, c: Sequence[Scalar], b: Sequence[Scalar],
                     y: Mat, Q: Mat) -> Optional[Word]:
    """One attempt of the ``k = 3`` construction for given free choices; ``None`` if degenerate."""
    d = T.shape[0] // 2
    one = ar.scalar(1)
    Tt = T.scale_columns([one / x for x in list(c) + list(b)])
    T11, T12, T21, T22 = split(Tt)
    # T' = Tt F(-y)
    A_, B, C_, D_ = T11, T12 - T11 @ y, T21, T22 - T21 @ y
    if not ar.is_invertible(B.v):
        return None
    Bi = B.inv()
    S = C_ - D_ @ Bi @ A_
    W = -(S @ B).inv()
    found = commutator(ar, W, Q)
    if found is None:
        return None
    P, Pinv, H, Hinv = found
    I = ar.eye(d)
    x = (D_ - P) @ Bi
    G = H @ Bi
    Z = B @ Hinv  # = G^{-1}
    Y = (P - I) @ G
    u = B @ Pinv
    v = Pinv @ (C_ - x @ A_)
    factors = [("E", x), ("F", u - Z @ Pinv), ("E", Y), ("F", Z), ("E", v - Pinv @ Y), ("F", y)]
    return Word(factors, list(c), list(b))


def _scaling(ar: Arithmetic, detT: Scalar, d: int, rng: Optional[np.random.Generator]) -> tuple[list, list]:
    r"""``(c, b)`` positive with ``\prod c \prod b = \det T``. Without ``rng``: exact arithmetic puts
    ``\det T`` into ``c_1``; inexact arithmetic spreads it evenly (``|\det T|^{1/2d}``)."""
    one = ar.scalar(1)
    if rng is None:
        if not ar.exact:
            r = ar.root(detT, 2 * d)
            return [r] * d, [r] * d
        # integer r close to det^(1/2d) everywhere, c_1 absorbing the remainder exactly
        try:
            r = ar.scalar(max(1, round(ar.to_float(detT) ** (1.0 / (2 * d)))))  # an integer: keeps c_1 small
        except (OverflowError, ZeroDivisionError):
            r = one
        if r <= 0:
            r = one
        rest = one
        for _ in range(2 * d - 1):
            rest = rest * r
        return [detT / rest] + [r] * (d - 1), [r] * d
    if ar.exact:
        choices = [Fraction(1), Fraction(2), Fraction(3), Fraction(1, 2), Fraction(1, 3), Fraction(3, 2)]
        vals = [ar.scalar(choices[int(i)]) for i in rng.integers(0, len(choices), size=2 * d)]
    else:
        base = ar.root(detT, 2 * d)
        vals = [base * ar.scalar(Fraction(float(np.exp(t))).limit_denominator(1000))
                for t in rng.uniform(-0.5, 0.5, size=2 * d)]
    prod = one
    for v in vals[1:]:
        prod = prod * v
    vals[0] = detT / prod
    return vals[:d], vals[d:]


def _float_det(T: Mat) -> float:
    sign, logdet = np.linalg.slogdet(T.v)
    return float(sign * np.exp(logdet))


def three_pairs(ar: Arithmetic, T: Mat, *, seed: int = 0, start: int = 0, max_attempts: int = 64) -> Word:
    """The ``k = 3`` word for ``T`` (``det T > 0``), trying free choices until one is nondegenerate.

    Attempt 0 uses ``y = 0``, ``Q = I`` and the default scaling; later attempts draw ``\\Delta``,
    ``y`` and ``Q`` (small integer entries) from ``numpy.random.default_rng([seed, start])``.
    ``start > 0`` skips the deterministic first attempt (used to try several choices).
    """
    d = T.shape[0] // 2
    detT = T.det() if ar.name != "float" else _float_det(T)
    rng = np.random.default_rng([seed, start])
    for attempt in range(start, start + max_attempts):
        if attempt == 0:
            c, b = _scaling(ar, detT, d, None)
            y, Q = ar.zeros(d), ar.eye(d)
        else:
            c, b = _scaling(ar, detT, d, rng) if attempt % 2 == 0 else _scaling(ar, detT, d, None)
            y = ar.random_integer_matrix(rng, d) if attempt >= 2 else ar.zeros(d)
            Q = ar.random_integer_matrix(rng, d)
            while not ar.is_invertible(Q.v):
                Q = ar.random_integer_matrix(rng, d)
        word = three_pairs_word(ar, T, c, b, y, Q)
        if word is not None:
            return word
    raise ConstructionError(f"no nondegenerate choice found in {max_attempts} attempts")
