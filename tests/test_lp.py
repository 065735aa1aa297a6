"""Issue 21: the reduced k <= 2 system, LP certificates of impossibility and their independent check."""
from __future__ import annotations

import copy
import json
from fractions import Fraction
from itertools import combinations
from math import prod

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.checkers import check_certificate
from verify.cli import main
from verify.depth import depth, depth_to_json
from verify.theorem3.certificate import as_json, certify
from verify.theorem3.counterexample import counterexample
from verify.theorem3.lp import lp_certificate, sign_patterns
from verify.theorem3.system import reduced_system

from .helpers import fr, two_pair_product

# an integer T with no trace, minors or zero-block obstruction that an LP of degree 2 proves is not k <= 2
T_LP = [[-2, 0, 1, -1, -2, 2], [3, -3, 0, -1, -2, 0], [-2, 3, -2, 1, 0, 1], [1, 3, 0, -2, 0, 1],
        [-1, -3, -2, -2, 2, 1], [3, 2, -2, 1, 3, 1]]


def as_data(rows, cert, regime="positive") -> dict:
    return {"regime": regime, "T": [[str(x) for x in r] for r in rows], "certificate": as_json(cert), "radius": None}


@pytest.fixture(scope="module")
def lp_cert():
    cert, attempt = lp_certificate(fr(T_LP), "positive")
    assert cert is not None and attempt.degrees == [2]
    return cert


def test_the_example_needs_the_lp():
    assert certify(fr(T_LP), "positive") == (None, None)


def test_lp_certificate_passes_the_independent_check(lp_cert):
    res = check_certificate(json.loads(json.dumps(as_data(fr(T_LP), lp_cert))), require_k3=False)
    assert res.ok, res.message
    assert "positive orthant" in res.message


def test_every_tampered_entry_of_T_fails(lp_cert):
    for i in range(6):
        for j in range(6):
            data = as_data(fr(T_LP), lp_cert)
            data["T"][i][j] = str(Fraction(data["T"][i][j]) + 1)
            if Fraction(round(np.linalg.det(np.array(data["T"], dtype=float)))) <= 0:
                assert not check_certificate(data, require_k3=False).ok
                continue
            res = check_certificate(data, require_k3=False)
            assert not res.ok and "differs from the values recomputed" in res.message, (i, j)


@pytest.mark.parametrize("which", ["multiplier", "minor"])
def test_every_tampered_number_of_the_certificate_fails(lp_cert, which):
    """A multiplier moved by 10^6 adds 10^6 mu g_j, whose coefficients have both signs (no single g_j
    obstructs here), so F gets both signs; a changed minor no longer matches T."""
    if which == "multiplier":
        places = [(p, m, t) for p, pat in enumerate(lp_cert["patterns"]) for m, mult in enumerate(pat["multipliers"])
                  for t in range(len(mult["terms"]))]
    else:
        places = [("T11_minors", i) for i in range(len(lp_cert["T11_minors"]))] + \
                 [("W_minors", i) for i in range(len(lp_cert["W_minors"]))]
    assert places
    for place in places:
        cert = copy.deepcopy(lp_cert)
        if which == "multiplier":
            p, m, t = place
            term = cert["patterns"][p]["multipliers"][m]["terms"][t]
            term[1] = str(Fraction(term[1]) + 10 ** 6)
        else:
            key, i = place
            cert[key][i] = str(Fraction(cert[key][i]) + Fraction(1, 7))
        assert not check_certificate(as_data(fr(T_LP), cert), require_k3=False).ok, place


def test_zero_multipliers_and_missing_orthants_fail(lp_cert):
    cert = copy.deepcopy(lp_cert)
    for mult in cert["patterns"][0]["multipliers"]:
        for term in mult["terms"]:
            term[1] = "0"
    res = check_certificate(as_data(fr(T_LP), cert), require_k3=False)
    assert not res.ok and "not excluded" in res.message
    # a positive certificate is not a signed one: the other orthants are not excluded
    res = check_certificate(as_data(fr(T_LP), lp_cert), regime="signed", require_k3=False)
    assert not res.ok and "not excluded" in res.message


