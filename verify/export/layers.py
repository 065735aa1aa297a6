"""What every export shares: the decomposition's float64 layers in the order a flow applies them
(checked by :func:`verify.from_decomposition` first), and the way back from such a list to the
``verify decompose --json`` schema."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ExportError
from ..theorem2.flow import from_decomposition

#: a layer as a flow applies it: ("L" | "U", block, scale), x -> L(block, scale) x or U(scale, block) x
Layer = tuple[str, np.ndarray, np.ndarray]


def _as_decomposition(dec: Any) -> Any:
    r"""A Remark 3 square root (:class:`verify.remark3.SquareRoot`, one pair ``T = L(A, b) U(c, D)`` with
    ``T T^T = \Sigma``) as the one-pair decomposition of its ``T``; anything else unchanged."""
    from ..remark3 import SquareRoot

    if isinstance(dec, SquareRoot):
        return {"layers": [{key: np.asarray(getattr(dec, key), dtype=float).tolist() for key in "AbcD"}]}
    return dec


def forward_layers(dec: Any, max_error: float, library: str) -> tuple[int, list[Layer]]:
    r"""``(d, layers)`` for a decomposition, or a Remark 3 square root (one pair whose flow maps
    ``N(0, I)`` to ``N(0, \Sigma)``: a whitening initialisation). ``layers`` are in the order applied
    to ``z`` (``U_k`` first, ``L_1`` last), so their composition is ``z \mapsto T z``; the float64
    numbers are those of :func:`verify.from_decomposition`, which refuses layers more than
    ``max_error`` off their exact product. A negative scale (a sign layer) is refused: ``library``'s
    scales are positive."""
    flow = from_decomposition(_as_decomposition(dec), max_error=max_error)
    out = []
    for layer in flow.transforms:
        scale = np.asarray(layer.params[layer.scale_name], dtype=np.float64)
        block = np.asarray(layer.params[layer.block_name], dtype=np.float64)
        if not np.all(scale > 0):
            raise ExportError(f"{library}'s affine scales are positive: a decomposition with a negative scale "
                              "(a sign layer, det T < 0) has no coupling form there")
        out.append(("L" if layer.updates_second else "U", block, scale))
    return flow.n // 2, out


def decomposition_of(forward: list[Layer], d: int) -> dict[str, Any]:
    """The ``--json`` schema (float64 numbers) of layers listed in the order a flow applies them; two
    layers of one kind in a row are separated by an identity layer of the other kind."""
    product = list(reversed(forward))  # T = G_1 G_2 ...: the last applied first
    eye, zero = np.ones(d), np.zeros((d, d))
    pairs = []
    j = 0
    while j < len(product):
        kind, block, scale = product[j]
        if kind == "L":
            A, b = block, scale
            if j + 1 < len(product) and product[j + 1][0] == "U":
                _, D, c = product[j + 1]
                j += 2
            else:
                D, c = zero, eye
                j += 1
        else:
            A, b, D, c = zero, eye, block, scale
            j += 1
        pairs.append({"A": A.tolist(), "b": b.tolist(), "c": c.tolist(), "D": D.tolist()})
    return {"d": d, "k": len(pairs), "arithmetic": "float", "layers": pairs}


def scale_precision(got: np.ndarray, want: np.ndarray, raw: np.ndarray, library: str) -> None:
    """Refuse a scale the library's parametrisation does not reproduce to ``8 u (2 + |raw|)`` relative
    (its unconstrained parameter ``raw`` carries an absolute rounding of about ``u |raw|``)."""
    bad = ~(np.abs(got - want) <= 8 * np.finfo(float).eps * (2 + np.abs(raw)) * want)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ExportError(f"{library}'s scale parametrisation cannot carry {want[i]:.3e} to float64 accuracy "
                          f"(it gives {got[i]:.3e})")


# -- coupling networks (Theorem 1): what the flowjax and zuko exports share -------------------------------
def is_network(obj: Any) -> bool:
    """Whether ``obj`` is a :mod:`verify.flows` flow or transform, or holds one as ``.flow`` (Theorem 1)."""
    from ..flows.base import Transform
    from ..flows.flow import Flow

    return isinstance(getattr(obj, "flow", obj), (Flow, Transform))


def coupling_layers(net: Any) -> list[Any]:
    """The :class:`verify.flows.AffineCoupling` layers of a Theorem 1 network, a ``verify.flows`` flow or
    transform, first applied first; ExportError for any other transform."""
    from ..flows.coupling import AffineCoupling

    flow = getattr(net, "flow", net)
    transform = getattr(flow, "transform", flow)
    layers = list(getattr(transform, "transforms", [transform]))
    if not layers or not all(isinstance(t, AffineCoupling) for t in layers):
        kinds = sorted({type(t).__name__ for t in layers if not isinstance(t, AffineCoupling)})
        raise ExportError(f"not a flow of verify.flows.AffineCoupling layers: it holds {', '.join(kinds) or 'nothing'}")
    return layers


def constant_scale_coupling(layer: Any) -> tuple[bool, list[np.ndarray], list[np.ndarray], np.ndarray]:
    r"""What a library needs of one ``AffineCoupling`` ``x_b = z_b e^{s} + t(z_a)`` with a ReLU conditioner
    and a constant ``s``: ``(conditions_on_first_half, hidden_weights, hidden_biases, scale)`` plus, as the
    last entries of the weight and bias lists, the shift rows of the output layer (weights as
    ``(in, out)`` arrays, ``h = u W + b``). ExportError where no library's affine coupling carries it: a
    mask that is not a half, a non-ReLU activation, a scale that depends on the input."""
    n, nb, na = layer.n, len(layer.trans), len(layer.cond)
    first = bool(np.array_equal(layer.cond, np.arange(na)))
    if na != nb or not (first or np.array_equal(layer.cond, np.arange(na, n))):
        raise ExportError("a coupling whose mask is not one half of the coordinates has no half partition")
    if layer.net.activation != "relu":
        raise ExportError(f"a {layer.net.activation} conditioner: the export writes ReLU networks")
    P, depth = layer.net.params, layer.net.depth
    W_last, b_last = P[f"W{depth - 1}"], P[f"b{depth - 1}"]
    if np.any(W_last[:, :nb] != 0):
        raise ExportError("a coupling whose scale depends on its input: the libraries' affine scale cannot carry "
                          "exp(B tanh(r / B)) of a varying r (Theorem 1's layers have constant scales)")
    Ws = [P[f"W{k}"] for k in range(depth - 1)] + [W_last[:, nb:]]
    bs = [P[f"b{k}"] for k in range(depth - 1)] + [b_last[nb:]]
    return first, Ws, bs, np.exp(layer.bound * np.tanh(b_last[:nb] / layer.bound))


def coupling_from(n: int, first: bool, weights: list[np.ndarray], biases: list[np.ndarray], log_scale: np.ndarray,
                  shift0: float = 0.0) -> Any:
    r"""The :mod:`verify.flows` ``AffineCoupling`` with a library's ReLU conditioner (``weights`` as
    ``(out, in)`` arrays, the last one's rows interleaved: row ``2i`` the shift of coordinate ``i``, row
    ``2i + 1`` its scale parameter, which must not depend on the input) and the constant ``log_scale``:
    ``B = \max(3, 2\max|\ell|)`` and the bias ``r = B\,\operatorname{artanh}(\ell/B)``, so
    ``B\tanh(r/B) = \ell``; ``shift0`` is added to the shift biases (flowjax's ``Affine()`` offset)."""
    from ..flows.coupling import AffineCoupling

    d = n // 2
    B = max(3.0, 2 * float(np.max(np.abs(log_scale))))
    layer = AffineCoupling(n, split="first" if first else "second", hidden=[W.shape[0] for W in weights[:-1]],
                           activation="relu", scale_bound=B, rng=np.random.default_rng(0), identity_init=True)
    P, last = layer.params, len(weights) - 1
    for k, (W, b) in enumerate(zip(weights, biases)):
        if k < last:
            P[f"W{k}"][...], P[f"b{k}"][...] = W.T, b
    P[f"W{last}"][...] = 0.0
    P[f"W{last}"][:, d:] = weights[last][0::2].T
    P[f"b{last}"][:d] = B * np.arctanh(log_scale / B)
    P[f"b{last}"][d:] = biases[last][0::2] + shift0
    return layer
