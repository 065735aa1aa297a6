"""Arithmetics: one interface (:class:`Arithmetic`), three domains.

>>> from verify.algebra import get_arithmetic
>>> get_arithmetic("exact").name
'exact'
"""
from __future__ import annotations

from ...errors import InputError
from .base import Arithmetic, Mat
from .exact import ExactArithmetic
from .floating import FloatArithmetic
from .mp import MpArithmetic

__all__ = ["Arithmetic", "Mat", "ExactArithmetic", "FloatArithmetic", "MpArithmetic", "get_arithmetic"]


def get_arithmetic(name: str = "exact", digits: int = 50) -> Arithmetic:
    """The arithmetic called ``name``: ``"exact"``, ``"mp"`` (``digits`` decimal digits) or ``"float"``."""
    if name == "exact":
        return ExactArithmetic()
    if name == "mp":
        if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
            raise ArithmeticNameError(f"mp digits must be an integer >= 1, not {' '.join(str(digits).split())[:20]!r}")
        return MpArithmetic(digits)
    if name == "float":
        return FloatArithmetic()
    raise ArithmeticNameError(f"unknown arithmetic {' '.join(str(name).split())[:40]!r}: use 'exact', 'mp' or 'float'")


class ArithmeticNameError(InputError):
    """An arithmetic that is not ``"exact"``, ``"mp"`` or ``"float"``, or mp digits that are not an
    integer >= 1."""
