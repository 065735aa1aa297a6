r"""Affine coupling (the paper's architecture) with a smooth, bounded scale.

Split the coordinates into a conditioning set ``a`` and a transformed set ``b`` (a fixed half, as
in the paper, or any mask). Forward (generative, latent ``z`` to data ``x``):

.. math::  x_a = z_a, \qquad x_b = z_b \odot e^{s(z_a)} + t(z_a), \qquad
           s = B \tanh(r / B),

where ``(r, t)`` is the output of a small MLP conditioner and ``B`` (``scale_bound``) bounds
``|s|`` smoothly: a soft clamp, so the scales ``e^{s}`` lie in ``(e^{-B}, e^{B})``.
``log|det dx/dz| = \sum s``. Inverse: ``z_b = (x_b - t(x_a)) \odot e^{-s(x_a)}``.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .base import VJP, Array, Transform
from .mlp import MLP


class AffineCoupling(Transform):
    """Affine coupling layer (forward = generative, latent ``z`` to data ``x``); ``split="first"`` conditions on the
    first half and transforms the
    second (the paper's ``L``-type update), ``"second"`` the reverse (``U``-type); or pass a boolean
    ``mask`` (True = conditioning coordinate)."""

    def __init__(self, n: int, *, split: str = "first", mask: Optional[Sequence[bool]] = None,
                 hidden: Sequence[int] | int = 64, activation: str = "relu", scale_bound: float = 3.0,
                 rng: np.random.Generator, identity_init: bool = False, init_scale: float = 0.5) -> None:
        if n < 2:
            raise ValueError("affine coupling needs n >= 2")
        if mask is None:
            first = np.arange(n) < n // 2
            if split not in ("first", "second"):
                raise ValueError("split must be 'first' or 'second' (or pass a mask)")
            mask = first if split == "first" else ~first
        m = np.asarray(mask, dtype=bool)
        if m.shape != (n,) or m.all() or not m.any():
            raise ValueError("mask must have n entries with both conditioning and transformed coordinates")
        self.n = n
        self.cond = np.flatnonzero(m)
        self.trans = np.flatnonzero(~m)
        self.bound = float(scale_bound)
        hidden = [hidden] if isinstance(hidden, int) else list(hidden)
        self.net = MLP([len(self.cond)] + hidden + [2 * len(self.trans)], activation, rng, scale=init_scale,
                       zero_last=identity_init)
        self.params = self.net.params

    def _st(self, u: Array) -> tuple[Array, Array, Array, list]:
        out, cache = self.net.forward(u)
        nb = len(self.trans)
        r, t = out[:, :nb], out[:, nb:]
        th = np.tanh(r / self.bound)
        return self.bound * th, t, th, cache

    def _forward(self, z: Array) -> tuple[Array, Array]:
        s, t, _, _ = self._st(z[:, self.cond])
        x = z.copy()
        x[:, self.trans] = z[:, self.trans] * np.exp(s) + t
        return x, s.sum(axis=1)

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        u = x[:, self.cond]
        s, t, th, cache = self._st(u)
        e = np.exp(-s)
        zb = (x[:, self.trans] - t) * e
        z = x.copy()
        z[:, self.trans] = zb

        def vjp(g_z: Array, g_ld: Array) -> tuple[Array, dict[str, Array]]:
            gzb = g_z[:, self.trans]
            g_t = -gzb * e
            g_s = -gzb * zb - g_ld[:, None]  # ld = -sum(s)
            g_r = g_s * (1.0 - th * th)
            g_u, grads = self.net.backward(u, cache, np.concatenate([g_r, g_t], axis=1))
            g_x = np.empty_like(g_z)
            g_x[:, self.cond] = g_z[:, self.cond] + g_u
            g_x[:, self.trans] = gzb * e
            return g_x, grads

        return z, -s.sum(axis=1), vjp

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        u = z[:, self.cond]
        out, Jnet = self.net.jacobian(u)
        nb = len(self.trans)
        r, t = out[:, :nb], out[:, nb:]
        th = np.tanh(r / self.bound)
        s = self.bound * th
        es = np.exp(s)
        ds = (1.0 - th * th)[:, :, None] * Jnet[:, :nb, :]  # ds/du
        dt = Jnet[:, nb:, :]
        x = z.copy()
        x[:, self.trans] = z[:, self.trans] * es + t
        N = z.shape[0]
        J = np.broadcast_to(np.eye(self.n), (N, self.n, self.n)).copy()
        J[:, self.trans[:, None], self.cond[None, :]] = (z[:, self.trans] * es)[:, :, None] * ds + dt
        J[:, self.trans, self.trans] = es
        return x, J
