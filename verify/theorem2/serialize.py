"""The stable JSON schema, text and LaTeX rendering of a :class:`~verify.theorem2.decompose.Decomposition`.

JSON (stable; later tools parse it)::

    {"d": int, "k": int, "regime": "positive", "arithmetic": "exact"|"mp"|"float",
     "method": "minimal"|"stable", "route": "one-pair"|"spectral"|"prescribed"|"pivots"|"stable",
     "layers": [{"A": [[str]], "b": [str], "c": [str], "D": [[str]]}, ...],
     "residual": str, "max_layer_cond": str, "verified": bool,
     "sign_layer": bool, "tolerance": str, "residual_measured": str, "digits": int|null}

Entries are ``"p/q"`` or integers in exact mode and round-tripping decimal strings otherwise.
``residual`` is ``"0"`` in exact mode (the product was checked equal to ``T``) and otherwise an
upper bound on ``||prod - T||_F / ||T||_F`` for the exact product of the listed layers, shortened
upward (:mod:`verify.io.outward`), so the printed string is itself an upper bound.
``max_layer_cond`` is the largest 1-norm condition number among the ``2k`` layers.
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..io.outward import up

if TYPE_CHECKING:  # annotations only: decompose imports this module (Decomposition.save, to_json)
    from .decompose import Decomposition


def num(x: Any) -> str:
    """A measurement or tolerance in the schemas' 4-significant-digit form (``"0"`` for zero),
    rounded to nearest; an exact tolerance (a ``Fraction``, e.g. ``10^{-500}``) rounded up. Certified
    upper bounds use :func:`verify.io.outward.up` instead."""
    if isinstance(x, Fraction):
        return up(x)
    return "0" if x == 0 else f"{x:.3e}"


def cond(x: Any) -> str:
    """``4`` significant digits; exact mode's condition numbers may exceed float64's range."""
    import mpmath

    return mpmath.nstr(mpmath.mpf(x), 4, min_fixed=0, max_fixed=0)


def _layer(dec: Decomposition, p: Any) -> dict[str, Any]:
    ar = dec.ar
    return {"A": ar.to_strings(p.A), "b": [ar.to_str(x) for x in p.b], "c": [ar.to_str(x) for x in p.c],
            "D": ar.to_strings(p.D)}


def _schema(dec: Decomposition, layers: list) -> dict[str, Any]:
    """The schema's fields in their order, ``layers`` after the first six."""
    meta = _meta(dec)
    head = ("d", "k", "regime", "arithmetic", "method", "route")
    return {**{k: meta[k] for k in head}, "layers": layers, **{k: v for k, v in meta.items() if k not in head}}


def to_json(dec: Decomposition) -> dict[str, Any]:
    return _schema(dec, [_layer(dec, p) for p in dec.pairs])


def write_json(dec: Decomposition, f: Any) -> None:
    """``json.dump(to_json(dec), f)``, byte for byte, one layer's strings at a time: at 2d = 2048 the
    whole schema as Python strings is 1 GB beside its 350 MB of text, one layer's a sixteenth of it."""
    import json

    head, tail = json.dumps(_schema(dec, [])).split('"layers": []')  # no other field can hold that text
    f.write(head + '"layers": [')
    for i, p in enumerate(dec.pairs):
        if i:
            f.write(", ")
        f.write(json.dumps(_layer(dec, p)))  # one write a layer: json.dump's many small ones cost 25%
    f.write("]" + tail)


def _meta(dec: Decomposition) -> dict[str, Any]:
    """Every field of the JSON schema but the layers."""
    ar = dec.ar
    return {"d": dec.d, "k": dec.k, "regime": dec.regime, "arithmetic": ar.name, "method": dec.method,
            "route": dec.route,
            "residual": up(dec.residual), "max_layer_cond": cond(dec.max_layer_cond),
            "verified": bool(dec.verified), "sign_layer": bool(dec.sign_layer),
            "tolerance": num(dec.tolerance), "residual_measured": num(dec.residual_measured),
            "digits": ar.digits}


