"""verify survey: reproducible for a seed, counts that add up, and a plot file."""
from __future__ import annotations

import json

import numpy as np

from verify.depth.survey import sample, survey, survey_json

from .test_cli import run


def test_survey_reproducible_and_consistent():
    a = survey([1, 2], "gaussian", 6, seed=3, starts=4)
    b = survey([1, 2], "gaussian", 6, seed=3, starts=4)
    assert survey_json(a, "gaussian", "positive", 3) == survey_json(b, "gaussian", "positive", 3)
    for row in a:
        assert sum(row.k_min.values()) == row.samples
        assert row.k2_certified + row.k2_numerical <= row.k_min["2"]


def test_permutation_ensemble_k1_exactly_when_T11_is_diagonal_positive():
    rows = survey([2], "permutation", 12, seed=5, starts=3)
    rng = np.random.default_rng(5)
    expected_k1 = 0
    for _ in range(12):
        T = sample("permutation", 2, rng)
        rng.integers(2**31)  # the survey draws a seed per sample
        if np.linalg.slogdet(T)[0] < 0:
            T[0] *= -1
        T11 = T[:2, :2]
        S = T[2:, 2:] - T[2:, :2] @ np.linalg.pinv(T11) @ T[:2, 2:] if np.all(np.diag(T11) > 0) else None
        if (np.count_nonzero(T11 - np.diag(np.diag(T11))) == 0 and np.all(np.diag(T11) > 0)
                and np.count_nonzero(S - np.diag(np.diag(S))) == 0 and np.all(np.diag(S) > 0)):
            expected_k1 += 1
    assert rows[0].k_min["1"] == expected_k1


def test_survey_cli_json_and_plot(tmp_path):
    png = tmp_path / "s.png"
    r = run("survey", "--d", "1", "--samples", "4", "--seed", "2", "--json", "--plot", png)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["rows"][0]["samples"] == 4 and png.stat().st_size > 1000