def test_signed_lp_certificate_covers_every_orthant():
    """The signed trace family: exactly one trace coefficient is nonzero, so a degree-1 multiplier
    excludes every orthant; the certificate lists 2^(2d-1) patterns, and dropping one fails."""
    ce = counterexample(2, "signed", "trace")
    cert, attempt = lp_certificate(ce.T, "signed")
    assert cert is not None and len(cert["patterns"]) == 2 ** 3 == len(sign_patterns(2, "signed"))
    assert check_certificate(as_data(ce.T, cert, "signed"), regime="signed", require_k3=False).ok
    tampered = cert.to_json()  # the certificate is an immutable record: tamper with a copy
    tampered["patterns"] = tampered["patterns"][1:]
    res = check_certificate(as_data(ce.T, tampered, "signed"), regime="signed", require_k3=False)
    assert not res.ok and "2 of 16 are not" in res.message


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 3), signed=st.booleans(), sparse=st.booleans())
def test_the_reduced_system_vanishes_at_the_scales_of_two_pairs(seed, d, signed, sparse):
    """Lemma 5, exactly: for T = L1 U1 L2 U2, x = 1/(c1 c2), y = b1 b2 solve every g_j = 0."""
    rng = np.random.default_rng(seed)
    out = np.eye(2 * d, dtype=object)
    scales_x, scales_y = [Fraction(1)] * d, [Fraction(1)] * d
    for _ in range(2):
        A = rng.integers(-3, 4, size=(d, d)) * (rng.random((d, d)) < (0.3 if sparse else 1.0))
        D = rng.integers(-3, 4, size=(d, d)) * (rng.random((d, d)) < (0.3 if sparse else 1.0))
        sign = rng.choice([-1, 1], size=(2, d)) if signed else np.ones((2, d), dtype=int)
        b, c = rng.integers(1, 4, size=d) * sign[0], rng.integers(1, 4, size=d) * sign[1]
        L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]]).astype(object)
        U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]]).astype(object)
        out = out.dot(L).dot(U)
        scales_x = [x / int(ci) for x, ci in zip(scales_x, c)]
        scales_y = [y * int(bi) for y, bi in zip(scales_y, b)]
    z = scales_x + scales_y
    for g in reduced_system(fr(out)):
        assert sum((c * prod(z[i] for i in S) for S, c in g), Fraction(0)) == 0


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 3), sparse=st.booleans())
def test_no_lp_certificate_for_a_product_of_two_pairs(seed, d, sparse):
    """Soundness (negative control): a T that two positive pairs give has a positive solution, so no
    certificate may pass; degree 3 keeps each LP small."""
    T = fr(two_pair_product(np.random.default_rng(seed), d, signed=False, sparse=sparse))
    cert, attempt = lp_certificate(T, "positive", max_degree=3)
    assert cert is None and attempt.degrees == [3]


def test_depth_proves_three_pairs_with_the_lp_and_the_checker_reads_its_json():
    r = depth(T_LP)
    assert r.k_min == 3 and r.proved_minimal
    assert r.per_k[2].status == "impossible" and r.per_k[2].certificate["type"] == "lp"
    data = json.loads(json.dumps(depth_to_json(r)))
    assert data["T"] == [[str(x) for x in row] for row in T_LP]
    res = check_certificate(data)
    assert res.ok and "k = 3 decomposition" in res.message, res.message


def test_cli_depth_json_then_check_certificate(tmp_path, capsys):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(T_LP))
    assert main(["depth", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["proved_minimal"] and out["per_k"]["2"]["certificate"]["type"] == "lp"
    cert_path = tmp_path / "depth.json"
    cert_path.write_text(json.dumps(out))
    assert main(["check-certificate", str(cert_path)]) == 0
    assert capsys.readouterr().out.startswith("OK: lp:")
    out["T"][0][0] = str(Fraction(out["T"][0][0]) + 1)
    cert_path.write_text(json.dumps(out))
    assert main(["check-certificate", str(cert_path)]) == 1
    assert capsys.readouterr().out.startswith("FAILED:")


def test_a_depth_json_without_an_impossibility_is_refused(tmp_path, capsys):
    path = tmp_path / "t.json"
    path.write_text(json.dumps([[2, 1], [1, 1]]))
    assert main(["depth", str(path), "--json"]) == 0
    cert_path = tmp_path / "depth.json"
    cert_path.write_text(capsys.readouterr().out)
    assert main(["check-certificate", str(cert_path)]) == 2
    err = capsys.readouterr().err
    assert "no certificate that k <= 2 is impossible" in err and len(err.strip().splitlines()) == 1


def test_principal_minors_order_is_the_documented_one(lp_cert):
    d = 3
    T11 = [row[:d] for row in fr(T_LP)[:d]]
    order = [S for j in range(1, d + 1) for S in combinations(range(d), j)]
    assert len(lp_cert["T11_minors"]) == len(order)
    for S, value in zip(order, lp_cert["T11_minors"]):
        assert Fraction(value) == Fraction(round(np.linalg.det(np.array([[float(T11[a][b]) for b in S] for a in S]))))


@pytest.mark.parametrize("argv", [["survey", "--d", "2", "--jobs", "0"], ["depth", "T", "--lp-degree", "-1"],
                                  ["depth", "T", "--lp-seconds", "nan"]])
def test_bad_budgets_are_one_line_errors(tmp_path, capsys, argv):
    (tmp_path / "T").write_text(json.dumps(T_LP))
    argv = [str(tmp_path / "T") if a == "T" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("verify: error:") and len(err.strip().splitlines()) == 1


def test_lp_degree_zero_leaves_k2_undecided_and_says_so():
    r = depth(T_LP, lp_degree=0)
    assert r.k_min == 3 and not r.proved_minimal and r.per_k[2].status == "not found"
