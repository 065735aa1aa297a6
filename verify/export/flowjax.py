r"""Theorem 2's linear coupling layers as flowjax's own ``Coupling`` bijections, and back.

flowjax (JAX) writes an affine coupling as ``Coupling(transformer=Affine(), untransformed_dim=u, ...)``:
it keeps ``x_{1:u}`` and maps each remaining coordinate by ``y_i = s_i x_i + m_i`` with
``(m_i, r_i)`` read off a conditioner ``eqx.nn.MLP`` of ``x_{1:u}``, *offset by the transformer's
initial parameters* (``Affine()``: ``m = 0``, ``r = \operatorname{softplus}^{-1}(1)``), and
``s_i = \operatorname{softplus}(r_i)``. With ``u = d`` and a conditioner of depth 0 (one linear
layer ``x_1 \mapsto W x_1 + \beta``):

* ``L(A, b) = [[I, 0], [A, \operatorname{diag} b]]`` is the coupling whose ``m``-rows of ``W`` are
  ``A``, whose ``r``-rows of ``W`` are zero, and whose ``r``-bias is
  ``\operatorname{softplus}^{-1}(b) - \operatorname{softplus}^{-1}(1)`` (the ``m``-bias is zero);
* ``U(c, D) = [[\operatorname{diag} c, D], [0, I]]`` updates the *first* half, which a flowjax
  coupling never does: it is ``P \circ \text{coupling}(D, c) \circ P`` with ``P`` the half swap
  (flowjax's ``Permute``, exact).

flowjax applies a ``Chain`` first element first, so ``T = L_1 U_1 \cdots L_k U_k`` becomes the chain
``U_k, L_k, \dots, U_1, L_1`` and ``Transformed(StandardNormal((2d,)), chain)`` is the law of ``T z``,
``z \sim N(0, I)``: ``N(0, T T^T)``. Scales must be positive (softplus); a decomposition with a sign
layer (``\det T < 0``) is refused. The numbers go through :func:`verify.from_decomposition` first,
so a decomposition whose float64 layers are off from its exact product by more than ``max_error``
is refused there.

JAX computes in float32 unless ``jax_enable_x64`` is set; the export refuses to build a float32 flow
(``jax.config.update("jax_enable_x64", True)`` before creating any array).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ExportError
from ..extras import require
from ..theorem2.flow import MAX_ERROR
from .layers import (
    constant_scale_coupling,
    coupling_from,
    coupling_layers,
    decomposition_of,
    forward_layers,
    is_network,
    scale_precision,
)


def _modules() -> dict[str, Any]:
    jax = require("jax", "flowjax", "the flowjax export")
    require("flowjax", "flowjax", "the flowjax export")
    if not jax.config.read("jax_enable_x64"):
        raise ExportError("the flowjax export builds float64 flows: call jax.config.update('jax_enable_x64', True) "
                          "before creating any JAX array")
    import equinox as eqx
    import jax.numpy as jnp
    import paramax
    from flowjax import bijections, distributions
    from jax.flatten_util import ravel_pytree

    m = {"jax": jax, "jnp": jnp, "eqx": eqx, "paramax": paramax, "bij": bijections, "dist": distributions,
         "ravel": ravel_pytree}
    m["init"] = _affine_init(m)  # read once per call into the library, used by every layer
    return m


def _affine_init(m: dict[str, Any]) -> tuple[float, float]:
    """flowjax's offset ``(m_0, r_0)``: the ravelled parameters of ``Affine()``, to which a coupling adds
    its conditioner's output (``flowjax.utils.get_ravelled_pytree_constructor``)."""
    eqx, paramax = m["eqx"], m["paramax"]
    params, _ = eqx.partition(m["bij"].Affine(), eqx.is_inexact_array,
                              is_leaf=lambda x: isinstance(x, paramax.NonTrainable))
    init = np.asarray(m["ravel"](params)[0], dtype=np.float64)
    if init.shape != (2,):
        raise ExportError(f"this flowjax's Affine has {init.shape[0]} parameters, not (loc, scale)")
    return float(init[0]), float(init[1])


def _inv_softplus(s: np.ndarray) -> np.ndarray:
    r"""``\operatorname{softplus}^{-1}(s) = s + \log(-\operatorname{expm1}(-s))``, stable for tiny and
    huge ``s > 0``."""
    return s + np.log(-np.expm1(-s))


def _softplus(r: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, r)


def _template(m: dict[str, Any], d: int) -> Any:
    """A flowjax ``Coupling(Affine)`` on ``2d`` coordinates with a depth-0 conditioner; each layer is this
    with its own weights (``eqx.tree_at``), which is much cheaper than building a coupling per layer."""
    import jax.random as jr

    return m["bij"].Coupling(jr.key(0), transformer=m["bij"].Affine(), untransformed_dim=d, dim=2 * d,
                             nn_width=1, nn_depth=0)


