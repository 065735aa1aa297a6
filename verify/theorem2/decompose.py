r"""``decompose(T)``: Theorem 2 as an algorithm, with every result multiplied back before it is
returned.

For ``T`` in ``R^{2d x 2d}`` with ``det T > 0`` it returns ``k`` pairs (positive regime, all
``b_i, c_i > 0``) with ``T = L(A_1,b_1)U(c_1,D_1) \cdots L(A_k,b_k)U(c_k,D_k)``:
``k = 1`` when ``T`` is a single pair (criterion in :func:`~verify.theorem2.construction.one_pair`),
otherwise ``k = 3`` (:func:`~verify.theorem2.construction.three_pairs`), which Theorem 3 of the paper shows cannot be
lowered to 2 for every ``T`` (method ``"minimal"``). Method ``"stable"`` (float) returns ``k = 7`` (``8`` on a
lopsided spectrum)
pairs whose layers are conditioned like ``\sqrt{\kappa(T)}`` (:mod:`~verify.theorem2.stable`). With
``sign_layer=True`` a matrix with ``det T < 0`` is written as
``T = S \cdot (\text{pairs})`` with ``S = \operatorname{diag}(-1, 1, \dots, 1)``.

Verification: exact mode checks the product equals ``T`` entry by entry. mp/float mode states an
upper bound on ``\|\Pi - T\|_F / \|T\|_F`` for the exact product ``\Pi`` of the returned
(rounded) layers (:mod:`verify.theorem2.residual`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

import numpy as np

from ..algebra.arith import Arithmetic, Mat, as_arithmetic, get_arithmetic
from ..algebra.layers import (
    Pair,
    apply_pairs,
    convert_pairs,
    equals_product,
    flip_first_row,
    layer_cond_1,
    layer_matrices,
    sign_matrix,
)
from ..errors import InputError, MatrixValueError, NegativeDeterminantError, SingularMatrixError, VerificationError
from ..io.matrix import MatrixInput, as_matrix
from ..vocabulary import Method, validated_regime
from .construction import ConstructionError, one_pair, three_pairs
from .residual import ARB_MAX_N, residual_bound
from .stable import stable_pairs

METHODS = tuple(m.value for m in Method)  # the names, for callers that list them


class MethodError(InputError):
    """An unknown method, or one the chosen arithmetic cannot run."""


@dataclass
class Decomposition:
    """A verified decomposition ``T = [S] L_1 U_1 ... L_k U_k`` (``S`` only if ``sign_layer``)."""

    T: Mat
    pairs: list[Pair]
    arithmetic: Arithmetic
    sign_layer: bool = False
    residual: float = 0.0  # exact mode: 0 (checked equal); else an upper bound, relative, Frobenius
    residual_measured: float = 0.0
    tolerance: float = 0.0
    max_layer_cond: Any = 1.0  # float; an mpmath.mpf in exact and mp mode (may exceed float64's range)
    verified: bool = False
    regime: str = "positive"
    #: the attempt of the construction's free choices that was used (0: the default choices)
    attempt: int = 0
    #: "minimal" (k <= 3, exact construction) or "stable" (k = 7 or 8, bounded layer conditioning)
    method: str = "minimal"
    #: which construction produced the layers: "one-pair" (k = 1), "prescribed" or "pivots" (k = 3:
    #: Lemma C with eigenvalues 1..d, or with the pivots' partial products; proofs/theorem2.md), "stable"
    route: str = "pivots"

    @property
    def d(self) -> int:
        return self.T.shape[0] // 2

    @property
    def k(self) -> int:
        return len(self.pairs)

    @property
    def ar(self) -> Arithmetic:
        return self.arithmetic

    def layers(self) -> list[Mat]:
        """``[L_1, U_1, ..., L_k, U_k]`` (preceded by ``S`` when ``sign_layer``)."""
        out = layer_matrices(self.ar, self.pairs)
        return ([sign_matrix(self.ar, 2 * self.d)] if self.sign_layer else []) + out

    def to_json(self) -> dict[str, Any]:
        """The stable JSON schema (:func:`verify.theorem2.serialize.to_json`)."""
        from .serialize import to_json

        return to_json(self)

    def save(self, path: Any) -> int:
        """Write the decomposition to ``path``, as JSON (``.json``) or as NumPy arrays (``.npz``, see
        :mod:`verify.io.npz`), by its suffix; returns the bytes written. Both read back with
        :func:`verify.io.read_decomposition` and check with :func:`verify.check`."""
        from pathlib import Path

        from .serialize import to_npz, write_json

        suffix = Path(str(path)).suffix.lower()
        if suffix == ".npz":
            return to_npz(self, path)
        if suffix != ".json":
            raise InputError(f"{str(path)[:80]}: save writes .json or .npz (the suffix chooses the format)")
        with open(path, "w", encoding="utf-8") as f:
            write_json(self, f)
            return f.tell()

    def pairs_in(self, arithmetic: "Arithmetic | str", digits: int = 50) -> list[Pair]:
        """The pairs converted to another arithmetic (``"exact"``, ``"mp"``, ``"float"``); see
        :func:`verify.algebra.layers.convert_pairs`."""
        return convert_pairs(self.pairs, self.ar, as_arithmetic(arithmetic, digits))

    def as_fractions(self) -> list[dict[str, Any]]:
        """The pairs as Python ``Fraction``s, ``[{"A": rows, "b": list, "c": list, "D": rows}, ...]``:
        exact mode's entries are python-flint ``fmpq`` (which ``Fraction()`` does not take), float and
        mp entries are given by their exact binary values."""
        from ..io.entries import to_fraction

        rows = lambda M: [[to_fraction(x) for x in r] for r in M.rows()]  # noqa: E731
        return [{"A": rows(p.A), "b": [to_fraction(x) for x in p.b], "c": [to_fraction(x) for x in p.c],
                 "D": rows(p.D)} for p in self.pairs]

    def product(self) -> Mat:
        """The product of the layers in this decomposition's arithmetic."""
        P = apply_pairs(self.ar, self.pairs, self.ar.eye(2 * self.d))
        return flip_first_row(self.ar, P) if self.sign_layer else P




