r"""What an exact decomposition will cost, estimated before it starts.

The exact ``k = 3`` layers are rationals whose sizes grow with ``d`` and the input's bit size ``b``
(the largest numerator or denominator, in bits). Fitted (``python bench/theorem2.py --fit``) on this
package's own runs of the spectral route (``proofs/theorem2.md``, Step 4''), random integer ``T``
with ``d = 6..16`` and ``b = 2, 10, 18`` and ``d = 12..48`` at ``b = 3``, on 2 cores (bytes and seconds,
construction and exact multiply-back, within 14%; seconds only for runs over a second):

.. math::  \text{JSON bytes} \approx 1.6\, d^{4.22} (b + 2)^{1.20}, \qquad
           \text{seconds} \approx e^{-11.72}\, d^{1.94 + 0.458 \ln d} (b + 2)^{1.15}.

The time bends upwards in log-log (the big-number products leave flint's fastest range), hence the
``\ln^2 d`` term; at ``2d = 128``, 1-digit entries, it predicts 9.4 minutes and 590 MB (measured: 8.3
minutes, 508 MB).
(Where the spectral route does not apply, the prescribed route of Step 4' gives about twice the
bytes and the pivot route ``0.88 d^{5.36} (b+2)^{1.24}``.) These are estimates for deciding whether to
start, not bounds; the proved bound on the entries' sizes is in Step 4''.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Estimate:
    bytes: float
    seconds: float

    def describe(self) -> str:
        return f"about {_size(self.bytes)} of JSON and {_duration(self.seconds)}"


def _size(b: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} bytes"


def _duration(s: float) -> str:
    if s >= 86400 * 365:
        return f"{s / (86400 * 365):.2g} years"
    if s >= 3600:
        return f"{s / 3600:.2g} hours"
    if s >= 60:
        return f"{s / 60:.2g} minutes"
    return f"{s:.2g} seconds"


def input_bits(rows: list[list[Fraction]]) -> int:
    """The largest numerator or denominator of the entries, in bits."""
    return max((max(abs(q.numerator).bit_length(), q.denominator.bit_length()) for r in rows for q in r), default=0)


def input_cost(rows: list[list[Fraction]]) -> tuple[int, Estimate]:
    """``(bits, estimate)`` for the exact decomposition of the ``2d x 2d`` matrix ``rows``: what both the
    library's refusal and the command line's read."""
    bits = input_bits(rows)
    return bits, exact_cost(len(rows) // 2, bits)


def exact_cost(d: int, bits: int) -> Estimate:
    """Estimated JSON size and time of the exact decomposition (module docstring)."""
    ld, lb = math.log(max(d, 1)), math.log(bits + 2)
    return Estimate(math.exp(0.485 + 4.220 * ld + 1.204 * lb),
                    math.exp(-11.718 + 1.942 * ld + 0.4575 * ld * ld + 1.153 * lb))


def spectral_bits_bound(d: int, b: int) -> int:
    r"""Theorem B of ``proofs/theorem2.md`` (Step 4''): for integer ``T`` of size ``2d``, ``d >= 2``, with
    every ``|T_{ij}| < 2^b``, whose first attempt takes the spectral route, every numerator and
    denominator of every layer entry has fewer than ``\Phi(d, b)`` bits (returned rounded up),

    .. math:: \Phi = 3\rho + (d + 4)\omega_2 + 4d\beta + (d + 6)\log_2 d + 4, \quad
              \beta = b + \tfrac12\log_2 2d,\ \omega = d(5\beta + 1),\ \omega_2 = \omega + d(3 + 2\log_2 d),\
              \rho = (d - 1)(\omega_2 + \tfrac12\log_2 d),

    that is ``O(d^2 (b + log d))``. A proved bound, not an estimate (measured entries are about 1/10 of it).
    """
    if d < 2:
        raise ValueError("Theorem B is stated for d >= 2")
    ell = math.log2(d)
    beta = b + 0.5 * math.log2(2 * d)
    omega = d * (5 * beta + 1)
    omega2 = omega + d * (3 + 2 * ell)
    rho = (d - 1) * (omega2 + ell / 2)
    return math.ceil(3 * rho + (d + 4) * omega2 + 4 * d * beta + (d + 6) * ell + 4)
