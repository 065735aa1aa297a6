r"""Certified counterexamples to ``k <= 2`` (Theorem 3, extended to every ``d >= 2`` and both regimes).

``counterexample(d, regime, family)`` returns a rational ``T`` with ``det T > 0``, a certificate
that no product of ``k <= 2`` pairs equals ``T`` in that regime (checked here before it is
returned, and re-derived from ``T`` alone by :mod:`verify.checkers.certificate`), a radius of an open
ball of such ``T`` when the certificate is open, and the exact ``k = 3`` decomposition of ``T``
(Theorem 2), which shows the bound is tight.

Families (proofs/theorem3.md):

* ``trace`` -- ``T = E(X) diag(T_{11}, S^{-1}) F(Y)``, so ``T_{11}`` and ``S = (T^{-1})_{22}``
  are chosen freely. Positive regime: ``diag T_{11} > 0 > diag S`` (Lemma 2; open, Lemma 4).
  Signed regime: ``T_{11}`` the cyclic shift (zero diagonal), ``S`` the cyclic shift plus
  ``e_1 e_1^T`` (one nonzero diagonal entry); all four blocks are invertible.
* ``zero-block`` -- ``T_{11} = 0``, ``T_{12}^{-1} = I + J``, ``-T_{21} = 2I + J`` (``J`` all ones):
  no diagonal ``B, C`` give ``B (I + J) C = 2I + J`` (a cycle witness, Lemma 3), in either regime.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

from ..errors import InputError
from ..io.matrix import as_matrix
from ..theorem2.cost import Estimate
from ..theorem2.decompose import Decomposition, decompose
from ..theorem2.serialize import to_json as decomposition_json
from ..vocabulary import REGIMES, Regime
from .certificate import as_json, certify, decimal
from .obstructions import exact_inverse

FAMILIES = ("trace", "zero-block")


class CounterexampleError(InputError):
    """No counterexample of that kind exists or is offered (d < 2, unknown family or regime)."""


Rows = list[list[Fraction]]


def _matmul(a: Rows, b: Rows) -> Rows:
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(b[0]))]
            for i in range(len(a))]


def _eye(d: int) -> Rows:
    return [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]


def _pattern(d: int, p: int, q: int) -> Rows:
    """A fixed, deterministic matrix with entries in {-1, 0, 1} (so examples are not too special)."""
    return [[Fraction((p * i + q * j + 1) % 3 - 1) for j in range(d)] for i in range(d)]


def _assemble(T11: Rows, Sigma: Rows, X: Rows, Y: Rows) -> Rows:
    r"""``E(X) diag(T_{11}, \Sigma) F(Y) = [[T_{11}, T_{11} Y], [X T_{11}, X T_{11} Y + \Sigma]]``;
    its ``(T^{-1})_{22}`` is ``\Sigma^{-1}`` and its ``T_{11}`` is ``T_{11}``."""
    d = len(T11)
    T11Y = _matmul(T11, Y)
    XT11 = _matmul(X, T11)
    XT11Y = _matmul(XT11, Y)
    top = [T11[i] + T11Y[i] for i in range(d)]
    bottom = [XT11[i] + [XT11Y[i][j] + Sigma[i][j] for j in range(d)] for i in range(d)]
    return top + bottom


def _shift(d: int) -> Rows:
    return [[Fraction(int(j == (i + 1) % d)) for j in range(d)] for i in range(d)]


def trace_family(d: int, regime: str) -> Rows:
    """The ``trace`` family's ``T`` (module docstring)."""
    X, Y = _pattern(d, 1, 2), _pattern(d, 2, 1)
    if regime == Regime.POSITIVE:
        T11 = [[Fraction(1) if i == j else (Fraction(1, 2) if j == i + 1 else Fraction(0)) for j in range(d)]
               for i in range(d)]
        K = [[Fraction(1) if i == j else (Fraction(1, 2) if i == j + 1 else Fraction(0)) for j in range(d)]
             for i in range(d)]
        if d % 2:  # det K must have the sign (-1)^d so that det T = det T11 / det(-K) > 0
            K[0][1] = K[1][0] = Fraction(2)
        S = [[-x for x in r] for r in K]
    else:
        T11 = _shift(d)
        S = _shift(d)
        S[0][0] = Fraction(1)
    return _assemble(T11, exact_inverse(S), X, Y)


def zero_block_family(d: int) -> Rows:
    """The ``zero-block`` family's ``T`` (module docstring); ``det T > 0`` for every ``d``."""
    IJ = [[Fraction(1 + int(i == j)) for j in range(d)] for i in range(d)]  # I + J
    T12 = exact_inverse(IJ)
    T21 = [[-Fraction(1 + 2 * int(i == j)) for j in range(d)] for i in range(d)]  # -(2I + J)
    T22 = _pattern(d, 1, 1)
    zero = [[Fraction(0)] * d for _ in range(d)]
    return [zero[i] + T12[i] for i in range(d)] + [T21[i] + T22[i] for i in range(d)]


