"""A fuzz test of ``verify decompose`` on hostile files (issue 13, item 4): random bytes and text in
every format, truncated and odd-dtype .npy, huge exponents, negative zero, 0x0 and 1x1, non-UTF-8
text, directories. The command must exit 0, or 2 with exactly one stderr line, and never raise.
(Exit 1, a float result missing its tolerance, is allowed only with that message.)"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import assert_clean, run_in_process

FORMATS = [".npy", ".csv", ".txt", ".mtx", ".json"]


def npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


entries = st.one_of(st.integers(-10, 10), st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e-300]))
matrices = st.integers(0, 4).flatmap(
    lambda n: st.lists(st.lists(entries, min_size=n, max_size=n), min_size=n, max_size=n)
)


def hostile_contents():
    text_matrix = matrices.map(lambda m: "\n".join(",".join(repr(x) for x in r) for r in m).encode())
    json_matrix = matrices.map(
        lambda m: ("[" + ",".join("[" + ",".join(repr(x) for x in r) + "]" for r in m) + "]").encode()
    )
    huge = st.sampled_from(
        [
            b"1e999,0\n0,1",
            b'[["1e-99999", 1], [0, 1]]',
            b"-0,0\n0,-0",
            b"1",
            b"",
            b"\xff\xfe\x00bad",
            b"%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n",
            b"1,2\n3",
            b"a,b\nc,d",
        ]
    )
    arrays = st.sampled_from([np.zeros((0, 0)), np.ones((1, 1)), np.eye(2, dtype=bool), np.eye(2, dtype=np.complex128),
                              np.array([["1", "0"], ["0", "1"]]), np.eye(3), np.arange(8.0).reshape(2, 2, 2),
                              np.array([[1e308, 1e308], [-1e308, 1e308]]), np.array([[np.nan, 1.0], [0.0, 1.0]]),
                              np.eye(2, dtype=np.int8), np.eye(2, dtype=np.float16)]).map(npy_bytes)
    truncated = arrays.flatmap(lambda b: st.integers(0, max(len(b) - 1, 0)).map(lambda k: b[:k]))
    return st.one_of(text_matrix, json_matrix, huge, arrays, truncated, st.binary(max_size=200))


@given(
    content=hostile_contents(), ext=st.sampled_from(FORMATS), mode=st.sampled_from([[], ["--float"], ["--mp", "20"]])
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_files_exit_0_or_2_with_one_line(content: bytes, ext: str, mode: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"m{ext}"
        path.write_bytes(content)
        assert_clean(*run_in_process(["decompose", str(path), *mode]))


def test_a_directory_and_a_missing_file() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for target in (tmp, str(Path(tmp) / "m.npy"), str(Path(tmp) / "missing.csv")):
            code, out, err = run_in_process(["decompose", target])
            assert code == 2
            assert_clean(code, out, err)


def test_found_by_the_fuzzer() -> None:
    """Each of these raised before: an empty .npy (EOFError), an exact 1e999 in float mode
    (OverflowError), a bound that overflowed to inf in the outward rounding (OverflowError; since the
    power-of-two normalisation, -1e308 I decomposes), and T with condition number 1e616 and
    det T = 1 (ZeroDivisionError, ValueError in the float and mp constructions)."""
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("m.npy", b"", [], 2),
            ("m.csv", b"1e999,0\n0,1", ["--float"], 2),
            ("m.json", b"[[-1e+308,0],[0,-1e+308]]", ["--mp", "20"], 0),
            ("m.json", b"[[0,1],[-1,1e+308]]", ["--float"], 2),
            ("m.json", b"[[0,1],[-1,1e+308]]", ["--mp", "20"], 2),
            ("m.json", b"[[0,0,0,1.0],[0,0,-1,0],[-1,0,0,0],[0,-1,1e+308,0]]", ["--float"], 2),
            # a JSON number is a decimal, read exactly: exact mode (the default) carries cond 1e616
            ("m.json", b"[[0,1],[-1,1e+308]]", [], 0),
        ]
        for name, content, mode, expected in cases:
            path = Path(tmp) / name
            path.write_bytes(content)
            code, out, err = run_in_process(["decompose", str(path), *mode])
            assert code == expected, (content, mode, err)
            assert_clean(code, out, err)


# -- the checkers and the arguments (issue 14) ----------------------------------------------------
def assert_checked(code: int, out: str, err: str) -> None:
    """A checker's outcome: a verdict (exit 0 "OK", exit 1 "MISMATCH"/"FAILED") or one line (exit 2)."""
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("verify: error:"), err
        assert out == ""
    else:
        assert code in (0, 1), (code, err)
        assert out.startswith("OK" if code == 0 else ("MISMATCH", "FAILED")), out


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["nan", "inf", "-1", "1e9999999", "1/0", "0", "2", "1e-300"]),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _valid_files() -> tuple[str, dict, dict]:
    import json

    from verify import counterexample, decompose
    from verify.theorem2.serialize import to_json

    T = [[2, 1, 0, 1], [1, 3, 1, 0], [0, 1, 2, 1], [1, 0, 1, 4]]
    return json.dumps(T), to_json(decompose(T, "float")), counterexample(2).to_json()


