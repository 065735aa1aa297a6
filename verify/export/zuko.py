r"""Theorem 2's linear coupling layers as zuko's own coupling transforms (PyTorch), and back.

zuko's ``GeneralCouplingTransform(features, mask=m, univariate=MonotonicAffineTransform,
hidden_features=())`` keeps the coordinates where ``m`` is true and maps each other one by
``y_i = e^{\ell_i} x_i + t_i``, with ``(t_i, a_i)`` from a hyper-network of the kept ones and the
*bounded* log-scale ``\ell = a / (1 + |a| / \lambda)``, ``\lambda = -\log(\text{slope})`` (slope
``10^{-3}`` by default: scales in ``(10^{-3}, 10^3)``). With ``hidden_features=()`` the hyper-network
is one linear layer, so:

* ``L(A, b)``: mask = first half kept; shift rows of the weight ``A``, log-scale rows zero, the
  log-scale bias ``a = \ell / (1 - |\ell| / \lambda)`` for ``\ell = \log b``;
* ``U(c, D)``: mask = second half kept (zuko takes any mask: no permutation is needed).

Each layer's ``slope`` is chosen so that ``\lambda \ge \max(-\log 10^{-3}, 2 \max|\ell|)``; then
``|a| \le 2|\ell|`` and the bound never clips a scale. zuko's flows map data to latent
(``log_prob(y) = \log p_Z(f(y)) + \log|\det f'(y)|``), so the exported flow's transform is the
*inverse* of ``z \mapsto T z``: ``LazyInverse`` of the composed couplings, and its ``log_prob`` is that
of ``N(0, T T^T)``. The numbers go through :func:`verify.from_decomposition` first; a sign layer is
refused. The modules hold float64 parameters (call them with float64 tensors).
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ..errors import ExportError
from ..extras import require
from ..theorem2.flow import MAX_ERROR
from .layers import (
    Layer,
    constant_scale_coupling,
    coupling_from,
    coupling_layers,
    decomposition_of,
    forward_layers,
    is_network,
    scale_precision,
)

#: zuko's default minimum slope of MonotonicAffineTransform
DEFAULT_SLOPE = 1e-3


def _modules() -> tuple[Any, Any]:
    torch = require("torch", "zuko", "the zuko export")
    zuko = require("zuko", "zuko", "the zuko export")
    return torch, zuko


def _bound(slope: float) -> float:
    return -math.log(slope)


def _log_scale(a: np.ndarray, lam: float) -> np.ndarray:
    """zuko's ``a / (1 + |a| / lambda)``."""
    return a / (1 + np.abs(a / -lam))


def _coupling(torch: Any, zuko: Any, kind: str, block: np.ndarray, scale: np.ndarray) -> Any:
    d = scale.shape[0]
    slope, a = _slope_and_raw(scale)
    mask = torch.arange(2 * d) < d if kind == "L" else torch.arange(2 * d) >= d
    from zuko.transforms import MonotonicAffineTransform

    t = zuko.flows.GeneralCouplingTransform(2 * d, mask=mask, hidden_features=(),
                                            univariate=functools.partial(MonotonicAffineTransform, slope=slope))
    t = t.to(torch.float64)
    lin = t.hyper[0]
    W = np.zeros((2 * d, d))
    W[0::2] = block  # phi.unflatten(-1, (d, 2)): row 2i is the shift of coordinate i, row 2i + 1 its scale
    bias = np.zeros(2 * d)
    bias[1::2] = a
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(W))
        lin.bias.copy_(torch.from_numpy(bias))
    return t


def to_zuko(dec: Any, *, max_error: float = MAX_ERROR) -> Any:
    r"""A Theorem 2 decomposition (or a Remark 3 square root, one pair) as a ``zuko.flows.Flow``
    whose ``flow()`` is the distribution of ``T z``, ``z \sim N(0, I)``: ``flow().log_prob(y)`` is
    the density of ``N(0, T T^T)`` and ``flow().transform.inv(z) = T z`` (module docstring), in float64. Refused
    (:class:`~verify.errors.ExportError`): a sign layer, a scale zuko's bounded log-scale cannot
    carry to float64 accuracy. A coupling network of :mod:`verify.flows` (Theorem 1's) goes to
    :func:`network_to_zuko`."""
    if is_network(dec):
        return network_to_zuko(dec)
    torch, zuko = _modules()
    d, layers = forward_layers(dec, max_error, "zuko")
    forward = zuko.lazy.LazyComposedTransform(*(_coupling(torch, zuko, *layer) for layer in layers))
    base = zuko.lazy.UnconditionalDistribution(zuko.distributions.DiagNormal, torch.zeros(2 * d, dtype=torch.float64),
                                               torch.ones(2 * d, dtype=torch.float64), buffer=True)
    return zuko.lazy.Flow(zuko.lazy.LazyInverse(forward), base)