def to_npz(dec: Decomposition, path: Any) -> int:
    """Write ``dec`` as ``.npz`` (:mod:`verify.io.npz`: the JSON schema, layers as stacked arrays;
    float64 values as they are, exact and mp entries as their text); returns the bytes written. It
    reads back (:func:`verify.io.read_decomposition`) as exactly the dict :func:`to_json` gives."""
    import numpy as np

    from ..io.npz import write_npz

    ar = dec.ar
    if ar.float64_arrays:
        arrays = {"A": np.stack([np.asarray(p.A.v, dtype=np.float64) for p in dec.pairs]),
                  "b": np.array([p.b for p in dec.pairs], dtype=np.float64),
                  "c": np.array([p.c for p in dec.pairs], dtype=np.float64),
                  "D": np.stack([np.asarray(p.D.v, dtype=np.float64) for p in dec.pairs])}
    else:
        text = lambda rows: np.char.encode(np.array(rows, dtype=str), "ascii")  # noqa: E731
        arrays = {"A": text([ar.to_strings(p.A) for p in dec.pairs]),
                  "b": text([[ar.to_str(x) for x in p.b] for p in dec.pairs]),
                  "c": text([[ar.to_str(x) for x in p.c] for p in dec.pairs]),
                  "D": text([ar.to_strings(p.D) for p in dec.pairs])}
    return write_npz(_meta(dec), arrays, path)


def _latex_entry(s: str) -> str:
    if "/" in s:
        p, q = s.split("/")
        sign = "-" if p.startswith("-") else ""
        return f"{sign}\\frac{{{p.lstrip('-')}}}{{{q}}}"
    return s


def bmatrix(rows: list[list[str]]) -> str:
    body = " \\\\ ".join(" & ".join(_latex_entry(x) for x in r) for r in rows)
    return "\\begin{bmatrix} " + body + " \\end{bmatrix}"


def to_latex(dec: Decomposition) -> str:
    """``T = [S] L_1 U_1 \\cdots L_k U_k`` with every layer written out as a ``bmatrix``."""
    ar = dec.ar
    parts = []
    if dec.sign_layer:
        parts.append("S")
    names = []
    for i in range(1, dec.k + 1):
        names += [f"L_{{{i}}}", f"U_{{{i}}}"]
    mats = dec.layers()[1:] if dec.sign_layer else dec.layers()
    lines = ["T = " + " ".join(parts + names)]
    if dec.sign_layer:
        lines.append("S = " + bmatrix(ar.to_strings(dec.layers()[0])))
    for name, M in zip(names, mats):
        lines.append(f"{name} = " + bmatrix(ar.to_strings(M)))
    return "\n".join(f"$$ {line} $$" for line in lines)


def summary_text(dec: Decomposition) -> str:
    """The first lines of :func:`to_text`: size, k, arithmetic and method, the verification, the
    largest layer condition number."""
    return "\n".join(_summary_lines(dec))


def meta_json(dec: Decomposition) -> dict[str, Any]:
    """The JSON schema without its layers."""
    return _meta(dec)


def _summary_lines(dec: Decomposition) -> list[str]:
    ar = dec.ar
    head = (
        f"T is {2 * dec.d}x{2 * dec.d} (d = {dec.d}); k = {dec.k} pair(s), positive regime, "
        f"{ar.name} arithmetic, {dec.method} method"
        + (" (with the sign layer S = diag(-1,1,...,1) in front)" if dec.sign_layer else "")
    )
    if ar.exact:
        check = "verified: the exact product of the layers equals T" if dec.verified else "NOT verified"
    else:
        check = (f"{'verified' if dec.verified else 'NOT verified'}: relative residual <= {up(dec.residual)} "
                 f"(tolerance {num(dec.tolerance)}; measured {num(dec.residual_measured)})")
    return [head, check, f"max layer condition number (1-norm): {cond(dec.max_layer_cond)}"]


def to_text(dec: Decomposition) -> str:
    """A human-readable summary followed by the pairs."""
    ar = dec.ar
    out = _summary_lines(dec)
    for i, p in enumerate(dec.pairs, 1):
        out.append(f"pair {i}: L(A_{i}, b_{i}) U(c_{i}, D_{i})")
        out.append(f"  b_{i} = [{', '.join(ar.to_str(x) for x in p.b)}]")
        out.append(f"  c_{i} = [{', '.join(ar.to_str(x) for x in p.c)}]")
        out.append(f"  A_{i} = " + "; ".join(", ".join(r) for r in ar.to_strings(p.A)))
        out.append(f"  D_{i} = " + "; ".join(", ".join(r) for r in ar.to_strings(p.D)))
    return "\n".join(out)
