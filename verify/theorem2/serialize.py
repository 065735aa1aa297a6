"""The stable JSON schema, text and LaTeX rendering of a :class:`~verify.theorem2.decompose.Decomposition`.

JSON (stable; later tools parse it)::

    {"d": int, "k": int, "regime": "positive", "arithmetic": "exact"|"mp"|"float",
     "method": "minimal"|"stable",
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
from typing import Any

from ..io.outward import up
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


def to_json(dec: Decomposition) -> dict[str, Any]:
    ar = dec.ar
    layers = [{"A": ar.to_strings(p.A), "b": [ar.to_str(x) for x in p.b],
               "c": [ar.to_str(x) for x in p.c], "D": ar.to_strings(p.D)} for p in dec.pairs]
    return {"d": dec.d, "k": dec.k, "regime": dec.regime, "arithmetic": ar.name, "method": dec.method,
            "layers": layers,
            "residual": up(dec.residual), "max_layer_cond": cond(dec.max_layer_cond),
            "verified": bool(dec.verified), "sign_layer": bool(dec.sign_layer),
            "tolerance": num(dec.tolerance), "residual_measured": num(dec.residual_measured),
            "digits": ar.digits}


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


def to_text(dec: Decomposition) -> str:
    """A human-readable summary followed by the pairs."""
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
    out = [head, check, f"max layer condition number (1-norm): {cond(dec.max_layer_cond)}"]
    for i, p in enumerate(dec.pairs, 1):
        out.append(f"pair {i}: L(A_{i}, b_{i}) U(c_{i}, D_{i})")
        out.append(f"  b_{i} = [{', '.join(ar.to_str(x) for x in p.b)}]")
        out.append(f"  c_{i} = [{', '.join(ar.to_str(x) for x in p.c)}]")
        out.append(f"  A_{i} = " + "; ".join(", ".join(r) for r in ar.to_strings(p.A)))
        out.append(f"  D_{i} = " + "; ".join(", ".join(r) for r in ar.to_strings(p.D)))
    return "\n".join(out)
