r"""Measuring Theorem 1 and Remark 1 on samples, with the estimator's own floor.

* ``W_2`` between two ``N``-samples by exact optimal transport (POT's ``emd2`` on squared Euclidean
  costs). The plug-in estimate is biased upward: two independent ``N``-samples of the *same* ``Q``
  are at ``W_2`` about 0.02 (n = 2) or 0.08 (n = 4) for ``N = 5000``. That *floor* is measured beside
  every value; a measured ``W_2`` at the floor says only "not distinguishable at this ``N``".
* The discrete part without sampling bias: the Gaussian mass each cell's plateau receives is
  computed exactly and compared with ``Q``'s cell mass; the sample's cell counts are tested against
  ``Q``'s masses (chi-square).
* Remark 1: singular values of the Jacobian of ``g`` at sample points and at the middle of the
  ramps. What is *proved* is in ``proofs/theorem1.md``: ``J_g = \varepsilon I`` on the plateaus, so
  ``\mathrm{Lip}(g^{-1}) \ge 1/\varepsilon``. Pointwise condition numbers at samples are 1 there; the
  stretch sits on the ramps, which carry little mass, and a finite sample finds it only by chance.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from ..flows.base import Transform
from ..flows.diagnostics import singular_values
from ..flows.flow import Flow
from .network import Theorem1Network, construct
from .targets import Annulus, BoxMixture

#: exact optimal transport stores an N x N float64 cost matrix: 20000 samples are 3.2 GB
MAX_OT_SAMPLES = 20_000


def wasserstein(x: np.ndarray, y: np.ndarray, p: int = 2) -> float:
    """``W_p`` (``p`` = 1 or 2) between the empirical measures of ``x`` and ``y`` (rows; uniform
    weights), by exact optimal transport (POT's network simplex). At most :data:`MAX_OT_SAMPLES`
    points per side (the cost matrix is ``N x N``)."""
    from ..extras import require

    ot = require("ot", "experiments", "exact optimal transport (POT)")
    if p not in (1, 2):
        raise ValueError("p must be 1 or 2")
    if max(len(x), len(y)) > MAX_OT_SAMPLES:
        raise ValueError(f"exact optimal transport of {max(len(x), len(y))} points needs an N x N cost matrix; "
                         f"at most {MAX_OT_SAMPLES}")
    cost = ot.dist(x, y, metric="sqeuclidean" if p == 2 else "euclidean")
    value, log = ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), cost, numItermax=10 ** 8, log=True)
    if log.get("warning"):
        raise ArithmeticError(f"optimal transport did not converge: {log['warning']}")
    return float(np.sqrt(max(value, 0.0))) if p == 2 else float(value)


def w2(x: np.ndarray, y: np.ndarray) -> float:
    """``W_2`` between the empirical measures of ``x`` and ``y``, exactly."""
    return wasserstein(x, y, 2)


@dataclass(frozen=True)
class Conditioning:
    """Singular values of ``J_g`` at sample points and at ramp probes."""
    cond_median: float
    cond_p99: float
    cond_max: float
    sigma_min_median: float
    lip_lower: float  # largest sigma_max at samples and probes: Lip(g) is at least this
    kappa: float  # lip_lower / smallest sigma_min at the samples: Lip(g) Lip(g^-1) is at least this


def conditioning(transform: Transform, z: np.ndarray, probes: Optional[np.ndarray] = None) -> Conditioning:
    """Pointwise condition numbers at the samples ``z``; ``sigma_max`` also at ``probes``. Only the
    largest singular value is used at the probes: where ``J`` has entries of 1e15, its smallest singular
    value is below float64's resolution, but its largest is accurate."""
    s = singular_values(transform, z)
    cond = s[:, 0] / s[:, -1]
    smax = s[:, 0].max()
    if probes is not None and len(probes):
        smax = max(smax, singular_values(transform, probes)[:, 0].max())
    return Conditioning(float(np.median(cond)), float(np.percentile(cond, 99)), float(cond.max()),
                        float(np.median(s[:, -1])), float(smax), float(smax / s[:, -1].min()))


@dataclass(frozen=True)
class Row:
    """One ``(h, eps)``: the proved bound and what the samples show (``std`` over seeds)."""
    h: float
    eps: float
    cells: int
    bound: float
    bound_cells: float  # the analytic part: W2(mu, Q), mass sent to cell centres
    w2_mean: float
    w2_std: float
    w2_floor: float
    w2_floor_std: float
    cell_mass_error: float  # max_j |Gaussian plateau mass - Q(cell j)|, computed exactly
    chi2_pvalue: float  # sample cell counts of g#P (all seeds pooled) against Q's masses
    cond_median: float
    cond_p99: float
    cond_max: float
    sigma_min_median: float
    lip_lower: float
    kappa: float
    coupling_rms: float  # sqrt(mean |g(z) - c_J(z)|^2) over the samples: unbiased for the non-analytic part
    coupling_bound: float  # that part of the bound: masses + noise + plateaus + bad

    def as_json(self) -> dict:
        return asdict(self)


def cell_counts_pvalue(net: Theorem1Network, x: np.ndarray) -> float:
    """Chi-square test of the cells of ``x`` against ``Q``'s masses (cells with mass, plus one bin for
    everything else, whose expected count is what is left)."""
    flat = np.ravel_multi_index(tuple(net.cells.T), (net.M,) * net.n)
    order = np.argsort(flat)
    cells = net.cell_of(x)
    pos = np.minimum(np.searchsorted(flat[order], cells), len(flat) - 1)
    hit = flat[order][pos] == cells
    counts = np.bincount(np.where(hit, order[pos], len(flat)), minlength=len(flat) + 1).astype(float)
    expected = np.append(net.masses, max(1 - net.masses.sum(), 0.0)) * len(x)
    keep = expected > 0
    if counts[~keep].sum() > 0:
        return 0.0
    expected = expected[keep] * counts.sum() / expected[keep].sum()
    import scipy.stats  # 1.4 s of import: only where a p-value is computed

    return float(scipy.stats.chisquare(counts[keep], expected).pvalue)


def coupling_rms(net: Theorem1Network, N: int, seeds: Sequence[int]) -> float:
    r"""``\sqrt{\mathrm{mean}\, |g(z) - c_{J(z)}|^2}`` over ``N`` latent samples per seed, ``J(z)`` the cell whose
    Gaussian interval holds ``z_{a,1}``: the coupling of the proof, sampled (no optimal transport, no
    bias from a second sample). Its expectation is at most ``bound - cells``."""
    sq = []
    for seed in seeds:
        z = np.random.default_rng(20_000 + seed).standard_normal((N, net.n))
        x = net.flow.transform.forward_and_log_det(z)[0]
        J = np.searchsorted(net.knots, z[:, 0], side="right")
        sq.append(np.sum((x - (net.cells[J] + 0.5) / net.M) ** 2, axis=1))
    return float(np.sqrt(np.mean(np.concatenate(sq))))


def sample_w2(sample: Callable[[int, np.random.Generator], np.ndarray], target: BoxMixture | Annulus, N: int,
              seeds: Iterable[int]) -> tuple[list[float], list[float], list[np.ndarray]]:
    """Per seed: ``W_2`` of an ``N``-sample of the model against one of ``Q``, and the floor (two
    independent ``N``-samples of ``Q``). Also returns the model samples."""
    values, floors, xs = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        x = sample(N, rng)
        y, y2 = target.sample(N, rng), target.sample(N, rng)
        values.append(w2(x, y))
        floors.append(w2(y, y2))
        xs.append(x)
    return values, floors, xs


def measure(net: Theorem1Network, N: int = 2000, seeds: Sequence[int] = (0, 1, 2), cond_points: int = 500) -> Row:
    """The row of the Theorem 1 table for one constructed network."""
    values, floors, xs = sample_w2(net.flow.sample, net.target, N, seeds)
    z = np.random.default_rng(10_000 + seeds[0]).standard_normal((cond_points, net.n))
    c = conditioning(net.flow.transform, z, net.ramp_points())
    return Row(net.h, net.eps, len(net.masses), net.bound.total, net.bound.cells, float(np.mean(values)),
               float(np.std(values)), float(np.mean(floors)), float(np.std(floors)),
               float(np.max(np.abs(net.plateau_masses - net.masses))), cell_counts_pvalue(net, np.concatenate(xs)),
               c.cond_median, c.cond_p99, c.cond_max, c.sigma_min_median, c.lip_lower, c.kappa,
               coupling_rms(net, N, seeds), net.bound.total - net.bound.cells)


def table(target: BoxMixture | Annulus, hs: Sequence[float], eps: Sequence[float], N: int = 2000,
          seeds: Sequence[int] = (0, 1, 2), cond_points: int = 500, progress: Optional[object] = None) -> list[Row]:
    """:func:`measure` for every ``(h, eps)``; ``progress`` (a tqdm bar) is advanced per network. The
    networks are built first, so bad input fails before any sampling."""
    nets = [construct(target, h, e) for e in eps for h in hs]
    rows = []
    for net in nets:
        rows.append(measure(net, N, seeds, cond_points))
        if progress is not None:
            progress.update(1)
    return rows


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Least-squares slope of ``log y`` against ``log x``."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def trained_flow(target: BoxMixture | Annulus, N: int, seed: int, steps: int = 3000, hidden: int = 64,
                 lr: float = 2e-3) -> Flow:
    """The contrast: a depth-3 coupling flow (same architecture class: fixed halves, ReLU
    conditioners) trained by maximum likelihood on ``N`` samples of ``Q``."""
    from ..flows.flow import coupling_flow
    from ..flows.train import fit

    rng = np.random.default_rng(seed)
    data = target.sample(N, rng)
    flow = coupling_flow(target.n, 3, [hidden, hidden], rng, identity_init=True)
    fit(flow, data, steps, 256, lr, rng)
    return flow
