r"""Residual bounds of a floating-point (float64 or mpmath) decomposition.

For the exact product ``\Pi`` of the returned (rounded) layers, an upper bound on
``\|\Pi - T\|_F / \|T\|_F``: float mode up to ``2d = ARB_MAX_N`` encloses it in ball arithmetic
(python-flint ``arb``, about the decimal strings the JSON states), beyond that by a float64
normwise a-posteriori bound (:func:`normwise_residual`); mp mode, and any case where it is smaller,
uses the measured residual plus the standard rounding bound ``((1+\gamma_{d+2})^{2k} - 1)\,\| |L_1||U_1|\cdots|U_k| \|_F``
of the evaluation (Higham, *Accuracy and Stability of Numerical Algorithms*, 3.5).
"""
from __future__ import annotations

import math

import numpy as np

from ..algebra.arith import Arithmetic, Mat
from ..algebra.layers import Pair, apply_pairs, flip_first_row
from ..bounds.normwise import fro_norm as _fro
from ..bounds.normwise import normwise_residual

#: float mode encloses the exact residual with arb balls up to this size (beyond: the rounding bound)
ARB_MAX_N = 256


def arb_residual(pairs: list[Pair], T: np.ndarray, sign_layer: bool) -> float:
    r"""A rigorous upper bound on ``\|[S] L_1 U_1 \cdots L_k U_k - T\|_F / \|T\|_F`` for float pairs, by
    ball arithmetic (python-flint ``arb_mat``, 256 bits). Each entry becomes a ball around the exact
    value of the shortest decimal string that the JSON states for it (``repr``), and the radii
    absorb all rounding. (That string differs from the stored binary float by up to half an ulp,
    so the bound must be about the strings, which is what ``verify check`` reads; and a radius of
    that size, not ``2^{-256}``, would grow by wrapping through the dense products.) The product is formed by block updates, ``U(c, D) M = [c M_1 + D M_2; M_2]`` and
    ``L(A, b) M = [M_1; A M_1 + b M_2]``: ``d x d`` times ``d x 2d`` products only."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        n = T.shape[0]
        d = n // 2
        ball = lambda a: flint.arb_mat([[flint.arb(repr(x)) for x in r] for r in np.asarray(a).tolist()])  # noqa: E731
        M1 = flint.arb_mat([[int(i == j) for j in range(n)] for i in range(d)])
        M2 = flint.arb_mat([[int(i + d == j) for j in range(n)] for i in range(d)])
        for p in reversed(pairs):
            M1 = ball(np.diag(np.asarray(p.c, dtype=float))) * M1 + ball(p.D.v) * M2
            M2 = ball(p.A.v) * M1 + ball(np.diag(np.asarray(p.b, dtype=float))) * M2
        T1 = T[:d].copy()
        if sign_layer:  # S P - T = S (P - S T): compare P with S T
            T1[0] = -T1[0]
        num = flint.arb(0)
        for M, rows in ((M1, T1), (M2, T[d:])):
            for x in (M - flint.arb_mat(rows.tolist())).entries():
                a = x.abs_upper()  # a ball of x*x may reach below 0; an upper bound of |x| may not
                num += a * a
        den = flint.arb(0)
        for v in T.ravel().tolist():
            den += flint.arb(v) ** 2
        return math.nextafter(float((num.sqrt() / den.sqrt()).upper()), math.inf)  # round the bound up
    finally:
        flint.ctx.prec = old


def residual_bound(ar: Arithmetic, T: Mat, pairs: list[Pair], sign_layer: bool) -> tuple[float, float]:
    """``(bound, measured)`` for ``||prod - T||_F / ||T||_F`` (see the module docstring).

    Float mode: up to ``2d = ARB_MAX_N`` an arb enclosure of the exact residual of the returned
    layers (tight), beyond it :func:`normwise_residual`. mp mode: the measured residual plus the
    a-priori rounding bound."""
    n = T.shape[0]
    d = n // 2
    if ar.name == "float" and n > ARB_MAX_N:  # its evaluation pass is the measured product
        layers = []
        for p in pairs:
            layers += [("L", np.asarray(p.b, dtype=float), p.A.v), ("U", np.asarray(p.c, dtype=float), p.D.v)]
        return normwise_residual(layers, T.v, sign_layer)
    P = apply_pairs(ar, pairs, ar.eye(n))
    if sign_layer:
        P = flip_first_row(ar, P)
    Tn = _fro(ar.to_numpy(T.v))
    if ar.name == "float":
        return arb_residual(pairs, T.v, sign_layer), _fro(P.v - T.v) / Tn
    diff = (P - T).rows()  # mp: measure in mp, then round the norm up generously
    num = math.sqrt(float(sum(x * x for r in diff for x in r)))
    abs_pairs = [Pair(ar.mat(ar.map_entries(p.A.v, lambda i, j, x: abs(x))), tuple(abs(x) for x in p.b),
                      tuple(abs(x) for x in p.c), ar.mat(ar.map_entries(p.D.v, lambda i, j, x: abs(x))))
                 for p in pairs]
    M = _fro(ar.to_numpy(apply_pairs(ar, abs_pairs, ar.eye(n)).v))
    u = ar.unit_roundoff
    # (d+2) roundings per entry and step, plus u for the decimal strings the layers are written as
    gamma = (d + 2) * u / (1 - (d + 2) * u) + 2 * u
    rounding = math.expm1(2 * len(pairs) * math.log1p(gamma)) * M  # (1+gamma)^(2k) - 1, without cancellation
    slack = 1 + 4 * n * 2.0**-53  # rounding of the norms themselves (evaluated in float64)
    measured = num / Tn
    bound = (num * (1 + u) + rounding) * slack / (Tn * (1 - 4 * n * 2.0**-53))
    return bound, measured
