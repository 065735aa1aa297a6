"""The residual bound of mp (and float) decompositions against the independent checker's, and its
scale invariance. Prints one table; never run as a test.

    python bench/mp_residual.py

For Gaussian T (seed 0, first row negated if det < 0) at 2d = 8, 16, 32, times 1 and 1e200, in mp
(30 digits) and float64, minimal and stable: the time of ``decompose`` (construction and bound),
the bound it states, ``verify check``'s bound from the JSON (an arb enclosure of the decimal
strings, code shared with nothing that constructs), and whether the default tolerance is met.
"""
from __future__ import annotations

import time

import numpy as np

from verify import check, decompose
from verify.theorem2.serialize import to_json


def gaussian(n: int) -> np.ndarray:
    T = np.random.default_rng(0).standard_normal((n, n))
    if np.linalg.det(T) < 0:
        T[0] = -T[0]
    return T


def main() -> None:
    print("2d  scale   arith  method    decompose s  stated bound  check's bound  tolerance  verified")
    for n in (8, 16, 32):
        for scale in (1.0, 1e200):
            T = gaussian(n) * scale
            for arithmetic in ("mp", "float"):
                for method in ("minimal", "stable"):
                    t0 = time.perf_counter()
                    dec = decompose(T, arithmetic, method=method, digits=30)
                    seconds = time.perf_counter() - t0
                    result = check(T, to_json(dec), tol=dec.tolerance)
                    checked = result.message.split("<= ")[1].split(" ")[0] if "<=" in result.message else "-"
                    print(
                        f"{n:>3} {scale:>6.0e}  {arithmetic:>5}  {method:<8} {seconds:>11.2f}  {dec.residual:>12.3e}  "
                        f"{checked:>13}  {dec.tolerance:>9.0e}  {dec.verified!s:>8}"
                    )


if __name__ == "__main__":
    main()
