r"""The constructions inside real flow libraries: :func:`to_flowjax` / :func:`from_flowjax` write a
Theorem 2 decomposition as flowjax's own coupling bijections and read such layers back (the
``flowjax`` extra: ``pip install 'verify-flows[flowjax]'``); :func:`to_zuko` / :func:`from_zuko` the
same with zuko's coupling transforms (the ``zuko`` extra; it needs torch). The other way,
:func:`linear_from` / :func:`load_linear` read a trained invertible linear layer (zuko, nflows,
normflows, flowjax, or a weight file) exactly and :func:`certify_linear` proves its invertibility, det
sign and condition number (``verify import``). The core never imports a flow library; this subpackage
imports one only when a function here is called."""
from __future__ import annotations

from ..lazy import lazy_attributes

_EXPORTS = {"to_flowjax": ".flowjax", "from_flowjax": ".flowjax", "to_zuko": ".zuko", "from_zuko": ".zuko",
            "network_to_flowjax": ".flowjax", "network_from_flowjax": ".flowjax", "network_from_zuko": ".zuko",
            "linear_from": ".linear", "load_linear": ".linear", "certify_linear": ".linear"}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
