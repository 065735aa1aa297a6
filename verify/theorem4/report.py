"""The Theorem 4 table as text, JSON and a plot (``verify theorem4`` and the notebook)."""
from __future__ import annotations

from typing import Optional, Sequence

from .generator import HardGenerator, separation
from .measure import DepthRow


def first_close(rows: Sequence[DepthRow], factor: float = 2.0) -> Optional[int]:
    """The smallest depth whose mean ``W_1`` is within ``factor`` times its floor (``None`` if none)."""
    close = [r.depth for r in rows if r.w1_mean <= factor * r.w1_floor]
    return min(close) if close else None


def to_json(gen: HardGenerator, rows: Sequence[DepthRow], N: int, seeds: int, steps: int, hidden: int) -> dict:
    return {"d": gen.d, "k": gen.k, "gamma": gen.gamma, "samples": N, "seeds": seeds, "steps": steps, "hidden": hidden,
            "generator": {"nonzero_params": gen.n_params, "depth": gen.depth, "ramp_mass": gen.ramp_mass,
                          "radius": gen.radius, **separation(gen)},
            "theorem_bounds": {"w1": gen.radius, "kl_f_q": 0.1, "kl_q_f_times_L2": gen.radius},
            "rows": [r.as_json() for r in rows], "first_close_depth": first_close(rows)}


def to_text(gen: HardGenerator, rows: Sequence[DepthRow], N: int, seeds: int, steps: int, hidden: int) -> str:
    sep = separation(gen)
    lines = [
        f"Theorem 4: q = mixture of k = {gen.k} Gaussians N(mu_j, gamma^2 I_{gen.d}), "
        f"|mu_j| = 10 gamma^2 d = {gen.radius:g}",
        f"generator g(z, u) = gamma z + staircase(u): {gen.n_params} nonzero parameters, depth {gen.depth}, "
        f"ramp mass {gen.ramp_mass:.1e} (= a bound on TV(g#N, q))",
        f"means: min distance {sep['min_distance']:.1f}; typical sqrt(2) R = {sep['typical_distance']:.1f}; packing "
        f"limit {sep['packing_limit']:.1f}; component radius gamma sqrt(d) = {sep['component_radius']:.2f}",
        f"flows: l couplings (hidden {hidden}x{hidden}, ReLU) + ActNorm, Adam {steps} steps, N = {N}, {seeds} seeds",
        "depth  p/layer  params    k/p    W1 mean +- std    floor    KL(q||f) +- se     KL(f||q) +- se   modes",
    ]
    for r in rows:
        lines.append(f"{r.depth:5d} {r.params_per_layer:8d} {r.params_total:7d} {r.k_over_p:6.3f}  {r.w1_mean:8.3f} +- "
                     f"{r.w1_std:6.3f}  {r.w1_floor:7.3f}  {r.kl_q_f:8.3f} +- {r.kl_q_f_se:6.3f}  {r.kl_f_q:8.2f} +- "
                     f"{r.kl_f_q_se:6.2f}  {r.modes_covered:5.2f}")
    fc = first_close(rows)
    lines += [f"first depth with W1 <= 2 x floor: {fc if fc is not None else 'none'}; the theorem's bounds "
              f"(asymptotic in d, for depth <= k/p): W1 >= {gen.radius:g}, KL(f||q) >= 0.1, "
              f"KL(q||f) >= {gen.radius:g} / L^2",
              "k/p < 1 means the theorem's depth condition (depth <= k/p) admits no layer: it says nothing about "
              "these flows; the table shows how depth matters at this finite size."]
    return "\n".join(lines)


def plot(gen: HardGenerator, rows: Sequence[DepthRow], path: str) -> None:
    from ..extras import pyplot

    plt = pyplot()

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    depth = [r.depth for r in rows]
    axes[0].errorbar(depth, [r.w1_mean for r in rows], yerr=[r.w1_std for r in rows], fmt="o-", label="W1(f#N, q)")
    axes[0].plot(depth, [r.w1_floor for r in rows], "--", label="floor: two samples of q")
    axes[0].set(xscale="log", yscale="log", xlabel="depth (couplings)", ylabel="W1", title=f"d = {gen.d}, k = {gen.k}")
    axes[0].legend(fontsize=8)
    axes[1].errorbar(depth, [r.kl_q_f for r in rows], yerr=[r.kl_q_f_se for r in rows], fmt="o-", label="KL(q || f)")
    axes[1].errorbar(depth, [r.kl_f_q for r in rows], yerr=[r.kl_f_q_se for r in rows], fmt="s-", label="KL(f || q)")
    axes[1].set(xscale="log", yscale="symlog", xlabel="depth (couplings)", ylabel="KL (Monte Carlo)")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
