r"""A small multilayer perceptron with hand-written reverse mode and input Jacobians.

``h_0 = u``, ``a_l = h_{l-1} W_l + b_l``, ``h_l = \sigma(a_l)`` for hidden layers, output
``a_L`` (linear). ``\sigma`` is ReLU or tanh. Parameters ``W{l}`` (shape ``(in, out)``) and
``b{l}``.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

Array = np.ndarray

ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    # name: (sigma(a), sigma'(a) given a and sigma(a))
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, h: (a > 0).astype(a.dtype)),
    "tanh": (np.tanh, lambda a, h: 1.0 - h * h),
}


class MLP:
    def __init__(self, sizes: Sequence[int], activation: str, rng: np.random.Generator, *, scale: float = 1.0,
                 zero_last: bool = False) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}")
        self.sizes = list(sizes)
        self.activation = activation
        self.params: dict[str, Array] = {}
        L = len(sizes) - 1
        for l in range(L):
            fan_in = sizes[l]
            W = rng.standard_normal((sizes[l], sizes[l + 1])) * (scale / np.sqrt(max(fan_in, 1)))
            b = rng.standard_normal(sizes[l + 1]) * 0.1 * scale
            if zero_last and l == L - 1:
                W, b = np.zeros_like(W), np.zeros_like(b)
            self.params[f"W{l}"], self.params[f"b{l}"] = W, b

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1

    def forward(self, u: Array) -> tuple[Array, list[tuple[Array, Array]]]:
        """The output and the cache ``[(a_l, h_l)]`` of the hidden layers."""
        sigma, _ = ACTIVATIONS[self.activation]
        h, cache = u, []
        for l in range(self.depth):
            a = h @ self.params[f"W{l}"] + self.params[f"b{l}"]
            if l < self.depth - 1:
                h = sigma(a)
                cache.append((a, h))
            else:
                h = a
        return h, cache

    def backward(self, u: Array, cache: list[tuple[Array, Array]], g: Array) -> tuple[Array, dict[str, Array]]:
        """``(g_u, {param: grad})`` for upstream gradient ``g`` on the output."""
        _, dsigma = ACTIVATIONS[self.activation]
        grads: dict[str, Array] = {}
        for l in reversed(range(self.depth)):
            h_prev = cache[l - 1][1] if l > 0 else u
            grads[f"W{l}"] = h_prev.T @ g
            grads[f"b{l}"] = g.sum(axis=0)
            g = g @ self.params[f"W{l}"].T
            if l > 0:
                a, h = cache[l - 1]
                g = g * dsigma(a, h)
        return g, grads

    def jacobian(self, u: Array) -> tuple[Array, Array]:
        """The output and ``d out / d u`` of shape ``(N, out, in)``."""
        _, dsigma = ACTIVATIONS[self.activation]
        out, cache = self.forward(u)
        J = np.broadcast_to(self.params["W0"].T, (u.shape[0],) + self.params["W0"].T.shape)
        for l in range(1, self.depth):
            a, h = cache[l - 1]
            J = dsigma(a, h)[:, :, None] * J
            J = self.params[f"W{l}"].T[None] @ J
        return out, J
