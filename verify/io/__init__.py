"""Input and output at the boundary: matrix entries, the validated :class:`MatrixInput`, and
files (matrices and JSON objects). The lowest layer above :mod:`verify.errors`: it knows nothing
of the constructions. Names are imported on first use (:mod:`verify.lazy`): numpy only when needed."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(__name__, {
    "to_fraction": ".entries", "unlimited_int_digits": ".entries", "FORMATS": ".files", "read_json": ".files",
    "read_matrix": ".files", "MatrixInput": ".matrix", "as_fraction_rows": ".matrix", "as_matrix": ".matrix",
    "read_decomposition": ".npz"})

if TYPE_CHECKING:
    from .entries import to_fraction, unlimited_int_digits
    from .files import FORMATS, read_json, read_matrix
    from .matrix import MatrixInput, as_fraction_rows, as_matrix
    from .npz import read_decomposition

__all__ = ["MatrixInput", "as_matrix", "as_fraction_rows", "to_fraction", "unlimited_int_digits", "read_matrix",
           "read_json", "read_decomposition", "FORMATS"]
