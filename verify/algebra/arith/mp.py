"""High precision: mpmath at a chosen number of decimal digits."""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Sequence

import mpmath

from ...vocabulary import mp_tolerance
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

    @property
    def precision_bits(self) -> int:
        return int(self.ctx.prec)

    def default_tolerance(self) -> Fraction:
        r""":math:`10^{-\lfloor digits/2 \rfloor}`, exactly."""
        return mp_tolerance(self.digits)

    def __repr__(self) -> str:
        return f"Mp({self.digits})"

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

    def cos_sin(self, angle: Any) -> tuple[Scalar, Scalar]:
        return self.ctx.cos(angle), self.ctx.sin(angle)

    def svd(self, v: Any) -> tuple[Any, list[Scalar], Any]:
        U, S, V = self.ctx.svd_r(v)  # v = U diag(S) V, S descending
        return U, [S[i] for i in range(len(S))], V

    def qr(self, v: Any) -> tuple[Any, Any]:
        return self.ctx.qr(v)

    def rotation_form(self, v: Any) -> tuple[Any, list[Scalar]]:
        r"""The real Schur form of an orthogonal ``v`` from mpmath's complex Schur form, computed at
        twice the precision after re-orthogonalising ``v`` there: ``v = Q \Lambda Q^H`` (``\Lambda`` diagonal to
        rounding, ``v`` being
        normal). An eigenvalue ``e^{i\theta}`` with ``\operatorname{Im} > \tau = 2^{-p}`` and
        eigenvector ``q`` gives the plane ``\sqrt2 (\operatorname{Re} q, \operatorname{Im} q)``
        (orthogonal to the other planes up to ``2^{-2p}/\tau``); the eigenvalues within ``\tau`` of
        ``+1`` (of ``-1``) span a real subspace, whose orthonormal basis is the leading left singular
        vectors of ``[\operatorname{Re} Q_g, \operatorname{Im} Q_g]``; on it ``v`` is ``\pm I`` to
        ``O(\tau)``. Angles are read from the ``2 \times 2`` blocks of ``V^T v V`` at working precision."""
        ctx = self.ctx
        d = v.rows
        hi = mpmath.MPContext()
        hi.prec = 2 * ctx.prec + 20
        A = hi.matrix(d, d)
        for i in range(d):
            for j in range(d):
                A[i, j] = hi.mpf(v[i, j])
        # v is orthogonal only to working precision, and complex eigenvectors of a nearly normal matrix
        # are orthogonal only to (departure from normality) / gap: make it orthogonal at high precision
        # first (Newton-Schulz, X <- X (3I - X^T X) / 2, quadratic), moving it by O(u) only
        eye = hi.eye(d)
        for _ in range(12):
            G = A.T * A - eye
            if hi.mnorm(G, 1) <= hi.ldexp(1, 10 - hi.prec):
                break
            A = A * (eye - G / 2)
        Q, R = hi.schur(A)
        tau = hi.ldexp(1, -ctx.prec)
        re = lambda x: hi.re(x)  # noqa: E731
        im = lambda x: hi.im(x)  # noqa: E731
        cols: list[list[Any]] = []  # real orthonormal columns, at high precision
        upper = [j for j in range(d) if im(R[j, j]) > tau]
        for j in upper:
            cols.append([hi.sqrt(2) * re(Q[i, j]) for i in range(d)])
            cols.append([hi.sqrt(2) * im(Q[i, j]) for i in range(d)])
        n_plane = len(cols)
        counts = []
        for sign in (-1, 1):
            g = [j for j in range(d) if abs(im(R[j, j])) <= tau and sign * re(R[j, j]) > 0]
            counts.append(len(g))
            if not g:
                continue
            Y = hi.matrix(d, 2 * len(g))
            for c, j in enumerate(g):
                for i in range(d):
                    Y[i, c], Y[i, len(g) + c] = re(Q[i, j]), im(Q[i, j])
            U, _, _ = hi.svd_r(Y)
            cols += [[U[i, c] for i in range(d)] for c in range(len(g))]
        n_minus, n_plus = counts
        if len(cols) != d or n_minus % 2:
            raise ValueError("rotation_form needs an orthogonal matrix with det = +1")
        V = ctx.matrix(d, d)
        for c, col in enumerate(cols):
            for i in range(d):
                V[i, c] = ctx.mpf(col[i])
        B = V.T * v * V
        angles = []
        for j in range(0, n_plane, 2):
            angles.append(ctx.atan2((B[j + 1, j] - B[j, j + 1]) / 2, (B[j, j] + B[j + 1, j + 1]) / 2))
        angles += [ctx.pi] * (n_minus // 2) + [ctx.mpf(0)] * (n_plus // 2)
        return V, angles

    def to_str(self, s: Scalar) -> str:
        # enough digits to round-trip the stored binary value, so the JSON states the layers exactly
        return mpmath.libmp.to_str(self.ctx.mpf(s)._mpf_, mpmath.libmp.repr_dps(self.ctx.prec),
                                   strip_zeros=True, min_fixed=-5, max_fixed=5)

    def to_float(self, s: Scalar) -> float:
        return float(s)

    def root(self, s: Scalar, n: int) -> Scalar | None:
        return self.ctx.root(s, n)
