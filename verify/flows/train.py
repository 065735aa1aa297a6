"""Maximum-likelihood training: Adam and a ``fit`` loop (hand-written gradients, numpy only)."""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from .base import Array, FlowInputError, check_batch, optional_rng
from .flow import Flow


class Adam:
    """Adam (Kingma & Ba 2015) on a dict of parameter arrays, updated in place; ``step(grads)`` takes
    gradients of the quantity to *minimise*."""

    def __init__(self, params: dict[str, Array], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, grads: dict[str, Array]) -> None:
        self.t += 1
        b1, b2 = self.betas
        for k, p in self.params.items():
            g = grads[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            mhat = self.m[k] / (1 - b1 ** self.t)
            vhat = self.v[k] / (1 - b2 ** self.t)
            p -= self.lr * mhat / (np.sqrt(vhat) + self.eps)


def fit(flow: Flow, data: Array, steps: int, batch: int, lr: float, rng: Optional[np.random.Generator | int], *,
        progress: bool = False, optimizer: Optional[Adam] = None) -> list[float]:
    """Minimise the negative mean log-likelihood on minibatches of ``data``; returns the loss per
    step. ``rng`` draws the minibatches (no global state): a ``Generator``, a seed >= 0 or ``None``.
    Raises :class:`~verify.flows.base.FlowInputError` for no data, ``steps < 0``, ``batch < 1`` or a
    learning rate that is not finite and positive."""
    data = check_batch(data, flow.n, "data")
    if data.shape[0] == 0:
        raise FlowInputError("data has no rows: nothing to fit")
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise FlowInputError(f"steps must be an integer >= 0, not {steps!r}")
    if not (isinstance(batch, (int, np.integer)) and batch >= 1):
        raise FlowInputError(f"batch must be an integer >= 1, not {batch!r}")
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise FlowInputError(f"lr must be a finite number > 0, not {lr!r}")
    rng = optional_rng(rng)
    params = dict(flow.named_parameters())
    opt = optimizer or Adam(params, lr=lr)
    losses = []
    it = range(steps)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, desc="fit", unit="step")
    for _ in it:
        idx = rng.choice(data.shape[0], size=min(batch, data.shape[0]), replace=False)
        value, grads = flow.mean_log_prob_and_grad(data[idx])
        opt.step({k: -g for k, g in grads.items()})
        losses.append(-value)
    return losses
