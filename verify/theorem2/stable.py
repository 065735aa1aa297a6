r"""The backward-stable Theorem 2: ``k = 7`` pairs (``8`` on a lopsided spectrum) whose layers are
conditioned like ``\sqrt{\kappa(T)}`` (times the scale factor that no fixed ``k`` avoids).

The minimal construction (:mod:`~verify.theorem2.construction`, ``k = 3``) is exact, but its layers
carry eigenvector bases of a non-normal matrix and reach condition numbers of ``10^{22}`` at
``2d = 2048``, which float64 cannot carry. This one spends four more pairs to keep every shear
bounded by a small constant. The proof is ``proofs/theorem2_stable.md``; in brief, with
``E(X) = [[I, 0], [X, I]]``, ``F(Y) = [[I, Y], [0, I]]``:

1. (**two pairs**, Lemma 1) If ``M_{11}`` is invertible and ``H M_{11} H^{-1} = (M^{-1})_{22}``, then
   ``M = E(X_1) F(Y_1) E(H) F(Y_2)`` with ``X_1 = (M_{21} - H) M_{11}^{-1}``,
   ``Y_1 = (M_{11} - I) H^{-1}``, ``Y_2 = M_{11}^{-1} (M_{12} - Y_1)``.
2. (**the core**, Lemma 2) If ``P = T'_{11} = A D B`` and ``Q' = (T'^{-1})_{22} = C D E`` (SVDs with the
   same ``D``) and ``O = C A^T B^T E = N^T \Omega N \Omega^T`` (:func:`~verify.algebra.orthogonal.commutator`),
   then with ``\Psi = C A^T``, ``X = N \Psi``, ``H = \Omega \Psi``, ``R = X^T (I - \Omega)``,
   ``Y = P^{-1} T'_{12} - R``, the matrix ``M = T' F(-Y) E(-X)`` satisfies Lemma 1's condition, so
   ``T' = E(X_1) F(Y_1) E(H) F(Y_2) E(X) F(Y)``: three pairs; ``X, H, \Omega`` are orthogonal.
3. (**orthogonal matrices**, Lemma 4) For ``Q \in SO(2d)`` with ``Q_{11} = A_1 \operatorname{diag}(\cos\theta) B_1^T``
   and ``B_2`` the polar factor of ``-Q_{12}^T A_1``, ``Z = -B_2 B_1^T`` makes ``T' = Q E(Z)`` have
   ``T'_{11}`` and ``(T'^{-1})_{22} = Q_{22}^T - Z Q_{21}^T`` with equal singular values
   ``\cos\theta_i + \sin\theta_i \in [1, \sqrt 2]``; so ``Q = (\text{core}) E(-Z)``: seven shears.
4. (**assembly**, Theorem) ``T = U \Sigma V^T`` with ``\det U = \det V = 1`` and
   ``\sigma = \sqrt{s_1 s_{2d}}`` clamped to ``[s_{d+1}, s_d]``:
   ``T = \sigma \cdot [E F E F E F E]_U \cdot \operatorname{diag}(s/\sigma) \cdot [F E F E F E F]_{V^T}``, and
   ``E(A) \operatorname{diag}(c, b) F(c^{-1} D) = L(A, b) U(c, D)`` turns the fourteen shears into seven
   pairs with ``c = s_{1..d}/\sigma \ge 1`` and ``b = s_{d+1..2d}/\sigma \le 1`` in the middle one; the
   scalar ``\sigma`` is spread as ``\sigma^{1/7}`` per pair.
5. (**lopsided spectra**) When that middle pair's spread ``\max(s_1/\sigma, \sigma/s_{2d})`` exceeds
   ``2\sqrt{\kappa(T)}``, ``\sigma = \sqrt{s_1 s_{2d}}`` unclamped and the middle diagonal's square root
   goes into two pairs, ``L(A, \sqrt\beta) U(\sqrt t, 0) \cdot L(0, \sqrt\beta) U(\sqrt t, \sqrt t Y)``: eight
   pairs, every spread at most ``\sqrt{\kappa(T)}``.

Everything is written against :class:`~verify.algebra.arith.Arithmetic`; it needs ``svd`` and
``rotation_form`` (float64 and mpmath).
"""
from __future__ import annotations

from typing import Any

