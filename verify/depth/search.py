r"""``search``: look for matrices that ``k <= 2`` pairs cannot represent, and certify them.

For each sample ``T`` of a family, the depth solver (:func:`verify.depth.depth` with
``max_k = 2``) looks for a ``k <= 2`` decomposition. A sample where none is found is a
*candidate*; it is *certified* when an obstruction of :mod:`verify.theorem3.obstructions` or an LP
certificate of :mod:`verify.theorem3.lp` (tried on candidates only) applies (then no
``k <= 2`` decomposition exists, whatever the solver does) and *uncertified* otherwise (the
solver's failure proves nothing). A certified sample on which the solver *does* find ``k <= 2`` is
a contradiction -- a bug in one of the two -- and is counted separately; it must stay 0.

Families (``2d x 2d``, from ``numpy.random.default_rng(seed)``; floats enter exactly):

* ``gaussian``, ``orthogonal``, ``permutation``, ``wishart`` -- as in :mod:`verify.depth.survey`;
* ``rotation`` -- ``d`` plane rotations by uniform angles, each mixing coordinate ``i`` with
  ``d + pi(i)`` for a uniform permutation ``pi``;
* ``block-zero`` -- Gaussian with one of the four ``d x d`` blocks (uniformly chosen) set to 0;
* ``sign`` -- independent uniform ``+-1`` entries (a sign pattern);
* ``trace-cone`` -- Gaussian conditioned on ``diag T_{11} > 0`` (entries replaced by their absolute
  values), the half of the trace obstruction a flow-like ``T`` meets most easily.

In the positive regime a sample with ``det < 0`` has its first row negated; singular samples
(possible for ``sign`` and ``permutation``-like data) are redrawn.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

import numpy as np

from ..io.matrix import as_matrix
from ..theorem3.certificate import as_json, certify
from ..theorem3.lp import lp_certificate
from ..vocabulary import Regime
from .minimal import depth
from .survey import ENSEMBLES as SURVEY_ENSEMBLES
from .survey import sample as survey_sample

FAMILIES = SURVEY_ENSEMBLES + ("rotation", "block-zero", "sign", "trace-cone")


def draw(family: str, d: int, rng: np.random.Generator) -> np.ndarray:
    """One sample of ``family`` (module docstring)."""
    n = 2 * d
    if family in SURVEY_ENSEMBLES:
        return survey_sample(family, d, rng)
    if family == "rotation":
        T = np.eye(n)
        pi = rng.permutation(d)
        for i, theta in enumerate(rng.uniform(0, 2 * np.pi, d)):
            j = d + int(pi[i])
            c, s = np.cos(theta), np.sin(theta)
            T[[i, j], :] = np.array([[c, -s], [s, c]]) @ T[[i, j], :]
        return T
    if family == "block-zero":
        T = rng.standard_normal((n, n))
        r, c = divmod(int(rng.integers(4)), 2)
        T[r * d:(r + 1) * d, c * d:(c + 1) * d] = 0.0
        return T
    if family == "sign":
        return rng.choice([-1.0, 1.0], size=(n, n))
    if family == "trace-cone":
        T = rng.standard_normal((n, n))
        T[range(d), range(d)] = np.abs(T[range(d), range(d)])
        return T
    raise ValueError(f"unknown family {family!r}; use one of {', '.join(FAMILIES)}")


@dataclass
class Candidate:
    index: int
    T: list[list[Fraction]]
    certificate: Optional[dict]
    best_residual: Optional[float]


@dataclass
class SearchResult:
    family: str
    d: int
    regime: str
    samples: int
    seed: int
    k_le_2_found: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    contradictions: list[int] = field(default_factory=list)
    redrawn_singular: int = 0
    resumed: int = 0
    seconds: float = 0.0

    @property
    def certified(self) -> int:
        return sum(1 for c in self.candidates if c.certificate is not None)

    @property
    def uncertified(self) -> int:
        return len(self.candidates) - self.certified


def _decide(M: Any, index: int, regime: str, starts: int, seed: int) -> dict[str, Any]:
    """One sample: ``{"found": the solver found k <= 2, "best_residual": its best residual on a
    candidate, "certificate": ..., "contradiction": found although certified}``."""
    result = depth(M, regime, max_k=2, starts=starts, seed=seed + index, certificates=False)
    found = result.k_min is not None
    k2 = result.per_k.get(2)
    return {"found": found, "best_residual": None if found or k2 is None else k2.residual,
            **_certificates(M, regime, found)}


def _certificates(M: Any, regime: str, found: bool) -> dict[str, Any]:
    """``{"certificate", "contradiction"}`` of a sample: an obstruction, or for a candidate (no k <= 2
    found) the LP certificates (proofs/theorem3.md, Lemma 6) where the obstructions are silent."""
    cert, _ = certify(M, regime)
    if found:
        return {"certificate": None, "contradiction": cert is not None}
    if cert is None:
        cert, _ = lp_certificate(M.rows, regime, Tinv=M.inverse)
    return {"certificate": cert, "contradiction": False}


def search(d: int, family: str, samples: int, *, regime: str = "positive", seed: int = 0, starts: int = 8,
           progress: Any = None, resume: Any = None) -> SearchResult:
    """Run the search (module docstring). ``progress``, if given, is updated once per sample.
    ``resume``: a JSON-lines file that receives each sample's outcome as it finishes (after a first
    line with the search's settings); run again with the same file, the samples already there are not
    recomputed by the solver (the family is still drawn in order, so the result is the same as one
    uninterrupted run; a line is used only for the matrix whose hash it carries, and its certificates
    are derived again, never read from the file)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; use one of {', '.join(FAMILIES)}")
    done: dict[int, dict[str, Any]] = {}
    journal = None
    if resume is not None:
        from .journal import open_journal

        header = {"search": 1, "d": d, "family": family, "samples": samples, "regime": regime, "seed": seed,
                  "starts": starts}
        done, journal = open_journal(resume, header, "search")
    try:
        return _search(d, family, samples, regime, seed, starts, progress, done, journal)
    finally:
        if journal is not None:
            journal.close()


