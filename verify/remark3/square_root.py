r"""A single-pair square root of an SPD matrix (Remark 3 of the paper, sharpened).

For ``\Sigma = \begin{bmatrix}\Sigma_{11} & \Sigma_{12}\\ \Sigma_{21} & \Sigma_{22}\end{bmatrix}``
(``2d \times 2d``, SPD) write ``G = \Sigma_{11}^{-1}`` and ``S = \Sigma_{22} - \Sigma_{21} G \Sigma_{12}``.
``T = L(A, b) U(c, D) = [[I, 0], [A, \operatorname{diag} b]]\,[[\operatorname{diag} c, D], [0, I]]`` has
``T T^T = \Sigma`` iff, with ``B = \operatorname{diag} b``, ``C = \operatorname{diag} c``, ``W = D``:

(i)  ``W W^T = \Sigma_{11} - C^2`` and (ii) ``B^{-1} S B^{-1} + W^T G W = I``, with ``A = (\Sigma_{21} - B W^T) G``.

(i) gives ``W = (\Sigma_{11} - C^2)^{1/2} Q`` for an orthogonal ``Q``, and then (ii) asks that
``B^{-1} S B^{-1}`` and ``C G C`` have the same eigenvalues (all below 1): ``Q`` then maps one
eigenbasis to the other. Such positive diagonal ``X = B^{-1}``, ``Y = C`` exist for every SPD pair
``S, G``: for a strongly graded target spectrum ``\lambda_1 \gg \dots \gg \lambda_d``, Ostrowski's theorem
puts ``\log \operatorname{spec}(X S X)`` within ``o(1)`` of ``\log x_i^2 + \log p_i`` (``p`` the pivots of
``S``'s Cholesky factor) and Brouwer's fixed point theorem gives an exact match
(``proofs/remark3.md``). The code solves the match by that fixed-point iteration. The price is
conditioning: the layers' condition numbers grow like the spread of the target spectrum
(``gap^{d-1}``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..coupling_blocks import L_array, U_array
from ..errors import InputError
from .continuation import continuation_root


class NotSPDError(InputError):
    """The matrix is not symmetric positive definite, not square, or of odd size."""


@dataclass
class SquareRoot:
    r"""``T = L(A, b) U(c, D)`` with ``T T^T \approx \Sigma``; ``residual`` is the measured
    ``\|T T^T - \Sigma\|_F / \|\Sigma\|_F`` of the float64 layers (evaluated in float64, not certified)."""

    A: np.ndarray
    b: np.ndarray
    c: np.ndarray
    D: np.ndarray
    residual: float
    layer_cond: float
    route: str = "graded"  # "graded" (the proof's construction) or "continuation" (verify.remark3.continuation)

    @property
    def L(self) -> np.ndarray:
        return L_array(self.A, self.b)

    @property
    def U(self) -> np.ndarray:
        return U_array(self.c, self.D)

    @property
    def T(self) -> np.ndarray:
        return self.L @ self.U


def _match(S: np.ndarray, t: np.ndarray, iterations: int = 500) -> tuple[np.ndarray, float]:
    r"""Positive ``x`` with ``\log\operatorname{spec}(\operatorname{diag}(x) S \operatorname{diag}(x))`` (descending)
    equal to ``t`` (descending): the fixed point of ``u \mapsto t - \log p - E(u)``, ``u = \log x^2``,
    ``E(u)`` the Ostrowski deviation. Returns ``x`` and the final mismatch."""
    p = np.diag(np.linalg.cholesky(S)) ** 2
    u = t - np.log(p)
    best = (np.exp(u / 2), np.inf)
    err = np.inf
    for _ in range(iterations):
        x = np.exp(u / 2)
        lam = np.sort(np.linalg.eigvalsh(x[:, None] * S * x[None, :]))[::-1]
        if not np.all(np.isfinite(lam)) or np.any(lam <= 0):
            break
        err = float(np.max(np.abs(np.log(lam) - t)))
        if err < best[1]:
            best = (x, err)
        if err < 1e-14 or err > 1e3:
            break
        u = u - (np.log(lam) - t)  # = t - log p - E(u)
    return best


def _sqrt_psd(M: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh((M + M.T) / 2)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T


def single_pair_square_root(Sigma: np.ndarray, gap: float = 100.0, tol: float = 1e-8) -> SquareRoot:
    r"""``T = L(A, b) U(c, D)`` with ``T T^T = \Sigma``: the proof's graded construction, and where
    float64 cannot carry it, a numerical continuation from ``\Sigma = I``
    (:mod:`verify.remark3.continuation`; ``route`` says which). Either way the pair is multiplied back
    and ``residual`` is measured.

    ``gap`` is the ratio between consecutive eigenvalues of the graded target spectrum (``> 1``);
    larger gaps make its fixed-point iteration converge more surely and the layers worse conditioned.
    Raises :class:`NotSPDError` when ``\Sigma`` is not SPD (or not square of even size), and
    ``ArithmeticError`` when both routes miss ``tol``."""
    Sigma = validated_sigma(Sigma)
    try:
        return _graded(Sigma, gap, tol)
    except ArithmeticError as e:
        graded_failure = str(e)
    try:
        A, b, c, D = continuation_root(Sigma)
    except ArithmeticError as e:
        raise ArithmeticError(f"{graded_failure}; {e}") from None
    out = _measured(SquareRoot(A=A, b=b, c=c, D=D, residual=0.0, layer_cond=0.0, route="continuation"), Sigma)
    if not out.residual <= tol:
        raise ArithmeticError(f"{graded_failure}; the continuation reached residual {out.residual:.1e} > {tol:.0e}")
    return out


#: the largest condition number of Sigma taken: beyond it float64 Gaussians lose every digit
MAX_COND = 1e14


def validated_sigma(Sigma: object) -> np.ndarray:
    """``Sigma`` as a float array, or :class:`NotSPDError` (an input error): square of even size,
    finite, symmetric to 1e-12, positive definite."""
    try:
        Sigma = np.asarray(Sigma, dtype=float)
    except (TypeError, ValueError):
        raise NotSPDError("Sigma must be a numeric matrix") from None
    if Sigma.ndim != 2 or Sigma.shape[0] != Sigma.shape[1] or Sigma.shape[0] % 2 or Sigma.shape[0] == 0:
        raise NotSPDError(f"Sigma must be a square matrix of even size, got shape {Sigma.shape}")
    if not np.all(np.isfinite(Sigma)) or not np.allclose(Sigma, Sigma.T, rtol=1e-12, atol=0):
        raise NotSPDError("Sigma must be finite and symmetric")
    try:
        np.linalg.cholesky(Sigma)
    except np.linalg.LinAlgError:
        raise NotSPDError("Sigma is not positive definite") from None
    with np.errstate(all="ignore"):
        ev = np.linalg.eigvalsh(Sigma)
    if not (np.all(np.isfinite(ev)) and ev[0] > 0 and ev[-1] / ev[0] <= MAX_COND
            and 1e-150 <= ev[0] and ev[-1] <= 1e150):
        raise NotSPDError(f"Sigma's eigenvalues span [{ev[0]:.3g}, {ev[-1]:.3g}]: float64 cannot carry that "
                          f"(need condition number <= {MAX_COND:.0e} and eigenvalues within 1e-150..1e150)")
    return Sigma


def _measured(out: SquareRoot, Sigma: np.ndarray) -> SquareRoot:
    """Multiply back: the relative Frobenius residual and the layers' condition number."""
    T = out.T
    out.residual = float(np.linalg.norm(T @ T.T - Sigma) / np.linalg.norm(Sigma))
    out.layer_cond = float(max(np.linalg.cond(out.L), np.linalg.cond(out.U)))
    return out


