r"""A small multilayer perceptron with hand-written reverse mode and input Jacobians.

``h_0 = u``, ``a_l = h_{l-1} W_l + b_l``, ``h_l = \sigma(a_l)`` for hidden layers, output
``a_L`` (linear). ``\sigma`` is ReLU or tanh. Parameters ``W{l}`` (shape ``(in, out)``) and
``b{l}``.
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import numpy as np

Array = np.ndarray

def _relu_(a: Array) -> Array:
    return np.maximum(a, 0.0, out=a)


def _tanh_(a: Array) -> Array:
    return np.tanh(a, out=a)


def _relu_back_(g: Array, h: Array) -> None:
    np.multiply(g, h > 0, out=g)  # the mask multiplies as it is: no float copy of it


def _tanh_back_(g: Array, h: Array) -> None:
    g *= 1.0 - h * h


class Activation(NamedTuple):
    """``apply_`` computes sigma(a) in place; ``derivative`` is sigma' expressed through
    h = sigma(a); ``backprop_`` multiplies an upstream gradient by it in place."""

    apply_: Callable[[Array], Array]
    derivative: Callable[[Array], Array]
    backprop_: Callable[[Array, Array], None]


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(_relu_, lambda h: (h > 0).astype(h.dtype), _relu_back_),
    "tanh": Activation(_tanh_, lambda h: 1.0 - h * h, _tanh_back_),
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

    def forward(self, u: Array) -> tuple[Array, list[Array]]:
        """The output and the cache ``[h_l]`` of the hidden layers. (Operations are in place on fresh
        arrays: temporaries of batch x width floats cost more than the products at these sizes.)"""
        sigma = ACTIVATIONS[self.activation].apply_
        h, cache = u, []
        for l in range(self.depth):
            a = h @ self.params[f"W{l}"]
            a += self.params[f"b{l}"]
            if l < self.depth - 1:
                h = sigma(a)
                cache.append(h)
            else:
                h = a
        return h, cache

    def backward(self, u: Array, cache: list[Array], g: Array) -> tuple[Array, dict[str, Array]]:
        """``(g_u, {param: grad})`` for upstream gradient ``g`` on the output."""
        backprop_ = ACTIVATIONS[self.activation].backprop_
        grads: dict[str, Array] = {}
        for l in reversed(range(self.depth)):
            h_prev = cache[l - 1] if l > 0 else u
            grads[f"W{l}"] = h_prev.T @ g
            grads[f"b{l}"] = g.sum(axis=0)
            g = g @ self.params[f"W{l}"].T
            if l > 0:
                backprop_(g, cache[l - 1])
        return g, grads

    def jacobian(self, u: Array) -> tuple[Array, Array]:
        """The output and ``d out / d u`` of shape ``(N, out, in)``."""
        dsigma = ACTIVATIONS[self.activation].derivative
        out, cache = self.forward(u)
        J = np.broadcast_to(self.params["W0"].T, (u.shape[0],) + self.params["W0"].T.shape)
        for l in range(1, self.depth):
            J = dsigma(cache[l - 1])[:, :, None] * J
            J = self.params[f"W{l}"].T[None] @ J
        return out, J