VALID = _valid_files()
DEC_FIELDS = sorted(VALID[1]) + ["layers.0.A", "layers.0.b", "layers.1.c.0", "layers.2.D.1"]
CERT_FIELDS = sorted(VALID[2]) + ["certificate.type", "certificate.T11_diagonal", "T.0", "k3.layers", "k3.tolerance"]


def _mutate(data: dict, path: str, value: object) -> dict:
    import copy

    data = copy.deepcopy(data)
    keys = path.split(".")
    node = data
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def hostile_json(valid: dict, fields: list[str]):
    import json

    mutated = st.tuples(st.sampled_from(fields), json_values).map(lambda fv: json.dumps(_mutate(valid, *fv)).encode())
    dropped = st.sampled_from(sorted(valid)).map(
        lambda k: json.dumps({x: v for x, v in valid.items() if x != k}).encode()
    )
    text = json.dumps(valid).encode()
    truncated = st.integers(0, len(text) - 1).map(lambda k: text[:k])
    other = st.sampled_from([b"", b"[" * 5000 + b"]" * 5000, b"{}", b"[]", b"null", b"\xff\xfe", b'{"layers": 1}'])
    return st.one_of(mutated, dropped, truncated, other, json_values.map(lambda v: json.dumps(v).encode()),
                     st.binary(max_size=100))


@given(
    content=hostile_json(VALID[1], DEC_FIELDS), extra=st.sampled_from([[], ["--tol", "1e-12"], ["--regime", "signed"]])
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_check_on_hostile_decompositions(content: bytes, extra: list[str]) -> None:
    import time

    with tempfile.TemporaryDirectory() as tmp:
        T, dec = Path(tmp) / "T.json", Path(tmp) / "dec.json"
        T.write_text(VALID[0])
        dec.write_bytes(content)
        t = time.perf_counter()
        assert_checked(*run_in_process(["check", str(T), str(dec), *extra]))
        assert time.perf_counter() - t < 30  # a bounded parse: no hang


@given(content=hostile_json(VALID[2], CERT_FIELDS), extra=st.sampled_from([[], ["--no-k3"], ["--regime", "signed"]]))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_check_certificate_on_hostile_certificates(content: bytes, extra: list[str]) -> None:
    import time

    with tempfile.TemporaryDirectory() as tmp:
        cert = Path(tmp) / "ce.json"
        cert.write_bytes(content)
        t = time.perf_counter()
        assert_checked(*run_in_process(["check-certificate", str(cert), *extra]))
        assert time.perf_counter() - t < 30


@given(command=st.sampled_from(["decompose", "depth", "check", "check-certificate", "survey", "search"]),
       seed=st.one_of(st.integers(-2**70, -1), st.sampled_from(["x", "1.5", "", "-0x1"])),
       long_name=st.booleans())
@settings(max_examples=60, deadline=None)
def test_bad_seeds_and_long_paths(command: str, seed: object, long_name: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        name = str(Path(tmp) / (("a" * 300 if long_name else "m") + ".json"))
        args = {"decompose": ["decompose", name], "depth": ["depth", name], "check": ["check", name, name],
                "check-certificate": ["check-certificate", name], "survey": ["survey", "--d", "1"],
                "search": ["search", "--d", "1", "--family", "gaussian"]}[command]
        code, out, err = run_in_process([*args, "--seed", str(seed)] if command != "check" else args)
        assert code == 2
        assert_clean(code, out, err)
