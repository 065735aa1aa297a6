"""Input and output at the boundary: matrix entries, the validated :class:`MatrixInput`, and
files (matrices and JSON objects). The lowest layer above :mod:`verify.errors`: it knows nothing
of the constructions."""
from __future__ import annotations

from .entries import to_fraction, unlimited_int_digits
from .files import FORMATS, read_json, read_matrix
from .matrix import MatrixInput, as_fraction_rows, as_matrix

__all__ = ["MatrixInput", "as_matrix", "as_fraction_rows", "to_fraction", "unlimited_int_digits", "read_matrix",
           "read_json", "FORMATS"]
