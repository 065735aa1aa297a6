r"""``survey``: how often random matrices need k = 1, 2, 3 pairs, with every count proved.

Ensembles of ``2d x 2d`` matrices, drawn from ``numpy.random.default_rng(seed)`` in the calling
process (so a survey is reproducible for a seed, however many processes or machines run it):

* ``gaussian`` -- i.i.d. N(0, 1) entries;
* ``uniform`` -- i.i.d. uniform entries on [-1, 1];
* ``orthogonal`` -- Haar orthogonal (QR of a Gaussian matrix with the sign fix);
* ``permutation`` -- uniform permutation matrices;
* ``wishart`` -- ``G G^T / 2d`` for Gaussian ``G`` (symmetric positive definite).

In the positive regime a sample with ``det < 0`` has its first row negated (the ensemble is
conditioned on ``det > 0``, where the question makes sense); the signed regime takes samples as
drawn. Floats enter the solver exactly (as binary rationals).

Each sample is decided by :func:`verify.depth.depth`: a count under ``k_min = K`` means *proved*
(a ``K``-pair decomposition exact or certified, every smaller ``k`` impossible by an exact criterion,
an obstruction or an LP certificate). A sample that is not proved either way is counted as
``undecided`` and never silently assigned. The probabilities are estimates: Clopper-Pearson
intervals, widened to cover every way the undecided samples could fall.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any, Iterator, Optional

import numpy as np

from ..vocabulary import Regime
from .minimal import depth

ENSEMBLES = ("gaussian", "uniform", "orthogonal", "permutation", "wishart")
KS = ("1", "2", "3")


def sample(ensemble: str, d: int, rng: np.random.Generator) -> np.ndarray:
    n = 2 * d
    if ensemble == "gaussian":
        return rng.standard_normal((n, n))
    if ensemble == "uniform":
        return rng.uniform(-1.0, 1.0, (n, n))
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
class Decision:
    """What :func:`decide` found for one sample."""

    d: int
    k_min: Optional[int]
    proved: bool
    k2_status: str
    certificate: Optional[str]  # the k = 2 impossibility certificate's type
    lp_degree: Optional[int]  # the LP certificate's degree, or the highest degree tried when undecided
    seconds: float


def decide(T: np.ndarray, regime: str, starts: int, seed: int) -> Decision:
    """:func:`verify.depth.depth` on one sample, reduced to what the survey counts (a module-level
    function, so that worker processes and Dask workers can run it)."""
    t0 = time.perf_counter()
    r = depth(T.tolist(), regime=regime, max_k=3, starts=starts, seed=seed)
    two = r.per_k.get(2)
    cert = two.certificate["type"] if two is not None and two.certificate else None
    degree = None
    if cert == "lp":
        degree = max(p["degree"] for p in two.certificate["patterns"])
    elif two is not None and two.lp_degree is not None:
        degree = two.lp_degree
    return Decision(T.shape[0] // 2, r.k_min, r.proved_minimal, two.status if two else "", cert, degree,
                    time.perf_counter() - t0)


@dataclass
class SurveyRow:
    d: int
    samples: int
    proved: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KS})  # k_min proved -> count
    undecided: int = 0
    certificates: dict[str, int] = field(default_factory=dict)  # k = 2 impossibility: type -> count
    lp_degrees: dict[int, int] = field(default_factory=dict)  # degree of the LP certificates used -> count
    undecided_lp_degrees: list[int] = field(default_factory=list)  # the LP degree tried, per undecided sample
    seconds: list[float] = field(default_factory=list)
    resumed: int = 0  # decisions read from a --resume journal (their proofs ran in the earlier run)

    def interval(self, k: str, level: float = 0.95) -> tuple[float, float, float]:
        """``(estimate, low, high)`` for ``P(k_min = k)``: the proved fraction, and a Clopper-Pearson
        ``level`` interval that holds however the undecided samples fall (low from the proved count,
        high from the proved count plus every undecided one)."""
        from scipy.stats import beta

        n, a = self.samples, self.proved[k]
        b = a + self.undecided
        alpha = 1 - level
        lo = 0.0 if a == 0 else float(beta.ppf(alpha / 2, a, n - a + 1))
        hi = 1.0 if b == n else float(beta.ppf(1 - alpha / 2, b + 1, n - b))
        return a / n, lo, hi


def tasks(ds: list[int], ensemble: str, samples: int, regime: str, seed: int) -> list[tuple[np.ndarray, int]]:
    """Every sample and its solver seed, drawn in order from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    out = []
    for d in ds:
        for _ in range(samples):
            T = sample(ensemble, d, rng)
            if regime == Regime.POSITIVE and np.linalg.slogdet(T)[0] < 0:
                T[0] *= -1
            out.append((T, int(rng.integers(2**31))))
    return out


