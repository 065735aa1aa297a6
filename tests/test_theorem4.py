"""Theorem 4's hard generator and the depth measurement (small sizes; full size in bench/theorem4.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import kstest, norm

from verify.theorem4 import Theorem4InputError, depth_row, hard_generator, modes_covered, separation


@pytest.mark.parametrize("d,k", [(1, 3), (2, 4)])
def test_density_integrates_to_one(d: int, k: int) -> None:
    gen = hard_generator(d, k, gamma=0.5)
    lim = gen.radius + 8 * gen.gamma
    n = 4001 if d == 1 else 801
    axis = np.linspace(-lim, lim, n)
    h = axis[1] - axis[0]
    grid = axis[:, None] if d == 1 else np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    assert abs(np.exp(gen.log_prob(grid)).sum() * h ** d - 1) < 1e-6


def test_sampling_matches_the_density_in_one_dimension() -> None:
    """Samples of g#N against the mixture's distribution function (KS), and a shifted mixture is rejected."""
    gen = hard_generator(1, 3, gamma=0.7)
    x = gen.sample(20000, np.random.default_rng(0))[:, 0]
    mu = gen.means[:, 0]

    def cdf(t, shift=0.0):
        return norm.cdf((np.asarray(t)[..., None] - mu - shift) / gen.gamma).mean(axis=-1)

    assert kstest(x, cdf).pvalue > 1e-3
    assert kstest(x, lambda t: cdf(t, 0.1)).pvalue < 1e-6


@given(d=st.integers(1, 12), k=st.integers(1, 40), gamma=st.sampled_from([0.1, 1.0, 3.0]), seed=st.integers(0, 10))
@settings(max_examples=30, deadline=None)
def test_generator_on_its_plateaus(d: int, k: int, gamma: float, seed: int) -> None:
    """Off the ramps, g(z, u) = gamma z + mu_J(u) with J(u) the Gaussian-quantile interval of u; means on the
    sphere of radius 10 gamma^2 d; the parameter count is O(k d) and the depth 3."""
    gen = hard_generator(d, k, gamma, seed)
    assert np.allclose(np.linalg.norm(gen.means, axis=1), 10 * gamma ** 2 * d, rtol=1e-12)
    zu = np.random.default_rng(seed).standard_normal((500, d + 1))
    J = np.searchsorted(norm.ppf(np.arange(1, k) / k), zu[:, d], side="right")
    x = gen.generate(zu)
    assert np.allclose(x, gamma * zu[:, :d] + gen.means[J], rtol=0, atol=1e-9 * (1 + gen.radius))
    assert gen.depth == 3 and gen.n_params <= k * (d + 5) + d + 1
    assert gen.ramp_mass < 1e-9 * max(k - 1, 1)


def test_separation() -> None:
    gen = hard_generator(16, 32, 1.0)
    s = separation(gen)
    assert s["min_distance"] <= s["packing_limit"]
    assert s["min_distance"] > 10 * s["component_radius"]  # the components do not overlap
    assert s["min_distance"] <= s["typical_distance"]


@pytest.mark.parametrize("bad", [dict(d=0, k=2), dict(d=2, k=0), dict(d=2, k=2, gamma=0.0),
                                 dict(d=2, k=2, gamma=float("nan")), dict(d=2.5, k=2)])
def test_bad_parameters(bad: dict) -> None:
    with pytest.raises(Theorem4InputError):
        hard_generator(**bad)


def test_depth_measurement_small() -> None:
    """Training runs, the KL estimates are finite with standard errors, W1 and its floor are positive,
    and a deeper flow does not do worse than depth 1 by KL(q || f) (fixed seeds)."""
    gen = hard_generator(2, 4, 1.0)
    r1 = depth_row(gen, 1, 400, [0], 300, 16)
    r3 = depth_row(gen, 3, 400, [0], 300, 16)
    for r in (r1, r3):
        assert r.w1_mean > 0 and r.w1_floor > 0 and math.isfinite(r.kl_q_f) and r.kl_q_f_se > 0
        assert r.params_total == r.depth * r.params_per_layer + 4
    assert r3.kl_q_f < r1.kl_q_f
    assert r1.w1_mean > r1.w1_floor  # one coupling cannot fit four modes in 2-D


def test_modes_covered() -> None:
    gen = hard_generator(3, 5, 1.0)
    assert modes_covered(gen, gen.sample(2000, np.random.default_rng(1))) == 1.0
    assert modes_covered(gen, np.repeat(gen.means[:1], 100, axis=0)) == pytest.approx(0.2)
