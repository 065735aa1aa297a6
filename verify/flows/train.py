"""Maximum-likelihood training: Adam and a ``fit`` loop (hand-written gradients, numpy only)."""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from .base import Array, FlowInputError, check_batch, optional_rng
from .flow import Flow


class Adam:
    r"""Adam (Kingma & Ba 2015) on a dict of parameter arrays, updated in place; ``step(grads)`` takes
    gradients of the quantity to *minimise*:

    .. math:: m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
              p \leftarrow p - \eta\, \frac{m / (1-\beta_1^t)}{\sqrt{v / (1-\beta_2^t)} + \epsilon}.

    The moments of all parameters live in one flat preallocated buffer, so a step is a handful of
    whole-buffer operations (not six temporaries per parameter array)."""

    def __init__(self, params: dict[str, Array], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self._slices: dict[str, slice] = {}
        at = 0
        for k, v in params.items():
            self._slices[k] = slice(at, at + v.size)
            at += v.size
        self._m, self._v = np.zeros(at), np.zeros(at)
        self._g, self._u = np.empty(at), np.empty(at)
        self.t = 0

    @property
    def m(self) -> dict[str, Array]:
        """The first moments, per parameter (views into the flat buffer)."""
        return {k: self._m[s].reshape(self.params[k].shape) for k, s in self._slices.items()}

    @property
    def v(self) -> dict[str, Array]:
        """The second moments, per parameter (views into the flat buffer)."""
        return {k: self._v[s].reshape(self.params[k].shape) for k, s in self._slices.items()}

    def step(self, grads: dict[str, Array]) -> None:
        self.t += 1
        b1, b2 = self.betas
        g, u, m, v = self._g, self._u, self._m, self._v
        for k, s in self._slices.items():
            g[s] = grads[k].ravel()
        m *= b1
        m += (1 - b1) * g
        np.multiply(g, g, out=u)
        v *= b2
        v += (1 - b2) * u
        # u = lr * mhat / (sqrt(vhat) + eps), with the bias corrections folded into two scalars
        np.sqrt(v, out=u)
        u *= 1.0 / math.sqrt(1 - b2 ** self.t)
        u += self.eps
        np.divide(m, u, out=u)
        u *= self.lr / (1 - b1 ** self.t)
        for k, s in self._slices.items():
            p = self.params[k]
            p -= u[s].reshape(p.shape)


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
