r"""A linear flow from a Theorem 2 decomposition, evaluated in float64 with a stated error, or refused.

``T = [S] L_1 U_1 \cdots L_k U_k``: the flow's forward map applies ``U_k`` first and ``L_1`` (then the
sign layer ``S = diag(-1, 1, ..., 1)``, if any) last, so ``forward(z) = T z``. The layers' numbers may
be exact rationals, mp decimals of any length, or float64; the flow holds float64 copies. Its
forward matrix ``F`` (the flow applied to the identity) is therefore not the layers' product ``\Pi``,
and for ill-conditioned layers it can be far from it (an mp decomposition with layer condition
``10^{18}`` gave a forward map off by a relative ``5 \cdot 10^5``). So the flow is measured before it
is returned: ``error`` is an upper bound on ``\|F - \Pi\|_F / \|\Pi\|_F``, ``\Pi`` the exact product of
the numbers the decomposition states, computed in ball arithmetic (python-flint ``arb``) for
``2d \le 256``, and beyond that by a rigorous float64 normwise bound when the numbers are binary floats
(:func:`verify.bounds.normwise_interval`); only exact or mp numbers beyond ``2d = 256`` get an estimate, a
long-double re-evaluation (``error_kind`` says which).
Above ``max_error`` (default ``10^{-8}``) the flow is refused with one line.
"""
from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..flows.base import ComposedTransform, FlowInputError, Transform
from ..flows.linear import LinearL, LinearU
from ..io.entries import to_fraction, unlimited_int_digits

#: the default bound on the flow's relative error against the layers' exact product
MAX_ERROR = 1e-8
#: the flow's error is enclosed in ball arithmetic up to this size (beyond: a normwise bound, or an estimate)
BALL_MAX_N = 256


class MeasuredLinearFlow(ComposedTransform):
    """The composed linear layers, with ``error`` (a bound on the forward matrix's relative error
    against the exact product of the decomposition's numbers) and ``error_kind`` (``"certified"``:
    ball arithmetic or the normwise float64 bound; ``"estimated"``: a long-double re-evaluation)."""

    error: float
    error_kind: str


def _layers_of(dec: Any) -> tuple[list[tuple[Any, Any, Any, Any]], bool]:
    if isinstance(dec, (str, Path)) and Path(dec).suffix.lower() == ".npz":
        from ..io.npz import read_decomposition

        try:
            dec = read_decomposition(dec, arrays=True)  # float layers stay float64 arrays
        except ValueError as e:
            raise FlowInputError(str(e)) from None
    elif isinstance(dec, (str, Path)):
        try:
            text = Path(dec).read_text(encoding="utf-8")
            dec = json.loads(text, parse_float=str)  # decimals kept as their text
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise FlowInputError(
                f"cannot read a decomposition from {str(dec)[:80]}: {' '.join(str(e).split())[:120]}"
            ) from None
    if isinstance(dec, dict) and "layers" not in dec and "per_k" in dec:  # `verify depth --json`
        dec = dec.get("decomposition")
    elif not isinstance(dec, dict) and hasattr(dec, "per_k"):  # a DepthResult
        dec = dec.decomposition
    if dec is None:
        raise FlowInputError("this depth result carries no decomposition (no k was found)")
    if isinstance(dec, dict):
        try:
            pairs = [(L["A"], L["b"], L["c"], L["D"]) for L in dec["layers"]]
        except (KeyError, TypeError):
            raise FlowInputError("not a decomposition: expected {'layers': [{'A', 'b', 'c', 'D'}, ...]}") from None
        return pairs, bool(dec.get("sign_layer", False))
    if not hasattr(dec, "pairs"):
        raise FlowInputError(f"not a decomposition: {type(dec).__name__}")
    return [(p.A.rows(), p.b, p.c, p.D.rows()) for p in dec.pairs], bool(dec.sign_layer)


def _exact(v: Any) -> Fraction:
    """One number of the decomposition, exactly (the input layer's reader: ``"p/q"``, decimal text of
    any length, ints, floats, mpmath and flint numbers)."""
    with unlimited_int_digits():
        return to_fraction(v)


def _to_float(v: Any) -> float:
    """The nearest float64 (``inf`` beyond its range, refused by the caller)."""
    if isinstance(v, float):  # a float (numpy's float64 too) is its own nearest float: no Fraction needed
        return float(v)
    q = _exact(v)
    try:
        return float(q)  # Fraction -> float is correctly rounded
    except OverflowError:
        return math.copysign(math.inf, q)


def _ball(v: Any) -> Any:
    """A ball (python-flint arb) around the exact value of one number of the decomposition."""
    import flint

    if isinstance(v, float) and math.isfinite(v):  # arb holds a double exactly
        return flint.arb(float(v))
    q = _exact(v)
    return flint.arb(flint.fmpq(flint.fmpz(q.numerator), flint.fmpz(q.denominator)))


