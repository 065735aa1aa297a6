"""Throughput of the NumPy flow core, and (if torch and zuko import) the same flow in zuko.

    python bench/flows.py [--n 8] [--layers 8] [--hidden 64] [--batch 4096] [--repeat 5]

Prints two tables.

1. log_prob samples/s (median of --repeat runs), one training step (log-likelihood gradient + Adam
   update) in ms, and with zuko: its log_prob throughput on the CPU (float64, same weights) and the
   largest |log_prob difference| on the batch.
2. Training steps per second (draw a minibatch, forward, backward, Adam) of ``verify.flows.fit``
   against zuko's own ``RealNVP`` trained with ``torch.optim.Adam`` (float64, the same architecture:
   affine couplings on alternating halves, ReLU MLP conditioners of the same widths, so the same
   number of parameters), at the flows notebook's size (2-d two moons: 8 layers, hidden [64, 64],
   batch 256) and at this script's size. Each side runs blocks of --train-steps steps, alternated
   3 times; the best block counts (the timeit convention).

torch and zuko are optional (not dependencies): `pip install torch==2.13.0 zuko`.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.flows import Adam, coupling_flow, fit  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def zuko_flow(flow):
    """The same flow in zuko (torch, float64). zuko's transforms run data -> latent, so the layers
    are our inverses in reverse order; each coupling's data -> latent map is the affine
    z_b = e^{-s} x_b - t e^{-s}, written as zuko's MonotonicAffineTransform, whose scale argument
    is passed through the inverse of zuko's own soft clamp a / (1 + |a| / L) so the log-scale is
    exactly -s."""
    import torch
    from zuko.distributions import DiagNormal, NormalizingFlow
    from zuko.transforms import ComposedTransform, CouplingTransform, DependentTransform, MonotonicAffineTransform

    slope = 1e-30
    L = -math.log(slope)

    def meta_for(layer):
        Ws = [torch.tensor(layer.net.params[f"W{l}"]) for l in range(layer.net.depth)]
        bs = [torch.tensor(layer.net.params[f"b{l}"]) for l in range(layer.net.depth)]
        nb, B = len(layer.trans), layer.bound

        def meta(u):
            h = u
            for l in range(len(Ws)):
                h = h @ Ws[l] + bs[l]
                if l < len(Ws) - 1:
                    h = torch.relu(h)
            s = B * torch.tanh(h[..., :nb] / B)
            t = h[..., nb:]
            a = -s / (1 - s.abs() / L)  # zuko maps a to a / (1 + |a| / L) = -s
            return DependentTransform(MonotonicAffineTransform(shift=-t * torch.exp(-s), scale=a, slope=slope), 1)

        return meta

    transforms = []
    for layer in reversed(flow.transform.transforms):
        mask = torch.zeros(flow.n, dtype=torch.bool)
        mask[torch.as_tensor(layer.cond)] = True
        transforms.append(CouplingTransform(meta_for(layer), mask))
    base = DiagNormal(torch.zeros(flow.n, dtype=torch.float64), torch.ones(flow.n, dtype=torch.float64))
    return NormalizingFlow(ComposedTransform(*transforms), base)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=8)
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--train-steps", type=int, default=200)
    a = p.parse_args()
    flow = coupling_flow(a.n, a.layers, a.hidden, np.random.default_rng(0))
    x = flow.sample(a.batch, np.random.default_rng(1))
    t_lp = timed(lambda: flow.log_prob(x), a.repeat)
    opt = Adam(dict(flow.named_parameters()), lr=1e-4)

    def step():
        _, g = flow.mean_log_prob_and_grad(x)
        opt.step({k: -v for k, v in g.items()})

    t_step = timed(step, a.repeat)
    from verify.flows import condition_number

    cond = float(np.median(condition_number(flow.transform, np.random.default_rng(2).standard_normal((256, a.n)))))
    print(f"n = {a.n}, {a.layers} affine coupling layers, hidden {a.hidden} (ReLU), batch {a.batch}, float64, "
          f"2 cores; median cond(dx/dz) = {cond:.1f}")
    print(f"{'implementation':>16} {'log_prob samples/s':>19} {'train step ms':>14} {'max |dlog_prob|':>16}")
    print(f"{'verify.flows':>16} {a.batch / t_lp:>19,.0f} {1e3 * t_step:>14.1f} {'-':>16}")
    try:
        import torch
        import zuko  # noqa: F401
    except ImportError as e:
        print(f"{'zuko':>16} not importable ({e.name}); pip install torch==2.13.0 zuko to compare")
        training_table(a, None)
        return
    flow2 = coupling_flow(a.n, a.layers, a.hidden, np.random.default_rng(0))  # fresh weights = the flow above
    zf = zuko_flow(flow2)
    xt = torch.tensor(x)
    with torch.no_grad():
        # alternate blocks of runs (3 rounds x repeat each) and keep each side's fastest run (the timeit
        # convention: the minimum is the least noisy estimate; per-run interleaving made torch's
        # thread pool and numpy's BLAS threads contend and swung the ratio from 0.7x to 3x)
        ours, theirs = [], []
        for _ in range(3):
            ours += [timed(lambda: flow2.log_prob(x), 1) for _ in range(a.repeat)]
            theirs += [timed(lambda: zf.log_prob(xt), 1) for _ in range(a.repeat)]
        t_lp, t_z = min(ours), min(theirs)
        lp_z = zf.log_prob(xt).numpy()
    diff = float(np.max(np.abs(lp_z - flow2.log_prob(x))))
    print(f"{'verify (best)':>16} {a.batch / t_lp:>19,.0f} {'-':>14} {'-':>16}")
    print(f"{'zuko (best)':>16} {a.batch / t_z:>19,.0f} {'-':>14} {diff:>16.2e}")
    print(
        f"ratio ours / zuko (log_prob throughput, best of 3 x repeat each): {t_z / t_lp:.2f}x   "
        f"(torch {torch.__version__}, zuko {zuko.__version__}, "
        f"{torch.get_num_threads()} threads)"
    )
    training_table(a, zuko)


def ours_steps_per_second(n: int, layers: int, hidden: list[int], batch: int, steps: int, data: np.ndarray):
    flow = coupling_flow(n, layers, hidden, np.random.default_rng(1), identity_init=True)
    rng = np.random.default_rng(2)
    opt = Adam(dict(flow.named_parameters()), lr=1e-3)

    def block() -> float:
        t0 = time.perf_counter()
        fit(flow, data, steps=steps, batch=batch, lr=1e-3, rng=rng, optimizer=opt)
        return steps / (time.perf_counter() - t0)

    return block


def zuko_steps_per_second(n: int, layers: int, hidden: list[int], batch: int, steps: int, data: np.ndarray):
    import torch
    import zuko

    flow = zuko.flows.RealNVP(features=n, transforms=layers, hidden_features=hidden).to(torch.float64)
    opt = torch.optim.Adam(flow.parameters(), lr=1e-3)
    xt = torch.tensor(data)
    gen = torch.Generator().manual_seed(2)

    def block() -> float:
        t0 = time.perf_counter()
        for _ in range(steps):
            idx = torch.randperm(xt.shape[0], generator=gen)[:batch]
            loss = -flow().log_prob(xt[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return steps / (time.perf_counter() - t0)

    return block


def training_table(a, zuko) -> None:
    sizes = [("notebook", 2, 8, [64, 64], 256), ("this script", a.n, a.layers, [a.hidden], min(a.batch, 4096))]
    print()
    print(f"training steps/s (minibatch + forward + backward + Adam), float64, best of 3 blocks of {a.train_steps}")
    print(f"{'size':>12} {'n':>3} {'layers':>6} {'hidden':>9} {'batch':>6} {'verify steps/s':>15} "
          f"{'zuko steps/s':>13} {'ratio':>6}")
    for label, n, layers, hidden, batch in sizes:
        data = np.random.default_rng(0).standard_normal((max(4 * batch, 4000), n))
        ours = ours_steps_per_second(n, layers, hidden, batch, a.train_steps, data)
        theirs = zuko_steps_per_second(n, layers, hidden, batch, a.train_steps, data) if zuko else None
        ours()  # warm-up (first-call allocations)
        if theirs:
            theirs()
        best_o, best_z = 0.0, 0.0
        for _ in range(3):
            best_o = max(best_o, ours())
            if theirs:
                best_z = max(best_z, theirs())
        zs = f"{best_z:>13,.0f}" if theirs else f"{'-':>13}"
        ratio = f"{best_o / best_z:>5.2f}x" if theirs else f"{'-':>6}"
        hs = "x".join(map(str, hidden))
        print(f"{label:>12} {n:>3} {layers:>6} {hs:>9} {batch:>6} {best_o:>15,.0f} {zs} {ratio}")


if __name__ == "__main__":
    main()
