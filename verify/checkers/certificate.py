r"""``check_certificate(data)``: re-derive a Theorem 3 certificate from ``T`` alone.

Independent of :mod:`verify.theorem3` (it shares only the package's input layer,
:mod:`verify.io`): it computes ``T^{-1}`` and minors with python-flint's
``fmpq_mat`` directly (exact rationals), and checks the proof obligation of the certificate type
(proofs/theorem3.md):

* every type: ``T`` is ``2d x 2d`` with ``det T > 0``;
* ``trace``: with ``a = (diag T_{11}, -diag (T^{-1})_{22})``, positive regime: ``a != 0`` and all
  ``a_j`` of one sign; signed regime: exactly one ``a_j != 0``. Any diagonal data in the
  certificate must equal the recomputed values;
* ``minors`` (order ``m``): the same rule for ``a = (P, -Q)``, ``P``, ``Q`` the principal ``m x m``
  minors of ``T_{11}`` and of ``(T^{-1})_{22}`` (every index set, recomputed here);
* ``zero-block``: ``T_{11} = 0``, and the witness holds for ``M = T_{12}^{-1}``, ``R = -T_{21}``:
  ``pattern`` -- exactly one of ``M_{ij}, R_{ij}`` is zero; ``sign`` (positive only) -- ``M_{ij} R_{ij} < 0``;
  ``cycle`` -- all cells nonzero and ``\prod_t \rho(r_t, c_t) / \rho(r_{t+1}, c_t) \ne 1`` with
  ``\rho = R/M``;
* ``lp``: with ``g_j(z) = \sum_{|S|=j} \det T_{11}[S] z^S - \sum_{|S|=j} \det W[S] z^{d+S}`` (``W = (T^{-1})_{22}``,
  every minor recomputed here), each listed pattern's ``F = \sum_j \lambda_j g_j`` is expanded
  exactly from its multipliers (the certificate's ``T11_minors`` and ``W_minors`` must equal the
  recomputed ones, so the file is bound to its ``T``); an orthant ``\tau`` is excluded when the numbers ``\tau^\alpha
  F_\alpha``
  are all ``>= 0`` or all ``<= 0`` and not all zero (tested for ``\tau = \sigma`` and ``-\sigma``).
  Positive regime: the orthant ``(+, ..., +)`` must be excluded; signed: all ``2^{2d}`` of them;
* ``radius`` (positive ``trace`` only): ``0 < radius <= \min(m_1, m_2/(\tau(\tau + m_2)))`` with
  ``\tau`` a rational upper bound of ``||T^{-1}||_F`` (computed here from an integer square root).

A ``verify depth --json`` file is read the same way (its ``T``, its ``k = 2`` certificate, and its
decomposition as ``k3`` when ``k_min = 3``). The regime is the caller's (positive by default); the file's ``regime``
is a claim, reported when it
differs. The ``k3`` member is required (unless ``require_k3=False``) and checked by
:func:`verify.checkers.decomposition.check` with its default tolerance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint

from ..errors import InputError
from ..io.entries import to_fraction
from ..io.matrix import as_fraction_rows
from ..vocabulary import Regime
from .decomposition import check


class CertificateFormatError(InputError):
    """The certificate JSON does not follow the schema."""


#: a minors certificate asks for 2 C(d, m) determinants; beyond this many the check is refused unless
#: the caller lifts the bound (``max_minors=None``; ``--yes`` on the command line): about 5 s here
MAX_MINORS = 50_000


class CertificateWorkError(InputError):
    """A certificate whose check would take more work than the caller allowed."""


@dataclass
class CertificateResult:
    """The verdict; ``claims`` lists what the file says that differs from what was checked."""

    ok: bool
    message: str
    claims: list[str] = field(default_factory=list)


def _q(x: Fraction) -> flint.fmpq:
    return flint.fmpq(x.numerator, x.denominator)


def _f(x: flint.fmpq) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _fr(x: Any, what: str) -> Fraction:
    try:
        return to_fraction(x)
    except InputError as e:
        raise CertificateFormatError(f"certificate: {what}: {e}") from None


def _matrix(rows: list[list[Fraction]]) -> flint.fmpq_mat:
    n = len(rows)
    return flint.fmpq_mat(n, len(rows[0]), [_q(x) for r in rows for x in r])


def _inverse(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    inv = _matrix(rows).inv()
    return [[_f(inv[i, j]) for j in range(inv.ncols())] for i in range(inv.nrows())]


def _sqrt_ceiling(q: Fraction, bits: int = 64) -> Fraction:
    """A rational upper bound of ``sqrt(q)``: ceil(sqrt(q * 4^bits)) / 2^bits."""
    num, den = q.numerator * (1 << (2 * bits)), q.denominator
    root = math.isqrt(num // den + 1) + 1  # sqrt(num/den) <= sqrt(floor(num/den) + 1) < root
    return Fraction(root, 1 << bits)


def check_certificate(data: Any, *, regime: str | None = "positive", require_k3: bool = True,
                      max_minors: int | None = MAX_MINORS) -> CertificateResult:
    """Check the certificate in ``data`` (the ``verify counterexample --json`` schema, or the
    :class:`~verify.theorem3.Counterexample` itself) from ``T``: that ``k <= 2`` pairs cannot give
    ``T`` in ``regime`` (``"positive"``, the default, or ``"signed"``; ``None``: the regime the file
    states), and, unless ``require_k3=False``, that the ``k = 3`` decomposition it carries multiplies
    back to ``T`` (:func:`~verify.checkers.decomposition.check`, default tolerance). The file's regime
    is a claim: when it differs, it is checked as well and a false one fails (a signed certificate,
    exactly one nonzero coefficient, also proves the positive statement). A minors certificate
    needing more than ``max_minors`` determinants is refused (:class:`CertificateWorkError`) unless
    ``max_minors=None``."""
    if not isinstance(data, dict) and hasattr(data, "to_json"):
        data = data.to_json()
    if isinstance(data, dict) and "per_k" in data:
        data = _from_depth(data)
    try:
        claimed, cert, T_raw = data["regime"], data["certificate"], data["T"]
        kind = cert["type"]
    except (KeyError, TypeError) as e:
        raise CertificateFormatError(f"certificate JSON lacks the schema's fields ({e})") from None
    if claimed not in ("positive", "signed"):
        raise CertificateFormatError(f"regime must be 'positive' or 'signed', not {str(claimed)[:40]!r}")
    if regime is None:
        regime = claimed
    if regime not in ("positive", "signed"):
        raise CertificateFormatError(f"regime must be 'positive' or 'signed', not {regime!r}")
    claims: list[str] = []
    T = as_fraction_rows(T_raw)
    n = len(T)
    d = n // 2
    if "d" in data and data["d"] != d:
        return CertificateResult(False, f"the JSON says d = {str(data['d'])[:20]} but T is {n} x {n}", claims)
    det = _f(_matrix(T).det())
    if det <= 0:
        return CertificateResult(False, f"det T = {det} is not positive", claims)
    res = _certificate(T, d, regime, kind, cert, data.get("radius"), max_minors)
    if res.ok and claimed != regime:  # the file's own statement is a claim: a false one fails the check
        theirs = _certificate(T, d, claimed, kind, cert, data.get("radius"), max_minors)
        if not theirs.ok:
            return CertificateResult(False, f"the file claims the {claimed} regime, which does not hold: "
                                            f"{theirs.message}", claims)
        claims = [f"the file says regime {claimed}; checked in the {regime} regime, and the file's {claimed} "
                  "statement holds too"]
    res.claims = claims
    if not res.ok:
        return res
    if "k3" not in data or data["k3"] is None:
        if require_k3:
            return CertificateResult(False, res.message + "; but the file carries no k = 3 decomposition (a check "
                                            "that does not require the k = 3 decomposition accepts that)", claims)
        return res
    k3 = check(T, data["k3"], regime=regime)
    if not k3.ok:
        return CertificateResult(False, f"the certificate holds but the k = 3 decomposition does not: {k3.message}",
                                 claims + k3.claims)
    k = len(data["k3"]["layers"])
    return CertificateResult(True, res.message + f"; k = {k} decomposition: {k3.message}", claims + k3.claims)


def _from_depth(data: dict) -> dict:
    """The ``verify depth --json`` schema read as a certificate: ``T``, the regime, the ``k = 2``
    impossibility certificate and, when ``k_min = 3``, the decomposition as the ``k3`` member."""
    two = data["per_k"].get("2") if isinstance(data["per_k"], dict) else None
    cert = two.get("certificate") if isinstance(two, dict) else None
    if not isinstance(cert, dict) or "T" not in data:
        raise CertificateFormatError("this depth JSON carries no certificate that k <= 2 is impossible "
                                     "(per_k['2'].certificate is null, or T is missing)")
    return {"regime": data.get("regime"), "T": data["T"], "certificate": cert, "radius": None,
            "k3": data.get("decomposition") if data.get("k_min") == 3 else None}


def _certificate(T: list[list[Fraction]], d: int, regime: str, kind: Any, cert: dict, radius: Any,
                 max_minors: int | None = MAX_MINORS) -> CertificateResult:
    """The certificate's obligation in ``regime`` (module docstring), without the ``k3`` member."""
    if kind == "trace":
        res = _check_trace(T, d, regime, cert)
        return _check_radius(T, d, regime, radius, res) if res.ok else res
    if kind == "minors":
        res = _check_minors(T, d, regime, cert, max_minors)
        if res.ok and radius is not None:
            return CertificateResult(False, "no radius is derived for a minors certificate; radius must be null")
        return res
    if kind == "lp":
        res = _check_lp(T, d, regime, cert, max_minors)
        if res.ok and radius is not None:
            return CertificateResult(False, "no radius is derived for an lp certificate; radius must be null")
        return res
    if kind == "zero-block":
        res = _check_zero_block(T, d, regime, cert)
        if res.ok and radius is not None:
            return CertificateResult(
                False, "a zero-block certificate does not hold on an open set; radius must be null"
            )
        return res
    raise CertificateFormatError(f"unknown certificate type {str(kind)[:40]!r}")