def from_decomposition(dec: Any, *, max_error: float = MAX_ERROR) -> MeasuredLinearFlow:
    r"""The linear flow of a Theorem 2 decomposition (a :func:`verify.decompose` result, its JSON as a
    dict or a path, or a ``verify depth`` result or its JSON): ``forward(z) = T z`` (module
    docstring). Its ``error`` bounds ``\|F - \Pi\|_F / \|\Pi\|_F``; above ``max_error`` the layers are
    too ill-conditioned for a float64 flow and :class:`~verify.flows.base.FlowInputError` says so.
    (This lives with Theorem 2, not in :mod:`verify.flows`, so that it reads the numbers with the
    input layer's exact reader; the flow core stays independent of the constructions.)"""
    pairs, sign = _layers_of(dec)
    binary = [True]  # cleared by _floats when some number is not a binary float
    fl = [tuple(_floats(x, binary) for x in pair) for pair in pairs]  # (A, b, c, D) in float64, one pass
    layers: list[Transform] = []
    with np.errstate(all="ignore"):
        for A, b, c, D in reversed(fl):
            layers.append(LinearU(c, D))
            layers.append(LinearL(A, b))
    n = layers[0].n
    if sign:
        layers.append(LinearU(np.r_[-1.0, np.ones(n // 2 - 1)], np.zeros((n // 2, n // 2))))
    flow = MeasuredLinearFlow(*layers)
    with np.errstate(all="ignore"):
        F = flow.forward_and_log_det(np.eye(n))[0].T  # rows of the identity: column j is T e_j
    if not np.all(np.isfinite(F)):
        raise FlowInputError("the layers exceed float64's range: no float64 flow carries them")
    if n <= BALL_MAX_N:
        flow.error, flow.error_kind = _ball_error(pairs, sign, F), "certified"
    elif binary[0]:  # the flow holds the numbers themselves: the normwise bound is rigorous for them
        flow.error, flow.error_kind = _normwise_error(fl, sign, F), "certified"
    else:
        flow.error, flow.error_kind = _longdouble_error(layers, F), "estimated"
    if not flow.error <= max_error:
        raise FlowInputError(f"as a float64 flow these layers are off by a relative {flow.error:.2e} "
                             f"({flow.error_kind}) from their exact product, above max_error = {max_error:.1e}: "
                             f"they are too ill-conditioned for float64 (the stable method's layers are not)")
    return flow


def _ball_error(pairs: list, sign: bool, F: np.ndarray) -> float:
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        d = len(pairs[0][1])
        n = 2 * d
        mat = lambda rows: flint.arb_mat([[_ball(x) for x in r] for r in rows])  # noqa: E731
        diag = lambda v: flint.arb_mat([[_ball(v[i]) if i == j else 0 for j in range(d)] for i in range(d)])  # noqa: E731
        M1 = flint.arb_mat([[int(i == j) for j in range(n)] for i in range(d)])
        M2 = flint.arb_mat([[int(i + d == j) for j in range(n)] for i in range(d)])
        for A, b, c, D in reversed(pairs):
            M1 = diag(c) * M1 + mat(D) * M2
            M2 = mat(A) * M1 + diag(b) * M2
        num, den = flint.arb(0), flint.arb(0)
        for i in range(n):
            for j in range(n):
                p = M1[i, j] if i < d else M2[i - d, j]
                if sign and i == 0:
                    p = -p
                a = (flint.arb(float(F[i, j])) - p).abs_upper()
                num += a * a
                den += p.abs_lower() ** 2
        if not den > 0:
            return math.inf
        return math.nextafter(float((num.sqrt() / den.sqrt()).upper()), math.inf)
    finally:
        flint.ctx.prec = old


def _floats(x: Any, binary: list[bool]) -> np.ndarray:
    """A vector or matrix of the decomposition as float64 (each number's nearest float), clearing
    ``binary[0]`` when some number is not already a binary float (then the flow holds roundings).
    A float64 array is taken as it is (its numbers are binary floats)."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    matrix = len(x) > 0 and isinstance(x[0], (list, tuple, np.ndarray))
    numbers = [v for r in x for v in r] if matrix else list(x)
    if binary[0] and not all(isinstance(v, float) for v in numbers):
        binary[0] = False
    out = np.array([_to_float(v) for v in numbers], dtype=np.float64)
    return out.reshape(len(x), -1) if matrix else out


def _normwise_error(pairs: list, sign: bool, F: np.ndarray) -> float:
    r"""A rigorous bound on ``\|F - \Pi\|_F / \|\Pi\|_F`` for float layers beyond ball arithmetic's sizes:
    :func:`verify.bounds.normwise_interval` bounds ``e \ge \|\Pi - F\|_F / \|F\|_F`` with BLAS products, and
    ``\|\Pi\|_F \ge \|F\|_F - \|\Pi - F\|_F`` turns it into ``e / (1 - e)``."""
    from ..bounds.normwise import normwise_interval

    layers = []
    for A, b, c, D in pairs:  # float64 arrays, product order: L_1, U_1, ..., L_k, U_k
        layers += [("L", b, A), ("U", c, D)]
    _, e, _ = normwise_interval(layers, F, sign)
    return math.nextafter(e / (1 - e), math.inf) if e < 1 else math.inf


def _longdouble_error(layers: list[Transform], F: np.ndarray) -> float:
    """``\\|F - F_{ld}\\|_F / \\|F_{ld}\\|_F`` with ``F_{ld}`` the same product in long double: an estimate."""
    n = F.shape[0]
    X = np.eye(n, dtype=np.longdouble)
    d = n // 2
    for layer in layers:  # forward order: U_k first
        s = np.asarray(layer.params[layer.scale_name], dtype=np.longdouble)
        B = np.asarray(layer.params[layer.block_name], dtype=np.longdouble)
        if layer.updates_second:
            X[d:] = B @ X[:d] + s[:, None] * X[d:]
        else:
            X[:d] = s[:, None] * X[:d] + B @ X[d:]
    return float(np.linalg.norm((F - X).astype(float)) / np.linalg.norm(X.astype(float)))