def to_matrix(M: MatrixInput, ar: Arithmetic) -> tuple[Mat, bool]:
    """The validated input in ``ar``, and whether the conversion was exact (so the residual bound
    can include the input's rounding when it was not)."""
    if ar.float64_arrays and M.has_array:
        return ar.mat(M.array.copy()), M.float_exact
    if not all(ar.in_range(q) for r in M.rows for q in r):
        raise MatrixValueError(f"an entry is outside {ar.name} arithmetic's range (|x| >= 2^1024: float64's range)",
                               hints=("exact", "mp"))
    return ar.from_fractions(M.rows), represents_exactly(ar, M.rows)


def represents_exactly(ar: Arithmetic, rows: list[list[Fraction]]) -> bool:
    """Whether every exact entry is representable in ``ar`` without rounding."""
    return all(ar.represents(q) for r in rows for q in r)


def check_determinant(ar: Arithmetic, T: Mat, sign_layer: bool, M: Optional[MatrixInput] = None
                      ) -> tuple[Mat, bool, bool]:
    """``(T or its first row flipped, flipped, invertible to working precision)``: refuse ``det T = 0``;
    for ``det T < 0`` refuse, or flip the first row when ``sign_layer``. The sign of ``det T`` is
    read from the input's exact determinant when ``M`` is given and that is cheap (exact mode, or
    ``2d <= 64``: 0.03 s for a 64 x 64 float matrix), so "det T = 0" is said only when it is true; without it a ``T``
    singular to
    working precision is refused as such."""
    exact_sign = M is not None and (ar.exact or M.n <= 64)
    sign = M.det_sign if exact_sign else None
    if ar.exact:
        invertible = sign != 0
    else:
        s, invertible = ar.sign_and_invertible(T.v)
        sign = s if sign is None else sign
    if sign == 0:
        raise SingularMatrixError("the matrix is singular (det T = 0); only invertible T decompose")
    if not invertible and not exact_sign:
        raise numerically_singular(ar, "the matrix is")
    if sign < 0:
        if not sign_layer:
            raise NegativeDeterminantError(
                "det T < 0: coupling layers with positive scales preserve orientation", hints=("sign-layer",))
        return flip_first_row(ar, T), True, invertible
    return T, False, invertible