def _diagonals(T: list[list[Fraction]], d: int) -> tuple[list[Fraction], list[Fraction]]:
    Tinv = _inverse(T)
    return [T[i][i] for i in range(d)], [Tinv[d + i][d + i] for i in range(d)]


def _check_trace(T: list[list[Fraction]], d: int, regime: str, cert: dict) -> CertificateResult:
    t, s = _diagonals(T, d)
    for key, values in (("T11_diagonal", t), ("S_diagonal", s)):
        if key in cert:
            given = cert[key]
            if not isinstance(given, list) or len(given) != d or any(_fr(x, key) != v for x, v in zip(given, values)):
                return CertificateResult(False, f"{key} differs from the value recomputed from T")
    return _sign_rule(t, s, regime, "trace", "tr(T11 C^-1) = tr(B S)", "(diag T11, -diag S)")


def _sign_rule(t: list[Fraction], s: list[Fraction], regime: str, name: str, identity: str,
               coefficients: str) -> CertificateResult:
    """The obligation shared by ``trace`` and ``minors``: sum_I t_I x^I = sum_I s_I b^I has no solution."""
    a = t + [-x for x in s]
    nonzero = sum(1 for x in a if x != 0)
    if regime == Regime.SIGNED:
        if nonzero != 1:
            return CertificateResult(False, f"signed {name} certificate needs exactly one nonzero coefficient; "
                                            f"{coefficients} has {nonzero}")
        return CertificateResult(True, f"{name}: exactly one of the coefficients {coefficients} is nonzero, so "
                                       f"{identity} has no solution with nonzero scales")
    if nonzero == 0 or not (all(x >= 0 for x in a) or all(x <= 0 for x in a)):
        return CertificateResult(False, f"positive {name} certificate needs {coefficients} nonzero and of one sign")
    return CertificateResult(True, f"{name}: {coefficients} is nonzero and of one sign, so "
                                   f"{identity} has no solution with positive scales")


