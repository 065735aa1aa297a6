"""Independent checkers: they re-derive a claim from the matrix and the JSON alone, and share no
code with the constructions they check (only the input layer :mod:`verify.io`).

* :func:`check` -- re-multiply a decomposition (exact rationals, or ball arithmetic);
* :func:`check_certificate` -- re-derive a Theorem 3 certificate with python-flint directly.
"""
from __future__ import annotations

from .certificate import CertificateFormatError, CertificateResult, check_certificate
from .decomposition import CheckResult, DecompositionFormatError, check

__all__ = ["check", "CheckResult", "DecompositionFormatError", "check_certificate", "CertificateResult",
           "CertificateFormatError"]
