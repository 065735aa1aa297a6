r"""Theorem 1, constructively: for ``P = N(0, I_n)`` (``n`` even) and ``Q`` with a density and bounded
support, a depth-3 affine coupling network ``g`` with ReLU conditioners and
``W_2(g_\# P, Q) \le B(h, \varepsilon)``, with the bound computed for the stored network
(``proofs/theorem1.md``); and the measurements of Theorem 1 and Remark 1 on samples.
"""
from .measure import Conditioning, Row, conditioning, coupling_rms, loglog_slope, measure, table, trained_flow, w2
from .network import Bound, Theorem1InputError, Theorem1Network, construct, grid_size
from .targets import TARGETS, Annulus, BoxMixture, TargetError, from_histogram, target

__all__ = ["construct", "Theorem1Network", "Bound", "Theorem1InputError", "grid_size", "target", "from_histogram",
           "TARGETS", "BoxMixture", "Annulus", "TargetError", "measure", "table", "Row", "w2", "conditioning",
           "Conditioning", "coupling_rms", "loglog_slope", "trained_flow"]
