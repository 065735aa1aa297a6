"""The installed ``verify`` command, run as a subprocess: every input format and every error class."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from .helpers import CMD, VERIFY, assert_input_error, run  # noqa: F401

T4 = [[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]]


def write_formats(tmp_path, M):
    paths = {}
    paths["json"] = tmp_path / "m.json"
    paths["json"].write_text(json.dumps([[str(x) for x in r] for r in M]))
    paths["csv"] = tmp_path / "m.csv"
    paths["csv"].write_text("\n".join(",".join(str(x) for x in r) for r in M))
    paths["txt"] = tmp_path / "m.txt"
    paths["txt"].write_text("# whitespace separated\n" + "\n".join("  ".join(str(x) for x in r) for r in M))
    paths["npy"] = tmp_path / "m.npy"
    np.save(paths["npy"], np.array(M, dtype=float))
    import scipy.io

    paths["mtx"] = tmp_path / "m.mtx"
    scipy.io.mmwrite(str(paths["mtx"]), np.array(M, dtype=float))
    return paths


@pytest.mark.parametrize("fmt", ["json", "csv", "txt", "npy", "mtx"])
def test_every_format_decomposes_and_checks(tmp_path, fmt):
    path = write_formats(tmp_path, T4)[fmt]
    r = run("decompose", path, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    if fmt == "npy":  # binary floats: float64 and the stable method by default
        assert data["k"] == 7 and data["arithmetic"] == "float" and data["method"] == "stable"
    else:
        assert data["k"] == 3 and data["arithmetic"] == "exact" and data["method"] == "minimal"
    assert data["d"] == 2 and data["verified"]
    assert set(data) >= {"d", "k", "regime", "arithmetic", "layers", "residual", "max_layer_cond", "verified"}
    assert all(isinstance(x, str) for L in data["layers"] for x in L["b"] + L["c"])
    dec = tmp_path / "dec.json"
    dec.write_text(r.stdout)
    c = run("check", path, dec)
    assert c.returncode == 0 and c.stdout.startswith("OK"), c.stdout + c.stderr


def test_stdin_json_and_fractions():
    r = run("decompose", "-", "--json", stdin=json.dumps([["1/2", "0"], ["-3/7", "2"]]))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["k"] == 1


@pytest.mark.parametrize("mode", [["--float"], ["--mp", "40"]])
def test_inexact_modes_check(tmp_path, mode):
    path = write_formats(tmp_path, T4)["json"]
    r = run("decompose", path, "--json", *mode)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["verified"] and float(data["residual"]) <= float(data["tolerance"])
    dec = tmp_path / "dec.json"
    dec.write_text(r.stdout)
    assert run("check", path, dec).returncode == 0


def test_latex_and_text_output(tmp_path):
    path = write_formats(tmp_path, T4)["json"]
    r = run("decompose", path, "--latex")
    assert r.returncode == 0 and "\\begin{bmatrix}" in r.stdout and "L_{3}" in r.stdout
    r = run("decompose", path)
    assert r.returncode == 0 and "k = 3" in r.stdout and "verified" in r.stdout


def test_check_mismatch_exits_1(tmp_path):
    path = write_formats(tmp_path, T4)["json"]
    data = json.loads(run("decompose", path, "--json").stdout)
    data["layers"][0]["A"][0][0] = "12345"
    dec = tmp_path / "bad.json"
    dec.write_text(json.dumps(data))
    r = run("check", path, dec)
    assert r.returncode == 1 and r.stdout.startswith("MISMATCH")


def test_demo_runs():
    r = run("demo")
    assert r.returncode == 0 and "OK" in r.stdout


BAD = {
    "not_square": "[[1, 2, 3], [4, 5, 6]]",
    "odd": "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]",
    "empty": "[]",
    "empty_rows": "[[], []]",
    "ragged": "[[1, 2], [3]]",
    "non_numeric": '[[1, "x"], [0, 1]]',
    "nan": '[[1, "nan"], [0, 1]]',
    "inf": '[[1, "inf"], [0, 1]]',
    "singular": "[[1, 2], [2, 4]]",
    "negative_det": "[[0, 1], [1, 0]]",
    "not_json": "[[1, 2",
    "scalar": "3",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_exit_2(tmp_path, case):
    p = tmp_path / "bad.json"
    p.write_text(BAD[case])
    assert_input_error(run("decompose", p))


def test_negative_det_with_sign_layer(tmp_path):
    p = tmp_path / "m.json"
    p.write_text("[[0, 1], [1, 0]]")
    r = run("decompose", p, "--json", "--sign-layer")
    assert r.returncode == 0 and json.loads(r.stdout)["sign_layer"] is True


def test_file_errors(tmp_path):
    assert_input_error(run("decompose", tmp_path / "missing.json"))
    (tmp_path / "m.xyz").write_text("1")
    assert_input_error(run("decompose", tmp_path / "m.xyz"))
    (tmp_path / "nan.csv").write_text("1,nan\n0,1\n")
    assert_input_error(run("decompose", tmp_path / "nan.csv"))
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan], [0.0, 1.0]]))
    assert_input_error(run("decompose", tmp_path / "nan.npy", "--float"))
    np.save(tmp_path / "v.npy", np.ones(4))
    assert_input_error(run("decompose", tmp_path / "v.npy"))
    assert_input_error(run("decompose"))  # argparse usage error
    assert_input_error(run("decompose", tmp_path / "m.xyz", "--mp", "5"))


def test_depth_json_schema_and_check(tmp_path):
    rng = np.random.default_rng(5)

    def pair(d=2):
        A, D = rng.integers(-3, 4, size=(d, d)), rng.integers(-3, 4, size=(d, d))
        b, c = rng.integers(1, 4, size=d), rng.integers(1, 4, size=d)
        L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]])
        U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]])
        return L @ U

    p = tmp_path / "m.json"
    p.write_text(json.dumps((pair() @ pair()).tolist()))
    r = run("depth", p, "--json", "--starts", "10")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["k_min"] == 2 and data["regime"] == "positive"
    assert data["per_k"]["1"]["status"] == "impossible" and data["per_k"]["2"]["status"] == "certified"
    assert float(data["per_k"]["2"]["box_radius"]) > 0
    dec = tmp_path / "dec.json"
    dec.write_text(json.dumps(data["decomposition"]))
    assert run("check", p, dec).returncode == 0


@pytest.mark.parametrize("case", ["singular", "odd", "nan"])
def test_depth_bad_input(tmp_path, case):
    p = tmp_path / "bad.json"
    p.write_text(BAD[case])
    assert_input_error(run("depth", p))


BADLY_SCALED = [[-0.00033962000824864266, -0.0004237713528533473, -3.7122741773625884e-06, -0.003827571602707609],
                [3.1941422025238093e-09, -3.5891330853862044e-09, -1.9016352983759945e-10, -1.0891472790742324e-08],
                [-0.08037318485206767, 0.10801634125378852, -0.0002887665059953775, 0.08347535610700986],
                [-0.0008496059556101431, -0.0005106224678981268, -1.1533061686586777e-07, -0.014853751842635453]]


def test_a_missed_tolerance_names_the_fix_for_the_mode_used(tmp_path):
    """At --mp 16 this T (its second row scaled by 1e-3) misses 1e-8; the advice names more digits (not
    "--mp" again), and following it works."""
    path = tmp_path / "bad.npy"
    np.save(path, np.array(BADLY_SCALED) * np.array([[1], [1e-3], [1], [1]]))
    r = run("decompose", path, "--mp", 16)
    assert r.returncode == 1 and r.stdout
    assert "try more digits (--mp 32), --exact, or --method stable" in r.stderr.splitlines()[-1]
    assert run("decompose", path, "--mp", 32).returncode == 0


def positive_int_matrix(n: int, seed: int, high: int) -> np.ndarray:
    """A random integer n x n matrix with det > 0 (first row negated if needed)."""
    T = np.random.default_rng(seed).integers(-high, high, (n, n))
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    return T


def test_exact_mode_says_what_it_would_cost_before_starting(tmp_path):
    """A 2d = 96 integer matrix (entries below 100): exact mode would write about 290 MB over three
    minutes; it refuses at once with the estimate and the faster alternatives; --max-bytes and --yes
    override."""
    T = positive_int_matrix(96, 0, 100)
    path = tmp_path / "big.csv"
    np.savetxt(path, T, fmt="%d", delimiter=",")
    assert_input_error(r := run("decompose", path))
    assert "MB of JSON" in r.stderr and "--float" in r.stderr and "--yes" in r.stderr
    assert_input_error(r := run("depth", path))  # its k = 3 evidence is the same exact construction
    assert "MB of JSON" in r.stderr and "--yes" in r.stderr
    small = tmp_path / "small.json"
    small.write_text(json.dumps(T4))
    assert_input_error(run("decompose", small, "--max-bytes", 10))
    assert run("decompose", small, "--max-bytes", 10, "--yes").returncode == 0


def test_cost_model_is_close_to_a_measured_run():
    """The fitted estimate against a fresh exact run (d = 6, 5-bit entries): within a factor 3."""
    from verify import decompose
    from verify.theorem2.cost import exact_cost
    from verify.theorem2.serialize import to_json

    T = positive_int_matrix(12, 3, 16)
    size = len(json.dumps(to_json(decompose(T.tolist(), "exact"))))
    est = exact_cost(6, 5).bytes
    assert est / 3 < size < 3 * est


def test_exact_mode_shows_its_stages_on_a_terminal(tmp_path):
    """Exact mode with an estimate over a second shows a 3-stage bar (construct, verify, write) on a
    terminal, and nothing when stderr is not one."""
    import contextlib
    import io

    from verify.cli import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    T = positive_int_matrix(40, 0, 100)  # estimated 2.1 s
    path = tmp_path / "mid.csv"
    np.savetxt(path, T, fmt="%d", delimiter=",")
    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(io.StringIO()):
            assert main(["decompose", str(path)]) == 0
        assert ("3/3" in stream.getvalue()) == shown


def test_check_shows_its_stages_for_large_files(tmp_path, monkeypatch):
    """`verify check` on a decomposition above CHECK_BAR_BYTES shows read/parse/check stages on a
    terminal (the threshold is lowered here so a small file counts as large)."""
    import contextlib
    import io

    import verify.cli as cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    matrix, dec = tmp_path / "t.json", tmp_path / "d.json"
    matrix.write_text(json.dumps(T4))
    dec.write_text(run("decompose", matrix, "--json").stdout)
    monkeypatch.setattr(cli.construct, "CHECK_BAR_BYTES", 0)
    err = Terminal()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["check", str(matrix), str(dec)]) == 0
    assert "3/3" in err.getvalue()


def test_one_regime_option_with_its_aliases(tmp_path):
    """`--regime positive|signed` on every command that has a regime; `--signed` and `--positive`
    stay aliases and give the same output."""
    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))
    by_option = run("depth", m, "--regime", "signed", "--json")
    by_alias = run("depth", m, "--signed", "--json")
    assert by_option.returncode == by_alias.returncode == 0
    assert json.loads(by_option.stdout)["regime"] == json.loads(by_alias.stdout)["regime"] == "signed"
    assert json.loads(run("depth", m, "--positive", "--json").stdout)["regime"] == "positive"
    assert_input_error(run("depth", m, "--regime", "signed", "--positive"))
    for command in (["survey", "--d", "1"], ["search", "--d", "1", "--family", "gaussian"],
                    ["counterexample", "--d", "2"], ["check-certificate", "x.json"], ["check", "a", "b"]):
        assert_input_error(run(*command, "--regime", "neither"))


def test_library_errors_carry_neutral_hints_that_only_the_cli_renders_as_flags(tmp_path):
    from verify import NegativeDeterminantError, decompose

    with pytest.raises(NegativeDeterminantError) as e:
        decompose([[0, 1], [1, 0]])
    assert "sign_layer=True" in str(e.value) and "--" not in str(e.value)
    r = run("decompose", "-", stdin="[[0, 1], [1, 0]]")
    assert_input_error(r)
    assert "--sign-layer" in r.stderr


def test_an_internal_error_is_exit_3_and_one_line(monkeypatch):
    """A bug (any exception that is not an input error or a failed check) is reported as one line
    asking for a report, with exit code 3 -- never as "a check failed" (exit 1)."""
    import contextlib
    import io

    import verify.cli.construct as construct
    from verify.cli import main

    def broken(args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(construct, "run_demo", broken)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["demo"])
    assert code == 3
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0] and "ZeroDivisionError: boom" in lines[0]


def test_python_dash_m_verify():
    r = subprocess.run([sys.executable, "-m", "verify", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("verify ")


def test_a_missing_optional_dependency_is_one_line_naming_its_extra():
    code = ("import sys; sys.modules['ot'] = None; from verify.cli import main; "
            "sys.exit(main(['theorem1', '--h', '0.5', '--samples', '20', '--seeds', '1', '--cond-points', '5']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[-1].startswith("verify: error:") and "verify-flows[experiments]" in lines[-1]
    assert "Traceback" not in r.stderr