def numerically_singular(ar: Arithmetic, what: str) -> SingularMatrixError:
    return SingularMatrixError(f"{what} singular to working precision ({ar.name} arithmetic)",
                               hints=("exact", "mp" if ar.fixed_precision else "more-digits"))


def default_method(arithmetic: "Arithmetic | str") -> Method:
    """The stable method where the precision is fixed (float64), the minimal one otherwise: exact,
    and mp, where the fewest pairs are affordable because the digits can be raised
    (``method="stable"`` runs in mp as well)."""
    return Method.STABLE if as_arithmetic(arithmetic).fixed_precision else Method.MINIMAL


class ExactCostError(InputError):
    """Exact work estimated beyond the caller's time or size bound (``max_seconds``, ``max_bytes``)."""


def as_method(method: "Method | str") -> Method:
    """``method`` as a :class:`~verify.vocabulary.Method` (a member or its name), or :class:`MethodError`."""
    try:
        return Method(method)
    except ValueError:
        raise MethodError(f"unknown method {' '.join(str(method).split())[:40]!r}; use one of "
                          f"{', '.join(m.value for m in Method)}") from None


def choose_arithmetic(M: MatrixInput) -> Arithmetic:
    """The arithmetic the input asks for: ``"float"`` when its entries are binary floats (a float
    array, Python floats), ``"exact"`` otherwise (integers, fractions, decimals, decimal text) --
    the same choice as the command line's."""
    return get_arithmetic("float" if M.binary_float else "exact")


