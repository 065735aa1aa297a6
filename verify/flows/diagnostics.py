r"""Conditioning diagnostics of the forward (generative) map: Jacobians ``dx/dz`` at given latent
points (exact for linear layers, by the product of layer Jacobians for the others), their singular
values and condition numbers."""
from __future__ import annotations

import numpy as np

from .base import Array, Transform


def jacobian(transform: Transform, z: Array) -> Array:
    """``dx/dz`` at each row of ``z``: shape ``(N, n, n)``."""
    return transform.forward_jacobian(z)[1]


def singular_values(transform: Transform, z: Array) -> Array:
    """Singular values of ``dx/dz`` per point, descending: shape ``(N, n)``."""
    return np.linalg.svd(jacobian(transform, z), compute_uv=False)


def condition_number(transform: Transform, z: Array) -> Array:
    r"""``\sigma_{max} / \sigma_{min}`` of ``dx/dz`` per point."""
    s = singular_values(transform, z)
    return s[:, 0] / s[:, -1]