def _minors(block: list[list[Fraction]], m: int) -> list[Fraction]:
    from itertools import combinations

    return [_f(_matrix([[block[i][j] for j in I] for i in I]).det()) for I in combinations(range(len(block)), m)]


def _check_minors(T: list[list[Fraction]], d: int, regime: str, cert: dict, max_minors: int | None = MAX_MINORS
                  ) -> CertificateResult:
    m = cert.get("order")
    if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= d:
        raise CertificateFormatError(f"minors certificate needs an integer order in 1..{d}")
    count = 2 * math.comb(d, m)
    if max_minors is not None and count > max_minors:
        raise CertificateWorkError(f"a minors certificate of order {m} at d = {d} asks for {count} determinants "
                                   f"of {m} x {m} matrices (about {count * 1e-4 * m:.0f} s), beyond the bound of "
                                   f"{max_minors}", hints=("go-ahead",))
    Tinv = _inverse(T)
    P = _minors([r[:d] for r in T[:d]], m)
    Q = _minors([r[d:] for r in Tinv[d:]], m)
    for key, values in (("T11_minors", P), ("S_minors", Q)):
        if key in cert:
            given = cert[key]
            if not isinstance(given, list) or len(given) != len(values) or \
                    any(_fr(x, key) != v for x, v in zip(given, values)):
                return CertificateResult(False, f"{key} differs from the values recomputed from T")
    return _sign_rule(P, Q, regime, f"minors (order {m})", f"e_{m}(T11 C^-1) = e_{m}(B S)",
                      f"(principal {m}-minors of T11, minus those of S)")


