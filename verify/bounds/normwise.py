"""Rigorous float64 bounds on the residual of a product of coupling layers, for sizes where ball
arithmetic is too slow. Plain numpy arrays in, numbers out: shared by the construction's
``residual`` and by the independent checker, and importing nothing else from the package."""
from __future__ import annotations

import math

import numpy as np

#: inner block of the evaluation pass: each d-term dot product is summed as ceil(d / BLOCK) BLAS
#: partial products of length <= BLOCK, so its rounding bound is gamma_{BLOCK + ceil(d/BLOCK) + 1}
#: rather than gamma_{d + 1} (BLOCK = 256 costs nothing measurable against one GEMM)
BLOCK = 256


def gamma(k: int, u: float = 2.0**-53) -> float:
    r"""``\gamma_k = k u / (1 - k u)``, slightly rounded up."""
    return k * u / (1 - k * u) * (1 + 1e-10)


def blocked_matmul(B: np.ndarray, X: np.ndarray, block: int | None = None) -> np.ndarray:
    r"""``B X`` as ``\sum_j B_{:, J_j} X_{J_j, :}`` over inner blocks ``J_j`` of length ``\le``
    ``block``, accumulated in order: ``|fl(BX) - BX| \le \gamma_{block + nb - 1} |B||X|`` componentwise
    whatever order BLAS sums each partial product in (Higham, *Accuracy and Stability*, 3.1)."""
    block = BLOCK if block is None else block
    d = B.shape[1]
    out = B[:, :block] @ X[:block]
    for k in range(block, d, block):
        out += B[:, k:k + block] @ X[k:k + block]
    return out


def fro_norm(A: np.ndarray) -> float:
    r"""``||A||_F`` without underflow or overflow: scaled by a power of two (exactly) first. A float,
    not a bound: the sum of ``N`` squares (BLAS, any order) is within ``\gamma_N`` of the exact one, so
    the result is within a factor :func:`fro_slack` of ``||A||_F`` either way."""
    if not A.size:
        return 0.0
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        r = float(np.linalg.norm(A))
    if 2.0**-400 < r < 2.0**400:  # no square overflowed (each is <= r^2); the subnormal ones that lose
        return r  # digits add at most N 2^-1075, below u r^2 for any N < 2^700
    m = float(np.abs(A).max())
    if m == 0.0 or not math.isfinite(m):
        return m
    e = math.frexp(m)[1]
    return math.ldexp(float(np.linalg.norm(np.ldexp(A, -e))), e)


def fro_slack(entries: int, u: float = 2.0**-53) -> float:
    r"""``1 + (N + 4) u`` for ``N`` entries: ``fro_norm(A) * fro_slack(N) \ge \|A\|_F \ge fro_norm(A) /
    fro_slack(N)``. A relative error of ``\gamma_N / 2 + u`` is what the sum of squares can reach, and
    does: ``2^{22}`` squares of ``2^{-27}`` after one ``1`` are all lost in round-to-nearest, a relative
    ``2^{-33}`` against the ``4 n u = 2^{-40}`` this module first allowed for at ``n = 2048``."""
    return 1 + (entries + 4) * u


def _abs_norm2_upper(B: np.ndarray) -> float:
    r"""An upper bound of ``\| |B| \|_2``: ``\sqrt{\|B\|_1 \|B\|_\infty}``, rounded up."""
    if B.size == 0:
        return 0.0
    a = np.abs(B)
    k = max(B.shape)
    up = 1 + 2 * k * 2.0**-53
    return math.sqrt(float(a.sum(axis=0).max()) * float(a.sum(axis=1).max()) * up * up) * up


def _norm2_upper(B: np.ndarray) -> float:
    r"""An upper bound of ``\|B\|_2``: ``\|B\|_2^2 = \|B^T B\|_2 \le \|fl(B^T B)\|_\infty + \gamma_d \|B\|_F^2``."""
    if B.size == 0:
        return 0.0
    d = B.shape[0]
    u = 2.0**-53
    up = 1 + 2 * (d + 2) * u
    G = B.T @ B
    fro2 = float(np.einsum("ij,ij->", B, B)) * fro_slack(B.size) ** 2
    gam = (d + 2) * u / (1 - (d + 2) * u)
    return math.sqrt((float(np.abs(G).sum(axis=1).max()) * up + gam * fro2) * up) * up


def _exact_scale(a: np.ndarray, e: int) -> np.ndarray | None:
    """``a * 2^e`` when it is exact (no entry leaves the normal range), else None."""
    out = np.ldexp(a, e)
    nz = np.abs(a[a != 0])
    if nz.size and (not np.all(np.isfinite(out)) or float(nz.min()) * 2.0**e < 2.0**-1021):
        return None
    return out


