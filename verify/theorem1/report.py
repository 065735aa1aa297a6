"""The Theorem 1 table as text, JSON and a plot (used by ``verify theorem1`` and the notebook)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .measure import Row, loglog_slope
from .targets import Annulus, BoxMixture, TargetError, from_histogram, target


def load_target(spec: str) -> BoxMixture | Annulus:
    """A target name, or the path of a ``.npy`` histogram of cell masses."""
    if spec.endswith(".npy"):
        path = Path(spec)
        if not path.is_file():
            raise TargetError(f"no such histogram file: {spec}")
        try:
            masses = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise TargetError(f"cannot read {spec} as a .npy array ({e})") from None
        return from_histogram(masses, name=path.name)
    return target(spec)


def slopes(rows: Sequence[Row]) -> dict:
    """Log-log slopes against ``h`` at the smallest ``eps`` (``None`` with fewer than two ``h``)."""
    eps = min(r.eps for r in rows)
    sel = sorted((r for r in rows if r.eps == eps), key=lambda r: r.h)
    hs = [r.h for r in sel]
    if len(set(hs)) < 2:
        return {"eps": eps, "bound_vs_h": None, "w2_vs_h": None}
    return {"eps": eps, "bound_vs_h": loglog_slope(hs, [r.bound for r in sel]),
            "w2_vs_h": loglog_slope(hs, [r.w2_mean for r in sel])}


def to_json(Q: BoxMixture | Annulus, rows: Sequence[Row], N: int, seeds: int) -> dict:
    return {"target": Q.name, "n": Q.n, "samples": N, "seeds": seeds, "rows": [r.as_json() for r in rows],
            "slopes": slopes(rows)}


def to_text(Q: BoxMixture | Annulus, rows: Sequence[Row], N: int, seeds: int) -> str:
    lines = [f"Theorem 1, target {Q.name} (n = {Q.n}): W2(g#N(0,I), Q) for the constructed depth-3 network; "
             f"N = {N} samples, {seeds} seeds",
             "     h       eps  cells   bound B  (cells)   W2 mean +- std    floor +- std   coupling rms <= bound"
             "  mass err  chi2 p   cond med/p99/max   sigma_min  Lip(g)>=  kappa>="]
    for r in rows:
        lines.append(
            f"{r.h:6.3f} {r.eps:9.1e} {r.cells:6d}  {r.bound:8.4f} ({r.bound_cells:7.4f})  "
            f"{r.w2_mean:7.4f} +- {r.w2_std:6.4f}  {r.w2_floor:6.4f} +- {r.w2_floor_std:6.4f}  "
            f"{r.coupling_rms:9.2e} <= {r.coupling_bound:8.2e}  {r.cell_mass_error:8.1e}  {r.chi2_pvalue:5.2f}  "
            f"{r.cond_median:4.2g}/{r.cond_p99:4.2g}/{r.cond_max:4.2g}  {r.sigma_min_median:9.2e}  "
            f"{r.lip_lower:8.1e}  {r.kappa:8.1e}"
        )
    s = slopes(rows)
    if s["bound_vs_h"] is not None:
        lines.append(
            f"log-log slope against h (eps = {s['eps']:.0e}): bound {s['bound_vs_h']:.2f}, measured W2 "
            f"{s['w2_vs_h']:.2f} (the measured W2 levels off at the floor: two samples of Q are that far apart)"
        )
    lines += ["cond: pointwise, at samples (1 on the plateaus, where J_g = eps I, as proved); Lip(g): largest "
              "sigma_max at samples and ramp midpoints; kappa = Lip(g) / min sigma_min, a lower estimate of "
              "Lip(g) Lip(g^-1)."]
    return "\n".join(lines)


def plot(Q: BoxMixture | Annulus, rows: Sequence[Row], path: str) -> None:
    """W2 against h (bound, measured, floor) and, over eps, the Lipschitz estimates against 1/eps."""
    from ..extras import pyplot

    plt = pyplot()

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    eps = min(r.eps for r in rows)
    sel = sorted((r for r in rows if r.eps == eps), key=lambda r: r.h)
    h = [r.h for r in sel]
    ax = axes[0]
    ax.loglog(h, [r.bound for r in sel], "o-", label="proved bound B")
    ax.errorbar(h, [r.w2_mean for r in sel], yerr=[r.w2_std for r in sel], fmt="s-", label="W2 of samples")
    ax.errorbar(
        h, [r.w2_floor for r in sel], yerr=[r.w2_floor_std for r in sel], fmt="--", label="floor: two samples of Q"
    )
    ax.loglog(h, [r.coupling_rms for r in sel], "^:", label="coupling rms (no OT)")
    ax.set(xlabel="cell side h", ylabel="W2", title=f"{Q.name}: eps = {eps:.0e}")
    ax.legend(fontsize=8)
    ax = axes[1]
    inv = [1 / r.eps for r in rows]
    ax.loglog(inv, [r.kappa for r in rows], "o", label="kappa >= Lip(g) / min sigma_min")
    ax.loglog(inv, [1 / r.sigma_min_median for r in rows], "s", label="1 / median sigma_min (= 1/eps)")
    ax.loglog(inv, [r.cond_median for r in rows], "^", label="median pointwise cond")
    ax.set(xlabel="1 / eps", title="Remark 1: the price of accuracy")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
