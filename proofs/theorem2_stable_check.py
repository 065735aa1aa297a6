"""Sympy checks of the identities in proofs/theorem2_stable.md, for SYMBOLIC d.

Block identities use the noncommutative rewriting of proofs/theorem2_check.py (each d x d block is a
noncommutative symbol with an inverse symbol, so an identity checked here holds for every d). The
commutator lemma is about explicit plane rotations: it is checked with symbolic angles for 1, 2
and 3 planes (with and without a fixed axis); the general case is the induction in the proof.

Run:  python -m proofs.theorem2_stable_check   (exit code 0 iff every check passes; run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

import sympy as sp
from sympy import Matrix

from proofs.engine import E, F, _factors, blocks_equal, inverse_rules, nc, normal_form, one, run, zero


def check_two_pairs() -> bool:
    """(1) Lemma 1: E(X1) F(Y1) E(H) F(Y2) = M when X1 = (M21 - H) M11^-1, Y1 = (M11 - I) H^-1, Y2 = M11^-1 (M12 -
    Y1) and M22 = M21 M11^-1 M12 + H M11^-1 H^-1."""
    M11, M11i, M12, M21, H, Hi = nc("M11 M11i M12 M21 H Hi")
    rules = inverse_rules((M11, M11i), (H, Hi))
    X1 = (M21 - H) * M11i
    Y1 = (M11 - one) * Hi
    Y2 = M11i * (M12 - Y1)
    # the (2,2) block: Schur complement (H M11 H^-1)^-1 = H M11^-1 H^-1 plus M21 M11^-1 M12
    M = Matrix([[M11, M12], [M21, M21 * M11i * M12 + H * M11i * Hi]])
    return blocks_equal(E(X1) * F(Y1) * E(H) * F(Y2), M, rules)


def check_lemma1_needs_similarity() -> bool:
    """(2) Lemma 1, converse: in any word E(X1) F(Y1) E(H) F(Y2), the Schur complement of the (1,1) block is (H (I +
    Y1 H) H^-1)^-1, so (M^-1)_22 = H M11 H^-1."""
    X1, Y1, Y2, H, Hi, P, Pi = nc("X1 Y1 Y2 H Hi P Pi")
    # P = I + Y1 H is the (1,1) block; its inverse symbol Pi
    rules = inverse_rules((H, Hi), (P, Pi))
    W = E(X1) * F(Y1) * E(H) * F(Y2)
    sub = {P: one + Y1 * H}
    ok = normal_form(W[0, 0] - (one + Y1 * H), rules) == 0
    # Schur complement W22 - W21 W11^-1 W12, with W11^-1 = Pi, should be (H P H^-1)^-1 = H Pi Hi:
    # multiply out (W22 - W21 Pi W12) * (H P Hi) and use P = I + Y1 H only where it appears explicitly
    schur = W[1, 1] - W[1, 0] * Pi * W[0, 1]
    prod = sp.expand(schur * H * P * Hi)
    lhs = normal_form(prod.subs(sub), rules + [((Pi, Y1, H), one - Pi), ((Y1, H, Pi), one - Pi)])
    return ok and lhs == one


def check_core_blocks() -> bool:
    """(3) Lemma 2: for M = T' F(-Y) E(-X), Y = P^-1 T12 - R, R = X^-1 (I - Om): M11 = P X^-1 Om X, M12 = P R, and
    (M^-1)_22 = Om S^-1 with S = T22 - T21 P^-1 T12."""
    P, Pi, T12, T21, T22, X, Xi, Om, Omi, Si = nc("P Pi T12 T21 T22 X Xi Om Omi Si")
    rules = inverse_rules((P, Pi), (X, Xi), (Om, Omi))
    R = Xi * (one - Om)
    Y = Pi * T12 - R
    Tp = Matrix([[P, T12], [T21, T22]])
    M = Tp * F(-Y) * E(-X)
    S = T22 - T21 * Pi * T12
    # T'^-1 by the block formula, with the Schur complement's inverse Si (and S Si = I as a rule below)
    Tinv = Matrix([[Pi + Pi * T12 * Si * T21 * Pi, -Pi * T12 * Si], [-Si * T21 * Pi, Si]])
    Minv = E(X) * F(Y) * Tinv
    ok = normal_form(M[0, 0] - P * Xi * Om * X, rules) == 0
    ok &= normal_form(M[0, 1] - P * R, rules) == 0
    ok &= normal_form(Minv[1, 1] - Om * Si, rules) == 0
    # and the block inverse is an inverse: T' T'^-1 = I, given S Si = I
    Ssym = nc("S")
    rules_s = rules + inverse_rules((Ssym, Si))
    check = (Tp * Tinv).subs({T22: Ssym + T21 * Pi * T12})
    ok &= all(normal_form(check[i, j] - (one if i == j else zero), rules_s) == 0 for i in range(2) for j in range(2))
    return ok and normal_form(S.subs({T22: Ssym + T21 * Pi * T12}) - Ssym, rules) == 0


def check_core_similarity() -> bool:
    """(4) Lemma 2: with P = A D B, S^-1 = C D Et, Psi = C A^-1, X = N Psi, H = Om Psi and N^-1 Om N Om^-1 = C A^-1
    B^-1 Et: H M11 H^-1 = Om S^-1."""
    A, Ai, B, Bi, C, Ci, D, Et, N, Ni, Om, Omi = nc("A Ai B Bi C Ci D Et N Ni Om Omi")
    rules = inverse_rules((A, Ai), (B, Bi), (C, Ci), (N, Ni), (Om, Omi))
    # the commutator relation, solved for N^-1 Om N (a rewrite rule)
    rules = rules + [((Ni, Om, N), C * Ai * Bi * Et * Om)]
    P = A * D * B
    X, Xi = N * C * Ai, A * Ci * Ni
    H, Hi = Om * C * Ai, A * Ci * Omi
    M11 = P * Xi * Om * X
    return normal_form(H * M11 * Hi - Om * C * D * Et, rules) == 0


def check_orthogonal_start() -> bool:
    """(5) Lemma 4: Q = diag(A1, A2) [[C, -S], [S, C]] diag(B1, B2)^T and Z = -B2 B1^T give T'11 = Q11 + Q12 Z = A1
    (C + S) B1^T and Q22^T - Z Q21^T = B2 (C + S) A2^T."""
    A1, A1t, A2, A2t, B1, B1t, B2, B2t, C, S = nc("A1 A1t A2 A2t B1 B1t B2 B2t C S")
    rules = inverse_rules((A1, A1t), (A2, A2t), (B1, B1t), (B2, B2t))
    Q11, Q12 = A1 * C * B1t, -A1 * S * B2t  # and Q21 = A2 S B1^T, Q22 = A2 C B2^T:
    Q21t, Q22t = B1 * S * A2t, B2 * C * A2t  # transposes (C, S diagonal)
    Z = -B2 * B1t
    ok = normal_form(Q11 + Q12 * Z - A1 * (C + S) * B1t, rules) == 0
    ok &= normal_form(Q22t - Z * Q21t - B2 * (C + S) * A2t, rules) == 0
    # and that T' = Q E(Z) has (T'^-1)_22 = Q22^T - Z Q21^T: (E(-Z) Q^T)_22
    Qt = Matrix([[B1 * C * A1t, B1 * S * A2t], [-B2 * S * A1t, B2 * C * A2t]])
    ok &= normal_form((E(-Z) * Qt)[1, 1] - (Q22t - Z * Q21t), rules) == 0
    return ok


def _rotation(t: sp.Expr) -> Matrix:
    return Matrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])


def check_commutator_planes() -> bool:
    """(6) Lemma 3: N'^T Om' N' Om'^T = blkdiag(R(a_1), ..., R(a_m)[, 1]) (m = 1, 2, 3; with and without a fixed axis).

    N' shifts plane j to plane j + 1 and the last back through a reflection; beta_1 = -sum(a)/2,
    beta_{j+1} = beta_j + a_j."""
    ok = True
    for m in (1, 2, 3):
        for fixed in (0, 1):
            alpha = sp.symbols(f"a1:{m + 1}", real=True)
            beta = [-sum(alpha) / 2]
            for a in alpha[:-1]:
                beta.append(beta[-1] + a)
            d = 2 * m + fixed
            W = sp.eye(d)
            N = sp.zeros(d, d)
            target = sp.eye(d)
            for j in range(m):
                W[2 * j:2 * j + 2, 2 * j:2 * j + 2] = _rotation(beta[j])
                target[2 * j:2 * j + 2, 2 * j:2 * j + 2] = _rotation(alpha[j])
                k = (j + 1) % m
                N[2 * k, 2 * j] = 1
                N[2 * k + 1, 2 * j + 1] = 1 if j < m - 1 else -1
            if fixed:
                N[d - 1, d - 1] = 1
            # exactly zero as a Laurent polynomial in exp(i a_j / 2): no simplify() (20 s) needed
            diff = (N.T * W * N * W.T - target).applyfunc(lambda e: sp.expand(e.rewrite(sp.exp)))
            ok &= diff == sp.zeros(d, d)
            ok &= sp.simplify(N.T * N - sp.eye(d)) == sp.zeros(d, d)
    return bool(ok)


def check_pair_scaling() -> bool:
    """(7) Assembly: a scalar moves into a pair, a L(A,b) U(c,D) = L(A, a b) U(a c, a D); and E(A) diag(c, b) F(Y) =
    L(A, b) U(c, c Y)."""
    A, D, Y, b, c = nc("A D Y b c")
    a = sp.Symbol("a", positive=True)

    def L(A_, b_):
        return Matrix([[one, zero], [A_, b_]])

    def U(c_, D_):
        return Matrix([[c_, D_], [zero, one]])

    ok = blocks_equal(a * L(A, b) * U(c, D), L(A, a * b) * U(a * c, a * D), [])
    ok &= blocks_equal(E(A) * Matrix([[c, zero], [zero, b]]) * F(Y), L(A, b) * U(c, c * Y), [])
    return ok


def check_middle_split() -> bool:
    """Lopsided spectra, the middle diagonal split over two pairs: E(A) diag(c1 c2, b1 b2) F(Y) = L(A, b1) U(c1, 0)
    L(0, b2) U(c2, c2 Y)."""
    A, Y, b1, b2, c1, c2 = nc("A Y b1 b2 c1 c2")

    def L(A_, b_):
        return Matrix([[one, zero], [A_, b_]])

    def U(c_, D_):
        return Matrix([[c_, D_], [zero, one]])

    middle = E(A) * Matrix([[c1 * c2, zero], [zero, b1 * b2]]) * F(Y)
    return blocks_equal(middle, L(A, b1) * U(c1, zero) * L(zero, b2) * U(c2, c2 * Y), [])


def check_transpose_word() -> bool:
    """(8) Assembly: (E(X) F(Y))^T = F(Y)^T E(X)^T = E(Y^T) F(X^T), so V^T's word starts with F when V's ends with E."""
    X, Y, Xt, Yt = nc("X Y Xt Yt")
    names = {X: Xt, Y: Yt}

    def transpose(expr: sp.Expr) -> sp.Expr:  # (a b c)^T = c^T b^T a^T, term by term
        out = []
        for term in sp.Add.make_args(sp.expand(expr)):
            coeff, seq = _factors(term)
            out.append(coeff * sp.Mul(*[names.get(f, f) for f in reversed(seq)]))
        return sp.Add(*out)

    W = E(X) * F(Y)
    lhs = Matrix(2, 2, lambda i, j: transpose(W[j, i]))
    return blocks_equal(lhs, E(Yt) * F(Xt), [])


CHECKS: list[Callable[[], bool]] = [check_two_pairs, check_lemma1_needs_similarity, check_core_blocks,
                                    check_core_similarity, check_orthogonal_start, check_commutator_planes,
                                    check_pair_scaling, check_middle_split, check_transpose_word]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
