r"""``check(T, decomposition_json)``: an independent re-multiplication of a JSON decomposition.

It shares no code with the construction or the layer algebra: it parses the strings itself,
builds every layer as a plain matrix and multiplies them.

It decides by the caller's terms, never by the file's: the regime (``"positive"``, the default:
every ``b_i, c_i > 0``; ``"signed"``: nonzero) and the tolerance ``tol`` on the relative residual
``\|[S] L_1 U_1 \cdots L_k U_k - T\|_F / \|T\|_F`` (default: the standard bound of the file's
arithmetic, never above ``1e-6``). What the file says about itself -- ``tolerance``, ``residual``,
``k``, ``d``, ``regime``, ``verified`` -- is a claim: compared with what is found and reported, and
a false ``k``, ``d`` or ``residual`` fails the check.

* exact layers (``"arithmetic": "exact"``) or ``tol = 0`` -- exact rationals (flint-backed
  ``DomainMatrix``): the product must equal ``T`` entry by entry;
* otherwise -- the layers' decimal strings are read exactly and multiplied in ball arithmetic
  (python-flint ``arb``), and the check holds iff the upper end of the enclosure of the relative
  residual is at most ``tol``. Float decompositions with ``2d > 256`` are bounded instead by a
  rigorous float64 normwise rounding bound (:mod:`verify.bounds`, shared with nothing that
  constructs layers), which is fast but looser.

The input may also be a ``verify depth --json`` result (its ``decomposition``) or a
``verify counterexample --json`` file (its ``k3``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import InputError
from ..io.entries import to_fraction
from ..io.matrix import as_matrix
from ..io.outward import down, up


class DecompositionFormatError(InputError):
    """The decomposition JSON does not follow the schema."""


@dataclass
class CheckResult:
    """The verdict. ``claims`` lists what the file says that disagrees with the check (a false ``k``,
    ``d`` or ``residual`` makes ``ok`` false; a different ``tolerance`` or ``regime`` is only noted)."""

    ok: bool
    message: str
    claims: list[str] = field(default_factory=list)


#: the tolerance that ``check`` never exceeds by default, whatever the file's arithmetic
MAX_DEFAULT_TOL = 1e-6
#: a ``digits`` claim beyond this is refused as malformed
MAX_DIGITS = 100_000
ARITHMETICS = ("exact", "mp", "float")
REGIMES = ("positive", "signed")


def _fr(x: Any) -> Fraction:
    try:
        return to_fraction(x)
    except InputError as e:
        raise DecompositionFormatError(f"decomposition: {e}") from None


def _claim_number(data: dict, key: str) -> Fraction | None:
    """A numeric claim of the file (``tolerance``, ``residual``): None when absent or null, else a
    finite number >= 0; anything else is malformed."""
    x = data.get(key)
    if x is None:
        return None
    try:
        q = to_fraction(x)
    except InputError:
        raise DecompositionFormatError(f"decomposition: {key} {str(x)[:40]!r} is not a finite number") from None
    if q < 0:
        raise DecompositionFormatError(f"decomposition: {key} {str(x)[:40]!r} is negative")
    return q


def default_tolerance(arithmetic: str, digits: int | None) -> float:
    """The arithmetic's standard bound, as ``verify decompose`` uses it: 0 (exact equality) for exact
    layers, ``1e-8`` for float64, ``10^{-digits/2}`` for mp; never above :data:`MAX_DEFAULT_TOL`."""
    if arithmetic == "exact":
        return 0.0
    if arithmetic == "mp" and digits is not None:
        return min(MAX_DEFAULT_TOL, 10.0 ** (-(digits // 2)))
    return min(MAX_DEFAULT_TOL, 1e-8)


def _unwrap(data: Any) -> dict:
    """The decomposition inside ``data``: itself, the ``decomposition`` member of a ``verify depth
    --json`` result, or the ``k3`` member of a ``verify counterexample --json`` file; objects with a
    ``to_json()`` method (a :class:`~verify.theorem3.Counterexample`) are serialised first."""
    if not isinstance(data, dict) and hasattr(data, "to_json"):
        data = data.to_json()
    if not isinstance(data, dict):
        raise DecompositionFormatError("a decomposition is a JSON object")
    if "layers" not in data and "per_k" in data:
        if not isinstance(data.get("decomposition"), dict):
            raise DecompositionFormatError("this 'verify depth' result carries no decomposition")
        return data["decomposition"]
    if "layers" not in data and isinstance(data.get("k3"), dict):
        return data["k3"]
    return data


def check(T_rows: Any, data: Any, *, tol: float | None = None, regime: str = "positive") -> CheckResult:
    """Whether the decomposition ``data`` (the ``verify decompose --json`` schema, or a result that
    carries one) multiplies back to ``T_rows`` (anything :func:`~verify.io.as_matrix` accepts), with
    every scale positive (``regime="positive"``) or nonzero (``"signed"``), and a relative residual
    at most ``tol`` (default :func:`default_tolerance` of the file's arithmetic; ``tol = 0`` asks for
    exact equality). The file's ``tolerance``, ``residual``, ``k``, ``d``, ``regime`` and
    ``verified`` are claims: compared with what is found, never used to decide."""
    if regime not in REGIMES:
        raise DecompositionFormatError(f"regime must be 'positive' or 'signed', not {regime!r}")
    if tol is not None and not (tol >= 0 and math.isfinite(tol)):
        raise DecompositionFormatError(f"tolerance {tol!r} is not a finite number >= 0")
    data = _unwrap(data)
    M = as_matrix(T_rows)
    n = M.n
    d = n // 2
    try:
        layers = data["layers"]
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
    arithmetic = data.get("arithmetic", "exact")
    if arithmetic not in ARITHMETICS:
        raise DecompositionFormatError(f"arithmetic {str(arithmetic)[:40]!r} is not one of {', '.join(ARITHMETICS)}")
    sign = data.get("sign_layer", False)
    if not isinstance(sign, bool):
        raise DecompositionFormatError("sign_layer must be true or false")
    digits = data.get("digits")
    if digits is not None and (not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= MAX_DIGITS):
        raise DecompositionFormatError(f"digits must be an integer in 1..{MAX_DIGITS} or null")
    claimed_tol, claimed_residual = _claim_number(data, "tolerance"), _claim_number(data, "residual")
    used_tol = default_tolerance(arithmetic, digits) if tol is None else float(tol)
    notes = _structural_claims(data, d, len(raw), regime)
    if any(n.startswith("!") for n in notes):
        bad = [n[1:] for n in notes if n.startswith("!")]
        return CheckResult(False, "the file's claims are false: " + "; ".join(bad), [n.lstrip("!") for n in notes])
    exact_check = arithmetic == "exact" or used_tol == 0  # equality decides: no tolerance is involved
    if claimed_tol is not None and float(claimed_tol) != used_tol and not exact_check:
        notes.append(f"the file's tolerance {data['tolerance']} was not used: decided against {used_tol:.1e}")
    result = _decide(M, raw, arithmetic, sign, regime, used_tol)
    if result.ok and data.get("verified") is False:
        notes.append("the file says 'verified': false; it holds on these terms")
    if claimed_residual is not None and result.lower is not None and claimed_residual < result.lower:
        notes.append(f"the file claims residual <= {data['residual']}, but the residual is at least "
                     f"{down(result.lower)}")
        return CheckResult(False, result.message + "; the file's residual claim is false", notes)
    return CheckResult(result.ok, result.message, notes)


def _structural_claims(data: dict, d: int, k: int, regime: str) -> list[str]:
    """Claims about the shape (``k``, ``d``) and ``regime``; a false shape claim is marked ``!``."""
    out = []
    if "k" in data and data["k"] != k:
        out.append(f"!the file says k = {str(data['k'])[:20]} but lists {k} pairs")
    if "d" in data and data["d"] != d:
        out.append(f"!the file says d = {str(data['d'])[:20]} but T is {2 * d} x {2 * d}")
    claimed = data.get("regime")
    if claimed is not None and claimed not in REGIMES:
        raise DecompositionFormatError(f"regime {str(claimed)[:40]!r} is not 'positive' or 'signed'")
    if claimed is not None and claimed != regime:
        out.append(f"the file says regime {claimed}; checked in the {regime} regime")
    return out


@dataclass
class _Found:
    ok: bool
    message: str
    lower: float | None = None  # a lower bound of the relative residual, when one is known


def _decide(M: Any, raw: list, arithmetic: str, sign: bool, regime: str, tol: float) -> _Found:
    n = M.n
    if arithmetic == "float" and tol > 0 and n > BALL_MAX_N:  # mp layers need the balls: more than 17 digits
        floats = _float_pairs(raw)
        if floats is not None:
            return _check_floats(M, floats, sign, regime, tol)
    pairs = [([[_fr(x) for x in r] for r in A], [_fr(x) for x in b], [_fr(x) for x in c], [[_fr(x) for x in r] for r in D])
             for A, b, c, D in raw]
    if regime == "signed":
        if any(x == 0 for _, b, c, _ in pairs for x in b + c):
            return _Found(False, "a scale b_i or c_i is zero (signed regime: nonzero)")
    elif any(x <= 0 for _, b, c, _ in pairs for x in b + c):
        return _Found(False, "a scale b_i or c_i is not positive (positive regime; --regime signed accepts "
                             "nonzero scales)")
    if arithmetic == "exact" or tol == 0:
        return _check_exact(M.rows, pairs, sign)
    width = max(len(str(x)) for A, b, c, D in raw for x in [*b, *c, *(y for r in A + D for y in r)])
    return _check_balls(M.rows, pairs, sign, tol, width)


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


def _check_floats(M: Any, pairs: list, sign: bool, regime: str, tol: float) -> _Found:
    r"""Large float decompositions: :func:`verify.bounds.normwise_residual`, a rigorous float64 bound
    for the exact values of the decimal strings (each within half an ulp of its float), plus
    ``u \|T\|_F`` when ``T`` itself is not exactly a float64 matrix."""
    import numpy as np

    from ..bounds import normwise_residual

    scales = np.concatenate([np.concatenate([b, c]) for _, b, c, _ in pairs])
    if regime == "signed":
        if np.any(scales == 0):
            return _Found(False, "a scale b_i or c_i is zero (signed regime: nonzero)")
    elif np.any(scales <= 0):
        return _Found(False, "a scale b_i or c_i is not positive (positive regime; --regime signed accepts "
                             "nonzero scales)")
    layers = []
    for A, b, c, D in pairs:
        layers += [("L", b, A), ("U", c, D)]
    bound, _ = normwise_residual(layers, M.array, sign)
    if not M.float_exact:
        u = 2.0**-53
        bound = bound * (1 + u) + u * (1 + 1e-6)
    ok = bool(bound <= tol)
    return _Found(ok, f"relative residual <= {up(bound)} (certified by a float64 normwise rounding bound) "
                      f"{'<=' if ok else '>'} tolerance {tol:.1e}")


def _layer_rows(d: int, A: list, b: list, c: list, D: list) -> tuple[list, list]:
    z, o = Fraction(0), Fraction(1)
    I = [[o if i == j else z for j in range(d)] for i in range(d)]
    Z = [[z] * d for _ in range(d)]
    diag = lambda v: [[v[i] if i == j else z for j in range(d)] for i in range(d)]  # noqa: E731
    L = [r1 + r2 for r1, r2 in zip(I, Z)] + [r1 + r2 for r1, r2 in zip(A, diag(b))]
    U = [r1 + r2 for r1, r2 in zip(diag(c), D)] + [r1 + r2 for r1, r2 in zip(Z, I)]
    return L, U


def _check_exact(T: list, pairs: list, sign: bool) -> _Found:
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
        return _Found(True, f"exact: the product of the {2 * len(pairs)} layers equals T", 0.0)
    diff = sum(1 for r1, r2 in zip(P.to_list(), dm(T).to_list()) for x, y in zip(r1, r2) if x != y)
    return _Found(False, f"exact: the product differs from T in {diff} entries")


def _check_balls(T: list, pairs: list, sign: bool, tol: float, width: int) -> _Found:
    """Ball arithmetic (python-flint arb, 64 bits more than the longest entry's characters need):
    each decimal string is enclosed exactly, the product's radii absorb all rounding, and the claim
    holds iff the upper end of the relative residual's enclosure is within the tolerance. The lower
    end is kept to test the file's residual claim."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = max(256, int(3.33 * width) + 64)
    try:
        n = len(T)
        d = n // 2
        ball = lambda rows: flint.arb_mat([[flint.arb(x.numerator) / x.denominator for x in r] for r in rows])  # noqa: E731
        P = flint.arb_mat([[(-1 if (i == j == 0 and sign) else int(i == j)) for j in range(n)] for i in range(n)])
        for A, b, c, D in pairs:
            L, U = _layer_rows(d, A, b, c, D)
            P = P * ball(L) * ball(U)
        Tm = ball(T)
        hi, lo, den_hi, den_lo = flint.arb(0), flint.arb(0), flint.arb(0), flint.arb(0)
        for x in (P - Tm).entries():
            hi += x.abs_upper() ** 2  # |x| <= abs_upper: a square of the ball itself may reach below 0
            lo += x.abs_lower() ** 2
        for x in Tm.entries():
            den_hi += x.abs_upper() ** 2
            den_lo += x.abs_lower() ** 2
        upper_ball = (hi / den_lo).sqrt()
        upper = math.nextafter(float(upper_ball.upper()), math.inf)  # float() rounds to nearest: step up
        lower = max(0.0, math.nextafter(float((lo / den_hi).sqrt().lower()), -math.inf))
        ok = bool(upper_ball.upper() <= flint.arb(tol))
    finally:
        flint.ctx.prec = old
    return _Found(ok, f"relative residual <= {up(upper)} (certified by ball arithmetic) "
                      f"{'<=' if ok else '>'} tolerance {tol:.1e}", lower)
