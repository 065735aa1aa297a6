"""``verify theorem1`` and ``verify kl`` from the installed command: JSON schema, plot, bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from .helpers import assert_input_error, run


def test_theorem1_json_and_plot(tmp_path) -> None:
    png = tmp_path / "t1.png"
    r = run("theorem1", "--target", "two-boxes", "--h", 0.2, 0.1, "--eps", 1e-3, "--samples", 300, "--seeds", 2,
            "--cond-points", 50, "--json", "--plot", png)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["target"] == "two-boxes" and out["n"] == 2 and len(out["rows"]) == 2
    for row in out["rows"]:
        for key in ("h", "eps", "bound", "w2_mean", "w2_std", "w2_floor", "cell_mass_error", "cond_median",
                    "cond_max"):
            assert isinstance(row[key], float), key
        assert row["w2_mean"] <= row["bound"] + row["w2_floor"] + 3 * row["w2_floor_std"]
        assert row["coupling_rms"] <= row["coupling_bound"]
    assert out["rows"][1]["bound"] < out["rows"][0]["bound"]
    assert png.stat().st_size > 10_000


def test_theorem1_histogram_text(tmp_path) -> None:
    hist = tmp_path / "h.npy"
    np.save(hist, np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0], [1.0, 1.0, 0.0]]))
    r = run("theorem1", "--target", hist, "--h", 0.5, 0.25, "--samples", 200, "--seeds", 1, "--cond-points", 20)
    assert r.returncode == 0, r.stderr
    assert "target h.npy (n = 2)" in r.stdout and "log-log slope" in r.stdout


@pytest.mark.parametrize("args", [["--h", 0.3], ["--h", 0], ["--eps", 2], ["--eps", 0], ["--target", "circle"],
                                  ["--samples", 1], ["--seeds", 0], ["--target", "missing.npy"], ["--h", "x"],
                                  ["--plot", "/no/such/dir/p.png"]])
def test_theorem1_bad_input(args) -> None:
    assert_input_error(run("theorem1", *args))


@pytest.mark.parametrize("content", [np.ones((2, 2, 2)), np.array([[1.0, -1.0]]), np.array([[np.nan, 1.0]])])
def test_theorem1_bad_histogram(tmp_path, content) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, content)
    assert_input_error(run("theorem1", "--target", path))


def test_kl_json(tmp_path) -> None:
    r = run("kl", "--d", 2, "--pairs", 1, 2, "--samples", 500, "--seeds", 2, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["d"] == 2 and [row["k"] for row in out["rows"]] == [1, 2]
    for row in out["rows"]:
        assert row["method"] == "L-BFGS" and isinstance(row["kl"], float) and isinstance(row["steps"], int)
        assert abs(row["kl"] - row["floor"]) < 1e-6  # L-BFGS reaches the sample optimum
    assert out["single_pair"]["status"] == "ok" and out["single_pair"]["kl"] < 1e-12


def test_kl_sigma_file_text(tmp_path) -> None:
    path = tmp_path / "s.npy"
    np.save(path, np.array([[2.0, 0.5], [0.5, 1.0]]))
    r = run("kl", "--sigma", path, "--pairs", 1, "--methods", "Adam", "--samples", 200, "--seeds", 1)
    assert r.returncode == 0, r.stderr
    assert "Adam" in r.stdout and "one-pair construction" in r.stdout


@pytest.mark.parametrize(
    "matrix", [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.5], [0.0, 1.0]], [[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]]
)
def test_kl_bad_sigma(tmp_path, matrix) -> None:
    path = tmp_path / "s.npy"
    np.save(path, np.array(matrix))
    assert_input_error(run("kl", "--sigma", path))


@pytest.mark.parametrize("args", [["--pairs", 0], ["--samples", 0], ["--d", 0], ["--cond", 0.5], ["--methods", "SGD"]])
def test_kl_bad_args(args) -> None:
    assert_input_error(run("kl", *args))


def test_theorem4_json(tmp_path) -> None:
    png = tmp_path / "t4.png"
    r = run("theorem4", "--d", 2, "--k", 3, "--depths", 1, 2, "--samples", 300, "--seeds", 1, "--steps", 100,
            "--hidden", 8, "--json", "--plot", png)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["d"] == 2 and out["k"] == 3 and [row["depth"] for row in out["rows"]] == [1, 2]
    assert out["generator"]["depth"] == 3 and out["theorem_bounds"]["w1"] == 20.0
    for row in out["rows"]:
        assert isinstance(row["w1_mean"], float) and isinstance(row["kl_q_f"], float) and row["w1_floor"] > 0
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("args", [["--d", 1], ["--k", 0], ["--depths", 0], ["--gamma", 0], ["--samples", 1],
                                  ["--steps", 0], ["--plot", "/no/such/dir/p.png"]])
def test_theorem4_bad_input(args) -> None:
    assert_input_error(run("theorem4", *args))


def test_padding_json(tmp_path) -> None:
    png = tmp_path / "p.png"
    r = run("padding", "--data", "circles", "--kinds", "none", "zero", "gaussian", "--seeds", 2, "--samples", 300,
            "--layers", 2, "--hidden", 8, "--steps", 100, "--json", "--plot", png)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [row["kind"] for row in out["rows"]] == ["none", "zero", "gaussian"]
    assert out["rows"][1]["nll_data"] is None and isinstance(out["rows"][0]["nll_data"], float)
    assert out["gaussian_vs_zero"]["verdict"] in ("holds", "reversed", "not resolved by these seeds")
    assert png.stat().st_size > 5_000


@pytest.mark.parametrize("args", [["--data", "mnist"], ["--kinds", "uniform"], ["--seeds", 0], ["--steps", 0],
                                  ["--plot", "/no/such/dir/p.png"]])
def test_padding_bad_input(args) -> None:
    assert_input_error(run("padding", *args))
