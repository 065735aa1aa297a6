r"""The domain-generic algebra of Theorem 2, written once for every arithmetic.

* :mod:`~verify.algebra.arith` -- one interface (:class:`Arithmetic`, :class:`Mat`), three domains:
  exact rationals (sympy ``DomainMatrix`` over ``QQ``, flint-backed), mpmath, numpy float64;
* :mod:`~verify.algebra.layers` -- the coupling layers ``L(A, b)``, ``U(c, D)``, the block
  unitriangular ``E(X)``, ``F(Y)``, the parameter holder :class:`Pair`, products and inverses;
* :mod:`~verify.algebra.triangular` -- LDU without pivoting, triangular eigenvectors and inverses.

Everything above (the theorems, the depth search) is written against this layer; nothing here
knows a theorem.
"""
from __future__ import annotations

from .arith import Arithmetic, Mat, get_arithmetic
from .layers import Pair

__all__ = ["Arithmetic", "Mat", "get_arithmetic", "Pair"]
