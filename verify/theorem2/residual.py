r"""Residual bounds of a floating-point (float64 or mpmath) decomposition.

For the exact product ``\Pi`` of the layers *as the JSON states them* (their decimal strings), an
upper bound on ``\|\Pi - T\|_F / \|T\|_F`` where ``T`` is the user's matrix, exactly:

* float mode up to ``2d = ARB_MAX_N`` and mp mode at every size: an enclosure in ball arithmetic
  (python-flint ``arb``; :func:`arb_residual`) -- the same computation ``verify check`` does, so
  the bound a decomposition states is the one the checker certifies;
* float mode beyond ``ARB_MAX_N``: the float64 normwise a-posteriori bound
  (:func:`verify.bounds.normwise_residual`), evaluated on the problem scaled by a power of two so
  that no square overflows or underflows, plus the input's rounding when ``T`` is not exactly a
  float64 matrix.

Both are scale invariant: ``T`` and ``2^e T`` get the same bound.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Optional, Sequence

import numpy as np

from ..algebra.arith import Arithmetic, Mat
from ..algebra.layers import Pair
from ..bounds.normwise import normwise_residual
from ..io.entries import to_fraction
from ..io.outward import arb_endpoint, float_or_exact_up

#: float mode encloses the exact residual with arb balls up to this size (beyond: the rounding bound)
ARB_MAX_N = 256


def _precision(ar: Arithmetic) -> int:
    """Working bits of the enclosure: 256, or 128 more than an mp context's precision."""
    return max(256, (ar.precision_bits or 0) + 128)


def _arb(ar: Arithmetic, x: Any, values: str = "decimal") -> Any:
    """A ball around the exact value of ``x``: a ``Fraction`` (an entry of ``T``), or a layer entry,
    either as the decimal string the JSON states for it (``values="decimal"``, what a reader of the
    JSON text multiplies) or as the binary number the decomposition holds (``"binary"``, what the
    Python object and an ``.npz`` carry)."""
    import flint

    if isinstance(x, Fraction):
        return flint.arb(flint.fmpq(x.numerator, x.denominator))
    if values == "binary":
        if ar.float64_arrays:
            return flint.arb(float(x))  # a float64 is an arb exactly
        q = to_fraction(x)  # mpmath numbers read exactly, as every input is
        return flint.arb(flint.fmpq(q.numerator, q.denominator))
    return flint.arb(ar.to_str(x))


def arb_residual(ar: Arithmetic, pairs: Sequence[Pair], T: Any, sign_layer: bool, values: str = "both"
                 ) -> tuple[float, float]:
    r"""``(bound, measured)``: a rigorous upper bound on ``\|[S] L_1 U_1 \cdots L_k U_k - T\|_F /
    \|T\|_F`` and the midpoint of the same ball, by ball arithmetic (python-flint ``arb_mat``).

    ``values``: the layers as the binary numbers the decomposition holds (``"binary"``: the Python
    object, an ``.npz``), as the decimal strings the JSON states (``"decimal"``: what the checker
    reads from the text), or ``"both"`` (the default: the larger of the two enclosures, so the stated
    bound holds for the object and for every file written from it; the decimals alone gave 2.20e-16
    for the float layers of the 2 x 2 identity, whose binary product is off by 3.25e-16). ``T`` is either exact rows
    (``Fraction``, the user's matrix) or an arithmetic matrix, taken at the exact binary values it
    stores. The product is
    formed by block updates, ``U(c, D) M = [c M_1 + D M_2; M_2]`` and ``L(A, b) M = [M_1; A M_1 + b M_2]``:
    ``d x d`` times ``d x 2d`` products only. ``arb`` has no exponent range, so ``T`` of any scale is
    fine."""
    if values == "both":
        if ar.exact:
            return arb_residual(ar, pairs, T, sign_layer, "decimal")
        dec, binary = (arb_residual(ar, pairs, T, sign_layer, v) for v in ("decimal", "binary"))
        return max(dec[0], binary[0]), binary[1]
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = _precision(ar)
    try:
        rows = T if isinstance(T, list) else [[to_fraction(x) for x in r] for r in T.rows()]  # exact binary values
        n = len(rows)
        d = n // 2
        ball = lambda M: flint.arb_mat([[_arb(ar, x, values) for x in r] for r in M])  # noqa: E731
        diag = lambda v: flint.arb_mat([[_arb(ar, v[i], values) if i == j else 0 for j in range(d)]  # noqa: E731
                                        for i in range(d)])
        M1 = flint.arb_mat([[int(i == j) for j in range(n)] for i in range(d)])
        M2 = flint.arb_mat([[int(i + d == j) for j in range(n)] for i in range(d)])
        for p in reversed(pairs):
            M1 = diag(p.c) * M1 + ball(p.D.rows()) * M2
            M2 = ball(p.A.rows()) * M1 + diag(p.b) * M2
        Tb = ball(rows)
        num, den = flint.arb(0), flint.arb(0)
        for i in range(n):
            for j in range(n):
                t = Tb[i, j]
                p = M1[i, j] if i < d else M2[i - d, j]
                if sign_layer and i == 0:  # S P - T = S (P - S T)
                    t = -t
                a = (p - t).abs_upper()  # a ball of x*x may reach below 0; an upper bound of |x| may not
                num += a * a
                den += t * t
        if not den > 0:
            return math.inf, math.inf
        rel = num.sqrt() / den.sqrt()
        upper = float_or_exact_up(arb_endpoint(rel.upper()))  # exact when float64 would underflow
        return upper, min(float(rel.mid()), upper)
    finally:
        flint.ctx.prec = old


