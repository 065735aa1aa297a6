r"""Maximum likelihood for Gaussians with linear coupling flows (Remark 3, measured).

A flow ``x = T z`` with ``T = L_1 U_1 \cdots L_k U_k`` models ``N(0, T T^T)``. On samples with
second-moment matrix ``\hat\Sigma = \frac1N \sum_i x_i x_i^T`` the mean negative log-likelihood is
``\frac12 \operatorname{tr}((TT^T)^{-1}\hat\Sigma) + \frac12 \log\det(TT^T) + \frac n2 \log 2\pi``, minimised
exactly at ``TT^T = \hat\Sigma``. Every SPD ``\hat\Sigma`` is reachable with ONE pair
(:func:`~verify.remark3.single_pair_square_root`, ``proofs/remark3.md``), so for every ``k \ge 1`` the
population optimum has KL 0 and the sample optimum has ``KL(N(0,\Sigma) \| N(0,\hat\Sigma))``, of mean
about ``n(n+1)/(4N)``: the floor a trained flow is compared with.
"""
from __future__ import annotations

import numpy as np
import scipy.optimize

from ..flows.base import ComposedTransform
from ..flows.flow import Flow
from ..flows.linear import LinearL, LinearU
from ..flows.train import fit


def gaussian_kl(Sigma: np.ndarray, M: np.ndarray) -> float:
    r"""``KL(N(0, \Sigma) \| N(0, M)) = \frac12(\operatorname{tr}(M^{-1}\Sigma) - n + \log\det M - \log\det\Sigma)``."""
    n = Sigma.shape[0]
    return float(
        0.5 * (np.trace(np.linalg.solve(M, Sigma)) - n + np.linalg.slogdet(M)[1] - np.linalg.slogdet(Sigma)[1])
    )


def linear_coupling_flow(d: int, k: int, rng: np.random.Generator, noise: float = 0.01) -> Flow:
    """``k`` pairs ``L(A, b) U(c, D)`` near the identity (``b = c = 1``, ``A, D`` of size ``noise``)."""
    layers = []
    for _ in range(k):
        layers += [LinearL(noise * rng.standard_normal((d, d)), np.ones(d)),
                   LinearU(np.ones(d), noise * rng.standard_normal((d, d)))]
    return Flow(ComposedTransform(*layers))


def model_covariance(flow: Flow) -> np.ndarray:
    """``T T^T`` for a flow of linear layers (the first layer acts first on ``z``)."""
    T = np.eye(flow.n)
    for t in reversed(flow.transform.transforms):
        T = T @ t.matrix()
    return T @ T.T


def fit_lbfgs(flow: Flow, data: np.ndarray, max_iter: int = 5000) -> int:
    """Full-batch L-BFGS on the exact mean NLL and its exact gradient, the scales ``b, c`` as
    ``\\exp`` of free parameters (so they stay positive); returns the iterations used."""
    params = dict(flow.named_parameters())
    keys = list(params)
    log = [k.endswith(".b") or k.endswith(".c") for k in keys]
    shapes = [params[k].shape for k in keys]
    sizes = [params[k].size for k in keys]

    def unpack(v: np.ndarray) -> None:
        i = 0
        for k, lg, sh, sz in zip(keys, log, shapes, sizes):
            w = v[i:i + sz].reshape(sh)
            params[k][...] = np.exp(w) if lg else w
            i += sz

    def f(v: np.ndarray) -> tuple[float, np.ndarray]:
        unpack(v)
        with np.errstate(all="ignore"):
            value, grads = flow.mean_log_prob_and_grad(data)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(v)
        g = [(grads[k] * params[k]).ravel() if lg else grads[k].ravel() for k, lg in zip(keys, log)]
        return -value, -np.concatenate(g)

    v0 = np.concatenate([np.log(params[k]).ravel() if lg else params[k].ravel() for k, lg in zip(keys, log)])
    res = scipy.optimize.minimize(f, v0, jac=True, method="L-BFGS-B",
                                  options={"maxiter": max_iter, "gtol": 1e-10, "ftol": 1e-15, "maxcor": 30})
    unpack(res.x)
    return int(res.nit)


def fit_adam(flow: Flow, data: np.ndarray, steps: int, lr: float, rng: np.random.Generator) -> None:
    """Full-batch Adam (:func:`verify.flows.fit`) on the same objective, ``steps`` steps."""
    fit(flow, data, steps=steps, batch=data.shape[0], lr=lr, rng=rng)
