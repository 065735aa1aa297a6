r"""The block form of the two coupling layers, written once for every number type:

.. math:: L(A, b) = \begin{pmatrix} I & 0 \\ A & \operatorname{diag} b \end{pmatrix}, \qquad
          U(c, D) = \begin{pmatrix} \operatorname{diag} c & D \\ 0 & I \end{pmatrix}.

:func:`L_rows` and :func:`U_rows` take any scalars (arb balls, mpmath numbers of a private context,
Fractions); :func:`L_array` and :func:`U_array` are the float64 arrays. The domain-generic algebra
(:mod:`verify.algebra.layers`) builds the same matrices in each arithmetic from its own blocks, and
the flow core (:mod:`verify.flows.linear`) uses the arrays; the independent checker keeps its own
on purpose. A bottom-layer module: it imports nothing of the package.
"""
from __future__ import annotations

from typing import Any, Sequence


def L_rows(A: Sequence[Sequence[Any]], b: Sequence[Any], one: Any, zero: Any) -> list[list[Any]]:
    """``L(A, b)`` as rows of any scalars (``one``, ``zero`` of their ring): for number types that are
    not an :class:`Arithmetic` (arb balls, mpmath numbers of a private context)."""
    d = len(b)
    top = [[one if i == j else zero for j in range(2 * d)] for i in range(d)]
    return top + [list(A[i]) + [b[i] if j == i else zero for j in range(d)] for i in range(d)]


def U_rows(c: Sequence[Any], D: Sequence[Sequence[Any]], one: Any, zero: Any) -> list[list[Any]]:
    """``U(c, D)`` as rows of any scalars (see :func:`L_rows`)."""
    d = len(c)
    top = [[c[i] if j == i else zero for j in range(d)] + list(D[i]) for i in range(d)]
    return top + [[one if i == j else zero for j in range(2 * d)] for i in range(d, 2 * d)]


def L_array(A: Any, b: Any) -> Any:
    """``L(A, b)`` as a float64 array."""
    import numpy as np

    b = np.asarray(b, dtype=np.float64)
    d = b.shape[0]
    M = np.eye(2 * d)
    M[d:, :d] = A
    M[d:, d:] = np.diag(b)
    return M


def U_array(c: Any, D: Any) -> Any:
    """``U(c, D)`` as a float64 array."""
    import numpy as np

    c = np.asarray(c, dtype=np.float64)
    d = c.shape[0]
    M = np.eye(2 * d)
    M[:d, :d] = np.diag(c)
    M[:d, d:] = D
    return M
