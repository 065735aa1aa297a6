"""Benchmark of ``verify.export.to_flowjax``: a Theorem 2 decomposition (stable float method) of a
hidden Gaussian T (seeded) as flowjax couplings, checked by flowjax's own ``log_prob``, ``transform``
and ``inverse``. Prints one table; never run as a test.

    python bench/export.py [--sizes 4 16 64 256 1024]

Columns: 2d; k; the largest relative error of flowjax's log_prob against the exact log density of
N(0, T T^T) over 64 points; ||F - T||_F / ||T||_F for flowjax's forward map F (applied to the
identity); the relative residual ||T x - y|| / (||T|| ||x||) of its inverse; seconds to export (after
the decomposition) and to compile and run the three checks. Where torch and zuko are installed, a
"zuko" row under each size does the same through ``to_zuko`` and zuko's own code.
"""
from __future__ import annotations

import argparse
import time

import jax

jax.config.update("jax_enable_x64", True)

import equinox as eqx  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from verify import decompose  # noqa: E402
from verify.export import to_flowjax  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 16, 64, 256, 1024])
    args = ap.parse_args()
    log_prob = eqx.filter_jit(lambda f, y: f.log_prob(y))
    forward = eqx.filter_jit(lambda f, z: jax.vmap(f.bijection.transform)(z))
    inverse = eqx.filter_jit(lambda f, y: jax.vmap(f.bijection.inverse)(y))
    print("flowjax export of the stable decomposition (float64, jax_enable_x64); hidden T Gaussian, seed = 2d")
    print(f"{'2d':>5} {'k':>3} {'log_prob rel':>13} {'forward rel':>12} {'inverse rel':>12} "
          f"{'export s':>9} {'check s':>8}")
    for n in args.sizes:
        rng = np.random.default_rng(n)
        T = rng.standard_normal((n, n))
        if np.linalg.slogdet(T)[0] < 0:
            T[0] = -T[0]
        dec = decompose(T, "float")
        t0 = time.perf_counter()
        flow = to_flowjax(dec)
        t1 = time.perf_counter()
        y = rng.standard_normal((64, n))
        z = np.linalg.solve(T, y.T).T
        ref = -0.5 * n * np.log(2 * np.pi) - np.linalg.slogdet(T)[1] - 0.5 * np.sum(z * z, axis=1)
        lp = np.asarray(log_prob(flow, jnp.asarray(y)))
        F = np.asarray(forward(flow, jnp.eye(n))).T
        x = np.asarray(inverse(flow, jnp.asarray(y)))
        t2 = time.perf_counter()
        print(f"{n:>5} {dec.k:>3} {np.max(np.abs(lp - ref) / np.abs(ref)):>13.2e} "
              f"{np.linalg.norm(F - T) / np.linalg.norm(T):>12.2e} "
              f"{np.linalg.norm(T @ x.T - y.T) / (np.linalg.norm(T) * np.linalg.norm(x)):>12.2e} "
              f"{t1 - t0:>9.2f} {t2 - t1:>8.2f}")
        zuko_row(n, dec, T, y, ref)


def zuko_row(n, dec, T, y, ref) -> None:
    """The same checks through zuko's own log_prob and transforms, where torch and zuko are installed."""
    try:
        import torch

        from verify.export import to_zuko
    except ImportError:
        return
    t0 = time.perf_counter()
    dist = to_zuko(dec)()
    t1 = time.perf_counter()
    lp = dist.log_prob(torch.from_numpy(y)).detach().numpy()
    F = dist.transform.inv(torch.eye(n, dtype=torch.float64)).detach().numpy().T
    x = dist.transform(torch.from_numpy(y)).detach().numpy()
    t2 = time.perf_counter()
    print(f"{'zuko':>9} {np.max(np.abs(lp - ref) / np.abs(ref)):>13.2e} "
          f"{np.linalg.norm(F - T) / np.linalg.norm(T):>12.2e} "
          f"{np.linalg.norm(T @ x.T - y.T) / (np.linalg.norm(T) * np.linalg.norm(x)):>12.2e} "
          f"{t1 - t0:>9.2f} {t2 - t1:>8.2f}")


if __name__ == "__main__":
    main()
