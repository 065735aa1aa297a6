"""Hypothesis strategies for 2d x 2d test matrices with det T > 0 (exact entries)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

small_fraction = st.builds(Fraction, st.integers(-10, 10), st.integers(1, 12))


def _det(rows: list[list[Fraction]]) -> Fraction:
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    n = len(rows)
    return Fraction(str(DomainMatrix([[QQ(x.numerator, x.denominator) for x in r] for r in rows], (n, n), QQ).det()))


def positive_det(rows: list[list[Fraction]]) -> list[list[Fraction]] | None:
    """Flip the first row if det < 0; None if singular."""
    det = _det(rows)
    if det == 0:
        return None
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
    Lo = [[Fraction(1) if i == j else (draw(small_fraction) if j < i else Fraction(0)) for j in range(n)] for i in range(n)]
    nonzero = small_fraction.filter(lambda x: x != 0)
    Up = [[draw(nonzero) if i == j else (draw(small_fraction) if j > i else Fraction(0)) for j in range(n)] for i in range(n)]
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
