r"""Triangular tools used by the Theorem 2 construction, written with matrix-level operations
only (so one code path serves every arithmetic, and float64 runs at BLAS speed).

* :func:`ldu` -- ``W = L_0 \operatorname{diag}(g) U_0`` without pivoting, by recursive block
  elimination; ``None`` when a leading principal minor vanishes.
* :func:`upper_eigenvectors` / :func:`lower_eigenvectors` -- for a triangular matrix with
  pairwise distinct diagonal, the unit triangular matrix of eigenvectors, by the recursive
  block Sylvester solve ``\Lambda_1 Y - Y \Lambda_2 = -V_1^{-1} U_{12} V_2``.
"""
from __future__ import annotations

from typing import Optional

from .arith.base import Arithmetic, Mat, Scalar


def ldu(ar: Arithmetic, W: Mat) -> Optional[tuple[Mat, list[Scalar], Mat]]:
    r"""``(L_0, g, U_0)`` with ``W = L_0 \operatorname{diag}(g) U_0``, ``L_0`` unit lower and ``U_0``
    unit upper triangular; ``None`` if some pivot ``g_i`` is zero (negligible when inexact).

    ``g_1 \cdots g_i`` is the ``i``-th leading principal minor of ``W``.
    """
    scale = float(abs(ar.to_numpy(W.v)).max()) if not ar.exact else 1.0
    return _ldu(ar, W, scale)


def _ldu(ar: Arithmetic, W: Mat, scale: float) -> Optional[tuple[Mat, list[Scalar], Mat]]:
    n = W.shape[0]
    if n == 1:
        g = W.rows()[0][0]
        if g == 0 or ar.is_negligible(g, scale):
            return None
        one = ar.eye(1)
        return one, [g], one
    n1 = n // 2
    W11, W12, W21, W22 = W[:n1, :n1], W[:n1, n1:], W[n1:, :n1], W[n1:, n1:]
    first = _ldu(ar, W11, scale)
    if first is None:
        return None
    L1, g1, U1 = first
    one = ar.scalar(1)
    ginv = [one / x for x in g1]
    L21 = (W21 @ triangular_inverse(ar, U1, upper=True)).scale_columns(ginv)
    U12 = (triangular_inverse(ar, L1, upper=False) @ W12).scale_rows(ginv)
    S = W22 - (L21.scale_columns(g1) @ U12)
    second = _ldu(ar, S, scale)
    if second is None:
        return None
    L2, g2, U2 = second
    L = ar.blocks(L1, ar.zeros(n1, n - n1), L21, L2)
    U = ar.blocks(U1, U12, ar.zeros(n - n1, n1), U2)
    return L, g1 + g2, U


def upper_eigenvectors(ar: Arithmetic, U: Mat) -> Mat:
    r"""Unit upper triangular ``V`` with ``U V = V \operatorname{diag}(U)``, for upper triangular
    ``U`` with pairwise distinct diagonal entries.

    Recursion: with ``U = [[U_{11}, U_{12}], [0, U_{22}]]`` and ``V_i`` the eigenvectors of
    ``U_{ii}``, ``V = [[V_1, V_1 Y], [0, V_2]]`` where ``(\lambda_{1,i} - \lambda_{2,j}) Y_{ij} =
    -(V_1^{-1} U_{12} V_2)_{ij}``.
    """
    n = U.shape[0]
    if n == 1:
        return ar.eye(1)
    n1 = n // 2
    U11, U12, U22 = U[:n1, :n1], U[:n1, n1:], U[n1:, n1:]
    V1 = upper_eigenvectors(ar, U11)
    V2 = upper_eigenvectors(ar, U22)
    R = triangular_inverse(ar, V1, upper=True) @ U12 @ V2
    Y = ar.mat(ar.divide_by_differences(R.v, U11.diagonal(), U22.diagonal()))
    return ar.blocks(V1, V1 @ Y, ar.zeros(n - n1, n1), V2)


def lower_eigenvectors(ar: Arithmetic, Lw: Mat) -> Mat:
    r"""Unit lower triangular ``V`` with ``L V = V \operatorname{diag}(L)``: from ``L^T = V_u \Lambda
    V_u^{-1}`` it follows that ``V = V_u^{-T}``."""
    return triangular_inverse(ar, upper_eigenvectors(ar, Lw.T), upper=True).T


def triangular_inverse(ar: Arithmetic, M: Mat, upper: bool = True) -> Mat:
    r"""Inverse of a triangular matrix by block recursion, products only:
    ``[[A, B], [0, C]]^{-1} = [[A^{-1}, -A^{-1} B C^{-1}], [0, C^{-1}]]`` (lower: transposed)."""
    if not upper:
        return triangular_inverse(ar, M.T, upper=True).T
    n = M.shape[0]
    if n == 1:
        return ar.matrix([[ar.scalar(1) / M.rows()[0][0]]])
    n1 = n // 2
    Ai = triangular_inverse(ar, M[:n1, :n1])
    Ci = triangular_inverse(ar, M[n1:, n1:])
    return ar.blocks(Ai, -(Ai @ M[:n1, n1:] @ Ci), ar.zeros(n - n1, n1), Ci)
