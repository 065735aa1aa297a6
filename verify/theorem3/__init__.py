r"""Theorem 3 (Koehler, Mehta and Risteski): ``k <= 2`` pairs do not represent every ``T``, made
checkable for every ``d >= 2`` and both regimes.

* :mod:`~verify.theorem3.obstructions` -- the exact obstructions (trace, minors, zero-block);
* :mod:`~verify.theorem3.system` -- the reduced system ``g_j(x, y) = 0`` in the ``2d`` scales that
  every ``k <= 2`` product satisfies (principal minors as coefficients);
* :mod:`~verify.theorem3.lp` -- :func:`~verify.theorem3.lp.lp_certificate`: exact LP certificates that
  the reduced system has no positive (or nonzero) solution;
* :mod:`~verify.theorem3.certificate` -- :func:`certify`: a certificate for a given ``T`` (the cheap
  obstructions);
* :mod:`~verify.theorem3.counterexample` -- certified families and :func:`counterexample`.

The proof is ``proofs/theorem3.md``; the independent checker is :mod:`verify.checkers.certificate`.
"""
from __future__ import annotations

from .certificate import certify
from .counterexample import Counterexample, CounterexampleError, counterexample

__all__ = ["certify", "counterexample", "Counterexample", "CounterexampleError"]
