"""The input layer: one validated MatrixInput per input, its views agree with each other, and the
pipelines reuse it instead of converting T again."""
from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import scipy.io
from hypothesis import given
from hypothesis import strategies as st

import verify.io.matrix as matrix_module
from verify.cli import main
from verify.depth import depth
from verify.errors import MatrixShapeError, MatrixValueError
from verify.io import MatrixInput, as_matrix, read_matrix
from verify.theorem2 import decompose
from verify.theorem3 import certify
from verify.theorem3.counterexample import trace_family

from .strategies import _det, rational_matrices

HALF_SWAP = [[0, 0, 1, 0], [0, 0, 0, 1], [-1, 0, 0, 0], [0, -1, 0, 0]]


@given(rational_matrices(d_max=4))
def test_views_agree(rows):
    M = as_matrix(rows)
    assert M.rows == rows and M.n == len(rows) and M.d == len(rows) // 2
    assert M.det == _det(rows) and M.det_sign == 1
    inv = M.inverse
    n = M.n
    assert all(sum((rows[i][k] * inv[k][j] for k in range(n)), Fraction(0)) == (i == j)
               for i in range(n) for j in range(n))
    assert np.array_equal(M.array, np.array([[float(x) for x in r] for r in rows]))
    assert M.float_exact == all(Fraction(float(x)) == x for r in rows for x in r)
    assert as_matrix(M) is M


@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_float_array_rows_are_the_stored_binary_values(d, seed):
    a = np.random.default_rng(seed).standard_normal((2 * d, 2 * d))
    M = as_matrix(a)
    assert M.has_array and M.binary_float and M.float_exact
    assert "rows" not in M.__dict__  # not converted until an exact consumer asks
    assert M.rows == [[Fraction(x) for x in r] for r in a.tolist()]
    assert M.array is not a or np.array_equal(M.array, a)


def test_integer_arrays_beyond_2_53_are_not_float_exact():
    a = np.array([[2**60 + 1, 0], [0, 1]], dtype=np.int64)
    M = as_matrix(a)
    assert not M.binary_float and not M.float_exact and M.rows[0][0] == 2**60 + 1
    assert as_matrix(np.array([[2**60, 0], [0, 1]], dtype=np.int64)).float_exact  # a power of two is


@pytest.mark.parametrize("data, error", [
    ([], MatrixShapeError), ([[1, 2], [3]], MatrixShapeError), ([[1, 2, 3]] * 3, MatrixShapeError),
    (np.zeros((0, 0)), MatrixShapeError), (np.zeros((2, 3)), MatrixShapeError), (np.zeros((3, 3)), MatrixShapeError),
    (np.array([[1.0, np.nan], [0, 1]]), MatrixValueError), ([[1, "x"], [0, 1]], MatrixValueError),
    ([[1, float("inf")], [0, 1]], MatrixValueError),
])
def test_bad_input_is_refused_once_at_the_boundary(data, error):
    with pytest.raises(error):
        as_matrix(data)


@pytest.mark.parametrize("fmt", ["json", "csv", "txt", "mtx", "npy"])
def test_files_give_one_validated_input_with_its_source(tmp_path, fmt):
    T = np.array(HALF_SWAP, dtype=float if fmt == "npy" else int)
    p = tmp_path / f"T.{fmt}"
    if fmt == "json":
        p.write_text(json.dumps(HALF_SWAP))
    elif fmt in ("csv", "txt"):
        p.write_text("\n".join((", " if fmt == "csv" else " ").join(str(x) for x in r) for r in HALF_SWAP))
    elif fmt == "mtx":
        scipy.io.mmwrite(str(p), T)
    else:
        np.save(p, T)
    M = read_matrix(str(p))
    assert isinstance(M, MatrixInput) and M.source == fmt
    assert M.rows == [[Fraction(x) for x in r] for r in HALF_SWAP]
    assert M.binary_float == (fmt == "npy")  # .mtx is text, kept exact by default


def test_depth_converts_the_input_once(tmp_path, monkeypatch):
    """`verify depth FILE` turns each entry into a Fraction exactly once, and the exact det and
    inverse it needs are computed once, on the shared input."""
    calls = []
    real = matrix_module.to_fraction
    monkeypatch.setattr(matrix_module, "to_fraction", lambda x, where="": calls.append(x) or real(x, where))
    p = tmp_path / "T.json"
    p.write_text(json.dumps(HALF_SWAP))
    assert main(["depth", str(p), "--json"]) == 0
    assert len(calls) == 16
    calls.clear()
    M = as_matrix(trace_family(2, "positive"))  # needs k = 3; the certificate reads det and T^-1
    result = depth(M)
    assert result.k_min == 3 and result.per_k[2].status == "impossible"
    assert len(calls) == 16  # the as_matrix above, nothing inside depth
    assert {"det", "inverse", "flint"} <= set(M.__dict__)  # the pipeline used this input's caches
    inverse = M.__dict__["inverse"]
    certify(M, "positive")
    decompose(M)
    assert M.__dict__["inverse"] is inverse and len(calls) == 16


@given(st.one_of(st.integers(-10**60, 10**60), st.fractions().map(lambda q: f"{q.numerator}/{q.denominator}"),
                 st.tuples(st.integers(-10**40, 10**40), st.integers(-10**40, 10**40).filter(bool))
                 .map(lambda t: f"{t[0]} / {t[1]:+d}"),
                 st.decimals(allow_nan=False, allow_infinity=False).map(str)))
def test_the_flint_reader_reads_the_same_number(x):
    """``to_fmpq`` (the exact checker's fast reader) and ``to_fraction`` agree on every form, including
    unreduced ratios, signs on the denominator, and decimals (which take the Fraction path)."""
    from verify.io.entries import to_fmpq, to_fraction

    f, q = to_fraction(x), to_fmpq(x)
    assert (int(q.p), int(q.q)) == (f.numerator, f.denominator)


def test_the_flint_reader_refuses_like_the_fraction_reader():
    from verify.io.entries import to_fmpq

    for bad in ("1/0", "nan", "x/2", True):
        with pytest.raises(ValueError):
            to_fmpq(bad)
