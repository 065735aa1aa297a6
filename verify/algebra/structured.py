r"""Matrices kept in factored form: ``S = \operatorname{diag}(a)\, K \operatorname{diag}(c) + u v^T``.

Theorem 2's spectral route (``proofs/theorem2.md``, Step 4'') produces ``P``, ``P^{-1}``, ``H`` and
``H^{-1}`` of this shape: a diagonal or a matrix of small entries ``K``, scaled by vectors, plus one
column times one row that carry the large numbers. Multiplying such an ``S`` with a dense matrix
``X`` factor by factor (``S X = a \circ K (c \circ X) + u (v^T X)``) costs ``O(d^2)`` operations on
the large numbers instead of the ``O(d^3)`` of a dense product, with the same exact result. Only
``@`` with a :class:`~verify.algebra.arith.base.Mat` on either side and :meth:`dense` are offered:
that is all the word formulas of :mod:`verify.theorem2.construction` use.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from .arith.base import Arithmetic, Mat, Scalar


@dataclass(frozen=True)
class ScaledPlusRankOne:
    r"""``\operatorname{diag}(a)\, K\, \operatorname{diag}(c) + u v^T`` (``K = I`` when ``None``;
    ``a, c`` all ones when ``None``; ``u`` an ``n x 1`` and ``v`` a ``1 x n`` :class:`Mat`, the row
    given as the index of a unit vector ``e_j^T`` when ``v_index`` is set)."""

    ar: Arithmetic
    n: int
    K: Optional[Mat]
    a: Optional[Sequence[Scalar]]
    c: Optional[Sequence[Scalar]]
    u: Mat
    v: Optional[Mat] = None
    v_index: Optional[int] = None

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.n)

    def _v_times(self, X: Mat) -> Mat:
        """``v^T X`` (a ``1 x m`` matrix)."""
        if self.v_index is not None:
            return X[self.v_index:self.v_index + 1, :]
        assert self.v is not None
        return self.v @ X

    def _times_u(self, X: Mat) -> Mat:
        """``X u`` (an ``m x 1`` matrix)."""
        return X @ self.u

    def _v_row(self) -> Mat:
        if self.v_index is not None:
            one = self.ar.scalar(1)
            return self.ar.sparse(self.n, {(0, self.v_index): one})[:1, :]
        assert self.v is not None
        return self.v

    def __matmul__(self, X: Mat) -> Mat:
        """``S X``."""
        if not isinstance(X, Mat):
            return NotImplemented
        Y = X if self.c is None else X.scale_rows(self.c)
        Y = Y if self.K is None else self.K @ Y
        Y = Y if self.a is None else Y.scale_rows(self.a)
        return Y + self.u @ self._v_times(X)

    def __rmatmul__(self, X: Mat) -> Mat:
        """``X S``."""
        if not isinstance(X, Mat):
            return NotImplemented
        Y = X if self.a is None else X.scale_columns(self.a)
        Y = Y if self.K is None else Y @ self.K
        Y = Y if self.c is None else Y.scale_columns(self.c)
        return Y + self._times_u(X) @ self._v_row()

    def dense(self) -> Mat:
        """``S`` as an ordinary matrix."""
        return self @ self.ar.eye(self.n)


def dense(M: "Mat | ScaledPlusRankOne") -> Mat:
    """``M`` as an ordinary :class:`Mat` (a :class:`Mat` is returned as it is)."""
    return M.dense() if isinstance(M, ScaledPlusRankOne) else M
