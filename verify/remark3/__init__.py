"""Remark 3, sharpened: every symmetric positive definite ``\\Sigma`` is ``T T^T`` for a *single*
pair ``T = L(A, b) U(c, D)`` (``proofs/remark3.md``), so a linear coupling flow with one pair can
represent any nondegenerate Gaussian exactly."""
from .square_root import NotSPDError, SquareRoot, single_pair_square_root
from .training import fit_adam, fit_lbfgs, gaussian_kl, linear_coupling_flow, model_covariance

__all__ = ["single_pair_square_root", "SquareRoot", "NotSPDError", "gaussian_kl", "linear_coupling_flow",
           "model_covariance", "fit_lbfgs", "fit_adam"]