from ..algebra.arith.base import Arithmetic, Mat
from ..algebra.layers import Pair
from ..algebra.orthogonal import column_polar_norms, commutator

Factor = tuple[str, Mat]

#: pairs used by the stable construction (on a balanced spectrum; see :data:`LOPSIDED_PAIRS`)
STABLE_PAIRS = 7


def two_pairs(ar: Arithmetic, M11: Mat, M12: Mat, M21: Mat, H: Mat, M11_inv: Mat) -> list[Factor]:
    r"""Lemma 1: ``M = E(X_1) F(Y_1) E(H) F(Y_2)`` when ``H M_{11} H^{-1} = (M^{-1})_{22}``; ``H`` is
    orthogonal here, so ``H^{-1} = H^T``. Only the blocks ``M_{11}, M_{12}, M_{21}`` enter (``M_{22}``
    is what the hypothesis makes it)."""
    d = M11.shape[0]
    X1 = (M21 - H) @ M11_inv
    Y1 = (M11 - ar.eye(d)) @ H.T
    Y2 = M11_inv @ (M12 - Y1)
    return [("E", X1), ("F", Y1), ("E", H), ("F", Y2)]


def core(ar: Arithmetic, T11: Mat, T12: Mat, T21: Mat, T22: Mat, A: Mat, B: Mat, C: Mat, Et: Mat) -> list[Factor]:
    r"""Lemma 2: ``T' = E F E F E F`` for ``T'`` with blocks ``T_{ij}``, given SVDs with the same
    singular values ``D``: ``T'_{11} = A D B`` and ``Q' = (T'^{-1})_{22} = C D E`` (only the
    orthogonal factors are used)."""
    d = T11.shape[0]
    Psi = C @ A.T
    O = Psi @ (B.T @ Et)
    N, Om = commutator(ar, O)
    X = N @ Psi
    H = Om @ Psi
    I = ar.eye(d)
    R = X.T @ (I - Om)
    P_inv = T11.inv()
    Y = P_inv @ T12 - R
    # M = T' F(-Y) E(-X): M11 = P X^T Om X, M12 = P R, M21 = T21 - (T22 - T21 Y) X, M22 unused
    XtOmX = X.T @ Om @ X
    M11_inv = XtOmX.T @ P_inv
    return two_pairs(ar, T11 @ XtOmX, T11 @ R, T21 - (T22 - T21 @ Y) @ X, H, M11_inv) + [("E", X), ("F", Y)]


def orthogonal_word(ar: Arithmetic, Q: Mat) -> list[Factor]:
    r"""Lemma 4: ``Q \in SO(2d)`` as seven shears ``E F E F E F E``, each of norm at most a small
    constant (``proofs/theorem2_stable.md``).

    The SVD ``Q_{11} = A_1 \cos\Theta\, B_1^T`` and the polar factor ``B_2`` of
    ``-Q_{12}^T A_1 = B_2 \sin\Theta`` give ``Z = -B_2 B_1^T``; then SVDs of the *computed*
    ``T'_{11}`` and ``Q'`` with the same singular values: their closed forms where those hold to
    rounding (:func:`closed_svds`), else the blocks' own SVDs (they hold only to about ``10^{-11}``
    when some ``\sin\theta`` nearly vanish, which the digits covariance's degenerate spectrum shows;
    the SVDs of the computed blocks agree with each other to rounding, which is all Lemma 2 uses)."""
    n = Q.shape[0]
    d = n // 2
    Q11, Q12, Q21, Q22 = Q[:d, :d], Q[:d, d:], Q[d:, :d], Q[d:, d:]
    A1, cos, B1t = ar.svd(Q11.v)
    A1, B1t = ar.mat(A1), ar.mat(B1t)
    B2, sin = column_polar_norms(ar, -(Q12.T @ A1))  # columns orthogonal, norms sin(theta) ascending
    Z = -(B2 @ B1t)
    T11 = Q11 + Q12 @ Z
    T21 = Q21 + Q22 @ Z
    Qp = Q22.T - Z @ Q21.T  # (T'^{-1})_{22} for T' = Q E(Z), since Q^{-1} = Q^T
    factors = closed_svds(ar, Q21, Q22, T11, Qp, A1, B1t, B2, cos, sin) if ar.float64_arrays else None
    if factors is None:  # the closed forms do not hold to rounding (some sin(theta) near 0), or mp
        A, _, B = ar.svd_conditioned(T11.v)  # singular values cos + sin in [1, sqrt 2]
        C, _, Et = ar.svd_conditioned(Qp.v)
        factors = (ar.mat(A), ar.mat(B), ar.mat(C), ar.mat(Et))
    return core(ar, T11, Q12, T21, Q22, *factors) + [("E", -Z)]


