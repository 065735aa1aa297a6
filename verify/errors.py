"""Exceptions. Every problem with the *input* is an :class:`InputError` (a ``ValueError``), which
the CLI reports as one line on stderr with exit code 2."""
from __future__ import annotations


class InputError(ValueError):
    """The input matrix or file cannot be decomposed; the message says why in one line."""


class MatrixFileError(InputError):
    """The file is missing, unreadable, or of an unknown format."""


class MatrixShapeError(InputError):
    """Empty, ragged, not square, or of odd size."""


class MatrixValueError(InputError):
    """An entry is not a number, or is NaN or infinite."""


class SingularMatrixError(InputError):
    """``det T = 0`` (exactly, or to working precision in float/mp mode)."""


class NegativeDeterminantError(InputError):
    """``det T < 0``: no product of positive-regime pairs has it (use the sign layer option)."""


class JSONFileError(InputError):
    """A JSON file (a decomposition or a certificate) that cannot be read, parsed, or is not an object."""


class VerificationError(RuntimeError):
    """A constructed decomposition did not multiply back to the input (a bug, never expected)."""


#: the two regimes of the paper: ``positive`` (Theorem 2: every scale b_i, c_i > 0) and ``signed``
#: (Theorem 3's wording: nonzero scales)
REGIMES = ("positive", "signed")


class RegimeError(InputError):
    """A regime that is neither ``"positive"`` nor ``"signed"``."""


def validated_regime(regime: object) -> str:
    """``regime`` itself when it is one of :data:`REGIMES`; otherwise :class:`RegimeError`. Every
    public entry point that takes a regime calls this first: an unknown value must never fall
    through to one branch of an ``if regime == "positive"`` test."""
    if not isinstance(regime, str) or regime not in REGIMES:
        shown = " ".join(str(regime).split())[:40]
        raise RegimeError(f"unknown regime {shown!r}; use 'positive' or 'signed'")
    return regime
