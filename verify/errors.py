"""Exceptions, in one module. Every problem with the *input* is an :class:`InputError` (a
``ValueError``), which the CLI reports as one line on stderr with exit code 2.

An error may carry *hints*: neutral names of what the caller could do instead (``"exact"``,
``"mp"``, ...). ``str(e)`` words them for a Python caller ("exact arithmetic"); the CLI renders the
same hints as its flags (``--exact``) with :meth:`InputError.render`. The library never speaks in
command-line flags."""
from __future__ import annotations

from typing import Sequence

#: hint -> (how the Python API says it, how the command line says it)
HINTS: dict[str, tuple[str, str]] = {
    "exact": ("exact arithmetic (arithmetic=Exact())", "--exact"),
    "mp": ("mpmath arithmetic (arithmetic=Mp(digits))", "--mp DIGITS"),
    "more-digits": ("mpmath with more digits", "--mp with more digits"),
    "sign-layer": ("a leading sign layer diag(-1, 1, ..., 1) (sign_layer=True)", "--sign-layer"),
    "stable": ("the stable method (method='stable')", "--method stable"),
    "go-ahead": ("no work bound (max_minors=None)", "--yes"),
}


class InputError(ValueError):
    """The input matrix or file cannot be decomposed; the message says why in one line."""

    def __init__(self, message: str = "", *, hints: Sequence[str] = ()) -> None:
        unknown = [h for h in hints if h not in HINTS]
        if unknown:
            raise KeyError(f"unknown hints {unknown}")
        self.message, self.hints = message, tuple(hints)
        super().__init__(self._worded(0))

    def _worded(self, audience: int) -> str:
        if not self.hints:
            return self.message
        return f"{self.message}; use " + " or ".join(HINTS[h][audience] for h in self.hints)

    def render(self, audience: str = "api") -> str:
        """The message with its hints worded for ``audience``: ``"api"`` or ``"cli"`` (flags)."""
        return self._worded(1 if audience == "cli" else 0)


class MissingDependencyError(ImportError):
    """An optional dependency that this feature needs is not installed; the message names the
    extra that installs it (the CLI: one line, exit code 2)."""


class Unsupported(NotImplementedError):
    """An arithmetic lacks a capability that was asked of it (an SVD in exact rationals, say): the one
    way every arithmetic says "not supported"."""


class ConstructionError(RuntimeError):
    """No nondegenerate choice of a construction's free parameters was found (never seen in exact
    arithmetic; float arithmetic can degenerate at large sizes)."""


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


class RegimeError(InputError):
    """A regime that is neither ``"positive"`` nor ``"signed"``."""


class ExportError(InputError):
    """A flow library cannot represent these layers (a negative scale under a softplus, a scale out of
    its range), or a flow read back is not made of linear half-partition couplings."""