#: an lp certificate asks for (terms of the multipliers) x (terms of g_j) products; beyond this many the
#: check is refused unless the caller lifts the bound like ``max_minors`` (about 10 s here)
MAX_LP_PRODUCTS = 5_000_000


def _system(T: list[list[Fraction]], d: int
            ) -> tuple[list[list[tuple[tuple[int, ...], Fraction]]], list[Fraction], list[Fraction]]:
    """``g_1..g_d`` as lists of ``(variables, coefficient)``, from minors computed here, and the
    minors of ``T_{11}`` and ``W`` in the certificate's order."""
    from itertools import combinations

    Tinv = _inverse(T)
    T11, W = [r[:d] for r in T[:d]], [r[d:] for r in Tinv[d:]]
    out, P, Q = [], [], []
    for j in range(1, d + 1):
        p, q = _minors(T11, j), _minors(W, j)  # in the order of combinations(range(d), j)
        P += p
        Q += q
        g = [(S, a) for S, a in zip(combinations(range(d), j), p)]
        g += [(tuple(d + i for i in S), -b) for S, b in zip(combinations(range(d), j), q)]
        out.append([(S, c) for S, c in g if c != 0])
    return out, P, Q


def _check_lp(T: list[list[Fraction]], d: int, regime: str, cert: dict, max_minors: int | None = MAX_MINORS
              ) -> CertificateResult:
    n = 2 * d
    patterns = cert.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise CertificateFormatError("lp certificate needs a nonempty list of patterns")
    parsed = []
    work = 0
    for p in patterns:
        if not isinstance(p, dict) or not isinstance(p.get("multipliers"), list):
            raise CertificateFormatError("each lp pattern needs signs and multipliers")
        signs = p.get("signs")
        if not (isinstance(signs, list) and len(signs) == n and all(v in (1, -1) and not isinstance(v, bool)
                                                                    for v in signs)):
            raise CertificateFormatError(f"lp pattern signs must be {n} entries of 1 or -1")
        mults = []
        for m in p["multipliers"]:
            j = m.get("j") if isinstance(m, dict) else None
            if not isinstance(j, int) or isinstance(j, bool) or not 1 <= j <= d or not isinstance(m.get("terms"), list):
                raise CertificateFormatError(f"lp multiplier needs an integer j in 1..{d} and a list of terms")
            terms = []
            for t in m["terms"]:
                if not (isinstance(t, list) and len(t) == 2 and isinstance(t[0], list)
                        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < n for v in t[0])):
                    raise CertificateFormatError(f"lp term must be [[variable indices in 0..{n - 1}], coefficient]")
                terms.append((tuple(t[0]), _fr(t[1], "lp coefficient")))
            mults.append((j, terms))
            work += len(terms) * math.comb(d, j) * 2
        parsed.append((tuple(signs), mults))
    if max_minors is not None and work > MAX_LP_PRODUCTS:
        raise CertificateWorkError(f"this lp certificate asks for {work} products of terms, beyond the bound of "
                                   f"{MAX_LP_PRODUCTS}", hints=("go-ahead",))
    g, P, Q = _system(T, d)
    for key, values in (("T11_minors", P), ("W_minors", Q)):
        given = cert.get(key)
        if not isinstance(given, list) or len(given) != len(values) or \
                any(_fr(x, key) != v for x, v in zip(given, values)):
            return CertificateResult(False, f"lp: {key} is missing or differs from the values recomputed from T")
    excluded: set[tuple[int, ...]] = set()
    for signs, mults in parsed:
        F: dict[tuple[int, ...], Fraction] = {}
        for j, terms in mults:
            for mu, a in terms:
                for S, c in g[j - 1]:
                    alpha = tuple(sorted(mu + S))
                    F[alpha] = F.get(alpha, Fraction(0)) + a * c
        for tau in (signs, tuple(-v for v in signs)):
            vals = [v * math.prod(tau[i] for i in alpha) for alpha, v in F.items() if v != 0]
            if vals and (all(v > 0 for v in vals) or all(v < 0 for v in vals)):
                excluded.add(tau)
    need = [(1,) * n] if regime == Regime.POSITIVE else \
        [tuple(1 if (b >> i) & 1 else -1 for i in range(n)) for b in range(2 ** n)]
    missing = [tau for tau in need if tau not in excluded]
    if missing:
        return CertificateResult(False, f"lp: the orthant {''.join('+' if v > 0 else '-' for v in missing[0])} is "
                                        f"not excluded ({len(missing)} of {len(need)} are not): some F = sum_j "
                                        "lambda_j g_j there has coefficients of both signs, or is 0")
    return CertificateResult(
        True,
        f"lp: F = sum_j lambda_j g_j, re-expanded exactly from minors of T11 and "
        f"(T^-1)_22, has coefficients of one sign on "
        f"{'the positive orthant' if regime == Regime.POSITIVE else f'all {len(need)} orthants'}, "
        "so charpoly(T11 C^-1) = charpoly(B (T^-1)_22) has no solution with "
        f"{Regime(regime).scales} scales",
    )


