r"""Theorem 4 measured: coupling flows of depth ``l`` trained by maximum likelihood on samples of the
hard mixture ``q``, and how far they stay from it.

Per depth and seed: a flow of ``l`` affine couplings (alternating halves, ReLU conditioners) plus a
data-side :class:`~verify.flows.ActNorm`, started at the identity, initialised on the data and trained
with Adam. Then, with fresh samples:

* ``W_1(f_\# N, q)`` by exact optimal transport, beside its **floor**: ``W_1`` between two independent
  samples of ``q`` of the same size;
* ``KL(q \| f)`` and ``KL(f \| q)`` by Monte Carlo with the exact log-densities of both sides
  (``q`` in closed form, ``f`` by the change of variables), with standard errors. These are the KL
  divergences of ``f`` against ``q``; ``g_\# N`` differs from ``q`` by at most the ramp mass in total
  variation.

``p`` is the number of parameters of one coupling layer. The theorem concerns depth ``\le k/p``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional, Sequence

import numpy as np

from ..flows.flow import Flow, coupling_flow
from ..flows.train import fit
from ..theorem1.measure import wasserstein
from .generator import HardGenerator


@dataclass(frozen=True)
class DepthRow:
    depth: int
    params_per_layer: int
    params_total: int
    k_over_p: float
    w1_mean: float
    w1_std: float
    w1_floor: float
    kl_q_f: float  # KL(q || f), mean over seeds
    kl_q_f_se: float  # its Monte Carlo standard error (largest over seeds)
    kl_f_q: float  # KL(f || q)
    kl_f_q_se: float
    modes_covered: float  # fraction of the k components that receive >= 1/(4k) of the flow's samples

    def as_json(self) -> dict:
        return asdict(self)


def coupling_flow_on(data: np.ndarray, depth: int, hidden: int, rng: np.random.Generator) -> Flow:
    """``depth`` couplings (identity at start, two hidden layers of ``hidden``) and a data-side
    ActNorm initialised on ``data``."""
    return coupling_flow(data.shape[1], depth, [hidden, hidden], rng, identity_init=True, actnorm_data=data)


def _mc(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std() / np.sqrt(len(values)))


def modes_covered(gen: HardGenerator, x: np.ndarray) -> float:
    """The fraction of components whose nearest-mean cell receives at least a quarter of its share."""
    nearest = np.argmin(((x[:, None, :] - gen.means[None, :, :]) ** 2).sum(axis=2), axis=1)
    counts = np.bincount(nearest, minlength=gen.k) / len(x)
    return float(np.mean(counts >= 1 / (4 * gen.k)))


def depth_row(gen: HardGenerator, depth: int, N: int, seeds: Sequence[int], steps: int, hidden: int,
              lr: float = 2e-3) -> DepthRow:
    w1s, floors, kqf, kqf_se, kfq, kfq_se, cover = [], [], [], [], [], [], []
    p = 0
    for s in seeds:
        rng = np.random.default_rng(s)
        data = gen.sample(N, rng)
        flow = coupling_flow_on(data, depth, hidden, rng)
        fit(flow, data, steps, 256, lr, rng)
        p = max(sum(v.size for v in layer.params.values()) for layer in flow.transform.transforms[:depth])
        x_f, logf_f = flow.sample_and_log_prob(N, rng)
        y, y2 = gen.sample(N, rng), gen.sample(N, rng)
        w1s.append(wasserstein(x_f, y, 1))
        floors.append(wasserstein(y, y2, 1))
        m, se = _mc(gen.log_prob(y) - flow.log_prob(y))
        kqf.append(m)
        kqf_se.append(se)
        m, se = _mc(logf_f - gen.log_prob(x_f))
        kfq.append(m)
        kfq_se.append(se)
        cover.append(modes_covered(gen, x_f))
    total = p * depth + 2 * gen.d
    return DepthRow(depth, p, total, gen.k / p, float(np.mean(w1s)), float(np.std(w1s)), float(np.mean(floors)),
                    float(np.mean(kqf)), float(np.max(kqf_se)), float(np.mean(kfq)), float(np.max(kfq_se)),
                    float(np.mean(cover)))


def depth_table(gen: HardGenerator, depths: Sequence[int], N: int = 2000, seeds: Sequence[int] = (0, 1),
                steps: int = 1000, hidden: int = 32, progress: Optional[object] = None) -> list[DepthRow]:
    rows = []
    for depth in depths:
        rows.append(depth_row(gen, depth, N, seeds, steps, hidden))
        if progress is not None:
            progress.update(1)
    return rows
