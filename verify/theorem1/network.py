r"""Theorem 1, constructively: a depth-3 affine coupling network ``g`` with ReLU conditioners and
``W_2(g_\# N(0, I_n), Q) \le B(h, \varepsilon)`` (``proofs/theorem1.md``).

Coordinates ``x = (x_a, x_b)``, halves of size ``m = n/2``; cells of side ``h = 1/M`` in ``[0, 1]^n``,
``j = (j_a, j_b)``, *lane* ``\ell(j_a) = \sum_i j_{a,i} M^i``. The three layers (forward = generative):

1. ``x_b = \varepsilon z_b + t_1(z_{a,1})``: a staircase in the Gaussian coordinate ``z_{a,1}`` with one
   plateau per cell, on the interval of Gaussian mass ``p_j = Q(\text{cell } j)`` (quantile knots
   ``\Phi^{-1}(p_1 + \dots + p_j)``); it writes the cell's ``b``-centre, with the lane added to the
   first coordinate: ``t_{1,1} = c_{b,1}(j) + \ell(j_a)``.
2. ``x_a = \varepsilon z_a + t_2(x_{b,1})``: reads the lane (``\lfloor x_{b,1} \rfloor``, plateaus of
   width ``\ge h`` around each value) and writes the cell's ``a``-centre.
3. ``x_{b,1} \mathrel{+}= t_3(x_a) = -\sum_i M^i \lfloor M x_{a,i} \rfloor``: removes the lane, read back
   from the ``a``-centre one coordinate at a time.

On the plateaus ``g(z) = c_j + \varepsilon z``: ``g`` is ``\varepsilon``-contracting almost everywhere.
All ``s`` are constants (``\log \varepsilon`` or ``0``); the conditioners are two-hidden-layer ReLU
networks (:mod:`.staircase`) held by ordinary :class:`verify.flows.AffineCoupling` layers.

The bound is computed for the network *as stored* (its float parameters, evaluated in real
arithmetic): plateau values in rationals, Gaussian masses in mpmath.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from scipy.special import ndtri

from ..errors import InputError
from ..flows.base import ComposedTransform
from ..flows.coupling import AffineCoupling
from ..flows.flow import Flow
from .staircase import Staircase, exact_offsets, staircase_params, unit_slices
from .targets import Annulus, BoxMixture

MIN_MASS = 1e-15  # cells below this mass get no plateau (their mass enters the bound)
DECODE_RAMP = 0.01  # decoder ramps (layers 2, 3) as a fraction of h
MAX_UNITS = 4096  # hidden units per conditioner: the second hidden layer is a dense H x H matrix
MAX_GRID = 4_000_000  # grid cells (1/h)^n scanned for mass: 32 MB of float64


class Theorem1InputError(InputError):
    """``h``, ``eps`` or the target cannot be used (``1/h`` not an integer, ``eps`` not in (0, 1), ...)."""


@dataclass(frozen=True)
class Bound:
    r"""``W_2(g_\# P, Q) \le`` ``total`` ``=`` ``cells + masses + noise + plateaus + bad``:

    * ``cells``: ``W_2(\mu, Q)`` for ``\mu = \sum_j p_j \delta_{c_j}`` (mass to cell centres);
    * ``masses``: ``\sqrt n \sqrt{TV}`` between ``\mu`` and the Gaussian masses of the stored knots;
    * ``noise``: ``\| \varepsilon z \|_{L^2} = \varepsilon \sqrt n``;
    * ``plateaus``: the largest distance of an exact plateau output from its cell centre;
    * ``bad``: ``R \sqrt{P_{bad}}``: ramps of layer 1 and decoding failures of layers 2, 3.
    """
    cells: float
    masses: float
    noise: float
    plateaus: float
    bad: float
    p_bad: float
    R: float

    @property
    def total(self) -> float:
        return self.cells + self.masses + self.noise + self.plateaus + self.bad


@dataclass
class Theorem1Network:
    """The constructed network and what the bound is made of. ``flow.sample(N, rng)`` draws from
    ``g_\\# N(0, I_n)``; ``centres`` and ``masses`` are the kept cells (in plateau order) and their
    ``Q``-masses; ``plateau_masses`` the Gaussian mass each cell's plateau receives."""
    target: BoxMixture | Annulus
    h: float
    eps: float
    M: int
    flow: Flow
    cells: np.ndarray  # (K, n) integer cell indices, plateau order
    masses: np.ndarray  # (K,) Q-masses
    plateau_masses: np.ndarray  # (K,) Gaussian mass of each layer-1 plateau
    knots: np.ndarray  # (K - 1,) ramp starts of layer 1
    widths: np.ndarray  # (K - 1,) ramp widths of layer 1
    bound: Bound

    @property
    def n(self) -> int:
        return self.flow.n

    @property
    def layers(self) -> list[AffineCoupling]:
        return self.flow.transform.transforms

    def cell_of(self, x: np.ndarray) -> np.ndarray:
        """Flat grid index of the cell containing each row of ``x`` (``-1`` outside ``[0, 1)^n``)."""
        j = np.floor(np.asarray(x) * self.M).astype(np.int64)
        inside = np.all((j >= 0) & (j < self.M), axis=1)
        flat = np.ravel_multi_index(tuple(np.clip(j, 0, self.M - 1).T), (self.M,) * self.n)
        return np.where(inside, flat, -1)

    def ramp_points(self) -> np.ndarray:
        """Latent points in the middle of each layer-1 ramp (the rest of ``z`` zero): where ``g``
        stretches most."""
        z = np.zeros((len(self.knots), self.n))
        z[:, 0] = self.knots + self.widths / 2
        return z


def grid_size(h: float) -> int:
    """``M = 1/h``, which must be an integer (to 1e-9)."""
    if not (isinstance(h, (int, float)) and math.isfinite(h) and 0 < h <= 1):
        raise Theorem1InputError(f"h must be in (0, 1]; got {h!r}")
    M = round(1 / h)
    if abs(M * h - 1) > 1e-9:
        raise Theorem1InputError(f"1/h must be an integer (cells tile the unit cube); got h = {h}")
    return M


def _scale_bias(eps: float, bound: float) -> float:
    r"""The constant ``r`` with ``B \tanh(r / B) = \log \varepsilon`` (the coupling's soft clamp)."""
    return bound * math.atanh(math.log(eps) / bound) if eps != 1 else 0.0


def _exact_scale(r: float, bound: float) -> float:
    """``exp(B tanh(r/B))`` for the stored ``r``, rounded up."""
    with mpmath.workdps(40):
        v = mpmath.exp(bound * mpmath.tanh(mpmath.mpf(r) / bound))
        return float(v) * (1 + 2 ** -50)


def _coupling(n: int, split: str, params: dict[str, np.ndarray], scale_r: float, bound: float) -> AffineCoupling:
    m = n // 2
    H = params["b1"].size
    layer = AffineCoupling(n, split=split, hidden=[H, H], activation="relu", scale_bound=bound,
                           rng=np.random.default_rng(0), identity_init=True)
    for k, v in params.items():
        layer.params[k][...] = v
    layer.params["b2"][:m] = scale_r  # the s-outputs are constants; the t-outputs are the staircases
    return layer


def _ncdf(x: float | Fraction) -> mpmath.mpf:
    return mpmath.ncdf(mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x))


