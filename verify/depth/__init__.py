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

The function is :func:`verify.depth.depth` (:func:`~verify.depth.minimal.depth`), re-exported at
the top as ``verify.minimal_depth``; ``verify.depth`` itself is this subpackage (a module is not
callable: an earlier version swapped the module's class to make it so, and no longer does).
"""
from __future__ import annotations

from .minimal import DepthResult, KOutcome, depth, search_k
from .serialize import depth_to_json, depth_to_text

__all__ = ["depth", "DepthResult", "KOutcome", "search_k", "depth_to_json", "depth_to_text"]

