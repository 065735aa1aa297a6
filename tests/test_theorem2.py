"""Theorem 2 as an algorithm: every decomposition is re-multiplied by the independent checker."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from verify import decompose
from verify.checkers import check
from verify.errors import NegativeDeterminantError, SingularMatrixError
from verify.theorem2.serialize import to_json

from .strategies import _det, permutation_matrices, rational_matrices, structured_matrices


def assert_exact_decomposition(T):
    dec = decompose(T, "exact")
    assert dec.verified
    assert dec.k in (1, 3)
    assert all(x > 0 for p in dec.pairs for x in (*p.b, *p.c))
    res = check(T, to_json(dec))  # independent code path: plain rationals, strings re-parsed
    assert res.ok, res.message
    return dec


@given(rational_matrices())
def test_random_rational_matrices_decompose_exactly(T):
    assert_exact_decomposition(T)


@given(permutation_matrices())
def test_permutations_decompose_exactly(T):
    assert_exact_decomposition(T)


@given(structured_matrices())
def test_adversarial_block_structure(T):
    assert_exact_decomposition(T)


@pytest.mark.parametrize("d", [2, 4, 6])
def test_half_swap_is_three_pairs(d):
    n = 2 * d
    J = [[int(j == (i + d) % n) for j in range(n)] for i in range(n)]
    dec = assert_exact_decomposition(J)
    assert dec.k == 3


@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_single_pair_is_found_at_k1(d, seed):
    rng = np.random.default_rng(seed)
    A = rng.integers(-5, 6, size=(d, d))
    D = rng.integers(-5, 6, size=(d, d))
    b = rng.integers(1, 7, size=d)
    c = rng.integers(1, 7, size=d)
    L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]])
    U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]])
    dec = assert_exact_decomposition((L @ U).tolist())
    assert dec.k == 1


def test_identity_and_diagonal_are_one_pair():
    assert decompose(np.eye(6).tolist(), "exact").k == 1
    assert decompose([[2, 0], [0, Fraction(1, 3)]]).k == 1


def test_the_api_follows_the_input_like_the_cli():
    """Issue 22: a float array goes to float64 and the stable method (it ran exact arithmetic for 80 s
    at 2d = 24), exact entries stay exact, and exact work over a minute is refused with its estimate
    unless the caller lifts the bound."""
    from verify.theorem2.decompose import ExactCostError

    G = np.random.default_rng(0).standard_normal((24, 24)) + 3 * np.eye(24)
    dec = decompose(G)
    assert dec.ar.name == "float" and dec.method == "stable" and dec.verified
    assert decompose([[2, 1], [1, 1]]).ar.name == "exact"
    big = np.random.default_rng(1).integers(-999, 1000, (80, 80))  # estimated 4.5 minutes
    with pytest.raises(ExactCostError, match="minutes"):
        decompose(big.tolist())
    with pytest.raises(ExactCostError):
        decompose([[2, 1], [1, 1]], max_seconds=0)


def test_negative_determinant_refused_or_sign_layer():
    T = [[0, 1], [1, 0]]
    with pytest.raises(NegativeDeterminantError):
        decompose(T)
    dec = decompose(T, sign_layer=True)
    assert dec.sign_layer and dec.verified
    assert check(T, to_json(dec)).ok
    # the sign layer is not silently dropped: without it the same layers do not give T
    data = to_json(dec)
    data["sign_layer"] = False
    assert not check(T, data).ok


def test_singular_refused():
    with pytest.raises(SingularMatrixError):
        decompose([[1, 2], [2, 4]])
    with pytest.raises(SingularMatrixError):
        decompose(np.zeros((4, 4)), "float")


@given(rational_matrices(d_max=4))
@settings(max_examples=15)
def test_mp_and_float_residual_bound_holds(T):
    """The stated bound is >= the true relative residual of the returned (rounded) layers,
    computed here exactly in rationals from the float entries."""
    for arithmetic in ("mp", "float"):
        dec = decompose(T, arithmetic, digits=30)
        if not dec.verified:
            continue
        ar = dec.ar
        from verify.algebra import get_arithmetic
        from verify.algebra.layers import Pair, pairs_product

        ex = get_arithmetic("exact")
        fr = lambda x: ex.scalar(Fraction(ar.to_str(x)))  # noqa: E731  (the layers as the JSON states them)
        conv = lambda M: ex.matrix([[fr(x) for x in r] for r in M.rows()])  # noqa: E731
        pe = [Pair(conv(p.A), tuple(fr(x) for x in p.b), tuple(fr(x) for x in p.c), conv(p.D)) for p in dec.pairs]
        P = pairs_product(ex, pe)
        Te = ex.from_fractions(T)
        num = sum(float(x) ** 2 for r in (P - Te).rows() for x in r) ** 0.5
        den = sum(float(x) ** 2 for r in Te.rows() for x in r) ** 0.5
        assert num / den <= dec.residual * (1 + 1e-9) + 1e-300


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_float_mode_small_d_verified(d):
    rng = np.random.default_rng(d)
    T = rng.standard_normal((2 * d, 2 * d))
    if np.linalg.det(T) < 0:
        T[0] *= -1
    dec = decompose(T, "float", method="minimal")
    assert dec.verified and dec.k == 3
    assert dec.residual <= 1e-8
    assert check(T.tolist(), to_json(dec)).ok


def test_tampered_decomposition_is_rejected():
    T = [[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]]
    data = to_json(decompose(T))
    data["layers"][1]["A"][0][0] = str(Fraction(data["layers"][1]["A"][0][0]) + Fraction(1, 10**9))
    assert not check(T, data).ok
    data = to_json(decompose(T))
    data["layers"][2]["b"][0] = "-" + data["layers"][2]["b"][0]
    assert not check(T, data).ok


@given(st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans(), st.data())
@settings(max_examples=40)
def test_exact_check_from_both_ends_rejects_any_single_change(d, seed, sign, data):
    """The exact checker compares the first half of the layers with T times the inverses of the second
    half: a change of one entry in any layer, on either side of the split (A, b, c or D), is caught,
    and the untouched file (with or without the sign layer) passes, with a positive residual bound
    reported for the changed one."""
    rng = np.random.default_rng(seed)
    T = rng.integers(-5, 6, size=(2 * d, 2 * d))
    det = round(np.linalg.det(T))
    if det == 0:
        T = T + 7 * np.eye(2 * d, dtype=int)
        det = round(np.linalg.det(T))
    if (det < 0) != sign:
        T[0] *= -1
    assume(round(np.linalg.det(T)) != 0)
    good = to_json(decompose(T.tolist(), sign_layer=sign))
    assert check(T.tolist(), good).ok
    bad = to_json(decompose(T.tolist(), sign_layer=sign))
    layer = data.draw(st.integers(0, len(bad["layers"]) - 1))
    key = data.draw(st.sampled_from("AbcD"))
    i = data.draw(st.integers(0, d - 1))
    j = data.draw(st.integers(0, d - 1))
    where = bad["layers"][layer][key]
    if key in "AD":
        where[i][j] = str(Fraction(where[i][j]) + Fraction(1, 3))
    else:
        where[i] = str(Fraction(where[i]) + Fraction(1, 3))  # stays positive: the product check must see it
    res = check(T.tolist(), bad)
    assert not res.ok and "differs" in res.message


def test_float_eigenbasis_path_mid_size_and_certified_check():
    """2d = 32: the float construction (real eigenbasis for Lemma C) verifies, the independent
    ball-arithmetic check agrees, and it refuses a tolerance (the caller's) below the certified residual."""
    rng = np.random.default_rng(7)
    n = 32
    T = rng.standard_normal((n, n)) + 2 * np.sqrt(n) * np.eye(n)
    if np.linalg.det(T) < 0:
        T[0] *= -1
    dec = decompose(T, "float", method="minimal")
    assert dec.verified and dec.k == 3 and dec.residual <= 1e-10
    data = to_json(dec)
    assert check(T.tolist(), data).ok
    assert not check(T.tolist(), data, tol=dec.residual / 100).ok


def test_float_input_rounding_is_part_of_the_bound():
    """T with 1/3 is rounded on input in float mode; the stated bound covers the user's exact T."""
    T = [[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, Fraction(1, 3)], [0, 0, 0, 1]]
    dec = decompose(T, "float")
    assert dec.residual >= 2.0**-53
    assert check(T, to_json(dec)).ok


def test_huge_entries_beyond_float_range():
    """Exact layers of a 1e30-scaled 12x12 matrix exceed float64's range; nothing overflows and the
    condition number is reported exactly (an mpmath number), not as inf."""
    rng = np.random.default_rng(11)
    M = rng.integers(-4, 5, size=(12, 12)).astype(object) * 10**30
    if np.linalg.slogdet(M.astype(float))[0] < 0:
        M[0] = -M[0]
    dec = assert_exact_decomposition(M.tolist())
    data = to_json(dec)
    assert "inf" not in data["max_layer_cond"] and float(dec.max_layer_cond) > 1


# -- Lemma C with prescribed eigenvalues (the small-layer route) ---------------------------------
@st.composite
def det_one_matrices(draw, d_max: int = 6):
    """Random rational W with det W = 1 (first row divided by the determinant), zero entries likely."""
    d = draw(st.integers(2, d_max))
    entry = st.integers(-3, 3).map(Fraction) | st.fractions(-4, 4, max_denominator=5)
    rows = [[draw(entry) for _ in range(d)] for _ in range(d)]
    det = _det(rows)
    assume(det != 0)
    rows[0] = [x / det for x in rows[0]]
    return rows


@given(det_one_matrices())
def test_minor_basis_prescribes_the_leading_minors(W_rows):
    """``Q = I + u e_d^T`` makes the k-th leading minor of ``Q^{-1} W Q`` equal to k + 1 (k < d), or is
    refused (``None``) exactly when the triangular system for ``u`` has a zero on its diagonal."""
    from verify.algebra.arith import Exact
    from verify.theorem2.construction import minor_basis

    ar = Exact()
    W = ar.from_fractions(W_rows)
    d = len(W_rows)
    Q = minor_basis(ar, W)
    if Q is None:  # a leading minor of W, or a diagonal coefficient of the system, is zero
        singular = any(W[:k, :k].det() == 0 for k in range(1, d))
        # the coefficient of u_k: det of W_kk with its row k replaced by the last row's first k entries
        zero_coeff = any(ar.from_fractions([r[:k] for r in W_rows[:k - 1]] + [W_rows[d - 1][:k]]).det() == 0
                         for k in range(1, d))
        assert singular or zero_coeff
        return
    rows = Q.rows()
    assert all(rows[i][j] == (1 if i == j else 0) for i in range(d) for j in range(d - 1))  # I + u e_d^T
    assert rows[d - 1][d - 1] == 1  # u_d = 0
    WQ = Q.inv() @ W @ Q
    assert [WQ[:k, :k].det() for k in range(1, d)] == [k + 1 for k in range(1, d)]


@given(det_one_matrices())
def test_spectral_commutator_solves_the_commutator_relation(W_rows):
    """Step 4'': ``P = diag(2, ..., d, 1) + r e_d^T`` and ``H`` with ``W P = H^{-1} P H`` exactly, the factored
    inverses are inverses; or ``None`` exactly when a solve of the route is singular: some ``h_k`` is an
    eigenvalue of ``W diag(h)`` or the system for ``r`` is singular."""
    from verify.algebra.arith import Exact
    from verify.algebra.structured import dense
    from verify.theorem2.construction import spectral_commutator

    ar = Exact()
    W = ar.from_fractions(W_rows)
    d = len(W_rows)
    h = [ar.scalar(i + 2) for i in range(d - 1)] + [ar.scalar(1)]
    found = spectral_commutator(ar, W)
    M = W.scale_columns(h)
    shifted = [ar.diag([hk] * d) - M for hk in h]
    if found is None:
        if all(X.det() != 0 for X in shifted):
            Z = ar.matrix([X.T.inv().rows()[d - 1] for X in shifted])
            assert ((Z @ W)[: d - 1, : d - 1]).det() == 0
        return
    P, Pi, H, Hi = (dense(x) for x in found)
    I = ar.eye(d)
    assert ar.equal((P @ Pi).v, I.v) and ar.equal((H @ Hi).v, I.v)
    rows = P.rows()
    assert all(rows[i][j] == (h[i] if i == j else 0) for i in range(d) for j in range(d - 1))  # diag(h) + r e_d^T
    assert rows[d - 1][d - 1] == 1
    assert ar.equal((W @ P).v, (Hi @ P @ H).v)


@given(rational_matrices(d_min=2, d_max=5))
@settings(max_examples=30)
def test_exact_route_is_recorded_and_spectral_when_generic(T):
    dec = assert_exact_decomposition(T)
    assert dec.route in ("one-pair", "spectral", "prescribed", "pivots")
    assert to_json(dec)["route"] == dec.route
    assert (dec.route == "one-pair") == (dec.k == 1)


def test_random_integer_matrices_take_the_spectral_route_and_stay_small():
    """The measured point of the route: at 2d = 16 the layers' largest entry is below 2000 bits (the
    prescribed route's was 2688 and the pivot route's about 6000)."""
    rng = np.random.default_rng(0)
    for n in (4, 8, 16):
        M = rng.integers(-9, 10, size=(n, n))
        if round(np.linalg.det(M)) < 0:
            M[0] *= -1
        dec = assert_exact_decomposition(M.tolist())
        assert dec.route == "spectral"
        if n == 16:
            bits = max(max(abs(q.numerator).bit_length(), q.denominator.bit_length())
                       for L in dec.as_fractions() for key in "AD" for q in sum(L[key], []))
            assert bits < 2000


@st.composite
def integer_matrices(draw, d_max: int = 4):
    """Integer 2d x 2d matrices with entries below 2^b in absolute value, b drawn in 1..12 (small b gives
    singular blocks and repeated entries; the test keeps the ones with det != 0 whose first attempt takes
    the spectral route, the case Theorem B is about: about half of the draws)."""
    d = draw(st.integers(2, d_max))
    b = draw(st.integers(1, 12))
    entry = st.integers(-(2 ** b) + 1, 2 ** b - 1)
    return [[draw(entry) for _ in range(2 * d)] for _ in range(2 * d)]


def largest_entry_bits(dec) -> int:
    return max(max(abs(q.numerator).bit_length(), q.denominator.bit_length())
               for L in dec.as_fractions() for key in "AbcD" for q in (sum(L[key], []) if key in "AD" else L[key]))


@given(integer_matrices())
@settings(max_examples=40, deadline=None)
def test_theorem_B_bounds_the_bits_of_the_spectral_layers(rows):
    """Theorem B (proofs/theorem2.md, Step 4''): every numerator and denominator of every layer entry has
    fewer than Phi(d, b) bits when the first attempt takes the spectral route."""
    from verify.theorem2.cost import spectral_bits_bound

    det = _det([[Fraction(x) for x in r] for r in rows])
    if det == 0:
        return
    if det < 0:
        rows[0] = [-x for x in rows[0]]
    dec = decompose(rows, "exact")
    assert dec.verified
    if dec.route != "spectral" or dec.attempt != 0:
        return
    d = len(rows) // 2
    b = max(abs(x) for r in rows for x in r).bit_length()
    assert largest_entry_bits(dec) < spectral_bits_bound(d, b)


def test_theorem_B_at_sizes_hypothesis_does_not_reach():
    """The same bound at 2d = 16 and 24 on random 1-digit and 6-bit integers (first attempt, spectral)."""
    from verify.theorem2.cost import spectral_bits_bound

    rng = np.random.default_rng(5)
    for n, b in ((16, 4), (16, 6), (24, 4)):
        M = rng.integers(-(2 ** b) + 1, 2 ** b, size=(n, n))
        if round(np.linalg.slogdet(M)[0]) < 0:
            M[0] *= -1
        dec = decompose(M.tolist(), "exact")
        assert dec.route == "spectral" and dec.attempt == 0
        assert largest_entry_bits(dec) < spectral_bits_bound(n // 2, b)


def test_the_prescribed_route_still_serves_where_the_spectral_one_is_singular():
    """A unit lower triangular ``W`` makes every ``h_k I - W diag(h)`` singular (its eigenvalues are
    ``h``): no spectral route, but Lemma M's basis exists and Lemma C succeeds there."""
    from verify.algebra.arith import Exact
    from verify.theorem2.construction import commutator, minor_basis, spectral_commutator

    ar = Exact()
    W = ar.from_fractions([[1, 0, 0], [2, 1, 0], [-1, 3, 1]])
    assert spectral_commutator(ar, W) is None
    Q = minor_basis(ar, W)
    assert Q is not None
    P, Pi, H, Hi = commutator(ar, W, Q)
    assert ar.equal((W @ P).v, (Hi @ P @ H).v)


def test_a_w_without_leading_minors_falls_back_to_the_pivot_route():
    """``minor_basis`` needs ``det W_11 != 0``; the half swap's W (with the default scaling) has none,
    and the word is still found (a later attempt, or the pivot route) and multiplies back."""
    from verify.algebra.arith import Exact
    from verify.theorem2.construction import minor_basis

    ar = Exact()
    W = ar.from_fractions([[0, 1], [-1, 0]])
    assert minor_basis(ar, W) is None
    d = 4
    J = [[int(j == (i + d) % (2 * d)) for j in range(2 * d)] for i in range(2 * d)]
    assert assert_exact_decomposition(J).route in ("spectral", "prescribed", "pivots")
