"""Sympy checks of the algebra in proofs/theorem3.md, for SYMBOLIC d.

Block identities use the noncommutative rewriting of proofs/theorem2_check.py (each d x d block
is a noncommutative symbol, so they hold for every d). The trace identity is checked with sympy
matrix symbols of symbolic size n (index sums). Statements about the families' determinants are
checked in exact rationals for d <= 12 (a weaker form, said so in the output).

Run:  python -m proofs.theorem3_check   (exit code 0 iff every check passes; run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

import sympy as sp
from sympy import Matrix

from proofs.engine import E, F, blocks_equal, diag2, inverse_rules, nc, normal_form, one, run, zero


def check_two_pairs_reduce() -> bool:
    """(1) L(A1,b1) U(c1,D1) L(A2,b2) U(c2,D2) = E(A1) F(D1 b1^-1) E(b1 A2 c1^-1) F(c1 D2 b2^-1 b1^-1) diag(c1 c2,
    b1 b2)."""
    A1, A2, D1, D2, b1, b1i, b2, b2i, c1, c1i, c2, c2i = nc("A1 A2 D1 D2 b1 b1i b2 b2i c1 c1i c2 c2i")
    rules = inverse_rules((b1, b1i), (b2, b2i), (c1, c1i), (c2, c2i))

    def L(A, b):
        return Matrix([[one, zero], [A, b]])

    def U(c, D):
        return Matrix([[c, D], [zero, one]])

    lhs = L(A1, b1) * U(c1, D1) * L(A2, b2) * U(c2, D2)
    rhs = E(A1) * F(D1 * b1i) * E(b1 * A2 * c1i) * F(c1 * D2 * b2i * b1i) * diag2(c1 * c2, b1 * b2)
    return blocks_equal(lhs, rhs, rules)


def check_blocks_of_EFEF() -> bool:
    """(2) N = E(X) F(Y) E(Z) F(W): N11 = I + YZ, N^-1 = F(-W) E(-Z) F(-Y) E(-X) and (N^-1)22 = I + ZY."""
    X, Y, Z, W = nc("X Y Z W")
    N = E(X) * F(Y) * E(Z) * F(W)
    Ninv = F(-W) * E(-Z) * F(-Y) * E(-X)
    ok = blocks_equal(N * Ninv, Matrix([[one, zero], [zero, one]]), [])
    ok &= normal_form(N[0, 0] - (one + Y * Z), []) == 0
    ok &= normal_form(Ninv[1, 1] - (one + Z * Y), []) == 0
    return ok


def check_scaled_blocks() -> bool:
    """(3) N = T Delta^-1, Delta = diag(c, b): N11 = T11 c^-1 and (N^-1)22 = b (T^-1)22."""
    T11, T12, T21, T22, V11, V12, V21, V22, b, bi, c, ci = nc("T11 T12 T21 T22 V11 V12 V21 V22 b bi c ci")
    T, V = Matrix([[T11, T12], [T21, T22]]), Matrix([[V11, V12], [V21, V22]])  # V stands for T^-1
    N = T * diag2(ci, bi)
    Ninv = diag2(c, b) * V
    return normal_form(N[0, 0] - T11 * ci, []) == 0 and normal_form(Ninv[1, 1] - b * V22, []) == 0


def check_trace_cyclic() -> bool:
    """(4) tr(YZ) = tr(ZY) for n x n matrix symbols, n symbolic (the two index sums agree after swapping dummies)."""
    n = sp.Symbol("n", integer=True, positive=True)
    Y, Z = sp.MatrixSymbol("Y", n, n), sp.MatrixSymbol("Z", n, n)
    a, b = sp.Trace(Y * Z).rewrite(sp.Sum), sp.Trace(Z * Y).rewrite(sp.Sum)
    (u, u0, u1), (v, _, _) = a.limits
    (p, _, _), (q, _, _) = b.limits
    if not (a.limits[0][1:] == a.limits[1][1:] == b.limits[0][1:] == b.limits[1][1:]):
        return False
    # a = sum_{u, v} f(u, v); b = sum_{p, q} g(p, q): equal if g with (p, q) -> (v, u) or (u, v) is f
    f = a.function
    return any(sp.simplify(b.function.subs({p: x, q: y}, simultaneous=True) - f) == 0 for x, y in ((u, v), (v, u)))


def check_trace_of_diagonal_scaling() -> bool:
    """(5) tr(T11 C^-1) = sum_i T11_ii / c_i and tr(B S) = sum_i b_i S_ii (checked for d <= 6 with symbolic entries)."""
    for d in range(1, 7):
        T = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"t{i}{j}"))
        S = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"s{i}{j}"))
        c = [sp.Symbol(f"c{i}", nonzero=True) for i in range(d)]
        b = [sp.Symbol(f"b{i}") for i in range(d)]
        if sp.simplify((T * sp.diag(*[1 / x for x in c])).trace() - sum(T[i, i] / c[i] for i in range(d))) != 0:
            return False
        if sp.expand((sp.diag(*b) * S).trace() - sum(b[i] * S[i, i] for i in range(d))) != 0:
            return False
    return True


def check_charpoly_minors() -> bool:
    """(5') WEAK FORM, d <= 3 with symbolic entries: charpoly(YZ) = charpoly(ZY), and e_m(T X) = sum_{|I|=m} det
    T[I,I] x^I
    for diagonal X = diag(x) (the coefficients behind the minors certificate)."""
    from itertools import combinations

    lam = sp.Symbol("lam")
    for d in range(1, 4):
        Y = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"y{i}{j}"))
        Z = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"z{i}{j}"))
        if sp.expand((Y * Z).charpoly(lam).as_expr() - (Z * Y).charpoly(lam).as_expr()) != 0:
            return False
        T = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"t{i}{j}"))
        x = sp.symbols(f"x0:{d}")
        coeffs = (T * sp.diag(*x)).charpoly(lam).all_coeffs()  # lam^d - e_1 lam^(d-1) + e_2 ...
        for m in range(1, d + 1):
            e_m = (-1) ** m * coeffs[m]
            rhs = sum(T.extract(list(I), list(I)).det() * sp.Mul(*[x[i] for i in I]) for I in combinations(range(d), m))
            if sp.expand(e_m - rhs) != 0:
                return False
    return True


def check_zero_block_forward() -> bool:
    """(6) If I + YZ = 0 (Z = -Y^-1): E(X) F(Y) E(-Y^-1) F(W) diag(c, b) = [[0, Y b], [-Y^-1 c, (X Y - Y^-1 W + I) b]],
    so T12^-1 = b^-1 Y^-1 and B T12^-1 C = Y^-1 c = -T21."""
    X, Y, Yi, W, b, bi, c = nc("X Y Yi W b bi c")
    rules = inverse_rules((Y, Yi), (b, bi))
    lhs = E(X) * F(Y) * E(-Yi) * F(W) * diag2(c, b)
    rhs = Matrix([[zero, Y * b], [-Yi * c, (X * Y - Yi * W + one) * b]])
    T12inv = bi * Yi
    ok = blocks_equal(lhs, rhs, rules)
    ok &= normal_form(T12inv * Y * b - one, rules) == 0 and normal_form(Y * b * T12inv - one, rules) == 0
    ok &= normal_form(b * T12inv * c - (-(-Yi * c)), rules) == 0
    return ok


def check_zero_block_converse() -> bool:
    """(7) Conversely, if T11 = 0 and T21 = -B T12^-1 C: Y = T12 B^-1, X = (T22 B^-1 - I) Y^-1, W = 0 give
    E(X) F(Y) E(-Y^-1) F(0) diag(C, B) = T."""
    T12, T12i, T22, b, bi, c = nc("T12 T12i T22 b bi c")
    rules = inverse_rules((T12, T12i), (b, bi))
    Y, Yi = T12 * bi, b * T12i
    X = (T22 * bi - one) * Yi
    T = Matrix([[zero, T12], [-b * T12i * c, T22]])
    ok = normal_form(Y * Yi - one, rules) == 0 and normal_form(Yi * Y - one, rules) == 0
    return ok and blocks_equal(E(X) * F(Y) * E(-Yi) * F(zero) * diag2(c, b), T, rules)


def check_cycle_invariant() -> bool:
    """(8) rho_ij = b_i c_j makes every alternating cycle product 1 (cycles of length m = 2..5, commuting scalars)."""
    for m in range(2, 6):
        b = sp.symbols(f"b0:{m}", nonzero=True)
        c = sp.symbols(f"c0:{m}", nonzero=True)
        prod = sp.Integer(1)
        for t in range(m):
            prod *= (b[t] * c[t]) / (b[(t + 1) % m] * c[t])
        if sp.simplify(prod - 1) != 0:
            return False
    return True


def check_inverse_perturbation() -> bool:
    """(9) (T + E)^-1 - T^-1 = -(T + E)^-1 E T^-1 (the identity behind the radius, Lemma 4)."""
    T, Ti, E_, Si = nc("T Ti E Si")  # Si = (T + E)^-1
    rules = inverse_rules((T, Ti)) + [((Si, T), one - Si * E_)]  # Si (T + E) = 1
    # the difference times the invertible T vanishes, hence the difference does
    return normal_form((Si - Ti - (-Si * E_ * Ti)) * T, rules) == 0


def check_radius_algebra() -> bool:
    """(10) At r = m/(tau (tau + m)): tau^2 r / (1 - tau r) = m, tau r < 1, and the bound increases in r."""
    tau, m, r = sp.symbols("tau m r", positive=True)
    g = tau ** 2 * r / (1 - tau * r)
    r0 = m / (tau * (tau + m))
    return (sp.simplify(g.subs(r, r0) - m) == 0 and sp.simplify(1 - tau * r0 - tau / (tau + m)) == 0
            and sp.simplify(sp.diff(g, r) - tau ** 2 / (1 - tau * r) ** 2) == 0)


def check_family_determinants() -> bool:
    """(11) WEAK FORM, d = 2..12 in exact rationals: det(I + J) = d + 1, det(2I + J) = 2^(d-1)(d + 2), and the
    cyclic shift P has zero diagonal with det(P + e1 e1^T) = det P."""
    for d in range(2, 13):
        J = sp.ones(d, d)
        if (sp.eye(d) + J).det() != d + 1 or (2 * sp.eye(d) + J).det() != 2 ** (d - 1) * (d + 2):
            return False
        P = sp.Matrix(d, d, lambda i, j: 1 if j == (i + 1) % d else 0)
        Q = P.copy()
        Q[0, 0] = 1
        if any(P[i, i] for i in range(d)) or Q.det() != P.det():
            return False
    return True


def check_row_scaled_minors() -> bool:
    """(12) WEAK FORM, d <= 3 with symbolic entries: e_j(diag(y) W) = sum_{|S|=j} det W[S,S] y^S."""
    from itertools import combinations

    lam = sp.Symbol("lam")
    for d in range(1, 4):
        W = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"w{i}{j}"))
        y = sp.symbols(f"y0:{d}")
        coeffs = (sp.diag(*y) * W).charpoly(lam).all_coeffs()
        for m in range(1, d + 1):
            rhs = sum(W.extract(list(S), list(S)).det() * sp.Mul(*[y[i] for i in S]) for S in combinations(range(d), m))
            if sp.expand((-1) ** m * coeffs[m] - rhs) != 0:
                return False
    return True


def _g(T11: Matrix, W: Matrix, x: tuple, y: tuple, j: int) -> sp.Expr:
    from itertools import combinations

    d = T11.shape[0]
    return sum(T11.extract(list(S), list(S)).det() * sp.Mul(*[x[i] for i in S])
               - W.extract(list(S), list(S)).det() * sp.Mul(*[y[i] for i in S]) for S in combinations(range(d), j))


def check_reduced_homogeneous() -> bool:
    """(13) WEAK FORM, d <= 3 with symbolic entries: g_j(t x, t y) = t^j g_j(x, y), and every g_j is
    multi-affine (degree <= 1 in each variable)."""
    t = sp.Symbol("t")
    for d in range(1, 4):
        T11 = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"a{i}{j}"))
        W = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"w{i}{j}"))
        x, y = sp.symbols(f"x0:{d}"), sp.symbols(f"y0:{d}")
        for j in range(1, d + 1):
            g = _g(T11, W, x, y, j)
            scaled = g.subs({**{v: t * v for v in x}, **{v: t * v for v in y}}, simultaneous=True)
            if sp.expand(scaled - t ** j * g) != 0:
                return False
            if any(sp.degree(g, v) > 1 for v in x + y):
                return False
    return True


def check_orthant_signs() -> bool:
    """(14), (15) for every monomial of degree <= 4 in 4 variables and every sign pattern:
    (sigma * |z|)^alpha = sigma^alpha |z|^alpha, and (-sigma)^alpha = (-1)^|alpha| sigma^alpha."""
    from itertools import combinations_with_replacement, product

    z = sp.symbols("z0:4", positive=True)
    for sigma in product((1, -1), repeat=4):
        for D in range(0, 5):
            for alpha in combinations_with_replacement(range(4), D):
                sa = sp.Mul(*[sigma[i] for i in alpha])
                lhs = sp.Mul(*[sigma[i] * z[i] for i in alpha])
                if sp.expand(lhs - sa * sp.Mul(*[z[i] for i in alpha])) != 0:
                    return False
                if sp.Mul(*[-sigma[i] for i in alpha]) != (-1) ** D * sa:
                    return False
    return True


def check_similarity_split() -> bool:
    """(16), (17) WEAK FORM, exact random rationals, d = 1..4: for M_1 G = G M_2 with Y_1 = M_1 G,
    X_2 = G^-1: Y_1 X_2 = M_1 and X_2 Y_1 = M_2; and for N with N_11 = P = I + Y_1 X_2,
    (N^-1)_22 = I + X_2 Y_1: N = E(u - X_2 P^-1) F(Y_1) E(X_2) F(v - P^-1 Y_1), u = N_21 P^-1, v = P^-1 N_12."""
    import random

    rnd = random.Random(3)

    def rand(d: int) -> Matrix:
        return sp.Matrix(d, d, lambda i, j: sp.Rational(rnd.randint(-5, 5), rnd.randint(1, 4)))

    for d in range(1, 5):
        G, M2 = rand(d) + 3 * sp.eye(d), rand(d)
        M1 = G * M2 * G.inv()
        Y1, X2 = M1 * G, G.inv()
        if Y1 * X2 != M1 or X2 * Y1 != M2:
            return False
        # build N from its first block row and column and (N^-1)_22 = I + X2 Y1
        P = sp.eye(d) + Y1 * X2
        if P.det() == 0:
            continue
        N12, N21 = rand(d), rand(d)
        Q = sp.eye(d) + X2 * Y1
        if Q.det() == 0:
            continue
        N22 = Q.inv() + N21 * P.inv() * N12  # Schur complement N22 - N21 P^-1 N12 = ((N^-1)_22)^-1
        N = sp.BlockMatrix([[P, N12], [N21, N22]]).as_explicit()
        if (N.inv())[d:, d:] != Q:
            return False
        Pi = P.inv()
        u, v = N21 * Pi, Pi * N12
        I, O = sp.eye(d), sp.zeros(d)

        def Em(X: Matrix) -> Matrix:
            return sp.BlockMatrix([[I, O], [X, I]]).as_explicit()

        def Fm(Y: Matrix) -> Matrix:
            return sp.BlockMatrix([[I, Y], [O, I]]).as_explicit()

        if Em(u - X2 * Pi) * Fm(Y1) * Em(X2) * Fm(v - Pi * Y1) != N:
            return False
    return True


CHECKS: list[Callable[[], bool]] = [check_two_pairs_reduce, check_blocks_of_EFEF, check_scaled_blocks,
                                    check_trace_cyclic, check_trace_of_diagonal_scaling, check_charpoly_minors,
                                    check_zero_block_forward,
                                    check_zero_block_converse, check_cycle_invariant, check_inverse_perturbation,
                                    check_radius_algebra, check_family_determinants, check_row_scaled_minors,
                                    check_reduced_homogeneous, check_orthant_signs, check_similarity_split]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
