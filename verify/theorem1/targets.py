r"""Targets ``Q`` for Theorem 1: distributions with a density and bounded support, in the unit cube.

Everything the construction and its bound need from ``Q`` on the grid of cells of side
``h = 1/M`` (cell ``j = (j_1, \dots, j_n)`` is ``\prod_i [j_i h, (j_i + 1) h]``, centre ``c_j``):

* the cell masses ``p_j = Q(\text{cell } j)``, with an a-priori bound on their rounding error;
* an upper bound on ``\sum_j \int_{\text{cell } j} |y - c_j|^2 \, dQ(y)``, the squared cost of sending
  every cell's mass to its centre (the analytic part of the bound in ``proofs/theorem1.md``).

Two kinds: :class:`BoxMixture` (uniform square, two boxes, cube, mixtures of boxes, and any
histogram, which is a mixture of its cells) with exact masses and second moments, and
:class:`Annulus` with masses from a closed form in mpmath and the universal bound ``n h^2 / 4`` per
cell for the second moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Callable

import mpmath
import numpy as np

from ..errors import InputError

U = 2.0 ** -53


class TargetError(InputError):
    """A target that is not a probability distribution on the unit cube, or an unknown name."""


def _overlaps(lo: np.ndarray, hi: np.ndarray, M: int) -> tuple[np.ndarray, np.ndarray]:
    """Per box and grid cell along one axis: overlap length and ``\\int (y - c)^2 dy`` over it."""
    edges = np.arange(M + 1) / M
    a = np.maximum(lo[:, None], edges[None, :-1])
    b = np.minimum(hi[:, None], edges[None, 1:])
    length = np.maximum(b - a, 0.0)
    c = (edges[:-1] + edges[1:]) / 2
    second = np.where(length > 0, ((b - c) ** 3 - (a - c) ** 3) / 3, 0.0)
    return length, second


@dataclass(frozen=True)
class BoxMixture:
    r"""``Q = \sum_k w_k \,\mathrm{Unif}(\text{box}_k)``, boxes ``[lo_k, hi_k] \subset [0, 1]^n``."""
    name: str
    lo: np.ndarray  # (K, n)
    hi: np.ndarray  # (K, n)
    weights: np.ndarray  # (K,), sum 1

    def __post_init__(self) -> None:
        lo, hi, w = self.lo, self.hi, self.weights
        if lo.ndim != 2 or lo.shape != hi.shape or w.shape != (lo.shape[0],) or lo.shape[0] == 0:
            raise TargetError("boxes need lo, hi of shape (K, n) and K weights")
        if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)) and np.all(np.isfinite(w))):
            raise TargetError("box corners and weights must be finite")
        if np.any(lo < 0) or np.any(hi > 1) or np.any(hi <= lo):
            raise TargetError("every box must lie in the unit cube with positive side lengths")
        if np.any(w < 0) or abs(w.sum() - 1) > 1e-12:
            raise TargetError("box weights must be nonnegative and sum to 1")

    @property
    def n(self) -> int:
        return self.lo.shape[1]

    def _per_axis(self, M: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        L, S = zip(*(_overlaps(self.lo[:, i], self.hi[:, i], M) for i in range(self.n)))
        dens = self.weights / np.prod(self.hi - self.lo, axis=1)
        return list(L), list(S), dens

    def _combine(self, factors: list[np.ndarray], dens: np.ndarray) -> np.ndarray:
        """``\\sum_k dens_k \\prod_i factors_i[k, j_i]`` on the grid, shape ``(M,) * n``."""
        letters = "abcdefghij"[: self.n]
        spec = "k," + ",".join("k" + c for c in letters) + "->" + letters
        return np.einsum(spec, dens, *factors)

    def cell_masses(self, M: int) -> np.ndarray:
        L, _, dens = self._per_axis(M)
        return self._combine(L, dens)

    def mass_error(self, M: int) -> float:
        """Bound on ``\\sum_j |\\hat p_j - p_j|``: each mass is a sum over boxes of products of
        ``n + 1`` rounded factors, so its relative error is at most ``\\gamma_{n + K + 3}``."""
        k = self.n + self.lo.shape[0] + 3
        return 1.01 * k * U / (1 - k * U)

    def second_moment(self, M: int) -> float:
        r"""``\sum_j \int_{\text{cell } j} |y - c_j|^2 dQ`` exactly (rounded up by a safe margin)."""
        L, S, dens = self._per_axis(M)
        total = 0.0
        for i in range(self.n):
            total += self._combine([S[l] if l == i else L[l] for l in range(self.n)], dens).sum()
        return float(total) * (1 + 1e-10)

    def sample(self, N: int, rng: np.random.Generator) -> np.ndarray:
        k = rng.choice(len(self.weights), size=N, p=self.weights)
        return self.lo[k] + (self.hi[k] - self.lo[k]) * rng.random((N, self.n))


@dataclass(frozen=True)
class Annulus:
    r"""Uniform on ``\{y \in \mathbb R^2 : r \le |y - (\frac12, \frac12)| \le R\}``, ``R \le \frac12``."""
    name: str = "annulus"
    r: float = 0.25
    R: float = 0.5
    n: int = 2

    def cell_masses(self, M: int) -> np.ndarray:
        with mpmath.workdps(30):
            area = mpmath.pi * (mpmath.mpf(self.R) ** 2 - mpmath.mpf(self.r) ** 2)
            out = np.empty((M, M))
            for i, j in product(range(M), range(M)):
                x0, x1 = mpmath.mpf(i) / M - 0.5, mpmath.mpf(i + 1) / M - 0.5
                y0, y1 = mpmath.mpf(j) / M - 0.5, mpmath.mpf(j + 1) / M - 0.5
                out[i, j] = float((_disc_rect(self.R, x0, x1, y0, y1) - _disc_rect(self.r, x0, x1, y0, y1)) / area)
        return out

    def mass_error(self, M: int) -> float:
        """30-digit evaluation, then one rounding to float64 per cell."""
        return M * M * (U + 1e-25)

    def second_moment(self, M: int) -> float:
        """Every point of a cell is within ``\\sqrt{n} h / 2`` of its centre."""
        return self.n / (4.0 * M * M)

    def sample(self, N: int, rng: np.random.Generator) -> np.ndarray:
        rad = np.sqrt(self.r ** 2 + (self.R ** 2 - self.r ** 2) * rng.random(N))
        phi = 2 * np.pi * rng.random(N)
        return 0.5 + np.column_stack([rad * np.cos(phi), rad * np.sin(phi)])


def _disc_rect(r: float, x0: mpmath.mpf, x1: mpmath.mpf, y0: mpmath.mpf, y1: mpmath.mpf) -> mpmath.mpf:
    """Area of the disc of radius ``r`` (centre 0) inside ``[x0, x1] x [y0, y1]``, by inclusion-exclusion
    of :func:`_disc_corner`."""
    f = lambda X, Y: _disc_corner(mpmath.mpf(r), X, Y)  # noqa: E731
    return f(x1, y1) - f(x0, y1) - f(x1, y0) + f(x0, y0)


def _disc_corner(r: mpmath.mpf, X: mpmath.mpf, Y: mpmath.mpf) -> mpmath.mpf:
    r"""Area of ``\{x \le X, y \le Y, x^2 + y^2 \le r^2\}``: ``\int_{-r}^{\min(X, r)} (\mathrm{clamp}(Y, -s, s) + s)
    dx``
    with ``s = \sqrt{r^2 - x^2}``, integrated piecewise in closed form."""
    F = lambda x: (x * mpmath.sqrt(max(r * r - x * x, 0)) + r * r * mpmath.asin(x / r)) / 2  # \int s dx  # noqa: E731
    top = min(X, r)
    if top <= -r:
        return mpmath.mpf(0)
    if abs(Y) >= r:
        return 2 * (F(top) - F(-r)) if Y > 0 else mpmath.mpf(0)
    xs = mpmath.sqrt(r * r - Y * Y)  # s(x) > |Y| exactly on (-xs, xs)
    total = mpmath.mpf(0)
    for a, b, inner in ((-r, -xs, False), (-xs, xs, True), (xs, r, False)):
        b = min(b, top)
        if b <= a:
            continue
        if inner:
            total += Y * (b - a) + F(b) - F(a)
        elif Y > 0:
            total += 2 * (F(b) - F(a))
    return total


def _boxes(name: str, boxes: list[tuple[list[float], list[float]]], weights: list[float]) -> BoxMixture:
    lo = np.array([b[0] for b in boxes], dtype=float)
    hi = np.array([b[1] for b in boxes], dtype=float)
    return BoxMixture(name, lo, hi, np.array(weights, dtype=float))


TARGETS: dict[str, Callable[[], BoxMixture | Annulus]] = {
    "square": lambda: _boxes("square", [([0, 0], [1, 1])], [1.0]),
    "two-boxes": lambda: _boxes("two-boxes", [([0.05, 0.1], [0.45, 0.6]), ([0.55, 0.4], [0.95, 0.9])], [0.5, 0.5]),
    "annulus": lambda: Annulus(),
    "cube": lambda: _boxes("cube", [([0] * 4, [1] * 4)], [1.0]),
    "box-mixture": lambda: _boxes("box-mixture", [([0.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.5, 0.5]),
                                                  ([0.4, 0.5, 0.2, 0.6], [0.9, 1.0, 0.7, 1.0]),
                                                  ([0.1, 0.6, 0.6, 0.0], [0.6, 0.9, 1.0, 0.3])], [0.5, 0.3, 0.2]),
}


def target(name: str) -> BoxMixture | Annulus:
    """A named target: ``square``, ``two-boxes``, ``annulus`` (n = 2), ``cube``, ``box-mixture`` (n = 4)."""
    if name not in TARGETS:
        raise TargetError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)} or a histogram .npy")
    return TARGETS[name]()


def from_histogram(masses: object, name: str = "histogram") -> BoxMixture:
    r"""The density that is uniform on each cell of a grid over ``[0, 1]^n`` with the given cell masses
    (an array of shape ``(m_1, \dots, m_n)``, nonnegative, normalised here; ``n`` even)."""
    try:
        p = np.asarray(masses, dtype=float)
    except (TypeError, ValueError):
        raise TargetError("a histogram must be a numeric array of cell masses") from None
    if p.ndim < 2 or p.ndim % 2 or p.size == 0 or 0 in p.shape:
        raise TargetError(f"a histogram needs an even number of axes (n = 2, 4, ...); got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise TargetError("histogram masses must be finite, nonnegative and not all zero")
    idx = np.argwhere(p > 0)
    shape = np.array(p.shape, dtype=float)
    w = p[tuple(idx.T)]
    return BoxMixture(name, idx / shape, (idx + 1) / shape, w / w.sum())
