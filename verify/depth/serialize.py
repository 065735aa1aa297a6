"""The stable ``verify depth --json`` schema and the text report of a
:class:`~verify.depth.minimal.DepthResult`."""
from __future__ import annotations

from typing import Any

from ..io.outward import up
from ..theorem2.serialize import num, to_json
from ..theorem3.certificate import as_json
from ..vocabulary import Status


def depth_to_json(result: Any) -> dict[str, Any]:
    """The stable ``verify depth --json`` schema::

        {"k_min": int|null, "proved_minimal": bool, "regime": "positive"|"signed", "T": [[str]],
         "per_k": {"1": {"status": str, "reason": str, "residual": str|null, "box_radius": str|null,
                         "starts": int, "certificate": <a Theorem 3 certificate> | null}, ...},
         "decomposition": <the decompose schema, for k_min> | null}

    ``k_min`` is the fewest pairs *found*; ``proved_minimal`` says whether it is proved minimal (every
    smaller ``k`` impossible, and the ``k_min`` decomposition exact or certified). ``decomposition``
    is present whenever ``k_min`` is (``verify check`` reads this file directly). ``T`` is the input,
    exact; ``verify check-certificate`` reads the file too when ``k = 2`` is impossible (the
    certificate, and the decomposition when ``k_min = 3``).
    """
    per_k = {}
    for k, o in sorted(result.per_k.items()):
        per_k[str(k)] = {"status": o.status, "reason": o.reason,
                         "residual": None if o.residual is None else num(o.residual),
                         "box_radius": None if o.box_radius is None else up(o.box_radius),
                         "starts": o.starts, "certificate": as_json(o.certificate)}
    dec = result.decomposition
    T = None if result.T is None else [[str(x) for x in r] for r in result.T]
    return {"k_min": result.k_min, "proved_minimal": result.proved_minimal, "regime": result.regime, "T": T,
            "per_k": per_k,
            "decomposition": to_json(dec) if dec is not None else None}


def depth_to_text(result: Any) -> str:
    lines = [f"regime: {result.regime}; {summary(result)}"]
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


def summary(result: Any) -> str:
    """One line that says what is proved: ``minimal depth k = K (proved)``, or ``k <= K`` with the
    smaller ``k`` that were only not found, or that nothing was found."""
    if result.k_min is None:
        if all(o.status == Status.IMPOSSIBLE for o in result.per_k.values()):
            return "no k up to the largest tried is possible (proved)"
        return "no decomposition found up to the largest k tried"
    k = result.k_min
    status = result.per_k[k].status
    if result.proved_minimal:
        return f"minimal depth k = {k} (proved: every smaller k is impossible, k = {k} is {status})"
    open_ks = [j for j in range(1, k) if result.per_k[j].status != Status.IMPOSSIBLE]
    how = "found numerically, not certified" if status == Status.NUMERICAL else status
    text = f"k <= {k} (k = {k} {how})"
    if open_ks:
        text += (
            "; " + ", ".join(f"k = {j} {result.per_k[j].status}" for j in open_ks) + " (not a proof of impossibility)"
        )
    return text
