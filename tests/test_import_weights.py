"""`verify import` and verify.export.linear: trained invertible linear weights read exactly, certified
(invertibility and det sign exactly, cond_1 enclosed), and checked against each library's own map.
flowjax and safetensors are test dependencies; the torch-based libraries (zuko, nflows, normflows)
are not: their tests are skipped by name where torch or the library is absent."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.export.linear import ImportedLinear, WeightError, certify_linear, linear_from, load_linear


def run(*args: str) -> subprocess.CompletedProcess:
    """``verify import ARGS`` in this process (the command line's own ``main``; one test runs it as a
    subprocess too): the exit code and what it printed."""
    import contextlib
    import io

    from verify.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def float_matrix(W: list[list[Fraction]]) -> np.ndarray:
    return np.array([[float(x) for x in r] for r in W])


def exact_cond_1(rows: list[list[Fraction]]) -> Fraction:
    import flint

    n = len(rows)
    inv = flint.fmpq_mat(n, n, [flint.fmpq(x.numerator, x.denominator) for r in rows for x in r]).inv()
    inv_rows = [[Fraction(int(inv[i, j].p), int(inv[i, j].q)) for j in range(n)] for i in range(n)]
    norm = lambda M: max(sum(abs(M[i][j]) for i in range(n)) for j in range(n))  # noqa: E731
    return norm(rows) * norm(inv_rows)


ENTRY = st.integers(-4, 4) | st.fractions(-3, 3, max_denominator=7)


@given(st.integers(1, 5).flatmap(lambda n: st.lists(st.lists(ENTRY, min_size=n, max_size=n), min_size=n, max_size=n)))
@settings(max_examples=40, deadline=None)
def test_certificate_is_exact_on_rational_matrices(rows):
    """Invertible iff det != 0, the det sign exactly, and the enclosure contains the exact cond_1."""
    import flint

    n = len(rows)
    rows = [[Fraction(x) for x in r] for r in rows]
    det = flint.fmpq_mat(n, n, [flint.fmpq(x.numerator, x.denominator) for r in rows for x in r]).det()
    cert = certify_linear(ImportedLinear(rows, "drawn"))
    assert cert.invertible == (det != 0)
    if det == 0:
        assert cert.cond_1 is None and cert.det_sign == 0
        return
    assert cert.det_sign == (1 if det > 0 else -1)
    exact = exact_cond_1(rows)
    lo, hi = cert.cond_1
    assert Fraction(lo) <= exact <= Fraction(hi)


def test_float32_weights_are_read_exactly_and_files_agree(tmp_path):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 6)).astype(np.float32)
    lin = linear_from(W)
    assert lin.rows == [[Fraction(float(x)) for x in r] for r in W.tolist()]
    np.save(tmp_path / "w.npy", W)
    np.savez(tmp_path / "w.npz", a=W, b=np.eye(3))
    assert load_linear(tmp_path / "w.npy").rows == lin.rows
    assert load_linear(tmp_path / "w.npz", "a").rows == lin.rows
    kernel = W[:, :, None, None]  # a 1x1 convolution kernel
    assert linear_from(kernel).rows == lin.rows
    from safetensors.numpy import save_file

    save_file({"layer.W": W}, str(tmp_path / "w.safetensors"))
    assert load_linear(tmp_path / "w.safetensors", "layer.W").rows == lin.rows


def test_cli_certifies_decomposes_and_refuses(tmp_path):
    rng = np.random.default_rng(1)
    W = rng.standard_normal((8, 8)).astype(np.float32)
    if np.linalg.det(W) < 0:
        W[0] *= -1
    np.save(tmp_path / "w.npy", W)
    r = run(str(tmp_path / "w.npy"), "--decompose", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["certificate"]["invertible"] and out["certificate"]["det_sign"] == 1
    assert out["decomposition"]["verified"] and out["decomposition"]["method"] == "stable"
    r = run(str(tmp_path / "w.npy"), "--decompose", "--exact", "-o", str(tmp_path / "dec.json"))
    assert r.returncode == 0 and "exact product of the layers equals T" in r.stdout
    from verify import check

    assert check(W.astype(np.float64), json.loads((tmp_path / "dec.json").read_text())).ok
    r = run(str(tmp_path / "w.npy"), "--depth", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["depth"]["k_min"] in (2, 3)
    # det < 0: certified, then refused by --decompose without --sign-layer (one line, exit 2)
    np.save(tmp_path / "neg.npy", np.diag([-1.0, 1, 1, 1]).astype(np.float32))
    r = run(str(tmp_path / "neg.npy"))
    assert r.returncode == 0 and "sign -" in r.stdout
    r = run(str(tmp_path / "neg.npy"), "--decompose")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    # singular: exit 1, said plainly
    S = W.copy()
    S[3] = S[2]
    np.save(tmp_path / "s.npy", S)
    r = run(str(tmp_path / "s.npy"), "--decompose")
    assert r.returncode == 1 and "NOT invertible" in r.stdout
    # odd size: certified; --decompose refused
    np.save(tmp_path / "odd.npy", np.eye(3, dtype=np.float32))
    assert run(str(tmp_path / "odd.npy")).returncode == 0
    r = run(str(tmp_path / "odd.npy"), "--decompose")
    assert r.returncode == 2 and "odd size" in r.stderr
    for bad in (["missing.npy"], [str(tmp_path / "w.npy"), "--key", "x"], ["x.txt"]):
        r = run(*bad)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "verify", "import", str(tmp_path / "s.npy")], capture_output=True,
                       text=True)  # the real process: exit code 1 and one line on stderr for a singular weight
    assert r.returncode == 1 and r.stderr.strip() == "verify: the weight is singular"


def test_weights_that_are_not_one_finite_square_matrix_are_refused():
    for bad in (np.zeros((3, 4)), np.zeros((2, 2, 2)), np.array([[np.nan, 0], [0, 1]]), np.zeros((0, 0))):
        with pytest.raises(WeightError):
            linear_from(bad)
    with pytest.raises(ValueError):  # WeightError is a ValueError, as every input error
        linear_from([["a", "b"], ["c", "d"]])


def test_flowjax_triangular_householder_chain_match_flowjax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from flowjax.bijections import Chain, Householder, TriangularAffine

    rng = np.random.default_rng(2)
    n = 6
    tri = TriangularAffine(jnp.zeros(n), jnp.asarray(np.tril(rng.standard_normal((n, n))) + 2 * np.eye(n)))
    hh = Householder(jnp.asarray(rng.standard_normal(n)))
    chain = Chain([tri, hh])
    x = rng.standard_normal(n)
    for bij in (tri, hh, chain):
        lin = linear_from(bij)
        y = np.asarray(bij.transform(jnp.asarray(x)))
        W = float_matrix(lin.rows)
        assert np.allclose(W @ x, y, rtol=1e-12, atol=1e-12), type(bij).__name__
        cert = certify_linear(lin)
        assert cert.invertible and cert.det_sign == int(np.sign(np.linalg.det(W)))
    assert abs(float(linear_from(hh).det) + 1) < 1e-14


def test_a_factor_that_is_not_triangular_is_not_taken_for_one():
    """The determinant comes from the factors' diagonals only when the factors ARE triangular (read from
    the numbers, not from the layer's type): an LU layer whose L was edited off-triangular gets the exact
    determinant of the product it applies, and its sign, not the diagonals' product."""
    import flint

    class LULinearTransform:  # zuko's attribute layout: W = L U
        def __init__(self, L, U):
            self.L, self.U = L, U

    L = np.array([[1.0, 0.0], [0.0, 1.0]])
    L[0, 1], L[1, 0] = 3.0, 1.0  # no longer lower triangular: its diagonal says det 1, the matrix has det -2
    U = np.array([[1.0, 0.0], [0.0, 1.0]])
    lin = linear_from(LULinearTransform(L, U))
    assert lin.det is None  # no shortcut taken
    cert = certify_linear(lin)
    W = lin.rows
    exact = flint.fmpq_mat(2, 2, [flint.fmpq(x.numerator, x.denominator) for r in W for x in r]).det()
    assert exact == -2 and cert.det_sign == -1  # the diagonals' product would have said +1
    honest = linear_from(LULinearTransform(np.tril(L), U))
    assert honest.det == 1 and certify_linear(honest).det_sign == 1