def _scaled_float(pairs: Sequence[Pair], T: np.ndarray) -> Optional[tuple[list, np.ndarray]]:
    """Layers and ``T`` multiplied by ``2^{-e}`` (``2^e`` about ``max |T_ij|``), the first pair's
    ``b, c, D`` with ``T``: ``2^{-e} [S] \\Pi - 2^{-e} T`` is the scaled residual exactly, when every
    scaled entry is exact (None otherwise: a scaled entry would underflow)."""
    e = math.frexp(float(np.abs(T).max()))[1]
    layers = []
    for i, p in enumerate(pairs):
        b, c, D = np.asarray(p.b, dtype=float), np.asarray(p.c, dtype=float), p.D.v
        if i == 0 and e:
            scaled = [np.ldexp(x, -e) for x in (b, c, D)]
            if any(not np.array_equal(np.ldexp(s, e), x) for s, x in zip(scaled, (b, c, D))):
                return None
            b, c, D = scaled
        layers += [("L", b, p.A.v), ("U", c, D)]
    Ts = np.ldexp(T, -e)
    if not np.array_equal(np.ldexp(Ts, e), T):
        return None
    return layers, Ts


def residual_bound(ar: Arithmetic, T: Mat, pairs: Sequence[Pair], sign_layer: bool,
                   exact: Optional[list[list[Fraction]]] = None, input_exact: bool = True) -> tuple[float, float]:
    """``(bound, measured)`` for ``||prod - T||_F / ||T||_F`` (see the module docstring), about the
    exact rows ``exact`` when given (the user's ``T``), else about ``T`` as stored in ``ar``
    (``input_exact``: whether that is the user's ``T``)."""
    n = T.shape[0]
    if ar.float64_arrays and n > ARB_MAX_N:  # its evaluation pass is the measured product
        scaled = _scaled_float(pairs, T.v)
        if scaled is None:
            layers = []
            for p in pairs:
                layers += [("L", np.asarray(p.b, dtype=float), p.A.v), ("U", np.asarray(p.c, dtype=float), p.D.v)]
            bound, measured = normwise_residual(layers, T.v, sign_layer)
        else:
            bound, measured = normwise_residual(*scaled, sign_layer)
        if not input_exact:  # ||T_rounded - T||_F <= u ||T||_F: the bound is about the user's T
            u = ar.unit_roundoff
            bound = bound * (1 + u) + u * (1 + 1e-6)
        return bound, measured
    bound, measured = arb_residual(ar, pairs, exact if exact is not None else T, sign_layer)
    if exact is None and not input_exact:
        u = ar.unit_roundoff
        bound = bound * (1 + u) + u * (1 + 1e-6)
    return bound, measured
