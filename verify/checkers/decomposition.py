r"""``check(T, decomposition_json)``: an independent re-multiplication of a JSON decomposition.

It shares no code with the construction or the layer algebra: it parses the strings itself,
builds every layer as a plain matrix and multiplies them.

It decides by the caller's terms, never by the file's: the regime (``"positive"``, the default:
every ``b_i, c_i > 0``; ``"signed"``: nonzero) and the tolerance ``tol`` on the relative residual
``\|[S] L_1 U_1 \cdots L_k U_k - T\|_F / \|T\|_F``. The default tolerance is fixed per kind of
layer number, and the kind is read from the numbers, never from the file's labels
(:func:`layer_kind`): equality for exact rationals (any ``p/q`` entry, or integers only),
``10^{-8}`` for decimals of at most 17 significant digits (float64), ``10^{-\lfloor (D-3)/2\rfloor}``
for ``D``-digit decimals (mp), never above ``10^{-8}``; tolerances are exact rationals, so
``10^{-500}`` does not underflow. What the file says about itself -- ``arithmetic``, ``digits``,
``tolerance``, ``residual``, ``k``, ``d``, ``regime``, ``verified`` -- is a claim: compared with
what is found and reported, and a false ``k``, ``d`` or ``residual`` fails the check (the residual
claim is tested against a rigorous lower bound of the residual on every path).

* exact layers or ``tol = 0`` -- exact rationals (python-flint ``fmpq_mat``): the product must
  equal ``T`` entry by entry (with ``tol > 0``, an unequal product is then bounded by balls);
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
import re
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from typing import Any

from ..errors import InputError
from ..io.entries import to_fmpq, to_fraction
from ..io.matrix import as_matrix
from ..io.outward import arb_endpoint, down, up
from ..vocabulary import FLOAT_TOLERANCE, REGIMES, Regime, mp_tolerance, validated_regime


class DecompositionFormatError(InputError):
    """The decomposition JSON does not follow the schema."""


@dataclass
class CheckResult:
    """The verdict. ``claims`` lists what the file says that disagrees with the check (a false ``k``,
    ``d`` or ``residual`` makes ``ok`` false; a different ``tolerance`` or ``regime`` is only noted)."""

    ok: bool
    message: str
    claims: list[str] = field(default_factory=list)


#: the default tolerance for decimal layers never exceeds float64's standard bound
MAX_DEFAULT_TOL = FLOAT_TOLERANCE  # the same default as decompose's, from the shared vocabulary
#: a ``digits`` claim beyond this is refused as malformed
MAX_DIGITS = 100_000
ARITHMETICS = ("exact", "mp", "float")
#: a decimal with more significant digits than this is not a float64 written out (``repr`` of a
#: float64 has at most 17): such layers are mp layers
FLOAT_DIGITS = 17
_MANTISSA = re.compile(r"\s*[+-]?0*(\d*?)\.?(\d*)(?:[eE].*)?\s*")


@dataclass(frozen=True)
class LayerKind:
    """What the layers' numbers are, read from the numbers themselves (never from the file's
    ``arithmetic`` or ``digits`` labels): ``exact`` -- integers and ratios ``p/q`` only, or any ratio
    at all (float and mp layers are decimals, never ratios); otherwise ``decimal`` with ``digits`` the
    most significant digits of any entry."""

    exact: bool
    digits: int = 0

    @property
    def name(self) -> str:
        return "exact" if self.exact else ("float" if self.digits <= FLOAT_DIGITS else "mp")

    def default_tolerance(self) -> Fraction:
        r"""The caller's default, fixed per kind: 0 (equality) for exact layers; ``10^{-8}`` for layers
        written at float64's ``\le 17`` digits; ``10^{-\lfloor (D - 3)/2 \rfloor}`` for ``D > 17``
        digits (mp at ``P`` digits prints ``D = P + 3``, so this is ``10^{-\lfloor P/2 \rfloor}``, the
        tolerance ``verify decompose`` used), never above ``10^{-8}``. An exact power of ten: no float
        underflow at thousands of digits."""
        if self.exact:
            return Fraction(0)
        if self.digits <= FLOAT_DIGITS:
            return MAX_DEFAULT_TOL
        return min(MAX_DEFAULT_TOL, mp_tolerance(self.digits - 3))


#: (the file's arithmetic label, the kind its numbers are) that agree; mp at 15 digits prints like float64
CONSISTENT_LABELS = {("exact", "exact"), ("mp", "mp"), ("float", "float"), ("mp", "float")}


def _scale_refusal(regime: str) -> str:
    r = Regime(regime)
    extra = "; the signed regime accepts nonzero scales" if r == Regime.POSITIVE else ""
    return f"a scale b_i or c_i is not {r.scales} ({r} regime{extra})"


def layer_kind(raw: list) -> LayerKind:
    """The :class:`LayerKind` of the entries of ``raw`` (``[(A, b, c, D), ...]``, entries as in the
    JSON: strings, ints, or Python numbers). Whether any entry is a ratio, and whether any is a
    decimal, is decided over every entry (one pass joining them, then substring tests: a regular
    expression per entry took 15 s at 2d = 1024); the digit count, which only picks a tolerance at or
    below ``10^{-8}``, is read from the scales and the first row of each block."""
    entries = [chain(b, c, *A, *D) for A, b, c, D in raw]
    try:  # JSON's decimal strings as they are: 4x faster than a call per entry
        text = "\x00".join(chain.from_iterable(entries))
    except TypeError:  # numbers among them
        text = "\x00".join(_as_text(x) for A, b, c, D in raw for x in chain(b, c, *A, *D))
    if "/" in text:
        return LayerKind(True)
    if "." not in text and "e" not in text and "E" not in text:
        return LayerKind(True)  # integers only
    sample = [x for A, b, c, D in raw for x in chain(b, c, A[0] if A else [], D[0] if D else [])]
    return LayerKind(False, max((_significant_digits(_as_text(x)) for x in sample), default=0))


def _as_text(x: Any) -> str:
    """An entry as its text for :func:`layer_kind`: strings as they are; an exact rational object as a
    ratio; an integer as itself; any other number as a 17-digit decimal (float64's)."""
    if isinstance(x, str):
        return x
    if isinstance(x, Fraction) or type(x).__name__ == "fmpq":
        return "1/1"
    if isinstance(x, int) or type(x).__name__ == "fmpz":
        return "0"
    return "0." + "1" * FLOAT_DIGITS


def _significant_digits(x: str) -> int:
    m = _MANTISSA.fullmatch(x)
    return len((m.group(1) + m.group(2)).lstrip("0")) if m else 0


def _fr(x: Any) -> Fraction:
    try:
        return to_fraction(x)
    except InputError as e:
        raise DecompositionFormatError(f"decomposition: {e}") from None


def _q(x: Any) -> Any:
    """The entry as a python-flint ``fmpq`` (:func:`~verify.io.entries.to_fmpq`), the same number as
    :func:`_fr`, with the same refusals."""
    try:
        return to_fmpq(x)
    except InputError as e:
        raise DecompositionFormatError(f"decomposition: {e}") from None


def _claim_number(data: dict, key: str) -> Fraction | None:
    """A numeric claim of the file (``tolerance``, ``residual``): None when absent or null, else a
    finite number >= 0 read exactly (``"1e400"`` is that number, not an overflow); anything else is
    malformed."""
    x = data.get(key)
    return None if x is None else _nonnegative(x, f"decomposition: {key}")


def _nonnegative(x: Any, what: str) -> Fraction:
    """``x`` read exactly (``"1e400"`` is that number, not an overflow) and ``>= 0``, or one line."""
    try:
        q = to_fraction(x)
    except InputError:
        q = None
    if q is None or q < 0:
        raise DecompositionFormatError(f"{what} {short(x)!r} is not a finite number >= 0")
    return q


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


def check(T_rows: Any, data: Any, *, tol: Any = None, regime: str = "positive") -> CheckResult:
    """Whether the decomposition ``data`` (the ``verify decompose --json`` schema, or a result that
    carries one; its blocks lists, or float64 numpy arrays as ``read_decomposition(path, arrays=True)``
    gives them) multiplies back to ``T_rows`` (anything :func:`~verify.io.as_matrix` accepts), with
    every scale positive (``regime="positive"``) or nonzero (``"signed"``), and a relative residual
    at most ``tol`` (any exactly readable number >= 0; ``tol = 0`` asks for exact equality). The
    default is fixed by what the layers' numbers are (:func:`layer_kind`): equality for exact
    rationals, ``1e-8`` for float64 decimals, ``10^{-(D-3)/2}`` for ``D``-digit decimals -- never by the
    file's labels. The file's ``arithmetic``, ``digits``, ``tolerance``, ``residual``, ``k``, ``d``,
    ``regime`` and ``verified`` are claims: compared with what is found, never used to decide."""
    regime = validated_regime(regime)
    tol_q = None if tol is None else _nonnegative(tol, "tolerance")
    outer = data.to_json() if not isinstance(data, dict) and hasattr(data, "to_json") else data
    depth_claims = isinstance(outer, dict) and "layers" not in outer and "per_k" in outer
    data = _unwrap(data)
    M = as_matrix(T_rows)
    n = M.n
    d = n // 2
    try:
        layers = data["layers"]
        raw = [(L["A"], L["b"], L["c"], L["D"]) for L in layers]
    except (KeyError, TypeError) as e:
        raise DecompositionFormatError(f"decomposition JSON lacks the schema's fields ({short(e)})") from None
    if not raw:
        raise DecompositionFormatError("decomposition has no layers")
    floats = _float64_blocks(raw, d)
    if floats is None:
        raw = _listed(raw)
    for A, b, c, D in raw if floats is None else ():
        if not all(isinstance(x, list) for x in (A, b, c, D)) or not all(isinstance(r, list) for r in A + D):
            raise DecompositionFormatError("decomposition layers must be lists (A, D of rows; b, c of numbers)")
        if len(b) != d or len(c) != d or len(A) != d or len(D) != d or any(len(r) != d for r in A + D):
            raise DecompositionFormatError(f"decomposition layers are not of size d = {d} (T is {n} x {n})")
    arithmetic = data.get("arithmetic", "exact")
    if arithmetic not in ARITHMETICS:
        raise DecompositionFormatError(f"arithmetic {short(arithmetic)!r} is not one of {', '.join(ARITHMETICS)}")
    sign = data.get("sign_layer", False)
    if not isinstance(sign, bool):
        raise DecompositionFormatError("sign_layer must be true or false")
    digits = data.get("digits")
    if digits is not None and (
        not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= MAX_DIGITS
    ):
        raise DecompositionFormatError(f"digits must be an integer in 1..{MAX_DIGITS} or null")
    claimed_tol, claimed_residual = _claim_number(data, "tolerance"), _claim_number(data, "residual")
    kind = LayerKind(False, FLOAT_DIGITS) if floats is not None else layer_kind(raw)
    used_tol = kind.default_tolerance() if tol is None else tol_q
    notes, false_claims = _structural_claims(data, d, len(raw), regime)
    if false_claims:
        return CheckResult(False, "the file's claims are false: " + "; ".join(false_claims), false_claims + notes)
    if (arithmetic, kind.name) not in CONSISTENT_LABELS:
        notes.append(f"the file says arithmetic {arithmetic}; its layers are {kind.name} numbers"
                     + (" (checked by exact equality)" if kind.exact and tol is None else ""))
    exact_check = used_tol == 0  # equality decides: no tolerance is involved
    if claimed_tol is not None and claimed_tol != used_tol and not exact_check:
        notes.append(f"the file's tolerance {short(data['tolerance'])} was not used: decided against {up(used_tol)}")
    if depth_claims:
        notes.append("a 'verify depth' result: only its decomposition was re-multiplied; its k_min and "
                     "proved_minimal claims (the evidence for smaller k) are not checked by 'verify check'")
    if floats is not None and (n <= BALL_MAX_N or used_tol == 0 or _normal_range(floats) is None):
        raw, floats = _listed(raw), None  # the exact and ball paths read lists
    result = _decide(M, raw, kind, sign, regime, used_tol, claimed_residual, floats)
    if result.ok and data.get("verified") is False:
        notes.append("the file says 'verified': false; it holds on these terms")
    if claimed_residual is not None and result.lower is not None and claimed_residual < result.lower:
        notes.append(f"the file claims residual <= {short(data['residual'])}, but the residual is at least "
                     f"{down(result.lower)}")
        return CheckResult(False, result.message + "; the file's residual claim is false", notes)
    if claimed_residual is not None and result.residual_sq is not None and claimed_residual**2 < result.residual_sq:
        notes.append(f"the file claims residual <= {short(data['residual'])}, but the exact residual is "
                     f"{down(_sqrt_floor(result.residual_sq))}")
        return CheckResult(False, result.message + "; the file's residual claim is false", notes)
    return CheckResult(result.ok, result.message, notes)


def short(x: Any, width: int = 40) -> str:
    """``str(x)`` for a one-line message, cut to ``width`` characters, whatever ``x`` is (an integer
    of 5000 digits has no ``str`` under Python's digit limit)."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 128:
        return f"an integer of {x.bit_length()} bits"
    text = " ".join(str(x).split())
    return text if len(text) <= width else text[:width - 3] + "..."


def _structural_claims(data: dict, d: int, k: int, regime: str) -> tuple[list[str], list[str]]:
    """``(notes, false)``: claims about the shape (``k``, ``d``) and ``regime``; ``false`` lists the
    false shape claims (each fails the check), ``notes`` the differences that are only reported."""
    notes, false = [], []
    if "k" in data and data["k"] != k:
        false.append(f"the file says k = {short(data['k'], 20)} but lists {k} pairs")
    if "d" in data and data["d"] != d:
        false.append(f"the file says d = {short(data['d'], 20)} but T is {2 * d} x {2 * d}")
    claimed = data.get("regime")
    if claimed is not None and claimed not in REGIMES:
        raise DecompositionFormatError(f"regime {short(claimed)!r} is not 'positive' or 'signed'")
    if claimed is not None and claimed != regime:
        notes.append(f"the file says regime {claimed}; checked in the {regime} regime")
    return notes, false


@dataclass
class _Found:
    ok: bool
    message: str
    lower: Any = None  # a lower bound of the relative residual (float or Fraction), when one is known
    residual_sq: Fraction | None = None  # the squared relative residual, exactly, when it is known


def _decide(M: Any, raw: list, kind: LayerKind, sign: bool, regime: str, tol: Fraction,
            claimed: Fraction | None = None, floats: list | None = None) -> _Found:
    n = M.n
    if not kind.exact and kind.digits <= FLOAT_DIGITS and tol > 0 and n > BALL_MAX_N:  # mp layers need balls
        floats = _float_pairs(raw) if floats is None else floats
        if floats is not None:
            return _check_floats(M, floats, sign, regime, tol, claimed, raw)
    scales = [([_fr(x) for x in b], [_fr(x) for x in c]) for _, b, c, _ in raw]
    if not all(Regime(regime).admits(x) for b, c in scales for x in b + c):
        return _Found(False, _scale_refusal(regime))
    if kind.exact or tol == 0:  # read straight into flint (to_fmpq), the reading that dominates at large d
        blocks = [([[_q(x) for x in r] for r in A], [[_q(x) for x in r] for r in D]) for A, _, _, D in raw]
        found = _check_exact(M.rows, [(A, b, c, D) for (A, D), (b, c) in zip(blocks, scales)], sign)
        if found.ok or tol == 0:
            return found
    pairs = [([[_fr(x) for x in r] for r in A], b, c, [[_fr(x) for x in r] for r in D])
             for (A, _, _, D), (b, c) in zip(raw, scales)]
    width = max(_text_width(x) for A, b, c, D in raw for x in [*b, *c, *(y for r in A + D for y in r)])
    return _check_balls(M.rows, pairs, sign, tol, width)


def _text_width(x: Any) -> int:
    """About the number of characters of an entry (its ball precision), without ``str`` of a long int."""
    if isinstance(x, int):
        return x.bit_length() // 3 + 2
    if isinstance(x, str):
        return len(x)
    return 40


#: float decompositions beyond this size are checked by the float64 normwise bound, not by arb balls
BALL_MAX_N = 256


#: entries that are zero as they stand (what float64's ``repr`` writes for zeros, and the numbers):
#: the zero blocks of an eight-pair middle are half a million of them at 2d = 1024, each read as a
#: ``Fraction`` before (4 s)
ZERO_TEXTS = frozenset(["0.0", "-0.0", "0", 0, 0.0])


def _float_pairs(raw: list) -> list | None:
    """Every entry as the float64 nearest to its decimal string (numpy's correctly rounded parse),
    or None when some entry is not a plain decimal, or leaves float64's normal range (a nonzero
    entry that becomes 0 or a subnormal is not within half an ulp): then the exact path reads it."""
    import numpy as np

    out = []
    try:
        for A, b, c, D in raw:
            arrs = [np.array(x, dtype=np.float64) for x in (A, b, c, D)]
            for a, x in zip(arrs, (A, b, c, D)):
                if not np.all(np.isfinite(a)):
                    return None  # NaN text is refused by the exact reader; a huge decimal is read exactly there
                tiny = np.abs(a) < 2.0**-1022
                if tiny.any():
                    flat = np.array(x, dtype=object).ravel()
                    if any(v not in ZERO_TEXTS and _fr(v) != 0 for v in flat[tiny.ravel()]):
                        return None
            out.append(arrs)
    except (ValueError, TypeError):
        return None
    return out


def _float64_blocks(raw: list, d: int) -> list | None:
    """The layers as they are when every block is a numpy ``float64`` array of the schema's shape (a
    ``.npz`` file read with ``arrays=True``, or a caller's arrays): binary floats, so the kind of number
    is known without reading them one by one; else None (lists, or arrays of anything else, which the
    caller turns into lists and checks entry by entry)."""
    shapes = ((d, d), (d,), (d,), (d, d))
    for blocks in raw:
        if len(blocks) != 4 or not all(getattr(x, "dtype", None) is not None and x.dtype.kind == "f"
                                       and x.dtype.itemsize == 8 and x.shape == sh for x, sh in zip(blocks, shapes)):
            return None
    return [list(blocks) for blocks in raw]


def _listed(raw: list) -> list:
    """``raw`` with every array block (anything with ``tolist``) as the nested lists of its numbers."""
    return [tuple(x.tolist() if hasattr(x, "tolist") else x for x in blocks) for blocks in raw]


def _normal_range(pairs: list) -> list | None:
    """``pairs`` of float64 arrays when every entry is finite and zero or normal (what the normwise
    bound's rounding model assumes, as for :func:`_float_pairs`), else None."""
    import numpy as np

    for arrs in pairs:
        for a in arrs:
            if not np.all(np.isfinite(a)) or np.any((a != 0) & (np.abs(a) < 2.0**-1022)):
                return None
    return pairs


def _check_floats(M: Any, pairs: list, sign: bool, regime: str, tol: Fraction, claimed: Fraction | None = None,
                  raw: list | None = None) -> _Found:
    r"""Large float decompositions: :func:`verify.bounds.normwise_interval`, a rigorous float64
    enclosure of the relative residual for the exact values of the decimal strings (each within half
    an ulp of its float), widened by ``u \|T\|_F`` when ``T`` itself is not exactly a float64 matrix.
    Its lower end tests the file's residual claim."""
    import numpy as np

    from ..bounds import normwise_interval

    scales = np.concatenate([np.concatenate([b, c]) for _, b, c, _ in pairs])
    if not all(Regime(regime).admits(x) for x in scales):
        return _Found(False, _scale_refusal(regime))
    layers = []
    for A, b, c, D in pairs:
        layers += [("L", b, A), ("U", c, D)]
    lower, bound, measured = normwise_interval(layers, M.array, sign)
    if not M.float_exact:
        u = 2.0**-53
        bound = bound * (1 + u) + u * (1 + 1e-6)
        lower = max(0.0, (lower - u * (1 + 1e-6)) * (1 - u))
    if raw is not None and claimed is not None and claimed < Fraction(measured) and Fraction(lower) <= claimed:
        lower = max(lower, _probe_lower(M, raw, sign))  # the normwise lower end is too loose to refute it
    ok = Fraction(bound) <= tol
    return _Found(ok, f"relative residual <= {up(bound)} (certified by a float64 normwise rounding bound) "
                      f"{'<=' if ok else '>'} tolerance {up(tol)}", lower)


def _probe_lower(M: Any, raw: list, sign: bool) -> Fraction:
    r"""A rigorous lower bound of the relative residual from one exact probe vector ``x = (1, ..., 1)``:
    ``\|\Pi - T\|_F \ge \|(\Pi - T) x\|_2 / \|x\|_2``, with ``(\Pi - T) x`` enclosed in ball
    arithmetic (arb, 128 bits) from the decimal strings themselves (their distance to float64 is of
    the size of the residual, so floats will not do). Used only when the file claims less than the
    float evaluation measures (an honest file never does): it reads every entry once as a ball
    (about a second per million entries) and costs two ``d x d`` ball matrix-vector products per pair."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        n = M.n
        d = n // 2
        ball = lambda x: flint.arb(x if isinstance(x, (str, int)) else float(x))  # noqa: E731
        mat = lambda rows: flint.arb_mat([[ball(x) for x in r] for r in rows])  # noqa: E731
        col = lambda v: flint.arb_mat([[x] for x in v])  # noqa: E731
        y1, y2 = col([1] * d), col([1] * d)
        for A, b, c, D in reversed(raw):
            Dy = mat(D) * y2
            y1 = col([ball(c[i]) * y1[i, 0] + Dy[i, 0] for i in range(d)])
            Ay = mat(A) * y1
            y2 = col([Ay[i, 0] + ball(b[i]) * y2[i, 0] for i in range(d)])
        y = [y1[i, 0] for i in range(d)] + [y2[i, 0] for i in range(d)]
        if sign:
            y[0] = -y[0]
        q = lambda x: flint.arb(flint.fmpq(x.numerator, x.denominator))  # noqa: E731
        num, den = flint.arb(0), flint.arb(0)
        for i, r in enumerate(M.rows):
            t = flint.arb(0)
            for x in r:
                v = q(x)
                t += v
                den += v * v
            num += (y[i] - t).abs_lower() ** 2
        low = (num / (den.abs_upper() * n)).sqrt().lower()
        return max(Fraction(0), arb_endpoint(low)) if low.is_finite() else Fraction(0)
    finally:
        flint.ctx.prec = old


def _layer_rows(d: int, A: list, b: list, c: list, D: list) -> tuple[list, list]:
    z, o = Fraction(0), Fraction(1)
    I = [[o if i == j else z for j in range(d)] for i in range(d)]
    Z = [[z] * d for _ in range(d)]
    diag = lambda v: [[v[i] if i == j else z for j in range(d)] for i in range(d)]  # noqa: E731
    L = [r1 + r2 for r1, r2 in zip(I, Z)] + [r1 + r2 for r1, r2 in zip(A, diag(b))]
    U = [r1 + r2 for r1, r2 in zip(diag(c), D)] + [r1 + r2 for r1, r2 in zip(Z, I)]
    return L, U


def _check_exact(T: list, pairs: list, sign: bool) -> _Found:
    r"""Exact rationals (python-flint ``fmpq_mat``, what sympy's DomainMatrix over QQ stores under
    flint; used directly, so the check imports no sympy): the product must equal ``T``.

    Checked from both ends: with the ``2k`` layers split as ``M_1 \cdots M_m`` and ``M_{m+1} \cdots
    M_{2k}`` (``m = k``; a sign layer is applied first, on the left), the product equals ``T`` iff
    ``S M_1 \cdots M_m = T M_{2k}^{-1} \cdots M_{m+1}^{-1}`` (every scale is nonzero: checked
    before). The inverses are the layers' closed forms ``L(A,b)^{-1} = [[I,0],[-b^{-1}A, b^{-1}]]``
    and ``U(c,D)^{-1} = [[c^{-1}, -c^{-1}D],[0,I]]``, so no intermediate carries more than about half
    of the layers' bits (a left-to-right product carries all of them). Products are kept as two
    ``n x d`` column blocks ``[P_1\ P_2]`` and each layer is applied by its block form, read from the
    file's numbers: ``[P_1\ P_2] L(A,b) = [P_1 + P_2A,\ P_2 b]``, ``[P_1\ P_2] U(c,D) = [P_1c,\
    P_1D + P_2]`` (``b, c`` as diagonal matrices): one ``n x d`` by ``d x d`` product per layer.
    On a mismatch the relative residual is bounded below with arb balls (no exact sum of squares of
    numbers with tens of thousands of digits)."""
    import flint

    n = len(T)
    d = n // 2
    q = lambda x: x if isinstance(x, flint.fmpq) else flint.fmpq(x.numerator, x.denominator)  # noqa: E731
    block = lambda rows: flint.fmpq_mat(len(rows), len(rows[0]), [q(x) for r in rows for x in r])  # noqa: E731

    def scaled(M: Any, w: list) -> Any:  # M diag(w)
        r, m = M.nrows(), M.ncols()
        return flint.fmpq_mat(r, m, [M[i, j] * w[j] for i in range(r) for j in range(m)])

    def halves(rows: list) -> tuple[Any, Any]:
        return block([r[:d] for r in rows]), block([r[d:] for r in rows])

    def forward(P1: Any, P2: Any, steps: list) -> tuple[Any, Any]:
        for kind, X, v in steps:
            if kind == "L":
                P1, P2 = P1 + P2 * X, scaled(P2, v)
            else:
                P1, P2 = scaled(P1, v), P1 * X + P2
        return P1, P2

    layers = [x for A, b, c, D in pairs
              for x in (("L", block(A), [q(v) for v in b]), ("U", block(D), [q(v) for v in c]))]
    m = len(layers) // 2
    start = [[Fraction(-1 if (i == j == 0 and sign) else int(i == j)) for j in range(n)] for i in range(n)]
    P1, P2 = forward(*halves(start), layers[:m])
    R1, R2 = halves(T)
    for kind, X, v in reversed(layers[m:]):
        inv = [1 / x for x in v]
        if kind == "L":  # [R1 R2] L^{-1} = [R1 - R2 b^{-1} A, R2 b^{-1}]
            R2 = scaled(R2, inv)
            R1 = R1 - R2 * X
        else:  # [R1 R2] U^{-1} = [R1 c^{-1}, R2 - R1 c^{-1} D]
            R1 = scaled(R1, inv)
            R2 = R2 - R1 * X
    if P1 == R1 and P2 == R2:
        return _Found(True, f"exact: the product of the {2 * len(pairs)} layers equals T", 0.0, Fraction(0))
    P1, P2 = forward(P1, P2, layers[m:])  # the whole product, for the residual
    diff, lower = _exact_mismatch(T, P1, P2)
    return _Found(False, f"exact: the product differs from T in {diff} entries", lower)


def _exact_mismatch(T: list, P1: Any, P2: Any) -> tuple[int, Fraction]:
    r"""The number of entries where ``[P_1\ P_2] \ne T``, and a rational lower bound of
    ``||[P_1\ P_2] - T||_F / ||T||_F`` (exact differences, enclosed in 128-bit arb balls)."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 128
    try:
        d = len(T) // 2
        num, den, diff = flint.arb(0), flint.arb(0), 0
        for i, r in enumerate(T):
            for j, y in enumerate(r):
                x = P1[i, j] if j < d else P2[i, j - d]
                yq = flint.fmpq(y.numerator, y.denominator)
                if x != yq:
                    diff += 1
                    num += flint.arb(x - yq) ** 2
                den += flint.arb(yq) ** 2
        low = (num.abs_lower() / den.abs_upper()).sqrt().lower() if den.abs_upper() > 0 else flint.arb(0)
        return diff, (max(Fraction(0), arb_endpoint(low)) if low.is_finite() else Fraction(0))
    finally:
        flint.ctx.prec = old


def _sqrt_floor(q: Fraction, bits: int = 64) -> Fraction:
    """A rational lower bound of ``sqrt(q)`` within a relative ``2^{-bits}``."""
    if q <= 0:
        return Fraction(0)
    shift = max(0, 2 * bits - (q.numerator.bit_length() - q.denominator.bit_length()))
    shift += shift % 2
    return Fraction(math.isqrt((q.numerator << shift) // q.denominator), 1 << (shift // 2))


def _check_balls(T: list, pairs: list, sign: bool, tol: Fraction, width: int) -> _Found:
    """Ball arithmetic (python-flint arb, 64 bits more than the longest entry's characters need):
    each decimal string is enclosed exactly, the product's radii absorb all rounding, and the claim
    holds iff the upper end of the enclosure of the relative residual is within the tolerance. Both
    ends are read exactly (no float underflow at thousands of digits); the lower end tests the
    file's residual claim."""
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
        upper = arb_endpoint((hi / den_lo).sqrt().upper())
        low_ball = (lo / den_hi).sqrt().lower()
        lower = max(Fraction(0), arb_endpoint(low_ball)) if low_ball.is_finite() else Fraction(0)
        ok = upper <= tol
    finally:
        flint.ctx.prec = old
    return _Found(ok, f"relative residual <= {up(upper)} (certified by ball arithmetic) "
                      f"{'<=' if ok else '>'} tolerance {up(tol)}", lower)

