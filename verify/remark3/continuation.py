r"""A single-pair square root by numerical continuation, for ``\Sigma`` where the graded construction
is too ill-conditioned for float64.

Existence is proved (``proofs/remark3.md``); this finds a well-conditioned root. Equilibrate
``\Sigma`` to a unit diagonal (diagonal scaling is free for one pair), then follow the geodesic
``\Sigma_t = \Sigma_0^{1/2} (\Sigma_0^{-1/2} \Sigma \Sigma_0^{-1/2})^t \Sigma_0^{1/2}``, ``t: 0 \to 1``, from
``\Sigma_0 = T_0 T_0^T`` for a fixed generic pair ``T_0`` (near the identity, but not the identity: at
``T = I`` the first-order map misses the off-diagonal entries of ``\Sigma_{11}`` and ``\Sigma_{22}``).
Each step solves the whitened equations

.. math::  F(\theta) = \operatorname{vech}\big(W_t\, T T^T W_t^T - I\big) = 0, \qquad W_t \Sigma_t W_t^T = I,
           \qquad \theta = (A, \log b, \log c, D),

by Gauss-Newton with minimum-norm steps. There are ``d(2d+1)`` equations in ``2d^2 + 2d`` unknowns, and
the ``d`` extra degrees of freedom are the family of roots. The step in ``t`` doubles after a success
and halves after a failure. The whitened residual ``E`` gives ``KL(N(0,\Sigma_t) \| N(0,TT^T)) \approx \|E\|_F^2/4``.
"""
from __future__ import annotations

import numpy as np

from ..coupling_blocks import L_array, U_array


def _layers(theta: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    A = theta[:d * d].reshape(d, d)
    b, c = np.exp(theta[d * d:d * d + d]), np.exp(theta[d * d + d:d * d + 2 * d])
    D = theta[d * d + 2 * d:].reshape(d, d)
    return A, b, c, D


def _LU(theta: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    A, b, c, D = _layers(theta, d)
    return L_array(A, b), U_array(c, D)


def _residual_and_jacobian(
    theta: np.ndarray, Wh: np.ndarray, d: int, jacobian: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    r"""``F`` and ``dF/d\theta``. Every parameter moves ``K = W_h T`` by a rank-one ``u v^T``, so its
    column of ``dF`` is the upper triangle of ``u (Kv)^T + (Kv) u^T``."""
    n = 2 * d
    r, s = np.triu_indices(n)
    L, U = _LU(theta, d)
    K = Wh @ L @ U
    F = (K @ K.T - np.eye(n))[r, s]
    if not jacobian:
        return F, None
    _, b, c, _ = _layers(theta, d)
    WL = Wh @ L
    i, j = np.divmod(np.arange(d * d), d)
    E = np.eye(n)
    u = np.concatenate([Wh[:, d + i], Wh[:, d:] * b, WL[:, :d] * c, WL[:, i]], axis=1)  # A_ij, log b, log c, D_ij
    v = np.concatenate([U[j, :].T, E[:, d:], E[:, :d], E[:, d + j]], axis=1)
    Kv = K @ v
    return F, u[r] * Kv[s] + Kv[r] * u[s]


def _gauss_newton(theta: np.ndarray, Wh: np.ndarray, d: int, iterations: int = 40) -> tuple[np.ndarray, float]:
    F, J = _residual_and_jacobian(theta, Wh, d, True)
    norm = float(np.linalg.norm(F))
    for _ in range(iterations):
        step = np.linalg.lstsq(J, F, rcond=None)[0]
        lam = 1.0
        while lam > 1e-3:
            trial = theta - lam * step
            Ft, _ = _residual_and_jacobian(trial, Wh, d, False)
            nt = float(np.linalg.norm(Ft))
            if nt < norm:
                break
            lam /= 2
        else:
            break  # no descent: at the rounding floor (or stuck)
        converged = nt > 0.5 * norm and norm < 1e-10  # stalled at the rounding floor
        theta, norm = trial, nt
        if converged or norm < 1e-14:
            break
        F, J = _residual_and_jacobian(theta, Wh, d, True)
    return theta, norm


def continuation_root(Sigma: np.ndarray, tol: float = 1e-10, min_step: float = 1e-4) -> tuple[np.ndarray, ...]:
    r"""``(A, b, c, D)`` of one pair with ``T T^T \approx \Sigma`` (``\Sigma`` SPD, ``2d \times 2d``),
    each continuation step solved to a whitened residual below ``tol``; ``ArithmeticError`` if the
    step in ``t`` falls below ``min_step``."""
    n = Sigma.shape[0]
    d = n // 2
    p = 1 / np.sqrt(np.diag(Sigma))
    rng = np.random.default_rng(0)
    theta = np.concatenate([0.3 * rng.standard_normal(d * d) / np.sqrt(d), np.zeros(2 * d),
                            0.3 * rng.standard_normal(d * d) / np.sqrt(d)])
    L0, U0 = _LU(theta, d)
    T0 = L0 @ U0
    w0, V0 = np.linalg.eigh(T0 @ T0.T)
    R0 = (V0 / np.sqrt(w0)) @ V0.T  # Sigma_0^{-1/2}
    w, V = np.linalg.eigh(R0 @ (p[:, None] * Sigma * p[None, :]) @ R0)
    t, dt = 0.0, 0.25
    while t < 1:
        tn = min(1.0, t + dt)
        trial, norm = _gauss_newton(theta, (w ** (-tn / 2))[:, None] * (V.T @ R0), d)
        if norm < tol and np.all(np.isfinite(trial)):
            theta, t, dt = trial, tn, min(2 * dt, 1.0)
        else:
            dt /= 2
            if dt < min_step:
                raise ArithmeticError(
                    f"the continuation stalled at t = {t:.4f} (Sigma too ill-conditioned for float64)"
                )
    A, b, c, D = _layers(theta, d)
    # undo the equilibration P = diag(p): T' T'^T = P Sigma P, T = P^{-1} T' is again one pair
    p1, p2 = p[:d], p[d:]
    return (A * p1[None, :]) / p2[:, None], b / p2, c / p1, D / p1[:, None]