def _graded(Sigma: np.ndarray, gap: float, tol: float) -> SquareRoot:
    r"""The graded construction (module docstring; ``proofs/remark3.md``). ``ArithmeticError`` when
    float64 cannot carry it: the iteration does not converge,
    or the measured residual exceeds ``tol`` (the graded target makes the layers conditioned like
    ``gap^{d-1}``; at ``2d = 16`` and ``\operatorname{cond}\Sigma = 10^4`` that is already too much)."""
    if gap <= 1:
        raise ValueError("gap must exceed 1")
    d = Sigma.shape[0] // 2
    # diagonal scaling is free: if T' T'^T = P Sigma P then T = P^{-1} T' is again one pair, with
    # c = P_1^{-1} c', b = P_2^{-1} b', A = P_2^{-1} A' P_1, D = P_1^{-1} D'; equilibrate to a unit diagonal
    scale = 1 / np.sqrt(np.diag(Sigma))
    Sigma0, Sigma = Sigma, scale[:, None] * Sigma * scale[None, :]
    S11, S12, S22 = Sigma[:d, :d], Sigma[:d, d:], Sigma[d:, d:]
    G = np.linalg.inv(S11)
    S = S22 - S12.T @ G @ S12
    S = (S + S.T) / 2
    pS = np.diag(np.linalg.cholesky(S)) ** 2
    pG = np.diag(np.linalg.cholesky((G + G.T) / 2)) ** 2
    # the target's consecutive ratios: 1/gap times the drop of both pivot sequences, so that
    # x_{i+1}^2 / x_i^2 <= 1/gap (the grading Ostrowski's bound needs) for both matches;
    # gap grows tenfold while the fixed-point iteration does not converge
    for g in gap * 10.0 ** np.arange(8):
        steps = np.minimum(np.minimum(np.log(pS[1:] / pS[:-1]), np.log(pG[1:] / pG[:-1])), 0.0) - np.log(g)
        t = -np.log(4.0) + np.concatenate([[0.0], np.cumsum(steps)])
        with np.errstate(all="ignore"):
            x, e1 = _match(S, t)
            y, e2 = _match((G + G.T) / 2, t)
        if max(e1, e2) < 1e-12 and np.all(np.isfinite(x)) and np.all(np.isfinite(y)):
            break
    else:
        raise ArithmeticError("the spectrum match did not converge in float64 (Sigma too ill-conditioned)")
    b, c = 1 / x, y
    M = _sqrt_psd(S11 - np.diag(c ** 2))
    _, V1 = np.linalg.eigh(x[:, None] * S * x[None, :])   # B^{-1} S B^{-1} = V1 diag V1^T
    _, V2 = np.linalg.eigh(np.eye(d) - M @ G @ M)          # same eigenvalues, same (ascending) order
    W = M @ V2 @ V1.T
    A = (S12.T - b[:, None] * W.T) @ G
    p1, p2 = scale[:d], scale[d:]
    A, b, c, W = (A * p1[None, :]) / p2[:, None], b / p2, c / p1, W / p1[:, None]
    out = _measured(SquareRoot(A=A, b=b, c=c, D=W, residual=0.0, layer_cond=0.0), Sigma0)
    if not out.residual <= tol:
        raise ArithmeticError(f"the one-pair construction has residual {out.residual:.1e} > {tol:.0e} in float64 "
                              f"(layer condition {out.layer_cond:.1e}); the root exists (proofs/remark3.md) but "
                              "float64 cannot carry this construction of it")
    return out
