"""Remark 3, sharpened: every symmetric positive definite ``\\Sigma`` is ``T T^T`` for a *single*
pair ``T = L(A, b) U(c, D)`` (``proofs/remark3.md``), so a linear coupling flow with one pair can
represent any nondegenerate Gaussian exactly."""
from .square_root import NotSPDError, SquareRoot, single_pair_square_root

__all__ = ["single_pair_square_root", "SquareRoot", "NotSPDError"]
