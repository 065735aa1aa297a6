r"""Residual bounds of a floating-point (float64 or mpmath) decomposition.

For the exact product ``\Pi`` of the returned (rounded) layers, an upper bound on
``\|\Pi - T\|_F / \|T\|_F``: float mode up to ``2d = ARB_MAX_N`` encloses it in ball arithmetic
(python-flint ``arb``, about the decimal strings the JSON states); otherwise it is the measured
residual plus the standard rounding bound ``((1+\gamma_{d+2})^{2k} - 1)\,\| |L_1||U_1|\cdots|U_k| \|_F``
of the evaluation (Higham, *Accuracy and Stability of Numerical Algorithms*, 3.5).
"""
from __future__ import annotations

import math

import numpy as np

from ..algebra.arith import Arithmetic, Mat
from ..algebra.layers import Pair, apply_pairs, flip_first_row, layer_matrices

#: float mode encloses the exact residual with arb balls up to this size (beyond: the rounding bound)
ARB_MAX_N = 512


def arb_residual(layers: list[list[list[str]]], T: np.ndarray, sign_layer: bool) -> float:
    r"""A rigorous upper bound on ``\|[S] M_1 \cdots M_m - T\|_F / \|T\|_F`` where the layers are given
    as the decimal strings the JSON states, by ball arithmetic (python-flint ``arb_mat``, 256 bits):
    each string becomes a ball containing its exact decimal value, and the radii of the product
    absorb all rounding. (A shortest round-trip decimal differs from the stored binary float by up to
    half an ulp, so the bound must be about the strings, which is what ``verify check`` reads.)"""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        mats = [[[flint.arb(x) for x in r] for r in M] for M in layers]
        if sign_layer:
            mats[0][0] = [-x for x in mats[0][0]]
        P = flint.arb_mat(mats[0])
        for M in mats[1:]:
            P = P * flint.arb_mat(M)
        num = flint.arb(0)
        for x in (P - flint.arb_mat(T.tolist())).entries():
            num += x * x
        den = flint.arb(0)
        for v in T.ravel().tolist():
            den += flint.arb(v) ** 2
        return math.nextafter(float((num.sqrt() / den.sqrt()).upper()), math.inf)  # round the bound up
    finally:
        flint.ctx.prec = old


def residual_bound(ar: Arithmetic, T: Mat, pairs: list[Pair], sign_layer: bool) -> tuple[float, float]:
    """``(bound, measured)`` for ``||prod - T||_F / ||T||_F`` (see the module docstring).

    Float mode up to ``2d = ARB_MAX_N``: the bound is an arb enclosure of the exact residual of the
    returned layers (tight). Otherwise: measured residual plus the a-priori rounding bound."""
    n = T.shape[0]
    d = n // 2
    P = apply_pairs(ar, pairs, ar.eye(n))
    if sign_layer:
        P = flip_first_row(ar, P)
    R = ar.to_numpy((P - T).v) if ar.name == "float" else None
    if R is None:  # mp: measure in mp, then round the norm up generously
        diff = (P - T).rows()
        num = math.sqrt(float(sum(x * x for r in diff for x in r)))
    else:
        num = float(np.linalg.norm(R))
    Tn = float(np.linalg.norm(ar.to_numpy(T.v)))
    abs_pairs = [Pair(ar.mat(ar.map_entries(p.A.v, lambda i, j, x: abs(x))), tuple(abs(x) for x in p.b),
                      tuple(abs(x) for x in p.c), ar.mat(ar.map_entries(p.D.v, lambda i, j, x: abs(x))))
                 for p in pairs] if ar.name != "float" else \
        [Pair(ar.mat(np.abs(p.A.v)), tuple(abs(x) for x in p.b), tuple(abs(x) for x in p.c), ar.mat(np.abs(p.D.v)))
         for p in pairs]
    M = float(np.linalg.norm(ar.to_numpy(apply_pairs(ar, abs_pairs, ar.eye(n)).v)))
    u = ar.unit_roundoff
    # (d+2) roundings per entry and step, plus u for the decimal strings the layers are written as
    gamma = (d + 2) * u / (1 - (d + 2) * u) + 2 * u
    rounding = math.expm1(2 * len(pairs) * math.log1p(gamma)) * M  # (1+gamma)^(2k) - 1, without cancellation
    slack = 1 + 4 * n * 2.0**-53  # rounding of the norms themselves (evaluated in float64)
    measured = num / Tn
    bound = (num * (1 + u) + rounding) * slack / (Tn * (1 - 4 * n * 2.0**-53))
    if ar.name == "float" and n <= ARB_MAX_N and bound > 1e-14:
        layers = [ar.to_strings(M) for M in layer_matrices(ar, pairs)]
        bound = min(bound, arb_residual(layers, T.v, sign_layer))
    return bound, measured
