r"""Shortening certified numbers without breaking them: every printed upper bound is rounded up,
every printed lower bound (the radius of a ball on which a certificate holds) down.

``up(x)`` is the smallest 4-significant-digit decimal ``\ge x``; ``down(x)`` the largest ``\le x``.
The comparison is exact: floats, mpmath numbers, integers and fractions are converted to a
:class:`~fractions.Fraction` first, so a printed bound never undercuts the value it shortens.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

DIGITS = 4


def exact(x: Any) -> Fraction:
    """``x`` (int, float, Fraction, mpmath mpf, numpy float) as an exact fraction."""
    if isinstance(x, Fraction):
        return x
    if hasattr(x, "man_exp"):  # mpmath mpf: mantissa * 2^exponent, exactly
        man, exp = x.man_exp
        return Fraction(man) * (Fraction(2) ** exp)
    return Fraction(float(x)) if not isinstance(x, int) else Fraction(x)


def _shorten(x: Any, ceil: bool, digits: int) -> str:
    if not hasattr(x, "man_exp") and not isinstance(x, (int, Fraction)) and not math.isfinite(float(x)):
        return str(float(x))  # "inf", "-inf" or "nan": already what it is
    q = exact(x)
    if q == 0:
        return "0"
    sign = -1 if q < 0 else 1
    a = abs(q)
    e = len(str(a.numerator // a.denominator)) - 1 if a >= 1 else -len(str(a.denominator // a.numerator))
    # now 10^e <= a < 10^(e+1) up to one step; fix it exactly
    while Fraction(10) ** e > a:
        e -= 1
    while Fraction(10) ** (e + 1) <= a:
        e += 1
    scale = Fraction(10) ** (e - digits + 1)
    m = a / scale
    towards_up = ceil if sign > 0 else not ceil  # rounding the magnitude
    n = -((-m.numerator) // m.denominator) if towards_up else m.numerator // m.denominator
    if n >= 10 ** digits:
        n //= 10
        e += 1
    s = str(n)
    mant = s[0] + ("." + s[1:] if digits > 1 else "")
    return f"{'-' if sign < 0 else ''}{mant}e{e:+03d}"


def up(x: Any, digits: int = DIGITS) -> str:
    """The smallest ``digits``-significant decimal ``\\ge x`` (``"0"`` for 0)."""
    return _shorten(x, True, digits)


def down(x: Any, digits: int = DIGITS) -> str:
    """The largest ``digits``-significant decimal ``\\le x`` (``"0"`` for 0)."""
    return _shorten(x, False, digits)