def decompose(T: Any, arithmetic: "Arithmetic | str | None" = None, *, method: "Method | str | None" = None,
              digits: int = 50,
              sign_layer: bool = False, tol: Optional[float] = None, seed: int = 0, attempts: int = 4,
              progress: Any = None, max_seconds: Optional[float] = 60.0, max_bytes: Optional[float] = 1e8
              ) -> Decomposition:
    r"""Decompose ``T`` into pairs of linear affine coupling layers (Theorem 2).

    Parameters
    ----------
    T : nested sequence, array or :class:`~verify.io.MatrixInput`, ``2d x 2d``
        Entries: ints, floats, ``Fraction``, or strings such as ``"-3/7"``.
    arithmetic : ``Exact()`` (rational layers, product checked equal to ``T``), ``Mp(digits)``
        (mpmath) or ``Float()`` (numpy float64), from :mod:`verify.algebra.arith`; the names
        ``"exact"``, ``"mp"`` (with ``digits``) and ``"float"`` are accepted as a convenience.
        Default (``None``): what the input asks for (:func:`choose_arithmetic`): float for binary
        floats, exact otherwise.
    method : ``"minimal"`` -- ``k \le 3`` (``k = 1`` when ``T`` is one pair), the fewest pairs
        possible (:mod:`~verify.theorem2.construction`); exact, but its layers can be very
        ill-conditioned. ``"stable"`` -- ``k = 7`` (``8`` on a lopsided spectrum) with every layer's condition number
        bounded by a
        constant times ``\sqrt{\kappa(T)}`` (:mod:`~verify.theorem2.stable`): backward stable in
        floating point; float or mp. Default: stable in float, minimal otherwise.
    sign_layer : allow ``det T < 0`` by a leading ``S = diag(-1, 1, ..., 1)``.
    tol : residual tolerance for ``verified`` in mp/float mode (default ``1e-8`` in float,
        ``10^{-digits/2}`` in mp).
    seed : seed of the free choices used when the simplest choice is degenerate.
    attempts : minimal method in mp/float: try up to this many choices, keeping the smallest
        residual bound, and stop at the first that meets ``tol``.
    progress : an object with ``update(n)`` (a tqdm bar), advanced once per stage: the stable
        method's SVD, two orthogonal factors and verification (4 stages); the minimal method's
        construction and verification (2 stages per attempt).
    max_seconds, max_bytes : exact arithmetic is estimated first (:mod:`~verify.theorem2.cost`);
        beyond either bound it raises :class:`ExactCostError` with the estimate (``None``: no bound).

    Raises
    ------
    InputError
        (a ``ValueError``) for bad input: not square, odd size, empty, ragged, non-numeric, NaN/inf,
        singular, or ``det T < 0`` without ``sign_layer``.
    VerificationError
        if exact verification fails (a bug).
    """
    M = as_matrix(T)
    ar = choose_arithmetic(M) if arithmetic is None else as_arithmetic(arithmetic, digits)
    method = default_method(ar) if method is None else as_method(method)
    if method == Method.STABLE and ar.exact:
        raise MethodError("the stable method needs float or mp arithmetic (its SVDs and Schur forms are not "
                          "rational); exact arithmetic uses the minimal method")
    if ar.exact and (max_seconds is not None or max_bytes is not None):
        _refuse_costly_exact(M, max_seconds, max_bytes)
    T0, input_exact = to_matrix(M, ar)
    e = 0 if ar.exact else binary_exponent(M)
    T1, flipped, invertible = check_determinant(ar, scale(ar, T0, -e), sign_layer, M)
    single = one_pair(ar, T1) if (method == Method.MINIMAL or not invertible) else None
    if not invertible and single is None:  # only the single-pair test is safe on such a T
        raise numerically_singular(ar, "det T != 0, but the matrix is")
    exact = M.rows if (not ar.exact and (not M.has_array or M.n <= ARB_MAX_N)) else None
    if tol is None:
        tol = ar.default_tolerance()
    if method == Method.STABLE and invertible:
        pairs = scale_pairs(ar, stable_pairs(ar, T1, progress=progress), e)
        dec = verified_decomposition(ar, T0, pairs, flipped, tol, input_exact, exact=exact)
        dec.method = dec.route = "stable"
        if progress is not None:
            progress.update(1)
        return dec
    best: Optional[Decomposition] = None
    n_tries = 1 if (ar.exact or single is not None) else max(1, attempts)
    for attempt in range(n_tries):
        if single is not None:
            pairs, used, route = single, 0, "one-pair"
        else:
            try:
                word = three_pairs(ar, T1, seed=seed, start=attempt)
            except ConstructionError:
                if best is None:
                    raise
                break  # keep the best earlier result
            pairs, used, route = word.pairs(ar), word.attempt, word.route
        if progress is not None:
            progress.update(1)
        dec = verified_decomposition(ar, T0, scale_pairs(ar, pairs, e), flipped, tol, input_exact, exact=exact)
        if progress is not None:
            progress.update(1)
        dec.attempt, dec.route = used, route
        if best is None or dec.residual < best.residual:
            best = dec
        if best.verified:
            break
    assert best is not None
    if ar.exact and not best.verified:
        raise VerificationError("the exact product of the constructed layers differs from T")
    return best


def _refuse_costly_exact(M: MatrixInput, max_seconds: Optional[float], max_bytes: Optional[float]) -> None:
    from .cost import input_cost

    bits, est = input_cost(M.rows)
    if (max_seconds is not None and est.seconds > max_seconds) or (max_bytes is not None and est.bytes > max_bytes):
        raise ExactCostError(f"exact arithmetic on this 2d = {M.n} input ({bits}-bit entries) would take "
                             f"{est.describe()}; use arithmetic='float' (the stable method) or 'mp', or pass "
                             f"max_seconds=None, max_bytes=None to go ahead")


def binary_exponent(M: MatrixInput) -> int:
    """``e`` with ``2^{e-1} <= max |T_ij| < 2^e`` (0 for the zero matrix): float and mp decompose
    ``2^{-e} T``, whose largest entry is in ``[1/2, 1)``, so no scale of ``T`` overflows or
    underflows their intermediate quantities."""
    if M.has_array:
        m = float(np.abs(M.array).max())
        return math.frexp(m)[1] if m > 0 else 0
    q = max((abs(x) for r in M.rows for x in r), default=Fraction(0))
    if q == 0:
        return 0
    e = q.numerator.bit_length() - q.denominator.bit_length()  # 2^(e-1) < q < 2^(e+1)
    return e + 1 if q >= Fraction(2) ** e else e