def _search(d: int, family: str, samples: int, regime: str, seed: int, starts: int, progress: Any,
            done: dict[int, dict[str, Any]], journal: Any) -> SearchResult:
    from .journal import digest, recall, write

    rng = np.random.default_rng(seed)
    out = SearchResult(family, d, regime, samples, seed)
    t0 = time.perf_counter()
    for index in range(samples):
        while True:
            T = draw(family, d, rng)
            sign, _ = np.linalg.slogdet(T)
            if sign != 0:
                break
            out.redrawn_singular += 1
        if regime == Regime.POSITIVE and sign < 0:
            T[0] = -T[0]
        M = as_matrix(T, source="search")
        x = recall(done, index, T, {"found", "best_residual"})
        if x is None:
            x = _decide(M, index, regime, starts, seed)
            if journal is not None:
                write(journal, index, {"T": digest(T), "found": x["found"], "best_residual": x["best_residual"]})
        else:  # the solver's outcome comes from the journal; certificates are never read from a file
            out.resumed += 1
            x = {**x, **_certificates(M, regime, x["found"])}
        if x["found"]:
            out.k_le_2_found += 1
            if x["contradiction"]:
                out.contradictions.append(index)
        else:
            out.candidates.append(Candidate(index, M.rows, x["certificate"], x["best_residual"]))
        if progress is not None:
            progress.update(1)
    out.seconds = time.perf_counter() - t0
    return out


def search_table(r: SearchResult) -> str:
    head = f"{'family':>12} {'d':>3} {'regime':>8} {'samples':>7} {'k<=2 found':>10} {'candidates':>10} " \
           f"{'certified':>9} {'uncertified':>11} {'contradictions':>14} {'seconds':>8}"
    row = f"{r.family:>12} {r.d:>3} {r.regime:>8} {r.samples:>7} {r.k_le_2_found:>10} {len(r.candidates):>10} " \
          f"{r.certified:>9} {r.uncertified:>11} {len(r.contradictions):>14} {r.seconds:>8.1f}"
    lines = [head, row]
    kinds: dict[str, int] = {}
    for c in r.candidates:
        if c.certificate is not None:
            kind = c.certificate["type"] + (
                f" ({c.certificate['witness']['kind']})" if "witness" in c.certificate else ""
            )
            kinds[kind] = kinds.get(kind, 0) + 1
    if kinds:
        lines.append("certificates: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    if r.uncertified:
        lines.append(
            "uncertified candidates: the solver found no k <= 2, and no obstruction or LP certificate applies -- "
            "open (they may still be k = 2)"
        )
    if r.resumed:
        lines.append(f"{r.resumed} samples' solver outcomes were read from the resume journal (certificates derived "
                     "again)")
    if r.contradictions:
        lines.append(f"CONTRADICTION: certified samples {r.contradictions} were decomposed with k <= 2")
    return "\n".join(lines)


def search_json(r: SearchResult) -> dict[str, Any]:
    return {"family": r.family, "d": r.d, "regime": r.regime, "samples": r.samples, "seed": r.seed,
            "k_le_2_found": r.k_le_2_found, "candidates": len(r.candidates), "certified": r.certified,
            "uncertified": r.uncertified, "contradictions": r.contradictions,
            "redrawn_singular": r.redrawn_singular, "resumed": r.resumed, "seconds": round(r.seconds, 3),
            "candidate_list": [{"index": c.index, "certificate": as_json(c.certificate),
                                "best_residual": c.best_residual, "T": [[str(x) for x in row] for row in c.T]}
                               for c in r.candidates]}
