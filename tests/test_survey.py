"""verify survey: reproducible for a seed, counts that add up, and a plot file."""
from __future__ import annotations

import json

import numpy as np
import pytest

from verify.depth import depth
from verify.depth.survey import SurveyRow, sample, survey, tasks

from .helpers import run


def _counts(rows):
    return [(r.d, r.proved, r.undecided, r.certificates, r.lp_degrees) for r in rows]


def test_survey_reproducible_and_consistent():
    a = survey([1, 2], "gaussian", 6, seed=3, starts=4)
    b = survey([1, 2], "gaussian", 6, seed=3, starts=4)
    assert _counts(a) == _counts(b)
    for row in a:
        assert sum(row.proved.values()) + row.undecided == row.samples
        assert len(row.seconds) == row.samples
        for k in ("1", "2", "3"):
            est, lo, hi = row.interval(k)
            assert 0 <= lo <= est <= hi <= 1


def test_the_same_survey_in_two_processes():
    assert _counts(survey([2], "uniform", 4, seed=8, starts=3, jobs=2)) == _counts(survey([2], "uniform", 4, seed=8,
                                                                                            starts=3))


def test_the_same_survey_on_a_dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        on_cluster = survey([2], "orthogonal", 3, seed=4, starts=3, dask=c.scheduler_address)
    assert _counts(on_cluster) == _counts(survey([2], "orthogonal", 3, seed=4, starts=3))


def test_every_count_is_a_proof():
    """A survey counts a sample under k_min = K only when depth proved it; here every d = 2 Gaussian
    sample is either trace-certified k = 3 or certified k = 2 (k = 1 is impossible almost surely)."""
    rows = survey([2], "gaussian", 8, seed=1, starts=3)
    for T, seed in tasks([2], "gaussian", 8, "positive", 1):
        r = depth(T.tolist(), starts=3, seed=seed)
        assert r.proved_minimal
    assert rows[0].proved["2"] + rows[0].proved["3"] == 8 and rows[0].undecided == 0


def test_interval_widens_for_undecided():
    row = SurveyRow(3, 10, {"1": 0, "2": 6, "3": 2}, undecided=2)
    est, lo, hi = row.interval("3")
    assert est == 0.2
    wide = row.interval("3")[2]
    narrow = SurveyRow(3, 10, {"1": 0, "2": 8, "3": 2}, undecided=0).interval("3")[2]
    assert wide > narrow


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
    assert rows[0].proved["1"] == expected_k1


def test_survey_cli_json_and_plot(tmp_path):
    png = tmp_path / "s.png"
    r = run("survey", "--d", "1", "--samples", "4", "--seed", "2", "--json", "--plot", png)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["rows"][0]["samples"] == 4 and png.stat().st_size > 1000


def test_progress_shows_on_a_terminal_under_json_too(capsys):
    """The bar goes to stderr whenever stderr is a terminal; --json output on stdout stays clean."""
    import contextlib
    import io

    from verify.cli import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err, out = Terminal(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        assert main(["survey", "--d", "1", "--samples", "3", "--json"]) == 0
    assert "3/3" in err.getvalue()
    assert json.loads(out.getvalue())["rows"][0]["samples"] == 3


def test_an_interrupted_survey_resumes_where_it_stopped(tmp_path, monkeypatch):
    import verify.depth.survey as sv

    journal = tmp_path / "s.jsonl"
    full = survey([1, 2], "gaussian", 3, seed=5, starts=3, resume=journal)
    lines = journal.read_text().splitlines()
    assert len(lines) == 1 + 6 and json.loads(lines[0])["seed"] == 5
    journal.write_text("\n".join(lines[:3]) + "\n" + lines[3][:10])  # stopped during the third sample
    calls = []
    real = sv.decide
    monkeypatch.setattr(sv, "decide", lambda *a: calls.append(1) or real(*a))
    again = survey([1, 2], "gaussian", 3, seed=5, starts=3, resume=journal)
    assert len(calls) == 4 and _counts(again) == _counts(full)
    assert sum(r.resumed for r in again) == 2 and sum(r.resumed for r in full) == 0
    # a line is used only for the matrix it was computed for: a line moved to another index is redone
    lines = journal.read_text().splitlines()
    swapped = [json.loads(x) for x in lines[1:3]]
    swapped[0]["index"], swapped[1]["index"] = swapped[1]["index"], swapped[0]["index"]
    journal.write_text("\n".join([lines[0]] + [json.dumps(x) for x in swapped]) + "\n")
    calls.clear()
    survey([1, 2], "gaussian", 3, seed=5, starts=3, resume=journal)
    assert len(calls) == 6
    with pytest.raises(ValueError, match="another survey"):
        survey([1, 2], "gaussian", 3, seed=6, starts=3, resume=journal)


def test_an_interrupted_search_resumes_and_derives_its_certificates_again(tmp_path, monkeypatch):
    import verify.depth.search as se
    from verify.depth.search import search, search_json

    journal = tmp_path / "s.jsonl"
    full = search(2, "trace-cone", 4, seed=1, starts=3, resume=journal)
    lines = journal.read_text().splitlines()
    assert len(lines) == 1 + 4 and json.loads(lines[0])["family"] == "trace-cone"
    assert all("certificate" not in json.loads(x) for x in lines[1:])  # certificates are never stored
    journal.write_text("\n".join(lines[:3]) + "\n" + lines[3][:7])
    calls = []
    real = se.depth
    monkeypatch.setattr(se, "depth", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = search(2, "trace-cone", 4, seed=1, starts=3, resume=journal)
    assert len(calls) == 2 and again.resumed == 2
    a, b = search_json(full), search_json(again)
    for key in ("k_le_2_found", "candidates", "certified", "uncertified", "contradictions"):
        assert a[key] == b[key], key
    assert [c["certificate"] for c in a["candidate_list"]] == [c["certificate"] for c in b["candidate_list"]]
    with pytest.raises(ValueError, match="another search"):
        search(2, "trace-cone", 4, seed=2, starts=3, resume=journal)


def test_search_resume_from_the_command_line(tmp_path):
    journal = tmp_path / "s.jsonl"
    args = ["search", "--d", "1", "--family", "gaussian", "--samples", "2", "--resume", str(journal), "--json"]
    first = run(*args)
    assert first.returncode == 0 and json.loads(first.stdout)["resumed"] == 0, first.stderr
    again = run(*args)
    assert again.returncode == 0 and json.loads(again.stdout)["resumed"] == 2, again.stderr
    assert run(*args[:-3], "--resume", str(journal)).stdout.count("read from the resume journal") == 1
