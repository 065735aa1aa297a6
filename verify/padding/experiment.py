r"""The padding experiments: coupling flows trained on data ``x \in \mathbb R^d`` as it is (``none``),
padded with ``d`` zeros (``zero``), with ``d`` standard Gaussians (``gaussian``), or with the paper's
clipped variant, ``N(0.5, 0.5^2)`` clipped to ``[0, 1]`` (``gaussian-clipped``).

Every kind gets the same architecture: the same number of couplings (alternating halves,
two-hidden-layer ReLU conditioners) and a data-side ActNorm. The hidden width is chosen per kind so
that the parameter counts match, within one width step, the count of the padded model at the given
width.

Metrics on held-out data, per seed:

* ``nll_data``: the negative log-likelihood of the data coordinates, in nats per data point (mean
  and median over test points: on the digits a few test images off the training manifold dominate
  the mean).
  * ``none``: ``-\log p(x)``.
  * ``gaussian``: ``-\log \frac1K \sum_k p(x, e_k)/\varphi(e_k)`` with ``e_k \sim \varphi`` (importance
    sampling, ``K = 16``). This is a consistent estimate of ``-\log p(x)``; for finite ``K`` it is
    biased *upward*, and it is at most the ``K = 1`` value.
  * ``zero`` and ``gaussian-clipped``: not defined, because the padding has no density (zero is a
    point mass; clipping puts atoms at 0 and 1). It is reported as ``None``.
* ``nll_joint``: ``-\log p(x, e)`` of the padded test point, per model dimension. For zero padding it
  is unbounded below: a flow can squeeze the padded directions without limit.
* the condition number of the full Jacobian ``dx/dz`` at the latent images of up to 500 test points:
  its mean and 90th percentile.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

import numpy as np
from scipy.special import logsumexp

from ..flows.diagnostics import condition_number
from ..flows.flow import Flow, coupling_flow
from ..flows.train import Adam, fit
from .data import FIXED_SIZE, PaddingInputError, dataset

KINDS = ("none", "zero", "gaussian", "gaussian-clipped")


def pad(x: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """``x`` with ``d`` padding coordinates appended (``none``: ``x`` itself)."""
    N, d = x.shape
    if kind == "none":
        return x
    if kind == "zero":
        e = np.zeros((N, d))
    elif kind == "gaussian":
        e = rng.standard_normal((N, d))
    elif kind == "gaussian-clipped":
        e = np.clip(0.5 + 0.5 * rng.standard_normal((N, d)), 0.0, 1.0)
    else:
        raise PaddingInputError(f"unknown padding {kind!r}; choose one of {', '.join(KINDS)}")
    return np.concatenate([x, e], axis=1)


def n_params(flow: Flow) -> int:
    return int(sum(v.size for _, v in flow.named_parameters()))


def _count(n: int, layers: int, hidden: int) -> int:
    """Parameters of ``layers`` couplings on ``n`` dims with two hidden layers of ``hidden``, plus ActNorm."""
    a, b = n // 2, n - n // 2
    per = [(m_in * hidden + hidden) + (hidden * hidden + hidden) + (hidden * 2 * m_out + 2 * m_out)
           for m_in, m_out in ((a, b), (b, a))]
    return sum(per[i % 2] for i in range(layers)) + 2 * n


def matched_hidden(n: int, layers: int, target: int) -> int:
    """The width whose parameter count on ``n`` dims is closest to ``target``."""
    return min(range(1, 1025), key=lambda h: abs(_count(n, layers, h) - target))


@dataclass(frozen=True)
class PaddingRow:
    data: str
    kind: str
    dims: int  # model dimension (d or 2d)
    hidden: int
    params: int
    nll_data: Optional[float]  # nats per data point, mean over test points (None where undefined)
    nll_data_std: Optional[float]
    nll_data_median: Optional[float]  # median over test points (robust to a few off-manifold test points)
    nll_data_median_std: Optional[float]
    nll_joint: float  # nats per model dimension
    nll_joint_std: float
    cond_mean: float  # mean over seeds of the mean condition number over test points
    cond_mean_std: float
    cond_p90: float
    cond_p90_std: float
    seeds: int

    def as_json(self) -> dict:
        return asdict(self)


def _nll_data(flow: Flow, x: np.ndarray, kind: str, rng: np.random.Generator, K: int = 16) -> Optional[np.ndarray]:
    """Per test point (``None`` where undefined)."""
    if kind == "none":
        return -flow.log_prob(x)
    if kind != "gaussian":
        return None
    N, d = x.shape
    logw = np.empty((K, N))
    for k in range(K):
        e = rng.standard_normal((N, d))
        log_phi = -0.5 * (e * e).sum(axis=1) - 0.5 * d * math.log(2 * math.pi)
        logw[k] = flow.log_prob(np.concatenate([x, e], axis=1)) - log_phi
    return -(logsumexp(logw, axis=0) - math.log(K))


def train_flow(
    name: str,
    kind: str,
    seed: int,
    *,
    N: int = 2000,
    layers: int = 6,
    hidden: int = 32,
    steps: int = 1500,
    lr: float = 1e-3,
    check_every: int = 100,
) -> tuple[Flow, np.ndarray, np.random.Generator]:
    """One trained flow: ``(flow, held-out data x (unpadded), the seed's generator for what follows)``.
    The width is ``hidden`` for padded models and the count-matched width for ``none``. Adam runs for
    ``steps`` steps on 85% of the training split; every ``check_every`` steps the NLL on the other 15%
    is computed, and the parameters with the best value are kept (early stopping: on the 1347 digits a
    100k-parameter flow overfits within a few hundred steps)."""
    rng = np.random.default_rng(seed)
    x = dataset(name, 2 * N, rng)
    d = x.shape[1]
    split = len(x) * 3 // 4 if name in FIXED_SIZE else N
    train = pad(x[:split], kind, rng)
    cut = int(0.85 * len(train))
    train, val = train[:cut], train[cut:]
    width = hidden if kind != "none" else matched_hidden(d, layers, _count(2 * d, layers, hidden))
    flow = coupling_flow(train.shape[1], layers, [width, width], rng, identity_init=True, actnorm_data=train)
    params = dict(flow.named_parameters())
    opt = Adam(params, lr=lr)
    best, best_params = np.inf, {k: v.copy() for k, v in params.items()}
    for done in range(0, steps, check_every):
        fit(flow, train, min(check_every, steps - done), 256, lr, rng, optimizer=opt)
        with np.errstate(all="ignore"):
            v = float(-flow.log_prob(val).mean())
        if np.isfinite(v) and v < best:
            best, best_params = v, {k: p.copy() for k, p in params.items()}
    for k, p in params.items():
        p[...] = best_params[k]
    return flow, x[split:], rng


def run_kind(name: str, kind: str, seeds: Sequence[int], *, N: int = 2000, layers: int = 6, hidden: int = 32,
             steps: int = 1500, lr: float = 1e-3, cond_points: int = 500) -> PaddingRow:
    """Train and measure one padding kind on one data set over ``seeds``."""
    nll_d, nll_med, nll_j, cm, c90 = [], [], [], [], []
    flow = None
    for s in seeds:
        flow, test, rng = train_flow(name, kind, s, N=N, layers=layers, hidden=hidden, steps=steps, lr=lr)
        test_padded = pad(test, kind, rng)
        nll_j.append(float(-flow.log_prob(test_padded).mean()) / flow.n)
        per_point = _nll_data(flow, test, kind, rng)
        if per_point is not None:
            nll_d.append(float(per_point.mean()))
            nll_med.append(float(np.median(per_point)))
        z, _ = flow.transform.inverse_and_log_det(test_padded[:cond_points])
        c = condition_number(flow.transform, z)
        cm.append(float(c.mean()))
        c90.append(float(np.percentile(c, 90)))
    width = flow.transform.transforms[0].net.sizes[1]
    mean_std = (lambda v: (float(np.mean(v)), float(np.std(v))) if v else (None, None))  # noqa: E731
    return PaddingRow(name, kind, flow.n, width, n_params(flow), *mean_std(nll_d), *mean_std(nll_med),
                      float(np.mean(nll_j)), float(np.std(nll_j)),
                      float(np.mean(cm)), float(np.std(cm)), float(np.mean(c90)), float(np.std(c90)), len(seeds))


#: fewest training points: the early-stopping split (85% / 15%) leaves both parts non-empty
MIN_SAMPLES = 20


def padding_table(name: str, kinds: Sequence[str], seeds: Sequence[int], progress: Optional[object] = None,
                  **kw: int) -> list[PaddingRow]:
    for kind in kinds:
        if kind not in KINDS:
            raise PaddingInputError(f"unknown padding {kind!r}; choose one of {', '.join(KINDS)}")
    if kw.get("N", MIN_SAMPLES) < MIN_SAMPLES:
        raise PaddingInputError(f"N = {kw['N']} samples: the 85%/15% early-stopping split needs at least {MIN_SAMPLES}")
    rows = []
    for kind in kinds:
        rows.append(run_kind(name, kind, seeds, **kw))
        if progress is not None:
            progress.update(1)
    return rows
