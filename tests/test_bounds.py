"""The float64 normwise residual bound (verify.bounds) against the exact residual: it must never be
below the arb enclosure of the exact residual of the layers' decimal strings, and it must be tight
enough to be useful. The blocked evaluation is exercised with small blocks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from verify import decompose
from verify.bounds import normwise
from verify.theorem2.residual import arb_residual

from .strategies import float_matrices, gaussian_positive


def _layers(dec):
    out = []
    for p in dec.pairs:
        out += [("L", np.asarray(p.b, dtype=float), p.A.v), ("U", np.asarray(p.c, dtype=float), p.D.v)]
    return out


@pytest.mark.parametrize("block", [1, 2, 3, 256])
@given(T=float_matrices(d_max=8))
@settings(max_examples=30)
def test_normwise_bound_is_above_the_exact_residual(block, T):
    old = normwise.BLOCK
    normwise.BLOCK = block
    try:
        dec = decompose(T, "float")
        bound, measured = normwise.normwise_residual(_layers(dec), T, dec.sign_layer)
    finally:
        normwise.BLOCK = old
    # the enclosure of the binary layers (what normwise_residual multiplies): its upper end is >= the truth
    exact, _ = arb_residual(dec.ar, dec.pairs, dec.T, dec.sign_layer, values="binary")
    # the arb value is an upper bound itself, tight to ~1e-70: the normwise bound must not undercut it
    assert bound >= exact * (1 - 1e-12)
    assert measured <= bound
    assert bound <= 1e-11  # loose by d^(1/2)..d, but useful


def test_blocked_matmul_matches_and_its_bound_holds():
    rng = np.random.default_rng(0)
    B, X = rng.standard_normal((37, 37)), rng.standard_normal((37, 5))
    for block in (1, 4, 16, 37, 64):
        Y = normwise.blocked_matmul(B, X, block)
        nb = -(-37 // block)
        g = normwise.gamma(min(block, 37) + nb - 1)
        assert np.all(np.abs(Y - B @ X) <= 2 * g * (np.abs(B) @ np.abs(X)))


def test_a_tampered_layer_raises_the_bound():
    """Negative control: the bound sees a perturbation of one entry."""
    rng = np.random.default_rng(1)
    T = gaussian_positive(rng, 16)
    dec = decompose(T, "float")
    layers = _layers(dec)
    kind, s, B = layers[5]
    B = B.copy()
    B[2, 3] += 1e-6
    layers[5] = (kind, s, B)
    bound, measured = normwise.normwise_residual(layers, T, dec.sign_layer)
    assert measured > 1e-8 and bound >= measured


def test_the_enclosure_takes_T_at_its_exact_binary_values():
    """Review: T given as an arithmetic matrix is read at the binary values it stores (not through
    its shortest decimal strings, which differ by up to half an ulp), so the bound is about that T."""
    from fractions import Fraction

    T = np.array([[0.1, 0.2, 0.0, 0.3], [0.7, 0.1, 0.5, 0.0], [0.0, 0.3, 0.9, 0.1], [0.2, 0.0, 0.1, 0.6]])
    for arithmetic in ("float", "mp"):
        dec = decompose(T, arithmetic, digits=30, sign_layer=True)
        assert dec.verified
        exact = [[Fraction(x) for x in r] for r in T.tolist()]
        assert arb_residual(dec.ar, dec.pairs, dec.T, dec.sign_layer) == \
            arb_residual(dec.ar, dec.pairs, exact, dec.sign_layer)


@pytest.mark.parametrize("ones", [1, 8, 32])
def test_fro_slack_covers_a_sum_of_squares_that_loses_its_small_terms(ones):
    """The certificate widens every float Frobenius norm by fro_slack(N): a sum of N squares may lose
    a relative gamma_N. Here the 2^22 squares 2^-54 that follow a few 1's are lost in round-to-nearest
    (whatever lanes BLAS sums in), so the float norm is below ||E||_F by more than the 4 n u the module
    used to allow; fro_slack's factor brackets the exact value both ways."""
    from fractions import Fraction

    n = 2048
    u = 2.0**-53
    E = np.full((n, n), 2.0**-27)
    E.flat[:ones] = 1.0
    f = normwise.fro_norm(E)
    exact2 = ones + (n * n - ones) * Fraction(2) ** -54
    if ones == 1:  # the old allowance gave an upper "bound" below the truth (a lane of fewer than 128 terms
        assert Fraction(f * (1 + 4 * n * u)) ** 2 < exact2  # sums the 1 and loses its share)
    slack = normwise.fro_slack(E.size)
    assert Fraction(f / slack) ** 2 <= exact2 <= Fraction(f * slack) ** 2
