"""The symbolic checks of proofs/theorem2.md run, pass, and can fail."""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]



def load(name: str = "theorem2_check"):
    """The check script as a module of the ``proofs`` package (the repository root is on the path)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"proofs.{name}")


@pytest.mark.parametrize("name", ["theorem2_check", "theorem3_check", "theorem2_stable_check", "remark3_check",
                                  "theorem1_check", "theorem4_check"])
def test_script_passes(name):
    r = subprocess.run([sys.executable, "-m", f"proofs.{name}"], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("ok  ") == len(load(name).CHECKS)


def test_theorem3_checks_can_fail():
    m = load("theorem3_check")
    T12, T12i, T22, b, bi, c = m.nc("T12 T12i T22 b bi c")
    rules = m.inverse_rules((T12, T12i), (b, bi))
    Y, Yi = T12 * bi, b * T12i
    X = (T22 * bi - m.one) * Yi
    wrong = m.Matrix([[m.zero, T12], [b * T12i * c, T22]])  # + instead of -: not a k = 2 product of this form
    assert not m.blocks_equal(m.E(X) * m.F(Y) * m.E(-Yi) * m.F(m.zero) * m.diag2(c, b), wrong, rules)
    X2, Y2, Z2 = m.nc("X2 Y2 Z2")
    N = m.E(X2) * m.F(Y2) * m.E(Z2)
    assert m.normal_form(N[0, 0] - (m.one + Z2 * Y2), []) != 0  # YZ and ZY are different blocks


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


def test_stable_checks_can_fail():
    """Without the commutator relation the core's similarity does not reduce, and Lemma 1 with a
    wrong Y1 does not reproduce M."""
    m = load("theorem2_stable_check")
    A, Ai, B, Bi, C, Ci, D, Et, N, Ni, Om, Omi = m.nc("A Ai B Bi C Ci D Et N Ni Om Omi")
    rules = m.inverse_rules((A, Ai), (B, Bi), (C, Ci), (N, Ni), (Om, Omi))
    X, Xi = N * C * Ai, A * Ci * Ni
    H, Hi = Om * C * Ai, A * Ci * Omi
    M11 = A * D * B * Xi * Om * X
    assert m.normal_form(H * M11 * Hi - Om * C * D * Et, rules) != 0
    M11s, M11i, M12, M21, Hs, Hsi = m.nc("M11 M11i M12 M21 H Hi")
    rules = m.inverse_rules((M11s, M11i), (Hs, Hsi))
    X1, Y1 = (M21 - Hs) * M11i, (M11s - m.one) * Hs  # H instead of H^-1
    Y2 = M11i * (M12 - Y1)
    word = m.E(X1) * m.F(Y1) * m.E(Hs) * m.F(Y2)
    assert m.normal_form(word[0, 0] - M11s, rules) != 0


def test_remark3_checks_can_fail():
    """Negative controls: a wrong A breaks Step 1's reduction, and without condition (i) the
    converse does not reproduce Sigma_11."""
    m = load("remark3_check")
    A, At = (m.Pt - m.Kt) * m.G, m.G * (m.P + m.K)  # sign error in A^T
    Linv = m.Matrix([[m.one, m.zero], [-m.Bi * A, m.Bi]])
    LinvT = m.Matrix([[m.one, -At * m.Bi], [m.zero, m.Bi]])
    Sp = Linv * m.Matrix([[m.S11, m.P], [m.Pt, m.R]]) * LinvT
    assert m.normal_form(Sp[0, 1] - m.K * m.Bi, m.RULES) != 0
    UUt = m.Matrix([[m.C * m.C + m.W * m.Wt, m.W], [m.Wt, m.one]])
    assert m.normal_form((m.L(m.zero, m.B) * UUt)[0, 0] - m.S11, m.RULES) != 0


def test_theorem1_checks_can_fail():
    """Negative control: with the inner ReLU's sign flipped (w_j + ReLU(u - a_j)), the staircase is
    no longer v_k on its plateaus, and the check says so."""
    m = load("theorem1_check")
    a0, t = m.symbols("a0", real=True), m.symbols("t", positive=True)
    w, g, v = m.symbols("w0:3", positive=True), m.symbols("g0:2", positive=True), m.symbols("v0:4", real=True)

    def wrong(u, a, w, v):
        return v[-1] - sum((v[j + 1] - v[j]) / w[j] * m.relu(w[j] + m.relu(u - a[j])) for j in range(len(a)))

    assert all(e == 0 for e in m.plateau_values(a0, w, g, v, t))
    assert any(e != 0 for e in m.plateau_values(a0, w, g, v, t, wrong))


def test_theorem4_checks_can_fail():
    """Negative control: a packing limit with R in place of 2R does not satisfy the equality."""
    m = load("theorem4_check")
    k, d, R = m.symbols("k d R", positive=True)
    delta = m.packing_limit(k, d, R) / 2
    assert m.simplify(k ** (1 / d) * (delta / 2) - (R + delta / 2)) != 0
