"""Sympy checks of the identities in proofs/remark3.md, for SYMBOLIC d (each d x d block is a
noncommutative symbol, as in proofs/theorem2_check.py).

(1) Step 1: with A^T = G (Sigma_12 - K), L^{-1} Sigma L^{-T} has blocks Sigma_11, K B^{-1} and
    B^{-1} (S + K^T G K) B^{-1}, S = Sigma_22 - Sigma_21 G Sigma_12.
(2) Step 1, converse: U U^T = [[C^2 + W W^T, W], [W^T, I]], so L (U U^T) L^T = Sigma when (i), (ii) hold.
(3) Step 2: with W W^T = Sigma_11 - C^2, the (2,2) condition (ii) is B^{-1} S B^{-1} = I - W^T G W.
(4) The free diagonal scaling: P^{-1} L(A, b) U(c, D) = L(P_2^{-1} A P_1, P_2^{-1} b) U(P_1^{-1} c, P_1^{-1} D).
Step 3 (Ostrowski and Brouwer) is analysis, not an identity; the tests measure it.

Run:  python -m proofs.remark3_check   (exit code 0 iff every check passes; run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

from sympy import Matrix

from proofs.engine import inverse_rules, nc, normal_form, one, run, zero

# Sigma_11 = S11 (inverse G, symmetric), Sigma_12 = P, Sigma_21 = Pt, Sigma_22 = R; K and Kt = K^T;
# B, C diagonal (B^T = B) with inverses Bi, Ci; W and Wt = W^T
S11, G, P, Pt, R, K, Kt, B, Bi, C, W, Wt = nc("S11 G P Pt R K Kt B Bi C W Wt")
RULES = inverse_rules((S11, G), (B, Bi))


def L(A, Bd):
    return Matrix([[one, zero], [A, Bd]])


def U(Cd, D):
    return Matrix([[Cd, D], [zero, one]])


def check_reduction() -> bool:
    """(1)"""
    A, At = (Pt - Kt) * G, G * (P - K)
    Linv = Matrix([[one, zero], [-Bi * A, Bi]])
    LinvT = Matrix([[one, -At * Bi], [zero, Bi]])
    Sigma = Matrix([[S11, P], [Pt, R]])
    Sp = Linv * Sigma * LinvT
    S = R - Pt * G * P
    ok = normal_form(Sp[0, 0] - S11, RULES) == 0
    ok &= normal_form(Sp[0, 1] - K * Bi, RULES) == 0
    ok &= normal_form(Sp[1, 1] - Bi * (S + Kt * G * K) * Bi, RULES) == 0
    return bool(ok)


def check_converse() -> bool:
    """(2) With K = W B, A = (Sigma_21 - B W^T) G and W W^T = Sigma_11 - C^2 (condition (i)):
    L (U U^T) L^T = [[Sigma_11, Sigma_12], [Sigma_21, S + Sigma_21 G Sigma_12]] with
    S = B (I - W^T G W) B, i.e. Sigma_22 is reproduced exactly when (ii) defines S."""
    A, At = (Pt - B * Wt) * G, G * (P - W * B)
    UUt = Matrix([[C * C + W * Wt, W], [Wt, one]])
    out = L(A, B) * UUt * Matrix([[one, At], [zero, B]])
    rules = RULES + [((W, Wt), S11 - C * C)]  # condition (i)
    S = B * (one - Wt * G * W) * B
    expect = Matrix([[S11, P], [Pt, S + Pt * G * P]])
    return all(normal_form(x - y, rules) == 0 for x, y in zip(out, expect))


def check_step2() -> bool:
    """(3) B^{-1} (S + K^T G K) B^{-1} = I  <=>  B^{-1} S B^{-1} = I - W^T G W for K = W B."""
    S = nc("S")
    lhs = Bi * (S + (B * Wt) * G * (W * B)) * Bi - one
    rhs = Bi * S * Bi - (one - Wt * G * W)
    return bool(normal_form(lhs - rhs, RULES) == 0)


def check_scaling() -> bool:
    """(4)"""
    A, D, P1, P1i, P2i = nc("A D P1 P1i P2i")
    rules = inverse_rules((P1, P1i))
    lhs = Matrix([[P1i, zero], [zero, P2i]]) * L(A, B) * U(C, D)
    rhs = L(P2i * A * P1, P2i * B) * U(P1i * C, P1i * D)
    return all(normal_form(a - b, rules) == 0 for a, b in zip(lhs, rhs))


CHECKS: list[Callable[[], bool]] = [check_reduction, check_converse, check_step2, check_scaling]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
