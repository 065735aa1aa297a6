"""High precision: mpmath at a chosen number of decimal digits."""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

import mpmath

from .base import Arithmetic, Scalar


class MpArithmetic(Arithmetic):
    """mpmath ``mpf`` matrices with a private context of ``digits`` decimal digits."""

    name = "mp"
    exact = False

    def __init__(self, digits: int = 50) -> None:
        if digits < 15:
            raise ValueError("mp arithmetic needs at least 15 digits")
        self.digits = int(digits)
        self.ctx = mpmath.MPContext()
        self.ctx.dps = self.digits
        self.unit_roundoff = 2.0 ** (-self.ctx.prec)

    def scalar(self, q: Fraction | int) -> Scalar:
        q = Fraction(q)
        return self.ctx.mpf(q.numerator) / q.denominator

    def from_entries(self, rows: Sequence[Sequence[Scalar]], n: int, m: int) -> Any:
        out = self.ctx.matrix(n, m)
        for i, r in enumerate(rows):
            for j, x in enumerate(r):
                out[i, j] = x
        return out

    def entries(self, v: Any) -> list[list[Scalar]]:
        return [[v[i, j] for j in range(v.cols)] for i in range(v.rows)]

    def shape(self, v: Any) -> tuple[int, int]:
        return (v.rows, v.cols)

    def matmul(self, a: Any, b: Any) -> Any:
        return a * b

    def inv(self, a: Any) -> Any:
        if a.rows == 0:
            return a.copy()
        return self.ctx.inverse(a)

    def det(self, a: Any) -> Scalar:
        if a.rows == 0:
            return self.ctx.mpf(1)
        try:
            return self.ctx.det(a)
        except TypeError:  # mpmath's LU_decomp fails this way on an all-zero pivot column
            return self.ctx.mpf(0)

    def transpose(self, a: Any) -> Any:
        return a.T

    def block(self, v: Any, r0: int, r1: int, c0: int, c1: int) -> Any:
        out = self.ctx.matrix(r1 - r0, c1 - c0)
        for i in range(r0, r1):
            for j in range(c0, c1):
                out[i - r0, j - c0] = v[i, j]
        return out

    def join(self, a11: Any, a12: Any, a21: Any, a22: Any) -> Any:
        n1, n2 = a11.rows, a21.rows
        m1, m2 = a11.cols, a12.cols
        out = self.ctx.matrix(n1 + n2, m1 + m2)
        for blk, (ro, co) in ((a11, (0, 0)), (a12, (0, m1)), (a21, (n1, 0)), (a22, (n1, m1))):
            for i in range(blk.rows):
                for j in range(blk.cols):
                    out[ro + i, co + j] = blk[i, j]
        return out

    def is_invertible(self, a: Any) -> bool:
        n = a.rows
        if n == 0:
            return True
        if self.det(a) == 0:
            return False
        try:
            ai = self.ctx.inverse(a)
        except (ZeroDivisionError, TypeError, ValueError):  # mpmath's LU on a singular pivot
            return False
        c = self.ctx.mnorm(a, 1) * self.ctx.mnorm(ai, 1)
        return bool(c * 64 * n * self.unit_roundoff < 1)

    def is_negligible(self, s: Scalar, scale: Scalar) -> bool:
        return abs(s) <= 64 * self.unit_roundoff * max(abs(scale), self.ctx.mpf(10) ** (-10 * self.digits))

    def to_str(self, s: Scalar) -> str:
        # enough digits to round-trip the stored binary value, so the JSON states the layers exactly
        return mpmath.libmp.to_str(self.ctx.mpf(s)._mpf_, mpmath.libmp.repr_dps(self.ctx.prec),
                                   strip_zeros=True, min_fixed=-5, max_fixed=5)

    def to_float(self, s: Scalar) -> float:
        return float(s)

    def root(self, s: Scalar, n: int) -> Scalar | None:
        return self.ctx.root(s, n)
