"""The layer algebra (one implementation, three arithmetics) and the triangular tools."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify.algebra import get_arithmetic
from verify.algebra.layers import (
    E,
    F,
    L_matrix,
    Pair,
    U_matrix,
    apply_pairs,
    convert_pairs,
    det_pairs,
    inverse_layers,
    log_abs_det,
    pairs_from_factors,
    pairs_product,
    product,
)
from verify.algebra.triangular import ldu, lower_eigenvectors, upper_eigenvectors

ARITHMETICS = ["exact", "mp", "float"]


def random_pairs(ar, rng, d, k):
    out = []
    for _ in range(k):
        A = ar.random_integer_matrix(rng, d, -4, 4)
        D = ar.random_integer_matrix(rng, d, -4, 4)
        b = tuple(ar.scalar(Fraction(int(x), 2)) for x in rng.integers(1, 6, size=d))
        c = tuple(ar.scalar(Fraction(int(x), 3)) for x in rng.integers(1, 6, size=d))
        out.append(Pair(A, b, c, D))
    return out


def close(ar, M, N, tol=1e-10):
    a, b = ar.to_numpy(M.v), ar.to_numpy(N.v)
    if ar.exact:
        return M.rows() == N.rows()
    return np.allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(b).max()))


@pytest.mark.parametrize("name", ARITHMETICS)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_product_inverse_det(name, d, k, seed):
    ar = get_arithmetic(name, 30)
    rng = np.random.default_rng(seed)
    pairs = random_pairs(ar, rng, d, k)
    T = pairs_product(ar, pairs)
    # structured application agrees with the plain product
    assert close(ar, apply_pairs(ar, pairs, ar.eye(2 * d)), T)
    # inverse layers multiply to the inverse
    assert close(ar, product(ar, inverse_layers(ar, pairs)), T.inv(), 1e-7)
    # det and log|det|
    det = det_pairs(ar, pairs)
    if ar.exact:
        assert det == T.det()
    # float: det(T) of the multiplied-out product loses digits to cancellation; the pair formula does not
    rel = {"exact": 1e-12, "mp": 1e-12, "float": 1e-6}[name]
    assert math.isclose(ar.to_float(det), ar.to_float(T.det()), rel_tol=rel)
    assert math.isclose(log_abs_det(ar, pairs), math.log(abs(ar.to_float(T.det()))), rel_tol=rel, abs_tol=rel)


@pytest.mark.parametrize("name", ARITHMETICS)
def test_pair_is_E_diag_F(name):
    """L(A,b) U(c,D) = E(A) diag(c,b) F(c^{-1} D), the reduction the construction relies on."""
    ar = get_arithmetic(name, 30)
    rng = np.random.default_rng(1)
    (p,) = random_pairs(ar, rng, 3, 1)
    one = ar.scalar(1)
    lhs = L_matrix(ar, p.A, p.b) @ U_matrix(ar, p.c, p.D)
    rhs = E(ar, p.A) @ ar.diag(list(p.c) + list(p.b)) @ F(ar, p.D.scale_rows([one / x for x in p.c]))
    assert close(ar, lhs, rhs)
    # and pairs_from_factors reads the word E(X) F(Y) Delta: here E(A) diag(c,b) F(c^{-1}D) =
    # E(A) F(D b^{-1}) diag(c,b)
    pairs = pairs_from_factors(ar, [("E", p.A), ("F", p.D.scale_columns([one / x for x in p.b]))], list(p.c), list(p.b))
    assert close(ar, pairs_product(ar, pairs), lhs)


def test_pairs_from_factors_rejects_bad_words():
    ar = get_arithmetic("exact")
    X = ar.eye(2)
    with pytest.raises(ValueError):
        pairs_from_factors(ar, [("F", X), ("E", X)], [1, 1], [1, 1])


@pytest.mark.parametrize("name", ARITHMETICS)
@given(st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_ldu_and_eigenvectors(name, n, seed):
    ar = get_arithmetic(name, 30)
    rng = np.random.default_rng(seed)
    W = ar.random_integer_matrix(rng, n, -5, 5)
    fact = ldu(ar, W)
    if fact is None:  # a leading minor vanishes: check that claim exactly
        assert any(np.isclose(np.linalg.det(ar.to_numpy(W.v)[:i, :i]), 0, atol=1e-9) for i in range(1, n + 1))
        return
    L0, g, U0 = fact
    assert close(ar, L0 @ ar.diag(g) @ U0, W)
    vals = rng.permutation(np.arange(1, n + 1))
    Uu = ar.from_fractions([[int(vals[i]) if i == j else (int(x) if j > i else 0) for j, x in enumerate(r)]
                            for i, r in enumerate(np.rint(ar.to_numpy(W.v)).astype(int))])
    V = upper_eigenvectors(ar, Uu)
    assert close(ar, Uu @ V, V @ ar.diag(Uu.diagonal()), 1e-8)
    Lw = Uu.T
    Vl = lower_eigenvectors(ar, Lw)
    assert close(ar, Lw @ Vl, Vl @ ar.diag(Lw.diagonal()), 1e-8)


def test_convert_pairs_between_arithmetics():
    """exact -> float is correctly rounded, float -> exact is exact, and the float product of
    converted exact layers is close to T."""
    from verify import decompose

    T = [[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]]
    dec = decompose(T)
    fl = dec.pairs_in("float")
    ex = get_arithmetic("exact")
    for p_exact, p_float in zip(dec.pairs, fl):
        for x, y in zip(p_exact.A.rows()[0], p_float.A.rows()[0]):
            assert y == float(Fraction(str(x)))  # correctly rounded
    back = convert_pairs(fl, get_arithmetic("float"), ex)
    assert all(float(Fraction(str(a))) == b for pe, pf in zip(back, fl) for a, b in zip(pe.b, pf.b))
    P = pairs_product(get_arithmetic("float"), fl)
    assert np.allclose(P.v, np.array(T, dtype=float), rtol=1e-9, atol=1e-9)


def test_commutator_tridiagonal_chain_needs_all_h_distinct():
    """A tridiagonal W (a chain, not 2x2 blocks) whose minors repeat non-adjacently must be refused
    (or handled), not crash: P_Q is then full upper triangular."""
    from verify.theorem2.construction import _coupled, commutator

    ex = get_arithmetic("exact")
    W = ex.from_fractions([[2, 1, 0], [1, 1, 1], [0, 1, Fraction(3, 2)]])
    assert len(_coupled(ex, W)) == 3  # chain: every pair counts
    B = ex.from_fractions([[2, 1, 0, 0], [-1, 1, 0, 0], [0, 0, 3, 0], [0, 0, 0, Fraction(1, 9)]])
    assert _coupled(ex, B) == [(0, 1)]  # genuine 2x2 block plus 1x1 blocks
    # det W = 1 after scaling; the call must return a valid commutator or None, never raise
    detW = W.det()
    Wn = W.scale_rows([1 / detW, 1, 1])
    out = commutator(ex, Wn, ex.eye(3), Wn)
    if out is not None:
        P, Pi, H, Hi = out
        assert (Wn @ P).rows() == (Hi @ P @ H).rows()


def test_arithmetics_are_objects_that_answer_capabilities():
    """Issue 23: arithmetics are passed as objects and answer what callers used to ask by name."""
    from fractions import Fraction

    from verify import decompose
    from verify.algebra.arith import Exact, Float, Mp, as_arithmetic
    from verify.algebra.arith.floating import FloatArithmetic
    from verify.errors import Unsupported

    T = [[2, 1, 0, 0], [1, 3, 0, 1], [0, 1, 4, 1], [1, 0, 1, 5]]
    dec = decompose(T, arithmetic=Mp(40))
    assert dec.verified and dec.ar.digits == 40 and dec.ar.precision_bits == Mp(40).precision_bits
    assert decompose(T, "mp", digits=40).ar.precision_bits == dec.ar.precision_bits  # the string convenience
    assert decompose(T, Exact()).ar.exact and isinstance(decompose(T, Float()).ar, FloatArithmetic)
    assert (Exact().fixed_precision, Mp(30).fixed_precision, Float().fixed_precision) == (False, False, True)
    assert (Exact().precision_bits, Float().precision_bits) == (None, 53)
    third, big = Fraction(1, 3), Fraction(2) ** 1100
    assert Exact().represents(third) and not Float().represents(third) and not Mp(30).represents(third)
    assert Float().represents(Fraction(3, 4)) and not Float().represents(big) and Mp(30).represents(big)
    assert Float().ldexp(np.array([[1e308]]), 10, strict=True) is None
    assert Float().ldexp(np.array([[1.5]]), -3, strict=True)[0, 0] == 1.5 / 8
    assert (Exact().default_tolerance(), Float().default_tolerance(), Mp(40).default_tolerance()) == \
        (0.0, 1e-8, Fraction(1, 10**20))
    with pytest.raises(Unsupported):
        Exact().svd(Exact().eye(2).v)
    with pytest.raises(Unsupported):
        Mp(30).real_eigenbasis(Mp(30).eye(2).v)
    with pytest.raises(Unsupported):
        Exact().cos_sin(0.5)  # no silent float from an exact arithmetic
    with pytest.raises(Unsupported):
        Exact().root(Fraction(2), 2)
    with pytest.raises(ValueError, match="arithmetic must be"):
        as_arithmetic(3.5)


def test_no_caller_tests_an_arithmetic_by_its_name():
    """`name ==` / `arithmetic ==` tests live only inside the arithmetic package (issue 23)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "verify"
    pattern = re.compile(r"name ==|arithmetic ==|name !=|arithmetic !=")
    found = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py") if "algebra/arith" not in p.as_posix()
             for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert not found, found
