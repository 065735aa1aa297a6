"""Issue 14's reproductions, one test each: every input a new user tried that ended in a traceback,
a hang, a false message or a wrong verdict. Each test states what happened before."""
from __future__ import annotations

import json
import math
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from verify import decompose
from verify.io import read_matrix

from .helpers import assert_clean, run_in_process
from .strategies import rational_matrices


def write(tmp_path: Path, name: str, content: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(p)


def exits_2(args: list[str], needle: str = "") -> str:
    code, out, err = run_in_process(args)
    assert code == 2, (code, err)
    assert_clean(code, out, err)
    assert needle in err, err
    return err


# -- files -------------------------------------------------------------------------------------
def test_a_path_over_255_characters(tmp_path):
    """Before: OSError [Errno 36] File name too long (exit 1, traceback)."""
    err = exits_2(["decompose", str(tmp_path / ("a" * 300 + ".json"))], "cannot read")
    assert len(err) < 200  # the path is shortened in the message


def test_an_integer_mtx_entry_above_int64_is_read_exactly(tmp_path):
    """Before: OverflowError from scipy's reader. Matrix Market is text: the integer stays exact
    (and a decimal 0.1 is 1/10, not the binary float nearest to it)."""
    big = 10**30 + 7
    p = write(tmp_path, "m.mtx", f"%%MatrixMarket matrix array integer general\n2 2\n{big}\n0\n0\n1\n")
    assert read_matrix(p).rows == [[Fraction(big), 0], [0, 1]]
    q = write(tmp_path, "c.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 0.1\n2 1 3\n")
    assert read_matrix(q).rows == [[Fraction(1, 10), 3], [3, 0]]
    code, out, err = run_in_process(["decompose", p])
    assert code == 0 and "k = 1" in err


@pytest.mark.parametrize("command", ["check", "check-certificate"])
def test_binary_garbage_as_the_json(tmp_path, command):
    """Before: UnicodeDecodeError (exit 1, traceback)."""
    garbage = write(tmp_path, "g.json", bytes(range(256)))
    T = write(tmp_path, "T.json", "[[1, 0], [0, 1]]")
    exits_2(["check", T, garbage] if command == "check" else [command, garbage], "not UTF-8")


@pytest.mark.parametrize("command", ["decompose", "check"])
def test_deeply_nested_json_exits_2(tmp_path, command):
    """Before: RecursionError reported with exit 1 (as if a check had failed)."""
    deep = write(tmp_path, "deep.json", "[" * 100000 + "]" * 100000)
    T = write(tmp_path, "T.json", "[[1, 0], [0, 1]]")
    exits_2(["decompose", deep] if command == "decompose" else ["check", T, deep], "nested too deeply")


def test_a_huge_exponent_is_refused_at_once(tmp_path):
    """Before: a 2x2 CSV with 1e9999999 hung (the parse alone builds a 33-million-bit integer)."""
    p = write(tmp_path, "h.csv", "1e9999999,0\n0,1\n")
    t = time.perf_counter()
    exits_2(["decompose", p, "--float"], "exponent")
    assert time.perf_counter() - t < 5


def test_a_json_number_beyond_float64_is_a_number(tmp_path):
    """JSON's 1e400 is a finite number: kept as decimal text, not turned into inf."""
    p = write(tmp_path, "m.json", "[[1e400, 0], [0, 1]]")
    assert read_matrix(p).rows[0][0] == Fraction(10) ** 400


# -- numerics ----------------------------------------------------------------------------------
T22_ZERO = [[0, 0, 0, 0, 0, 2], [0, 2, -1, 0, -2, 2], [-1, 0, 0, -2, -1, 0],
            [-2, 0, 1, 0, 0, 0], [0, -2, 0, 0, 0, 0], [-1, 2, 2, 0, 0, 0]]


@pytest.mark.parametrize("digits", [20, 30])
def test_integer_6x6_with_T22_zero_in_mp(digits):
    """Before: ZeroDivisionError "matrix is numerically singular" (S B singular to working
    precision at the first choice); now that choice counts as degenerate and the next is taken."""
    dec = decompose(T22_ZERO, "mp", digits=digits)
    assert dec.verified and dec.k == 3


@pytest.mark.parametrize("method", ["stable", "minimal"])
def test_tiny_entries_in_float(method):
    """Before: ZeroDivisionError in the residual bound for [[1e-300, 0], [0, 1e-300]] --float."""
    dec = decompose([[1e-300, 0], [0, 1e-300]], "float", method=method)
    assert dec.verified and dec.residual < 1e-15


def test_1e400_in_mp_and_float(tmp_path):
    """Before: OverflowError in --float, and the false "det T = 0" in --mp 30. Now mp decomposes
    it (one pair), and float says in one line that float64 cannot hold it."""
    p = write(tmp_path, "m.json", '[["1e400", 0], [0, 1]]')
    code, out, err = run_in_process(["decompose", p, "--mp", "30"])
    assert code == 0 and "verified" in out and "det T = 0" not in err
    exits_2(["decompose", p, "--float"], "float64's range")


@pytest.mark.parametrize("arithmetic,method", [("float", "stable"), ("float", "minimal"), ("mp", "minimal"),
                                               ("mp", "stable")])
def test_scale_invariance(arithmetic, method):
    """Before: a Gaussian 4x4 times 1e200 gave "residual": "nan" (mp) though its layers were right.
    Power-of-two normalisation: T and 2^e T get the same bound, whatever e."""
    rng = np.random.default_rng(4)
    G = rng.standard_normal((4, 4))
    if np.linalg.det(G) < 0:
        G[0] = -G[0]
    bounds = []
    for scale in (1.0, 1e200, 1e-200, 2.0**1000):
        dec = decompose(G * scale, arithmetic, method=method, digits=30)
        assert dec.verified and np.isfinite(dec.residual)
        bounds.append(dec.residual)
    assert max(bounds) <= 10 * min(bounds)


def test_the_mp_bound_is_the_checkers_enclosure(tmp_path):
    """Before: decompose --mp 30 said NOT verified (an a-priori bound of 1.8e-15 > 1e-15) while
    `verify check` certified 2.9e-22 for the same layers. Now both compute the same enclosure."""
    rng = np.random.default_rng(0)
    T = rng.integers(-9, 10, (6, 6))
    if round(np.linalg.det(T)) <= 0:
        T[0] = -T[0]
    p = write(tmp_path, "T.json", json.dumps(T.tolist()))
    code, out, err = run_in_process(["decompose", p, "--mp", "30", "--json"])
    assert code == 0
    data = json.loads(out)
    j = write(tmp_path, "dec.json", out)
    code, out, err = run_in_process(["check", p, j])
    assert code == 0
    # the checker encloses the JSON's decimals; decompose states the larger of that and the enclosure of
    # the binary numbers it holds (a bound true for both): equal, or a little above, never below
    checked = float(out.split("<= ")[1].split(" ")[0])
    assert checked <= float(data["residual"]) <= 10 * checked


# -- the checker decides by the caller's terms ------------------------------------------------
G4 = [[2, 1, 0, 1], [1, 3, 1, 0], [0, 1, 2, 1], [1, 0, 1, 4]]


def float_decomposition(tmp_path: Path) -> tuple[str, dict]:
    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, _ = run_in_process(["decompose", T, "--float", "--json"])
    assert code == 0
    return T, json.loads(out)


def run_check(tmp_path: Path, T: str, data: dict, *extra: str) -> tuple[int, str, str]:
    return run_in_process(["check", T, write(tmp_path, "dec.json", json.dumps(data)), *extra])


@pytest.mark.parametrize("tolerance", ["2", "1e300"])
def test_the_files_tolerance_does_not_decide(tmp_path, tolerance):
    """Before: one identity pair with "tolerance": "2" (or "1e300") was reported OK, exit 0."""
    T, data = float_decomposition(tmp_path)
    one = {"A": [["0", "0"], ["0", "0"]], "b": ["1", "1"], "c": ["1", "1"], "D": [["0", "0"], ["0", "0"]]}
    data.update(layers=[one], k=1, tolerance=tolerance, residual="0")
    code, out, err = run_check(tmp_path, T, data)
    assert code == 1 and out.startswith("MISMATCH")
    assert "claim" in out  # the false k/residual claims are reported


def test_the_files_regime_does_not_decide(tmp_path):
    """Before: "regime": "signed" switched the positivity check off. A negative scale now fails
    unless the caller asks for the signed regime."""
    T = write(tmp_path, "T.json", "[[-2, 0], [0, -3]]")
    data = {"arithmetic": "exact", "regime": "signed", "sign_layer": False,
            "layers": [{"A": [["0"]], "b": ["-3"], "c": ["-2"], "D": [["0"]]}]}
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 1 and "not positive" in out
    code, out, _ = run_check(tmp_path, T, data, "--regime", "signed")
    assert code == 0 and out.startswith("OK")


def test_the_callers_tolerance_decides(tmp_path):
    T, data = float_decomposition(tmp_path)
    assert run_check(tmp_path, T, data)[0] == 0
    assert run_check(tmp_path, T, data, "--tol", "1e-30")[0] == 1
    exits_2(["check", T, write(tmp_path, "d.json", json.dumps(data)), "--tol", "nan"], "tolerance")


def test_a_false_residual_claim_fails(tmp_path):
    """The file claims a residual below what the enclosure proves: the claim is false."""
    T, data = float_decomposition(tmp_path)
    data["residual"] = "1e-300"
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 1 and "residual claim is false" in out


@pytest.mark.parametrize("field,value", [("tolerance", "nan"), ("tolerance", "inf"), ("tolerance", "abc"),
                                         ("digits", "abc"), ("digits", 1000000000), ("arithmetic", "banana"),
                                         ("sign_layer", "yes"), ("regime", "both")])
def test_malformed_claims_exit_2(tmp_path, field, value):
    """Before: tracebacks for tolerance nan/inf/abc and digits "abc"; a hang for digits 1e9;
    "residual <= nan" with exit 1 for arithmetic "banana"."""
    T, data = float_decomposition(tmp_path)
    data[field] = value
    t = time.perf_counter()
    code, out, err = run_check(tmp_path, T, data)
    assert code == 2 and field in err, err
    assert_clean(code, out, err)
    assert time.perf_counter() - t < 10


def test_a_null_tolerance_is_no_claim(tmp_path):
    """Before: "tolerance": null raised TypeError."""
    T, data = float_decomposition(tmp_path)
    data["tolerance"] = None
    assert run_check(tmp_path, T, data)[0] == 0


def test_check_reads_depth_json(tmp_path):
    """Before: `verify check` and `from_decomposition` could not read `verify depth --json`."""
    from verify import minimal_depth as depth
    from verify.depth import depth_to_json
    from verify.theorem2 import from_decomposition

    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, _ = run_in_process(["depth", T, "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["decomposition"] is not None
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 0 and out.startswith("OK")
    result = depth(G4)
    flow = from_decomposition(depth_to_json(result))
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert np.allclose(flow.forward_and_log_det(x)[0], x @ np.array(G4, dtype=float).T)


def test_depth_says_what_is_proved():
    """Before: "minimal depth found: k = 3" when k = 2 was only not found."""
    from verify import minimal_depth as depth
    from verify.depth import depth_to_text
    from verify.depth.minimal import DepthResult, KOutcome

    text = depth_to_text(depth([[2, 0], [0, 3]]))
    assert "minimal depth k = 1 (proved" in text
    r = DepthResult(3, "positive", {1: KOutcome("impossible"), 2: KOutcome("not found"), 3: KOutcome("exact")})
    line = depth_to_text(r).splitlines()[0]
    assert "k <= 3" in line and "k = 2 not found" in line and "proved" not in line
    assert not r.proved_minimal


def test_a_numerical_k2_carries_its_decomposition(monkeypatch):
    """Before: `depth --json` reported k = 2 "numerical" with "decomposition": null, when the
    gauge-fixed Jacobian was singular. Forced here by declaring every Jacobian singular."""
    import verify.depth.minimal as minimal
    from verify import minimal_depth as depth

    monkeypatch.setattr(minimal.np.linalg, "cond", lambda J: 1e300)
    rng = np.random.default_rng(101)
    from .helpers import random_pair

    T = (random_pair(rng, 1) @ random_pair(rng, 1)).tolist()
    r = depth(T, starts=20)
    assert r.k_min == 2 and r.per_k[2].status == "numerical"
    assert r.decomposition is not None and r.decomposition.k == 2 and r.decomposition.verified


# -- certificates --------------------------------------------------------------------------------
def counterexample_file(tmp_path: Path, *flags: str) -> tuple[str, dict]:
    code, out, _ = run_in_process(["counterexample", "--d", "2", "--json", *flags])
    assert code == 0
    return write(tmp_path, "ce.json", out), json.loads(out)


def test_a_certificate_without_k3_fails_unless_no_k3(tmp_path):
    """Before: check-certificate passed when "k3" was missing (the README says it checks it)."""
    _, data = counterexample_file(tmp_path)
    del data["k3"]
    p = write(tmp_path, "no_k3.json", json.dumps(data))
    code, out, _ = run_in_process(["check-certificate", p])
    assert code == 1 and "no k = 3 decomposition" in out
    assert run_in_process(["check-certificate", p, "--no-k3"])[0] == 0


def test_perturb_on_a_signed_certificate_says_no_before_any_verdict(tmp_path):
    """Before: printed "OK: ..." and then exited 2."""
    p, _ = counterexample_file(tmp_path, "--signed")
    code, out, err = run_in_process(["check-certificate", p, "--perturb", "5"])
    assert code == 2 and out == "" and "radius" in err


def test_check_certificate_takes_the_counterexample_object():
    """Before: check_certificate(counterexample(...)) raised on the object."""
    from verify import check_certificate, counterexample

    assert check_certificate(counterexample(2)).ok
    assert check_certificate(counterexample(2, "signed"), regime="signed").ok


# -- arguments -----------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [["decompose", "T.json"], ["depth", "T.json"],
                                  ["search", "--d", "1", "--family", "gaussian", "--samples", "1"],
                                  ["survey", "--d", "1", "--samples", "1"], ["check-certificate", "ce.json"]])
def test_a_negative_seed_is_bad_input(tmp_path, args):
    """Before: ValueError tracebacks from numpy's seeding (exit 1)."""
    exits_2([*args, "--seed", "-1"], "seed")


def test_survey_plot_into_a_missing_directory_is_refused_before_the_run():
    """Before: the whole survey ran, then the plot raised and the results were lost."""
    t = time.perf_counter()
    exits_2(["survey", "--d", "1", "2", "--samples", "50", "--plot", "/nonexistent/x.png"], "no such directory")
    assert time.perf_counter() - t < 2


def test_version_and_help_with_defaults():
    from verify import __version__

    code, out, _ = run_in_process(["--version"])
    assert code == 0 and out.strip() == f"verify {__version__}"
    code, out, _ = run_in_process(["decompose", "--help"])
    assert code == 0 and "(default: 0)" in out and "examples:" in out and "--tol" in out
    code, out, _ = run_in_process(["check", "--help"])
    assert "--regime" in out and "(default: positive)" in out


def test_exact_entries_as_fractions():
    """Before: exact entries are python-flint fmpq, and Fraction(x) raises. as_fractions() gives
    Python Fractions, and every entry point reads fmpq and mpf exactly (not through float64)."""
    import flint
    import mpmath

    from verify.io import to_fraction

    dec = decompose([[1, 2, 0, 1], [0, 1, 1, 0], [1, 0, 2, 1], [0, 1, 0, 3]])
    pairs = dec.as_fractions()
    assert all(isinstance(x, Fraction) for p in pairs for x in p["b"] + p["c"] + p["A"][0])
    assert to_fraction(flint.fmpq(1, 3)) == Fraction(1, 3)
    ctx = mpmath.MPContext()
    ctx.prec = 200
    third = ctx.mpf(1) / 3
    assert abs(to_fraction(third) - Fraction(1, 3)) < Fraction(1, 2**190)


@given(T=rational_matrices(d_max=3), e=st.integers(-1000, 1000),
       mode=st.sampled_from([("float", "stable"), ("float", "minimal"), ("mp", "minimal"), ("mp", "stable")]))
@settings(max_examples=40, deadline=None)
def test_scale_invariance_property(T, e, mode):
    """For every rational T and power of two 2^e inside float64's normal range: the layers of 2^e T
    are those of T with pair i's b, c, D times a power of two, exactly (the binary values: the scale
    is spread over the pairs in shares that differ by at most one, issue 20), and the
    measured residual (the enclosure's midpoint) is never above the bound. The bounds themselves are
    about the layers' shortest decimal strings, which do not scale exactly: they agree within a
    factor 4 for the stable method's well-conditioned layers; the minimal method's layers (condition
    up to 1e5 here) amplify the strings' last-digit differences, so only the verdict is compared."""
    arithmetic, method = mode
    rows = [[x * Fraction(2) ** e for x in r] for r in T]
    assume(all(abs(x) < Fraction(2) ** 1020 and (x == 0 or abs(x) > Fraction(2) ** -1000) for r in rows for x in r))
    base = decompose(T, arithmetic, method=method, digits=30)
    scaled = decompose(rows, arithmetic, method=method, digits=30)
    from verify.io import as_matrix
    from verify.theorem2.decompose import binary_exponent, scale_shares

    e0 = binary_exponent(as_matrix(T))
    k = base.k
    shift = [b - a for a, b in zip(scale_shares(e0, k), scale_shares(e0 + e, k))]
    assert sum(shift) == e and max(shift) - min(shift) <= 2
    want = [dict(p, b=[x * 2**Fraction(t) for x in p["b"]], c=[x * 2**Fraction(t) for x in p["c"]],
                 D=[[x * 2**Fraction(t) for x in r] for r in p["D"]]) for p, t in zip(base.as_fractions(), shift)]
    assert scaled.as_fractions() == want
    assert scaled.residual_measured <= scaled.residual and base.residual_measured <= base.residual
    assert scaled.verified == base.verified
    if method == "stable":
        assert scaled.residual <= 4 * base.residual and base.residual <= 4 * scaled.residual


@pytest.mark.parametrize("args,needle", [(["counterexample", "--d", "1000"], "--yes"),
                                         (["decompose", "T.json", "--mp", "1000000000"], "digits"),
                                         (["depth", "T.json", "--digits", "1000000000"], "digits"),
                                         (["depth", "T.json", "--max-k", "1000000"], "max-k"),
                                         (["theorem1", "--h", "1e-9"], "grid cells"),
                                         (["theorem1", "--samples", "300000"], "samples"),
                                         (["theorem4", "--samples", "300000"], "samples"),
                                         (["decompose", "T.json", "--max-bytes", "nan"], "max-bytes"),
                                         (["kl", "--cond", "nan"], "cond")])
def test_work_without_bound_is_refused_at_once(args, needle):
    """Found while fixing the hangs: `counterexample --d 32` ran 9 minutes in 3.5 GB (d = 1000: never
    returns); --mp/--digits 1e9 would never finish; --max-k 1e6 made a million "skipped" entries;
    theorem1 --h 1e-9 built a 1e18-cell grid (hung); theorem1/theorem4 --samples 300000 raised
    MemoryError (a 671 GiB cost matrix); --max-bytes nan was accepted and --cond nan blamed Sigma.
    Each is now one line and exit 2, before any work."""
    t = time.perf_counter()
    exits_2(args, needle)
    assert time.perf_counter() - t < 5


def test_memory_exhaustion_is_one_line(monkeypatch):
    """A backstop: MemoryError anywhere in a command is one line and exit 2, not a traceback."""
    import sys

    ce = sys.modules["verify.theorem3.counterexample"]  # the package exports a function of that name

    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(ce, "counterexample", boom)
    exits_2(["counterexample", "--d", "2"], "out of memory")


def test_large_mp_decompositions_are_checked_in_balls(monkeypatch):
    """Found in review: the float64 normwise path (used beyond 2d = 256) must take float layers
    only; mp layers carry more than 17 digits and their tolerance (1e-15 at 30 digits) is below
    what a float64 bound can certify. Forced here on a small T."""
    import verify.checkers.decomposition as cd
    from verify import check
    from verify.theorem2.serialize import to_json

    monkeypatch.setattr(cd, "BALL_MAX_N", 0)
    dec = decompose(G4, "mp", digits=30)
    result = check(G4, to_json(dec))
    assert result.ok and "ball arithmetic" in result.message
    assert "normwise" in check(G4, to_json(decompose(G4, "float"))).message


def test_every_help_example_parses():
    """The examples that --help shows are arguments the parser accepts (files aside)."""
    import argparse
    import shlex

    from verify.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts = [parser.epilog or ""] + [p.epilog or "" for p in sub.choices.values()]
    examples = [line.strip() for text in texts for line in text.splitlines() if line.strip().startswith("verify ")]
    assert len(examples) >= 20
    for line in examples:
        words = shlex.split(line.split("#")[0].split(">")[0])
        parser.parse_args(words[1:])  # raises SystemExit on a bad example
    for line in (e for t in texts for e in t.splitlines() if "|" in e):
        parser.parse_args(shlex.split(line.split("|")[1].split("#")[0])[1:])


# == issue 20: no false claim from any input =====================================================
# Each test names what happened before. "Exact residual" means one computed here with Fractions only.

def exact_residual(T: list, data: dict) -> Fraction:
    """The squared relative residual ||prod - T||_F^2 / ||T||_F^2 of a JSON decomposition's layers (the
    numbers it states), in plain Fractions: no code of the package."""
    n = len(T)
    d = n // 2
    P = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    mul = lambda X, Y: [[sum((X[i][k] * Y[k][j] for k in range(n)), Fraction(0)) for j in range(n)] for i in range(n)]  # noqa: E731
    layers = [{key: ([[Fraction(x) for x in r] for r in v] if key in "AD" else [Fraction(x) for x in v])
               for key, v in layer.items()} for layer in data["layers"]]
    for p in layers:
        L = [
            [
                Fraction(int(i == j))
                if i < d
                else (p["A"][i - d][j] if j < d else (p["b"][i - d] if i == j else Fraction(0)))
                for j in range(n)
            ]
            for i in range(n)
        ]
        U = [[(p["c"][i] if i == j else Fraction(0)) if j < d else p["D"][i][j - d] if i < d else Fraction(int(i == j))
              for j in range(n)] for i in range(n)]
        P = mul(mul(P, L), U)
    if data.get("sign_layer"):
        P[0] = [-x for x in P[0]]
    Tq = [[Fraction(x) for x in r] for r in T]
    num = sum(((P[i][j] - Tq[i][j]) ** 2 for i in range(n) for j in range(n)), Fraction(0))
    return num / sum((x * x for r in Tq for x in r), Fraction(0))


def test_decimals_are_read_exactly_not_through_float64():
    """Before: Decimal("0.1") became the float 0.1: mp said residual 1.1e-53 where the exact residual
    against the given Decimals is 3.3e-17, and exact mode returned c = 3602879701896397/2^55."""
    from decimal import Decimal

    from verify.theorem2.serialize import to_json

    T = [[Decimal("0.1"), Decimal("0.3")], [Decimal("0.7"), Decimal("2.9")]]
    dec = decompose(T, "mp", digits=50)
    exact_T = [[Fraction(x) for x in r] for r in T]
    assert dec.verified and exact_residual(exact_T, to_json(dec)) <= Fraction(dec.residual) ** 2
    assert decompose([[Decimal("0.1"), 0], [0, 1]]).as_fractions()[0]["c"] == [Fraction(1, 10)]


def test_sympy_numbers_are_exact_or_refused():
    """Before: sympy.Float("0.1", 50) was rounded to float64 and sympy.sqrt(2) gave "verified" exact
    layers for a rational approximation of it."""
    import sympy

    from verify.errors import InputError

    f = sympy.Float("0.1", 50)
    c = decompose([[f, 0], [0, 1]]).as_fractions()[0]["c"][0]
    assert c == Fraction(int(sympy.Rational(f).p), int(sympy.Rational(f).q)) and c.denominator > 2**100
    assert decompose([[sympy.Rational(1, 3), 0], [0, 3]]).as_fractions()[0]["c"] == [Fraction(1, 3)]
    for bad in (sympy.sqrt(2), sympy.pi, sympy.Symbol("x"), sympy.I):
        for mode in ("exact", "mp", "float"):
            with pytest.raises(InputError):
                decompose([[bad, 0], [0, 1]], mode)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_binary_floats_of_every_width_are_read_exactly(dtype):
    """Before: a longdouble array was rounded to float64 (and a longdouble .npy raised TypeError)."""
    a = (np.array([[1, 2], [3, 4]], dtype=dtype) / dtype(3)) * np.array([[1, 1], [1, -1]], dtype=dtype)
    from verify.io import as_matrix

    M = as_matrix(a)
    assert M.rows == [[Fraction(*x.as_integer_ratio()) for x in r] for r in a.tolist()]
    assert M.binary_float


def test_masked_arrays_and_unknown_types_are_refused():
    from verify.errors import InputError

    with pytest.raises(InputError, match="masked"):
        decompose(np.ma.masked_array([[1.0, 0], [0, 1]], mask=[[0, 1], [0, 0]]))
    with pytest.raises(InputError, match="cannot be read exactly"):
        decompose([[object(), 0], [0, 1]])


def test_a_json_number_that_underflows_is_kept(tmp_path):
    """Before: [[1, 1e-400], [0, 1]] with --exact gave identity layers, residual "0", and check said OK."""
    T = write(tmp_path, "T.json", "[[1, 1e-400], [0, 1]]")
    assert read_matrix(T).rows[0][1] == Fraction(1, 10**400)
    code, out, _ = run_in_process(["decompose", T, "--exact", "--json"])
    assert code == 0
    D = json.loads(out)["layers"][0]["D"][0][0]
    assert Fraction(D) == Fraction(1, 10**400)
    I = write(tmp_path, "I.json", "[[1, 0], [0, 1]]")
    assert run_in_process(["check", I, write(tmp_path, "d.json", out)])[0] == 1  # the layers are not I's


def test_large_float_checks_test_the_residual_claim(tmp_path):
    """Before: at 2d > 256 (the normwise path) a "residual": "1e-30" claim passed with no claim line."""
    rng = np.random.default_rng(0)
    T = rng.standard_normal((258, 258)) + 20 * np.eye(258)
    p = tmp_path / "T.npy"
    np.save(p, T)
    code, out, _ = run_in_process(["decompose", str(p), "--json"])
    assert code == 0
    data = json.loads(out)
    assert run_check(tmp_path, str(p), data)[0] == 0
    data["residual"] = "1e-30"
    code, out, _ = run_check(tmp_path, str(p), data)
    assert code == 1 and "residual claim is false" in out


def exact_file(tmp_path: Path) -> tuple[str, dict]:
    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, _ = run_in_process(["decompose", T, "--exact", "--json"])
    assert code == 0
    return T, json.loads(out)


@pytest.mark.parametrize("label", [{"arithmetic": "float"}, {"arithmetic": "mp", "digits": 1},
                                   {"arithmetic": "float", "tolerance": "1"}])
def test_the_files_labels_do_not_set_the_default_tolerance(tmp_path, label):
    """Before: an exact file relabelled "arithmetic": "float" with A[0][0] + 1e-12 passed (1e-8 bar),
    and relabelled mp with "digits": 1 the bar dropped to 1e-6."""
    T, data = exact_file(tmp_path)
    data.update(label)
    A = data["layers"][0]["A"]
    A[0][0] = str(Fraction(A[0][0]) + Fraction(1, 10**12))
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 1 and "exact" in out, out
    assert "its layers are exact numbers" in out


def test_relabelled_mp_files_keep_their_digits_bar(tmp_path):
    """Before: an mp file relabelled "digits": 1 was checked at 1e-6, and a 1e-7 tamper passed."""
    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, _ = run_in_process(["decompose", T, "--mp", "40", "--json"])
    data = json.loads(out)
    assert run_check(tmp_path, T, data)[0] == 0
    data["digits"] = 1
    A = data["layers"][0]["A"]
    A[0][0] = str(Fraction(A[0][0]) * (1 + Fraction(1, 10**7)))
    A[0][0] = f"{float(Fraction(A[0][0])):.30e}"  # a decimal at the file's precision
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 1, out


def test_certificate_k3_checks_by_the_numbers(tmp_path):
    """Before: check-certificate's k3 part took its default tolerance from the k3 file's label."""
    from verify.checkers import check_certificate
    from verify.theorem3 import counterexample

    data = counterexample(2).to_json()
    assert check_certificate(data).ok
    data["k3"]["arithmetic"] = "float"
    A = data["k3"]["layers"][0]["A"]
    A[0][0] = str(Fraction(A[0][0]) + Fraction(1, 10**12))
    assert not check_certificate(data).ok


def test_an_unknown_regime_is_refused_everywhere():
    """Before: certify(T, "bogus") returned a trace certificate for a T that depth --signed decomposes
    with k = 2: the regime was never validated."""
    from verify import minimal_depth as depth
    from verify.errors import InputError
    from verify.theorem3 import certify, counterexample
    from verify.theorem3.obstructions import trace_obstructs

    T = counterexample(2).T
    for call in (lambda: certify(T, "bogus"), lambda: depth(T, "bogus"), lambda: trace_obstructs([1], [1], "Positive"),
                 lambda: decompose(T, "bogus"), lambda: decompose(T, "mp", digits=0)):
        with pytest.raises(InputError):
            call()


def test_mp_at_thousands_of_digits_has_a_tolerance(tmp_path):
    """Before: --mp D with D >= 650 had a default tolerance 10^-(D/2) that underflowed to 0.0:
    decompose exited 1 and check reported a MISMATCH on a valid file."""
    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, err = run_in_process(["decompose", T, "--mp", "700", "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["tolerance"] == "1.000e-350" and data["verified"]
    code, out, _ = run_check(tmp_path, T, data)
    assert code == 0 and "tolerance 1.000e-350" in out, out


def test_negative_mpf_entries_keep_their_sign():
    """Found while fixing issue 20: mpmath's ``man_exp`` drops the sign, so ``mpf(-2)`` was read as 2:
    ``[[mpf(-2), 0], [0, mpf(-3)]]`` decomposed as diag(2, 3), one pair, and mp layers came back
    from ``as_fractions`` with their signs lost."""
    import mpmath

    from verify.io import to_fraction

    assert to_fraction(mpmath.mpf("-0.25")) == Fraction(-1, 4)
    dec = decompose([[mpmath.mpf(-2), 0], [0, mpmath.mpf(-3)]], "exact")
    assert dec.k == 3 and dec.verified
    m = decompose(G4, "mp", digits=30)
    assert any(x < 0 for p in m.as_fractions() for r in p["A"] for x in r)


def test_stable_layers_share_the_scale(tmp_path):
    """Before: the scale 2^e of T went into the first pair only: T with ||T|| = 1e8 had a first layer
    of condition 2.1e7 against the bound's 7.4e5. Now each pair takes 2^(e/7), and the bound (with its
    scale factor) holds on T and on 2^e T."""
    from scipy.stats import ortho_group

    from .test_theorem2_stable import layer_conditions

    n = 32
    Q1, Q2 = ortho_group.rvs(n, random_state=1), ortho_group.rvs(n, random_state=2)
    s = np.logspace(0, 8, n)
    T = Q1 @ np.diag(s) @ Q2.T
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    for e in (0, 40, -40, 400):
        Ts = np.ldexp(T, e)
        dec = decompose(Ts, "float")
        cond = max(layer_conditions(dec))  # norms of the layer and its closed-form inverse
        sv = np.linalg.svd(Ts, compute_uv=False)
        d = n // 2
        sigma = min(max(np.sqrt(sv[0] * sv[-1]), sv[d]), sv[d - 1])
        alpha = sigma ** (1 / 7)
        bound = 74 * max(sv[0] / sigma, sigma / sv[-1]) * 2 * max(alpha, 1 / alpha)
        assert dec.verified and cond <= bound, (e, cond, bound)
        g = np.exp(np.mean(np.log(sv)))
        assert cond >= max(g, 1 / g) ** (1 / 7) * (1 - 1e-9)  # the scale lower bound (proofs/theorem2_stable.md)


# -- issue 20, items 8-11: tracebacks, hangs, unbounded reads, smaller ones ------------------------
@pytest.mark.parametrize("field,value", [("tolerance", "1e400"), ("residual", "1e400")])
def test_huge_claims_are_numbers_not_overflows(tmp_path, field, value):
    """Before: "tolerance": "1e400" in check raised OverflowError (exit 1, read as "check failed")."""
    T, data = float_decomposition(tmp_path)
    data[field] = value
    code, out, err = run_check(tmp_path, T, data)
    assert code == 0 and "Traceback" not in err, err


def test_integers_beyond_4300_digits_in_a_checked_file(tmp_path):
    """Before: ValueError "Exceeds the limit (4300 digits)" for a long integer in `k` or a layer entry."""
    T, data = exact_file(tmp_path)
    big = "9" * 5000
    from verify.io.entries import unlimited_int_digits

    data["k"] = 10**5000
    with unlimited_int_digits():  # json writes the int's digits
        p = write(tmp_path, "d.json", json.dumps(data))
    code, out, err = run_in_process(["check", T, p])
    assert code == 1 and "k = an integer of" in out and "Traceback" not in err, (out, err)
    data["k"] = 3
    data["layers"][0]["A"][0][0] = big
    code, out, err = run_in_process(["check", T, write(tmp_path, "e.json", json.dumps(data))])
    assert code == 1 and out.startswith("MISMATCH") and "Traceback" not in err


def test_depth_and_decompose_at_5000_digits(tmp_path):
    """Before: `depth --digits 5000` raised ValueError (Python's int-string digit limit), and the
    decompose text output did as well."""
    T = write(tmp_path, "T.json", "[[2, 1], [1, 3]]")
    code, out, err = run_in_process(["depth", T, "--digits", "5000"])
    assert code == 0 and "Traceback" not in err
    code, out, err = run_in_process(["decompose", write(tmp_path, "G.json", json.dumps(G4)), "--mp", "5000"])
    assert code == 0 and "tolerance 1.000e-2500" in out


def test_npy_files_of_every_kind(tmp_path):
    """Before: a longdouble .npy raised TypeError, an .npz named .npy AttributeError."""
    import zipfile

    p = tmp_path / "ld.npy"
    np.save(p, np.array([[1, 2], [3, 7]], dtype=np.longdouble) / 3)
    assert read_matrix(str(p)).rows[0][0] == Fraction(*(np.longdouble(1) / 3).as_integer_ratio())
    code, _, err = run_in_process(["decompose", str(p)])
    assert code == 0, err
    z = tmp_path / "z.npy"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("a.npy", b"x")
    exits_2(["decompose", str(z)], ".npz archive")


def test_measurement_commands_refuse_what_they_cannot_compute():
    """Before: theorem4 --gamma 1e300 raised OverflowError; padding --samples 1 ZeroDivisionError."""
    err = exits_2(["theorem4", "--gamma", "1e300"], "gamma")
    assert "OverflowError" not in err and "radius" in err
    err = exits_2(["padding", "--samples", "1"], "at least")
    assert "ZeroDivisionError" not in err and "N = 1" in err


@pytest.mark.parametrize("target", ["/dev/urandom", "/dev/zero", "fifo"])
def test_check_reads_regular_files_only(tmp_path, target):
    """Before: a link to /dev/urandom or a FIFO as the JSON hung; /dev/zero read until memory ran out."""
    import os

    T = write(tmp_path, "T.json", "[[1, 0], [0, 1]]")
    link = tmp_path / "d.json"
    if target == "fifo":
        os.mkfifo(link)
    else:
        link.symlink_to(target)
    t = time.perf_counter()
    exits_2(["check", T, str(link)], "not a regular file")
    exits_2(["check-certificate", str(link)], "not a regular file")
    exits_2(["decompose", str(link)], "not a regular file")
    assert time.perf_counter() - t < 10


def test_a_matrix_market_header_is_checked_before_allocating(tmp_path):
    """Before: a 3-line coordinate .mtx declaring 6000 x 6000 ran over 300 s and took 2.4 GB."""
    p = write(tmp_path, "big.mtx", "%%MatrixMarket matrix coordinate real general\n6000 6000 1\n1 1 1\n")
    t = time.perf_counter()
    exits_2(["decompose", p], "save it as .npy")
    assert time.perf_counter() - t < 5


def test_a_minors_certificate_is_bounded(tmp_path):
    """Before: a minors certificate of order 11 on a 44 x 44 identity took over 60 s to check."""
    data = {"regime": "positive", "T": [[int(i == j) for j in range(44)] for i in range(44)],
            "certificate": {"type": "minors", "order": 11}}
    p = write(tmp_path, "c.json", json.dumps(data))
    t = time.perf_counter()
    exits_2(["check-certificate", p, "--no-k3"], "--yes")
    assert time.perf_counter() - t < 5


def test_no_numpy_warning_before_the_one_line(tmp_path):
    """Before: a RuntimeWarning (overflow in ldexp) was printed before the error on huge entries."""
    p = write(tmp_path, "w.json", "[[1e308, 1e308], [-1e308, 1e308]]")
    code, out, err = run_in_process(["decompose", p, "--float"])
    assert "Warning" not in err
    assert code in (0, 2)
    assert_clean(code, out, err)


def test_a_newline_in_a_path_stays_one_line(tmp_path):
    """Before: a newline in a path split the error line in two."""
    err = exits_2(["decompose", str(tmp_path / "a\nb.json")], "\\n")
    assert err.count("\n") == 1 and err.endswith("no such file\n"), repr(err)


def test_kl_refuses_a_sigma_float64_cannot_carry(tmp_path):
    """Before: `kl --sigma diag(1e300, 1e-300, 1, 1)` exited 0 with NaN in the JSON."""
    p = tmp_path / "S.npy"
    np.save(p, np.diag([1e300, 1e-300, 1.0, 1.0]))
    code, out, err = run_in_process(["kl", "--sigma", str(p), "--json"])
    assert code == 2 and out == "" and "NaN" not in out, (code, out)
    assert "float64 cannot carry" in err and len(err.strip().splitlines()) == 1


def test_a_plot_write_error_is_reported(tmp_path):
    """Before: `survey --plot /dev/full` exited 0 (matplotlib swallowed the write error)."""
    code, out, err = run_in_process(["survey", "--d", "1", "--samples", "2", "--plot", "/dev/full"])
    assert code == 2 and "--plot: cannot write" in err and "results above are complete" in err
    assert "k=1" in out  # the results were printed first


def test_check_of_a_depth_result_says_what_it_checked(tmp_path):
    """Before: `verify check` on a depth JSON exited 0 saying nothing about its k_min claims."""
    T = write(tmp_path, "T.json", json.dumps(G4))
    code, out, _ = run_in_process(["depth", T, "--json"])
    code, out, _ = run_check(tmp_path, T, json.loads(out))
    assert code == 0 and "k_min and proved_minimal claims" in out


def test_the_flow_core_validates_its_arguments():
    """Before: AttributeError/KeyError/ZeroDivisionError for fit(rng=None or 5) (the README promises
    a seed or None works), LULinear(3, None), fit(batch=0), from_decomposition({}); accepted silently:
    Permutation([0.5, 1.5]), ActNorm.initialize on NaN data, fit(lr=nan)."""
    from verify.errors import InputError
    from verify.flows import ActNorm, Flow, LULinear, Permutation, fit
    from verify.theorem2 import from_decomposition

    x = np.random.default_rng(0).standard_normal((20, 2))
    flow = Flow(LULinear(2, None))
    for rng in (None, 5, np.random.default_rng(1)):
        assert len(fit(flow, x, 2, 8, 1e-3, rng)) == 2
    for call in (lambda: fit(flow, x, 2, 0, 1e-3, 0), lambda: fit(flow, x, 2, 8, float("nan"), 0),
                 lambda: fit(flow, x[:0], 2, 8, 1e-3, 0), lambda: fit(flow, x, 2, 8, 1e-3, "seed"),
                 lambda: from_decomposition({}), lambda: Permutation([0.5, 1.5]),
                 lambda: ActNorm(2).initialize(np.full((4, 2), np.nan)), lambda: LULinear(0, 0)):
        with pytest.raises(InputError):
            call()


def test_read_matrix_takes_a_path_object(tmp_path):
    p = tmp_path / "T.json"
    p.write_text("[[1, 0], [0, 1]]")
    assert read_matrix(p).n == 2


def test_a_flow_from_layers_states_its_error_or_refuses(tmp_path):
    """Before: from_decomposition silently built a flow off by a relative 5.4e5 from a certified mp
    decomposition (layer cond 2.7e18), raised "Exceeds the limit (4300 digits)" on exact JSON from
    2d = 32, and an AttributeError on a path."""
    from verify.flows import FlowInputError
    from verify.theorem2 import from_decomposition, to_json

    small = [[Fraction(1, 10**12), 1, 0, 1], [1, 1, 1, 0], [0, 1, 2, 1], [1, 0, 1, 4]]  # a 1e-12 pivot
    dec = decompose(small, sign_layer=True)  # exact, layer cond 1.6e23
    mp = decompose(small, "mp", digits=40, sign_layer=True)
    for src in (dec, json.loads(json.dumps(to_json(dec))), mp, to_json(mp)):
        flow = from_decomposition(src, max_error=math.inf)
        assert flow.error_kind == "certified"
        if flow.error > 1e-8:  # ill-conditioned layers (the pivot route's were 1.6e23): refused by default
            with pytest.raises(FlowInputError, match="ill-conditioned"):
                from_decomposition(src)
        else:  # accepted by default, with the same stated error
            assert from_decomposition(src).error == flow.error
        F = flow.forward_and_log_det(np.eye(4))[0].T
        Tq = np.array([[float(x) for x in r] for r in small])
        assert np.linalg.norm(F - Tq) / np.linalg.norm(Tq) <= flow.error * (1 + 1e-6) + 1e-15
    rng = np.random.default_rng(0)
    T = rng.integers(-9, 10, (16, 16))
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    long = to_json(decompose(T.tolist()))  # exact layers with long rationals: no 4300-digit error
    assert from_decomposition(long, max_error=math.inf).error_kind == "certified"
    good = decompose(T.astype(float), "float")  # the stable method: well-conditioned
    p = write(tmp_path, "g.json", json.dumps(to_json(good)))
    flow = from_decomposition(p)  # a path works
    assert flow.error <= 1e-12
    F = flow.forward_and_log_det(np.eye(16))[0].T
    assert np.linalg.norm(F - T) / np.linalg.norm(T) <= 1e-12


def test_every_condition_number_says_its_norm(tmp_path):
    """Before: max_layer_cond in the JSON was a 1-norm while the README tables are 2-norms, unsaid."""
    code, out, _ = run_in_process(["decompose", write(tmp_path, "T.json", json.dumps(G4))])
    assert "condition number (1-norm)" in out


def test_from_decomposition_beyond_ball_sizes_certifies_float_layers(monkeypatch):
    """Beyond BALL_MAX_N a float decomposition's flow error is the rigorous normwise float64 bound (no
    longer a long-double estimate): it encloses the error computed exactly here, and it is what the
    default path says at unit scale; exact and mp numbers beyond that size are still estimated."""
    import verify.theorem2.flow as fl
    from verify.theorem2 import from_decomposition

    rng = np.random.default_rng(3)
    T = rng.standard_normal((8, 8)) + 3 * np.eye(8)
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    dec = decompose(T, "float")
    ball = from_decomposition(dec)
    monkeypatch.setattr(fl, "BALL_MAX_N", 0)
    flow = from_decomposition(dec)
    assert flow.error_kind == "certified" and ball.error_kind == "certified"
    prod = [[Fraction(int(i == j)) for j in range(8)] for i in range(8)]  # the exact product of the layers
    for p in dec.pairs:
        for M in (np.block([[np.eye(4), np.zeros((4, 4))], [np.array(p.A.rows()), np.diag(p.b)]]),
                  np.block([[np.diag(p.c), np.array(p.D.rows())], [np.zeros((4, 4)), np.eye(4)]])):
            Mq = [[Fraction(float(x)) for x in r] for r in M]
            prod = [[sum((prod[i][k] * Mq[k][j] for k in range(8)), Fraction(0)) for j in range(8)] for i in range(8)]
    F = flow.forward_and_log_det(np.eye(8))[0].T
    err = math.sqrt(float(sum((Fraction(float(F[i, j])) - prod[i][j]) ** 2 for i in range(8) for j in range(8)))
                    / float(sum(x * x for r in prod for x in r)))
    assert err <= flow.error < 1e-12
    assert from_decomposition(decompose(T, "mp", digits=30), max_error=math.inf).error_kind == "estimated"
