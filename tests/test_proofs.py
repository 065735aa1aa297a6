"""The symbolic checks of proofs/theorem2.md run, pass, and can fail."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "proofs" / "theorem2_check.py"


def load():
    spec = importlib.util.spec_from_file_location("theorem2_check", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_script_passes():
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("ok  ") == len(load().CHECKS)


def test_checker_rejects_wrong_identities():
    m = load()
    A, B, Bi, D, P, Pi, H, Hi = m.nc("A B Bi D P Pi H Hi")
    rules = m.inverse_rules((B, Bi), (P, Pi), (H, Hi))
    one = m.one
    # the main word with C NOT tied to P, H by the commutator relation: must not reduce to T'
    C = D * Bi * A
    x = (D - P) * Bi
    word = (m.E(x) * m.F(B * Pi - B * Hi * Pi) * m.E((P - one) * H * Bi) * m.F(B * Hi)
            * m.E(Pi * (C - x * A) - Pi * (P - one) * H * Bi))
    assert not m.blocks_equal(word, m.Matrix([[A, B], [C, D]]), rules)
    # noncommutativity is respected: AB != BA
    assert m.normal_form(A * B - B * A, rules) != 0
    # and the rewriting does cancel true inverses
    assert m.normal_form(B * Bi * A - A, rules) == 0
