r"""Interval certification of a numerical ``k``-pair decomposition (Krawczyk's test, arb balls).

Let ``G(z) = \mathrm{vec}(M_1(\theta) \cdots M_{2k}(\theta) - T)`` restricted to a square subsystem:
``z`` are ``4d^2`` free parameters, the other entries of ``\theta`` are fixed at exact binary
values. For a point ``\tilde z``, a matrix ``Y \approx J(\tilde z)^{-1}`` and the box
``X = \tilde z + [-r, r]^n``, Krawczyk's operator is

.. math:: K(X) = \tilde z - Y G(\tilde z) + (I - Y J(X))(X - \tilde z).

If ``K(X)`` lies in the interior of ``X``, then ``G`` has exactly one zero in ``X``
(Krawczyk 1969; Moore 1977; Rump, *Verification methods*, Acta Numerica 2010). ``G(\tilde z)``
and ``J(X)`` are evaluated in ball arithmetic (python-flint ``arb``), so rounding cannot make the
test pass wrongly. In the positive regime the scales are ``e^{\beta}``, positive on every box, so
"positivity on the whole box" holds by construction.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ..algebra.layers import L_rows, U_rows
from .kpairs import entry_map, unpack


@dataclass
class Certificate:
    """The outcome of Krawczyk's test on ``X = center + [-radius, radius]^n``."""

    passed: bool
    radius: float
    contraction: float  # max_i |K(X)_i - center_i| / radius; < 1 means passed


def _arb(x: Any) -> Any:
    import flint

    if isinstance(x, Fraction):
        return flint.arb(x.numerator) / x.denominator
    if isinstance(x, float):
        return flint.arb(x)
    return flint.arb(str(x))  # mpmath mpf or decimal string: a tiny ball around it


def _layers_arb(theta: Sequence[Any], k: int, d: int, regime: str) -> list[Any]:
    import flint

    one, zero = flint.arb(1), flint.arb(0)
    out = []
    for A, b, c, D in unpack(theta, k, d, regime, exp=lambda x: x.exp()):
        out += [flint.arb_mat(L_rows(A, b, one, zero)), flint.arb_mat(U_rows(c, D, one, zero))]
    return out


def residual_balls(theta: Sequence[Any], k: int, d: int, regime: str, T: Sequence[Sequence[Fraction]]) -> list[Any]:
    """``vec(M_1 \\cdots M_{2k} - T)`` (row-major) as arb balls."""
    import flint

    P = flint.arb_mat([[int(i == j) for j in range(2 * d)] for i in range(2 * d)])
    for M in _layers_arb(theta, k, d, regime):
        P = P * M
    n = 2 * d
    return [P[i, j] - _arb(T[i][j]) for i in range(n) for j in range(n)]


def jacobian_balls(theta: Sequence[Any], k: int, d: int, regime: str, columns: Sequence[int]) -> list[list[Any]]:
    """The Jacobian columns ``columns`` over the balls ``theta`` (same structure as
    :func:`verify.depth.kpairs.jacobian`: column = vec(Left[:, row] outer Right[col, :]), times the scale
    for a log-scale)."""
    import flint

    Ms = _layers_arb(theta, k, d, regime)
    n = 2 * d
    eye = flint.arb_mat([[int(i == j) for j in range(n)] for i in range(n)])
    left = [eye]
    for M in Ms[:-1]:
        left.append(left[-1] * M)
    right = [eye]
    for M in reversed(Ms[1:]):
        right.append(M * right[-1])
    right = right[::-1]
    params = entry_map(k, d, regime)
    J = [[None] * len(columns) for _ in range(n * n)]
    for c_idx, t in enumerate(columns):
        p = params[t]
        Lj, Rj = left[p.layer], right[p.layer]
        s = Ms[p.layer][p.row, p.col] if p.log_scale else flint.arb(1)
        for r in range(n):
            lr = Lj[r, p.row] * s
            for q in range(n):
                J[r * n + q][c_idx] = lr * Rj[p.col, q]
    return J


def krawczyk(theta: Sequence[Any], free: Sequence[int], k: int, d: int, regime: str,
             T: Sequence[Sequence[Fraction]], Y: np.ndarray, radius: float, prec: int = 256) -> Certificate:
    """Krawczyk's test for the square subsystem in the parameters ``free`` (the others fixed at
    ``theta``), centred at ``theta[free]`` with radius ``radius``; ``Y`` approximates the inverse of
    that subsystem's Jacobian (any matrix is allowed: a bad one only makes the test fail)."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        m = len(free)
        center = [_arb(x) for x in theta]
        Gc = residual_balls(center, k, d, regime, T)
        if len(Gc) != m:
            raise ValueError("the subsystem is not square")
        rad = flint.arb(radius)
        box = list(center)
        for t in free:
            box[t] = center[t] + flint.arb(0, radius)  # a ball of radius r around the centre
        JX = flint.arb_mat(jacobian_balls(box, k, d, regime, free))
        Ym = flint.arb_mat(Y.tolist())
        YG = Ym * flint.arb_mat([[g] for g in Gc])
        I = flint.arb_mat([[int(i == j) for j in range(m)] for i in range(m)])
        delta = flint.arb_mat([[flint.arb(0, radius)] for _ in range(m)])
        K = -YG + (I - Ym * JX) * delta  # K(X) - centre
        worst = max(float(abs(K[i, 0]).upper()) for i in range(m))
        passed = all(abs(K[i, 0]).upper() < rad for i in range(m))
        return Certificate(bool(passed), radius, worst / radius)
    finally:
        flint.ctx.prec = old
