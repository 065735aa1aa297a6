"""One matrix entry as an exact :class:`fractions.Fraction`.

Accepted entries: ints, floats (converted exactly), ``Fraction``, numpy scalars, sympy
rationals, and strings such as ``"3"``, ``"-3/7"``, ``"0.125"``, ``"1e-3"`` (decimal strings are
read exactly: ``"0.1"`` is ``1/10``).
"""
from __future__ import annotations

import math
import numbers
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


def _fraction_from_string(x: str, loc: str) -> Fraction:
    s = x.strip()
    if s.lower() in {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"}:
        raise MatrixValueError(f"entry{loc} is not finite: {x!r}")
    try:
        with unlimited_int_digits():
            return Fraction(s)
    except (ValueError, ZeroDivisionError):
        raise MatrixValueError(f"entry{loc} is not a number: {x!r}") from None


def _fraction_from_number(x: Any, loc: str) -> Fraction:
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, numbers.Real):
        f = float(x)
        if not math.isfinite(f):
            raise MatrixValueError(f"entry{loc} is not finite: {f!r}")
        return Fraction(f)
    if isinstance(x, numbers.Complex):
        raise MatrixValueError(f"entry{loc} is complex: {x!r}")
    # mpmath mpf and friends
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise MatrixValueError(f"entry{loc} is not a number: {x!r}") from None
    if not math.isfinite(f):
        raise MatrixValueError(f"entry{loc} is not finite: {x!r}")
    return Fraction(f)
