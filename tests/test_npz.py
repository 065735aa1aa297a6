"""Binary outputs (issue 24, items 3-4): ``-o FILE.npz`` round-trips through ``verify check``,
``from_decomposition`` and :func:`verify.io.read_decomposition`; a tampered or malformed file is
refused by what its numbers are; large text is not printed on a terminal."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import decompose, from_decomposition
from verify.io import read_decomposition
from verify.theorem2.serialize import to_json, to_npz

from .helpers import assert_input_error, run, run_in_process
from .strategies import float_matrices, rational_matrices

T4 = [[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]]


def _as_read(data: dict) -> dict:
    """The JSON schema as ``json`` reads it, float layers as numbers (an .npz stores them as float64)."""
    data = json.loads(json.dumps(data))
    if data["arithmetic"] == "float":
        data["layers"] = [{k: np.array(v, dtype=float).tolist() for k, v in L.items()} for L in data["layers"]]
    return data


@settings(max_examples=12, deadline=None)
@given(rational_matrices(d_max=3), st.sampled_from(["exact", "mp", "float"]))
def test_npz_reads_back_as_the_json_schema_and_checks(tmp_path_factory, T, arithmetic):
    from verify.checkers import check

    dec = decompose(T, arithmetic, digits=30)
    path = tmp_path_factory.mktemp("npz") / "dec.npz"
    to_npz(dec, path)
    back = read_decomposition(path)
    assert back == _as_read(to_json(dec))
    result = check(T, back)
    assert result.ok == dec.verified, result.message


def test_decomposition_save_by_suffix(tmp_path):
    from verify import check
    from verify.errors import InputError

    dec = decompose(T4)
    for name in ("d.npz", "d.json"):
        size = dec.save(tmp_path / name)
        assert size == (tmp_path / name).stat().st_size
        assert read_decomposition(tmp_path / name) == json.loads(json.dumps(dec.to_json()))
        assert check(T4, read_decomposition(tmp_path / name)).ok
    with pytest.raises(InputError):
        dec.save(tmp_path / "d.txt")


def test_cli_output_npz_and_json_round_trip(tmp_path):
    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))
    for suffix, extra in ((".npz", []), (".json", []), (".npz", ["--float"]), (".npz", ["--mp", "30"])):
        out = tmp_path / f"dec{len(extra)}{suffix}"
        r = run("decompose", m, "-o", out, *extra)
        assert r.returncode == 0, r.stderr
        assert f"layers written to {out}" in r.stdout and "pair 1" not in r.stdout  # the summary only
        c = run("check", m, out)
        assert c.returncode == 0 and c.stdout.startswith("OK"), c.stdout + c.stderr
    r = run("decompose", m, "-o", tmp_path / "d.npz", "--json")
    meta = json.loads(r.stdout)
    assert "layers" not in meta and meta["output_bytes"] == (tmp_path / "d.npz").stat().st_size
    flow = from_decomposition(tmp_path / "dec1.npz")  # the float one
    assert flow.error_kind == "certified" and flow.error < 1e-12
    assert np.allclose(flow.forward_and_log_det(np.eye(4))[0].T, np.array(T4, dtype=float))


def test_a_tampered_npz_is_refused_by_its_numbers(tmp_path):
    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))
    for extra in ([], ["--float"]):
        out = tmp_path / "dec.npz"
        assert run("decompose", m, "-o", out, *extra).returncode == 0
        with np.load(out) as z:
            arrays = {k: z[k].copy() for k in z.files}
        if arrays["A"].dtype.kind == "f":
            arrays["A"][0, 0, 0] += 1e-6
        else:
            arrays["A"][0, 0, 0] = b"12345"
        np.savez(out, **arrays)  # the meta (claims: verified, residual) is left as it was
        r = run("check", m, out)
        assert r.returncode == 1 and r.stdout.startswith("MISMATCH"), r.stdout


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken", None])
def test_malformed_npz_is_one_line(tmp_path, content):
    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))
    bad = tmp_path / "bad.npz"
    if content is None:  # a real npz without the layer arrays
        np.savez(bad, meta=np.array("{}"), A=np.zeros((1, 2, 2)))
    else:
        bad.write_bytes(content)
    assert_input_error(run("check", m, bad))


def test_output_suffix_and_directory_refused_before_any_work(tmp_path):
    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))
    assert_input_error(run("decompose", m, "-o", tmp_path / "dec.txt"))
    assert_input_error(run("decompose", m, "-o", tmp_path / "no" / "dec.npz"))
    assert_input_error(run("decompose", m, "-o", tmp_path / "d.json", "--latex"))


def test_large_text_is_not_printed_on_a_terminal(tmp_path, monkeypatch):
    """Beyond TERMINAL_MAX_ENTRIES or TERMINAL_MAX_CHARS (lowered here) plain text on a terminal is the
    summary and how to get the layers; a redirected stdout still gets everything."""
    import verify.cli.construct as construct

    m = tmp_path / "t.json"
    m.write_text(json.dumps(T4))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(construct, "TERMINAL_MAX_ENTRIES", 10)
    out = Terminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        from verify.cli import main

        assert main(["decompose", str(m)]) == 0
    assert "not printed on a terminal" in out.getvalue() and "pair 1" not in out.getvalue()
    code, text, _ = run_in_process(["decompose", str(m)])  # not a terminal: the whole text
    assert code == 0 and "pair 1" in text
    monkeypatch.setattr(construct, "TERMINAL_MAX_ENTRIES", 20_000)
    monkeypatch.setattr(construct, "TERMINAL_MAX_CHARS", 100)  # few entries, but long ones (exact layers)
    out = Terminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["decompose", str(m)]) == 0
    assert "MB of text) are not printed on a terminal" in out.getvalue() and "pair 1" not in out.getvalue()


def test_max_bytes_applies_to_the_format_chosen(tmp_path):
    """Float and mp layers are refused before any work when their output (JSON, text or .npz) is
    estimated beyond --max-bytes; the message gives the .npz size, and --yes goes ahead."""
    rng = np.random.default_rng(0)
    T = rng.standard_normal((64, 64))
    T[0] *= np.sign(np.linalg.det(T))
    m = tmp_path / "t.npy"
    np.save(m, T)
    r = run("decompose", m, "--json", "--max-bytes", "1e5")
    assert_input_error(r)
    assert "as JSON" in r.stderr and "-o FILE.npz" in r.stderr
    assert_input_error(run("decompose", m, "-o", tmp_path / "d.npz", "--max-bytes", "1e5"))
    ok = run("decompose", m, "-o", tmp_path / "d.npz", "--max-bytes", "1e6")  # 8 * 2 * (32^2 + 32) * 8 bytes
    assert ok.returncode == 0, ok.stderr
    size = (tmp_path / "d.npz").stat().st_size
    assert 1e5 < size <= 1e6
    assert run("decompose", m, "--json", "--max-bytes", "1e5", "--yes").returncode == 0


HOSTILE = {
    "nan": dict(A=np.full((1, 2, 2), np.nan)),
    "int": dict(A=np.zeros((1, 2, 2), dtype=int)),
    "float32": dict(A=np.zeros((1, 2, 2), dtype=np.float32)),
    "wrong d": dict(A=np.zeros((1, 3, 3)), b=np.ones((1, 3)), c=np.ones((1, 3)), D=np.zeros((1, 3, 3))),
    "zero denominator": dict(A=np.array([[[b"1/0", b"x"], [b"1", b"2"]]])),
    "no layers": dict(A=np.zeros((0, 2, 2)), b=np.ones((0, 2)), c=np.ones((0, 2)), D=np.zeros((0, 2, 2))),
    "meta not an object": dict(meta=np.array("[1, 2]")),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_npz_is_one_line(tmp_path, kind):
    m = tmp_path / "t.json"
    m.write_text(json.dumps([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))
    arrays = dict(meta=np.array(json.dumps({"d": 2, "k": 1, "arithmetic": "float"})), A=np.zeros((1, 2, 2)),
                  b=np.ones((1, 2)), c=np.ones((1, 2)), D=np.zeros((1, 2, 2)))
    arrays.update(HOSTILE[kind])
    np.savez(tmp_path / "h.npz", **arrays)
    assert_input_error(run("check", m, tmp_path / "h.npz"))


def _arrays(data: dict) -> dict:
    """The same decomposition with every float layer block a float64 array (``arrays=True``)."""
    return {**data, "layers": [{k: np.array(v, dtype=np.float64) for k, v in L.items()} for L in data["layers"]]}


@pytest.mark.parametrize("ball_max_n", [0, None])
@settings(max_examples=10, deadline=None)
@given(T=float_matrices(d_max=3), tamper=st.sampled_from([None, 1e-7, 1e-310]))
def test_float64_arrays_are_checked_as_their_lists(ball_max_n, T, tamper):
    """``check`` given float64 arrays decides exactly as given the same numbers as lists, on the float
    normwise path (``BALL_MAX_N`` lowered to 0) and the ball path, honest or tampered (an entry moved
    by 1e-7, or one set to a subnormal, which sends the arrays to the exact readers)."""
    import verify.checkers.decomposition as checker
    from verify.checkers import check

    data = _as_read(to_json(decompose(T, "float")))
    if tamper is not None:
        A = data["layers"][0]["A"]
        A[0][0] = tamper if tamper < 1e-300 else A[0][0] + tamper
    with pytest.MonkeyPatch.context() as mp:
        if ball_max_n is not None:
            mp.setattr(checker, "BALL_MAX_N", ball_max_n)
        listed, arrayed = check(T, data), check(T, _arrays(data))
    assert (listed.ok, listed.message, listed.claims) == (arrayed.ok, arrayed.message, arrayed.claims)
    assert listed.ok or tamper is not None  # (a tampered entry that was already about 0 may still pass)


def test_arrays_of_another_shape_or_type_are_read_as_lists():
    """A float32 array is read entry by entry (its values are floats), a wrong shape is the lists'
    one-line refusal, an array of text is read as text."""
    from verify.checkers import check
    from verify.checkers.decomposition import DecompositionFormatError

    data = _as_read(to_json(decompose(T4, "float")))
    f32 = {**data, "layers": [{k: np.array(v, dtype=np.float32) for k, v in L.items()} for L in data["layers"]]}
    assert check(T4, f32).ok == check(T4, {**data, "layers": [{k: np.array(v, dtype=np.float32).tolist()
                                                                for k, v in L.items()} for L in data["layers"]]}).ok
    bad = _arrays(data)
    bad["layers"][0]["A"] = bad["layers"][0]["A"][:1]
    with pytest.raises(DecompositionFormatError):
        check(T4, bad)
    exact = to_json(decompose(T4))
    text = {**exact, "layers": [{k: np.array(v) for k, v in L.items()} for L in exact["layers"]]}
    assert check(T4, text).ok


def test_read_decomposition_arrays_are_the_lists(tmp_path):
    dec = decompose([[2.0, 1.0, 0.5, 0.0], [1.0, 3.0, 0.0, 1.0], [0.0, 1.0, 2.0, 0.5], [1.0, 0.0, 1.0, 4.0]], "float")
    dec.save(tmp_path / "d.npz")
    listed, arrayed = read_decomposition(tmp_path / "d.npz"), read_decomposition(tmp_path / "d.npz", arrays=True)
    assert all(isinstance(v, np.ndarray) and v.dtype == np.float64 for L in arrayed["layers"] for v in L.values())
    assert [{k: v.tolist() for k, v in L.items()} for L in arrayed["layers"]] == listed["layers"]
    assert {k: v for k, v in arrayed.items() if k != "layers"} == {k: v for k, v in listed.items() if k != "layers"}


@pytest.mark.parametrize("ball_max_n", [0, None])
def test_from_decomposition_reads_npz_arrays_as_the_json_numbers(tmp_path, monkeypatch, ball_max_n):
    """A float .npz gives the flow its float64 arrays as they are: the same flow and the same certified
    error as the same numbers as lists of floats, on the ball path and on the normwise one
    (BALL_MAX_N lowered)."""
    import verify.theorem2.flow as flow_module

    if ball_max_n is not None:
        monkeypatch.setattr(flow_module, "BALL_MAX_N", ball_max_n)
    T = np.random.default_rng(4).standard_normal((6, 6))
    T[0] *= np.sign(np.linalg.det(T))
    dec = decompose(T, "float")
    dec.save(tmp_path / "d.npz")
    a, b = from_decomposition(tmp_path / "d.npz"), from_decomposition(read_decomposition(tmp_path / "d.npz"))
    assert a.error_kind == b.error_kind == "certified" and a.error == b.error
    z = np.random.default_rng(0).standard_normal((5, 6))
    assert np.array_equal(a.forward_and_log_det(z)[0], b.forward_and_log_det(z)[0])


@settings(max_examples=10, deadline=None)
@given(rational_matrices(d_max=3), st.sampled_from(["exact", "mp", "float"]), st.booleans())
def test_write_json_is_json_dump_byte_for_byte(T, arithmetic, sign):
    """The streaming writer (one layer's strings at a time) writes exactly what ``json.dump`` of the
    whole schema writes, in every arithmetic."""
    from verify.theorem2.serialize import write_json

    T = [list(r) for r in T]
    if sign:
        T[0] = [-x for x in T[0]]
    dec = decompose(T, arithmetic, digits=30, sign_layer=True)
    out = io.StringIO()
    write_json(dec, out)
    assert out.getvalue() == json.dumps(to_json(dec))
