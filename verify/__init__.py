"""verify: the theorems of Koehler, Mehta and Risteski, "Representational aspects of depth and
conditioning in normalizing flows", as software that constructs, checks and certifies them.

Subpackages, lowest layer first (a layer imports only from layers below it; the layering is
an import-linter contract in ``setup.cfg``, checked by the tests):

* :mod:`verify.errors` -- the exceptions (bad input is an ``InputError``, a ``ValueError``);
* :mod:`verify.io` -- the validated input :class:`MatrixInput`, matrix and JSON files;
* :mod:`verify.algebra` -- the domain-generic algebra (exact / mp / float), the coupling layers;
* :mod:`verify.flows` -- a torch-free NumPy flow core (independent of the constructions);
* :mod:`verify.theorem2` -- Theorem 2: ``decompose`` into ``k <= 3`` pairs, verified;
* :mod:`verify.remark3` -- every SPD ``Sigma`` is ``T T^T`` for a single pair (Remark 3, sharpened);
* :mod:`verify.theorem3` -- Theorem 3: obstructions, certificates, certified counterexamples;
* :mod:`verify.depth` -- the minimal depth of a given ``T``, with evidence per ``k``;
* :mod:`verify.checkers` -- independent re-checks of decompositions and certificates;
* :mod:`verify.cli` -- the ``verify`` command.

>>> from verify import decompose, minimal_depth
>>> dec = decompose([[2, 0], [0, 3]])
>>> dec.k, dec.verified
(1, True)
>>> minimal_depth([[2, 0], [0, 3]]).k_min
1
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_attributes

#: every public name, imported on first use (``import verify`` stays cheap: the CLI's ``--version`` and
#: ``--help`` load no sympy, scipy or python-flint)
_EXPORTS = {
    "decompose": ".theorem2",
    "Decomposition": ".theorem2",
    "Pair": ".algebra.layers",
    "depth": ".depth:",  # the subpackage; its function is verify.depth.depth = verify.minimal_depth
    "minimal_depth": ".depth.minimal:depth",
    "from_decomposition": ".theorem2.flow",
    "Exact": ".algebra.arith:Exact",
    "Mp": ".algebra.arith:Mp",
    "Float": ".algebra.arith:Float",
    "counterexample": ".theorem3",
    "Counterexample": ".theorem3",
    "certify": ".theorem3",
    "check": ".checkers",
    "check_certificate": ".checkers",
    "MatrixInput": ".io",
    "as_matrix": ".io",
    "read_matrix": ".io",
    "InputError": ".errors",
    "MatrixFileError": ".errors",
    "MatrixShapeError": ".errors",
    "MatrixValueError": ".errors",
    "SingularMatrixError": ".errors",
    "NegativeDeterminantError": ".errors",
    "VerificationError": ".errors",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, eagerly
    from . import depth
    from .algebra.arith import Exact, Float, Mp
    from .algebra.layers import Pair
    from .checkers import check, check_certificate
    from .depth.minimal import depth as minimal_depth
    from .errors import (
        InputError,
        MatrixFileError,
        MatrixShapeError,
        MatrixValueError,
        NegativeDeterminantError,
        SingularMatrixError,
        VerificationError,
    )
    from .io import MatrixInput, as_matrix, read_matrix
    from .theorem2 import Decomposition, decompose
    from .theorem3 import Counterexample, certify, counterexample

__all__ = [
    "decompose",
    "Decomposition",
    "Pair",
    "depth",
    "minimal_depth",
    "Exact",
    "Mp",
    "Float",
    "counterexample",
    "Counterexample",
    "certify",
    "check",
    "check_certificate",
    "MatrixInput",
    "as_matrix",
    "read_matrix",
    "InputError",
    "MatrixFileError",
    "MatrixShapeError",
    "MatrixValueError",
    "SingularMatrixError",
    "NegativeDeterminantError",
    "VerificationError",
]
__version__ = "0.1.0"