def _coupling(m: dict[str, Any], template: Any, block: np.ndarray, scale: np.ndarray) -> Any:
    r"""The flowjax ``Coupling`` with ``x_2 \mapsto \operatorname{diag}(scale)\, x_2 + block\, x_1``."""
    jnp, eqx = m["jnp"], m["eqx"]
    d = scale.shape[0]
    loc0, raw0 = m["init"]
    raw = _inv_softplus(scale)
    W = np.zeros((2 * d, d))
    W[0::2] = block
    bias = np.zeros(2 * d)
    bias[0::2] = -loc0
    bias[1::2] = raw - raw0
    scale_precision(_softplus(bias[1::2] + raw0), scale, raw, "flowjax")  # as flowjax will compute it
    return eqx.tree_at(lambda t: (t.conditioner.layers[0].weight, t.conditioner.layers[0].bias), template,
                       (jnp.asarray(W), jnp.asarray(bias)))


def _half_swap(d: int) -> np.ndarray:
    """The permutation exchanging the two halves of ``2d`` coordinates."""
    return np.r_[np.arange(d, 2 * d), np.arange(d)]


def _swap(m: dict[str, Any], d: int) -> Any:
    return m["bij"].Permute(m["jnp"].asarray(_half_swap(d)))


def to_flowjax(dec: Any, *, max_error: float = MAX_ERROR) -> Any:
    r"""A Theorem 2 decomposition (anything :func:`verify.from_decomposition` reads: a
    :func:`verify.decompose` result, its JSON as a dict or a path, a ``verify depth`` result, or a
    Remark 3 :func:`~verify.remark3.single_pair_square_root`: one pair, ``N(0, I) \to N(0, \Sigma)``) as the
    flowjax distribution ``Transformed(StandardNormal((2d,)), Chain([...]))`` of ``T z``,
    ``z \sim N(0, I)``, built from flowjax's own ``Coupling``/``Affine``/``Permute`` bijections
    (module docstring); or a coupling network of :mod:`verify.flows` such as Theorem 1's
    (:func:`network_to_flowjax`). Its ``log_prob`` is the density of ``N(0, T T^T)`` and its bijection's
    ``transform`` is ``z \mapsto T z``, up to the float64 error that ``from_decomposition`` bounds
    (``max_error``). Refused (:class:`~verify.errors.ExportError`): a sign layer (a negative scale),
    a scale softplus cannot carry, float32 JAX."""
    if is_network(dec):
        return network_to_flowjax(dec)
    m = _modules()
    d, layers = forward_layers(dec, max_error, "flowjax")
    template, swap = _template(m, d), _swap(m, d)
    parts = []
    for kind, block, scale in layers:  # forward order: U_k first
        if kind == "L":
            parts.append(_coupling(m, template, block, scale))
        else:
            parts += [swap, _coupling(m, template, block, scale), swap]
    return m["dist"].Transformed(m["dist"].StandardNormal((2 * d,)), m["bij"].Chain(parts))


