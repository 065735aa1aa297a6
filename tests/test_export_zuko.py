"""verify.export.to_zuko / from_zuko, checked by zuko's own code (its log_prob against the exact
density of N(0, T T^T), its transforms against T and T^-1). zuko needs torch, which is not a test
dependency (a CPU build alone is hundreds of MB): without torch this whole module is reported as
skipped, by name, in pytest's summary; with `pip install torch==2.13.0 zuko` it runs."""
from __future__ import annotations

import numpy as np
import pytest

from verify import check, decompose
from verify.errors import ExportError

from .strategies import gaussian_positive

torch = pytest.importorskip("torch", reason="zuko export tests need torch (not a test dependency): "
                                            "pip install torch==2.13.0 zuko")
zuko = pytest.importorskip("zuko", reason="zuko export tests need zuko: pip install zuko")

from verify.export import from_zuko, to_zuko  # noqa: E402


def assert_flow_is(flow, T: np.ndarray, rng: np.random.Generator, rtol: float = 1e-10) -> None:
    n = T.shape[0]
    dist = flow()
    y = rng.standard_normal((7, n)) * 1.5
    z = np.linalg.solve(T, y.T).T
    ref = -0.5 * n * np.log(2 * np.pi) - np.linalg.slogdet(T)[1] - 0.5 * np.sum(z * z, axis=1)
    lp = dist.log_prob(torch.from_numpy(y)).detach().numpy()
    assert np.all(np.abs(lp - ref) <= rtol * np.abs(ref)), np.max(np.abs(lp - ref) / np.abs(ref))
    F = dist.transform.inv(torch.eye(n, dtype=torch.float64)).detach().numpy().T  # data = T latent
    assert np.linalg.norm(F - T) <= rtol * np.linalg.norm(T)
    x = dist.transform(torch.from_numpy(y)).detach().numpy()  # latent = T^-1 data
    assert np.linalg.norm(T @ x.T - y.T) <= rtol * np.linalg.norm(T) * np.linalg.norm(x)


@pytest.mark.parametrize("n", [4, 16, 64])  # 256 and 1024: bench/export.py (the flowjax tests cover 256)
def test_exported_stable_decomposition_is_the_gaussian(n):
    rng = np.random.default_rng(n)
    T = gaussian_positive(rng, n)
    assert_flow_is(to_zuko(decompose(T, "float")), T, rng)


def test_scales_beyond_the_default_bound():
    """zuko bounds log-scales by -log(slope) (1e-3: scales in (1e-3, 1e3)); a diagonal T with entries
    1e5 and 1e-5 is one pair with such scales, exported with a per-layer slope, never clipped."""
    from fractions import Fraction

    rows = [[Fraction(10**5) if i == j == 0 else Fraction(1, 10**5) if i == j == 2 else Fraction(i + 2) * (i == j)
             for j in range(4)] for i in range(4)]
    dec = decompose(rows)
    scales = np.concatenate([np.r_[[float(x) for x in p.b], [float(x) for x in p.c]] for p in dec.pairs])
    assert scales.max() > 1e3 and scales.min() < 1e-3  # the case this test is about
    T = np.array([[float(x) for x in r] for r in rows])
    assert_flow_is(to_zuko(dec), T, np.random.default_rng(7))


def test_round_trip_and_refusals():
    T = gaussian_positive(np.random.default_rng(3), 8)
    dec = decompose(T, "float")
    back = from_zuko(to_zuko(dec))
    assert back["k"] == dec.k and check(T, back).ok and not check(T + 1e-3, back).ok
    for p, q in zip(dec.pairs, back["layers"]):
        assert np.array_equal(np.asarray(p.A.v), np.array(q["A"]))
        assert np.allclose(p.b, q["b"], rtol=1e-14, atol=0) and np.allclose(p.c, q["c"], rtol=1e-14, atol=0)
    with pytest.raises(ExportError, match="negative"):
        to_zuko(decompose([[0, 1], [1, 0]], sign_layer=True))
    with pytest.raises(ExportError):
        from_zuko(zuko.flows.RealNVP(4, transforms=2))  # MLP hyper-networks, checkered masks
    with pytest.raises(ExportError):
        from_zuko(zuko.flows.NSF(4, transforms=1))


def test_remark3_single_pair_whitening_export():
    """Remark 3's single pair as a two-coupling zuko flow: N(0, T T^T), T T^T = Sigma."""
    from verify.remark3 import single_pair_square_root

    rng = np.random.default_rng(5)
    G = rng.standard_normal((8, 8))
    sq = single_pair_square_root(G @ G.T + 8 * np.eye(8))
    flow = to_zuko(sq)
    assert len(flow.transform.transform.transforms) == 2
    assert_flow_is(flow, sq.T, rng)


def test_theorem1_network_is_zuko_couplings_with_the_same_map_and_law():
    """Theorem 1's network as zuko GeneralCouplingTransforms with ReLU hyper-networks: the same map to
    float64 rounding, and zuko's own samples at the network's W2 to the target within the spreads."""
    from verify.theorem1 import construct
    from verify.theorem1.measure import w2
    from verify.theorem1.targets import target

    net = construct(target("square"), 0.2, 1e-2)
    flow = to_zuko(net)
    z = np.random.default_rng(0).standard_normal((500, net.n))
    x = flow().transform.inv(torch.from_numpy(z)).detach().numpy()
    assert np.max(np.abs(x - net.flow.transform.forward_and_log_det(z)[0])) <= 1e-12
    ours, theirs, floors = [], [], []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        torch.manual_seed(seed)
        y, y2 = net.target.sample(500, rng), net.target.sample(500, rng)
        theirs.append(w2(flow().sample((500,)).numpy(), y))
        ours.append(w2(net.flow.sample(500, rng), y))
        floors.append(w2(y, y2))
    assert abs(np.mean(ours) - np.mean(theirs)) <= 3 * (np.std(ours) + np.std(theirs)) + np.mean(floors) / 4
    from verify.export import network_from_zuko
    from verify.flows import AffineCoupling

    back = network_from_zuko(flow)  # the round trip: verify.flows couplings with the same map
    assert np.max(np.abs(back.forward_and_log_det(z)[0] - x)) <= 1e-12
    trained_like = zuko.flows.GeneralCouplingTransform(4, mask=torch.arange(4) < 2, hidden_features=(3,))
    with pytest.raises(ExportError, match="scale depends"):
        network_from_zuko(zuko.lazy.Flow(zuko.lazy.LazyInverse(trained_like), None))
    alternating = zuko.flows.GeneralCouplingTransform(4, hidden_features=(3,))  # zuko's default mask
    with pytest.raises(ExportError, match="not one half"):
        network_from_zuko(zuko.lazy.Flow(zuko.lazy.LazyInverse(alternating), None))

    with pytest.raises(ExportError, match="scale depends"):
        to_zuko(AffineCoupling(4, hidden=[3, 3], rng=np.random.default_rng(0)))