def _check_radius(
    T: list[list[Fraction]], d: int, regime: str, radius: Any, res: CertificateResult
) -> CertificateResult:
    if radius is None:
        return res
    if regime != Regime.POSITIVE:
        return CertificateResult(False, "a signed certificate does not hold on an open set; radius must be null")
    r = _fr(radius, "radius")
    t, s = _diagonals(T, d)
    sign = 1 if t[0] > 0 or s[0] < 0 else -1
    m1, m2 = min(sign * x for x in t), min(-sign * x for x in s)
    if r <= 0 or m1 <= 0 or m2 <= 0:
        return CertificateResult(False, "radius needs every coefficient strictly of one sign and radius > 0")
    Tinv = _inverse(T)
    tau = _sqrt_ceiling(sum((x * x for row in Tinv for x in row), Fraction(0)))
    bound = min(m1, m2 / (tau * (tau + m2)))
    if r > bound:
        return CertificateResult(False, f"radius {radius} exceeds the provable {float(bound):.4g}")
    return CertificateResult(True, res.message + f"; and for every T + E with ||E||_2 < {radius} "
                                                 f"(provable up to {float(bound):.4g})")


def _check_zero_block(T: list[list[Fraction]], d: int, regime: str, cert: dict) -> CertificateResult:
    if any(T[i][j] != 0 for i in range(d) for j in range(d)):
        return CertificateResult(False, "zero-block certificate needs T11 = 0")
    M = _inverse([r[d:] for r in T[:d]])
    R = [[-T[d + i][j] for j in range(d)] for i in range(d)]
    w = cert.get("witness")
    if not isinstance(w, dict) or "kind" not in w:
        raise CertificateFormatError("zero-block certificate needs a witness with a kind")

    def cell(x: Any) -> tuple[int, int]:
        if not (isinstance(x, (list, tuple)) and len(x) == 2 and all(isinstance(v, int) and 0 <= v < d for v in x)):
            raise CertificateFormatError(f"witness cell {x!r} is not a pair of indices in 0..{d - 1}")
        return int(x[0]), int(x[1])

    if w["kind"] == "pattern":
        i, j = cell(w.get("entry"))
        if (M[i][j] == 0) == (R[i][j] == 0):
            return CertificateResult(False, f"pattern witness ({i},{j}): T12^-1 and -T21 are both zero or both nonzero")
        return CertificateResult(True, f"zero-block: at ({i},{j}) exactly one of T12^-1, -T21 is zero, "
                                       "so no diagonal B, C give -T21 = B T12^-1 C")
    if w["kind"] == "sign":
        i, j = cell(w.get("entry"))
        if regime != Regime.POSITIVE:
            return CertificateResult(False, "a sign witness proves nothing in the signed regime")
        if not M[i][j] * R[i][j] < 0:
            return CertificateResult(False, f"sign witness ({i},{j}): T12^-1 and -T21 do not have opposite signs")
        return CertificateResult(True, f"zero-block: at ({i},{j}) T12^-1 and -T21 have opposite signs, "
                                       "so no positive B, C give -T21 = B T12^-1 C")
    if w["kind"] == "cycle":
        rows_, cols_ = w.get("rows"), w.get("cols")
        if not (isinstance(rows_, list) and isinstance(cols_, list) and len(rows_) == len(cols_) >= 2):
            raise CertificateFormatError("cycle witness needs equally long lists rows and cols (length >= 2)")
        m = len(rows_)
        product = Fraction(1)
        for t in range(m):
            i, j = cell([rows_[t], cols_[t]])
            i2, _ = cell([rows_[(t + 1) % m], cols_[t]])
            if M[i][j] == 0 or R[i][j] == 0 or M[i2][j] == 0 or R[i2][j] == 0:
                return CertificateResult(False, "cycle witness passes through a zero entry")
            product *= (R[i][j] / M[i][j]) / (R[i2][j] / M[i2][j])
        if product == 1:
            return CertificateResult(False, "cycle witness: the alternating product of ratios is 1")
        return CertificateResult(True, f"zero-block: the ratios -T21/T12^-1 around a {m}-cycle multiply to "
                                       f"{product} != 1, so no diagonal B, C give -T21 = B T12^-1 C")
    raise CertificateFormatError(f"unknown witness kind {w['kind']!r}")
