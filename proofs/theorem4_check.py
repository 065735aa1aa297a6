"""Sympy checks of the identities in proofs/theorem4.md.

(1) The packing limit: k (delta/2)^d <= (R + delta/2)^d  <=>  delta <= 2R / (k^(1/d) - 1), at equality
    (symbolic k, d, R).
(2) Each mixture component is a probability density: the Gaussian integral of exp(-x^2/(2 gamma^2)) /
    (gamma sqrt(2 pi)) over the line is 1 (so q, an average of products of these, integrates to 1).
The plateau identity of the generator is Lemma 1 of proofs/theorem1.md (checked by theorem1_check.py).

Run:  python -m proofs.theorem4_check   (exit code 0 iff every check passes; run by the tests)
"""
from __future__ import annotations

import sys
from typing import Callable

from sympy import exp, integrate, oo, pi, simplify, sqrt, symbols

from proofs.engine import run


def packing_limit(k, d, R):
    return 2 * R / (k ** (1 / d) - 1)


def check_packing() -> bool:
    """(1) the packing limit is where k (delta/2)^d = (R + delta/2)^d"""
    k, d, R = symbols("k d R", positive=True)
    delta = packing_limit(k, d, R)
    return simplify(k ** (1 / d) * (delta / 2) - (R + delta / 2)) == 0


def check_component_density() -> bool:
    """(2) a component's one-dimensional density integrates to 1"""
    x = symbols("x", real=True)
    g = symbols("gamma", positive=True)
    return simplify(integrate(exp(-x ** 2 / (2 * g ** 2)) / (g * sqrt(2 * pi)), (x, -oo, oo)) - 1) == 0


CHECKS: list[Callable[[], bool]] = [check_packing, check_component_density]


def main() -> int:
    return run(CHECKS)


if __name__ == "__main__":
    sys.exit(main())
