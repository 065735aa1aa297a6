"""Arithmetics: one interface (:class:`Arithmetic`), three domains.

>>> from verify.algebra import get_arithmetic
>>> get_arithmetic("exact").name
'exact'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InputError
from ...lazy import lazy_attributes
from .base import Arithmetic, Mat

# each domain is imported when first asked for: exact mode needs sympy, mp mpmath, float numpy
__getattr__, __dir__ = lazy_attributes(__name__, {"ExactArithmetic": ".exact", "FloatArithmetic": ".floating",
                                                  "MpArithmetic": ".mp"})

if TYPE_CHECKING:
    from .exact import ExactArithmetic
    from .floating import FloatArithmetic
    from .mp import MpArithmetic

__all__ = ["Arithmetic", "Mat", "ExactArithmetic", "FloatArithmetic", "MpArithmetic", "get_arithmetic"]


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
