r"""Theorem 2 (Koehler, Mehta and Risteski): every ``T`` with ``\det T > 0`` is a product of
linear affine coupling pairs ``L(A_i, b_i) U(c_i, D_i)``, here with ``k = 3`` pairs for every
``d`` (tight by Theorem 3).

* :mod:`~verify.theorem2.construction` -- the constructions (``k = 1`` criterion, ``k = 3`` word);
* :mod:`~verify.theorem2.decompose` -- :func:`decompose`: construct, multiply back, verify;
* :mod:`~verify.theorem2.residual` -- residual bounds in floating point;
* :mod:`~verify.theorem2.serialize` -- the stable JSON schema, text and LaTeX;
* :mod:`~verify.theorem2.flow` -- :func:`from_decomposition`: a decomposition as a float64 linear
  flow of :mod:`verify.flows`, with a certified error bound.

The proof is ``proofs/theorem2.md``.
"""
from __future__ import annotations

from .decompose import Decomposition, decompose, verified_decomposition
from .serialize import to_json, to_latex, to_text


def __getattr__(name: str):  # noqa: ANN202 -- the flow bridge loads flint and the flow core on first use
    if name in ("from_decomposition", "MeasuredLinearFlow"):
        from . import flow

        return getattr(flow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["decompose", "Decomposition", "verified_decomposition", "to_json", "to_latex", "to_text",
           "from_decomposition", "MeasuredLinearFlow"]