@dataclass
class Counterexample:
    d: int
    regime: str
    T: Rows
    certificate: dict
    radius: Optional[Fraction]
    k3: Decomposition  # exact, k = 3

    def to_json(self) -> dict[str, Any]:
        """The stable JSON schema (:func:`to_json`), which ``check_certificate`` reads."""
        return to_json(self)


def counterexample_cost(d: int) -> Estimate:
    """Estimated JSON size and time of :func:`counterexample` (its exact ``k = 3`` layers dominate),
    measured on 2 cores for the positive trace family, d = 12..32 (20: 28 s and 53 MB; 24: 86 s
    and 140 MB; 32: 551 s and 3.5 GB of memory): ``seconds ~ 28 (d/20)^{6.4}``,
    ``bytes ~ 5.3e7 (d/20)^{5.2}``. For deciding whether to start, not a bound."""
    r = max(d, 1) / 20
    return Estimate(5.3e7 * r**5.2, 28.0 * r**6.4)


def counterexample(d: int, regime: str = "positive", family: str = "trace") -> Counterexample:
    """A certified counterexample (module docstring). Raises :class:`CounterexampleError` for
    ``d < 2`` or unknown names, and ``RuntimeError`` if a check that must pass fails."""
    if regime not in REGIMES:
        raise CounterexampleError(f"regime must be one of {', '.join(REGIMES)}")
    if family not in FAMILIES:
        raise CounterexampleError(f"unknown family {family!r}; use one of {', '.join(FAMILIES)}")
    if not isinstance(d, int) or d < 2:
        raise CounterexampleError("d must be an integer >= 2 (for d = 1 the families do not exist)")
    T = trace_family(d, regime) if family == "trace" else zero_block_family(d)
    M = as_matrix(T, source="family")  # one validated input for the certificate and the k = 3 word
    cert, radius = certify(M, regime)
    if cert is None or (regime == Regime.POSITIVE and family == "trace" and radius is None):
        raise RuntimeError(f"internal error: the {family} family did not certify at d = {d}")
    k3 = decompose(M, "exact", max_seconds=None, max_bytes=None)  # bounded by counterexample's own estimate
    if not k3.verified or len(k3.pairs) != 3:
        raise RuntimeError(f"internal error: the k = 3 decomposition has {len(k3.pairs)} pairs")
    return Counterexample(d, regime, T, cert, radius, k3)


def to_json(ce: Counterexample) -> dict[str, Any]:
    """The stable schema: ``{"d", "regime", "T", "certificate", "radius", "k3"}``."""
    return {"d": ce.d, "regime": ce.regime, "T": [[str(x) for x in r] for r in ce.T],
            "certificate": as_json(ce.certificate), "radius": decimal(ce.radius) if ce.radius is not None else None,
            "k3": decomposition_json(ce.k3)}


def to_text(ce: Counterexample) -> str:
    lines = [f"A {2 * ce.d} x {2 * ce.d} matrix T (d = {ce.d}, det T > 0) that is not a product of k <= 2 "
             f"pairs in the {ce.regime} regime:"]
    width = max(len(str(x)) for r in ce.T for x in r)
    lines += ["  " + "  ".join(f"{str(x):>{width}}" for x in r) for r in ce.T]
    c = ce.certificate
    lines.append(f"certificate: {c['type']} -- {c['statement']}")
    if c["type"] == "trace":
        lines.append(f"  diag T11 = ({', '.join(c['T11_diagonal'])})")
        lines.append(f"  diag S   = ({', '.join(c['S_diagonal'])})")
    else:
        lines.append(f"  witness: {c['witness']}")
    if ce.radius is not None:
        lines.append(f"open set: the certificate holds for every T + E with ||E||_2 < {decimal(ce.radius)}")
    lines.append(f"k = 3 suffices (Theorem 2): exact decomposition with {len(ce.k3.pairs)} pairs, "
                 "multiplied back exactly")
    lines.append("check independently: verify counterexample ... --json > ce.json && verify check-certificate ce.json")
    return "\n".join(lines)


def perturbation(T: Rows, radius: Fraction, rng: Any, grid: int = 1000) -> Rows:
    """``T + E`` for a random rational ``E`` with ``|E_ij| < radius / 2d``, hence
    ``||E||_2 <= ||E||_F < radius``: a point of the open set a positive trace certificate covers."""
    n = len(T)
    rho = radius / n
    return [[x + Fraction(int(rng.integers(-grid + 1, grid)), grid) * rho for x in r] for r in T]
