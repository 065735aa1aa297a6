"""One matrix entry as an exact :class:`fractions.Fraction`.

Accepted entries: ints, floats (converted exactly), ``Fraction``, numpy scalars, sympy
rationals, and strings such as ``"3"``, ``"-3/7"``, ``"0.125"``, ``"1e-3"`` (decimal strings are
read exactly: ``"0.1"`` is ``1/10``).
"""
from __future__ import annotations

import math
import numbers
import re
import sys
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Iterator

from ..errors import MatrixValueError


def to_fraction(x: Any, where: str = "") -> Fraction:
    """One entry as an exact ``Fraction``; :class:`MatrixValueError` if not a finite number."""
    loc = f" at {where}" if where else ""
    if isinstance(x, bool):
        raise MatrixValueError(f"entry{loc} is a boolean, not a number")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, str):
        return _fraction_from_string(x, loc)
    return _fraction_from_number(x, loc)


@contextmanager
def unlimited_int_digits() -> Iterator[None]:
    """Lift Python's 4300-digit cap on int <-> str conversion (a guard against quadratic-time
    parsing of untrusted input) for the duration: exact layers legitimately have longer entries."""
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:
        yield
        return
    old = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


#: a decimal exponent beyond this is refused (``1e1000000`` already has 3.3 million bits): the
#: parse of ``"1e9999999"`` alone would take seconds and what follows it far longer
MAX_EXPONENT = 1_000_000
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")
_LONG = 4000  # digit strings above this length are parsed by python-flint (CPython's int() is quadratic)


def integer_from_digits(digits: str) -> int:
    """``int(digits)`` for a string of decimal digits (and sign), in nearly linear time."""
    if len(digits) <= _LONG:
        return int(digits)
    import flint

    return int(flint.fmpz(digits))


def _fraction_from_string(x: str, loc: str) -> Fraction:
    """A decimal (``"-1.25e-3"``) or a ratio (``"-3/7"``) read exactly, in time nearly linear in its
    length; the exponent is bounded by :data:`MAX_EXPONENT`."""
    s = x.strip()
    m = _RATIO.fullmatch(s)
    if m:
        den = integer_from_digits(m.group(2).lstrip("+"))
        if den == 0:
            raise MatrixValueError(f"entry{loc} has a zero denominator: {_show(x)}")
        return Fraction(integer_from_digits(m.group(1).lstrip("+")), den)
    m = _DECIMAL.fullmatch(s)
    if not m or not (m.group(2) or m.group(3)):
        if s.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
            raise MatrixValueError(f"entry{loc} is not finite: {_show(x)}")
        raise MatrixValueError(f"entry{loc} is not a number: {_show(x)}")
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    e = int(exp) if exp else 0
    if abs(e) > MAX_EXPONENT:
        raise MatrixValueError(f"entry{loc} has a decimal exponent beyond +-{MAX_EXPONENT}: {_show(x)}")
    mantissa = integer_from_digits((whole + frac) or "0")
    e -= len(frac)
    value = Fraction(mantissa * 10**e) if e >= 0 else Fraction(mantissa, 10**-e)
    return -value if sign == "-" else value


def _show(x: str) -> str:
    """The entry for an error message, shortened: a message is one line, not a megabyte."""
    return repr(x) if len(x) <= 40 else repr(x[:20] + "..." + x[-10:])


def _fraction_from_number(x: Any, loc: str) -> Fraction:
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    exact = _exact_foreign(x, loc)
    if exact is not None:
        return exact
    if isinstance(x, numbers.Real):
        f = float(x)
        if not math.isfinite(f):
            raise MatrixValueError(f"entry{loc} is not finite: {f!r}")
        return Fraction(f)
    if isinstance(x, numbers.Complex):
        raise MatrixValueError(f"entry{loc} is complex: {x!r}")
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise MatrixValueError(f"entry{loc} is not a number: {x!r}") from None
    if not math.isfinite(f):
        raise MatrixValueError(f"entry{loc} is not finite: {x!r}")
    return Fraction(f)


def _exact_foreign(x: Any, loc: str) -> Fraction | None:
    """python-flint ``fmpz``/``fmpq`` and mpmath ``mpf`` exactly (not through float64): the exact
    layers this package returns are ``fmpq``, and an ``mpf`` may carry more than 53 bits."""
    kind = type(x).__name__
    if kind in ("fmpz", "fmpq"):
        return Fraction(int(x.numerator), int(x.denominator))
    if kind == "mpf":
        import mpmath

        if not mpmath.isfinite(x):
            raise MatrixValueError(f"entry{loc} is not finite: {x!r}")
        man, exp = x.man_exp
        return Fraction(int(man)) * Fraction(2) ** int(exp)
    return None
