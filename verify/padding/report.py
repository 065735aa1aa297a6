"""The padding table as text, JSON and a plot (``verify padding`` and the notebook)."""
from __future__ import annotations

from typing import Optional, Sequence

from .experiment import PaddingRow


def gaussian_vs_zero(rows: Sequence[PaddingRow]) -> Optional[dict]:
    """Does Gaussian padding give better conditioned flows than zero padding here? Compared by the mean
    condition number (mean over seeds); "holds" only when the two differ by more than their spreads."""
    by = {r.kind: r for r in rows}
    if "gaussian" not in by or "zero" not in by:
        return None
    g, z = by["gaussian"], by["zero"]
    separated = g.cond_mean + g.cond_mean_std < z.cond_mean - z.cond_mean_std
    verdict = "holds" if separated else ("reversed" if z.cond_mean + z.cond_mean_std < g.cond_mean - g.cond_mean_std
                                         else "not resolved by these seeds")
    return {"gaussian_cond_mean": g.cond_mean, "zero_cond_mean": z.cond_mean, "ratio": z.cond_mean / g.cond_mean,
            "verdict": verdict}


def to_json(rows: Sequence[PaddingRow]) -> dict:
    return {"data": rows[0].data if rows else None, "rows": [r.as_json() for r in rows],
            "gaussian_vs_zero": gaussian_vs_zero(rows)}


def _pm(v: Optional[float], s: Optional[float], fmt: str) -> str:
    return "undefined" if v is None else f"{v:{fmt}} +- {s:{fmt}}"


def to_text(rows: Sequence[PaddingRow]) -> str:
    lines = [f"padding experiments on {rows[0].data}: {rows[0].seeds} seeds, mean +- std over seeds",
             "kind               dims  hidden  params   NLL data: mean            median              "
             "NLL joint (nats/dim)   cond mean              cond p90"]
    for r in rows:
        lines.append(
            f"{r.kind:<18} {r.dims:4d} {r.hidden:7d} {r.params:7d}   {_pm(r.nll_data, r.nll_data_std, '8.3f'):>21}  "
            f"{_pm(r.nll_data_median, r.nll_data_median_std, '8.3f'):>21}   "
            f"{_pm(r.nll_joint, r.nll_joint_std, '7.3f'):>19}   {_pm(r.cond_mean, r.cond_mean_std, '9.1f'):>21}  "
            f"{_pm(r.cond_p90, r.cond_p90_std, '9.1f'):>21}"
        )
    cmp = gaussian_vs_zero(rows)
    if cmp:
        lines.append(f"'Gaussian padding gives better conditioned flows than zero padding': {cmp['verdict']} here "
                     f"(mean condition number {cmp['gaussian_cond_mean']:.1f} against {cmp['zero_cond_mean']:.1f}, "
                     f"ratio {cmp['ratio']:.1f})")
    lines.append("NLL data: -log p(x) (none), importance-sampled marginal with K = 16 (gaussian; biased upward); "
                 "undefined where the padding has no density (zero, clipped). cond: dx/dz at test points.")
    return "\n".join(lines)


def plot(rows: Sequence[PaddingRow], path: str) -> None:
    from ..extras import pyplot

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(6, 3.5))
    kinds = [r.kind for r in rows]
    ax.bar(kinds, [r.cond_mean for r in rows], yerr=[r.cond_mean_std for r in rows], capsize=4, label="mean")
    ax.plot(kinds, [r.cond_p90 for r in rows], "ko", label="90th percentile")
    ax.set(yscale="log", ylabel="condition number of dx/dz", title=f"{rows[0].data}: {rows[0].seeds} seeds")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
