"""Hypothesis strategies for 2d x 2d test matrices with det T > 0 (exact entries)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

small_fraction = st.builds(Fraction, st.integers(-10, 10), st.integers(1, 12))


def _det(rows: list[list[Fraction]]) -> Fraction:
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    n = len(rows)
    return Fraction(str(DomainMatrix([[QQ(x.numerator, x.denominator) for x in r] for r in rows], (n, n), QQ).det()))


def positive_det(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Flip the first row if det < 0. A singular draw is rejected with ``assume`` (inside a
    strategy: the example is discarded, never passed to the test as a placeholder); the strategies
    below are invertible by construction except the adversarial ones, where singular draws are
    rare."""
    det = _det(rows)
    assume(det != 0)
    if det < 0:
        rows = [[-x for x in rows[0]]] + rows[1:]
    return rows


def gaussian_positive(rng: np.random.Generator, n: int) -> np.ndarray:
    """A Gaussian n x n float matrix, its first row negated if det < 0 (so det > 0 almost surely)."""
    T = rng.standard_normal((n, n))
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    return T


@st.composite
def rational_matrices(draw, d_min: int = 1, d_max: int = 6):
    """Random rational T = P L U (invertible by construction), det T > 0."""
    d = draw(st.integers(d_min, d_max))
    n = 2 * d
    perm = draw(st.permutations(list(range(n))))
    Lo = [
        [Fraction(1) if i == j else (draw(small_fraction) if j < i else Fraction(0)) for j in range(n)]
        for i in range(n)
    ]
    nonzero = small_fraction.filter(lambda x: x != 0)
    Up = [
        [draw(nonzero) if i == j else (draw(small_fraction) if j > i else Fraction(0)) for j in range(n)]
        for i in range(n)
    ]
    LU = [[sum((Lo[i][k] * Up[k][j] for k in range(n)), Fraction(0)) for j in range(n)] for i in range(n)]
    rows = [LU[perm[i]] for i in range(n)]
    return positive_det(rows)


@st.composite
def permutation_matrices(draw, d_max: int = 5):
    d = draw(st.integers(1, d_max))
    n = 2 * d
    perm = draw(st.permutations(list(range(n))))
    rows = [[Fraction(int(perm[i] == j)) for j in range(n)] for i in range(n)]
    return positive_det(rows)


@st.composite
def structured_matrices(draw, d_max: int = 4):
    """Adversarial block structure: a zero or rank-deficient block, diagonal or triangular T,
    huge and tiny entries."""
    d = draw(st.integers(1, d_max))
    n = 2 * d
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["zero11", "zero12", "zero21", "zero22", "rank1_11", "diag", "lower", "upper",
                                 "huge", "tiny", "swap", "near_singular"]))
    rng = np.random.default_rng(seed)
    M = [[Fraction(int(x)) for x in r] for r in rng.integers(-4, 5, size=(n, n))]
    blocks = {"11": (0, 0), "12": (0, d), "21": (d, 0), "22": (d, d)}
    if kind.startswith("zero"):
        r0, c0 = blocks[kind[-2:]]
        for i in range(d):
            for j in range(d):
                M[r0 + i][c0 + j] = Fraction(0)
    elif kind == "rank1_11":
        u, v = rng.integers(-3, 4, size=d), rng.integers(-3, 4, size=d)
        for i in range(d):
            for j in range(d):
                M[i][j] = Fraction(int(u[i] * v[j]))
    elif kind == "diag":
        M = [[Fraction(int(rng.integers(1, 9))) if i == j else Fraction(0) for j in range(n)] for i in range(n)]
    elif kind in ("lower", "upper"):
        for i in range(n):
            for j in range(n):
                if (j > i if kind == "lower" else j < i):
                    M[i][j] = Fraction(0)
            if M[i][i] == 0:
                M[i][i] = Fraction(1)
    elif kind == "huge":
        M = [[x * 10**30 for x in r] for r in M]
    elif kind == "tiny":
        M = [[x / 10**30 for x in r] for r in M]
    elif kind == "swap":
        M = [[Fraction(int(j == (i + d) % n)) for j in range(n)] for i in range(n)]
    elif kind == "near_singular":
        M[0] = [x + Fraction(1, 10**12) * (j == 0) for j, x in enumerate(M[1])]
    return positive_det(M)


KINDS = ["gaussian", "orthogonal", "permutation", "half_swap", "identity", "diagonal", "T11_zero", "cond1e8",
         "lopsided", "huge", "tiny", "rotation_pi"]


def _orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


@st.composite
def float_matrices(draw, d_max: int = 6):
    """Random and adversarial float T with det T > 0."""
    d = draw(st.integers(1, d_max))
    n = 2 * d
    kind = draw(st.sampled_from(KINDS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if kind == "gaussian":
        T = rng.standard_normal((n, n))
    elif kind == "orthogonal":
        T = _orthogonal(rng, n)
    elif kind == "permutation":
        T = np.eye(n)[rng.permutation(n)]
    elif kind == "half_swap":
        T = np.block([[np.zeros((d, d)), -np.eye(d)], [np.eye(d), np.zeros((d, d))]])
    elif kind == "identity":
        T = np.eye(n)
    elif kind == "diagonal":
        T = np.diag(np.exp(rng.uniform(-5, 5, n)))
    elif kind == "T11_zero":
        T = rng.standard_normal((n, n))
        T[:d, :d] = 0
        if np.linalg.matrix_rank(T) < n:
            T = np.block([[np.zeros((d, d)), -np.eye(d)], [np.eye(d), rng.standard_normal((d, d))]])
    elif kind in ("cond1e8", "lopsided"):
        s = np.logspace(0, -8, n) if kind == "cond1e8" else np.r_[np.ones(n - 1), 1e-6]
        T = _orthogonal(rng, n) @ np.diag(s) @ _orthogonal(rng, n).T
    elif kind in ("huge", "tiny"):
        T = rng.standard_normal((n, n)) * (1e150 if kind == "huge" else 1e-150)
    else:  # rotation by pi in every plane: -I, eigenvalues -1 only
        T = -np.eye(n)
    if np.linalg.slogdet(T)[0] < 0:
        T[0] = -T[0]
    return T
