"""verify: the theorems of Koehler, Mehta and Risteski, "Representational aspects of depth and
conditioning in normalizing flows", as software that constructs, checks and certifies them.

>>> from verify import decompose
>>> dec = decompose([[2, 0], [0, 3]])
>>> dec.k, dec.verified
(1, True)
"""
from __future__ import annotations

from .certificate_check import check_certificate
from .counterexample import Counterexample, counterexample
from .decompose import Decomposition, decompose
from .errors import (InputError, MatrixFileError, MatrixShapeError, MatrixValueError, NegativeDeterminantError,
                     SingularMatrixError, VerificationError)
from .layers import Pair

__all__ = ["decompose", "Decomposition", "Pair", "counterexample", "Counterexample", "check_certificate", "InputError", "MatrixFileError", "MatrixShapeError",
           "MatrixValueError", "SingularMatrixError", "NegativeDeterminantError", "VerificationError"]
__version__ = "0.1.0"
