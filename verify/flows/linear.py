r"""Linear layers: the Theorem 2 couplings ``L(A, b)``, ``U(c, D)``, a fixed permutation, Glow's
LU-parametrised invertible linear map, and ActNorm. Forward = generative (``x = M z`` for a
column vector ``z``; on row batches ``x = z M^T``).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ..coupling_blocks import L_array, U_array
from .base import VJP, Array, FlowInputError, Transform, check_batch, optional_rng


class _Dense(Transform):
    """Shared algebra of the linear layers: ``x = z M^T``, ``log|det| = log|det M|``; subclasses give
    ``matrix()``, ``log_abs_det()`` and the chain rule from ``g_M`` (gradient w.r.t. ``M``) to the
    parameters, ``_param_grads(g_M, g_logdet)``."""

    def matrix(self) -> Array:
        raise NotImplementedError

    def log_abs_det(self) -> float:
        raise NotImplementedError

    def _param_grads(self, g_M: Array, g_logdet: float) -> dict[str, Array]:
        raise NotImplementedError

    def _forward(self, z: Array) -> tuple[Array, Array]:
        return z @ self.matrix().T, np.full(z.shape[0], self.log_abs_det())

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        M = self.matrix()
        Minv = np.linalg.inv(M)
        z = x @ Minv.T
        ld = np.full(x.shape[0], -self.log_abs_det())

        def vjp(g_z: Array, g_ld: Array) -> tuple[Array, dict[str, Array]]:
            # z = x K with K = M^{-T}: g_x = g_z K^T, g_K = x^T g_z, g_M = -M^{-T} g_K^T M^{-T}
            g_x = g_z @ Minv
            g_K = x.T @ g_z
            g_M = -Minv.T @ g_K.T @ Minv.T
            return g_x, self._param_grads(g_M, -float(np.sum(g_ld)))

        return z, ld, vjp

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        M = self.matrix()
        return z @ M.T, np.broadcast_to(M, (z.shape[0],) + M.shape).copy()


class _LinearCoupling(_Dense):
    """The shared algebra of ``L`` and ``U``: the identity, except that the updated half's rows hold a
    dense block (columns of the other half) and a nonzero diagonal scale (its own columns)."""

    scale_name: str
    block_name: str
    updates_second: bool  # L updates the second half, U the first

    def __init__(self, scale: Array, block: Array) -> None:
        scale, block = np.array(scale, dtype=np.float64), np.array(block, dtype=np.float64)
        d = scale.shape[0] if scale.ndim == 1 else -1
        if d < 1 or block.shape != (d, d) or np.any(scale == 0) or not (np.all(np.isfinite(scale))
                                                                         and np.all(np.isfinite(block))):
            raise FlowInputError(f"{type(self).__name__} needs finite nonzero {self.scale_name} of length d and "
                             f"finite {self.block_name} of shape (d, d)")
        self.d, self.n = d, 2 * d
        self.params = {self.scale_name: scale, self.block_name: block}

    def _slices(self) -> tuple[slice, slice]:
        d = self.d
        return (slice(d, None), slice(None, d)) if self.updates_second else (slice(None, d), slice(d, None))

    def matrix(self) -> Array:
        scale, block = self.params[self.scale_name], self.params[self.block_name]
        return L_array(block, scale) if self.updates_second else U_array(scale, block)

    def log_abs_det(self) -> float:
        return float(np.sum(np.log(np.abs(self.params[self.scale_name]))))

    def _param_grads(self, g_M: Array, g_logdet: float) -> dict[str, Array]:
        own, other = self._slices()
        return {self.block_name: g_M[own, other].copy(),
                self.scale_name: np.diag(g_M[own, own]) + g_logdet / self.params[self.scale_name]}


class LinearL(_LinearCoupling):
    r"""``L(A, b) = [[I, 0], [A, diag b]]`` (Theorem 2), forward = generative (``x = L z``): ``x_1 = z_1``, ``x_2 = A
    z_1 + b \odot z_2``.
    ``b`` must be nonzero (positive for a flow with positive scales)."""

    scale_name, block_name, updates_second = "b", "A", True

    def __init__(self, A: Array, b: Array) -> None:
        super().__init__(b, A)


class LinearU(_LinearCoupling):
    r"""``U(c, D) = [[diag c, D], [0, I]]`` (Theorem 2), forward = generative (``x = U z``): ``x_1 = c \odot z_1 + D
    z_2``, ``x_2 = z_2``."""

    scale_name, block_name, updates_second = "c", "D", False

    def __init__(self, c: Array, D: Array) -> None:
        super().__init__(c, D)


class Permutation(Transform):
    """A fixed permutation of coordinates, forward = generative: ``x[:, i] = z[:, perm[i]]``; log-det 0, no
    parameters."""

    def __init__(self, perm: Sequence[int]) -> None:
        raw = np.asarray(perm)
        if raw.ndim != 1 or raw.dtype.kind not in "iu" or sorted(raw.tolist()) != list(range(len(raw))):
            raise FlowInputError("perm must be a permutation of the integers 0..n-1")
        p = raw.astype(int)
        self.n = len(p)
        self.perm, self.inv = p, np.argsort(p)
        self.params = {}

    def _forward(self, z: Array) -> tuple[Array, Array]:
        return z[:, self.perm], np.zeros(z.shape[0])

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        def vjp(g_z: Array, g_ld: Array) -> tuple[Array, dict[str, Array]]:
            return g_z[:, self.perm], {}

        return x[:, self.inv], np.zeros(x.shape[0]), vjp

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        P = np.eye(self.n)[self.perm]
        return z[:, self.perm], np.broadcast_to(P, (z.shape[0], self.n, self.n)).copy()


class LULinear(_Dense):
    r"""Glow's invertible 1x1 convolution in dense form, forward = generative ``x = W z``: ``W = P L (U + diag(sign
    \cdot e^{log\_s}))``
    with a fixed permutation ``P`` and signs, unit lower-triangular ``L`` and strictly upper ``U``
    (parameters ``L``, ``U``, ``log_s``; only the strict triangles of ``L`` and ``U`` are used).
    ``log|det W| = \sum log\_s``."""

    def __init__(self, n: int, rng: Optional[np.random.Generator | int] = None, *, identity_init: bool = False,
                 scale: float = 0.3) -> None:
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise FlowInputError(f"n must be an integer >= 1, not {n!r}")
        rng = optional_rng(rng)
        self.n = n
        self.perm = np.arange(n) if identity_init else rng.permutation(n)
        self.sign = np.ones(n) if identity_init else rng.choice([-1.0, 1.0], n)
        k = 0.0 if identity_init else scale
        self.lower, self.upper = np.tril(np.ones((n, n)), -1), np.triu(np.ones((n, n)), 1)
        self.params = {"L": rng.standard_normal((n, n)) * k * self.lower,
                       "U": rng.standard_normal((n, n)) * k * self.upper,
                       "log_s": rng.standard_normal(n) * k}

    def _factors(self) -> tuple[Array, Array, Array]:
        P = np.eye(self.n)[self.perm]
        L = np.eye(self.n) + self.params["L"] * self.lower
        V = self.params["U"] * self.upper + np.diag(self.sign * np.exp(self.params["log_s"]))
        return P, L, V

    def matrix(self) -> Array:
        P, L, V = self._factors()
        return P @ L @ V

    def log_abs_det(self) -> float:
        return float(np.sum(self.params["log_s"]))

    def _param_grads(self, g_M: Array, g_logdet: float) -> dict[str, Array]:
        P, L, V = self._factors()
        g_L = (P.T @ g_M @ V.T) * self.lower
        g_V = (P @ L).T @ g_M
        return {"L": g_L, "U": g_V * self.upper,
                "log_s": np.diag(g_V) * self.sign * np.exp(self.params["log_s"]) + g_logdet}


class ActNorm(Transform):
    r"""ActNorm, forward = generative: ``x = z \odot e^{log\_scale} + bias``; data-dependent initialisation
    (:meth:`initialize`) sets
    ``bias`` and ``log_scale`` so the *inverse* maps the given data to zero mean and unit variance per
    coordinate."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.params = {"log_scale": np.zeros(n), "bias": np.zeros(n)}
        self.initialized = False

    def initialize(self, x: Array) -> None:
        x = check_batch(x, self.n, "initialisation data")
        if x.shape[0] == 0:
            raise FlowInputError("initialisation data has no rows")
        std = x.std(axis=0)
        self.params["bias"][...] = x.mean(axis=0)
        self.params["log_scale"][...] = np.log(np.where(std > 1e-12, std, 1.0))
        self.initialized = True

    def _forward(self, z: Array) -> tuple[Array, Array]:
        return z * np.exp(self.params["log_scale"]) + self.params["bias"], \
            np.full(z.shape[0], float(np.sum(self.params["log_scale"])))

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        e = np.exp(-self.params["log_scale"])
        z = (x - self.params["bias"]) * e

        def vjp(g_z: Array, g_ld: Array) -> tuple[Array, dict[str, Array]]:
            return g_z * e, {"bias": -(g_z * e).sum(axis=0),
                             "log_scale": -(g_z * z).sum(axis=0) - float(np.sum(g_ld))}

        return z, np.full(x.shape[0], -float(np.sum(self.params["log_scale"]))), vjp

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        x, _ = self._forward(z)
        return x, np.broadcast_to(np.diag(np.exp(self.params["log_scale"])), (z.shape[0], self.n, self.n)).copy()
