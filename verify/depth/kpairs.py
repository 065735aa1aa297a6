r"""The map from ``k`` pairs' parameters to their product, and its Jacobian by the product rule.

Parameters, per pair ``i``: ``A_i`` (``d^2``, row-major), ``\beta_i`` (``d``), ``\gamma_i`` (``d``),
``D_i`` (``d^2``), so ``\theta \in R^{k(2d^2 + 2d)}``. The scales are ``b_i = e^{\beta_i}``,
``c_i = e^{\gamma_i}`` in the *positive* regime (so they are positive for every ``\theta``, and on
every interval box) and ``b_i = \beta_i``, ``c_i = \gamma_i`` in the *signed* regime.

With layers ``M_1 \cdots M_{2k}`` (``M_{2i-1} = L(A_i, b_i)``, ``M_{2i} = U(c_i, D_i)``),
``\partial(M_1\cdots M_{2k}) = \sum_j \mathrm{Left}_j\, \partial M_j\, \mathrm{Right}_j``, and each
parameter moves one entry ``(a, b)`` of one layer, so its Jacobian column is
``\mathrm{vec}(\mathrm{Left}_j[:, a] \otimes \mathrm{Right}_j[b, :])`` times ``b_p`` or ``c_p`` for a
log-scale. :func:`entry_map` lists that structure once; :func:`jacobian` (numpy) and
:func:`verify.depth.krawczyk.jacobian_balls` (arb) both use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..coupling_blocks import L_array, U_array
from ..vocabulary import REGIMES, Regime, validated_regime  # noqa: F401


@dataclass(frozen=True)
class Param:
    """Parameter ``index`` moves entry ``(row, col)`` of layer ``layer``; ``log_scale`` marks a
    positive-regime scale (derivative multiplied by the scale itself)."""

    index: int
    layer: int
    row: int
    col: int
    log_scale: bool


def n_params(k: int, d: int) -> int:
    return k * (2 * d * d + 2 * d)


def entry_map(k: int, d: int, regime: str) -> list[Param]:
    """For every parameter, the layer entry it moves (the conventions of the module docstring)."""
    regime = validated_regime(regime)
    pos = regime == Regime.POSITIVE
    out: list[Param] = []
    idx = 0
    for i in range(k):
        L, U = 2 * i, 2 * i + 1
        for p in range(d):  # A: entry (d + p, q) of L
            for q in range(d):
                out.append(Param(idx, L, d + p, q, False))
                idx += 1
        for p in range(d):  # b: entry (d + p, d + p) of L
            out.append(Param(idx, L, d + p, d + p, pos))
            idx += 1
        for p in range(d):  # c: entry (p, p) of U
            out.append(Param(idx, U, p, p, pos))
            idx += 1
        for p in range(d):  # D: entry (p, d + q) of U
            for q in range(d):
                out.append(Param(idx, U, p, d + q, False))
                idx += 1
    return out


def unpack(theta: Sequence[Any], k: int, d: int, regime: str,
           exp: Callable[[Any], Any] = np.exp) -> list[tuple[Any, list, list, Any]]:
    """``[(A_i, b_i, c_i, D_i)]`` with ``A_i, D_i`` as lists of rows (any scalar type)."""
    out = []
    off = 0
    for _ in range(k):
        A = [list(theta[off + p * d: off + (p + 1) * d]) for p in range(d)]
        off += d * d
        beta = list(theta[off: off + d])
        off += d
        gamma = list(theta[off: off + d])
        off += d
        D = [list(theta[off + p * d: off + (p + 1) * d]) for p in range(d)]
        off += d * d
        if regime == Regime.POSITIVE:
            beta, gamma = [exp(x) for x in beta], [exp(x) for x in gamma]
        out.append((A, beta, gamma, D))
    return out


def pack(pairs: Sequence[tuple[Any, Sequence, Sequence, Any]], regime: str) -> np.ndarray:
    """Inverse of :func:`unpack` for float pairs (positive regime: log of the scales)."""
    parts: list[float] = []
    for A, b, c, D in pairs:
        b = np.log(np.asarray(b, float)) if regime == Regime.POSITIVE else np.asarray(b, float)
        c = np.log(np.asarray(c, float)) if regime == Regime.POSITIVE else np.asarray(c, float)
        parts += list(np.asarray(A, float).ravel()) + list(b) + list(c) + list(np.asarray(D, float).ravel())
    return np.array(parts)


def layers_float(theta: np.ndarray, k: int, d: int, regime: str) -> list[np.ndarray]:
    """``[L_1, U_1, ..., L_k, U_k]`` as float64 arrays (the shared block form, :mod:`verify.coupling_blocks`)."""
    out = []
    for A, b, c, D in unpack(theta, k, d, regime):
        out += [L_array(A, b), U_array(c, D)]
    return out


def product_float(theta: np.ndarray, k: int, d: int, regime: str) -> np.ndarray:
    P = np.eye(2 * d)
    for M in layers_float(theta, k, d, regime):
        P = P @ M
    return P


def jacobian(theta: np.ndarray, k: int, d: int, regime: str) -> np.ndarray:
    """``d\\,\\mathrm{vec}(M_1 \\cdots M_{2k}) / d\\theta``, shape ``(4d^2, k(2d^2+2d))``, row-major vec."""
    Ms = layers_float(theta, k, d, regime)
    n = 2 * d
    m = len(Ms)
    left = [np.eye(n)]
    for M in Ms[:-1]:
        left.append(left[-1] @ M)
    right = [np.eye(n)]
    for M in reversed(Ms[1:]):
        right.append(M @ right[-1])
    right = right[::-1]
    J = np.empty((n * n, n_params(k, d)))
    params = entry_map(k, d, regime)
    layer_of = np.array([p.layer for p in params])
    rows = np.array([p.row for p in params])
    cols = np.array([p.col for p in params])
    scale = np.ones(len(params))
    for p in params:
        if p.log_scale:
            scale[p.index] = Ms[p.layer][p.row, p.col]
    for j in range(m):
        sel = np.nonzero(layer_of == j)[0]
        # column for parameter t: vec(Left_j[:, row_t] outer Right_j[col_t, :])
        J[:, sel] = np.einsum("rt,ts->rst", left[j][:, rows[sel]], right[j][cols[sel], :]).reshape(n * n, len(sel))
        J[:, sel] *= scale[sel]
    return J


def least_squares(fun: Callable, x0: np.ndarray, jac: Callable, max_nfev: int,
                  bounds: tuple[float, float] = (-np.inf, np.inf)) -> Any:
    """``scipy.optimize.least_squares`` (trf, tolerances 1e-15) for one start, or ``None`` when the
    start runs into non-finite values (an overflowing ``exp`` of a scale, a singular step): a
    failed start, never an exception. ``bounds``: box bounds on every unknown."""
    import scipy.optimize

    try:
        with np.errstate(all="ignore"):
            return scipy.optimize.least_squares(fun, x0, jac=jac, method="trf", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                                                max_nfev=max_nfev, bounds=bounds)
    except (ValueError, np.linalg.LinAlgError):
        return None
