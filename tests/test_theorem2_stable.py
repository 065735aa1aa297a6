"""The stable Theorem 2 (k = 7, or 8 on a lopsided spectrum; float): every T with det T > 0 decomposes, the product
is certified
close to T, the independent checker agrees, and the layers stay conditioned as
proofs/theorem2_stable.md bounds them. Also its pieces: the commutator and the orthogonal words."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import check, decompose
from verify.algebra import get_arithmetic
from verify.algebra.orthogonal import column_polar, commutator, polar
from verify.theorem2 import to_json
from verify.theorem2.decompose import MethodError
from verify.theorem2.stable import LOPSIDED_PAIRS, STABLE_PAIRS, orthogonal_word

from .strategies import _orthogonal, float_matrices, gaussian_positive, structured_matrices

AR = get_arithmetic("float")


def layer_conditions(dec) -> list[float]:
    r"""The 2-norm condition number of each of the 2k layers, as ``\|G\|_2 \|G^{-1}\|_2`` with the
    closed-form inverses ``L(A, b)^{-1} = [[I, 0], [-b^{-1} A, b^{-1}]]``,
    ``U(c, D)^{-1} = [[c^{-1}, -c^{-1} D], [0, I]]`` (formed explicitly; small n only). A float64 SVD
    gets the largest singular value to relative rounding but the smallest only to ``u \sigma_1``, so
    ``np.linalg.cond`` of a layer with condition ``10^{22}`` is off by 100x; both norms here are largest
    singular values."""
    out = []
    for p in dec.pairs:
        d = len(p.b)
        b, c, A, D = np.asarray(p.b), np.asarray(p.c), np.asarray(p.A.v), np.asarray(p.D.v)
        I, Z = np.eye(d), np.zeros((d, d))
        for G, Gi in (
            (np.block([[I, Z], [A, np.diag(b)]]), np.block([[I, Z], [-A / b[:, None], np.diag(1 / b)]])),
            (np.block([[np.diag(c), D], [Z, I]]), np.block([[np.diag(1 / c), -D / c[:, None]], [Z, I]])),
        ):
            out.append(float(np.linalg.norm(G, 2) * np.linalg.norm(Gi, 2)))
    return out


def expected_pairs(T: np.ndarray) -> int:
    """7, or 8 when the seven-pair diagonal spread exceeds 2 sqrt(cond T) (recomputed here)."""
    s = np.linalg.svd(T, compute_uv=False)
    d = len(s) // 2
    sigma7 = min(max(np.sqrt(s[0]) * np.sqrt(s[-1]), s[d]), s[d - 1])
    return LOPSIDED_PAIRS if max(s[0] / sigma7, sigma7 / s[-1]) > 2 * np.sqrt(s[0] / s[-1]) else STABLE_PAIRS


def spread_bound(T: np.ndarray, k: int) -> float:
    r"""The diagonal part of the conditioning bound in proofs/theorem2_stable.md for ``k`` pairs:
    ``\max(s_1/\sigma, \sigma/s_{2d})`` with ``\sigma`` the clamped middle (``k = 7``), or
    ``\sqrt{s_1/s_{2d}}`` (``k = 8``, ``\sigma = \sqrt{s_1 s_{2d}}``), times the scale factor
    ``2 \max(\alpha, 1/\alpha)``, ``\alpha = \sigma^{1/k}`` (the 2 for the power-of-two shares)."""
    s = np.linalg.svd(T, compute_uv=False)
    n = len(s)
    d = n // 2
    g = np.sqrt(s[0]) * np.sqrt(s[-1])
    sigma = min(max(g, s[d]), s[d - 1]) if k == STABLE_PAIRS else g
    spread = max(s[0] / sigma, sigma / s[-1]) if k == STABLE_PAIRS else np.sqrt(s[0] / s[-1])
    alpha = sigma ** (1 / k)
    return spread * 2 * max(alpha, 1 / alpha)


@given(float_matrices())
def test_stable_decomposes_every_matrix(T):
    dec = decompose(T, "float")
    assert dec.method == "stable" and dec.k == expected_pairs(T)
    assert dec.verified and dec.residual <= 1e-12, dec.residual
    assert all(x > 0 for p in dec.pairs for x in (*p.b, *p.c))
    assert check(T, to_json(dec)).ok
    # every layer: cond(E(X)) <= 74 for the proved shear bound ||X|| <= 8.5, times the diagonal
    # spread (proofs/theorem2_stable.md, "Conditioning")
    if spread_bound(T, dec.k) < 1e12:  # beyond, float64 cannot measure a layer's condition number (its SVD)
        assert max(layer_conditions(dec)) <= 74 * spread_bound(T, dec.k) * (1 + 1e-9)


@given(structured_matrices())
def test_stable_on_exact_adversarial_matrices(rows):
    """Zero, rank-one and triangular blocks, huge and tiny entries, near-singular T: given as exact
    rationals, rounded once on input; the bound covers the user's exact T."""
    T = np.array([[float(x) for x in r] for r in rows])
    if np.linalg.cond(T) > 1e10:  # beyond float64's reach for a 1e-8 tolerance after input rounding
        return
    dec = decompose(rows, "float")
    assert dec.verified and dec.k in (STABLE_PAIRS, LOPSIDED_PAIRS)
    assert check(rows, to_json(dec)).ok


