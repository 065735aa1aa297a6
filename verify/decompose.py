r"""``decompose(T)``: Theorem 2 as an algorithm, with every result multiplied back before it is
returned.

For ``T`` in ``R^{2d x 2d}`` with ``det T > 0`` it returns ``k`` pairs (positive regime, all
``b_i, c_i > 0``) with ``T = L(A_1,b_1)U(c_1,D_1) \cdots L(A_k,b_k)U(c_k,D_k)``:
``k = 1`` when ``T`` is a single pair (criterion in :func:`verify.theorem2.one_pair`), otherwise
``k = 3`` (:func:`verify.theorem2.three_pairs`), which Theorem 3 of the paper shows cannot be
lowered to 2 for every ``T``. With ``sign_layer=True`` a matrix with ``det T < 0`` is written as
``T = S \cdot (\text{pairs})`` with ``S = \operatorname{diag}(-1, 1, \dots, 1)``.

Verification: exact mode checks the product equals ``T`` entry by entry. mp/float mode computes
the product and a rigorous-in-model upper bound on ``\|\Pi - T\|_F / \|T\|_F`` for the exact
product ``\Pi`` of the returned (rounded) layers: the measured residual plus the standard
rounding bound ``((1+\gamma_{d+1})^{2k} - 1)\,\| |L_1||U_1|\cdots|U_k| \|_F`` of the
evaluation (Higham, *Accuracy and Stability of Numerical Algorithms*, 3.5).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

import numpy as np

from .arith import Arithmetic, Mat, get_arithmetic
from .errors import MatrixShapeError, MatrixValueError, NegativeDeterminantError, SingularMatrixError, VerificationError
from .layers import Pair, apply_pairs, equals_product, layer_cond_1
from .matrix_input import as_fraction_rows
from .theorem2 import ConstructionError, one_pair, three_pairs


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
    max_layer_cond: Any = 1.0  # float; an mpmath.mpf in exact mode (may exceed float64's range)
    verified: bool = False
    regime: str = "positive"
    #: the attempt of the construction's free choices that was used (0: the default choices)
    attempt: int = 0

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
        from .layers import layer_matrices

        out = layer_matrices(self.ar, self.pairs)
        return ([sign_matrix(self.ar, 2 * self.d)] if self.sign_layer else []) + out

    def pairs_in(self, arithmetic: str, digits: int = 50) -> list[Pair]:
        """The pairs converted to another arithmetic (``"exact"``, ``"mp"``, ``"float"``); see
        :func:`verify.layers.convert_pairs`."""
        from .layers import convert_pairs

        return convert_pairs(self.pairs, self.ar, get_arithmetic(arithmetic, digits))

    def product(self) -> Mat:
        """The product of the layers in this decomposition's arithmetic."""
        P = apply_pairs(self.ar, self.pairs, self.ar.eye(2 * self.d))
        return flip_first_row(self.ar, P) if self.sign_layer else P


def sign_matrix(ar: Arithmetic, n: int) -> Mat:
    """``S = diag(-1, 1, ..., 1)``, the paper's extra layer for ``det T < 0``."""
    return ar.diag([ar.scalar(-1)] + [ar.scalar(1)] * (n - 1))


def flip_first_row(ar: Arithmetic, M: Mat) -> Mat:
    return M.scale_rows([ar.scalar(-1)] + [ar.scalar(1)] * (M.shape[0] - 1))


def to_matrix(T: Any, ar: Arithmetic) -> tuple[Mat, bool]:
    """Validate ``T`` (shape and entries) and convert it to ``ar``; raises :class:`InputError`.

    Also says whether the conversion was exact (float arrays always are; otherwise every entry
    must be representable in ``ar``), so the residual bound can include the input's rounding."""
    if ar.name == "float" and isinstance(T, np.ndarray) and T.dtype.kind in "iuf":
        if T.ndim != 2 or T.size == 0:
            raise MatrixShapeError("the matrix is empty" if T.size == 0 else f"expected a 2-D array, got {T.ndim}-D")
        n, m = T.shape
        if n != m:
            raise MatrixShapeError(f"the matrix is not square: {n} x {m}")
        if n % 2:
            raise MatrixShapeError(f"the size must be even (2d x 2d); got {n} x {n}")
        A = np.asarray(T, dtype=np.float64)
        if not np.isfinite(A).all():
            raise MatrixValueError("the matrix has NaN or infinite entries")
        return ar.mat(A.copy()), T.dtype.kind == "f" or bool(np.all(np.abs(T) < 2**53))
    rows = as_fraction_rows(T)
    return ar.from_fractions(rows), represents_exactly(ar, rows)