def _read_coupling(m: dict[str, Any], c: Any, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``(block, scale)`` of a flowjax coupling that is a linear ``L``-type layer, or ExportError."""
    bij = m["bij"]
    if c.untransformed_dim != d or c.dim != 2 * d or c.cond_shape is not None:
        raise ExportError(f"a Coupling with untransformed_dim {c.untransformed_dim} of {c.dim} (or conditional) "
                          f"is not a half-partition layer of size 2d = {2 * d}")
    probe = c.transformer_constructor(m["jnp"].zeros(c.conditioner.out_size // (c.dim - c.untransformed_dim)))
    if type(probe) is not bij.Affine:
        raise ExportError(f"a Coupling with a {type(probe).__name__} transformer is not affine")
    layers = c.conditioner.layers
    if len(layers) != 1:
        raise ExportError(f"a Coupling whose conditioner has {len(layers) - 1} hidden layers is not linear "
                          "(read back are depth-0 conditioners, as to_flowjax writes them)")
    W = np.asarray(layers[0].weight, dtype=np.float64)
    bias = np.asarray(layers[0].bias if layers[0].bias is not None else np.zeros(2 * d), dtype=np.float64)
    loc0, raw0 = m["init"]
    if np.any(W[1::2] != 0):
        raise ExportError("a Coupling whose scale depends on its input is not a linear layer")
    if np.any(bias[0::2] + loc0 != 0):
        raise ExportError("a Coupling with a nonzero shift is affine, not linear: Theorem 2's layers have none")
    return W[0::2], _softplus(bias[1::2] + raw0)


def _permutation(m: dict[str, Any], p: Any) -> np.ndarray:
    """A flowjax ``Permute``'s index array (stored as a tuple of index arrays, one per axis)."""
    perm = m["paramax"].unwrap(p.permutation)
    perm = perm if not isinstance(perm, tuple) else (perm[0] if len(perm) == 1 else None)
    return np.asarray(perm).reshape(-1) if perm is not None else np.array([])


def from_flowjax(flow: Any) -> dict[str, Any]:
    r"""The layers of a flowjax flow of linear half-partition couplings (as :func:`to_flowjax` writes
    them: ``Coupling``\s with an ``Affine`` transformer and a depth-0 conditioner whose scale rows
    are constant, optionally between two half-swap ``Permute``\s), as a decomposition in the
    ``verify decompose --json`` schema with float64 numbers (``arithmetic: "float"``), for
    :func:`verify.check` or :func:`verify.from_decomposition`. Layers of one kind in a row are
    separated by identity layers of the other kind. ``flow`` is a ``Transformed`` distribution, a
    ``Chain`` or one bijection. Anything else is refused (:class:`~verify.errors.ExportError`)."""
    m = _modules()
    bij = m["bij"]
    b = getattr(flow, "bijection", flow)
    items = list(b.bijections) if isinstance(b, bij.Chain) else [b]
    if not items or not all(isinstance(x, (bij.Coupling, bij.Permute)) for x in items):
        kinds = sorted({type(x).__name__ for x in items if not isinstance(x, (bij.Coupling, bij.Permute))})
        raise ExportError(f"not a chain of linear couplings: it holds {', '.join(kinds) or 'nothing'}")
    n = int(items[0].shape[0])
    if n % 2:
        raise ExportError(f"a flow of odd dimension {n} has no half partition")
    d = n // 2
    swap = _half_swap(d)
    forward: list[tuple[str, np.ndarray, np.ndarray]] = []  # ("L" | "U", block, scale), first applied first
    i = 0
    while i < len(items):
        x = items[i]
        if isinstance(x, bij.Coupling):
            forward.append(("L", *_read_coupling(m, x, d)))
            i += 1
            continue
        if not (np.array_equal(_permutation(m, x), swap) and i + 2 < len(items)
                and isinstance(items[i + 1], bij.Coupling) and isinstance(items[i + 2], bij.Permute)
                and np.array_equal(_permutation(m, items[i + 2]), swap)):
            raise ExportError("a Permute that is not half swap, coupling, half swap: not a U layer")
        forward.append(("U", *_read_coupling(m, items[i + 1], d)))
        i += 3
    return decomposition_of(forward, d)


# -- coupling networks with ReLU conditioners (Theorem 1) --------------------------------------------------
def _mlp_coupling(m: dict[str, Any], layer: Any, templates: dict[tuple[int, ...], Any]) -> Any:
    r"""One ``AffineCoupling`` (``x_b = z_b e^{s} + t(z_a)``, ``s = B\tanh(r/B)`` constant) as flowjax's
    ``Coupling`` with an ``Affine`` transformer and the same ReLU MLP conditioner, padded to constant
    width with dead units (zero weights in and out: ``relu(0) = 0``)
    (:func:`~verify.export.layers.constant_scale_coupling` says what is refused)."""
    import jax.random as jr

    jnp, eqx = m["jnp"], m["eqx"]
    _, Ws, bs, scale = constant_scale_coupling(layer)
    n, nb = layer.n, len(layer.trans)
    hidden = [W.shape[1] for W in Ws[:-1]]
    width = max(hidden) if hidden else 1
    shape = (nb, n, width, len(hidden))
    if shape not in templates:  # building a flowjax Coupling costs a second; its weights are replaced anyway
        templates[shape] = m["bij"].Coupling(jr.key(0), transformer=m["bij"].Affine(), untransformed_dim=nb, dim=n,
                                             nn_width=width, nn_depth=len(hidden), nn_activation=m["jax"].nn.relu)
    loc0, raw0 = m["init"]
    raw = _inv_softplus(scale)
    scale_precision(_softplus(raw), scale, raw, "flowjax")
    params = []
    for k, (W, b) in enumerate(zip(Ws, bs)):
        if k < len(Ws) - 1:
            We, be = np.zeros((width, nb if k == 0 else width)), np.zeros(width)
            We[: W.shape[1], : W.shape[0]], be[: W.shape[1]] = W.T, b
        else:
            We, be = np.zeros((2 * nb, width if hidden else nb)), np.zeros(2 * nb)
            We[0::2, : W.shape[0]] = W.T  # the shifts t; the scale rows stay zero
            be[0::2], be[1::2] = b - loc0, raw - raw0
        params += [jnp.asarray(We), jnp.asarray(be)]
    where = lambda t: tuple(x for lin in t.conditioner.layers for x in (lin.weight, lin.bias))  # noqa: E731
    return eqx.tree_at(where, templates[shape], tuple(params))


def network_to_flowjax(net: Any) -> Any:
    r"""A coupling network of :mod:`verify.flows` -- Theorem 1's depth-3 network
    (:func:`verify.theorem1.construct`), or any ``Flow`` of half-partition ``AffineCoupling`` layers with
    ReLU conditioners and constant scales -- as the flowjax distribution ``Transformed(StandardNormal((n,)),
    Chain([...]))`` made of flowjax's own ``Coupling`` layers with ``eqx.nn.MLP`` conditioners carrying
    the same weights: its bijection maps every latent point as the network does, to float64 rounding. A
    layer that conditions on the second half is written ``Permute, Coupling, Permute`` (half swaps).
    Refused (:class:`~verify.errors.ExportError`): other transforms, other activations, masks that are not
    halves, scales that depend on the input."""
    m = _modules()
    layers = coupling_layers(net)
    n = layers[0].n
    if n % 2:
        raise ExportError(f"a flow of odd dimension {n} has no half partition")
    swap = m["bij"].Permute(m["jnp"].asarray(_half_swap(n // 2)))
    parts: list[Any] = []
    templates: dict[tuple[int, ...], Any] = {}
    for layer in layers:
        c = _mlp_coupling(m, layer, templates)
        parts += [c] if layer.cond[0] == 0 else [swap, c, swap]
    return m["dist"].Transformed(m["dist"].StandardNormal((n,)), m["bij"].Chain(parts))


def network_from_flowjax(flow: Any) -> Any:
    r"""A flowjax flow of half-partition ``Coupling`` layers with ``Affine`` transformers, ReLU MLP
    conditioners and constant scales (as :func:`network_to_flowjax` writes them; a layer on the second
    half between two half-swap ``Permute``\s) as a :mod:`verify.flows` ``ComposedTransform`` of
    ``AffineCoupling`` layers with the same map: each constant scale ``s`` becomes the bias ``r`` with
    ``B\tanh(r/B) = \log s``, ``B = \max(3, 2\max|\log s|)``. Refused (:class:`~verify.errors.ExportError`):
    anything else, including a scale that depends on the input."""
    from ..flows.base import ComposedTransform

    m = _modules()
    bij, jax = m["bij"], m["jax"]
    b = getattr(flow, "bijection", flow)
    items = list(b.bijections) if isinstance(b, bij.Chain) else [b]
    if not items or not all(isinstance(x, (bij.Coupling, bij.Permute)) for x in items):
        raise ExportError("not a chain of couplings (and half-swap permutations)")
    n = int(items[0].shape[0])
    if n % 2:
        raise ExportError(f"a flow of odd dimension {n} has no half partition")
    d, swap = n // 2, _half_swap(n // 2)
    loc0, raw0 = m["init"]
    layers, i = [], 0
    while i < len(items):
        if isinstance(items[i], bij.Coupling):
            c, split, i = items[i], "first", i + 1
        elif (np.array_equal(_permutation(m, items[i]), swap) and i + 2 < len(items)
              and isinstance(items[i + 1], bij.Coupling) and isinstance(items[i + 2], bij.Permute)
              and np.array_equal(_permutation(m, items[i + 2]), swap)):
            c, split, i = items[i + 1], "second", i + 3
        else:
            raise ExportError("a Permute that is not half swap, coupling, half swap")
        if c.untransformed_dim != d or c.dim != n or c.cond_shape is not None:
            raise ExportError(f"a Coupling with untransformed_dim {c.untransformed_dim} of {c.dim} (or conditional) "
                              "is not a half-partition layer")
        probe = c.transformer_constructor(m["jnp"].zeros(c.conditioner.out_size // d))
        if type(probe) is not bij.Affine:
            raise ExportError(f"a Coupling with a {type(probe).__name__} transformer is not affine")
        mlp = c.conditioner
        if len(mlp.layers) > 1 and mlp.activation is not jax.nn.relu:
            raise ExportError("a conditioner whose activation is not ReLU")
        Ws = [np.asarray(lin.weight, dtype=np.float64) for lin in mlp.layers]
        bs = [np.asarray(lin.bias, dtype=np.float64) if lin.bias is not None else np.zeros(lin.out_features)
              for lin in mlp.layers]
        if np.any(Ws[-1][1::2] != 0):
            raise ExportError("a Coupling whose scale depends on its input: verify's coupling scale "
                              "exp(B tanh(r / B)) of an MLP output cannot carry softplus of a varying one")
        log_s = np.log(_softplus(bs[-1][1::2] + raw0))
        if len(Ws) < 2:
            raise ExportError("a linear (depth-0) conditioner: read it with from_flowjax (Theorem 2's layers)")
        layer = coupling_from(n, split == "first", Ws, bs, log_s, loc0)
        layers.append(layer)
    return ComposedTransform(*layers)