def scale(ar: Arithmetic, T: Mat, e: int) -> Mat:
    """``2^e T``: exact in binary floating point unless an entry leaves the exponent range."""
    if e == 0:
        return T
    return ar.mat(ar.ldexp(T.v, e))


def scale_shares(e: int, k: int) -> list[int]:
    """``e`` split into ``k`` integers that differ by at most one and sum to ``e`` (the larger shares
    first): pair ``i`` takes ``2^{e_i}`` of the scale ``2^e``."""
    q, r = divmod(e, k)
    return [q + 1 if i < r else q for i in range(k)]


def scale_pairs(ar: Arithmetic, pairs: list[Pair], e: int) -> list[Pair]:
    r"""Pairs of ``2^e T`` from pairs of ``T``, the scale spread over every pair as exact powers of two:
    ``s L(A,b) U(c,D) = L(A, s b) U(s c, s D)`` for a scalar ``s`` (``s I = L(0, s) U(s, 0)``, and
    ``U(s, 0)`` moves through ``L(A, b)`` as ``L(A/s, b) U(s, 0)``), and the scalars commute, so pair
    ``i`` takes ``2^{e_i}`` with :func:`scale_shares`. Spreading matters: a layer's condition number
    is at least ``max(s, 1/s)`` times that of the unscaled one, so ``2^e`` in one pair made the first
    layer of a ``T`` of norm ``10^8`` cost a factor ``10^8``; spread, it costs ``2^{e/k}`` per pair (and
    some spread is necessary: ``proofs/theorem2_stable.md``, the scale bound). Exact in binary floating
    point; a scaled entry that would leave float64's range (or lose bits below it) is refused."""
    if e == 0:
        return pairs
    out = []
    for p, ei in zip(pairs, scale_shares(e, len(pairs))):
        if ei == 0:
            out.append(p)
            continue
        b, c, D = ar.ldexp_scalars(p.b, ei, strict=True), ar.ldexp_scalars(p.c, ei, strict=True), \
            ar.ldexp(p.D.v, ei, strict=True)
        if b is None or c is None or D is None:
            raise MatrixValueError(
                f"the layers of this T exceed {ar.name} arithmetic's range (float64's range)", hints=("mp", "exact")
            )
        out.append(Pair(p.A, b, c, ar.mat(D)))
    return out


def verified_decomposition(ar: Arithmetic, T0: Mat, pairs: list[Pair], flipped: bool, tol: float,
                           input_exact: bool = True, regime: str = "positive",
                           exact: Optional[list[list[Fraction]]] = None) -> Decomposition:
    r"""Multiply ``pairs`` back and wrap them: exact mode checks ``[S] L_1 U_1 \cdots = T_0`` entry
    by entry, mp/float mode bounds the relative residual (``verified`` iff the bound is at most
    ``tol``) against the exact rows ``exact`` of the user's ``T`` when given, else against ``T_0``
    (``input_exact``: whether ``T_0`` is the user's ``T``); the scales must be positive
    (``regime="positive"``) or nonzero (``"signed"``)."""
    regime = validated_regime(regime)
    if ar.exact:
        ok = equals_product(ar, pairs, flip_first_row(ar, T0) if flipped else T0)
        bound = measured = 0.0 if ok else math.inf
    else:
        bound, measured = residual_bound(ar, T0, pairs, flipped, exact, input_exact)
        ok = bool(bound <= tol)
    scales_ok = all(regime.admits(x) for p in pairs for x in (*p.b, *p.c))
    return Decomposition(T=T0, pairs=pairs, arithmetic=ar, sign_layer=flipped, residual=bound,
                         residual_measured=measured, tolerance=tol, max_layer_cond=layer_cond_1(ar, pairs),
                         verified=ok and scales_ok, regime=regime)
