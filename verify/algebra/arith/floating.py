"""IEEE double precision: numpy float64 with LAPACK/BLAS for products and inverses."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from ...vocabulary import FLOAT_TOLERANCE
from .base import Arithmetic, Scalar

#: cosines of rotation planes closer than this share a block of the fast rotation form (eigh's
#: vectors for them are mixed by about u / gap: 1e-12 here, against the 1e-7 this module first used,
#: which left entries of 1e-10 between the blocks of two planes turning opposite ways)
CLUSTER_GAP = 1e-4
#: the fast rotation form falls back to a full Schur form when the entries it drops exceed this many
#: ``u d^{3/2}`` (rounding of ``V^T v V`` alone leaves 0.3-0.9 of that on random rotations)
DROPPED = 4.0


class FloatArithmetic(Arithmetic):
    """numpy float64. Results carry a residual bound, never an exactness claim."""

    name = "float"
    exact = False
    fixed_precision = True
    unbounded_exponent = False
    float64_arrays = True
    unit_roundoff = 2.0**-53
    #: the smallest magnitude that rounds to infinity in float64 (round to nearest)
    OVERFLOW = Fraction(2) ** 1024 - Fraction(2) ** 970

    @property
    def precision_bits(self) -> int:
        return 53

    def in_range(self, q: Fraction) -> bool:
        return abs(q) < self.OVERFLOW

    def represents(self, q: Fraction) -> bool:
        return self.in_range(q) and Fraction(float(q)) == q

    def default_tolerance(self) -> float:
        return float(FLOAT_TOLERANCE)

    def ldexp(self, v: Any, e: int, strict: bool = False) -> Any:
        with np.errstate(over="ignore", under="ignore"):
            out = np.ldexp(np.asarray(v, dtype=float), e)
            if strict and not (np.isfinite(out).all() and np.array_equal(np.ldexp(out, -e), v)):
                return None
        return out

    def ldexp_scalars(self, xs: Sequence[Scalar], e: int, strict: bool = False) -> Any:
        out = self.ldexp(np.asarray(xs, dtype=float), e, strict)
        return None if out is None else tuple(float(x) for x in out)

    def abs_column_sums(self, v: Any, row_weights: Any = None) -> list[Scalar]:
        a = np.abs(v)
        if row_weights is not None:
            a = a * np.abs(np.asarray(row_weights, dtype=float))[:, None]
        return list(a.sum(axis=0))

    def cos_sin(self, angle: Any) -> tuple[Scalar, Scalar]:
        return math.cos(angle), math.sin(angle)

    def to_rational(self, s: Scalar) -> Fraction:
        return Fraction(float(s))

    def to_unbounded(self, s: Scalar) -> float:
        return float(s)

    def equal(self, a: Any, b: Any) -> bool:
        return bool(np.array_equal(a, b))

    def __repr__(self) -> str:
        return "Float()"

    def scalar(self, q: Fraction | int) -> Scalar:
        return float(Fraction(q))

    def from_entries(self, rows: Sequence[Sequence[Scalar]], n: int, m: int) -> Any:
        return np.array([[float(x) for x in r] for r in rows], dtype=np.float64).reshape(n, m)

    def entries(self, v: Any) -> list[list[Scalar]]:
        return [[float(x) for x in r] for r in v]

    def shape(self, v: Any) -> tuple[int, int]:
        return tuple(v.shape)  # type: ignore[return-value]

    def matmul(self, a: Any, b: Any) -> Any:
        return a @ b

    def inv(self, a: Any) -> Any:
        return np.linalg.inv(a)

    def det(self, a: Any) -> Scalar:
        sign, logdet = np.linalg.slogdet(a)
        return float(sign * math.exp(logdet)) if logdet < 700 else float(sign * math.inf)

    def transpose(self, a: Any) -> Any:
        return a.T  # a view: BLAS reads it as a transposed operand, and nothing writes into a Mat's array

    def block(self, v: Any, r0: int, r1: int, c0: int, c1: int) -> Any:
        return v[r0:r1, c0:c1]  # a view, as transpose

    def join(self, a11: Any, a12: Any, a21: Any, a22: Any) -> Any:
        return np.block([[a11, a12], [a21, a22]])

    def vstack(self, top: Any, bottom: Any) -> Any:
        return np.vstack([top, bottom])

    def is_invertible(self, a: Any) -> bool:
        return self.sign_and_invertible(a)[1]

    def det_sign(self, a: Any) -> int:
        return self._lu_sign(a)[0]

    @staticmethod
    def _lu_sign(a: Any) -> tuple[int, Any]:
        """``(sign of det a, LU factor)`` from one ``lu_factor`` (``slogdet``'s LU costs 1.8 times as much at
        ``n = 2048``: numpy copies first); ``(0, None)`` when the factor has a zero or non-finite pivot."""
        import warnings

        import scipy.linalg

        n = a.shape[0]
        if n == 0:
            return 1, np.zeros((0, 0))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            lu, piv = scipy.linalg.lu_factor(a, check_finite=False)
        diag = np.diag(lu)
        if not np.all(np.isfinite(lu)) or np.any(diag == 0):
            return 0, None
        return int(np.prod(np.sign(diag))) * (-1) ** int(np.sum(piv != np.arange(n))), lu

    def sign_and_invertible(self, a: Any) -> tuple[int, bool]:
        """One LU factorisation: the sign of ``det a`` and whether LAPACK's 1-norm condition estimate
        (``dgecon``) is below ``1 / (64 n u)``."""
        import warnings

        import scipy.linalg

        n = a.shape[0]
        if n == 0:
            return 1, True
        sign, lu = self._lu_sign(a)
        if sign == 0:
            return 0, False
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            anorm = float(np.abs(a).sum(axis=0).max())
            rcond, info = scipy.linalg.lapack.dgecon(lu, anorm, norm="1")
        return sign, bool(info == 0 and rcond > 0 and 64 * n * self.unit_roundoff < rcond)

    def is_negligible(self, s: Scalar, scale: Scalar) -> bool:
        return abs(s) <= 64 * self.unit_roundoff * max(abs(scale), 1e-300)

    def diagonal(self, v: Any) -> list[Scalar]:
        return [float(x) for x in np.diag(v)]

    def diag(self, values: Sequence[Scalar]):  # type: ignore[override]
        return self.mat(np.diag(np.asarray(values, dtype=np.float64)))

    def zeros(self, n: int, m: int | None = None):  # type: ignore[override]
        return self.mat(np.zeros((n, n if m is None else m)))

    def sparse(self, n: int, entries: dict[tuple[int, int], Scalar]):  # type: ignore[override]
        out = np.zeros((n, n))
        for (i, j), x in entries.items():
            out[i, j] = x
        return self.mat(out)

    def scale_columns(self, v: Any, s: list[Scalar]) -> Any:
        return v * np.asarray(s, dtype=np.float64)[None, :]

    def scale_rows(self, v: Any, s: list[Scalar]) -> Any:
        return v * np.asarray(s, dtype=np.float64)[:, None]

    def map_entries(self, v: Any, f: Any) -> Any:
        n, m = v.shape
        out = np.empty_like(v)
        for i in range(n):
            for j in range(m):
                out[i, j] = f(i, j, v[i, j])
        return out

    def divide_by_differences(self, r: Any, lam1: Sequence[Scalar], lam2: Sequence[Scalar]) -> Any:
        den = np.asarray(lam1)[:, None] - np.asarray(lam2)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(r == 0, 0.0, -r / den)

    def real_eigenbasis(self, W: Any) -> Any:
        r"""Real eigenbasis via LAPACK: ``W K = K B``. A real eigenvalue gives a 1x1 block. A pair
        ``a \pm ib`` with eigenvector ``x + iy`` gives ``W [x, y] = [x, y] [[a, b], [-b, a]]``,
        sheared by ``M = [[1, 0], [\pm 1, 1]]`` to ``[[a \pm b, b], [\mp 2b, a \mp b]]`` so that its
        leading entry (an LDU pivot later) has size at least ``|b|``. Columns are normalised."""
        import scipy.linalg

        d = W.shape[0]
        with np.errstate(all="ignore"):
            lam, V = scipy.linalg.eig(W)
        if not (np.isfinite(lam).all() and np.isfinite(V).all()):
            return None
        K = np.zeros((d, d))
        B = np.zeros((d, d))
        used = np.zeros(d, dtype=bool)
        i = 0
        scale = max(np.abs(lam).max(), 1e-300)
        for j in np.argsort(np.abs(lam.imag)):
            if used[j]:
                continue
            a, b = lam[j].real, lam[j].imag
            if abs(b) <= 1e-10 * scale:
                v = V[:, j].real
                K[:, i] = v / np.linalg.norm(v)
                B[i, i] = a
                used[j] = True
                i += 1
                continue
            partners = [k for k in np.argsort(np.abs(lam - np.conj(lam[j]))) if not used[k] and k != j]
            if not partners or abs(lam[partners[0]] - np.conj(lam[j])) > 1e-8 * scale or i + 2 > d:
                return None
            used[j] = used[partners[0]] = True
            s = 1.0 if a >= 0 else -1.0
            if b < 0:
                b, V[:, j] = -b, np.conj(V[:, j])
            M = np.array([[1.0, 0.0], [s, 1.0]])
            C = np.array([[a, b], [-b, a]])
            XY = np.column_stack([V[:, j].real, V[:, j].imag]) @ M
            norms = np.linalg.norm(XY, axis=0)
            K[:, i:i + 2] = XY / norms
            B[i:i + 2, i:i + 2] = np.diag(norms) @ np.linalg.solve(M, C @ M) @ np.diag(1 / norms)
            i += 2
        if i != d:
            return None
        return K, B

    def svd(self, v: Any) -> tuple[Any, list[Scalar], Any]:
        # LAPACK's gesdd, as numpy's; scipy's call skips numpy's finiteness copy (10% at d = 1024): the
        # entries are finite here by construction
        import scipy.linalg

        U, s, Vt = scipy.linalg.svd(v, lapack_driver="gesdd", check_finite=False)
        return U, [float(x) for x in s], Vt

    def svd_conditioned(self, v: Any) -> tuple[Any, list[Scalar], Any]:
        r"""``v^T v = V \operatorname{diag}(s^2) V^T`` (``eigh``, 0.26 s against gesdd's 0.62 s at
        ``d = 1024``), ``U = v V \operatorname{diag}(s)^{-1}``: ``v = U \operatorname{diag}(s) V^T`` to
        rounding, and ``U`` is orthogonal to about ``\kappa(v)^2 u``. Where ``\kappa(v) > 4`` (never, when
        the caller's band holds) the full :meth:`svd` is used instead."""
        w, V = _eigh(v.T @ v)
        w, V = w[::-1], V[:, ::-1]
        if not w.size or not w[-1] > 0 or w[0] > 16 * w[-1]:
            return self.svd(v)
        s = np.sqrt(w)
        return (v @ V) / s[None, :], [float(x) for x in s], np.ascontiguousarray(V.T)

    def qr(self, v: Any) -> tuple[Any, Any]:
        return np.linalg.qr(v)

    def rotation_form(self, v: Any) -> tuple[Any, list[Scalar]]:
        r"""Real Schur form of an orthogonal ``v``, fast path first: ``v + v^T = V \operatorname{diag}(2\cos\theta)
        V^T`` (``eigh``) makes ``B = V^T v V`` block diagonal, one block per cluster of ``\cos\theta``
        closer than :data:`CLUSTER_GAP` (a plane, an eigenvalue ``\pm 1``, or a few nearly equal planes,
        put in real Schur form locally). ``eigh`` separates two planes whose cosines differ by ``g``
        only to an angle of about ``u / g``, and where their rotations run opposite ways that leaves
        entries of that size between their blocks; so planes closer than the gap share a block. The
        entries dropped are measured (their own norm, not a difference of two sums, which cancels to
        noise); if it exceeds :data:`DROPPED` ``u\, d^{3/2}``, four times what rounding of ``V^T v V``
        leaves (clusters near ``\theta = 0, \pi``, where ``\cos`` is flat), the full
        ``scipy.linalg.schur`` is used instead."""
        import scipy.linalg

        d = v.shape[0]
        w, V = _eigh((v + v.T) / 2)
        B = V.T @ v @ V
        cuts = np.flatnonzero(np.diff(w) > CLUSTER_GAP) + 1
        bounds = list(zip(np.r_[0, cuts].tolist(), np.r_[cuts, d].tolist()))
        dropped = B.copy()
        for a, b in bounds:
            dropped[a:b, a:b] = 0.0
        off = float(np.linalg.norm(dropped))
        blocks: list[tuple[int, int]] = []  # (start, size) of the 1x1 and 2x2 diagonal blocks of Tq
        if off <= DROPPED * self.unit_roundoff * d ** 1.5:
            Tq = np.zeros_like(B)
            for a, b in bounds:
                if b - a <= 2:
                    Tq[a:b, a:b] = B[a:b, a:b]
                    blocks.append((a, b - a))
                    continue
                Tl, Vl = scipy.linalg.schur(B[a:b, a:b], output="real")
                V[:, a:b] = V[:, a:b] @ Vl
                Tq[a:b, a:b] = Tl
                blocks += [(a + i, m) for i, m in _schur_blocks(Tl)]
        else:
            Tq, V = scipy.linalg.schur(v, output="real")
            blocks = _schur_blocks(Tq)
        planes: list[tuple[list[int], float]] = []
        plus: list[int] = []
        minus: list[int] = []
        for i, m in blocks:
            if m == 2:
                a = float(np.arctan2((Tq[i + 1, i] - Tq[i, i + 1]) / 2, (Tq[i, i] + Tq[i + 1, i + 1]) / 2))
                planes.append(([i, i + 1], a))
            else:
                (plus if Tq[i, i] > 0 else minus).append(i)
        if len(minus) % 2:
            raise ValueError("rotation_form needs det = +1")
        planes += [([minus[j], minus[j + 1]], float(np.pi)) for j in range(0, len(minus), 2)]
        planes += [([plus[j], plus[j + 1]], 0.0) for j in range(0, len(plus) - 1, 2)]
        order = [c for cols, _ in planes for c in cols] + plus[len(plus) - len(plus) % 2:]
        return V[:, order], [a for _, a in planes]  # Fortran order, as eigh gives it: a copy costs 8-40 ms

    def to_numpy(self, v: Any) -> Any:
        return v

    def to_str(self, s: Scalar) -> str:
        return repr(float(s))

    def to_strings(self, m: Any) -> list[list[str]]:
        """:meth:`to_str` of every entry, from one ``tolist`` (no call per entry through ``rows``)."""
        return [list(map(float.__repr__, r)) for r in np.asarray(m.v, dtype=np.float64).tolist()]

    def to_float(self, s: Scalar) -> float:
        return float(s)

    def root(self, s: Scalar, n: int) -> Scalar | None:
        return float(s) ** (1.0 / n)


def _eigh(S: Any) -> tuple[Any, Any]:
    """``numpy.linalg.eigh`` by LAPACK's divide and conquer (``syevd``, as numpy's) without numpy's and
    scipy's finiteness copies: 10% at ``d = 1024``; the entries are finite by construction here."""
    import scipy.linalg

    return scipy.linalg.eigh(S, driver="evd", check_finite=False)


def _schur_blocks(Tq: Any) -> list[tuple[int, int]]:
    """``(start, size)`` of the diagonal blocks of a real Schur form (LAPACK marks a 2x2 block by a
    nonzero subdiagonal entry)."""
    d = Tq.shape[0]
    out, i = [], 0
    while i < d:
        m = 2 if i + 1 < d and Tq[i + 1, i] != 0 else 1
        out.append((i, m))
        i += m
    return out