def represents_exactly(ar: Arithmetic, rows: list[list[Fraction]]) -> bool:
    """Whether every exact entry is representable in ``ar`` without rounding."""
    if ar.exact:
        return True
    if ar.name == "float":
        return all(Fraction(float(q)) == q for r in rows for q in r)
    prec = getattr(getattr(ar, "ctx", None), "prec", 53)
    return all(q.denominator & (q.denominator - 1) == 0 and abs(q.numerator).bit_length() <= prec
               for r in rows for q in r)


def check_determinant(ar: Arithmetic, T: Mat, sign_layer: bool) -> tuple[Mat, bool]:
    """Refuse singular ``T``; for ``det T < 0`` refuse, or flip the first row when ``sign_layer``."""
    if ar.name == "float":
        sign, _ = np.linalg.slogdet(T.v)
        singular = sign == 0 or not ar.is_invertible(T.v)
    else:
        det = T.det()
        sign = (det > 0) - (det < 0)
        singular = sign == 0 or not ar.is_invertible(T.v)
    if singular:
        what = "" if ar.exact else " to working precision"
        raise SingularMatrixError(f"the matrix is singular{what} (det T = 0); only invertible T decompose")
    if sign < 0:
        if not sign_layer:
            raise NegativeDeterminantError(
                "det T < 0: coupling layers with positive scales preserve orientation; "
                "use the sign layer option (--sign-layer) to put diag(-1, 1, ..., 1) in front")
        return flip_first_row(ar, T), True
    return T, False


#: float mode encloses the exact residual with arb balls up to this size (beyond: the rounding bound)
ARB_MAX_N = 512


def arb_residual(layers: list[list[list[str]]], T: np.ndarray, sign_layer: bool) -> float:
    r"""A rigorous upper bound on ``\|[S] M_1 \cdots M_m - T\|_F / \|T\|_F`` where the layers are given
    as the decimal strings the JSON states, by ball arithmetic (python-flint ``arb_mat``, 256 bits):
    each string becomes a ball containing its exact decimal value, and the radii of the product
    absorb all rounding. (A shortest round-trip decimal differs from the stored binary float by up to
    half an ulp, so the bound must be about the strings, which is what ``verify check`` reads.)"""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 256
    try:
        mats = [[[flint.arb(x) for x in r] for r in M] for M in layers]
        if sign_layer:
            mats[0][0] = [-x for x in mats[0][0]]
        P = flint.arb_mat(mats[0])
        for M in mats[1:]:
            P = P * flint.arb_mat(M)
        num = flint.arb(0)
        for x in (P - flint.arb_mat(T.tolist())).entries():
            num += x * x
        den = flint.arb(0)
        for v in T.ravel().tolist():
            den += flint.arb(v) ** 2
        return math.nextafter(float((num.sqrt() / den.sqrt()).upper()), math.inf)  # round the bound up
    finally:
        flint.ctx.prec = old


def residual_bound(ar: Arithmetic, T: Mat, pairs: list[Pair], sign_layer: bool) -> tuple[float, float]:
    """``(bound, measured)`` for ``||prod - T||_F / ||T||_F`` (see the module docstring).

    Float mode up to ``2d = ARB_MAX_N``: the bound is an arb enclosure of the exact residual of the
    returned layers (tight). Otherwise: measured residual plus the a-priori rounding bound."""
    n = T.shape[0]
    d = n // 2
    P = apply_pairs(ar, pairs, ar.eye(n))
    if sign_layer:
        P = flip_first_row(ar, P)
    R = ar.to_numpy((P - T).v) if ar.name == "float" else None
    if R is None:  # mp: measure in mp, then round the norm up generously
        diff = (P - T).rows()
        num = math.sqrt(float(sum(x * x for r in diff for x in r)))
    else:
        num = float(np.linalg.norm(R))
    Tn = float(np.linalg.norm(ar.to_numpy(T.v)))
    abs_pairs = [Pair(ar.mat(ar.map_entries(p.A.v, lambda i, j, x: abs(x))), tuple(abs(x) for x in p.b),
                      tuple(abs(x) for x in p.c), ar.mat(ar.map_entries(p.D.v, lambda i, j, x: abs(x))))
                 for p in pairs] if ar.name != "float" else \
        [Pair(ar.mat(np.abs(p.A.v)), tuple(abs(x) for x in p.b), tuple(abs(x) for x in p.c), ar.mat(np.abs(p.D.v)))
         for p in pairs]
    M = float(np.linalg.norm(ar.to_numpy(apply_pairs(ar, abs_pairs, ar.eye(n)).v)))
    u = ar.unit_roundoff
    # (d+2) roundings per entry and step, plus u for the decimal strings the layers are written as
    gamma = (d + 2) * u / (1 - (d + 2) * u) + 2 * u
    rounding = math.expm1(2 * len(pairs) * math.log1p(gamma)) * M  # (1+gamma)^(2k) - 1, without cancellation
    slack = 1 + 4 * n * 2.0**-53  # rounding of the norms themselves (evaluated in float64)
    measured = num / Tn
    bound = (num * (1 + u) + rounding) * slack / (Tn * (1 - 4 * n * 2.0**-53))
    if ar.name == "float" and n <= ARB_MAX_N and bound > 1e-14:
        from .layers import layer_matrices

        layers = [ar.to_strings(M) for M in layer_matrices(ar, pairs)]
        bound = min(bound, arb_residual(layers, T.v, sign_layer))
    return bound, measured


