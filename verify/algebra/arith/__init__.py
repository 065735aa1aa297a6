"""Arithmetics: one interface (:class:`Arithmetic`), three domains.

>>> from verify.algebra import get_arithmetic
>>> get_arithmetic("exact").name
'exact'
"""
from __future__ import annotations

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
        return MpArithmetic(digits)
    if name == "float":
        return FloatArithmetic()
    raise ValueError(f"unknown arithmetic {name!r}: use 'exact', 'mp' or 'float'")
