r"""Theorem 3 certificates: a proof, checkable from ``T`` alone, that no product of ``k <= 2``
pairs equals ``T`` (the obstructions of :mod:`verify.theorem3.obstructions`), with the radius of
an open ball of such ``T`` when the certificate is strict (proofs/theorem3.md, Lemmas 1-4).
"""
from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

from ..errors import InputError, SingularMatrixError
from ..io.matrix import as_matrix
from ..io.outward import down
from ..vocabulary import Regime, validated_regime
from .obstructions import minors_obstruction, trace_coefficients, trace_obstructs, trace_radius, zero_block


class CertificateRecordError(InputError):
    """A certificate record without its type or statement."""


@dataclass(frozen=True, eq=False)
class Certificate(Mapping):
    """A Theorem 3 certificate as an immutable record: ``type`` (``trace``, ``minors``,
    ``zero-block``, ``lp``), ``statement``, and the numbers of its JSON body, read like a mapping
    (``cert["T11_diagonal"]``). It is data, not a proof: :func:`verify.checkers.check_certificate`
    re-derives it from ``T``."""

    body: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.body, Mapping) or not isinstance(self.body.get("type"), str) \
                or not isinstance(self.body.get("statement"), str):
            raise CertificateRecordError("a certificate needs a string type and statement")
        object.__setattr__(self, "body", copy.deepcopy(dict(self.body)))

    @property
    def type(self) -> str:
        return self.body["type"]

    @property
    def statement(self) -> str:
        return self.body["statement"]

    def to_json(self) -> dict[str, Any]:
        """The JSON body (a fresh copy)."""
        return copy.deepcopy(self.body)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Certificate":
        return cls(data)

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.body)

    def __len__(self) -> int:
        return len(self.body)


def as_json(cert: Any) -> Any:
    """A certificate (record or plain mapping) as its JSON body; ``None`` stays ``None``."""
    return cert.to_json() if isinstance(cert, Certificate) else cert


def certify(T: Any, regime: str) -> tuple[Optional[Certificate], Optional[Fraction]]:
    """A certificate that ``T`` is not a product of ``k <= 2`` pairs in ``regime``, and the open-set
    radius (positive-regime strict trace certificates only; 3 significant digits, rounded down), or
    ``(None, None)`` if no obstruction known to this package applies (which proves nothing).

    ``T``: anything :func:`~verify.io.as_matrix` accepts; a :class:`~verify.io.MatrixInput` lends its
    cached exact determinant and inverse."""
    regime = validated_regime(regime)
    M = as_matrix(T)
    if M.det == 0:
        raise SingularMatrixError("the matrix is singular (det T = 0); certificates are for invertible T")
    T = M.rows
    d = M.d
    if all(T[i][j] == 0 for i in range(d) for j in range(d)):
        z = zero_block(T, regime)
        if z.witness is None:
            return None, None
        w = z.witness
        if w["kind"] == "cycle":
            cells = [(w["rows"][t], w["cols"][t]) for t in range(len(w["rows"]))] + \
                    [(w["rows"][(t + 1) % len(w["rows"])], w["cols"][t]) for t in range(len(w["rows"]))]
        else:
            cells = [tuple(w["entry"])]
        return Certificate({"type": "zero-block",
                "statement": "T11 = 0, and -T21 = B T12^{-1} C has no diagonal solution "
                             f"({Regime(regime).scales} B, C)",
                "witness": w,
                "values": [{"entry": [i, j], "T12_inverse": str(z.M[i][j]), "minus_T21": str(z.R[i][j])}
                           for i, j in cells]}), None
    Tinv = M.inverse  # computed once per input, for the trace, the minors and the radius
    t, s = trace_coefficients(T, Tinv)
    if not trace_obstructs(t, s, regime):
        minors = minors_obstruction(T, regime, Tinv)
        if minors is None:
            return None, None
        m, P, Q = minors
        return Certificate({"type": "minors", "order": m,
                "statement": f"e_{m}(T11 C^-1) = e_{m}(B S), S = (T^-1)_22 (sums of principal {m}x{m} minors), has "
                             f"no solution with {Regime(regime).scales} diagonal B, C",
                "T11_minors": [str(x) for x in P], "S_minors": [str(x) for x in Q]}), None
    radius = trace_radius(T, t, s, Tinv) if regime == Regime.POSITIVE else None
    if radius is not None:  # 3 significant digits, rounded down: a margin over any checker's own tau
        radius = round_down(radius)
    cert = {"type": "trace",
            "statement": "tr(T11 C^-1) = tr(B S), S = (T^-1)_22, has no solution with "
                         f"{Regime(regime).scales} diagonal B, C",
            "T11_diagonal": [str(x) for x in t], "S_diagonal": [str(x) for x in s]}
    if radius is not None:
        cert["radius_norm"] = "spectral: every T + E with ||E||_2 < radius (so ||E||_F < radius suffices)"
    return Certificate(cert), radius


def round_down(r: Fraction, digits: int = 3) -> Fraction:
    """The largest decimal with ``digits`` significant digits that is ``<= r`` (``r > 0``): the
    package's one outward-rounding helper (:func:`verify.io.outward.down`), as a fraction."""
    return Fraction(down(r, digits))


def decimal(r: Fraction) -> str:
    """The exact decimal string of a terminating fraction (what :func:`round_down` returns),
    or ``"p/q"`` if the fraction does not terminate."""
    for k in range(0, 80):
        if 10 ** k % r.denominator == 0:
            digits = str(abs(r.numerator) * (10 ** k // r.denominator)).rjust(k + 1, "0")
            body = digits[:len(digits) - k] + ("." + digits[len(digits) - k:] if k else "")
            return ("-" if r < 0 else "") + body
    return str(r)
