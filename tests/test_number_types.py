"""The adversarial review's method, kept in the suite (issue 20): feed ``decompose`` and ``check``
matrices whose entries are every number type a user may hold, and re-check each certified claim
with independent exact code (Python Fractions only: no package code beyond reading the JSON)."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import check, decompose
from verify.errors import InputError
from verify.theorem2.serialize import to_json

from .strategies import rational_matrices

#: each kind turns an exact rational q into an entry of that type and says which exact value the
#: entry stands for (the value a verifier must use); float kinds round q first
KINDS = {
    "int-or-fraction": (lambda q: q, lambda q: q),
    "decimal": (lambda q: Decimal(q.numerator) / Decimal(q.denominator), None),
    "decimal-string": (lambda q: str(Decimal(q.numerator) / Decimal(q.denominator)), None),
    "sympy-rational": (lambda q: sympy.Rational(q.numerator, q.denominator), lambda q: q),
    "sympy-float": (lambda q: sympy.Float(sympy.Rational(q.numerator, q.denominator), 40), None),
    "mpf": (lambda q: mpmath.mpf(q.numerator) / q.denominator, None),
    "float64": (lambda q: float(q), None),
    "float32": (lambda q: np.float32(q), None),
    "longdouble": (lambda q: np.longdouble(q.numerator) / np.longdouble(q.denominator), None),
}


def exact_value(x) -> Fraction:
    """The exact value of one entry, by code independent of the package."""
    if isinstance(x, Decimal):
        return Fraction(x)
    if isinstance(x, str):
        return Fraction(Decimal(x))
    if isinstance(x, sympy.Float):
        return Fraction(str(sympy.Rational(x)))
    if isinstance(x, sympy.Rational):
        return Fraction(int(x.p), int(x.q))
    if isinstance(x, mpmath.mpf):
        sign, man, exp, _ = x._mpf_
        return (-1 if sign else 1) * Fraction(int(man)) * Fraction(2) ** int(exp)
    if isinstance(x, (float, np.floating)):
        return Fraction(*x.as_integer_ratio())
    return Fraction(x)


def squared_residual(T: list, data: dict) -> Fraction:
    n = len(T)
    d = n // 2
    P = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    for layer in data["layers"]:
        A = [[Fraction(x) for x in r] for r in layer["A"]]
        D = [[Fraction(x) for x in r] for r in layer["D"]]
        b, c = [Fraction(x) for x in layer["b"]], [Fraction(x) for x in layer["c"]]
        # P <- P L(A, b): columns of the first half gain P_2 A, the second half is P_2 diag b
        P = [[r[j] + sum((r[d + k] * A[k][j] for k in range(d)), Fraction(0)) if j < d else r[j] * b[j - d]
              for j in range(n)] for r in P]
        # P <- P U(c, D): the first half is P_1 diag c, the second gains P_1 D
        P = [[r[j] * c[j] if j < d else r[j] + sum((r[k] * D[k][j - d] for k in range(d)), Fraction(0))
              for j in range(n)] for r in P]
    if data.get("sign_layer"):
        P[0] = [-x for x in P[0]]
    num = sum(((P[i][j] - T[i][j]) ** 2 for i in range(n) for j in range(n)), Fraction(0))
    return num / sum((x * x for r in T for x in r), Fraction(0))


@given(rows=rational_matrices(d_max=2), kind=st.sampled_from(sorted(KINDS)),
       mode=st.sampled_from(["exact", "mp", "float"]))
@settings(max_examples=30, deadline=None)
def test_every_number_type_is_read_exactly_and_every_claim_holds(rows, kind, mode):
    make, _ = KINDS[kind]
    T = [[make(q) for q in r] for r in rows]
    exact_T = [[exact_value(x) for x in r] for r in T]
    try:
        dec = decompose(T, mode)
    except InputError:
        return  # refused (singular or det < 0 after rounding, out of range): no claim was made
    data = to_json(dec)
    res2 = squared_residual(exact_T, data)
    if mode == "exact":
        assert dec.verified and res2 == 0  # the layers multiply back to the entries' exact values
    elif dec.verified:
        assert res2 <= Fraction(data["residual"]) ** 2, (kind, mode)  # the stated bound is a bound
    result = check(T, data)
    if result.ok:
        default = 0 if mode == "exact" else Fraction(1, 10**8)
        assert res2 <= Fraction(default) ** 2 or mode == "mp"
        if mode == "mp":
            assert res2 <= Fraction(1, 10**16)


@pytest.mark.parametrize("bad", [sympy.sqrt(2), sympy.pi, complex(1, 1), mpmath.mpc(1, 1), True, None,
                                 float("nan"), Decimal("Infinity"), mpmath.inf, object()])
def test_what_cannot_be_read_exactly_is_refused(bad):
    for mode in ("exact", "mp", "float"):
        with pytest.raises(InputError):
            decompose([[bad, 0], [0, 1]], mode)
        with pytest.raises(InputError):
            check([[bad, 0], [0, 1]], {"layers": [{"A": [["0"]], "b": ["1"], "c": ["1"], "D": [["0"]]}]})
