"""Arithmetics: one interface (:class:`Arithmetic`), three domains, passed as objects.

``Exact()`` (rationals), ``Mp(digits)`` (mpmath) and ``Float()`` (numpy float64) are the public
names; a string (``"exact"``, ``"mp"``, ``"float"``) is accepted as a documented convenience and
converted once by :func:`as_arithmetic`.

>>> from verify.algebra.arith import Mp, as_arithmetic
>>> as_arithmetic("mp", digits=40) .precision_bits == Mp(40).precision_bits
True
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InputError
from ...lazy import lazy_attributes
from .base import Arithmetic, Mat

# each domain is imported when first asked for: exact mode needs sympy, mp mpmath, float numpy
__getattr__, __dir__ = lazy_attributes(__name__, {"ExactArithmetic": ".exact", "FloatArithmetic": ".floating",
                                                  "MpArithmetic": ".mp", "Exact": ".exact:ExactArithmetic",
                                                  "Float": ".floating:FloatArithmetic", "Mp": ".mp:MpArithmetic"})

if TYPE_CHECKING:
    from .exact import ExactArithmetic
    from .floating import FloatArithmetic
    from .mp import MpArithmetic

    Exact = ExactArithmetic
    Float = FloatArithmetic
    Mp = MpArithmetic

__all__ = ["Arithmetic", "Mat", "Exact", "Float", "Mp", "ExactArithmetic", "FloatArithmetic", "MpArithmetic",
           "as_arithmetic", "get_arithmetic"]


def as_arithmetic(arithmetic: "Arithmetic | str", digits: int = 50) -> Arithmetic:
    """``arithmetic`` itself when it is an :class:`Arithmetic`; a name (``"exact"``, ``"mp"`` with
    ``digits``, ``"float"``) converted once by :func:`get_arithmetic`; anything else is an
    :class:`ArithmeticNameError`."""
    if isinstance(arithmetic, Arithmetic):
        return arithmetic
    if isinstance(arithmetic, str):
        return get_arithmetic(arithmetic, digits)
    raise ArithmeticNameError(f"arithmetic must be Exact(), Mp(digits), Float() or one of their names, not "
                              f"{' '.join(str(arithmetic).split())[:40]!r}")


def get_arithmetic(name: str = "exact", digits: int = 50) -> Arithmetic:
    """The arithmetic called ``name``: ``"exact"``, ``"mp"`` (``digits`` decimal digits) or ``"float"``."""
    if name == "exact":
        from .exact import ExactArithmetic

        return ExactArithmetic()
    if name == "mp":
        if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
            raise ArithmeticNameError(f"mp digits must be an integer >= 1, not {' '.join(str(digits).split())[:20]!r}")
        from .mp import MpArithmetic

        return MpArithmetic(digits)
    if name == "float":
        from .floating import FloatArithmetic

        return FloatArithmetic()
    raise ArithmeticNameError(f"unknown arithmetic {' '.join(str(name).split())[:40]!r}: use 'exact', 'mp' or 'float'")


class ArithmeticNameError(InputError):
    """An arithmetic that is not ``"exact"``, ``"mp"`` or ``"float"``, or mp digits that are not an
    integer >= 1."""