#: the closed forms of :func:`closed_svds` are used when they hold to this many ``u d`` (1-norm);
#: the SVD factors of Gaussian T give 2.4-8 (2d = 8..1024, larger at small d), the Gram-matrix SVDs
#: they replace 1.3-4.5; above it the SVDs are taken (a matter of speed only: both are exact to rounding).
#: float64 only: mp's own SVDs hold to ``u``, and a branch taken by rounding would make its residual
#: depend on the scale of ``T`` by more than the ``8 d`` between them
CLOSED_FORM_SLACK = 8


def closed_svds(ar: Arithmetic, Q21: Mat, Q22: Mat, P: Mat, Qp: Mat, A1: Mat, B1t: Mat, B2: Mat,
                cos: list[Any], sin: list[Any]) -> tuple[Mat, Mat, Mat, Mat] | None:
    r"""Lemma 4's closed forms ``P = A_1 (C + S) B_1^T`` and ``Q' = B_2 (C + S) A_2^T`` with
    ``A_2 = Q_{21} B_1 S + Q_{22} B_2 C`` (``Q_{21} B_1 = A_2 S``, ``Q_{22} B_2 = A_2 C``, ``S^2 + C^2 = I``),
    as ``(A, B, C', E)`` for :func:`core` -- when they hold for the *computed* blocks: the residuals
    ``A_1^T P B_1 - D``, ``B_2^T Q' A_2 - D`` and ``A_2^T A_2 - I`` each of 1-norm at most
    :data:`CLOSED_FORM_SLACK` ``u d``, else None. ``S`` is the diagonal of ``B_2^T G`` (the QR's), so
    the first residual is the QR's off-diagonal part, of size ``\min(u / s_i, s_j)``: rounding where
    no ``\sin\theta`` is small, up to ``10^{-11}`` on the digits covariance's blank pixels, where the
    SVDs of the computed blocks are taken instead. Two ``d x d`` Gram eigendecompositions saved per
    orthogonal factor (1 s of 7.4 at ``2d = 2048``), for seven products."""
    d = len(cos)
    one = ar.scalar(1)
    cos = [min(x, one) for x in cos]
    D = ar.diag([x + y for x, y in zip(cos, sin)])
    B1 = B1t.T
    A2 = Q21 @ B1.scale_columns(sin) + Q22 @ B2.scale_columns(cos)
    tol = CLOSED_FORM_SLACK * ar.unit_roundoff * d
    for R in (A1.T @ P @ B1 - D, B2.T @ Qp @ A2 - D, A2.T @ A2 - ar.eye(d)):
        if not max(ar.abs_column_sums(R.v)) <= tol:
            return None
    return A1, B1t, B2, A2.T


def transpose_word(word: list[Factor]) -> list[Factor]:
    r"""``(E(X_1) F(Y_1) \cdots)^T = \cdots F(Y_1)^T E(X_1)^T = \cdots E(Y_1^T) F(X_1^T)``."""
    return [("F" if kind == "E" else "E", M.T) for kind, M in reversed(word)]


#: pairs when the spectrum is lopsided (:func:`pairs_needed`): the middle diagonal split over two pairs
LOPSIDED_PAIRS = 8
#: the eighth pair is spent when the seven-pair diagonal spread exceeds this many ``\sqrt{\kappa(T)}``
LOPSIDED = 2.0


def middle(ar: Arithmetic, s: list[Any]) -> tuple[Any, Any]:
    r"""``(\sigma_7, \sigma_8)``: the seven-pair middle ``\sqrt{s_1 s_{2d}}`` clamped to
    ``[s_{d+1}, s_d]`` (so ``c \ge 1 \ge b`` in the one middle pair) and the eight-pair middle
    ``\sqrt{s_1 s_{2d}}`` itself (the diagonal is split over two pairs, no clamp needed)."""
    n = len(s)
    d = n // 2
    g = ar.root(s[0], 2) * ar.root(s[n - 1], 2)  # no overflow at 1e200
    return min(max(g, s[d]), s[d - 1]), g


