"""`verify import` of torch-based layers (zuko, nflows, normflows) and .pt state dicts, each checked
against the library's own map. torch is not a test dependency (a CPU build alone is hundreds of MB):
without it this module is reported as skipped, by name, in pytest's summary; with
`pip install torch==2.13.0 zuko nflows normflows` it runs (each library's tests skip by name without it)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from verify.export.linear import WeightError, certify_linear, linear_from, load_linear

from .test_import_weights import float_matrix

torch = pytest.importorskip("torch", reason="the zuko / nflows / normflows import tests need torch (not a test "
                                            "dependency): pip install torch==2.13.0 zuko nflows normflows")


def test_a_state_dict_key_is_a_dotted_path(tmp_path):
    W = torch.randn(4, 4)
    torch.save({"flow": {"transforms": [None, {"weight": W}]}, "flat.weight": W}, tmp_path / "m.pt")
    exact = [[Fraction(float(x)) for x in r] for r in W.double().tolist()]
    assert load_linear(tmp_path / "m.pt", "flow.transforms.1.weight").rows == exact
    assert load_linear(tmp_path / "m.pt", "flat.weight").rows == exact
    with pytest.raises(WeightError, match="name one with --key"):
        load_linear(tmp_path / "m.pt")


def test_zuko_lu_linear_is_its_own_map_and_a_zero_pivot_is_caught():
    zuko = pytest.importorskip("zuko", reason="pip install zuko")
    torch.manual_seed(0)
    LU = torch.randn(6, 6, dtype=torch.float64)
    t = zuko.transforms.LULinearTransform(LU)
    lin = linear_from(t)
    x = torch.randn(6, dtype=torch.float64)
    assert np.allclose(float_matrix(lin.rows) @ x.numpy(), t(x).numpy(), rtol=1e-12, atol=1e-12)
    diag = [Fraction(float(v)) for v in torch.diagonal(LU).tolist()]
    assert lin.det == np.prod(diag, dtype=object)
    LU[2, 2] = 0.0  # zuko's inverse would divide by this pivot without a word
    assert not certify_linear(linear_from(zuko.transforms.LULinearTransform(LU))).invertible


def test_nflows_lu_linear_is_its_own_map():
    nflows_lu = pytest.importorskip("nflows.transforms.lu", reason="pip install nflows")
    torch.manual_seed(1)
    layer = nflows_lu.LULinear(6, identity_init=False)
    lin = linear_from(layer)
    x = torch.randn(3, 6)
    y, logdet = layer(x)
    W = float_matrix(lin.rows)
    bias = layer.bias.detach().double().numpy()
    assert np.allclose(x.double().numpy() @ W.T + bias, y.detach().double().numpy(), rtol=1e-5, atol=1e-5)
    cert = certify_linear(lin)
    assert cert.invertible and abs(cert.log_abs_det - float(logdet[0].detach())) < 1e-4


@pytest.mark.parametrize("use_lu", [False, True])
def test_normflows_1x1_convolution_is_its_own_map(use_lu):
    nf = pytest.importorskip("normflows", reason="pip install normflows")
    torch.manual_seed(2)
    conv = nf.flows.Invertible1x1Conv(4, use_lu=use_lu)
    lin = linear_from(conv)
    z = torch.randn(2, 4, 3, 3)
    out, _ = conv.inverse(z)  # the generative direction convolves with W
    W = float_matrix(lin.rows)
    ref = np.einsum("ij,bjhw->bihw", W, z.double().numpy())
    assert np.allclose(ref, out.detach().double().numpy(), rtol=1e-5, atol=1e-5)
    cert = certify_linear(lin)
    assert cert.invertible and cert.cond_1[0] <= cert.cond_1[1]
