r"""The minimal depth of a given ``T``: the fewest pairs ``k`` with ``T = L_1 U_1 \cdots L_k U_k``,
with the evidence for every ``k`` (exact, certified by Krawczyk's test, or impossible by a
Theorem 3 certificate).

* :mod:`~verify.depth.minimal` -- :func:`depth`, the search :func:`search_k` and its outcomes;
* :mod:`~verify.depth.kpairs` -- the ``k``-pair parametrisation, product and Jacobian in float64;
* :mod:`~verify.depth.k2starts` -- starting points for ``k = 2`` from the reduced systems;
* :mod:`~verify.depth.krawczyk` -- Krawczyk's test in arb balls (the ``certified`` status);
* :mod:`~verify.depth.serialize` -- the ``verify depth --json`` schema and text report;
* :mod:`~verify.depth.survey`, :mod:`~verify.depth.search` -- experiments over random ensembles:
  how often ``k = 1, 2, 3`` is needed, and the ``k <= 2`` solver tested against the Theorem 3
  certificates (a certified matrix that the solver decomposes would be a contradiction).

The package is also callable: ``verify.depth(T)`` (and ``from verify import depth``) is
:func:`~verify.depth.minimal.depth`, so the function and the concept share the paper's name.
"""
from __future__ import annotations

import sys
import types
from typing import Any

from .minimal import DepthResult, KOutcome, depth, search_k
from .serialize import depth_to_json, depth_to_text

__all__ = ["depth", "DepthResult", "KOutcome", "search_k", "depth_to_json", "depth_to_text"]


class _CallablePackage(types.ModuleType):
    """``verify.depth(T, ...)`` calls :func:`verify.depth.minimal.depth`."""

    def __call__(self, *args: Any, **kwargs: Any) -> DepthResult:
        return depth(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
