r"""The package's vocabulary: the regimes, methods and statuses that every layer speaks, and the
default tolerances, as objects rather than strings tested by their spelling.

Each is a ``str`` enumeration, so ``Regime.POSITIVE == "positive"`` and JSON carries the plain
word; code compares with the members (``regime == Regime.POSITIVE``) or asks them
(``regime.admits(x)``). The checkers may import this module and nothing else of the constructions
(an import-linter contract).
"""
from __future__ import annotations

from enum import Enum
from fractions import Fraction
from typing import Any

from .errors import RegimeError


class Regime(str, Enum):
    r"""Which scales a coupling layer may have: ``POSITIVE`` (Theorem 2: every :math:`b_i, c_i > 0`)
    or ``SIGNED`` (Theorem 3's wording: any nonzero reals)."""

    POSITIVE = "positive"
    SIGNED = "signed"

    def admits(self, x: Any) -> bool:
        """Whether a scale ``x`` is allowed: ``x > 0`` (positive) or ``x != 0`` (signed)."""
        return bool(x > 0) if self is Regime.POSITIVE else bool(x != 0)

    @property
    def scales(self) -> str:
        """The scales in words: ``"positive"`` or ``"nonzero"``."""
        return "positive" if self is Regime.POSITIVE else "nonzero"

    def __str__(self) -> str:
        return self.value


class Method(str, Enum):
    r"""How Theorem 2 is realised: ``MINIMAL`` (:math:`k \le 3`, the fewest pairs) or ``STABLE``
    (:math:`k = 7`, or 8 on a lopsided spectrum, with well-conditioned layers)."""

    MINIMAL = "minimal"
    STABLE = "stable"

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    """The evidence for one ``k`` in :func:`verify.depth.depth`."""

    EXACT = "exact"  # an exact k-pair decomposition, multiplied back
    CERTIFIED = "certified"  # a k-pair decomposition proved to exist (Krawczyk's test)
    NUMERICAL = "numerical"  # found in floating point, not certified
    NOT_FOUND = "not found"  # the search found nothing: proves nothing
    IMPOSSIBLE = "impossible"  # no k-pair decomposition exists (an exact criterion or a certificate)
    SKIPPED = "skipped"  # not tried

    @property
    def found(self) -> bool:
        """Whether a ``k``-pair decomposition was found (exactly, certified or numerically)."""
        return self in (Status.EXACT, Status.CERTIFIED, Status.NUMERICAL)

    @property
    def proved(self) -> bool:
        """Whether the status is a proof (of existence or of impossibility)."""
        return self in (Status.EXACT, Status.CERTIFIED, Status.IMPOSSIBLE)

    def __str__(self) -> str:
        return self.value


def validated_regime(regime: object) -> Regime:
    """``regime`` as a :class:`Regime` (a member, or its value ``"positive"``/``"signed"``); otherwise
    :class:`~verify.errors.RegimeError`. Every public entry point that takes a regime calls this
    first: an unknown value must never fall through to one branch of a test."""
    if isinstance(regime, Regime):
        return regime
    if isinstance(regime, str):
        try:
            return Regime(regime)
        except ValueError:
            pass
    shown = " ".join(str(regime).split())[:40]
    raise RegimeError(f"unknown regime {shown!r}; use 'positive' or 'signed'")


#: the two regimes' values, in order
REGIMES = tuple(r.value for r in Regime)
#: the default relative residual accepted in float64 (decompose, and check for float64 layers), exactly
FLOAT_TOLERANCE = Fraction(1, 10 ** 8)


def mp_tolerance(digits: int) -> Fraction:
    r"""The default relative residual accepted at ``digits`` decimal digits: :math:`10^{-\lfloor
    digits/2 \rfloor}`, exactly."""
    return Fraction(1, 10 ** (int(digits) // 2))
