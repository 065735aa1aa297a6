"""The padding experiments: the padding transforms, matched parameter counts, and that training on
each kind runs and lowers the NLL (small sizes; full size in bench/padding.py)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from verify.flows.flow import coupling_flow
from verify.padding import (
    KINDS,
    PaddingInputError,
    circles,
    dataset,
    matched_hidden,
    n_params,
    pad,
    run_kind,
    two_moons,
)
from verify.padding.experiment import _count
from verify.padding.report import gaussian_vs_zero


def test_pad_transforms() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4000, 3))
    assert pad(x, "none", rng) is x
    z = pad(x, "zero", rng)
    assert z.shape == (4000, 6) and np.all(z[:, 3:] == 0) and np.array_equal(z[:, :3], x)
    g = pad(x, "gaussian", rng)[:, 3:]
    assert abs(g.mean()) < 0.05 and abs(g.std() - 1) < 0.05
    c = pad(x, "gaussian-clipped", rng)[:, 3:]
    assert c.min() == 0.0 and c.max() == 1.0 and abs(np.median(c) - 0.5) < 0.05
    assert 0.14 < (c == 0).mean() < 0.18  # the atom at 0: P(N(0.5, 0.5^2) < 0) = Phi(-1) = 0.159
    with pytest.raises(PaddingInputError):
        pad(x, "uniform", rng)


@pytest.mark.parametrize("n,layers,hidden", [(2, 3, 8), (4, 6, 32), (5, 4, 16), (128, 2, 8)])
def test_parameter_count_formula(n: int, layers: int, hidden: int) -> None:
    flow = coupling_flow(n, layers, [hidden, hidden], np.random.default_rng(0), actnorm_data=np.ones((3, n)))
    assert n_params(flow) == _count(n, layers, hidden)


def test_matched_hidden() -> None:
    target = _count(4, 6, 32)
    h = matched_hidden(2, 6, target)
    assert abs(_count(2, 6, h) - target) <= min(abs(_count(2, 6, h + 1) - target), abs(_count(2, 6, h - 1) - target))


def test_datasets() -> None:
    rng = np.random.default_rng(1)
    m, c = two_moons(500, rng), circles(500, rng)
    assert m.shape == c.shape == (500, 2)
    r = np.linalg.norm(c, axis=1)
    assert np.all((np.abs(r - 1) < 0.3) | (np.abs(r - 0.5) < 0.3))
    with pytest.raises(PaddingInputError):
        dataset("mnist", 10, rng)


def test_digits_without_scikit_learn(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(PaddingInputError, match="scikit-learn"):
        dataset("digits", 0, np.random.default_rng(0))


@pytest.mark.parametrize("kind", KINDS)
def test_training_lowers_the_nll(kind: str) -> None:
    """200 Adam steps lower the held-out joint NLL against the untrained (identity + ActNorm) flow."""
    before = run_kind("moons", kind, [0], N=400, layers=2, hidden=8, steps=1, cond_points=50)
    after = run_kind("moons", kind, [0], N=400, layers=2, hidden=8, steps=200, cond_points=50)
    assert after.nll_joint < before.nll_joint
    assert (after.nll_data is None) == (kind in ("zero", "gaussian-clipped"))
    assert after.cond_mean >= 1 and after.cond_p90 >= 1


def test_zero_padding_is_worse_conditioned_on_moons() -> None:
    """The paper's finding, at a small fixed-seed size (the bench has 5 seeds at full size)."""
    rows = [
        run_kind("moons", k, [0, 1], N=600, layers=4, hidden=16, steps=400, cond_points=100)
        for k in ("zero", "gaussian")
    ]
    assert gaussian_vs_zero(rows)["verdict"] == "holds"