def _read(torch: Any, zuko: Any, t: Any, d: int) -> Layer:
    from zuko.transforms import MonotonicAffineTransform

    if not isinstance(t, zuko.flows.GeneralCouplingTransform):
        raise ExportError(f"a {type(t).__name__} is not a coupling transform")
    uni = t.univariate
    partial = isinstance(uni, functools.partial)
    base = uni.func if partial else uni
    if base is not MonotonicAffineTransform or (partial and (uni.args or set(uni.keywords) - {"slope"})):
        raise ExportError(f"a coupling with a {getattr(base, '__name__', base)} transformer is not affine")
    slope = uni.keywords.get("slope", DEFAULT_SLOPE) if partial else DEFAULT_SLOPE
    mask = t.mask.cpu().numpy().astype(bool)
    first = np.arange(2 * d) < d
    if mask.shape != (2 * d,) or not (np.all(mask == first) or np.all(mask == ~first)):
        raise ExportError("a coupling whose mask is not one half of the coordinates is not a Theorem 2 layer")
    lins = list(t.hyper)
    if len(lins) != 1 or not isinstance(lins[0], (torch.nn.Linear, zuko.nn.Linear)):
        raise ExportError(f"a coupling whose hyper-network has {len(lins) - 1} more modules than one linear layer "
                          "is not linear (read back are hidden_features=() couplings, as to_zuko writes them)")
    W = lins[0].weight.detach().to(torch.float64).cpu().numpy()
    bias = lins[0].bias.detach().to(torch.float64).cpu().numpy() if lins[0].bias is not None else np.zeros(2 * d)
    if np.any(W[1::2] != 0):
        raise ExportError("a coupling whose scale depends on its input is not a linear layer")
    if np.any(bias[0::2] != 0):
        raise ExportError("a coupling with a nonzero shift is affine, not linear: Theorem 2's layers have none")
    scale = np.exp(_log_scale(bias[1::2], _bound(slope)))
    return ("L" if mask[0] else "U"), W[0::2], scale


def _couplings_of(zuko: Any, flow: Any) -> list[Any]:
    """The transforms under a zuko flow's ``LazyInverse`` (as the exports write them), first applied first."""
    t = getattr(flow, "transform", flow)
    if not isinstance(t, zuko.lazy.LazyInverse):
        raise ExportError("a zuko flow maps data to latent: expected the inverse (LazyInverse) of the layers")
    t = t.transform
    return list(t.transforms) if isinstance(t, zuko.lazy.LazyComposedTransform) else [t]


def from_zuko(flow: Any) -> dict[str, Any]:
    r"""The layers of a zuko flow made as :func:`to_zuko` makes them (a ``Flow`` whose transform is the
    inverse of composed linear half-mask couplings, or that ``LazyComposedTransform`` itself), as a
    decomposition in the ``--json`` schema (float64), for :func:`verify.check`. Anything else is
    refused (:class:`~verify.errors.ExportError`)."""
    torch, zuko = _modules()
    items = _couplings_of(zuko, flow)
    first = items[0]
    n = int(first.mask.shape[0]) if hasattr(first, "mask") else 0
    if n == 0 or n % 2:
        raise ExportError(f"not a flow of half-partition couplings (dimension {n})")
    d = n // 2
    return decomposition_of([_read(torch, zuko, x, d) for x in items], d)


def _slope_and_raw(scale: np.ndarray) -> tuple[float, np.ndarray]:
    """The per-layer ``slope`` and the log-scale parameters ``a`` that give ``scale`` exactly enough."""
    ell = np.log(scale)
    lam = max(_bound(DEFAULT_SLOPE), 2 * float(np.max(np.abs(ell))))
    a = ell / (1 - np.abs(ell) / lam)
    scale_precision(np.exp(_log_scale(a, lam)), scale, a, "zuko")
    return math.exp(-lam), a


