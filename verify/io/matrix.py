r"""The input matrix, validated once at the boundary: :class:`MatrixInput`.

Every public entry point (``decompose``, ``depth``, ``certify``, the checkers, the CLI) accepts
either raw data or a :class:`MatrixInput` and calls :func:`as_matrix` once; everything below it
receives the :class:`MatrixInput` and reads its cached views instead of converting ``T`` again:

* ``rows`` -- the exact entries, ``list[list[Fraction]]`` (a float is taken as the exact binary
  value it stores, a decimal string such as ``"0.1"`` as the decimal ``1/10``);
* ``array`` -- a float64 view (rounded to nearest; exact when ``float_exact``);
* ``n = 2d``, ``d``; ``det`` (exact, a ``Fraction``) and ``det_sign``; ``inverse`` (exact rows);
* ``source`` -- where it came from (``"python"``, ``"json"``, ``"csv"``, ``"txt"``, ``"mtx"``,
  ``"npy"``, ``"stdin"``) and ``binary_float`` -- whether its entries were binary floats.

Each view is computed on first use and kept, so a large float array used only in float
arithmetic never pays for its exact rows, and an exact pipeline computes ``det T`` and
``T^{-1}`` (python-flint ``fmpq_mat``) once.
"""
from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import MatrixShapeError, MatrixValueError
from .entries import to_fraction


def _check_square_even(n: int, m: int) -> None:
    if n != m:
        raise MatrixShapeError(f"the matrix is not square: {n} x {m}")
    if n % 2:
        raise MatrixShapeError(f"the size must be even (2d x 2d); got {n} x {n}")


def as_fraction_rows(data: Any) -> list[list[Fraction]]:
    """Validate the shape (non-empty, rectangular, square, even size) and convert every entry.

    ``data`` is a nested sequence, anything with ``tolist()`` (numpy arrays, sympy matrices), or a
    :class:`MatrixInput` (whose rows are returned as they are).
    """
    if isinstance(data, MatrixInput):
        return data.rows
    if hasattr(data, "tolist") and not isinstance(data, (list, tuple)):
        data = data.tolist()
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise MatrixShapeError("the matrix must be a list of rows")
    rows = list(data)
    if not rows:
        raise MatrixShapeError("the matrix is empty")
    for i, r in enumerate(rows):
        if isinstance(r, (str, bytes)) or not isinstance(r, Sequence):
            raise MatrixShapeError(f"row {i + 1} is not a list of entries")
    widths = {len(r) for r in rows}
    if widths == {0}:
        raise MatrixShapeError("the matrix is empty")
    if len(widths) > 1:
        raise MatrixShapeError(f"ragged rows: row lengths {sorted(widths)}")
    _check_square_even(len(rows), widths.pop())
    return [[to_fraction(x, f"row {i + 1}, column {j + 1}") for j, x in enumerate(r)] for i, r in enumerate(rows)]


