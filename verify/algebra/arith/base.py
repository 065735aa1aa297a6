"""The arithmetic interface that every construction in :mod:`verify` is written against.

Following sympy's ``polys.matrices`` design, the mathematics is written once against a
*domain* object, here an :class:`Arithmetic`, and each arithmetic (exact rationals, mpmath at a
chosen precision, numpy float64) supplies only the primitive operations: products, inverses,
determinants, slicing, and a few entry-wise maps. :class:`Mat` is a thin operator wrapper, so that
``(T22 - P) @ Bi`` in the construction reads as it does in the proof.

Scalars are the arithmetic's own numbers (``flint.fmpq``, ``mpmath.mpf``, ``float``); all three
support ``+ - * /`` and comparisons, so scalar code is shared as well.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from fractions import Fraction
from typing import Any, Optional, Sequence

from ...errors import Unsupported

Scalar = Any


class Mat:
    """A matrix of one arithmetic, with ``@ + -`` and block slicing.

    ``M[r0:r1, c0:c1]`` returns a sub-matrix; ``M.inv()`` the inverse; ``M.T`` the transpose.
    """

    __slots__ = ("ar", "v")

    def __init__(self, ar: "Arithmetic", v: Any) -> None:
        self.ar = ar
        self.v = v

    @property
    def shape(self) -> tuple[int, int]:
        return self.ar.shape(self.v)

    def __matmul__(self, other: "Mat") -> "Mat":
        if not isinstance(other, Mat):  # a factored matrix (verify.algebra.structured) multiplies itself
            return NotImplemented
        return Mat(self.ar, self.ar.matmul(self.v, other.v))

    def __add__(self, other: "Mat") -> "Mat":
        return Mat(self.ar, self.ar.add(self.v, other.v))

    def __sub__(self, other: "Mat") -> "Mat":
        return Mat(self.ar, self.ar.sub(self.v, other.v))

    def __neg__(self) -> "Mat":
        return Mat(self.ar, self.ar.neg(self.v))

    def __getitem__(self, key: tuple[slice, slice]) -> "Mat":
        rs, cs = key
        n, m = self.shape
        r0, r1, _ = rs.indices(n)
        c0, c1, _ = cs.indices(m)
        return Mat(self.ar, self.ar.block(self.v, r0, r1, c0, c1))

    def inv(self) -> "Mat":
        return Mat(self.ar, self.ar.inv(self.v))

    def det(self) -> Scalar:
        return self.ar.det(self.v)

    def solve(self, rhs: "Mat") -> Optional["Mat"]:
        """``X`` with ``self @ X = rhs``, or ``None`` when ``self`` is singular (exactly, in exact
        arithmetic)."""
        x = self.ar.solve(self.v, rhs.v)
        return None if x is None else Mat(self.ar, x)

    @property
    def T(self) -> "Mat":
        return Mat(self.ar, self.ar.transpose(self.v))

    def diagonal(self) -> list[Scalar]:
        return self.ar.diagonal(self.v)

    def rows(self) -> list[list[Scalar]]:
        return self.ar.entries(self.v)

    def scale_columns(self, s: Sequence[Scalar]) -> "Mat":
        """``M @ diag(s)``."""
        return Mat(self.ar, self.ar.scale_columns(self.v, list(s)))

    def scale_rows(self, s: Sequence[Scalar]) -> "Mat":
        """``diag(s) @ M``."""
        return Mat(self.ar, self.ar.scale_rows(self.v, list(s)))

    def __repr__(self) -> str:
        return f"Mat[{self.ar.name}]({self.rows()!r})"


class Arithmetic(ABC):
    """A domain of matrices: the primitive operations each arithmetic provides, and the answers to
    what callers would otherwise ask by name (sympy's ``Domain.is_Field`` style): ``exact``,
    ``fixed_precision``, ``unbounded_exponent``, ``float64_arrays``, :attr:`precision_bits`,
    :meth:`represents`, :meth:`in_range`, :meth:`ldexp`, :meth:`default_tolerance`. A capability an
    arithmetic lacks raises :class:`~verify.errors.Unsupported`. ``name`` is for display only."""

    #: "exact", "mp" or "float" -- for messages and JSON; never tested by callers
    name: str = ""
    #: True when every operation is exact (so equality is a proof)
    exact: bool = False
    #: True when the precision cannot be raised (float64): more precision means another arithmetic
    fixed_precision: bool = False
    #: True when numbers have no exponent range to leave (rationals, mpmath)
    unbounded_exponent: bool = True
    #: True when the native matrices are numpy float64 arrays (the vectorised float64 paths apply)
    float64_arrays: bool = False
    #: decimal digits of an mp arithmetic; ``None`` for the others
    digits: Optional[int] = None

    @property
    def precision_bits(self) -> Optional[int]:
        """Bits of the significand (53 for float64, the context's for mp); ``None`` when exact."""
        return None

    def represents(self, q: Fraction) -> bool:
        """Whether the rational ``q`` is a number of this arithmetic, without rounding (exact: all;
        binary floating point: the dyadic rationals with at most :attr:`precision_bits` significant
        bits, inside the exponent range)."""
        if self.exact:
            return True
        bits = self.precision_bits
        q = Fraction(q)
        dyadic = q.denominator & (q.denominator - 1) == 0
        odd = abs(q.numerator) >> max((abs(q.numerator) & -abs(q.numerator)).bit_length() - 1, 0)  # bits that count
        return dyadic and bits is not None and odd.bit_length() <= bits and self.in_range(q)

    def in_range(self, q: Fraction) -> bool:
        """Whether ``|q|`` is inside the exponent range (always, unless :attr:`unbounded_exponent` is
        False)."""
        return True

    def default_tolerance(self) -> Any:
        """The relative residual accepted by default: 0 (equality) when exact; see the subclasses."""
        return 0.0

    def ldexp(self, v: Any, e: int, strict: bool = False) -> Any:
        """``2^e v`` for a native matrix ``v``. With ``strict``, ``None`` when a result is not exactly
        ``2^e`` times its entry (it left the exponent range); exact and mp never leave it."""
        return self.scale_rows(v, [self.scalar(Fraction(2) ** e)] * self.shape(v)[0]) if e else v

    def ldexp_scalars(self, xs: Sequence[Scalar], e: int, strict: bool = False) -> Optional[tuple]:
        """``2^e x`` for each scalar; with ``strict``, ``None`` when one leaves the exponent range."""
        s = self.scalar(Fraction(2) ** e)
        return tuple(x * s for x in xs)

    def abs_column_sums(self, v: Any, row_weights: Optional[Sequence[Scalar]] = None) -> list[Scalar]:
        r"""``\sum_i w_i |v_{ij}|`` for every column ``j`` (``w = 1`` by default)."""
        rows = self.entries(v)
        w = [self.scalar(1)] * len(rows) if row_weights is None else [abs(x) for x in row_weights]
        return [sum((w[i] * abs(r[j]) for i, r in enumerate(rows)), self.scalar(0)) for j in range(self.shape(v)[1])]

    def to_unbounded(self, s: Scalar) -> Any:
        """``s`` as a number for reports with no exponent limit: an ``mpmath.mpf`` (correctly rounded
        from a rational, or the mp number itself), or a float in float64."""
        import mpmath

        if self.exact:
            return mpmath.mpf(int(s.numerator)) / int(s.denominator)
        return mpmath.mpf(s)

    def to_rational(self, s: Scalar) -> Fraction:
        """The rational ``s`` stands for: its exact value (exact, float64), or the decimal it prints as
        (mp: the round-tripping decimal string, as a reader of the output sees it)."""
        return Fraction(self.to_str(s))

    def equal(self, a: Any, b: Any) -> bool:
        """Entrywise equality of two native matrices (a proof of equality only when :attr:`exact`)."""
        return self.shape(a) == self.shape(b) and self.entries(a) == self.entries(b)

    # -- construction ---------------------------------------------------------------------
    @abstractmethod
    def scalar(self, q: Fraction | int) -> Scalar:
        """The number ``q`` in this arithmetic (rounded if the arithmetic is not exact)."""

    @abstractmethod
    def from_entries(self, rows: Sequence[Sequence[Scalar]], n: int, m: int) -> Any:
        """A native matrix from rows of this arithmetic's scalars."""

    @abstractmethod
    def entries(self, v: Any) -> list[list[Scalar]]:
        ...

    @abstractmethod
    def shape(self, v: Any) -> tuple[int, int]:
        ...

    # -- algebra --------------------------------------------------------------------------
    @abstractmethod
    def matmul(self, a: Any, b: Any) -> Any: ...

    # all three native matrix types support + - and unary -; matmul differs (* versus @)
    def add(self, a: Any, b: Any) -> Any:
        return a + b

    def sub(self, a: Any, b: Any) -> Any:
        return a - b

    def neg(self, a: Any) -> Any:
        return -a

    @abstractmethod
    def inv(self, a: Any) -> Any: ...

    @abstractmethod
    def det(self, a: Any) -> Scalar: ...

    def solve(self, a: Any, b: Any) -> Optional[Any]:
        """``a^{-1} b``, or ``None`` when ``a`` is not invertible (:meth:`is_invertible`). This default
        goes through :meth:`inv`; an arithmetic with a cheaper solve overrides it."""
        return self.matmul(self.inv(a), b) if self.is_invertible(a) else None

    @abstractmethod
    def transpose(self, a: Any) -> Any: ...

    @abstractmethod
    def block(self, v: Any, r0: int, r1: int, c0: int, c1: int) -> Any: ...

    @abstractmethod
    def join(self, a11: Any, a12: Any, a21: Any, a22: Any) -> Any:
        """The 2 x 2 block matrix ``[[a11, a12], [a21, a22]]``."""

    # -- tests of degeneracy (exact: == 0; inexact: relative to a tolerance) --------------
    @abstractmethod
    def is_invertible(self, a: Any) -> bool:
        """Exact: ``det a != 0``. Inexact: condition number below ``1 / (64 n u)``."""

    def det_sign(self, a: Any) -> int:
        """The sign of ``det a`` (-1, 0 or 1); float64 reads it from ``slogdet``, without overflow."""
        det = self.det(a)
        return (det > 0) - (det < 0)

    def sign_and_invertible(self, a: Any) -> tuple[int, bool]:
        """``(sign of det a, is_invertible(a))``; float64 gets both from one LU factorisation."""
        det = self.det(a)
        return (det > 0) - (det < 0), bool(det != 0 and self.is_invertible(a))

    @abstractmethod
    def is_negligible(self, s: Scalar, scale: Scalar) -> bool:
        """Whether ``s`` is zero (exact) or zero to working precision relative to ``scale``."""

    # -- defaults built on the primitives -------------------------------------------------
    def mat(self, v: Any) -> Mat:
        return Mat(self, v)

    def matrix(self, rows: Sequence[Sequence[Scalar]]) -> Mat:
        rows = [list(r) for r in rows]
        n = len(rows)
        m = len(rows[0]) if n else 0
        return Mat(self, self.from_entries(rows, n, m))

    def from_fractions(self, rows: Sequence[Sequence[Fraction | int]]) -> Mat:
        return self.matrix([[self.scalar(q) for q in r] for r in rows])

    def zeros(self, n: int, m: int | None = None) -> Mat:
        m = n if m is None else m
        z = self.scalar(0)
        return Mat(self, self.from_entries([[z] * m for _ in range(n)], n, m))

    def sparse(self, n: int, entries: dict[tuple[int, int], Scalar]) -> Mat:
        """The ``n x n`` matrix with the given entries and zeros elsewhere."""
        z = self.scalar(0)
        rows = [[z] * n for _ in range(n)]
        for (i, j), x in entries.items():
            rows[i][j] = x
        return Mat(self, self.from_entries(rows, n, n))

    def eye(self, n: int) -> Mat:
        return self.diag([self.scalar(1)] * n)

    def diag(self, values: Sequence[Scalar]) -> Mat:
        values = list(values)
        n = len(values)
        z = self.scalar(0)
        rows = [[values[i] if i == j else z for j in range(n)] for i in range(n)]
        return Mat(self, self.from_entries(rows, n, n))

    def blocks(self, a11: Mat, a12: Mat, a21: Mat, a22: Mat) -> Mat:
        return Mat(self, self.join(a11.v, a12.v, a21.v, a22.v))

    def vstack(self, top: Any, bottom: Any) -> Any:
        """``[[top], [bottom]]``."""
        n1, m = self.shape(top)
        n2, _ = self.shape(bottom)
        return self.from_entries(self.entries(top) + self.entries(bottom), n1 + n2, m)

    def diagonal(self, v: Any) -> list[Scalar]:
        rows = self.entries(v)
        return [rows[i][i] for i in range(min(len(rows), len(rows[0]) if rows else 0))]

    def scale_columns(self, v: Any, s: list[Scalar]) -> Any:
        rows = self.entries(v)
        n, m = self.shape(v)
        return self.from_entries([[r[j] * s[j] for j in range(m)] for r in rows], n, m)

    def scale_rows(self, v: Any, s: list[Scalar]) -> Any:
        rows = self.entries(v)
        n, m = self.shape(v)
        return self.from_entries([[x * s[i] for x in r] for i, r in enumerate(rows)], n, m)

    def map_entries(self, v: Any, f: Any) -> Any:
        """Apply ``f(i, j, entry)`` to every entry."""
        rows = self.entries(v)
        n, m = self.shape(v)
        return self.from_entries([[f(i, j, x) for j, x in enumerate(r)] for i, r in enumerate(rows)], n, m)

    def divide_by_differences(self, r: Any, lam1: Sequence[Scalar], lam2: Sequence[Scalar]) -> Any:
        """The matrix ``Y`` with ``Y[i, j] = -r[i, j] / (lam1[i] - lam2[j])`` (a Sylvester solve
        for diagonal coefficients). An exactly zero ``r[i, j]`` gives ``0`` (the equation
        ``(lam1_i - lam2_j) Y_ij = 0`` then holds for ``Y_ij = 0`` even if ``lam1_i = lam2_j``: this is
        what decouples block-diagonal problems)."""
        return self.map_entries(r, lambda i, j, x: x * 0 if x == 0 else -x / (lam1[i] - lam2[j]))

    def real_eigenbasis(self, W: Any) -> Any:
        """``(K, B)`` with ``W K = K B``, ``K`` real and well conditioned, ``B`` real block diagonal
        (1x1 and 2x2 blocks), or ``None`` when ``W`` has no well-conditioned one; exact and mp
        arithmetic have no such primitive (:class:`~verify.errors.Unsupported`)."""
        raise Unsupported(f"{self.name} arithmetic has no real eigenbasis primitive")

    def cos_sin(self, angle: Any) -> tuple[Scalar, Scalar]:
        """``(cos angle, sin angle)`` in this arithmetic (inexact arithmetics only: an exact rational
        arithmetic has no cosines, :class:`~verify.errors.Unsupported`, rather than a silent float)."""
        raise Unsupported(f"{self.name} arithmetic has no cosines")

    def svd(self, v: Any) -> tuple[Any, list[Scalar], Any]:
        """``(U, s, Vt)`` with ``v = U diag(s) Vt``, ``U, Vt`` orthogonal and ``s`` descending
        (inexact arithmetics only)."""
        raise Unsupported(f"{self.name} arithmetic has no singular value decomposition")

    def svd_conditioned(self, v: Any) -> tuple[Any, list[Scalar], Any]:
        r""":meth:`svd` of a ``v`` whose singular values are known to lie in a narrow band (the
        stable construction's pivot blocks, ``[1, \sqrt 2]``); an arithmetic may use a cheaper route
        there (float64: the Gram matrix's ``eigh``). The default is :meth:`svd`."""
        return self.svd(v)

    def qr(self, v: Any) -> tuple[Any, Any]:
        """``(Q, R)`` with ``v = Q R``, ``Q`` orthogonal and ``R`` upper triangular (Householder; inexact
        arithmetics only)."""
        raise Unsupported(f"{self.name} arithmetic has no QR decomposition")

    def rotation_form(self, v: Any) -> tuple[Any, list[Scalar]]:
        r"""For an orthogonal ``v`` with ``\det v = 1``: ``(V, angles)`` with ``V`` orthogonal and
        ``v = V \operatorname{blkdiag}(R(\alpha_1), \dots, R(\alpha_m), I) V^T``, ``R(\alpha)`` the
        plane rotation by ``\alpha`` and ``I`` of size ``d - 2m \le 1`` (the real Schur form of an
        orthogonal matrix; eigenvalues ``-1`` are paired into rotations by ``\pi``)."""
        raise Unsupported(f"{self.name} arithmetic has no real Schur form")

    def distinct(self, values: Sequence[Scalar]) -> bool:
        """Whether the values are pairwise distinct (to working precision when inexact)."""
        vals = list(values)
        for i in range(len(vals)):
            for j in range(i):
                if self.is_negligible(vals[i] - vals[j], max(abs(vals[i]), abs(vals[j]))):
                    return False
        return True

    def random_integer_matrix(self, rng: Any, n: int, lo: int = -2, hi: int = 2) -> Mat:
        """A matrix with entries drawn uniformly from ``lo..hi`` (numpy Generator ``rng``)."""
        vals = rng.integers(lo, hi + 1, size=(n, n))
        return self.from_fractions([[int(x) for x in r] for r in vals])

    # -- output ---------------------------------------------------------------------------
    @abstractmethod
    def to_str(self, s: Scalar) -> str:
        """Exact: ``"p/q"`` or an integer; inexact: a decimal string that round-trips."""

    @abstractmethod
    def to_float(self, s: Scalar) -> float: ...

    def to_numpy(self, v: Any) -> Any:
        """The matrix as a numpy float64 array (rounded when the arithmetic is finer)."""
        import numpy as np

        n, m = self.shape(v)
        return np.array([[self.to_float(x) for x in r] for r in self.entries(v)], dtype=float).reshape(n, m)

    def to_strings(self, m: Mat) -> list[list[str]]:
        return [[self.to_str(x) for x in r] for r in m.rows()]

    #: unit roundoff of the arithmetic (0 when exact)
    unit_roundoff: float = 0.0

    def root(self, s: Scalar, n: int) -> Scalar:
        """The positive real ``n``-th root of ``s > 0`` (inexact arithmetics; exact rationals have none
        in general: :class:`~verify.errors.Unsupported`)."""
        raise Unsupported(f"{self.name} arithmetic has no n-th roots")
