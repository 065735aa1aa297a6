r"""Theorem 4's hard distribution: a generator ``g: \mathbb R^{d+1} \to \mathbb R^d`` of depth O(1) whose
pushforward of ``N(0, I_{d+1})`` is (up to a ramp mass below ``10^{-9}``) the mixture

.. math::  q = \frac1k \sum_{j=1}^k N(\mu_j, \gamma^2 I_d), \qquad |\mu_j| = 10\gamma^2 d,

with the means drawn uniformly on the sphere (a fixed seed).

``g(z, u) = \gamma z + f(u)``: the extra coordinate ``u`` goes through a ReLU staircase ``f`` (two
hidden layers, ``2(k - 1)`` units, :mod:`verify.theorem1.staircase`) whose ``k`` plateaus sit on the
Gaussian quantile intervals ``[\Phi^{-1}((j-1)/k), \Phi^{-1}(j/k)]`` and take the values ``\mu_j``. On
a plateau ``g`` is exactly ``\gamma z + \mu_j``, so ``g_\# N`` and ``q`` differ only on the ramps, whose
Gaussian mass ``P_{ramp}`` bounds their total variation distance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, ndtr, ndtri

from ..errors import InputError
from ..flows.mlp import MLP
from ..theorem1.staircase import Staircase, staircase_params

RAMP = 1e-10  # width of the staircase's ramps in u


class Theorem4InputError(InputError):
    """``d``, ``k`` or ``gamma`` out of range."""


@dataclass
class HardGenerator:
    """The mixture ``q`` (exact density, exact sampling) and the ReLU generator ``g`` that realises it."""
    d: int
    k: int
    gamma: float
    means: np.ndarray  # (k, d), on the sphere of radius 10 gamma^2 d
    net: MLP  # the staircase u -> mu_{J(u)}
    ramp_mass: float  # P(u on a ramp): TV(g#N, q) <= ramp_mass

    @property
    def radius(self) -> float:
        return 10 * self.gamma ** 2 * self.d

    @property
    def n_params(self) -> int:
        """Nonzero parameters of ``g``: the staircase's weights and biases (its second layer is
        ``-I``: ``k - 1`` of them), plus ``\\gamma``. About ``k (d + 5)``: the means alone are ``kd`` numbers."""
        return int(sum(np.count_nonzero(v) for v in self.net.params.values())) + 1

    @property
    def depth(self) -> int:
        """Layers of ``g``: the staircase's three affine layers (``\\gamma z`` runs alongside)."""
        return self.net.depth

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        r"""``\log q(x)``, exactly (log-sum-exp over the components)."""
        x = np.asarray(x, dtype=float)
        sq = ((x[:, None, :] - self.means[None, :, :]) ** 2).sum(axis=2)
        log_comp = -0.5 * sq / self.gamma ** 2 - self.d * math.log(self.gamma) - 0.5 * self.d * math.log(2 * math.pi)
        return logsumexp(log_comp, axis=1) - math.log(self.k)

    def generate(self, zu: np.ndarray) -> np.ndarray:
        """``g(z, u) = gamma z + f(u)`` for rows ``(z, u)`` of ``N(0, I_{d+1})`` samples."""
        zu = np.asarray(zu, dtype=float)
        f, _ = self.net.forward(zu[:, self.d:])
        return self.gamma * zu[:, :self.d] + f

    def sample(self, N: int, rng: np.random.Generator) -> np.ndarray:
        """``N`` samples of ``g_\\# N(0, I_{d+1})``, through the network."""
        return self.generate(rng.standard_normal((N, self.d + 1)))


def random_sphere(k: int, d: int, radius: float, rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal((k, d))
    return radius * v / np.linalg.norm(v, axis=1, keepdims=True)


#: the largest radius 10 gamma^2 d of the means accepted (beyond, squared distances overflow in OT)
MAX_RADIUS = 1e100


def hard_generator(d: int, k: int, gamma: float = 1.0, seed: int = 0) -> HardGenerator:
    """The generator for ``d``, ``k`` and ``gamma`` (means from ``seed``)."""
    if not (isinstance(d, int) and d >= 1 and isinstance(k, int) and k >= 1):
        raise Theorem4InputError(f"need integers d >= 1 and k >= 1; got d = {d!r}, k = {k!r}")
    if not (isinstance(gamma, (int, float)) and math.isfinite(gamma) and gamma > 0):
        raise Theorem4InputError(f"gamma must be positive and finite; got {gamma!r}")
    radius = 10.0 * d * math.exp(min(2 * math.log(gamma), 700.0))  # no OverflowError for gamma = 1e300
    if not radius <= MAX_RADIUS:
        raise Theorem4InputError(f"gamma = {gamma!r} puts the means at radius 10 gamma^2 d = {radius:.3g}, beyond "
                                 f"{MAX_RADIUS:.0e} where float64 training and transport lose every digit")
    means = random_sphere(k, d, radius, np.random.default_rng(seed))
    knots = ndtri(np.arange(1, k) / k)
    net = MLP([1, max(k - 1, 0), max(k - 1, 0), d], "relu", np.random.default_rng(0))
    if k > 1:
        params = staircase_params([Staircase(0, knots, np.full(k - 1, RAMP), means)], [list(range(d))], 1, d)
        for key, value in params.items():
            net.params[key][...] = value
    else:
        net.params["b2"][...] = means[0]
    ramp_mass = float(np.sum(ndtr(knots + RAMP) - ndtr(knots))) if k > 1 else 0.0
    return HardGenerator(d, k, float(gamma), means, net, ramp_mass)


def separation(gen: HardGenerator) -> dict:
    r"""The means' minimum pairwise distance beside what it is compared with: ``\sqrt2 R`` (the typical
    distance of two random points on the sphere of radius ``R``), the sphere-packing limit (``k`` points
    on that sphere with pairwise distance ``\delta`` need ``k \le (1 + 2R/\delta)^d``, so the best
    possible minimum distance is at most ``2R / (k^{1/d} - 1)``), and a component's typical radius
    ``\gamma \sqrt d``."""
    M = gen.means
    dist = np.sqrt(np.maximum(((M[:, None, :] - M[None, :, :]) ** 2).sum(axis=2), 0.0))
    min_dist = float(np.min(dist[np.triu_indices(gen.k, 1)])) if gen.k > 1 else float("inf")
    packing = 2 * gen.radius / (gen.k ** (1 / gen.d) - 1) if gen.k > 1 else float("inf")
    return {"min_distance": min_dist, "typical_distance": math.sqrt(2) * gen.radius, "packing_limit": packing,
            "component_radius": gen.gamma * math.sqrt(gen.d)}
