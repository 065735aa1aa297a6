r"""The transform interface of the flow core, on batches.

Direction convention (everywhere in :mod:`verify.flows`): **forward is the generative direction**,
latent ``z`` to data ``x``, as in the paper's pushforward ``g_\# N``:

* ``forward_and_log_det(z) -> (x, log|det dx/dz|)``
* ``inverse_and_log_det(x) -> (z, log|det dz/dx|)``

Batches are float64 arrays of shape ``(N, n)``; log-dets have shape ``(N,)``.

Gradients are hand-written reverse mode in the *normalizing* direction (the one maximum
likelihood needs): ``inverse_vjp(x)`` returns ``(z, log_det, vjp)`` where
``vjp(g_z, g_log_det) -> (g_x, {name: g_param})`` gives the vector-Jacobian products.
"""
from __future__ import annotations

import math
from typing import Callable, Iterator, Optional, Sequence

import numpy as np

from ..errors import InputError

Array = np.ndarray
VJP = Callable[[Array, Array], tuple[Array, dict[str, Array]]]


class FlowInputError(InputError):
    """Bad input to the flow core: a batch of the wrong shape, dtype, or with non-finite entries, a
    seed that is not one, a size or step count out of range (a ``ValueError``)."""


def check_batch(v: object, n: int, name: str = "input") -> Array:
    """``v`` as a float64 array of shape ``(N, n)`` with finite entries, or :class:`FlowInputError`."""
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise FlowInputError(f"{name} must be a numeric array of shape (N, {n})") from None
    if a.ndim != 2 or a.shape[1] != n:
        raise FlowInputError(f"{name} must have shape (N, {n}); got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise FlowInputError(f"{name} has NaN or infinite entries")
    return a


class Transform:
    """An invertible map of ``R^n`` with tractable log-determinant (forward = generative).

    Subclasses implement :meth:`_forward`, :meth:`_inverse_vjp` and :meth:`_forward_jacobian`, and
    hold their parameters in ``self.params`` (a dict of float64 arrays, updated in place by
    optimisers)."""

    n: int
    params: dict[str, Array]

    def forward_and_log_det(self, z: Array) -> tuple[Array, Array]:
        """``x = f(z)`` (latent to data) and ``log|det df/dz|`` per row."""
        return self._forward(check_batch(z, self.n, "z"))

    def inverse_and_log_det(self, x: Array) -> tuple[Array, Array]:
        """``z = f^{-1}(x)`` (data to latent) and ``log|det df^{-1}/dx|`` per row."""
        z, ld, _ = self._inverse_vjp(check_batch(x, self.n, "x"))
        return z, ld

    def inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        """``(z, log|det dz/dx|, vjp)``; ``vjp(g_z, g_log_det)`` returns ``(g_x, {param: grad})``."""
        return self._inverse_vjp(check_batch(x, self.n, "x"))

    def forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        """``x = f(z)`` and the Jacobians ``dx/dz`` of shape ``(N, n, n)``."""
        return self._forward_jacobian(check_batch(z, self.n, "z"))

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Array]]:
        for k, v in self.params.items():
            yield prefix + k, v

    # to implement
    def _forward(self, z: Array) -> tuple[Array, Array]:
        raise NotImplementedError

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        raise NotImplementedError

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        raise NotImplementedError


class ComposedTransform(Transform):
    r"""``f = f_m \circ \cdots \circ f_1``: ``forward`` applies ``transforms[0]`` first (to the latent),
    the inverse applies them in reverse. Log-dets add; Jacobians multiply
    (``J = J_m \cdots J_1``). Parameters are named ``"<index>.<name>"``."""

    def __init__(self, *transforms: Transform) -> None:
        if not transforms:
            raise ValueError("ComposedTransform needs at least one transform")
        ns = {t.n for t in transforms}
        if len(ns) != 1:
            raise ValueError(f"transforms act on different dimensions {sorted(ns)}")
        self.transforms = list(transforms)
        self.n = ns.pop()
        self.params = {}

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Array]]:
        for i, t in enumerate(self.transforms):
            yield from t.named_parameters(f"{prefix}{i}.")

    def _forward(self, z: Array) -> tuple[Array, Array]:
        ld = np.zeros(z.shape[0])
        for t in self.transforms:
            z, l = t._forward(z)
            ld = ld + l
        return z, ld

    def _inverse_vjp(self, x: Array) -> tuple[Array, Array, VJP]:
        ld = np.zeros(x.shape[0])
        vjps = []
        for t in reversed(self.transforms):
            x, l, vjp = t._inverse_vjp(x)
            ld = ld + l
            vjps.append(vjp)
        m = len(self.transforms)

        def vjp(g_z: Array, g_ld: Array) -> tuple[Array, dict[str, Array]]:
            grads: dict[str, Array] = {}
            g = g_z
            for j, f in enumerate(reversed(vjps)):  # latent side first: transforms[0], transforms[1], ...
                g, gp = f(g, g_ld)
                grads.update({f"{j}.{k}": v for k, v in gp.items()})
            assert len(vjps) == m
            return g, grads

        return x, ld, vjp

    def _forward_jacobian(self, z: Array) -> tuple[Array, Array]:
        J = np.broadcast_to(np.eye(self.n), (z.shape[0], self.n, self.n))
        for t in self.transforms:
            z, Jt = t._forward_jacobian(z)
            J = Jt @ J
        return z, J


class StandardNormal:
    """The base distribution ``N(0, I_n)``."""

    def __init__(self, n: int) -> None:
        self.n = n

    def log_prob(self, z: Array) -> Array:
        return -0.5 * np.sum(z * z, axis=1) - 0.5 * self.n * math.log(2 * math.pi)

    def sample(self, N: int, rng: np.random.Generator) -> Array:
        return rng.standard_normal((N, self.n))


def as_transform(transforms: Sequence[Transform] | Transform) -> Transform:
    if isinstance(transforms, Transform):
        return transforms
    return ComposedTransform(*transforms)


def optional_rng(rng: Optional[np.random.Generator | int]) -> np.random.Generator:
    """numpy's convention: a ``Generator`` is used as it is, an integer seeds a new one, and ``None``
    draws fresh entropy (not reproducible: pass a seed for that). No global random state is used."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0):
        return np.random.default_rng(rng)
    raise FlowInputError(f"rng must be a numpy Generator, a seed >= 0 or None, not {rng!r}")