def decompose(T: Any, arithmetic: str = "exact", *, digits: int = 50, sign_layer: bool = False,
              tol: Optional[float] = None, seed: int = 0, attempts: int = 4) -> Decomposition:
    r"""Decompose ``T`` into ``k \le 3`` pairs of linear affine coupling layers (Theorem 2).

    Parameters
    ----------
    T : nested sequence or array, ``2d x 2d``
        Entries: ints, floats, ``Fraction``, or strings such as ``"-3/7"``.
    arithmetic : ``"exact"`` (rational layers, product checked equal to ``T``), ``"mp"``
        (mpmath with ``digits`` digits) or ``"float"`` (numpy float64).
    sign_layer : allow ``det T < 0`` by a leading ``S = diag(-1, 1, ..., 1)``.
    tol : residual tolerance for ``verified`` in mp/float mode (default ``1e-8`` in float,
        ``10^{-digits/2}`` in mp).
    seed : seed of the free choices used when the simplest choice is degenerate.
    attempts : mp/float mode tries up to this many choices, keeping the smallest residual bound,
        and stops at the first that meets ``tol``.

    Raises
    ------
    InputError
        (a ``ValueError``) for bad input: not square, odd size, empty, ragged, non-numeric, NaN/inf,
        singular, or ``det T < 0`` without ``sign_layer``.
    VerificationError
        if exact verification fails (a bug).
    """
    ar = get_arithmetic(arithmetic, digits)
    T0, input_exact = to_matrix(T, ar)
    T1, flipped = check_determinant(ar, T0, sign_layer)
    if tol is None:
        tol = 0.0 if ar.exact else (1e-8 if ar.name == "float" else 10.0 ** (-(digits // 2)))
    single = one_pair(ar, T1)
    best: Optional[Decomposition] = None
    n_tries = 1 if (ar.exact or single is not None) else max(1, attempts)
    for attempt in range(n_tries):
        if single is not None:
            pairs, used = single, 0
        else:
            try:
                word = three_pairs(ar, T1, seed=seed, start=attempt)
            except ConstructionError:
                if best is None:
                    raise
                break  # keep the best earlier result
            pairs, used = word.pairs(ar), word.attempt
        dec = _verified(ar, T0, pairs, flipped, tol, input_exact)
        dec.attempt = used
        if best is None or dec.residual < best.residual:
            best = dec
        if best.verified:
            break
    assert best is not None
    if ar.exact and not best.verified:
        raise VerificationError("the exact product of the constructed layers differs from T")
    return best


def _verified(ar: Arithmetic, T0: Mat, pairs: list[Pair], flipped: bool, tol: float,
              input_exact: bool = True, regime: str = "positive") -> Decomposition:
    if ar.exact:
        ok = equals_product(ar, pairs, flip_first_row(ar, T0) if flipped else T0)
        bound = measured = 0.0 if ok else math.inf
    else:
        bound, measured = residual_bound(ar, T0, pairs, flipped)
        if not input_exact:  # ||T_rounded - T||_F <= u ||T||_F: the bound is about the user's T
            u = ar.unit_roundoff
            bound = bound * (1 + u) + u * (1 + 1e-6)
        ok = bool(bound <= tol)
    zero = ar.scalar(0)
    scales_ok = all((x > zero) if regime == "positive" else (x != zero) for p in pairs for x in (*p.b, *p.c))
    return Decomposition(T=T0, pairs=pairs, arithmetic=ar, sign_layer=flipped, residual=bound,
                         residual_measured=measured, tolerance=tol, max_layer_cond=layer_cond_1(ar, pairs),
                         verified=ok and scales_ok, regime=regime)
