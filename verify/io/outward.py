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
    if hasattr(x, "_mpf_"):  # mpmath mpf: sign, mantissa * 2^exponent, exactly (man_exp drops the sign)
        sign, man, exp, _ = x._mpf_
        return Fraction(-int(man) if sign else int(man)) * (Fraction(2) ** int(exp))
    return Fraction(float(x)) if not isinstance(x, int) else Fraction(x)


def _shorten(x: Any, ceil: bool, digits: int) -> str:
    if not hasattr(x, "man_exp") and not isinstance(x, (int, Fraction)) and not math.isfinite(float(x)):
        return str(float(x))  # "inf", "-inf" or "nan": already what it is
    q = exact(x)
    if q == 0:
        return "0"
    sign = -1 if q < 0 else 1
    a = abs(q)
    e = int((a.numerator.bit_length() - a.denominator.bit_length()) * 0.30102999566398)  # no str() of a long int
    # now 10^e <= a < 10^(e+1) up to a step or two; fix it exactly
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


def arb_endpoint(x: Any) -> Fraction:
    """An exact python-flint ``arb`` point (an endpoint from ``upper()``/``lower()``: radius 0) as a
    ``Fraction``; an infinite endpoint as ``10^{10^6}``, above every number this package reads."""
    if not x.is_finite():
        return Fraction(10) ** 10**6
    man, exp = (int(v) for v in x.man_exp())
    return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)


def float_or_exact_up(q: Fraction) -> Any:
    """An upper bound of ``q >= 0`` as a float when float64 holds it as a normal number (rounded
    up), else ``q`` itself: a bound of ``10^{-700}`` must not become ``5e-324`` (that would fail a
    tolerance of ``10^{-500}``) nor ``0``."""
    if q == 0:
        return 0.0
    if Fraction(2) ** -1000 < q < Fraction(2) ** 1000:
        f = float(q)
        return f if Fraction(f) >= q else math.nextafter(f, math.inf)
    return q