def _balance(layers: list[tuple[str, np.ndarray, np.ndarray]], T: np.ndarray
             ) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], np.ndarray]:
    r"""Divide each pair ``L(A, b) U(c, D)`` by a power of two ``2^{e}`` near the geometric mean of its
    scales (``L(A, b)U(c, D) = 2^e L(A, 2^{-e}b) U(2^{-e}c, 2^{-e}D)``) and ``T`` by ``2^{\sum e}``. In
    exact arithmetic the relative residual is unchanged, and the scalings are exact, so the bound
    below stays rigorous; but norms of products of layers whose identity blocks and scales differ by
    ``2^e`` no longer overstate the product's size by about ``2^{2e}`` (``T = 10^{149} G``). Skipped when
    a scaling would leave the normal range."""
    out = list(layers)
    total = 0
    for i in range(0, len(layers) - 1, 2):
        (k1, b, A), (k2, c, D) = layers[i], layers[i + 1]
        if k1 != "L" or k2 != "U":
            continue
        sc = np.abs(np.concatenate([b, c]))
        if not np.all(sc > 0):
            continue
        e = -int(round(float(np.mean(np.log2(sc)))))
        if e == 0:
            continue
        b2, c2, D2 = _exact_scale(b, e), _exact_scale(c, e), _exact_scale(D, e)
        if b2 is None or c2 is None or D2 is None:
            continue
        out[i], out[i + 1] = ("L", b2, A), ("U", c2, D2)
        total += e
    T2 = _exact_scale(T, total)
    if T2 is None:
        return layers, T
    return out, T2