def _run(work: list[tuple[int, np.ndarray, int]], regime: str, starts: int, jobs: int, dask: Optional[str]
         ) -> Iterator[tuple[int, Decision]]:
    """``(index, decision)`` for every ``(index, T, seed)`` of ``work`` as each finishes: in this process,
    in ``jobs`` processes (joblib), or as tasks on the Dask scheduler at ``dask``."""
    if dask is not None:
        from ..extras import require

        distributed = require("distributed", "dask", "a survey on a Dask scheduler")
        Client, as_completed = distributed.Client, distributed.as_completed
        with Client(dask) as client:
            futures = client.map(decide, [T for _, T, _ in work], [regime] * len(work), [starts] * len(work),
                                 [s for _, _, s in work], pure=False)
            index = {f.key: i for (i, _, _), f in zip(work, futures)}
            for f in as_completed(futures):
                yield index[f.key], f.result()
        return
    if jobs == 1:
        for i, T, s in work:
            yield i, decide(T, regime, starts, s)
        return
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=jobs, return_as="generator")
    yield from zip([i for i, _, _ in work], par(delayed(decide)(T, regime, starts, s) for _, T, s in work))


def survey(ds: list[int], ensemble: str, samples: int, *, regime: str = "positive", seed: int = 0,
           starts: int = 8, progress: Any = None, jobs: int = 1, dask: Optional[str] = None,
           resume: Any = None) -> list[SurveyRow]:
    """For each ``d``: how many samples have ``k_min = 1, 2, 3`` *proved*, and how many are undecided
    (module docstring). ``jobs``: worker processes (joblib); ``dask``: a scheduler address
    (``tcp://host:port``) to run the samples on instead. The result is the same for a seed however it
    is run. ``resume``: a JSON-lines file that receives each decision as it finishes (after a first line
    with the survey's settings); run again with the same file, the samples already there are not
    recomputed, so an interrupted survey keeps what it finished. A line is used only for the matrix
    whose hash it carries; the journal records decisions, not their proofs, so each row says how many
    of its decisions were read from the file (``resumed``)."""
    if ensemble not in ENSEMBLES:
        raise ValueError(f"unknown ensemble {ensemble!r}; use one of {', '.join(ENSEMBLES)}")
    if jobs < 1:
        raise ValueError("jobs must be >= 1")
    work = [(i, T, s) for i, (T, s) in enumerate(tasks(ds, ensemble, samples, regime, seed))]
    done: dict[int, Decision] = {}
    resumed: set[int] = set()
    journal = None
    if resume is not None:
        from dataclasses import asdict

        from .journal import digest, open_journal, recall, write

        header = {"survey": 1, "ds": list(ds), "ensemble": ensemble, "samples": samples, "regime": regime,
                  "seed": seed, "starts": starts}
        rows_done, journal = open_journal(resume, header, "survey")
        names = {f.name for f in fields(Decision)}
        for i, T, _ in work:
            row = recall(rows_done, i, T, names)
            if row is not None:
                try:
                    done[i] = Decision(**row)
                except TypeError:  # a value of another layout: that sample is done again
                    continue
                resumed.add(i)
    try:
        for i, x in _run([w for w in work if w[0] not in done], regime, starts, jobs, dask):
            done[i] = x
            if journal is not None:
                write(journal, i, {"T": digest(work[i][1]), **asdict(x)})
            if progress is not None:
                progress.update(1)
    finally:
        if journal is not None:
            journal.close()
    rows = {d: SurveyRow(d, samples) for d in ds}
    for i, _, _ in work:
        x = done[i]
        row = rows[x.d]
        row.resumed += i in resumed
        row.seconds.append(x.seconds)
        if x.proved and x.k_min is not None:
            row.proved[str(x.k_min)] += 1
        else:
            row.undecided += 1
            if x.lp_degree is not None:
                row.undecided_lp_degrees.append(x.lp_degree)
        if x.certificate is not None:
            row.certificates[x.certificate] = row.certificates.get(x.certificate, 0) + 1
            if x.certificate == "lp" and x.lp_degree is not None:
                row.lp_degrees[x.lp_degree] = row.lp_degrees.get(x.lp_degree, 0) + 1
    return [rows[d] for d in ds]