def pairs_needed(ar: Arithmetic, s: list[Any]) -> int:
    r"""7, or 8 when the spectrum is *lopsided*: with seven pairs the middle layers' diagonal spread
    is ``\max(s_1/\sigma_7, \sigma_7/s_{2d})``, which is ``\sqrt{\kappa(T)}`` for a balanced spectrum
    and up to ``\kappa(T)`` otherwise (``2d - 1`` singular values ``1`` and one ``10^{-6}``); an eighth
    pair brings every spread to at most ``\sqrt{\kappa(T)}`` (proofs/theorem2_stable.md, *Lopsided
    spectra*). It is spent when the seven-pair spread exceeds :data:`LOPSIDED` ``\sqrt{\kappa(T)}``."""
    n = len(s)
    s7, _ = middle(ar, s)
    spread7 = max(s[0] / s7, s7 / s[n - 1])
    return LOPSIDED_PAIRS if spread7 > LOPSIDED * ar.root(s[0] / s[n - 1], 2) else STABLE_PAIRS


def stable_pairs(ar: Arithmetic, T: Mat, progress: Any = None) -> list[Pair]:
    r"""``T = L(A_1,b_1) U(c_1,D_1) \cdots L(A_k,b_k) U(c_k,D_k)`` for ``\det T > 0`` (module docstring),
    ``k = 7``, or ``k = 8`` on a lopsided spectrum (:func:`pairs_needed`).
    ``progress.update(1)`` (if given) after the SVD and after each orthogonal factor."""
    n = T.shape[0]
    d = n // 2
    U, s, Vt = ar.svd(T.v)
    U, Vt = ar.mat(U), ar.mat(Vt)
    if ar.det_sign(U.v) < 0:  # det T > 0, so det V has the same sign: flip the last singular pair
        flip = [ar.scalar(1)] * (n - 1) + [ar.scalar(-1)]
        U, Vt = U.scale_columns(flip), Vt.scale_rows(flip)
    tick = progress.update if progress is not None else (lambda n: None)
    tick(1)
    k = pairs_needed(ar, s)
    sigma7, sigma8 = middle(ar, s)
    sigma = sigma7 if k == STABLE_PAIRS else sigma8
    word_U = orthogonal_word(ar, U)
    tick(1)
    words = word_U + transpose_word(orthogonal_word(ar, Vt.T))
    tick(1)
    alpha = ar.root(sigma, k)
    one = ar.scalar(1)
    top = [x / sigma for x in s[:d]]  # the diagonal diag(c, b) between the 7th and the 8th shear
    bottom = [x / sigma for x in s[d:]]
    if k == STABLE_PAIRS:  # E(A) diag(c, b) F(c^{-1} D) = L(A, b) U(c, D) in the middle pair
        diagonals = {STABLE_PAIRS // 2: (top, bottom)}
        shears = [(words[2 * i][1], words[2 * i + 1][1]) for i in range(STABLE_PAIRS)]
    else:  # E(A) diag(c', b') F(0) and E(0) diag(c'', b'') F(Y): the diagonal's square roots, twice
        c_half, b_half = [ar.root(x, 2) for x in top], [ar.root(x, 2) for x in bottom]
        diagonals = {3: (c_half, b_half), 4: (c_half, b_half)}
        zero = ar.zeros(d)
        shears = (
            [(words[2 * i][1], words[2 * i + 1][1]) for i in range(3)]
            + [(words[6][1], zero), (zero, words[7][1])]
            + [(words[2 * i][1], words[2 * i + 1][1]) for i in range(4, 7)]
        )
    assert all(kind == ("E" if j % 2 == 0 else "F") for j, (kind, _) in enumerate(words))
    pairs = []
    for i, (X, Y) in enumerate(shears):
        c, b = diagonals.get(i, ([one] * d, [one] * d))
        c, b = [x * alpha for x in c], [x * alpha for x in b]
        D = Y.scale_rows(c)  # the pair times alpha: L(A, alpha b) U(alpha c, alpha D)
        pairs.append(Pair(X, tuple(b), tuple(c), D))
    return pairs
