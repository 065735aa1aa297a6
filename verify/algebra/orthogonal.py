r"""Orthogonal matrices: the polar factor and every rotation as a commutator.

* :func:`polar` -- the orthogonal factor ``U V^T`` of ``G = U \Sigma V^T``; :func:`column_polar` the
  same for a ``G`` with orthogonal columns, by a QR (:func:`column_polar_norms` with their norms).
* :func:`commutator` -- for ``O \in SO(d)``, orthogonal ``N, \Omega`` with
  ``O = N^T \Omega N \Omega^T``. From the real Schur form ``O = V \operatorname{blkdiag}(R(\alpha_1),
  \dots, R(\alpha_m), I) V^T``: take ``\Omega' = \operatorname{blkdiag}(R(\beta_1), \dots, R(\beta_m), I)``
  and ``N'`` the map sending plane ``j`` to plane ``j + 1`` and the last plane back to the first
  through the reflection ``F = \operatorname{diag}(1, -1)``. Plane rotations commute and
  ``F R(\beta) F = R(-\beta)``, so ``N'^T \Omega' N' \Omega'^T`` is block diagonal with blocks
  ``R(\beta_{j+1} - \beta_j)`` (``j < m``) and ``R(-\beta_1 - \beta_m)``; with
  ``\beta_1 = -\tfrac12 \sum_j \alpha_j`` and ``\beta_{j+1} = \beta_j + \alpha_j`` these are the
  ``R(\alpha_j)``. Conjugating by ``V`` gives ``N = V N' V^T``, ``\Omega = V \Omega' V^T``
  (``proofs/theorem2_stable.md``, Lemma 3).

Both need the arithmetic's :meth:`~verify.algebra.arith.Arithmetic.svd` and
:meth:`~verify.algebra.arith.Arithmetic.rotation_form` (float and mp).
"""
from __future__ import annotations

from .arith.base import Arithmetic, Mat


def polar(ar: Arithmetic, G: Mat) -> Mat:
    r"""The orthogonal polar factor ``U V^T`` of ``G = U \operatorname{diag}(s) V^T`` (any completion
    where ``G`` is singular)."""
    U, _, Vt = ar.svd(G.v)
    return ar.mat(U) @ ar.mat(Vt)


def column_polar(ar: Arithmetic, G: Mat) -> Mat:
    r"""The orthogonal polar factor of a ``G = B \operatorname{diag}(s)`` whose columns are orthogonal
    with norms ``s`` ascending (in exact arithmetic), by one QR instead of an SVD: the QR of the
    columns in reversed order (largest first), its ``R`` given a nonnegative diagonal, columns put back.
    On a column of nonzero norm this is the column normalised, which is what the polar factor
    ``B`` is there; elsewhere it is a completion, as in :func:`polar`. Rounding leaves ``R``
    triangular with off-diagonal entries of about ``u / s_i`` (``i`` the earlier column) and at
    most ``s_j``."""
    return column_polar_norms(ar, G)[0]


def column_polar_norms(ar: Arithmetic, G: Mat) -> tuple[Mat, list]:
    r""":func:`column_polar` and the diagonal of ``B^T G`` (``R``'s, nonnegative, in ``G``'s column
    order): the computed column norms ``s``, and exactly the diagonal that ``B^T G`` has."""
    d = G.shape[1]
    one = ar.scalar(1)
    J = ar.sparse(d, {(d - 1 - i, i): one for i in range(d)})  # exact: each entry one product by 1
    Q, R = ar.qr((G @ J).v)
    diagonal = ar.diagonal(R)
    signs = [-one if r < 0 else one for r in diagonal]
    return ar.mat(Q).scale_columns(signs) @ J, [abs(r) for r in reversed(diagonal)]


def _rotation(ar: Arithmetic, angle: float) -> list[list]:
    c, s = ar.cos_sin(angle)
    return [[c, -s], [s, c]]


def commutator(ar: Arithmetic, O: Mat) -> tuple[Mat, Mat]:
    r"""Orthogonal ``(N, \Omega)`` with ``O = N^T \Omega N \Omega^T`` for ``O \in SO(d)`` (module
    docstring). ``d = 1`` gives ``N = \Omega = I``."""
    d = O.shape[0]
    if d == 1:
        return ar.eye(1), ar.eye(1)
    V, alpha = ar.rotation_form(O.v)
    m = len(alpha)
    beta = [-sum(alpha) / 2]
    for a in alpha[:-1]:
        beta.append(beta[-1] + a)
    one = ar.scalar(1)
    W = {(i, i): one for i in range(2 * m, d)}
    N = {}
    for j in range(m):
        R = _rotation(ar, beta[j])
        k = (j + 1) % m
        for a in range(2):
            for b in range(2):
                W[2 * j + a, 2 * j + b] = R[a][b]
        N[2 * k, 2 * j] = one  # plane j -> plane j + 1; the last one back through diag(1, -1)
        N[2 * k + 1, 2 * j + 1] = one if j < m - 1 else -one
    if d > 2 * m:
        N[d - 1, d - 1] = one
    Vm = ar.mat(V)
    return Vm @ ar.sparse(d, N) @ Vm.T, Vm @ ar.sparse(d, W) @ Vm.T