def survey_table(rows: list[SurveyRow], ensemble: str, regime: str) -> str:
    out = [f"ensemble {ensemble}, {regime} regime: samples by minimal depth, every count proved",
           f"{'d':>3} {'samples':>8} {'k=1':>5} {'k=2':>5} {'k=3':>5} {'undecided':>9}   "
           f"{'P(k_min = 3), 95% interval':>28} {'k=2 impossible by':>28} {'s/matrix':>9}"]
    for r in rows:
        est, lo, hi = r.interval("3")
        how = ", ".join(f"{k} {v}" for k, v in sorted(r.certificates.items())) or "-"
        if r.lp_degrees:
            how += " (degree " + ", ".join(f"{k}: {v}" for k, v in sorted(r.lp_degrees.items())) + ")"
        out.append(f"{r.d:>3} {r.samples:>8} {r.proved['1']:>5} {r.proved['2']:>5} {r.proved['3']:>5} "
                   f"{r.undecided:>9}   {est:>8.3f} [{lo:.3f}, {hi:.3f}]{'':>6} {how:>28} "
                   f"{float(np.median(r.seconds)) if r.seconds else 0.0:>9.2f}")
    out.append("Each count is proved (exact, Krawczyk-certified, or an impossibility certificate); undecided samples "
               "are neither, and the intervals cover every way they could fall. The probabilities are estimates.")
    resumed = sum(r.resumed for r in rows)
    if resumed:
        out.append(f"{resumed} decisions were read from the resume journal (proved when that run wrote them), "
                   "the rest computed now.")
    return "\n".join(out)


def survey_json(rows: list[SurveyRow], ensemble: str, regime: str, seed: int) -> dict[str, Any]:
    return {
        "ensemble": ensemble,
        "regime": regime,
        "seed": seed,
        "rows": [
            {
                "d": r.d,
                "samples": r.samples,
                "proved": dict(r.proved),
                "undecided": r.undecided,
                "probability": {k: dict(zip(("estimate", "low", "high"), r.interval(k))) for k in KS},
                "certificates": r.certificates,
                "lp_degrees": {str(k): v for k, v in sorted(r.lp_degrees.items())},
                "undecided_lp_degrees": r.undecided_lp_degrees,
                "resumed": r.resumed,
                "seconds_median": round(float(np.median(r.seconds)), 3) if r.seconds else None,
                "seconds_max": round(max(r.seconds), 3) if r.seconds else None,
            }
            for r in rows
        ],
    }


def survey_plot(rows: list[SurveyRow], ensemble: str, regime: str, path: Any) -> None:
    from ..extras import pyplot

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(rows))
    bottom = np.zeros(len(rows))
    for key, label in (("1", "k = 1 (proved)"), ("2", "k = 2 (proved)"), ("3", "k = 3 (proved)")):
        vals = np.array([r.proved[key] / r.samples for r in rows])
        ax.bar(x, vals, bottom=bottom, label=label)
        bottom += vals
    und = np.array([r.undecided / r.samples for r in rows])
    if und.any():
        ax.bar(x, und, bottom=bottom, label="undecided", color="lightgrey", hatch="//")
    ax.set_xticks(x, [f"d = {r.d}" for r in rows])
    ax.set_ylabel("fraction of samples")
    ax.set_title(f"minimal depth, {ensemble}, {regime} regime")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
