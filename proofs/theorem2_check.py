"""Sympy checks of every block identity used in proofs/theorem2.md, for SYMBOLIC d.

Each d x d block is a noncommutative symbol, so an identity verified here holds for every d
(and indeed over any ring). Inverses are separate symbols ``Xi`` with the rewriting rules
``X Xi -> 1`` and ``Xi X -> 1``; a defining relation (such as the commutator relation of step 4) is
used as a substitution. An identity holds when the normal form of ``lhs - rhs`` is zero.

Run:  python -m proofs.theorem2_check   (from the repository root; exit code 0 iff every check passes;
      run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

import sympy as sp
from sympy import Matrix

from proofs.engine import E, F, blocks_equal, diag2, inverse_rules, nc, normal_form, one, run, zero  # noqa: F401


# ---------------------------------------------------------------------------------------------
# the identities of proofs/theorem2.md
# ---------------------------------------------------------------------------------------------
def check_pair_reduction() -> bool:
    """(1) L(A,b) U(c,D) = E(A) diag(c,b) F(c^{-1} D), with b, c (diagonal) as symbols."""
    A, D, b, c, ci = nc("A D b c ci")
    L = Matrix([[one, zero], [A, b]])
    U = Matrix([[c, D], [zero, one]])
    return blocks_equal(L * U, E(A) * diag2(c, b) * F(ci * D), inverse_rules((c, ci)))


def check_delta_moves() -> bool:
    """(2) F(Y) Delta = Delta F(c^{-1} Y b) and E(X) Delta = Delta E(b^{-1} X c), Delta = diag(c, b)."""
    X, Y, b, bi, c, ci = nc("X Y b bi c ci")
    rules = inverse_rules((b, bi), (c, ci))
    Delta = diag2(c, b)
    return (blocks_equal(F(Y) * Delta, Delta * F(ci * Y * b), rules)
            and blocks_equal(E(X) * Delta, Delta * E(bi * X * c), rules))


def check_udl() -> bool:
    """(3) N = F(N12 N22^{-1}) diag(N/N22, N22) E(N22^{-1} N21), N/N22 = N11 - N12 N22^{-1} N21."""
    N11, N12, N21, N22, N22i = nc("N11 N12 N21 N22 N22i")
    N = Matrix([[N11, N12], [N21, N22]])
    S = N11 - N12 * N22i * N21
    return blocks_equal(N, F(N12 * N22i) * diag2(S, N22) * E(N22i * N21), inverse_rules((N22, N22i)))


def check_EF_diagonal() -> bool:
    """(4) With P = I + YZ: E(Y) F(Z) = F(Z P^{-1}) diag(Q, P) E(P^{-1} Y) where Q = I - Z P^{-1} Y,
    and Q (I + ZY) = (I + ZY) Q = I, i.e. Q = (I + ZY)^{-1} (push-through)."""
    Y, Z, P, Pi = nc("Y Z P Pi")
    # P is I + YZ: the rules are P Pi = Pi P = 1 and the two ways of writing P Pi, Pi P
    rules = inverse_rules((P, Pi)) + [((Pi, Y, Z), one - Pi), ((Y, Z, Pi), one - Pi)]
    Q = one - Z * Pi * Y
    lhs = E(Y) * F(Z)
    rhs = F(Z * Pi) * diag2(Q, P) * E(Pi * Y)
    sub = {P: one + Y * Z}
    ok = all(normal_form((a - b).subs(sub), rules) == 0 for a, b in zip(lhs, rhs))  # P only in the (2,2) entry
    ok &= normal_form(Q * (one + Z * Y) - one, rules) == 0
    ok &= normal_form((one + Z * Y) * Q - one, rules) == 0
    return ok


def check_main_word() -> bool:
    """(5) The k = 3 word. T' = [[A, B], [C, D]] with B invertible; P, H invertible with the
    commutator relation W P = H^{-1} P H, W = -(S B)^{-1}, S = C - D B^{-1} A. Solving the relation
    for C gives C = D B^{-1} A - P H^{-1} P^{-1} H B^{-1}. With x = (D - P) B^{-1}, u = B P^{-1},
    v = P^{-1}(C - x A), Z = B H^{-1}, Y = (P - I) H B^{-1}:

        T' = E(x) F(u - Z P^{-1}) E(Y) F(Z) E(v - P^{-1} Y).
    """
    A, B, Bi, D, P, Pi, H, Hi = nc("A B Bi D P Pi H Hi")
    rules = inverse_rules((B, Bi), (P, Pi), (H, Hi))
    C = D * Bi * A - P * Hi * Pi * H * Bi
    # the relation really is W P = H^{-1} P H: check  -(S B)^{-1} P = H^{-1} P H  <=>  P = -S B H^{-1} P H
    S = C - D * Bi * A
    relation_ok = normal_form(-S * B * Hi * P * H - P, rules) == 0
    x = (D - P) * Bi
    u = B * Pi
    v = Pi * (C - x * A)
    Zm = B * Hi
    Ym = (P - one) * H * Bi
    word = E(x) * F(u - Zm * Pi) * E(Ym) * F(Zm) * E(v - Pi * Ym)
    Tp = Matrix([[A, B], [C, D]])
    return relation_ok and blocks_equal(word, Tp, rules)


def check_shift_F() -> bool:
    """(6) T' = T~ F(-y) undoes to T~ = T' F(y): the last factor of the word is F(y)."""
    A, B, C, D, y = nc("A B C D y")
    Tt = Matrix([[A, B], [C, D]])
    return blocks_equal(Tt * F(-y) * F(y), Tt, [])


def check_commutator_lemma() -> bool:
    """(7) Lemma C, structural part: if P = V_p D_h V_p^{-1}, W P = V_w D_gh V_w^{-1} and
    D_gh = Pi^{-1} D_h Pi, then H = V_p Pi V_w^{-1} satisfies H^{-1} P H = W P."""
    Vp, Vpi, Vw, Vwi, Dh, Pm, Pmi = nc("Vp Vpi Vw Vwi Dh Pm Pmi")
    rules = inverse_rules((Vp, Vpi), (Vw, Vwi), (Pm, Pmi))
    P = Vp * Dh * Vpi
    WP = Vw * (Pmi * Dh * Pm) * Vwi
    H, Hi = Vp * Pm * Vwi, Vw * Pmi * Vpi
    return normal_form(Hi * P * H - WP, rules) == 0 and normal_form(H * Hi - one, rules) == 0


def check_cyclic_diagonal() -> bool:
    """(8) With h_i = g_1 ... g_{i-1} (so h_1 = 1) and g_1 ... g_d = det W_Q = 1: g_i h_i = h_{i+1} for
    i < d and g_d h_d = h_1. Telescoping; sympy cannot split a product with a symbolic upper limit,
    so this is checked with symbolic g_1..g_d for every d <= 12."""
    for d in range(1, 13):
        g = sp.symbols(f"g1:{d + 1}")
        h = [sp.Mul(*g[:i]) for i in range(d)]  # h[0] = 1, h[i] = g_1...g_i
        cyc = h[1:] + [sp.Integer(1)]           # (h_2, ..., h_d, h_1)
        det = sp.Mul(*g)
        for i in range(d):
            lhs = g[i] * h[i]
            rhs = cyc[i] if i < d - 1 else det  # the last one is det W_Q, which equals 1 = h_1
            if sp.expand(lhs - rhs) != 0:
                return False
    return True


def check_det_W_numerically() -> bool:
    """(9) det W = 1 when det T' = 1 (W = -(S B)^{-1}; det T' = (-1)^d det B det S): a scalar
    identity whose sign depends on d, checked in exact rationals for d = 1..6."""
    import random

    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    rnd = random.Random(0)
    for d in range(1, 7):
        while True:
            rows = [[QQ(rnd.randint(-3, 3)) for _ in range(2 * d)] for _ in range(2 * d)]
            T = DomainMatrix(rows, (2 * d, 2 * d), QQ).to_dense()
            det = T.det()
            B = T[:d, d:].to_dense()
            if det != 0 and B.det() != 0:
                break
        Tl = T.to_list()
        Tl[0] = [x / det for x in Tl[0]]  # now det T = 1
        T = DomainMatrix(Tl, (2 * d, 2 * d), QQ).to_dense()
        A, B, C, D = (T[:d, :d].to_dense(), T[:d, d:].to_dense(), T[d:, :d].to_dense(), T[d:, d:].to_dense())
        S = C - D * B.inv() * A
        W = -(S * B).inv()
        if W.det() != 1:
            return False
    return True


def check_minor_basis() -> bool:
    """(10) Step 4': for Q = I + u e_d^T with u_d = 0, (a) Q^{-1} = I - u e_d^T, (b) the leading k x k
    block of Q^{-1} W Q is W_kk - u_{1:k} w_{1:k}^T (w the last row of W) for k < d, and (c)
    det(W_kk - u w^T) = det W_kk - w^T adj(W_kk) u (the matrix determinant lemma, no inverse needed).
    Entries are commuting symbols here (these are identities of d x d matrices, not of blocks), checked
    for every d <= 5 (every k < d)."""
    for d in range(2, 6):
        W = Matrix(d, d, lambda i, j: sp.Symbol(f"w{i}{j}"))
        u = Matrix([sp.Symbol(f"u{i}") for i in range(d - 1)] + [0])
        ed = Matrix([0] * (d - 1) + [1])
        Q, Qi = sp.eye(d) + u * ed.T, sp.eye(d) - u * ed.T
        if (Q * Qi - sp.eye(d)).expand() != sp.zeros(d, d):
            return False
        WQ = (Qi * W * Q).expand()
        for k in range(1, d):
            Wk, uk, wk = W[:k, :k], u[:k, 0], W[d - 1, :k]
            if (WQ[:k, :k] - (Wk - uk * wk)).expand() != sp.zeros(k, k):
                return False
            lhs = (Wk - uk * wk).det(method="berkowitz")
            rhs = Wk.det(method="berkowitz") - (wk * Wk.adjugate() * uk)[0, 0]
            if sp.expand(lhs - rhs) != 0:
                return False
    return True


def check_spectral_route() -> bool:
    """(11) Step 4'': with D = diag(2, ..., d, 1), P = D + r e_d^T (r_d = 0), X_k = h_k I - W D, commuting
    symbols for W's and r's entries, for every d <= 3: (a) Q = I + q e_d^T, q_i = r_i/(h_d - h_i),
    satisfies P Q = Q D, and (d) Q (D - I) = D - I (Lemma Y: h_d = 1); (b) det(h_k I - W P) =
    det X_k - e_d^T adj(X_k) W r (so with
    z_k^T = e_d^T X_k^{-1}: det X_k (1 - z_k^T W r)); (c) e_d^T adj(X_k) (h_k I - W P) =
    (det X_k - e_d^T adj(X_k) W r) e_d^T and (h_k I - W P) adj(X_k) W r = W r (det X_k - e_d^T adj(X_k) W r):
    z_k^T and X_k^{-1} W r are a left and a right eigenvector as soon as the system z_k^T W r = 1 holds.
    Then, on a random rational instance of each d, the algorithm's H satisfies W P = H^{-1} P H exactly."""
    for d in range(2, 4):
        W = Matrix(d, d, lambda i, j: sp.Symbol(f"w{i}{j}"))
        r = Matrix([sp.Symbol(f"r{i}") for i in range(d - 1)] + [0])
        ed = Matrix([0] * (d - 1) + [1])
        h = list(range(2, d + 1)) + [1]
        D = sp.diag(*h)
        P = D + r * ed.T
        q = Matrix([r[i] / (h[d - 1] - h[i]) for i in range(d - 1)] + [0])
        Q = sp.eye(d) + q * ed.T
        if (P * Q - Q * D).applyfunc(sp.simplify) != sp.zeros(d, d):
            return False
        if (Q * (D - sp.eye(d)) - (D - sp.eye(d))).applyfunc(sp.simplify) != sp.zeros(d, d):
            return False
        for k in range(d):
            X = h[k] * sp.eye(d) - W * D
            adj = X.adjugate()
            dX = X.det(method="berkowitz")
            inner = (ed.T * adj * W * r)[0, 0]
            if sp.expand((h[k] * sp.eye(d) - W * P).det(method="berkowitz") - (dX - inner)) != 0:
                return False
            M = h[k] * sp.eye(d) - W * P
            if (ed.T * adj * M - (dX - inner) * ed.T).expand() != sp.zeros(1, d):
                return False
            if (M * adj * W * r - W * r * (dX - inner)).expand() != sp.zeros(d, 1):
                return False
    from verify.algebra.arith import Exact
    from verify.algebra.structured import dense
    from verify.theorem2.construction import spectral_commutator

    ar = Exact()
    rng = __import__("random").Random(11)
    for d in range(2, 7):
        while True:
            rows = [[sp.Rational(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(d)] for _ in range(d)]
            det = Matrix(rows).det()
            if det != 0:
                break
        rows[0] = [x / det for x in rows[0]]
        Wn = ar.from_fractions([[__import__("fractions").Fraction(int(x.p), int(x.q)) for x in row] for row in rows])
        found = spectral_commutator(ar, Wn)
        if found is None:
            continue
        Pn, _, Hn, Hin = (dense(x) for x in found)
        if not ar.equal((Wn @ Pn).v, (Hin @ Pn @ Hn).v):
            return False
    return True


CHECKS: list[Callable[[], bool]] = [check_pair_reduction, check_delta_moves, check_udl, check_EF_diagonal,
                                    check_main_word, check_shift_F, check_commutator_lemma, check_cyclic_diagonal,
                                    check_det_W_numerically, check_minor_basis, check_spectral_route]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
