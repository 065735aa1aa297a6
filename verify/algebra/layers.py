r"""Linear affine coupling layers and the block algebra behind Theorem 2.

Conventions: matrices act on column vectors, ``T`` is
``2d x 2d`` with ``d x d`` blocks ``T11, T12, T21, T22``, and

.. math::
    L(A, b) = \begin{bmatrix} I & 0 \\ A & \operatorname{diag} b \end{bmatrix}, \qquad
    U(c, D) = \begin{bmatrix} \operatorname{diag} c & D \\ 0 & I \end{bmatrix},

    E(X) = \begin{bmatrix} I & 0 \\ X & I \end{bmatrix}, \qquad
    F(Y) = \begin{bmatrix} I & Y \\ 0 & I \end{bmatrix}.

A decomposition with ``k`` pairs is ``T = L(A_1,b_1) U(c_1,D_1) \cdots L(A_k,b_k) U(c_k,D_k)``
(Koehler-Mehta-Risteski, Theorem 2). Positive regime: every ``b_i, c_i > 0``.

The parameter holder is :class:`Pair`; everything else is a pure function of an
:class:`~verify.algebra.arith.Arithmetic`, so the same code serves exact, mpmath and float64 matrices.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from ..coupling_blocks import L_rows, U_rows  # noqa: F401 -- the block form, shared with the flow core
from .arith.base import Arithmetic, Mat, Scalar


@dataclass(frozen=True)
class Pair:
    """The parameters of one pair ``L(A, b) U(c, D)``: ``A, D`` are ``d x d``, ``b, c`` length ``d``."""

    A: Mat
    b: tuple[Scalar, ...]
    c: tuple[Scalar, ...]
    D: Mat

    @property
    def d(self) -> int:
        return len(self.b)


# -- the four kinds of block matrices -------------------------------------------------------
def split(T: Mat) -> tuple[Mat, Mat, Mat, Mat]:
    """The ``d x d`` blocks ``(T11, T12, T21, T22)`` of a ``2d x 2d`` matrix."""
    d = T.shape[0] // 2
    return T[:d, :d], T[:d, d:], T[d:, :d], T[d:, d:]


def E(ar: Arithmetic, X: Mat) -> Mat:
    """``E(X) = [[I, 0], [X, I]]`` (block lower unitriangular)."""
    d = X.shape[0]
    return ar.blocks(ar.eye(d), ar.zeros(d), X, ar.eye(d))


def F(ar: Arithmetic, Y: Mat) -> Mat:
    """``F(Y) = [[I, Y], [0, I]]`` (block upper unitriangular)."""
    d = Y.shape[0]
    return ar.blocks(ar.eye(d), Y, ar.zeros(d), ar.eye(d))


def L_matrix(ar: Arithmetic, A: Mat, b: Sequence[Scalar]) -> Mat:
    """``L(A, b) = [[I, 0], [A, diag b]]``: updates the second half from the first."""
    d = A.shape[0]
    return ar.blocks(ar.eye(d), ar.zeros(d), A, ar.diag(b))


def U_matrix(ar: Arithmetic, c: Sequence[Scalar], D: Mat) -> Mat:
    """``U(c, D) = [[diag c, D], [0, I]]``: updates the first half from the second."""
    d = D.shape[0]
    return ar.blocks(ar.diag(c), D, ar.zeros(d), ar.eye(d))


def layer_matrices(ar: Arithmetic, pairs: Sequence[Pair]) -> list[Mat]:
    """``[L_1, U_1, ..., L_k, U_k]`` as matrices (each is also the layer's Jacobian)."""
    out: list[Mat] = []
    for p in pairs:
        out += [L_matrix(ar, p.A, p.b), U_matrix(ar, p.c, p.D)]
    return out


def product(ar: Arithmetic, factors: Sequence[Mat]) -> Mat:
    """``factors[0] @ factors[1] @ ...``."""
    if not factors:
        raise ValueError("empty product")
    out = factors[0]
    for f in factors[1:]:
        out = out @ f
    return out


def pairs_product(ar: Arithmetic, pairs: Sequence[Pair]) -> Mat:
    r"""``\prod_i L(A_i,b_i) U(c_i,D_i)``, computed as ``E(A) diag(c,b) F(c^{-1}D)`` products would be;
    here simply by multiplying the layer matrices."""
    return product(ar, layer_matrices(ar, pairs))


def inverse_layers(ar: Arithmetic, pairs: Sequence[Pair]) -> list[Mat]:
    r"""The layers of ``T^{-1} = U_k^{-1} L_k^{-1} \cdots U_1^{-1} L_1^{-1}``, each again a coupling:

    ``L(A,b)^{-1} = L(-b^{-1}A, b^{-1})`` and ``U(c,D)^{-1} = U(c^{-1}, -c^{-1}D)``.
    """
    out: list[Mat] = []
    one = ar.scalar(1)
    for p in reversed(pairs):
        cinv = [one / x for x in p.c]
        binv = [one / x for x in p.b]
        out.append(U_matrix(ar, cinv, (-p.D).scale_rows(cinv)))
        out.append(L_matrix(ar, (-p.A).scale_rows(binv), binv))
    return out


def det_pairs(ar: Arithmetic, pairs: Sequence[Pair]) -> Scalar:
    r"""``\det T = \prod_i \prod_j b_{ij} c_{ij}`` (each layer is block triangular)."""
    out = ar.scalar(1)
    for p in pairs:
        for x in p.b:
            out = out * x
        for x in p.c:
            out = out * x
    return out


def log_abs_det(ar: Arithmetic, pairs: Sequence[Pair]) -> float:
    r"""``\log|\det T| = \sum_i \sum_j (\log|b_{ij}| + \log|c_{ij}|)`` in float64."""
    return float(sum(math.log(abs(ar.to_float(x))) for p in pairs for x in (*p.b, *p.c)))


def pairs_from_factors(ar: Arithmetic, factors: Sequence[tuple[str, Mat]],
                       c: Sequence[Scalar], b: Sequence[Scalar]) -> list[Pair]:
    r"""Pairs from a word ``E(X_1) F(Y_1) \cdots E(X_k) F(Y_k)`` followed by ``\Delta = diag(c, b)``.

    Since ``L(A,b) U(c,D) = E(A) \operatorname{diag}(c,b) F(c^{-1} D)`` and
    ``F(Y)\Delta = \Delta F(c^{-1} Y b)``, the last pair is ``L(X_k, b)\, U(c, Y_k \operatorname{diag} b)``
    and the others are ``L(X_i, 1)\, U(1, Y_i)``.
    """
    kinds = [k for k, _ in factors]
    if len(factors) % 2 or any(k != ("E" if i % 2 == 0 else "F") for i, k in enumerate(kinds)):
        raise ValueError(f"factor word must alternate E, F, ..., E, F; got {''.join(kinds)}")
    one = ar.scalar(1)
    d = factors[0][1].shape[0]
    ones = (one,) * d
    pairs: list[Pair] = []
    k = len(factors) // 2
    for i in range(k):
        X, Y = factors[2 * i][1], factors[2 * i + 1][1]
        if i < k - 1:
            pairs.append(Pair(X, ones, ones, Y))
        else:
            pairs.append(Pair(X, tuple(b), tuple(c), Y.scale_columns(b)))
    return pairs


def layer_cond_1(ar: Arithmetic, pairs: Sequence[Pair]) -> Any:
    r"""The largest 1-norm condition number ``\|M\|_1 \|M^{-1}\|_1`` over the ``2k`` layers.

    From the blocks, in ``O(k d^2)`` and without forming a layer: column ``j`` of ``L(A, b)`` has
    1-norm ``1 + \sum_i |A_{ij}|`` (first half) or ``|b_j|`` (second half), and
    ``L(A,b)^{-1} = L(-b^{-1}A, b^{-1})``; likewise ``U(c, D)`` and ``U(c^{-1}, -c^{-1}D)``. Exact
    mode computes it exactly and mp mode at its precision, and both return an ``mpmath.mpf`` (no
    exponent limit: such layers can exceed float64's range); float mode returns a float.
    """
    one = ar.scalar(1)
    zero = ar.scalar(0)
    if any(x == zero for p in pairs for x in (*p.b, *p.c)):  # a singular layer (a scale underflowed)
        return math.inf
    best: Any = None
    for p in pairs:
        binv = [one / abs(x) for x in p.b]
        cinv = [one / abs(x) for x in p.c]
        L = max(max(one + x for x in ar.abs_column_sums(p.A.v)), max(abs(x) for x in p.b))
        Linv = max(max(one + x for x in ar.abs_column_sums(p.A.v, binv)), max(binv))
        U = max(max(abs(x) for x in p.c), max(one + x for x in ar.abs_column_sums(p.D.v)))
        Uinv = max(max(cinv), max(one + x for x in ar.abs_column_sums(p.D.v, cinv)))
        for cond in (L * Linv, U * Uinv):
            best = cond if best is None or cond > best else best
    return ar.to_unbounded(best)


def apply_L(ar: Arithmetic, A: Mat, b: Sequence[Scalar], M: Mat) -> Mat:
    r"""``L(A, b) M`` by a block update: ``[M_1;\ A M_1 + \operatorname{diag}(b) M_2]``."""
    d = A.shape[0]
    M1, M2 = M[:d, :], M[d:, :]
    return ar.mat(ar.vstack(M1.v, (A @ M1 + M2.scale_rows(b)).v))


def apply_U(ar: Arithmetic, c: Sequence[Scalar], D: Mat, M: Mat) -> Mat:
    r"""``U(c, D) M`` by a block update: ``[\operatorname{diag}(c) M_1 + D M_2;\ M_2]``."""
    d = D.shape[0]
    M1, M2 = M[:d, :], M[d:, :]
    return ar.mat(ar.vstack((M1.scale_rows(c) + D @ M2).v, M2.v))


def apply_pairs(ar: Arithmetic, pairs: Sequence[Pair], M: Mat) -> Mat:
    r"""``L_1 U_1 \cdots L_k U_k M`` by block updates, ``O(k d^2 n)`` for ``M`` of width ``n``."""
    for p in reversed(pairs):
        M = apply_L(ar, p.A, p.b, apply_U(ar, p.c, p.D, M))
    return M


def equals_product(ar: Arithmetic, pairs: Sequence[Pair], T: Mat) -> bool:
    r"""Exact test of ``L_1 U_1 \cdots L_k U_k = T``, meeting in the middle: with the ``2k`` layers
    split as ``M_1 \cdots M_k`` and ``M_{k+1} \cdots M_{2k}``, it checks
    ``M_{k+1} \cdots M_{2k} = M_k^{-1} \cdots M_1^{-1} T`` using the explicit layer inverses
    (:func:`inverse_layers`). Equivalent to the full product, with intermediate entries about half
    as long (the right side starts from ``T``)."""
    layers: list[tuple[str, tuple]] = []
    for p in pairs:
        layers += [("L", (p.A, p.b)), ("U", (p.c, p.D))]
    m = len(layers)
    h = m // 2
    one = ar.scalar(1)
    right = T
    for kind, prm in layers[:h]:  # apply M_1^{-1}, then M_2^{-1}, ...
        if kind == "L":
            A, b = prm
            binv = [one / x for x in b]
            right = apply_L(ar, (-A).scale_rows(binv), binv, right)
        else:
            c, D = prm
            cinv = [one / x for x in c]
            right = apply_U(ar, cinv, (-D).scale_rows(cinv), right)
    left = ar.eye(T.shape[0])
    for kind, prm in reversed(layers[h:]):
        left = apply_L(ar, *prm, left) if kind == "L" else apply_U(ar, *prm, left)
    return ar.equal(left.v, right.v)


def convert_pairs(pairs: Sequence[Pair], source: Arithmetic, target: Arithmetic) -> list[Pair]:
    """The same pairs in another arithmetic, explicitly: every entry goes through the rational it
    stands for (:meth:`~verify.algebra.arith.base.Arithmetic.to_rational`), then is rounded once by ``target``. Exact
    -> float
    is therefore correctly rounded, and float -> exact is exact."""

    from ..io.entries import unlimited_int_digits

    def q(x: Scalar) -> Scalar:
        with unlimited_int_digits():
            return target.scalar(source.to_rational(x))

    def m(M: Mat) -> Mat:
        return target.matrix([[q(x) for x in r] for r in M.rows()])

    return [Pair(m(p.A), tuple(q(x) for x in p.b), tuple(q(x) for x in p.c), m(p.D)) for p in pairs]


def sign_matrix(ar: Arithmetic, n: int) -> Mat:
    """``S = diag(-1, 1, ..., 1)``, the paper's extra layer for ``det T < 0``."""
    return ar.diag([ar.scalar(-1)] + [ar.scalar(1)] * (n - 1))


def flip_first_row(ar: Arithmetic, M: Mat) -> Mat:
    """``S M``: the first row negated."""
    return M.scale_rows([ar.scalar(-1)] + [ar.scalar(1)] * (M.shape[0] - 1))
