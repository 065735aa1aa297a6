"""The depth solver: k = 1 decided exactly, k = 2 found and certified, and certificates that can fail."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.checkers import check
from verify.depth import depth, search_k
from verify.depth.kpairs import jacobian, n_params, pack, product_float
from verify.depth.krawczyk import krawczyk
from verify.theorem2.serialize import to_json

from .helpers import random_pair


@given(st.integers(1, 5), st.integers(0, 2**32 - 1), st.booleans())
@settings(max_examples=15)
def test_single_pair_is_k1_exactly(d, seed, signed):
    rng = np.random.default_rng(seed)
    T = random_pair(rng, d, signed)
    regime = "signed" if signed else "positive"
    r = depth(T.tolist(), regime=regime)
    assert r.k_min == 1 and r.per_k[1].status == "exact"
    assert r.decomposition.verified
    assert check(T.tolist(), to_json(r.decomposition), regime=regime).ok


@pytest.mark.parametrize("d", [1, 2, 3])
def test_two_pairs_found_and_certified(d):
    rng = np.random.default_rng(100 + d)
    T = (random_pair(rng, d) @ random_pair(rng, d)).tolist()
    r = depth(T, starts=20)
    assert r.per_k[1].status == "impossible"
    assert r.k_min == 2 and r.per_k[2].status == "certified", r.per_k[2].reason
    assert 0 < r.per_k[2].box_radius < 1e-20
    dec = r.decomposition
    assert dec.k == 2 and dec.verified and dec.arithmetic.name == "mp"
    assert check(T, to_json(dec)).ok  # independent ball-arithmetic re-multiplication


def test_krawczyk_passes_the_right_box_and_rejects_a_wrong_one():
    """The same test, same free set and Y: it passes at the solution and fails 1e-3 away."""
    import scipy.linalg

    rng = np.random.default_rng(7)
    d, k = 2, 2
    T = random_pair(rng, d) @ random_pair(rng, d)
    rows = [[Fraction(int(x)) for x in r] for r in T.tolist()]
    out = search_k(rows, 2, "positive", starts=20)
    assert out.status == "certified"
    theta = pack([(p.A.rows(), [float(x) for x in p.b], [float(x) for x in p.c], p.D.rows())
                  for p in out.decomposition.pairs], "positive")
    J = jacobian(theta, k, d, "positive")
    free = sorted(int(t) for t in scipy.linalg.qr(J, pivoting=True, mode="economic")[2][: 4 * d * d])
    Y = np.linalg.inv(J[:, free])
    good = krawczyk([float(x) for x in theta], free, k, d, "positive", rows, Y, 1e-8)
    assert good.passed and good.contraction < 1
    bad = theta.copy()
    bad[free[0]] += 1e-3
    cert = krawczyk([float(x) for x in bad], free, k, d, "positive", rows, Y, 1e-8)
    assert not cert.passed and cert.contraction > 1


def test_signed_regime_negative_determinant_k3_with_negative_scale():
    T = [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]  # det = -1
    r = depth(T, regime="signed", max_k=3, starts=3)
    assert r.k_min is not None and r.decomposition.verified
    assert r.per_k[1].status == "impossible"
    pos = depth(T, regime="positive")
    assert pos.k_min is None and all(o.status == "impossible" for o in pos.per_k.values())


def test_analytic_jacobian_matches_central_differences():
    rng = np.random.default_rng(3)
    for regime in ("positive", "signed"):
        for k, d in [(1, 2), (2, 2), (3, 1)]:
            th = 0.5 * rng.standard_normal(n_params(k, d))
            J = jacobian(th, k, d, regime)
            eps = 1e-6
            for t in range(len(th)):
                e = np.zeros_like(th)
                e[t] = eps
                col = ((product_float(th + e, k, d, regime) - product_float(th - e, k, d, regime)) / (2 * eps)).ravel()
                assert np.allclose(J[:, t], col, atol=1e-7)


def test_depth_with_entries_beyond_float_range():
    """Exact entries of size 1e400: the power-of-two normalisation keeps the search in range."""
    rng = np.random.default_rng(2)
    T = (random_pair(rng, 2) @ random_pair(rng, 2)).astype(object) * 10**400
    r = depth(T.tolist(), starts=5)
    assert r.k_min is not None and r.k_min <= 2
    assert r.per_k[r.k_min].status in ("exact", "certified")


def test_least_squares_start_that_overflows_is_a_failed_start():
    """A start whose Jacobian turns non-finite (found by the signed search on sign matrices) must not
    raise out of the solver."""
    import numpy as np

    from verify.depth.kpairs import least_squares

    def fun(x):
        return np.array([np.exp(1e3 * x[0]) - 1.0, x[1]])

    def jac(x):
        return np.array([[1e3 * np.exp(1e3 * x[0]), 0.0], [0.0, 1.0]])

    assert least_squares(fun, np.array([1.0, 1.0]), jac, max_nfev=10) is None
    sol = least_squares(fun, np.array([0.001, 1.0]), jac, max_nfev=50)
    assert sol is not None and np.abs(sol.fun).max() < 1e-8


def test_depth_results_and_certificates_are_immutable_records():
    """Issue 23: depth results and certificates are frozen records with to_json (and, for the pure
    data of a certificate, from_json); statuses and regimes are vocabulary members."""
    import dataclasses
    import json

    from verify.depth import depth_to_json
    from verify.theorem3.certificate import Certificate, CertificateRecordError
    from verify.theorem3.counterexample import counterexample
    from verify.vocabulary import Regime, Status

    ce = counterexample(2, "positive", "trace")
    r = depth(ce.T)
    assert r.k_min == 3 and r.regime is Regime.POSITIVE and r.per_k[2].status is Status.IMPOSSIBLE
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.k_min = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.per_k[2].status = Status.EXACT
    assert r.to_json() == depth_to_json(r)
    assert json.loads(json.dumps(r.to_json()))["per_k"]["2"]["status"] == "impossible"
    cert = r.per_k[2].certificate
    assert isinstance(cert, Certificate) and cert.type == "trace" and cert["type"] == "trace"
    with pytest.raises(TypeError):
        cert["type"] = "lp"  # the record refuses item assignment
    body = cert.to_json()
    body["T11_diagonal"][0] = "0"  # a copy: the record is unchanged
    assert cert["T11_diagonal"][0] != "0" and Certificate.from_json(cert.to_json()) == cert
    with pytest.raises(CertificateRecordError):
        Certificate.from_json({"statement": "no type"})