class MatrixInput:
    r"""A validated ``2d x 2d`` real matrix ``T`` (module docstring). Build it with :func:`as_matrix`.

    The views are read-only by contract: ``rows`` and ``array`` are shared by every consumer.
    """

    def __init__(self, *, rows: Optional[list[list[Fraction]]] = None, array: Optional[np.ndarray] = None,
                 source: str = "python", binary_float: bool = False) -> None:
        if rows is None and array is None:
            raise ValueError("MatrixInput needs rows or an array")
        if rows is not None:
            self.__dict__["rows"] = rows
        if array is not None:
            self._raw_array = array
        self.n = len(rows) if rows is not None else int(array.shape[0])  # type: ignore[union-attr]
        self.d = self.n // 2
        self.source = source
        self.binary_float = binary_float

    @property
    def shape(self) -> tuple[int, int]:
        return self.n, self.n

    @property
    def has_array(self) -> bool:
        """Whether ``T`` arrived as a numeric array (then ``array`` is the input itself, not a rounding)."""
        return hasattr(self, "_raw_array")

    @cached_property
    def rows(self) -> list[list[Fraction]]:
        """The exact entries (a float array's entries are the binary values it stores)."""
        return [[Fraction(x) for x in r] for r in self._raw_array.tolist()]

    @cached_property
    def array(self) -> np.ndarray:
        """``T`` in float64 (each exact entry rounded to nearest)."""
        if self.has_array:
            return np.asarray(self._raw_array, dtype=np.float64)
        return np.array([[float(x) for x in r] for r in self.rows], dtype=np.float64)

    @cached_property
    def float_exact(self) -> bool:
        """Whether every entry is exactly a float64 (so ``array`` *is* ``T``)."""
        if self.has_array:
            a = self._raw_array
            if a.dtype.kind == "f" or bool(np.all(np.abs(a) <= 2**53)):
                return True
            return all(int(float(x)) == x for x in a.ravel().tolist())
        return all(Fraction(float(q)) == q for r in self.rows for q in r)

    @cached_property
    def flint(self) -> Any:
        """``T`` as a python-flint ``fmpq_mat`` (exact)."""
        import flint

        return flint.fmpq_mat(self.n, self.n, [flint.fmpq(q.numerator, q.denominator) for r in self.rows for q in r])

    @cached_property
    def det(self) -> Fraction:
        r"""``\det T``, exactly."""
        v = self.flint.det()
        return Fraction(int(v.p), int(v.q))

    @property
    def det_sign(self) -> int:
        return (self.det > 0) - (self.det < 0)

    @cached_property
    def inverse(self) -> list[list[Fraction]]:
        """``T^{-1}`` exactly (``ZeroDivisionError`` if ``T`` is singular; check ``det`` first)."""
        inv = self.flint.inv()
        return [[Fraction(int(inv[i, j].p), int(inv[i, j].q)) for j in range(self.n)] for i in range(self.n)]

    def __repr__(self) -> str:
        return f"MatrixInput({self.n}x{self.n}, d={self.d}, source={self.source!r}, binary_float={self.binary_float})"


def _from_array(a: np.ndarray, source: str) -> MatrixInput:
    if a.ndim != 2 or a.size == 0:
        raise MatrixShapeError("the matrix is empty" if a.size == 0 else f"expected a 2-D array, got {a.ndim}-D")
    _check_square_even(*a.shape)
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise MatrixValueError("the matrix has NaN or infinite entries")
    return MatrixInput(array=a, source=source, binary_float=a.dtype.kind == "f")


def as_matrix(data: Any, source: str = "python") -> MatrixInput:
    """Validate ``data`` once and wrap it (a :class:`MatrixInput` is returned unchanged).

    ``data``: a nested sequence of entries (ints, floats, ``Fraction``, numpy scalars, sympy
    rationals, strings such as ``"-3/7"`` or ``"0.125"``) or a real numeric numpy array.
    Raises :class:`~verify.errors.InputError` (a ``ValueError``): empty, ragged, not square, odd
    size, non-numeric, NaN or infinite entries.
    """
    if isinstance(data, MatrixInput):
        return data
    if isinstance(data, np.ndarray) and type(data).__name__ == "MaskedArray":  # np.ma itself costs an import
        raise MatrixValueError("a masked array has no value at its masked entries; pass the filled array "
                               "(numpy.ma.filled) or a plain array")
    if isinstance(data, np.ndarray) and data.dtype.kind in "iuf":
        if data.dtype.kind == "f" and data.dtype.itemsize > 8:  # longdouble: wider than float64, read exactly
            _from_array(data, source)  # shape and finiteness
            return MatrixInput(rows=as_fraction_rows(data.tolist()), source=source, binary_float=True)
        return _from_array(data, source)
    rows = as_fraction_rows(data)
    raw = data.tolist() if hasattr(data, "tolist") and not isinstance(data, (list, tuple)) else data
    binary = any(isinstance(x, (float, np.floating)) or type(x).__name__ == "mpf" for r in raw for x in r)
    return MatrixInput(rows=rows, source=source, binary_float=binary)
