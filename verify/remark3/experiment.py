r"""Remark 3 measured: maximum likelihood with ``k`` linear coupling pairs on ``N`` samples of
``N(0, \Sigma)``, against the sample optimum's KL (the floor), over seeds.

For each seed: a fresh sample (``N`` points), a fresh near-identity start, training (full-batch
L-BFGS on the exact gradient, or full-batch Adam), then the closed-form
``KL(N(0,\Sigma) \| N(0, TT^T))``. The floor is ``KL(N(0,\Sigma) \| N(0,\hat\Sigma))`` for the
sample's second-moment matrix ``\hat\Sigma``, the maximum-likelihood optimum itself; its mean is
about ``n(n+1)/(4N)``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Sequence

import numpy as np

from ..errors import InputError
from .square_root import single_pair_square_root, validated_sigma
from .training import fit_adam, fit_lbfgs, gaussian_kl, linear_coupling_flow, model_covariance

METHODS = ("L-BFGS", "Adam")


def random_covariance(n: int, cond: float, rng: np.random.Generator) -> np.ndarray:
    r"""``Q \operatorname{diag}(\text{logspace}(0, -\log_{10} \text{cond}, n)) Q^T`` with ``Q`` Haar-random."""
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    Q = Q * np.sign(np.diag(R))
    return Q @ np.diag(np.logspace(0, -np.log10(cond), n)) @ Q.T


@dataclass(frozen=True)
class KLRow:
    """``k`` pairs trained by ``method`` on ``N`` samples: KL and floor over the seeds."""
    k: int
    method: str
    N: int
    kl: float
    kl_std: float
    floor: float
    floor_std: float
    max_gap: float  # max over seeds |KL - floor|
    steps: int  # iterations (L-BFGS: the largest over seeds; Adam: fixed)

    def as_json(self) -> dict:
        return asdict(self)


def kl_row(Sigma: np.ndarray, N: int, k: int, method: str, seeds: Iterable[int], adam_steps: int = 2000,
           adam_lr: float = 1e-2) -> KLRow:
    """Train and measure one ``(k, method, N)`` over ``seeds``."""
    n = Sigma.shape[0]
    L = np.linalg.cholesky(Sigma)
    kl, floor, steps = [], [], 0
    for s in seeds:
        rng = np.random.default_rng(1000 * s + N)
        X = rng.standard_normal((N, n)) @ L.T
        flow = linear_coupling_flow(n // 2, k, np.random.default_rng(s))
        if method == "L-BFGS":
            steps = max(steps, fit_lbfgs(flow, X))
        elif method == "Adam":
            fit_adam(flow, X, adam_steps, adam_lr, np.random.default_rng(s))
            steps = adam_steps
        else:
            raise InputError(f"method must be one of {', '.join(METHODS)}")
        kl.append(gaussian_kl(Sigma, model_covariance(flow)))
        floor.append(gaussian_kl(Sigma, X.T @ X / N))
    kl_a, fl_a = np.array(kl), np.array(floor)
    return KLRow(k, method, N, float(kl_a.mean()), float(kl_a.std()), float(fl_a.mean()), float(fl_a.std()),
                 float(np.abs(kl_a - fl_a).max()), steps)


def single_pair_summary(Sigma: np.ndarray) -> dict:
    """The one-pair construction for the population ``Sigma``: its KL, residual and layer condition,
    or why it refused."""
    try:
        r = single_pair_square_root(Sigma)
    except ArithmeticError as e:
        return {"status": "refused", "reason": str(e)}
    return {"status": "ok", "route": r.route, "kl": gaussian_kl(Sigma, r.T @ r.T.T), "residual": float(r.residual),
            "layer_cond": float(r.layer_cond)}


def kl_table(Sigma: np.ndarray, ks: Sequence[int], methods: Sequence[str], N: int, seeds: Sequence[int],
             progress: Optional[object] = None) -> list[KLRow]:
    """:func:`kl_row` for every ``k`` and method; ``progress`` (a tqdm bar) is advanced per row."""
    Sigma = validated_sigma(Sigma)
    if not ks or min(ks) < 1 or N < 1 or not seeds:
        raise InputError("need k >= 1, N >= 1 and at least one seed")
    rows = []
    for k in ks:
        for m in methods:
            rows.append(kl_row(Sigma, N, k, m, seeds))
            if progress is not None:
                progress.update(1)
    return rows


def kl_json(Sigma: np.ndarray, rows: Sequence[KLRow], single: dict, N: int, seeds: int) -> dict:
    return {"d": Sigma.shape[0] // 2, "samples": N, "seeds": seeds, "rows": [r.as_json() for r in rows],
            "single_pair": single}


def kl_text(Sigma: np.ndarray, rows: Sequence[KLRow], single: dict, N: int, seeds: int) -> str:
    n = Sigma.shape[0]
    lines = [f"Remark 3: KL(N(0,Sigma) || model) after maximum likelihood; 2d = {n}, N = {N}, {seeds} seeds; "
             f"floor = KL of the sample optimum (about n(n+1)/4N = {n * (n + 1) / (4 * N):.2e})",
             " k  method   KL mean +- std        floor mean +- std     max|KL-floor|  steps"]
    lines += [f"{r.k:2d}  {r.method:<7} {r.kl:9.3e} +- {r.kl_std:8.1e}   {r.floor:9.3e} +- {r.floor_std:8.1e}   "
              f"{r.max_gap:9.1e}  {r.steps:5d}" for r in rows]
    if single["status"] == "ok":
        lines.append(f"one-pair construction for Sigma ({single['route']} route): KL {single['kl']:.1e}, "
                     f"residual {single['residual']:.1e}, layer condition {single['layer_cond']:.1e}")
    else:
        lines.append(f"one-pair construction for Sigma: refused ({single['reason']})")
    return "\n".join(lines)
