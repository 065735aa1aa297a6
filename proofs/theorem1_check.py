"""Sympy checks of the identities in proofs/theorem1.md.

(1) Lemma 1: the two-hidden-layer staircase equals v_k on plateau k (three ramps, every parameter
    symbolic: ramp starts, widths, gaps, values, the point on the plateau).
(2) Lemma 2, the lane: layer 1 writes c_b1 + l(j_a) with l = sum_i j_ai M^i, layer 3 subtracts
    sum_i M^i j_ai read from the a-centres: the result is c_b1 (symbolic M, digits, m = 3).
(3) Lemma 4(a): int over a cell of |y - c|^2 dy / h^n = n h^2 / 12 per coordinate sum, and
    |y - c|^2 <= n h^2 / 4 on the cell (one coordinate, symbolic h).
(4) The annulus masses: d/dx of F(x) = (x sqrt(r^2 - x^2) + r^2 asin(x / r)) / 2 is sqrt(r^2 - x^2).
(5) Remark 1: on the plateaus the layer Jacobians are diag(I, e I), diag(e I, I), I (symbolic d:
    noncommutative blocks), and their product is e I.
Lemmas 3 and 4(b)-(d) are inequalities (hull, Minkowski, union bound), not identities.

Run:  python -m proofs.theorem1_check   (exit code 0 iff every check passes; run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

from sympy import Matrix, Max, Rational, asin, diff, integrate, simplify, sqrt, symbols

from proofs.engine import nc, normal_form, one, run, zero


def relu(x):
    return Max(0, x)


def staircase(u, a, w, v):
    """Lemma 1's formula: v_J - sum_j (v_{j+1} - v_j) / w_j ReLU(w_j - ReLU(u - a_j))."""
    return v[-1] - sum((v[j + 1] - v[j]) / w[j] * relu(w[j] - relu(u - a[j])) for j in range(len(a)))


def plateau_values(a0, w, g, v, t, f=None):
    """The staircase ``f`` (Lemma 1's by default) at a point ``t`` into each plateau (``t`` < the
    plateau's length), minus v_k."""
    f = f or staircase
    a = [a0, a0 + w[0] + g[0], a0 + w[0] + g[0] + w[1] + g[1]]
    points = [a[0] - t, a[0] + w[0] + t * g[0] / (1 + t), a[1] + w[1] + t * g[1] / (1 + t), a[2] + w[2] + t]
    return [simplify(f(u, a, w, v) - v[k]) for k, u in enumerate(points)]


def check_staircase() -> bool:
    """(1) Lemma 1: the staircase is v_k on plateau k"""
    a0 = symbols("a0", real=True)
    w = symbols("w0:3", positive=True)
    g = symbols("g0:2", positive=True)
    v = symbols("v0:4", real=True)
    t = symbols("t", positive=True)
    return all(e == 0 for e in plateau_values(a0, w, g, v, t))


def check_lane() -> bool:
    """(2) Lemma 2: layer 3 removes exactly the lane that layer 1 wrote"""
    M = symbols("M", positive=True, integer=True)
    ja = symbols("ja0:3", nonnegative=True, integer=True)
    jb = symbols("jb", nonnegative=True, integer=True)
    centre_b = (jb + Rational(1, 2)) / M
    lane = sum(j * M ** i for i, j in enumerate(ja))
    read_back = [((j + Rational(1, 2)) / M * M - Rational(1, 2)) for j in ja]  # floor(M x_ai) on the plateau
    return simplify(centre_b + lane - sum(M ** i * r for i, r in enumerate(read_back)) - centre_b) == 0


def check_cell_moments() -> bool:
    """(3) Lemma 4(a): the uniform cell's second moment is h^2/12 per coordinate, the worst case h^2/4"""
    y, c = symbols("y c", real=True)
    h = symbols("h", positive=True)
    second = simplify(integrate((y - c) ** 2, (y, c - h / 2, c + h / 2)) / h)
    worst = simplify(((c + h / 2) - c) ** 2)
    return simplify(second - h ** 2 / 12) == 0 and simplify(worst - h ** 2 / 4) == 0


def check_disc_antiderivative() -> bool:
    """(4) The annulus masses: F' = sqrt(r^2 - x^2)"""
    x = symbols("x", real=True)
    r = symbols("r", positive=True)
    F = (x * sqrt(r ** 2 - x ** 2) + r ** 2 * asin(x / r)) / 2
    return simplify(diff(F, x) - sqrt(r ** 2 - x ** 2)) == 0


def check_plateau_jacobian() -> bool:
    """(5) Remark 1: on the plateaus J_g = e I"""
    e, Z = nc("e Z")
    J1 = Matrix([[one, zero], [zero, e]])
    J2 = Matrix([[e, zero], [zero, one]])
    J3 = Matrix([[one, zero], [Z * zero, one]])
    P = J3 * J2 * J1
    return all(normal_form(P[i, j] - (e if i == j else zero), []) == 0 for i in range(2) for j in range(2))


CHECKS: list[Callable[[], bool]] = [check_staircase, check_lane, check_cell_moments, check_disc_antiderivative,
                                    check_plateau_jacobian]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