def test_balanced_spectra_meet_the_sqrt_cond_target():
    """Orthogonal T and geometrically spread singular values: max layer cond <= 30 sqrt(cond T)."""
    rng = np.random.default_rng(5)
    for n in (2, 8, 32, 64):
        for c in (1.0, 1e3, 1e6, 1e8):
            T = _orthogonal(rng, n) @ np.diag(np.logspace(0, -np.log10(c), n)) @ _orthogonal(rng, n).T
            if np.linalg.det(T) < 0:
                T[0] = -T[0]
            dec = decompose(T, "float")
            assert max(layer_conditions(dec)) <= 30 * max(1.0, np.sqrt(c)), (n, c)


@pytest.mark.parametrize("kind", ["lopsided-small", "lopsided-large", "gaussian", "two-clusters", "digits-like"])
def test_every_spectrum_meets_the_sqrt_cond_target_at_unit_scale(kind):
    """Issue 20: at unit scale (sqrt(s_1 s_2d) = 1, so the unavoidable scale factor is 1) every layer
    has cond <= 30 max(1, sqrt(cond T)) on lopsided spectra too (before: 30-147 sqrt(cond T) on
    Gaussian and digits-like spectra, cond T on 2d - 1 ones and one 1e-6): the eighth pair."""
    rng = np.random.default_rng(11)
    for n in (4, 16, 64, 128):
        if kind == "gaussian":
            s = np.linalg.svd(rng.standard_normal((n, n)), compute_uv=False)
        elif kind == "lopsided-small":
            s = np.r_[np.ones(n - 1), 1e-6]
        elif kind == "lopsided-large":
            s = np.r_[1e6, np.ones(n - 1)]
        elif kind == "two-clusters":
            s = np.r_[np.full(n // 4, 1e3), np.ones(n - n // 4)]
        else:  # a covariance-like decay with a floor, as the sklearn digits covariance has
            s = np.maximum(np.exp(-np.arange(n) / 4.0), 1e-3)
        s = s / np.sqrt(s.max() * s.min())
        T = _orthogonal(rng, n) @ np.diag(s) @ _orthogonal(rng, n).T
        if np.linalg.det(T) < 0:
            T[0] = -T[0]
        dec = decompose(T, "float")
        assert dec.verified and dec.k == expected_pairs(T)
        cond = np.linalg.cond(T)
        assert max(layer_conditions(dec)) <= 30 * max(1.0, np.sqrt(cond)), (kind, n, dec.k)


@given(T=float_matrices(d_max=4), e=st.integers(-1000, 1000))
@settings(max_examples=25)
def test_the_stated_bound_holds_at_every_scale(T, e):
    """Issue 20: on 2^e T for e in [-1000, 1000] the layers meet the proved bound with its scale
    factor, and no better than the scale lower bound max(g, 1/g)^(1/k), g = |det T|^(1/2d), that
    every k-pair factorisation obeys (proofs/theorem2_stable.md, Scale)."""
    s = np.linalg.svd(T, compute_uv=False)
    if s[0] / s[-1] > 1e10:
        return  # beyond, float64 cannot measure the layers' condition numbers
    with np.errstate(over="ignore", under="ignore"):
        Ts = np.ldexp(T, e)
        if not (np.all(np.isfinite(Ts)) and np.array_equal(np.ldexp(Ts, -e), T)):
            return  # not exactly 2^e T in float64
    dec = decompose(Ts, "float")
    assert dec.verified and dec.k == expected_pairs(T)
    conds = layer_conditions(dec)
    # the bound in exact terms of 2^e T: its singular values are 2^e s
    ss = np.ldexp(s, e) if abs(e) < 900 else None
    log_g = np.mean(np.log(s)) + e * np.log(2)
    assert np.log(max(conds)) >= abs(log_g) / dec.k - 1e-9  # the scale lower bound
    if ss is not None and np.all(np.isfinite(ss)) and ss[-1] > 0:
        bound = 74 * spread_bound(np.diag(ss), dec.k)  # spread_bound reads the singular values only
        if bound < 1e12:  # beyond, float64 cannot measure a layer's condition number (its SVD)
            assert max(conds) <= bound * (1 + 1e-9)


def test_a_tampered_stable_decomposition_is_rejected():
    rng = np.random.default_rng(3)
    T = gaussian_positive(rng, 6)
    data = to_json(decompose(T, "float"))
    assert check(T, data).ok
    data["layers"][3]["A"][1][2] = repr(float(data["layers"][3]["A"][1][2]) + 1e-6)
    assert not check(T, data).ok


@st.composite
def rotations(draw, d_max: int = 7):
    """SO(d), including eigenvalues +-1 (reflection pairs, identity blocks)."""
    d = draw(st.integers(1, d_max))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["haar", "identity", "minus_pairs", "permutation", "near_identity", "clustered",
                                 "opposite"]))
    if kind == "haar":
        O = _orthogonal(rng, d)
    elif kind == "identity":
        O = np.eye(d)
    elif kind == "minus_pairs":
        k = 2 * int(rng.integers(0, d // 2 + 1))
        Q = _orthogonal(rng, d)
        O = Q @ np.diag([-1.0] * k + [1.0] * (d - k)) @ Q.T
    elif kind == "near_identity":  # angles ~1e-5: cos is flat there, the eigh fast path must fall back
        import scipy.linalg

        K = rng.standard_normal((d, d)) * 1e-5
        O = scipy.linalg.expm(K - K.T)
    elif kind == "clustered":  # planes with angles equal to 1e-9 and exactly equal
        import scipy.linalg

        t = rng.uniform(0, np.pi)
        blocks = [np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) for a in (t, t + 1e-9, t)[: d // 2]]
        Q = _orthogonal(rng, d)
        O = Q @ scipy.linalg.block_diag(*(blocks + [np.eye(d - 2 * len(blocks))])) @ Q.T
    elif kind == "opposite" and d >= 4:  # two planes turning opposite ways, cosines 3e-7 to 1e-4 apart: eigh
        import scipy.linalg  # mixes their vectors by u / gap, which the fast rotation form must not drop

        t = rng.uniform(0.3, np.pi - 0.3)
        t2 = np.arccos(np.cos(t) - 10.0 ** rng.uniform(-6.5, -4))
        blocks = [np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) for a in (t, -t2)]
        Q = _orthogonal(rng, d)
        O = Q @ scipy.linalg.block_diag(*(blocks + [np.eye(d - 4)])) @ Q.T
    else:
        O = np.eye(d)[rng.permutation(d)]
    if np.linalg.det(O) < 0:
        O[:, 0] = -O[:, 0]
    return O


@given(rotations())
def test_every_rotation_is_a_commutator_of_orthogonal_matrices(O):
    N, W = commutator(AR, AR.mat(O))
    N, W = N.v, W.v
    d = O.shape[0]
    assert np.allclose(N.T @ N, np.eye(d), atol=1e-13) and np.allclose(W.T @ W, np.eye(d), atol=1e-13)
    assert np.linalg.norm(N.T @ W @ N @ W.T - O) <= 1e-13 * max(d, 1)


@pytest.mark.parametrize("seed", range(12))
def test_rotation_form_keeps_planes_whose_cosines_nearly_agree(seed):
    """Before: the fast rotation form measured what it dropped as a difference of two sums, which
    cancels to rounding noise, and cut clusters at cosine gaps of 1e-7; two planes turning opposite
    ways with cosines 3e-7 to 1e-4 apart (eigh mixes their vectors by u / gap) then lost entries of
    1e-10, and the commutator missed O by up to 1.4e-9 (169 of 200 such rotations)."""
    import scipy.linalg

    rng = np.random.default_rng(seed)
    d = 4 + seed % 4
    t = rng.uniform(0.3, np.pi - 0.3)
    t2 = np.arccos(np.cos(t) - 10.0 ** rng.uniform(-6.5, -4))
    blocks = [np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) for a in (t, -t2)]
    Q = _orthogonal(rng, d)
    O = Q @ scipy.linalg.block_diag(*(blocks + [np.eye(d - 4)])) @ Q.T
    N, W = commutator(AR, AR.mat(O))
    assert np.linalg.norm(N.v.T @ W.v @ N.v @ W.v.T - O) <= 1e-13 * d


def test_the_commutator_check_can_fail():
    """Negative control: the identity above is not automatic (a wrong Omega breaks it)."""
    O = _orthogonal(np.random.default_rng(0), 4)
    if np.linalg.det(O) < 0:
        O[:, 0] = -O[:, 0]
    N, W = commutator(AR, AR.mat(O))
    assert np.linalg.norm(N.v.T @ W.v.T @ N.v @ W.v - O) > 1e-3


def _word_product(word, d: int) -> np.ndarray:
    """The product of a word of shears ``E(X) = [[I, 0], [X, I]]``, ``F(Y) = [[I, Y], [0, I]]``."""
    P = np.eye(2 * d)
    for kind, M in word:
        S = np.eye(2 * d)
        S[(slice(d, None), slice(None, d)) if kind == "E" else (slice(None, d), slice(d, None))] = M.v
        P = P @ S
    return P


@given(st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_orthogonal_matrices_are_seven_bounded_shears(d, seed):
    Q = _orthogonal(np.random.default_rng(seed), 2 * d)
    if np.linalg.det(Q) < 0:
        Q[:, 0] = -Q[:, 0]
    word = orthogonal_word(AR, AR.mat(Q))
    assert [k for k, _ in word] == list("EFEFEFE")
    assert np.linalg.norm(_word_product(word, d) - Q) <= 1e-13 * 2 * d
    bounds = [8.5, 2.5, 1, 5.3, 1, 3, 1]  # proofs/theorem2_stable.md, "Conditioning"
    assert all(np.linalg.norm(M.v, 2) <= b * (1 + 1e-9) for (_, M), b in zip(word, bounds))


@given(st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_every_orthogonal_Z_equalises_the_two_pivot_spectra(d, seed):
    """proofs/theorem2_stable.md, Lemma 4: for Q and Z orthogonal (any determinants), T' = Q E(Z) has
    T'_11 and (T'^-1)_22 with the same singular values, whichever Z (the code's Z only improves their conditioning); a
    non-orthogonal Z breaks it (negative control)."""
    rng = np.random.default_rng(seed)
    Q, Z = _orthogonal(rng, 2 * d), _orthogonal(rng, d)

    def spectra(Z):
        T = Q @ np.block([[np.eye(d), np.zeros((d, d))], [Z, np.eye(d)]])
        return np.linalg.svd(T[:d, :d], compute_uv=False), np.linalg.svd(Q[d:, d:].T - Z @ Q[d:, :d].T,
                                                                          compute_uv=False)

    a, b = spectra(Z)
    assert np.allclose(a, b, rtol=0, atol=1e-12 * max(1.0, a[0]))
    if d >= 2:  # for d = 1 and a rotation Q, c - s z and c - z s agree for every scalar z
        a, b = spectra(Z + np.diag(np.r_[1.0, np.zeros(d - 1)]))
        assert not np.allclose(a, b, rtol=0, atol=1e-6)


@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.integers(0, 8))
def test_column_polar_is_a_polar_factor_of_orthogonal_columns(d, seed, zeros):
    """``column_polar`` (one QR) on ``G = B diag(s)``, ``s`` ascending with some exact zeros and some
    tiny entries: an orthogonal ``P`` with ``P^T G = diag(s)`` to rounding, which is what a polar
    factor of ``G`` is."""
    rng = np.random.default_rng(seed)
    B = _orthogonal(rng, d)
    s = np.sort(np.r_[np.zeros(min(zeros, d)), 10.0 ** rng.uniform(-12, 0, d)][:d])
    s = np.sort(s)
    P = column_polar(AR, AR.mat(B * s[None, :])).v
    assert np.linalg.norm(P.T @ P - np.eye(d)) <= 1e-14 * d
    assert np.linalg.norm(P.T @ (B * s[None, :]) - np.diag(s)) <= 1e-14 * d
    assert np.allclose(P[:, s > 1e-6], B[:, s > 1e-6], atol=1e-8)


@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.floats(1.0, 8.0))
def test_svd_conditioned_is_an_svd(d, seed, kappa):
    """The Gram-matrix SVD of a well-conditioned block (condition up to 4) and the fallback to the full
    SVD beyond: ``v = U diag(s) V^T``, ``U, V`` orthogonal, ``s`` descending."""
    rng = np.random.default_rng(seed)
    v = _orthogonal(rng, d) @ np.diag(np.linspace(kappa, 1.0, d)) @ _orthogonal(rng, d)
    U, s, Vt = AR.svd_conditioned(v)
    assert np.linalg.norm(U * np.asarray(s)[None, :] @ Vt - v) <= 1e-14 * d * kappa
    assert np.linalg.norm(U.T @ U - np.eye(d)) <= 1e-14 * d * kappa**2
    assert np.linalg.norm(Vt @ Vt.T - np.eye(d)) <= 1e-14 * d
    assert list(s) == sorted(s, reverse=True)


@pytest.mark.parametrize("eps", [None, 1e-6])
def test_closed_form_pivot_svds_are_used_where_they_hold(eps):
    """Lemma 4's closed forms: on a generic rotation they reproduce the computed pivot blocks to
    rounding and the word is built from them; with CS angles of 1e-6 they are off by about
    u / 1e-6 and are refused (the blocks' own SVDs are taken), and either way the seven shears
    multiply back to Q."""
    import scipy.linalg

    import verify.theorem2.stable as stable

    rng = np.random.default_rng(7)
    d = 48
    if eps is None:
        Q = _orthogonal(rng, 2 * d)
    else:
        th = np.r_[rng.uniform(0, np.pi / 2, d - 4), eps * rng.uniform(0.5, 1, 4)]
        C, S = np.diag(np.cos(th)), np.diag(np.sin(th))
        U1, U2, V1, V2 = (_orthogonal(rng, d) for _ in range(4))
        Q = scipy.linalg.block_diag(U1, U2) @ np.block([[C, -S], [S, C]]) @ scipy.linalg.block_diag(V1, V2).T
    if np.linalg.det(Q) < 0:
        Q[:, 0] = -Q[:, 0]
    used = []
    original = stable.closed_svds

    def spy(*args):
        out = original(*args)
        used.append(out is not None)
        return out

    stable.closed_svds = spy
    try:
        word = orthogonal_word(AR, AR.mat(Q))
    finally:
        stable.closed_svds = original
    assert used == [eps is None]
    assert np.linalg.norm(_word_product(word, d) - Q) <= 1e-13 * 2 * d


@pytest.mark.parametrize("kind", ["identity", "half swap", "permutation", "planes"])
def test_orthogonal_words_of_degenerate_rotations(kind):
    """The CS angles all 0, all pi/2, mixed, and exact plane rotations: Q_11 or Q_12 singular, the QR
    completion used, and still seven bounded shears multiplying back to Q."""
    d = 4
    I, Z = np.eye(d), np.zeros((d, d))
    Q = {"identity": np.eye(2 * d), "half swap": np.block([[Z, -I], [I, Z]]),
         "permutation": np.eye(2 * d)[[0, 5, 2, 7, 4, 1, 6, 3]],
         "planes": np.block([[np.diag([1, 0.6, 0, 0.8]), np.diag([0, -0.8, -1, 0.6])],
                             [np.diag([0, 0.8, 1, -0.6]), np.diag([1, 0.6, 0, 0.8])]])}[kind]
    if np.linalg.det(Q) < 0:
        Q[:, 0] = -Q[:, 0]
    word = orthogonal_word(AR, AR.mat(Q))
    assert np.linalg.norm(_word_product(word, d) - Q) <= 1e-14 * 2 * d
    bounds = [8.5, 2.5, 1, 5.3, 1, 3, 1]
    assert all(np.linalg.norm(M.v, 2) <= b * (1 + 1e-9) for (_, M), b in zip(word, bounds))


MP = get_arithmetic("mp", 40)


@given(rotations())
@settings(max_examples=25)
def test_mp_rotations_are_commutators_to_working_precision(O):
    """The mp rotation form (complex Schur at doubled precision, planes from real and imaginary parts)."""
    d = O.shape[0]
    Om = polar(MP, MP.from_fractions([[Fraction(x) for x in r] for r in O]))  # orthogonal in 40 digits
    N, W = commutator(MP, Om)
    N, W = N.v, W.v
    assert MP.ctx.mnorm(N.T * W * N * W.T - Om.v, 1) <= 1e-35 * d
    assert MP.ctx.mnorm(N.T * N - MP.ctx.eye(d), 1) <= 1e-35 * d


@given(float_matrices(d_max=4))
@settings(max_examples=25)
def test_stable_in_mp(T):
    """The same construction in mpmath: 40 digits give a certified residual near 1e-35."""
    dec = decompose(T, "mp", method="stable", digits=40)
    assert dec.method == "stable" and dec.k == expected_pairs(T)
    assert dec.verified and dec.residual <= 1e-30, dec.residual
    assert all(x > 0 for p in dec.pairs for x in (*p.b, *p.c))
    assert check(T, to_json(dec)).ok


def test_stable_needs_an_inexact_arithmetic():
    with pytest.raises(MethodError):
        decompose([[2, 0], [0, 3]], "exact", method="stable")
    with pytest.raises(MethodError):
        decompose([[2, 0], [0, 3]], "float", method="fastest")


VERIFY = shutil.which("verify")
CMD = [VERIFY] if VERIFY else [sys.executable, "-m", "verify.cli"]


def test_cli_arithmetic_follows_the_input(tmp_path):
    rng = np.random.default_rng(2)
    T = gaussian_positive(rng, 8)
    np.save(tmp_path / "T.npy", T)
    (tmp_path / "T.json").write_text(json.dumps([[int(x) for x in r] for r in np.round(4 * T)]))
    r = subprocess.run(CMD + ["decompose", str(tmp_path / "T.npy"), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["arithmetic"] == "float" and data["method"] == "stable" and data["k"] in (7, 8)
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "float arithmetic, stable method" in r.stderr
    (tmp_path / "dec.json").write_text(r.stdout)
    assert subprocess.run(CMD + ["check", str(tmp_path / "T.npy"), str(tmp_path / "dec.json")]).returncode == 0
    r = subprocess.run(CMD + ["decompose", str(tmp_path / "T.json"), "--json"], capture_output=True, text=True)
    data = json.loads(r.stdout)
    assert data["arithmetic"] == "exact" and data["method"] == "minimal" and "exact arithmetic" in r.stderr
    r = subprocess.run(CMD + ["decompose", str(tmp_path / "T.npy"), "--method", "minimal", "--json"],
                       capture_output=True, text=True)
    assert json.loads(r.stdout)["k"] <= 3
    r = subprocess.run(CMD + ["decompose", str(tmp_path / "T.json"), "--exact", "--method", "stable"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""


def test_flows_accept_stable_decompositions():
    from verify.theorem2 import from_decomposition

    rng = np.random.default_rng(4)
    T = gaussian_positive(rng, 6)
    dec = decompose(T, "float")
    z = rng.standard_normal((5, 6))
    for src in (dec, to_json(dec)):
        x, _ = from_decomposition(src).forward_and_log_det(z)
        assert np.allclose(x, z @ T.T, atol=1e-12 * np.abs(T).max())


@given(float_matrices(d_max=6))
@settings(max_examples=20)
def test_checker_float_path_agrees_with_balls(T):
    """Beyond BALL_MAX_N the checker bounds float decompositions in float64 (verify.bounds); forced
    here on small T, it must accept what the ball path accepts, and reject a tampered layer."""
    import verify.checkers.decomposition as cd

    data = to_json(decompose(T, "float"))
    old = cd.BALL_MAX_N
    cd.BALL_MAX_N = 0
    try:
        r = check(T, data)
        assert r.ok and "normwise" in r.message, r.message
        lay = data["layers"][2]
        size = max(abs(float(x)) for x in [*lay["c"], *(y for r in lay["D"] for y in r)])
        lay["D"][0][0] = repr(float(lay["D"][0][0]) + 1e-2 * size)  # a 1% change of the layer
        assert not check(T, data).ok
        data["layers"][2]["b"][0] = "nan"
        with pytest.raises(ValueError):
            check(T, data)
    finally:
        cd.BALL_MAX_N = old


@pytest.mark.parametrize("text, path", [("0.0", "normwise"), ("-0.0", "normwise"), ("0", "normwise"),
                                        ("0e5", "normwise"), ("1e-400", "ball arithmetic")])
def test_checker_float_path_reads_zeros_and_tiny_texts(monkeypatch, text, path):
    """Entries that float64 reads as 0: zero texts stay on the float path (the common ones without an
    exact read each, which cost 4 s at 2d = 1024); a nonzero text below float64's range sends the
    check to the exact readers, whose number it is."""
    import verify.checkers.decomposition as cd

    monkeypatch.setattr(cd, "BALL_MAX_N", 0)
    T = gaussian_positive(np.random.default_rng(5), 4)
    data = to_json(decompose(T, "float"))
    data["layers"][1]["A"][0][0] = text
    data["layers"][1]["D"][0][0] = text if text != "1e-400" else data["layers"][1]["D"][0][0]
    r = check(T, data, tol=1)  # the residual itself is beside the point: which reader decided
    assert path in r.message, r.message


def test_degenerate_covariances_stay_backward_stable():
    """Regression: covariances with zero-variance coordinates (like the digits data's blank pixels)
    have orthogonal factors with some sin(theta) = 0; closed-form SVDs of the core's blocks lost two
    digits there (4e-12). The measured backward error must stay at rounding level."""
    for seed in range(6):
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((200, 32)) * rng.uniform(0.1, 10, 32)
        X[:, rng.choice(32, 6, replace=False)] = 0
        C = np.cov(X, rowvar=False) + 1e-3 * np.eye(32)
        dec = decompose(C, "float")
        assert dec.verified and dec.residual_measured <= 5e-13, (seed, dec.residual_measured)
