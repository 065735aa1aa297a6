"""The stable ``verify depth --json`` schema and the text report of a
:class:`~verify.depth.minimal.DepthResult`."""
from __future__ import annotations

from typing import Any

from ..io.outward import up
from ..theorem2.serialize import num, to_json


def depth_to_json(result: Any) -> dict[str, Any]:
    """The stable ``verify depth --json`` schema::

        {"k_min": int|null, "regime": "positive"|"signed",
         "per_k": {"1": {"status": str, "reason": str, "residual": str|null, "box_radius": str|null,
                         "starts": int, "certificate": <a Theorem 3 certificate> | null}, ...},
         "decomposition": <the decompose schema, for k_min> | null}
    """
    per_k = {}
    for k, o in sorted(result.per_k.items()):
        per_k[str(k)] = {"status": o.status, "reason": o.reason,
                         "residual": None if o.residual is None else num(o.residual),
                         "box_radius": None if o.box_radius is None else up(o.box_radius),
                         "starts": o.starts, "certificate": getattr(o, "certificate", None)}
    dec = result.decomposition
    return {"k_min": result.k_min, "regime": result.regime, "per_k": per_k,
            "decomposition": to_json(dec) if dec is not None else None}


def depth_to_text(result: Any) -> str:
    lines = [f"regime: {result.regime}; minimal depth found: "
             + (f"k = {result.k_min}" if result.k_min is not None else "none")]
    for k, o in sorted(result.per_k.items()):
        extra = []
        if o.residual is not None:
            extra.append(f"residual {num(o.residual)}")
        if o.box_radius is not None:
            extra.append(f"box radius {up(o.box_radius)}")
        if o.starts:
            extra.append(f"{o.starts} starts")
        lines.append(f"  k = {k}: {o.status:<10} {o.reason}" + (f" ({', '.join(extra)})" if extra else ""))
    return "\n".join(lines)
