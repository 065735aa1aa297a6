"""Helpers shared by the test modules (a test module never imports another one): running the
command line (as a subprocess and in process), asserting its one-line errors, and small exact
constructions of products of coupling pairs."""
from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from fractions import Fraction

import numpy as np

from verify.cli import main

VERIFY = shutil.which("verify")
CMD = [VERIFY] if VERIFY else [sys.executable, "-m", "verify.cli"]


def run(*args, stdin=None):
    return subprocess.run(CMD + [str(a) for a in args], input=stdin, capture_output=True, text=True, timeout=300)


def assert_input_error(r):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("verify: error:"), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def run_in_process(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as e:  # argparse
            code = int(e.code)
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("verify: error:"), err
        assert out == ""
    elif code == 1:
        assert "exceeds the tolerance" in err
    else:
        assert code == 0, (code, err)


def fr(a) -> list[list[Fraction]]:
    return [[Fraction(int(x)) for x in r] for r in np.asarray(a)]


def two_pair_product(rng, d: int, signed: bool, sparse: bool) -> np.ndarray:
    """L1 U1 L2 U2 with integer entries; sparse A, D give zero diagonals in T11 and S often."""
    out = np.eye(2 * d, dtype=object)
    for _ in range(2):
        mask = rng.random((d, d)) < (0.3 if sparse else 1.0)
        A = rng.integers(-3, 4, size=(d, d)) * mask
        D = rng.integers(-3, 4, size=(d, d)) * (rng.random((d, d)) < (0.3 if sparse else 1.0))
        sign = (lambda: rng.choice([-1, 1], size=d)) if signed else (lambda: np.ones(d, dtype=int))
        b, c = rng.integers(1, 4, size=d) * sign(), rng.integers(1, 4, size=d) * sign()
        L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]]).astype(object)
        U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]]).astype(object)
        out = out.dot(L).dot(U)
    return out


def random_pair(rng, d, signed=False):
    A = rng.integers(-3, 4, size=(d, d))
    D = rng.integers(-3, 4, size=(d, d))
    b = rng.integers(1, 4, size=d) * (rng.choice([-1, 1], size=d) if signed else 1)
    c = rng.integers(1, 4, size=d) * (rng.choice([-1, 1], size=d) if signed else 1)
    L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]])
    U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]])
    return L @ U
