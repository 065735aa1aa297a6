r"""``check(T, decomposition_json)``: an independent re-multiplication of a JSON decomposition.

It shares no code with the construction or the layer algebra: it parses the strings itself,
builds every layer as a plain matrix and multiplies them.

Scales must be positive (``"regime": "positive"``, the default) or nonzero (``"signed"``).

* ``"arithmetic": "exact"`` -- exact rationals (flint-backed ``DomainMatrix``), holds iff
  ``S^{[sign]} L_1 U_1 \cdots L_k U_k = T`` entry by entry and every ``b_i, c_i > 0``.
* otherwise -- the layers' decimal strings are read exactly and multiplied in ball arithmetic
  (python-flint ``arb``), and the claim holds iff the certified upper bound on
  ``||prod - T||_F / ||T||_F`` is at most the JSON's tolerance and every ``b_i, c_i > 0``. Float
  decompositions with ``2d > 256`` are bounded instead by a rigorous float64 normwise rounding bound
  (:mod:`verify.bounds`, shared with nothing that constructs layers), which is fast but looser.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..io.entries import to_fraction
from ..io.matrix import as_matrix
from ..io.outward import up


class DecompositionFormatError(InputError):
    """The decomposition JSON does not follow the schema."""


@dataclass
class CheckResult:
    ok: bool
    message: str


def _fr(x: Any) -> Fraction:
    try:
        return to_fraction(x)
    except InputError as e:
        raise DecompositionFormatError(f"decomposition: {e}") from None


def check(T_rows: Any, data: dict) -> CheckResult:
    """Whether the decomposition ``data`` (the ``verify decompose --json`` schema) multiplies back
    to ``T_rows`` (anything :func:`~verify.io.as_matrix` accepts), as the module docstring states."""
    M = as_matrix(T_rows)
    n = M.n
    d = n // 2
    try:
        layers = data["layers"]
        arithmetic = data.get("arithmetic", "exact")
        sign = bool(data.get("sign_layer", False))
        raw = [(L["A"], L["b"], L["c"], L["D"]) for L in layers]
    except (KeyError, TypeError) as e:
        raise DecompositionFormatError(f"decomposition JSON lacks the schema's fields ({e})") from None
    if not raw:
        raise DecompositionFormatError("decomposition has no layers")
    for A, b, c, D in raw:
        if not all(isinstance(x, list) for x in (A, b, c, D)) or not all(isinstance(r, list) for r in A + D):
            raise DecompositionFormatError("decomposition layers must be lists (A, D of rows; b, c of numbers)")
        if len(b) != d or len(c) != d or len(A) != d or len(D) != d or any(len(r) != d for r in A + D):
            raise DecompositionFormatError(f"decomposition layers are not of size d = {d} (T is {n} x {n})")
    regime = data.get("regime", "positive")
    digits = int(data.get("digits") or 17)
    if arithmetic != "exact" and n > BALL_MAX_N and digits <= 17:
        floats = _float_pairs(raw)
        if floats is not None:
            return _check_floats(M, floats, sign, regime, float(Fraction(data.get("tolerance", "1e-8"))))
    pairs = [([[_fr(x) for x in r] for r in A], [_fr(x) for x in b], [_fr(x) for x in c], [[_fr(x) for x in r] for r in D])
             for A, b, c, D in raw]
    if regime == "signed":
        if any(x == 0 for _, b, c, _ in pairs for x in b + c):
            return CheckResult(False, "a scale b_i or c_i is zero (signed regime: nonzero)")
    elif any(x <= 0 for _, b, c, _ in pairs for x in b + c):
        return CheckResult(False, "a scale b_i or c_i is not positive")
    T = M.rows
    if arithmetic == "exact":
        return _check_exact(T, pairs, sign)
    tol = float(Fraction(data.get("tolerance", "1e-8")))
    return _check_balls(T, pairs, sign, tol, digits)


#: float decompositions beyond this size are checked by the float64 normwise bound, not by arb balls
BALL_MAX_N = 256


def _float_pairs(raw: list) -> list | None:
    """Every entry as the float64 nearest to its decimal string (numpy's correctly rounded parse),
    or None when some entry is not a plain decimal (then the exact path reads it)."""
    import numpy as np

    out = []
    try:
        for A, b, c, D in raw:
            arrs = [np.array(x, dtype=np.float64) for x in (A, b, c, D)]
            if not all(np.all(np.isfinite(a)) for a in arrs):
                raise DecompositionFormatError("decomposition: an entry is NaN or infinite")
            out.append(arrs)
    except (ValueError, TypeError):
        return None
    return out


def _check_floats(M: Any, pairs: list, sign: bool, regime: str, tol: float) -> CheckResult:
    r"""Large float decompositions: :func:`verify.bounds.normwise_residual`, a rigorous float64 bound
    for the exact values of the decimal strings (each within half an ulp of its float), plus
    ``u \|T\|_F`` when ``T`` itself is not exactly a float64 matrix."""
    import numpy as np

    from ..bounds import normwise_residual

    scales = np.concatenate([np.concatenate([b, c]) for _, b, c, _ in pairs])
    if regime == "signed":
        if np.any(scales == 0):
            return CheckResult(False, "a scale b_i or c_i is zero (signed regime: nonzero)")
    elif np.any(scales <= 0):
        return CheckResult(False, "a scale b_i or c_i is not positive")
    layers = []
    for A, b, c, D in pairs:
        layers += [("L", b, A), ("U", c, D)]
    bound, _ = normwise_residual(layers, M.array, sign)
    if not M.float_exact:
        u = 2.0**-53
        bound = bound * (1 + u) + u * (1 + 1e-6)
    ok = bool(bound <= tol)
    return CheckResult(ok, f"relative residual <= {up(bound)} (certified by a float64 normwise rounding bound) "
                           f"{'<=' if ok else '>'} tolerance {tol:.1e}")


def _layer_rows(d: int, A: list, b: list, c: list, D: list) -> tuple[list, list]:
    z, o = Fraction(0), Fraction(1)
    I = [[o if i == j else z for j in range(d)] for i in range(d)]
    Z = [[z] * d for _ in range(d)]
    diag = lambda v: [[v[i] if i == j else z for j in range(d)] for i in range(d)]  # noqa: E731
    L = [r1 + r2 for r1, r2 in zip(I, Z)] + [r1 + r2 for r1, r2 in zip(A, diag(b))]
    U = [r1 + r2 for r1, r2 in zip(diag(c), D)] + [r1 + r2 for r1, r2 in zip(Z, I)]
    return L, U


def _check_exact(T: list, pairs: list, sign: bool) -> CheckResult:
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    n = len(T)
    d = n // 2
    dm = lambda rows: DomainMatrix([[QQ(x.numerator, x.denominator) for x in r] for r in rows], (n, n), QQ).to_dense()  # noqa: E731
    P = dm([[Fraction(-1 if (i == j == 0 and sign) else int(i == j)) for j in range(n)] for i in range(n)])
    for A, b, c, D in pairs:
        L, U = _layer_rows(d, A, b, c, D)
        P = P * dm(L) * dm(U)
    if P == dm(T):
        return CheckResult(True, f"exact: the product of the {2 * len(pairs)} layers equals T")
    diff = sum(1 for r1, r2 in zip(P.to_list(), dm(T).to_list()) for x, y in zip(r1, r2) if x != y)
    return CheckResult(False, f"exact: the product differs from T in {diff} entries")


def _check_balls(T: list, pairs: list, sign: bool, tol: float, digits: int) -> CheckResult:
    """Ball arithmetic (python-flint arb, 64 bits more than the layers' digits): each decimal
    string is enclosed exactly, the product's radii absorb all rounding, and the claim holds iff the
    upper end of the relative residual's ball is within the tolerance."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = max(256, int(3.33 * digits) + 64)
    try:
        n = len(T)
        d = n // 2
        ball = lambda rows: flint.arb_mat([[flint.arb(x.numerator) / x.denominator for x in r] for r in rows])  # noqa: E731
        P = flint.arb_mat([[(-1 if (i == j == 0 and sign) else int(i == j)) for j in range(n)] for i in range(n)])
        for A, b, c, D in pairs:
            L, U = _layer_rows(d, A, b, c, D)
            P = P * ball(L) * ball(U)
        Tm = ball(T)
        num = flint.arb(0)
        for x in (P - Tm).entries():
            num += x * x
        den = flint.arb(0)
        for x in Tm.entries():
            den += x * x
        rel = (num / den).sqrt()
        upper = math.nextafter(float(rel.upper()), math.inf)  # float() rounds to nearest: step up
        ok = bool(rel.upper() <= flint.arb(tol))
    finally:
        flint.ctx.prec = old
    return CheckResult(ok, f"relative residual <= {up(upper)} (certified by ball arithmetic) "
                           f"{'<=' if ok else '>'} tolerance {tol:.1e}")
