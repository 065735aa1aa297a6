r"""The constructive Theorem 2: every ``T`` with ``det T > 0`` is a product of ``k = 3`` pairs.

Koehler, Mehta and Risteski (Theorem 2) prove ``k <= 24`` for ``d >= 4``. The construction
here gives ``k = 3`` for every ``d >= 1``, which is tight (their Theorem 3 shows ``k <= 2`` fails
for some ``T``). The proof is written out in ``proofs/theorem2.md``; in brief:

1. ``\Delta = \operatorname{diag}(c, b) > 0`` with ``\det\Delta = \det T``;
   ``\tilde T = T\Delta^{-1} \in SL(2d)``.
2. Choose ``y`` with ``B = \tilde T_{12} - \tilde T_{11} y`` invertible (possible for every
   invertible ``T``: ``[T_{11}\ T_{12}]`` has full row rank) and set ``T' = \tilde T F(-y)``
   with blocks ``[[A', B], [C', D']]``.
3. ``W = -(S B)^{-1}`` with ``S = C' - D' B^{-1} A'``; ``\det W = 1``. Find ``P, H`` with
   ``W P = H^{-1} P H`` (Lemma C: ``W`` is a commutator), through ``Q^{-1} W Q = L_0
   \operatorname{diag}(g) U_0``, ``P = U_0^{-1}\operatorname{diag}(h)``, ``h_{i+1} = g_i h_i``.
4. ``x = (D' - P) B^{-1}``, ``G = H B^{-1}``, ``Y = (P - I) G``, ``Z = G^{-1}``,
   ``u = B P^{-1}``, ``v = P^{-1}(C' - x A')``. Then

   .. math:: T = E(x)\,F(u - Z P^{-1})\,E(Y)\,F(Z)\,E(v - P^{-1} Y)\,F(y)\,\Delta.

Float mode takes ``Q`` = a real eigenbasis of ``W`` (block-diagonal ``W_Q``) and a cycle chosen
for conditioning. Exact mode first takes the spectral route (:func:`spectral_commutator`,
``proofs/theorem2.md``, Step 4''): ``P = \operatorname{diag}(1..d) + r e_d^T`` with ``r`` solving one
linear system, ``H`` from ``W P``'s left eigenvectors, entries of ``O(d^2 (b + \log d))`` bits, proved;
where that system is singular, ``Q = I + u e_d^T`` making the leading minors of ``W_Q`` equal
``2, ..., d`` (:func:`minor_basis`, Step 4'), and ``Q = I`` where that basis does not exist either.
The free choices (``\Delta``, ``y``, ``Q``) start at the simplest values and are re-drawn from
a seeded generator whenever a nondegeneracy condition fails (``B`` singular, a zero pivot, or
repeated ``h``); every returned word is checked by the caller by multiplying it back.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional, Sequence, Union

import numpy as np

from ..algebra.arith.base import Arithmetic, Mat, Scalar
from ..algebra.layers import Pair, pairs_from_factors, split
from ..algebra.structured import ScaledPlusRankOne, dense
from ..algebra.triangular import ldu, triangular_inverse, upper_eigenvectors
from ..errors import ConstructionError, Unsupported
from ..vocabulary import Regime

Factored = Union[Mat, ScaledPlusRankOne]


@dataclass
class Word:
    r"""``T = E(X_1) F(Y_1) \cdots E(X_k) F(Y_k) \operatorname{diag}(c, b)``."""

    factors: list[tuple[str, Mat]]
    c: list[Scalar]
    b: list[Scalar]
    #: which attempt of :func:`three_pairs` produced it (0: the default choices)
    attempt: int = 0
    #: how Lemma C chose ``P``'s eigenvalues: ``"prescribed"`` (``1, 2, ..., d``, through
    #: :func:`minor_basis`) or ``"pivots"`` (the leading minors of ``Q^{-1} W Q``)
    route: str = "pivots"

    def pairs(self, ar: Arithmetic) -> list[Pair]:
        return pairs_from_factors(ar, self.factors, self.c, self.b)


# -- k = 1 ------------------------------------------------------------------------------------
def off_diagonal(ar: Arithmetic, M: Mat) -> Optional[tuple[int, int]]:
    """The first off-diagonal entry of ``M`` that is nonzero (exactly, or to working precision when
    inexact), or ``None`` when ``M`` is diagonal."""
    if ar.exact:
        rows = M.rows()
        return next(((i, j) for i, r in enumerate(rows) for j, x in enumerate(r) if i != j and x != 0), None)
    a = np.abs(ar.to_numpy(M.v))
    off = a - np.diag(np.diag(a))
    big = np.argwhere(off > 64 * ar.unit_roundoff * max(a.max(initial=0.0), 1e-300))
    return None if len(big) == 0 else (int(big[0][0]), int(big[0][1]))


def is_diagonal(ar: Arithmetic, M: Mat) -> bool:
    return off_diagonal(ar, M) is None


def one_pair_test(ar: Arithmetic, T: Mat, regime: "Regime | str" = Regime.POSITIVE) -> tuple[Optional[list[Pair]], str]:
    r"""The ``k = 1`` criterion (exact in exact arithmetic): ``(pairs or None, reason)``.

    ``T = L(A,b)U(c,D) = [[\operatorname{diag} c, D], [A \operatorname{diag} c, A D + \operatorname{diag} b]]``,
    so ``k = 1`` iff ``T_{11}`` is diagonal with admissible diagonal (positive, or nonzero in the
    signed regime) and the Schur complement ``\Sigma = T_{22} - T_{21}T_{11}^{-1}T_{12}`` is diagonal
    with admissible diagonal; then ``c = \operatorname{diag} T_{11}``, ``D = T_{12}``,
    ``A = T_{21}T_{11}^{-1}``, ``b = \operatorname{diag}\Sigma``.
    """
    regime = Regime(regime)
    T11, T12, T21, T22 = split(T)
    off = off_diagonal(ar, T11)
    if off is not None:
        return None, f"T11 is not diagonal (entry {off[0] + 1},{off[1] + 1} is nonzero)"
    c = T11.diagonal()
    if not all(regime.admits(x) for x in c):
        return None, f"a diagonal entry of T11 is not {regime.scales}"
    one = ar.scalar(1)
    A = T21.scale_columns([one / x for x in c])
    Sigma = T22 - A @ T12
    if off_diagonal(ar, Sigma) is not None:
        return None, "the Schur complement T/T11 is not diagonal"
    if not all(regime.admits(x) for x in Sigma.diagonal()):
        return None, f"a diagonal entry of T/T11 is not {regime.scales}"
    return [Pair(A, tuple(Sigma.diagonal()), tuple(c), T12)], "T11 and T/T11 are diagonal"


def one_pair(ar: Arithmetic, T: Mat) -> Optional[list[Pair]]:
    """The ``k = 1`` decomposition if it exists (positive regime), else ``None``: :func:`one_pair_test`."""
    return one_pair_test(ar, T)[0]


# -- k = 3 ------------------------------------------------------------------------------------
def _cycle_order(ar: Arithmetic, g: Sequence[Scalar], WQ: Mat, rng: Optional[np.random.Generator]) -> list[int]:
    """The visiting order of the cycle ``sigma`` (``h_{sigma(i)} = g_i h_i``). Exact arithmetic: the
    natural order. Inexact: among a few random cycles, prefer one in which the two ``h`` of every
    2x2 diagonal block of ``W_Q`` differ by a factor (their eigenvector conditioning), then the
    smallest spread ``max |log |h_i||`` (the conditioning of ``P``)."""
    d = len(g)
    natural = list(range(d))
    if ar.exact or rng is None or d < 3:
        return natural
    lg = np.log(np.abs([ar.to_float(x) for x in g]))
    sub = np.abs(np.diag(ar.to_numpy(WQ.v), -1)) if d > 1 else np.zeros(0)
    blocks = [i for i in range(d - 1) if sub[i] != 0]

    def key(order: list[int]) -> tuple[float, float]:
        logh = np.zeros(d)
        for a, b in zip(order, order[1:]):
            logh[b] = logh[a] + lg[a]
        sep = min([abs(logh[i] - logh[i + 1]) for i in blocks] + [1.0])
        return (min(sep, 0.7), -float(np.abs(logh).max()))

    candidates = [natural] + [[0] + [int(x) + 1 for x in rng.permutation(d - 1)] for _ in range(24)]
    return max(candidates, key=key)


def commutator(ar: Arithmetic, W: Mat, Q: Mat, WQ: Optional[Mat] = None,
               rng: Optional[np.random.Generator] = None) -> Optional[tuple[Mat, Mat, Mat, Mat]]:
    r"""``(P, P^{-1}, H, H^{-1})`` with ``W P = H^{-1} P H``, for ``\det W = 1`` (Lemma C).

    With ``W_Q = Q^{-1} W Q = L_0 \operatorname{diag}(g) U_0`` and ``h_{\sigma(i)} = g_i h_i`` along a
    ``d``-cycle ``\sigma`` (``h = 1`` at its start; consistent because ``\prod g = \det W = 1``):
    ``P_Q = U_0^{-1}\operatorname{diag}(h)`` is upper triangular with diagonal ``h`` and
    ``W_Q P_Q = L_0 \operatorname{diag}(g h)`` is lower triangular with diagonal ``h \circ \sigma``.
    When both are diagonalisable by unit triangular ``V_p, V_w`` (e.g. distinct ``h_i``),
    ``H_Q = V_p \Pi_\sigma V_w^{-1}`` with ``\Pi_\sigma e_i = e_{\sigma(i)}``. The inverses come from
    the factors (``P_Q^{-1} = \operatorname{diag}(h)^{-1} U_0``, ``V_w^{-1} = V_u^T`` for the
    eigenvectors ``V_u`` of ``(W_Q P_Q)^T``), never from inverting ``P`` or ``H``.

    ``WQ`` may be given when ``Q^{-1} W Q`` is known in closed form (float mode passes the
    block-diagonal real eigenform, so ``V_p, V_w`` are block diagonal). Returns ``None`` if a
    pivot vanishes or the ``h_i`` repeat (within a 2x2 block, when ``WQ`` is block diagonal).
    """
    d = W.shape[0]
    Qi = Q.inv()
    if WQ is None:
        WQ = Qi @ W @ Q
    fact = ldu(ar, WQ)
    if fact is None:
        return None
    L0, g, U0 = fact
    order = _cycle_order(ar, g, WQ, rng)
    h: list[Scalar] = [ar.scalar(0)] * d
    h[order[0]] = ar.scalar(1)
    for a, b in zip(order, order[1:]):
        h[b] = g[a] * h[a]
    sigma = [0] * d
    for a, b in zip(order, order[1:] + order[:1]):
        sigma[a] = b
    if not all(not ar.is_negligible(h[i] - h[j], max(abs(h[i]), abs(h[j]))) for i, j in _coupled(ar, WQ)):
        return None
    one, zero = ar.scalar(1), ar.scalar(0)
    PQ = triangular_inverse(ar, U0, upper=True).scale_columns(h)
    PQi = U0.scale_rows([one / x for x in h])
    LW = L0.scale_columns([gi * hi for gi, hi in zip(g, h)])
    Vp = upper_eigenvectors(ar, PQ)
    Vu = upper_eigenvectors(ar, LW.T)  # V_w = V_u^{-T}, so V_w^{-1} = V_u^T
    # Pi e_i = e_{sigma(i)}:  Pi^T diag(h) Pi = diag(h o sigma) = diag(g h)
    Pi = ar.matrix([[one if i == sigma[j] else zero for j in range(d)] for i in range(d)])
    HQ = Vp @ Pi @ Vu.T
    HQi = triangular_inverse(ar, Vu, upper=True).T @ Pi.T @ triangular_inverse(ar, Vp, upper=True)
    return Q @ PQ @ Qi, Q @ PQi @ Qi, Q @ HQ @ Qi, Q @ HQi @ Qi


def _coupled(ar: Arithmetic, WQ: Mat) -> list[tuple[int, int]]:
    """The index pairs whose ``h`` must differ for the eigenvector solves: all pairs for a general
    ``W_Q``; only coupled neighbours ``(i, i+1)`` when ``W_Q`` is exactly block diagonal with 1x1
    and 2x2 blocks (float mode's real eigenform). A tridiagonal ``W_Q`` with a chain of couplings
    makes ``P_Q`` full upper triangular, so all pairs count then. Reads ``W_Q`` once."""
    a = ar.to_numpy(WQ.v) if not ar.exact else None
    rows = WQ.rows() if ar.exact else None
    n = WQ.shape[0]
    nonzero = (lambda i, j: rows[i][j] != 0) if rows is not None else (lambda i, j: a[i, j] != 0)
    if ar.exact:
        banded = all(x == 0 for i, r in enumerate(rows) for j, x in enumerate(r) if abs(i - j) > 1)
    else:
        banded = not (np.triu(a, 2).any() or np.tril(a, -2).any())
    pairs = [(i, i + 1) for i in range(n - 1) if nonzero(i + 1, i) or nonzero(i, i + 1)] if banded else []
    disjoint = all(p[1] != q[0] for p, q in zip(pairs, pairs[1:]))  # genuine 1x1/2x2 blocks, no chains
    if not banded or not disjoint:
        return [(i, j) for i in range(n) for j in range(i)]
    return pairs


def minor_basis(ar: Arithmetic, W: Mat) -> Optional[Mat]:
    r"""``Q = I + u e_d^T`` (``u_d = 0``) such that the ``k``-th leading principal minor of ``Q^{-1} W Q``
    is ``k + 1`` for ``k = 1, \dots, d-1``; ``None`` when no such ``u`` exists this way.

    Then Lemma C's eigenvalues are ``h = (1, 2, \dots, d)``: their differences are small integers, so
    the eigenvector matrices carry no product of differences of large numbers (the Vandermonde
    factor that otherwise dominates the exact layers' size; ``proofs/theorem2.md``, Step 4'). Because
    ``Q^{-1} = I - u e_d^T`` and the first ``k < d`` columns of ``Q`` are those of ``I``, the leading
    ``k x k`` block of ``Q^{-1} W Q`` is ``W_{kk} - u_{1:k} w_{1:k}^T`` (``w`` the last row of ``W``),
    whose determinant ``\det W_{kk} - w_{1:k}^T \operatorname{adj}(W_{kk})\, u_{1:k}`` is affine in
    ``u_{1:k}``: the targets are a lower triangular linear system for ``u``, solved by forward
    substitution. It needs every ``\det W_{kk} \ne 0`` (``k < d``) and nonzero diagonal coefficients
    ``\det W[\{1..k-1, d\}, \{1..k\}]``; otherwise ``None`` (the caller keeps the pivot route).
    Exact arithmetic only: ``u`` is as large as ``W``'s minors allow, which no float could hold.
    """
    d = W.shape[0]
    if d < 2 or not ar.exact:
        return None
    rows = W.rows()
    last = rows[d - 1]
    zero, one = ar.scalar(0), ar.scalar(1)
    u: list[Scalar] = [zero] * d
    for k in range(1, d):
        Wk = W[:k, :k]
        det_k = Wk.det()
        if det_k == 0:
            return None
        coeff = (ar.matrix([last[:k]]) @ Wk.inv()).rows()[0]  # w^T adj(W_kk) / det W_kk
        rest = sum((coeff[j] * u[j] for j in range(k - 1)), zero)
        if coeff[k - 1] == 0:
            return None
        # det(W_kk) (1 - coeff . u_{1:k}) = k + 1
        u[k - 1] = (one - ar.scalar(k + 1) / det_k - rest) / coeff[k - 1]
    return ar.matrix([[(one if i == j else zero) + (u[i] if j == d - 1 else zero) for j in range(d)]
                      for i in range(d)])


def spectral_eigenvalues(ar: Arithmetic, d: int) -> list[Scalar]:
    r"""The spectral route's default eigenvalues ``h = (2, 3, \dots, d, 1)``: distinct integers of size at
    most ``d`` with ``h_d = 1``. The last one matters: ``P - I = \operatorname{diag}(h - 1) + r e_d^T`` then
    has a zero last row, so ``Y = (P - I) H B^{-1} = (D - I)\operatorname{diag}(\zeta) Z B^{-1}`` does not
    carry ``r`` (measured: the layers are about half the size of those for ``h = (1, \dots, d)``)."""
    one = ar.scalar(1)
    return [ar.scalar(i + 2) for i in range(d - 1)] + [one]


def spectral_commutator(ar: Arithmetic, W: Mat, h: Optional[Sequence[Scalar]] = None
                         ) -> Optional[tuple[Factored, Factored, Factored, Factored]]:
    r"""``(P, P^{-1}, H, H^{-1})`` with ``W P = H^{-1} P H`` and ``P = \operatorname{diag}(h) + r e_d^T``
    (``r_d = 0``), for ``\det W = 1``: the *spectral route* (``proofs/theorem2.md``, Step 4'').

    ``P`` is upper triangular with the prescribed distinct eigenvalues ``h`` (default
    :func:`spectral_eigenvalues`, ``2, \dots, d, 1``).
    With ``X_k = h_k I - W\operatorname{diag}(h)`` and ``z_k^T = e_d^T X_k^{-1}``,
    ``\det(h_k I - W P) = \det X_k\,(1 - z_k^T W r)`` (the matrix determinant lemma), so ``W P`` has
    the eigenvalues ``h`` iff ``z_k^T W r = 1`` for ``k < d`` (``k = d`` follows from
    ``\det W P = \det P``): a ``(d-1) \times (d-1)`` linear system for ``r``. Then ``z_k^T`` is a left
    eigenvector of ``W P`` for ``h_k`` (for every ``k``), so the rows of ``Z = [z_k^T]_k`` diagonalise
    it: ``W P = V \operatorname{diag}(h) V^{-1}`` with ``V = Z^{-1}\operatorname{diag}(\zeta)^{-1}``,
    ``\zeta = e_d^T Z^{-1}`` (columns normalised to last entry 1). ``P``'s eigenvectors are the columns
    of ``Q = I + q e_d^T``, ``q_i = r_i/(h_d - h_i)``, hence ``H = Q V^{-1} = Q\operatorname{diag}(\zeta) Z``,
    ``H^{-1} = V Q^{-1}`` and ``P^{-1} = \operatorname{diag}(h)^{-1}(I - r e_d^T/h_d)``, all returned
    factored (:class:`~verify.algebra.structured.ScaledPlusRankOne`). No product of eigenvalue
    differences appears: every entry is a ratio of determinants of size at most ``d`` in ``W`` and ``h``
    (the bit-size bound of Step 4''). Exact arithmetic only; ``None`` when a solve is singular (some
    ``h_k`` is an eigenvalue of ``W \operatorname{diag}(h)``, or the system for ``r`` is)."""
    d = W.shape[0]
    if d < 2 or not ar.exact:
        return None
    zero, one = ar.scalar(0), ar.scalar(1)
    h = spectral_eigenvalues(ar, d) if h is None else list(h)
    Mt = W.scale_columns(h).T
    e_d = ar.sparse(d, {(d - 1, 0): one})[:, :1]
    zs: list[list[Scalar]] = []
    for hk in h:
        z = (ar.diag([hk] * d) - Mt).solve(e_d)
        if z is None:
            return None
        zs.append([row[0] for row in z.rows()])
    Z = ar.matrix(zs)
    r1 = (Z[: d - 1, :] @ W)[:, : d - 1].solve(ar.matrix([[one]] * (d - 1)))
    Zi = None if r1 is None else Z.solve(ar.eye(d))  # Z is invertible once r solves the system (Lemma S)
    if r1 is None or Zi is None:
        return None
    r = [row[0] for row in r1.rows()] + [zero]
    zeta = Zi.rows()[d - 1]
    if any(x == 0 for x in zeta):  # cannot happen: e_d^T v_k = z_k^T W r = 1 for an eigenvector v_k
        return None
    q = ar.matrix([[r[i] / (h[d - 1] - h[i])] for i in range(d - 1)] + [[zero]])
    col = ar.matrix([[x] for x in r])
    P = ScaledPlusRankOne(ar, d, None, h, None, col, v_index=d - 1)
    Pi = ScaledPlusRankOne(ar, d, None, [one / x for x in h], None,
                           ar.matrix([[-x / (hi * h[d - 1])] for x, hi in zip(r, h)]), v_index=d - 1)
    H = ScaledPlusRankOne(ar, d, Z, zeta, None, q.scale_rows([zeta[d - 1]] * d), v=Z[d - 1:, :])
    zinv = [one / x for x in zeta]
    Hi = ScaledPlusRankOne(ar, d, Zi, None, zinv, -(Zi @ q.scale_rows(zinv)), v_index=d - 1)
    return P, Pi, H, Hi


def three_pairs_word(ar: Arithmetic, T: Mat, c: Sequence[Scalar], b: Sequence[Scalar],
                     y: Mat, Q: Optional[Mat], rng: Optional[np.random.Generator] = None,
                     prescribe: bool = False) -> Optional[Word]:
    """One attempt of the ``k = 3`` construction for given free choices; ``None`` if degenerate.

    ``prescribe`` (exact arithmetic): first the spectral route (:func:`spectral_commutator` on
    ``Q^{-1} W Q``: eigenvalues ``1, ..., d``, entries with a proved bit-size bound), then ``Q`` times
    :func:`minor_basis` of ``Q^{-1} W Q`` (the prescribed route), then ``Q`` itself (the pivot route);
    the returned word's ``route`` says which was used.

    ``Q = None`` asks the arithmetic for a real eigenbasis of ``W`` (float mode), so that
    ``Q^{-1} W Q`` is block diagonal and Lemma C works block by block; the relation ``W P = H^{-1}
    P H`` then holds to the accuracy of the eigendecomposition, and the final multiplication
    (done by the caller) measures what that costs."""
    d = T.shape[0] // 2
    one = ar.scalar(1)
    Tt = T.scale_columns([one / x for x in list(c) + list(b)])
    T11, T12, T21, T22 = split(Tt)
    # T' = Tt F(-y)
    A_, B, C_, D_ = T11, T12 - T11 @ y, T21, T22 - T21 @ y
    if not ar.is_invertible(B.v):
        return None
    Bi = B.inv()
    S = C_ - D_ @ Bi @ A_
    SB = S @ B
    if not ar.is_invertible(SB.v):  # invertible in exact arithmetic; near-singular in mp/float: another choice
        return None
    W = -SB.inv()
    WQ = None
    if Q is None:
        try:
            eig = ar.real_eigenbasis(W.v)
        except Unsupported:  # exact and mp have no eigenbasis primitive: the caller passes Q there
            return None
        if eig is None:
            return None
        Q, WQ = ar.mat(eig[0]), ar.mat(eig[1])
        if not ar.is_invertible(Q.v):
            return None
    route, found = "pivots", None
    if prescribe and WQ is None:
        identity = ar.equal(Q.v, ar.eye(d).v)
        Qi = Q if identity else Q.inv()
        found = spectral_commutator(ar, W if identity else Qi @ W @ Q)
        if found is not None:
            route = "spectral"
            if not identity:
                found = tuple(Q @ dense(M) @ Qi for M in found)  # type: ignore[assignment]
    if prescribe and WQ is None and found is None:
        Qm = minor_basis(ar, Q.inv() @ W @ Q)
        if Qm is not None:
            found = commutator(ar, W, Q @ Qm, None, rng)
            route = "prescribed" if found is not None else route
    if found is None:
        found = commutator(ar, W, Q, WQ, rng)
    if found is None:
        return None
    P, Pinv, H, Hinv = found
    # the formulas of Step 3, associated so that a factored P or H (the spectral route) only ever
    # multiplies a dense matrix: x = (D' - P) B^{-1}, Y = (P - I) G, v = P^{-1} (C' - x A')
    x = D_ @ Bi - P @ Bi
    G = H @ Bi
    Z = B @ Hinv  # = G^{-1}
    Y = P @ G - G
    u = B @ Pinv
    BiA = Bi @ A_
    v = Pinv @ (C_ - D_ @ BiA + P @ BiA)
    factors = [("E", x), ("F", u - Z @ Pinv), ("E", Y), ("F", Z), ("E", v - Pinv @ Y), ("F", y)]
    return Word(factors, list(c), list(b), route=route)


def _scaling(ar: Arithmetic, T: Mat, d: int, rng: Optional[np.random.Generator]) -> tuple[list, list]:
    r"""``(c, b)`` positive with ``\prod c \prod b = \det T``.

    Exact: ``b_d = \det T`` and ones elsewhere (so ``T \Delta^{-1}`` keeps ``T``'s entries outside
    its last column, which the bit-size bound of ``proofs/theorem2.md``, Step 4'', uses; the last
    column, not the first, makes the layers about half as large there); with ``rng``,
    entries from ``\{1, 2, 3, 1/2, 1/3, 3/2\}`` instead. Inexact: ``r = (\det
    T)^{1/2d}`` computed from the log-determinant (no overflow), times ``e^{t_i}``,
    ``t_i \in [-1/2, 1/2]`` with ``rng``, ``c_1`` compensating."""
    one = ar.scalar(1)
    if ar.exact:
        detT = T.det()
        if rng is None:  # Delta = diag(1, ..., 1, det T): T's other columns stay integer (Step 4''s bound)
            vals = [one] * (2 * d)
            vals[-1] = detT
            return vals[:d], vals[d:]
        choices = [Fraction(1), Fraction(2), Fraction(3), Fraction(1, 2), Fraction(1, 3), Fraction(3, 2)]
        vals = [ar.scalar(choices[int(i)]) for i in rng.integers(0, len(choices), size=2 * d)]
        rest = one
        for v in vals[1:]:
            rest = rest * v
        vals[0] = detT / rest
    else:
        if ar.unbounded_exponent:  # no exponent range to leave (mp): the root of the determinant itself
            r = ar.root(T.det(), 2 * d)
        else:
            _, logdet = np.linalg.slogdet(ar.to_numpy(T.v))
            r = ar.root(ar.scalar(Fraction(float(np.exp(logdet / (2 * d))))), 1)
        f = [one] * (2 * d) if rng is None else \
            [ar.scalar(Fraction(float(np.exp(t))).limit_denominator(1000)) for t in rng.uniform(-0.5, 0.5, size=2 * d)]
        rest = one
        for v in f[1:]:
            rest = rest * v
        f[0] = one / rest
        vals = [r * v for v in f]
        if ar.unbounded_exponent:  # refine so that the product is det T to working precision
            detT = T.det()
            prod = one
            for v in vals:
                prod = prod * v
            vals[0] = vals[0] * (detT / prod)
    return vals[:d], vals[d:]


def three_pairs(ar: Arithmetic, T: Mat, *, seed: int = 0, start: int = 0, max_attempts: Optional[int] = None) -> Word:
    """The ``k = 3`` word for ``T`` (``det T > 0``), trying free choices until one is nondegenerate.

    Attempt 0 uses ``y = 0``, ``Q = I`` and the default scaling; later attempts draw ``\\Delta``,
    ``y`` and ``Q`` (small integer entries) from ``numpy.random.default_rng([seed, start])``.
    ``start > 0`` skips the deterministic first attempt (used to try several choices).
    """
    d = T.shape[0] // 2
    if max_attempts is None:  # exact attempts are cheap and always succeed eventually; float ones are O(d^3)
        max_attempts = 64 if ar.exact else 8
    rng = np.random.default_rng([seed, start])
    for attempt in range(start, start + max_attempts):
        Q: Optional[Mat]
        if attempt == 0:
            c, b = _scaling(ar, T, d, None)
            y, Q = ar.zeros(d), (ar.eye(d) if ar.exact else None)
        else:
            c, b = _scaling(ar, T, d, rng) if attempt % 2 == 0 else _scaling(ar, T, d, None)
            y = ar.random_integer_matrix(rng, d) if attempt >= 2 else ar.zeros(d)
            if not ar.exact and attempt < max_attempts // 2:
                Q = None  # the eigenbasis again, with other Delta, y and cycle
            else:
                Q = ar.random_integer_matrix(rng, d)
                while not ar.is_invertible(Q.v):
                    Q = ar.random_integer_matrix(rng, d)
        word = three_pairs_word(ar, T, c, b, y, Q, rng, prescribe=ar.exact)
        if word is not None:
            word.attempt = attempt
            return word
    hint = "" if ar.exact else "; the float construction degenerates at this size: mp or exact arithmetic does not"
    raise ConstructionError(f"no nondegenerate choice of the free parameters in {max_attempts} attempts{hint}")