def _tail(margin: Fraction, eps: float) -> mpmath.mpf:
    """``P(|\\varepsilon z| \\ge margin)`` for ``z ~ N(0, 1)``."""
    if margin <= 0:
        return mpmath.mpf(1)
    return 2 * _ncdf(-margin / Fraction(eps))


def _knots(p: np.ndarray) -> np.ndarray:
    """``\\Phi^{-1}(p_1 + ... + p_j)``, from the complement above 1/2 (no cancellation in the upper tail)."""
    F = np.cumsum(p)[:-1]
    S = np.cumsum(p[::-1])[::-1][1:]
    return np.where(F <= 0.5, ndtri(F), -ndtri(S))


def construct(target: BoxMixture | Annulus, h: float, eps: float, ramp: float | None = None) -> Theorem1Network:
    r"""The network ``g_{h,\varepsilon}`` for ``Q`` = ``target`` and its bound (``proofs/theorem1.md``).

    ``ramp``: the width of layer 1's ramps; by default the largest with
    ``R \sqrt{P_{ramp}} \le \varepsilon \sqrt n / 2`` (so the ramps cost at most half the noise term)."""
    n = target.n
    if n % 2 or n < 2:
        raise Theorem1InputError(f"Theorem 1 needs an even dimension; the target has n = {n}")
    if not (isinstance(eps, (int, float)) and 0 < eps < 1):
        raise Theorem1InputError(f"eps must be in (0, 1); got {eps!r}")
    M, m = grid_size(h), n // 2
    if M**n > MAX_GRID:  # the grid of cell masses is built before the cells with mass are counted
        raise Theorem1InputError(f"h = {h} gives {M}^{n} grid cells; at most {MAX_GRID} are scanned for the "
                                 f"{MAX_UNITS} cells with mass the construction keeps: use a larger h")
    p_grid = target.cell_masses(M)
    idx = np.argwhere(p_grid >= MIN_MASS)
    if len(idx) > MAX_UNITS:
        raise Theorem1InputError(f"{len(idx)} cells with mass (h = {h}, n = {n}); the construction keeps at most "
                                 f"{MAX_UNITS}: use a larger h")
    lanes = idx[:, :m] @ (M ** np.arange(m))
    order = np.lexsort(tuple(idx[:, m + i] for i in reversed(range(m))) + (lanes,))
    idx, lanes = idx[order], lanes[order]
    p = p_grid[tuple(idx.T)]
    K = len(p)
    centres = (idx + 0.5) / M
    bound_s = 2 * abs(math.log(eps)) + 1.0
    r_eps = _scale_bias(eps, bound_s)

    # Layer 1: one plateau per cell, in the Gaussian coordinate z_{a,1}.
    v1 = centres[:, m:].copy()
    v1[:, 0] += lanes
    knots = _knots(p)
    gaps = np.diff(np.concatenate([knots, [np.inf]]))
    # Layers 2 and 3 first: R (the reach of a bad event) decides layer 1's default ramp width.
    lane_ids = np.unique(lanes)
    lane_values = [v1[lanes == L, 0] for L in lane_ids]
    mids = np.array([(lane_values[i].max() + lane_values[i + 1].min()) / 2 for i in range(len(lane_ids) - 1)])
    w2 = DECODE_RAMP / M
    digits = (lane_ids[:, None] // (M ** np.arange(m))) % M
    stairs2 = [Staircase(0, mids - w2 / 2, np.full(len(mids), w2), (digits + 0.5) / M)]
    p2 = staircase_params(stairs2, [list(range(m, 2 * m))], m, 2 * m)
    edges = np.arange(1, M) / M
    stairs3 = [Staircase(i, edges - w2 / 2, np.full(M - 1, w2), -(M ** i) * np.arange(M, dtype=float)[:, None])
               for i in range(m)]
    p3 = staircase_params(stairs3, [[m]] * m, m, 2 * m)

    # Exact plateau values of layers 2 and 3 and the reach R of a bad event.
    lane_of = np.searchsorted(lane_ids, lanes)
    t2 = [[Fraction(float(p2["b2"][m + i])) + o for o in exact_offsets(p2, m + i, unit_slices(stairs2)[0])]
          for i in range(m)]
    t3 = [exact_offsets(p3, m, s) for s in unit_slices(stairs3)]
    b3 = Fraction(float(p3["b2"][m]))
    lo = np.concatenate([[float(min(t)) for t in t2], [v1[:, 0].min() + float(b3 + sum(min(t) for t in t3))],
                         v1[:, 1:].min(axis=0)])
    hi = np.concatenate([[float(max(t)) for t in t2], [v1[:, 0].max() + float(b3 + sum(max(t) for t in t3))],
                         v1[:, 1:].max(axis=0)])
    R = (
        float(np.sqrt(np.sum(np.maximum(hi - centres.min(axis=0), centres.max(axis=0) - lo) ** 2))) * (1 + 1e-12)
        + 1e-12
    )

    if ramp is None:
        ramp = (eps * math.sqrt(n) / (2 * R)) ** 2 / (max(K - 1, 1) / math.sqrt(2 * math.pi))
    widths = np.minimum(ramp, gaps / 2)  # ramp k starts at knot k, inside the next cell's interval
    stairs1 = [Staircase(0, knots, widths, v1)]
    p1 = staircase_params(stairs1, [list(range(m, 2 * m))], m, 2 * m)

    layers = [_coupling(n, "first", p1, r_eps, bound_s), _coupling(n, "second", p2, r_eps, bound_s),
              _coupling(n, "first", p3, 0.0, bound_s)]
    flow = Flow(ComposedTransform(*layers))
    eps_true = _exact_scale(layers[0].params["b2"][0], bound_s)

    t1 = [[Fraction(float(p1["b2"][m + i])) + o for o in exact_offsets(p1, m + i, slice(0, K - 1))] for i in range(m)]
    margin2, margins3, plateau_err = _cell_outputs(idx, centres, lane_of, t1, t2, t3, b3, p2, unit_slices(stairs2)[0],
                                                   p3, unit_slices(stairs3))
    dropped = float(p_grid[p_grid < MIN_MASS].sum())  # summed directly: a difference of the two totals can
    plateau_masses, bound = _bound(target, M, knots, widths, p, dropped, margin2, margins3,  # cancel below 0
                                   plateau_err, eps_true, R)
    return Theorem1Network(target, 1.0 / M, eps, M, flow, idx, p, plateau_masses, knots, widths, bound)


def _fractions(values: np.ndarray) -> list[Fraction]:
    return [Fraction(float(v)) for v in values]


def _cell_outputs(idx: np.ndarray, centres: np.ndarray, lane_of: np.ndarray, t1: list, t2: list, t3: list,
                  b3: Fraction, p2: dict, units2: slice, p3: dict, units3: list[slice]
                  ) -> tuple[Fraction, list[Fraction], float]:
    """In rationals, per kept cell: the decoding margins of layers 2 and 3 (Lemma 2's good event)
    and the largest distance of the composite plateau output from the cell's centre."""
    m = len(t2)
    a2, w2 = _fractions(-p2["b0"][units2]), _fractions(p2["b1"][units2])
    a3 = [_fractions(-p3["b0"][u]) for u in units3]
    w3 = [_fractions(p3["b1"][u]) for u in units3]
    margin2, margins3, plateau_err = Fraction(1), [Fraction(1)] * m, 0.0
    for k in range(len(idx)):
        L, x = lane_of[k], t1[0][k]
        if L > 0:  # x must sit right of the ramp before its lane's plateau ...
            margin2 = min(margin2, x - (a2[L - 1] + w2[L - 1]))
        if L < len(a2):  # ... and left of the ramp after it
            margin2 = min(margin2, a2[L] - x)
        out = []
        for i in range(m):
            xa, digit = t2[i][L], int(idx[k, i])
            out.append(xa)
            if digit > 0:
                margins3[i] = min(margins3[i], xa - (a3[i][digit - 1] + w3[i][digit - 1]))
            if digit < len(a3[i]):
                margins3[i] = min(margins3[i], a3[i][digit] - xa)
        out.append(x + b3 + sum(t3[i][int(idx[k, i])] for i in range(m)))
        out += [t1[i][k] for i in range(1, m)]
        dev = [float(o - Fraction(float(c))) for o, c in zip(out, centres[k])]
        plateau_err = max(plateau_err, math.sqrt(sum(e * e for e in dev)))
    return margin2, margins3, plateau_err


def _bound(target: BoxMixture | Annulus, M: int, knots: np.ndarray, widths: np.ndarray, p: np.ndarray,
           dropped: float, margin2: Fraction, margins3: list[Fraction], plateau_err: float, eps: float, R: float
           ) -> tuple[np.ndarray, Bound]:
    """The Gaussian masses of the stored knots and ramps (mpmath) and the terms of ``B`` (Lemma 4)."""
    n, K = target.n, len(p)
    with mpmath.workdps(30):
        Phi = [mpmath.mpf(0)] + [_ncdf(float(q)) for q in knots] + [mpmath.mpf(1)]
        ends = [mpmath.ncdf(mpmath.mpf(a) + mpmath.mpf(w)) for a, w in zip(knots, widths)]
        p_plateau = [Phi[k + 1] - (ends[k - 1] if k else 0) for k in range(K)]
        p_cell = [Phi[k + 1] - Phi[k] for k in range(K)]
        p_ramp = sum(pc - pp for pc, pp in zip(p_cell, p_plateau))
        tv = (sum(abs(pc - float(pk)) for pc, pk in zip(p_cell, p)) + dropped + target.mass_error(M)) / 2
        p_bad = p_ramp + _tail(margin2, eps) + sum(_tail(mg, eps) for mg in margins3)
        p_bad = min(float(p_bad) * (1 + 1e-12) + 1e-300, 1.0)
        bound = Bound(cells=math.sqrt(target.second_moment(M)),
                      masses=math.sqrt(n) * math.sqrt(float(tv) * (1 + 1e-12) + 1e-300),
                      noise=eps * math.sqrt(n), plateaus=plateau_err * (1 + 1e-9) + 1e-300,
                      bad=R * math.sqrt(p_bad), p_bad=p_bad, R=R)
        return np.array([float(x) for x in p_plateau]), bound
