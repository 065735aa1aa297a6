"""``survey``: how often random matrices need k = 1, 2, 3 pairs (with the depth solver's evidence).

Ensembles of ``2d x 2d`` matrices, each drawn from ``numpy.random.default_rng(seed)`` (so a
survey is reproducible for a seed):

* ``gaussian`` -- i.i.d. N(0, 1) entries;
* ``orthogonal`` -- Haar orthogonal (QR of a Gaussian matrix with the sign fix);
* ``permutation`` -- uniform permutation matrices;
* ``wishart`` -- ``G G^T / 2d`` for Gaussian ``G`` (symmetric positive definite).

In the positive regime a sample with ``det < 0`` has its first row negated (the ensemble is
conditioned on ``det > 0``, where the question makes sense); the signed regime takes samples as
drawn. Floats enter the solver exactly (as binary rationals).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .minimal import depth

ENSEMBLES = ("gaussian", "orthogonal", "permutation", "wishart")


def sample(ensemble: str, d: int, rng: np.random.Generator) -> np.ndarray:
    n = 2 * d
    if ensemble == "gaussian":
        return rng.standard_normal((n, n))
    if ensemble == "orthogonal":
        Q, R = np.linalg.qr(rng.standard_normal((n, n)))
        return Q * np.sign(np.diag(R))[None, :]
    if ensemble == "permutation":
        return np.eye(n)[rng.permutation(n)]
    if ensemble == "wishart":
        G = rng.standard_normal((n, n))
        return G @ G.T / n
    raise ValueError(f"unknown ensemble {ensemble!r}; use one of {', '.join(ENSEMBLES)}")


@dataclass
class SurveyRow:
    d: int
    samples: int
    k_min: dict[str, int] = field(default_factory=dict)  # "1", "2", "3", "none" -> count
    k2_certified: int = 0
    k2_numerical: int = 0


def survey(ds: list[int], ensemble: str, samples: int, *, regime: str = "positive", seed: int = 0,
           starts: int = 8, progress: Any = None) -> list[SurveyRow]:
    """For each ``d``: the distribution of the minimal depth found (``k = 3`` is always available,
    so a row's ``"3"`` count means k = 1 is impossible and k = 2 was *not found* -- not proved
    impossible)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in ds:
        row = SurveyRow(d, samples, {"1": 0, "2": 0, "3": 0, "none": 0})
        for _ in range(samples):
            T = sample(ensemble, d, rng)
            if regime == "positive" and np.linalg.slogdet(T)[0] < 0:
                T[0] *= -1
            r = depth(T.tolist(), regime=regime, max_k=3, starts=starts, seed=int(rng.integers(2**31)))
            key = str(r.k_min) if r.k_min is not None else "none"
            row.k_min[key] = row.k_min.get(key, 0) + 1
            if r.k_min == 2:
                row.k2_certified += r.per_k[2].status == "certified"
                row.k2_numerical += r.per_k[2].status == "numerical"
            if progress is not None:
                progress.update(1)
        rows.append(row)
    return rows


def survey_table(rows: list[SurveyRow], ensemble: str, regime: str) -> str:
    out = [f"ensemble {ensemble}, {regime} regime: fraction of samples by minimal depth found",
           f"{'d':>3} {'samples':>8} {'k=1':>7} {'k=2':>7} {'(certified)':>12} {'k=3':>7}"]
    for r in rows:
        f = {k: v / r.samples for k, v in r.k_min.items()}
        out.append(f"{r.d:>3} {r.samples:>8} {f.get('1', 0):>7.3f} {f.get('2', 0):>7.3f} "
                   f"{r.k2_certified:>12d} {f.get('3', 0):>7.3f}")
    out.append("k = 3 means: k = 1 impossible (exact) and no k = 2 solution found -- not a proof that none exists.")
    return "\n".join(out)


def survey_json(rows: list[SurveyRow], ensemble: str, regime: str, seed: int) -> dict[str, Any]:
    return {"ensemble": ensemble, "regime": regime, "seed": seed,
            "rows": [{"d": r.d, "samples": r.samples, "k_min": r.k_min, "k2_certified": r.k2_certified,
                      "k2_numerical": r.k2_numerical} for r in rows]}


def survey_plot(rows: list[SurveyRow], ensemble: str, regime: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(rows))
    bottom = np.zeros(len(rows))
    for key, label in (("1", "k = 1"), ("2", "k = 2"), ("3", "k = 3 (k = 2 not found)")):
        vals = np.array([r.k_min.get(key, 0) / r.samples for r in rows])
        ax.bar(x, vals, bottom=bottom, label=label)
        bottom += vals
    ax.set_xticks(x, [f"d = {r.d}" for r in rows])
    ax.set_ylabel("fraction of samples")
    ax.set_title(f"minimal depth, {ensemble}, {regime} regime")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
