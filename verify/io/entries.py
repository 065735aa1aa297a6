"""One matrix entry as an exact :class:`fractions.Fraction`.

Every entry is read exactly or refused, whatever its type: ints (any width), ``Fraction``,
``Decimal`` (``Decimal("0.1")`` is ``1/10``), binary floats of every width (``float``, numpy
``float16`` to ``longdouble``, mpmath ``mpf``, sympy ``Float`` at its own precision: each the dyadic
rational it stores), rationals of sympy and python-flint (any ``numbers.Rational``), and strings such as ``"3"``,
``"-3/7"``, ``"0.125"``, ``"1e-3"`` (decimal strings are read exactly: ``"0.1"`` is ``1/10``).
Refused: booleans, NaN and infinities, complex numbers, intervals, irrational or symbolic sympy
expressions, and any other type.
"""
from __future__ import annotations

import functools
import numbers
import re
import sys
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterator, TypeVar

from ..errors import MatrixValueError

T_ = TypeVar("T_")


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


def lifts_int_digit_limit(f: Callable[..., T_]) -> Callable[..., T_]:
    """Run ``f`` under :func:`unlimited_int_digits`: for computations at thousands of digits, where
    mpmath converts its own long decimal strings with ``int()`` (``depth(T, digits=5000)``)."""
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> T_:
        with unlimited_int_digits():
            return f(*args, **kwargs)

    return wrapper


#: a decimal exponent beyond this is refused (``1e1000000`` already has 3.3 million bits): the
#: parse of ``"1e9999999"`` alone would take seconds and what follows it far longer
MAX_EXPONENT = 1_000_000
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")
_LONG = 4000  # digit strings above this length are parsed by python-flint (CPython's int() is quadratic)


def to_fmpq(x: Any, where: str = "") -> Any:
    """One entry as a python-flint ``fmpq``, the same number :func:`to_fraction` reads, without a Python
    ``Fraction`` for the forms exact layers are written in (integers and ``"p/q"`` strings): flint parses
    the digits and reduces the ratio in nearly linear time (``Fraction`` reduces with ``math.gcd``, which
    is quadratic in the digits: most of ``verify check``'s time on large exact layers)."""
    import flint

    if isinstance(x, str):
        m = _RATIO.fullmatch(x.strip())
        if m:
            den = flint.fmpz(m.group(2).lstrip("+"))
            if den == 0:
                raise MatrixValueError(f"entry{f' at {where}' if where else ''} has a zero denominator: {_show(x)}")
            return flint.fmpq(flint.fmpz(m.group(1).lstrip("+")), den)
    elif isinstance(x, numbers.Integral) and not isinstance(x, bool):
        return flint.fmpq(int(x))
    f = to_fraction(x, where)
    return flint.fmpq(f.numerator, f.denominator)


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
    """Numbers other than ints and strings, each by its exact value or refused -- never through
    float64: ``Decimal`` at its own digits, binary floats of every width (``float16`` to
    ``longdouble``, ``mpf``, sympy ``Float`` at its own precision) by the dyadic rational they store,
    rationals (sympy, python-flint, any ``numbers.Rational``) as they are. Irrational or symbolic
    values (``sympy.sqrt(2)``), complex numbers, intervals and unknown types are refused: a verifier
    that rounded them would certify a matrix the user did not give."""
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise MatrixValueError(f"entry{loc} is not finite: {x!r}")
        return Fraction(x)
    exact = _exact_foreign(x, loc)
    if exact is not None:
        return exact
    if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        raise MatrixValueError(f"entry{loc} is complex: {_show(repr(x))}")
    ratio = getattr(x, "as_integer_ratio", None)
    if ratio is not None and isinstance(x, numbers.Real):  # float, numpy floats of every width
        try:
            p, q = ratio()
        except (OverflowError, ValueError):  # inf, nan
            raise MatrixValueError(f"entry{loc} is not finite: {_show(repr(x))}") from None
        return Fraction(int(p), int(q))
    raise MatrixValueError(f"entry{loc} of type {type(x).__name__} cannot be read exactly: give an integer, a "
                           f"fraction, a decimal or a binary float")


def _exact_foreign(x: Any, loc: str) -> Fraction | None:
    """python-flint ``fmpz``/``fmpq``, mpmath ``mpf`` and sympy numbers exactly (not through
    float64): the exact layers this package returns are ``fmpq``, and an ``mpf`` or a sympy
    ``Float`` may carry more than 53 bits. None for other types."""
    kind = type(x).__name__
    if kind in ("fmpz", "fmpq"):
        return Fraction(int(x.numerator), int(x.denominator))
    if kind == "mpf":
        import mpmath

        if not mpmath.isfinite(x):
            raise MatrixValueError(f"entry{loc} is not finite: {_show(repr(x))}")
        sign, man, exp, _ = x._mpf_  # man_exp drops the sign: mpf(-0.3).man_exp is that of +0.3
        return _dyadic(-int(man) if sign else int(man), int(exp))
    if kind in ("arb", "acb", "mpi", "mpc", "ivmpf"):
        raise MatrixValueError(f"entry{loc} is {'an interval' if kind in ('arb', 'mpi', 'ivmpf') else 'complex'} "
                               f"({kind}), not one number")
    if type(x).__module__.startswith("sympy"):
        return _sympy_number(x, loc)
    return None


def _dyadic(man: int, exp: int) -> Fraction:
    return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)


def _sympy_number(x: Any, loc: str) -> Fraction:
    """A sympy number exactly: a ``Float`` by its binary value at its own precision; anything that is
    not a rational number (``sqrt(2)``, ``pi``, a symbol, ``zoo``) is refused."""
    if getattr(x, "is_Float", False):
        sign, man, exp, _ = x._mpf_
        if not man and exp:  # sympy's encodings of inf and nan
            raise MatrixValueError(f"entry{loc} is not finite: {_show(str(x))}")
        return _dyadic(-int(man) if sign else int(man), int(exp))
    if getattr(x, "is_Rational", False):
        return Fraction(int(x.p), int(x.q))
    what = "irrational" if getattr(x, "is_real", None) and getattr(x, "is_number", False) else "not a rational number"
    raise MatrixValueError(f"entry{loc} is {what} ({_show(str(x))}); give a rational or decimal approximation")
