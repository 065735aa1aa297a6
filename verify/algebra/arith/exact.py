"""Exact rational arithmetic: sympy ``DomainMatrix`` over ``QQ`` (flint-backed when
python-flint is installed, which makes products and inverses 100-1000x faster than
``sympy.Matrix``)."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

from sympy import QQ
from sympy.polys.matrices import DomainMatrix

from .base import Arithmetic, Scalar


class ExactArithmetic(Arithmetic):
    """Rationals, exactly. Equality of two results is a proof."""

    name = "exact"
    exact = True
    unit_roundoff = 0.0

    def scalar(self, q: Fraction | int) -> Scalar:
        q = Fraction(q)
        return QQ(q.numerator, q.denominator)

    def from_entries(self, rows: Sequence[Sequence[Scalar]], n: int, m: int) -> Any:
        return DomainMatrix([list(r) for r in rows], (n, m), QQ).to_dense()

    def entries(self, v: Any) -> list[list[Scalar]]:
        return v.to_list()

    def shape(self, v: Any) -> tuple[int, int]:
        return v.shape

    def matmul(self, a: Any, b: Any) -> Any:
        return a * b

    def inv(self, a: Any) -> Any:
        return a.inv()

    def det(self, a: Any) -> Scalar:
        return a.det()

    def solve(self, a: Any, b: Any) -> Any:
        """``a^{-1} b`` without forming ``a^{-1}`` (flint's ``fmpq_mat.solve`` when sympy is backed by
        python-flint: for one right-hand side 30x faster than the inverse); ``None`` if singular."""
        flint_a, flint_b = getattr(a.rep, "rep", None), getattr(b.rep, "rep", None)
        if flint_a is not None and flint_b is not None and hasattr(flint_a, "solve"):
            try:
                x = flint_a.solve(flint_b)
            except ZeroDivisionError:
                return None
            return DomainMatrix.from_rep(type(a.rep)(x, a.shape[:1] + b.shape[1:], QQ))
        if a.det() == 0:
            return None
        return a.lu_solve(b).to_dense()

    def transpose(self, a: Any) -> Any:
        return a.transpose()

    def block(self, v: Any, r0: int, r1: int, c0: int, c1: int) -> Any:
        return v[r0:r1, c0:c1].to_dense()

    def join(self, a11: Any, a12: Any, a21: Any, a22: Any) -> Any:
        top = DomainMatrix.hstack(a11, a12)
        bottom = DomainMatrix.hstack(a21, a22)
        return DomainMatrix.vstack(top, bottom).to_dense()

    def vstack(self, top: Any, bottom: Any) -> Any:
        return DomainMatrix.vstack(top, bottom).to_dense()

    def is_invertible(self, a: Any) -> bool:
        return a.det() != 0

    def is_negligible(self, s: Scalar, scale: Scalar) -> bool:
        return s == 0

    def to_str(self, s: Scalar) -> str:
        return str(s)

    def to_float(self, s: Scalar) -> float:
        """Nearest float; saturates to +-inf (or 0) beyond float64's range instead of raising."""
        try:
            return int(s.numerator) / int(s.denominator)
        except OverflowError:
            return math.copysign(math.inf, int(s.numerator)) if abs(s) > 1 else 0.0

    def to_fraction(self, s: Scalar) -> Fraction:
        return Fraction(int(s.numerator), int(s.denominator))

    def __repr__(self) -> str:
        return "Exact()"

    def equal(self, a: Any, b: Any) -> bool:
        """Exact equality (dense forms compared: DomainMatrix equality depends on storage)."""
        return a.to_dense() == b.to_dense()
