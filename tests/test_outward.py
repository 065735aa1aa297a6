"""Certified numbers are shortened outward: a printed upper bound is never below the value it
bounds (issue 13, item 1), checked against the exact residual of the printed layers in rationals."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import rational_matrices
from verify import decompose
from verify.io.outward import down, exact, up
from verify.theorem2.serialize import to_json

numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
                    st.fractions(max_denominator=10 ** 12), st.integers(-10 ** 30, 10 ** 30))


@given(numbers)
def test_up_and_down_bracket_the_number_tightly(x) -> None:
    q = exact(x)
    hi, lo = Fraction(up(x)), Fraction(down(x))
    assert lo <= q <= hi
    if q != 0:  # 4 significant digits: the bracket is one unit in the 4th digit wide at most
        assert hi - lo <= abs(q) / 100


def test_non_finite_values_print_as_themselves() -> None:
    assert up(float("inf")) == "inf" and down(float("-inf")) == "-inf" and up(float("nan")) == "nan"


def test_round_to_nearest_would_have_undercut() -> None:
    """The case that was reported: 2.2300366e-12 printed as 2.230e-12 (below the truth)."""
    assert f"{2.2300366e-12:.3e}" == "2.230e-12" and up(2.2300366e-12) == "2.231e-12"


def _matmul(A, B):
    return [[sum(a * b for a, b in zip(r, c)) for c in zip(*B)] for r in A]


def _exact_product(dec_json: dict, n: int):
    d = n // 2
    P = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for layer in dec_json["layers"]:
        A = [[Fraction(x) for x in r] for r in layer["A"]]
        D = [[Fraction(x) for x in r] for r in layer["D"]]
        b, c = [Fraction(x) for x in layer["b"]], [Fraction(x) for x in layer["c"]]
        L = [[Fraction(int(i == j)) if i < d else (A[i - d][j] if j < d else (b[i - d] if i == j else Fraction(0)))
              for j in range(n)] for i in range(n)]
        U = [
            [
                (c[i] if i == j else Fraction(0))
                if (i < d and j < d)
                else (D[i][j - d] if i < d else Fraction(int(i == j)))
                for j in range(n)
            ]
            for i in range(n)
        ]
        P = _matmul(_matmul(P, L), U)
    return P


@given(rational_matrices(d_max=3), st.sampled_from([("float", None), ("mp", 20), ("mp", 30)]),
       st.sampled_from(["minimal", "stable"]))
@settings(max_examples=30, deadline=None)
def test_printed_residual_bounds_the_printed_layers(T, mode, method) -> None:
    arithmetic, digits = mode
    dec = decompose(T, arithmetic, method=method, **({"digits": digits} if digits else {}))
    out = to_json(dec)
    n = len(T)
    P = _exact_product(out, n)
    Tq = [[Fraction(x) for x in r] for r in T]
    err2 = sum((P[i][j] - Tq[i][j]) ** 2 for i in range(n) for j in range(n))
    norm2 = sum(x * x for r in Tq for x in r)
    assert err2 <= Fraction(out["residual"]) ** 2 * norm2