def _support(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    r"""The smallest range holding both ranges. The passes below start from ``I``, whose column halves
    are zero outside one row half each; a block update ``X_1 \mathrel{+}= X_2 B`` needs only the rows
    where ``X_2`` is nonzero, and every other entry of ``X_2 B`` is an exact zero (a sum of products
    with zeros, all entries finite), so restricting the product to those rows changes no value and no
    bound: it only skips the first layer's product and half of the second's."""
    return min(a[0], b[0]), max(a[1], b[1])


def normwise_residual(layers: list[tuple[str, np.ndarray, np.ndarray]], T: np.ndarray, sign_layer: bool
                      ) -> tuple[float, float]:
    r"""``(bound, measured)``: :func:`normwise_interval` without its lower end."""
    _, bound, measured = normwise_interval(layers, T, sign_layer)
    return bound, measured


def normwise_interval(layers: list[tuple[str, np.ndarray, np.ndarray]], T: np.ndarray, sign_layer: bool
                      ) -> tuple[float, float, float]:
    r"""``(lower, bound, measured)`` for ``\|[S] G_1 \cdots G_m - T\|_F / \|T\|_F``, where ``layers`` lists
    ``("L", b, A)`` for ``L(A, b) = [[I, 0], [A, \operatorname{diag} b]]`` and ``("U", c, D)`` for
    ``U(c, D) = [[\operatorname{diag} c, D], [0, I]]`` in product order, and ``S = \operatorname{diag}(-1, 1, \dots)``
    when ``sign_layer``. ``bound`` is rigorous for the exact values of the decimal strings the
    entries were read from (each within half an ulp of the float); ``measured`` is the float64 value.

    Evaluate ``\hat M_j = fl(G_j \hat M_{j+1})``, ``\hat M_{m+1} = I``, by block updates with
    :func:`blocked_matmul`. Each step commits an error ``\Delta_j`` with
    ``\|\Delta_j\|_F \le g (\|s_j\|_\infty + \| |B_j| \|_2) \|\hat M_{j+1}\|_F`` (``B_j`` the layer's
    off-diagonal block, ``s_j`` its diagonal, ``g = \gamma_{b + \lceil d/b \rceil + 2} + 2u`` including
    the half-ulp distance of the decimal strings), and
    ``\hat M_1 - G_1 \cdots G_m = \sum_j (G_1 \cdots G_{j-1}) \Delta_j``. The prefix norms
    ``\|G_1 \cdots G_{j-1}\|_2`` are bounded by a second float pass, ``\|\hat \Pi_j\|_F + e_j`` with
    ``e_{j+1} = e_j \|G_j\|_2 + g_1 (\|s_j\|_\infty + \| |B_j| \|_2) \|\hat\Pi_j\|_F`` (plain products,
    ``g_1 = \gamma_{d+1} + 2u``): only a crude bound is needed there. Unlike a componentwise
    (midpoint-radius) enclosure, nothing here wraps through absolute values of dense products.

    ``lower`` is rigorous the other way: ``\|\Pi - T\|_F \ge \|\hat M_1 - T\|_F - \|\hat M_1 - \Pi\|_F``,
    with ``\|\hat M_1 - T\|_F \ge \|fl(\hat M_1 - T)\|_F / (1 + u)`` and the same error bound, so a
    claimed residual below it is false (0 when the error bound swamps the measured residual).

    Products that underflow commit an absolute error as well (at most ``2^{-1075}`` each, beyond the
    relative ``u``): each step adds ``n (d + 2) 2^{-1074}`` to its ``\|\Delta_j\|_F`` bound, which
    matters only for products of norm near ``10^{-300}``, where balancing failed."""
    layers, T = _balance(layers, T)
    n = T.shape[0]
    d = n // 2
    u = 2.0**-53
    g1 = gamma(d + 1) + 2 * u
    g = gamma(min(BLOCK, d) + -(-d // BLOCK) + 2) + 2 * u
    up = fro_slack(n * n, u) * (1 + 4 * n * u)  # covers the rounding of the float norms below (fro_slack)
    # underflow: a product that lands below 2^-1022 commits up to 2^-1075 more than u times itself (sums
    # never do: a subnormal sum is exact); an entry of a step takes at most d + 2 products
    tiny = n * (d + 2) * 2.0**-1074
    size = [float(np.abs(s).max()) + _abs_norm2_upper(B) for _, s, B in layers]
    # 2-norm bound of each layer: ||[[I, 0], [B, diag s]]||_2 <= max(1, |s|_max) + ||B||_2
    gnorm = [max(1.0, float(np.abs(s).max())) + _norm2_upper(B) for _, s, B in layers]
    # pass 1: prefix products Pi_j = G_1 ... G_{j-1}, left to right (right-multiplication updates columns).
    # sup[h] is the range of rows outside which the column half h of Pi is zero (see _support)
    Pi = np.eye(n)
    sup = [(0, d), (d, n)]
    e = 0.0
    prefix = []
    for (kind, s, B), sz, gn in zip(layers, size, gnorm):
        normPi = fro_norm(Pi) * up
        prefix.append(normPi + e)
        e = (e * gn + g1 * sz * normPi + tiny) * up
        if kind == "L":  # Pi [[I, 0], [B, diag s]] = [Pi_1 + Pi_2 B, Pi_2 diag s]
            r0, r1 = sup[1]
            Pi[r0:r1, :d] += Pi[r0:r1, d:] @ B
            Pi[:, d:] *= s[None, :]
            sup[0] = _support(sup[0], sup[1])
        else:  # Pi [[diag s, B], [0, I]] = [Pi_1 diag s, Pi_1 B + Pi_2]
            r0, r1 = sup[0]
            Pi[r0:r1, d:] += Pi[r0:r1, :d] @ B
            Pi[:, :d] *= s[None, :]
            sup[1] = _support(sup[0], sup[1])
    del Pi
    # pass 2: the evaluation, right to left (left-multiplication updates rows); sup[h] the columns of row
    # half h outside which it is zero
    M = np.eye(n)
    sup = [(0, d), (d, n)]
    err = 0.0
    for j in range(len(layers) - 1, -1, -1):
        kind, s, B = layers[j]
        err += prefix[j] * (g * size[j] * fro_norm(M) + tiny) * up
        if kind == "L":  # [[I, 0], [B, diag s]] M = [M_1; B M_1 + s M_2]
            c0, c1 = sup[0]
            M[d:] *= s[:, None]
            M[d:, c0:c1] += blocked_matmul(B, M[:d, c0:c1])
            sup[1] = _support(sup[0], sup[1])
        else:  # [[diag s, B], [0, I]] M = [s M_1 + B M_2; M_2]
            c0, c1 = sup[1]
            M[:d] *= s[:, None]
            M[:d, c0:c1] += blocked_matmul(B, M[d:, c0:c1])
            sup[0] = _support(sup[0], sup[1])
    if sign_layer:
        M[0] = -M[0]
    diff = fro_norm(M - T)
    num = (diff * (1 + u) * up + err) * up
    den = fro_norm(T) / up
    low = (diff / ((1 + u) * up) - err) / up
    lower = max(0.0, math.nextafter(low / (fro_norm(T) * up) / up, -math.inf)) if low > 0 else 0.0
    return lower, math.nextafter(num / den, math.inf), diff / fro_norm(T)