def network_to_zuko(net: Any) -> Any:
    r"""A coupling network of :mod:`verify.flows` -- Theorem 1's (:func:`verify.theorem1.construct`), or
    any flow of half-mask ``AffineCoupling`` layers with ReLU conditioners and constant scales -- as a
    ``zuko.flows.Flow`` of zuko's own ``GeneralCouplingTransform``\s whose hyper-networks (``zuko.nn.MLP``
    with the same hidden widths, ReLU) carry the same weights: ``flow().transform.inv(z)`` is the
    network's map of ``z`` to float64 rounding and ``flow().sample`` draws from its law. Refused
    (:class:`~verify.errors.ExportError`) as in :func:`verify.export.layers.constant_scale_coupling`."""
    torch, zuko = _modules()
    from zuko.transforms import MonotonicAffineTransform

    layers = coupling_layers(net)
    n = layers[0].n
    parts = []
    for layer in layers:
        first, Ws, bs, scale = constant_scale_coupling(layer)
        nb = n // 2
        slope, a = _slope_and_raw(scale)
        mask = torch.arange(n) < nb if first else torch.arange(n) >= nb
        t = zuko.flows.GeneralCouplingTransform(n, mask=mask, hidden_features=tuple(W.shape[1] for W in Ws[:-1]),
                                                univariate=functools.partial(MonotonicAffineTransform, slope=slope))
        t = t.to(torch.float64)
        linear = (torch.nn.Linear, zuko.nn.Linear)
        lins = [x for x in t.hyper if isinstance(x, linear)]
        if len(lins) != len(Ws) or any(not isinstance(x, (*linear, torch.nn.ReLU)) for x in t.hyper):
            raise ExportError("this zuko's hyper-network is not Linear and ReLU layers")
        with torch.no_grad():
            for k, (lin, W, b) in enumerate(zip(lins, Ws, bs)):
                if k < len(Ws) - 1:
                    lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
                    lin.bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))
                else:  # phi.unflatten(-1, (nb, 2)): row 2i the shift of coordinate i, row 2i + 1 its log-scale
                    We, be = np.zeros((2 * nb, W.shape[0])), np.zeros(2 * nb)
                    We[0::2], be[0::2], be[1::2] = W.T, b, a
                    lin.weight.copy_(torch.from_numpy(We))
                    lin.bias.copy_(torch.from_numpy(be))
        parts.append(t)
    base = zuko.lazy.UnconditionalDistribution(zuko.distributions.DiagNormal, torch.zeros(n, dtype=torch.float64),
                                               torch.ones(n, dtype=torch.float64), buffer=True)
    return zuko.lazy.Flow(zuko.lazy.LazyInverse(zuko.lazy.LazyComposedTransform(*parts)), base)



def network_from_zuko(flow: Any) -> Any:
    r"""A zuko flow of half-mask ``GeneralCouplingTransform``\s with ``MonotonicAffineTransform``, ReLU
    hyper-networks and constant scales (as :func:`network_to_zuko` writes them) as a :mod:`verify.flows`
    ``ComposedTransform`` of ``AffineCoupling`` layers with the same map (forward = zuko's
    ``transform.inv``): each constant log-scale ``\ell`` becomes the bias ``r`` with ``B\tanh(r/B) = \ell``,
    ``B = \max(3, 2\max|\ell|)``. Refused (:class:`~verify.errors.ExportError`): anything else, including a
    scale that depends on the input."""
    from zuko.transforms import MonotonicAffineTransform

    from ..flows.base import ComposedTransform

    torch, zuko = _modules()
    items = _couplings_of(zuko, flow)
    layers = []
    for x in items:
        if not isinstance(x, zuko.flows.GeneralCouplingTransform):
            raise ExportError(f"a {type(x).__name__} is not a coupling transform")
        uni = x.univariate
        partial = isinstance(uni, functools.partial)
        if (uni.func if partial else uni) is not MonotonicAffineTransform:
            raise ExportError("a coupling whose transformer is not MonotonicAffineTransform is not affine")
        slope = uni.keywords.get("slope", DEFAULT_SLOPE) if partial else DEFAULT_SLOPE
        mask = x.mask.cpu().numpy().astype(bool)
        n = mask.shape[0]
        first = np.arange(n) < n // 2
        if n % 2 or not (np.all(mask == first) or np.all(mask == ~first)):
            raise ExportError("a coupling whose mask is not one half of the coordinates")
        mods = list(x.hyper)
        linear = (torch.nn.Linear, zuko.nn.Linear)
        lins = [m for m in mods if isinstance(m, linear)]
        if len(lins) < 2 or any(not isinstance(m, (*linear, torch.nn.ReLU)) for m in mods):
            raise ExportError("a hyper-network that is not Linear and ReLU layers with a hidden layer "
                              "(a linear one is Theorem 2's: read it with from_zuko)")
        Ws = [m.weight.detach().to(torch.float64).cpu().numpy() for m in lins]
        bs = [m.bias.detach().to(torch.float64).cpu().numpy() for m in lins]
        if np.any(Ws[-1][1::2] != 0):
            raise ExportError("a coupling whose scale depends on its input")
        layer = coupling_from(n, bool(mask[0]), Ws, bs, _log_scale(bs[-1][1::2], _bound(slope)))
        layers.append(layer)
    return ComposedTransform(*layers)
