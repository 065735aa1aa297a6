r"""Trained invertible linear layers, read exactly and certified: the checks flow libraries skip.

Flow libraries parametrise an invertible linear layer ``x \mapsto W x`` (a Glow 1x1 convolution, an
LU-linear layer) and never check that ``W`` is invertible: their inverses solve triangular systems
with whatever diagonal training left. :func:`linear_from` reads ``W`` from such a layer, or from a
plain weight (array, tensor, ``.npy`` / ``.npz`` / ``.pt`` / ``.safetensors`` file via
:func:`load_linear`), **exactly**: every stored number is taken as the binary value it holds, and
products of stored factors (``P L U``, Householder chains) are formed in rationals. Maps the library
evaluates itself (``exp``, ``softplus`` of a log-scale) are taken as the library computes them, in its
own dtype. :func:`certify_linear` then decides exactly whether ``W`` is invertible and the sign of its
determinant, and encloses its 1-norm condition number ``\|W\|_1 \|W^{-1}\|_1`` in ball arithmetic
(python-flint ``arb``). An even-sized ``W`` can go on to :func:`verify.decompose` (Theorem 2) and
:func:`verify.minimal_depth`.

Which matrix: the one the layer applies in the direction its library calls forward for a weight --
``W = L U`` for zuko's ``LULinearTransform`` and nflows' ``LULinear`` (``y = W x + b``), ``W = P L U``
for normflows' ``Invertible1x1Conv`` (its ``inverse``, the generative direction, convolves with
``W``; ``forward`` with ``W^{-1}``), the triangular matrix of flowjax's ``TriangularAffine``,
``I - 2 u u^T`` for its ``Householder`` (``u`` its float normalisation of ``v``), the product
``W_n \cdots W_1`` for a ``Chain``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Optional

import numpy as np

from ..errors import InputError, MatrixShapeError, MissingDependencyError
from ..io.entries import to_fraction

__all__ = ["ImportedLinear", "LinearCertificate", "linear_from", "load_linear", "certify_linear", "WEIGHT_FORMATS"]

WEIGHT_FORMATS = (".npy", ".npz", ".pt", ".pth", ".safetensors")


class WeightError(InputError):
    """A weight that cannot be read as one square matrix (exit code 2 from the CLI)."""


@dataclass(frozen=True)
class ImportedLinear:
    """The exact matrix ``W`` an invertible linear layer applies, with where it came from.

    ``det`` is set when ``W`` came as factors that are, entry by entry, triangular or a permutation
    (then it is their diagonals' product and the permutation's sign, exactly); otherwise
    :func:`certify_linear` computes it from ``W``."""

    rows: list[list[Fraction]]
    source: str
    det: Optional[Fraction] = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class LinearCertificate:
    r"""What :func:`certify_linear` proved about ``W`` (``n x n``).

    ``invertible`` and ``det_sign`` are exact (a rational determinant); ``log_abs_det`` is its
    natural logarithm as a float; ``cond_1`` encloses ``\|W\|_1 \|W^{-1}\|_1`` (ball arithmetic:
    ``(lo, hi)`` with ``lo <= cond_1 <= hi``), ``None`` when ``W`` is singular; ``cond_2_float`` is
    numpy's float64 estimate of the 2-norm condition number (measured, not certified)."""

    n: int
    source: str
    invertible: bool
    det_sign: int
    log_abs_det: float
    cond_1: Optional[tuple[float, float]]
    cond_2_float: float
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "source": self.source, "invertible": self.invertible, "det_sign": self.det_sign,
                "log_abs_det": self.log_abs_det if math.isfinite(self.log_abs_det) else str(self.log_abs_det),
                "cond_1": None if self.cond_1 is None else {"lower": self.cond_1[0], "upper": self.cond_1[1]},
                "cond_2_float": self.cond_2_float if math.isfinite(self.cond_2_float) else str(self.cond_2_float),
                "notes": list(self.notes)}

    def text(self) -> str:
        lines = [f"{self.n} x {self.n} linear layer from {self.source}"]
        if not self.invertible:
            lines.append("NOT invertible: det W = 0 exactly (the library's inverse divides by zero or by rounding)")
        else:
            lines.append(f"invertible: det W != 0 exactly; sign {'+' if self.det_sign > 0 else '-'}, "
                         f"log|det W| = {self.log_abs_det:.6g}")
            lo, hi = self.cond_1 if self.cond_1 is not None else (math.nan, math.nan)
            lines.append(f"cond_1(W) = ||W||_1 ||W^-1||_1 in [{lo:.10g}, {hi:.10g}] (certified, ball arithmetic); "
                         f"cond_2 about {self.cond_2_float:.4g} (float64, measured)")
            if self.det_sign < 0:
                lines.append("det W < 0: coupling layers with positive scales cannot represent W; "
                             "decompose it with a sign layer (--sign-layer)")
        lines += list(self.notes)
        return "\n".join(lines)


# -- reading numbers exactly ------------------------------------------------------------------------
def _array(x: Any, what: str) -> np.ndarray:
    """``x`` (numpy array, torch tensor, JAX array, nested list) as a numpy array whose values are the
    stored ones exactly: half, bfloat16 and float32 are widened to float64, which is exact."""
    if hasattr(x, "detach"):  # torch
        x = x.detach().cpu()
        if x.is_floating_point():
            x = x.double()  # exact widening, also from bfloat16 (which numpy cannot hold)
        x = x.numpy()
    a = np.asarray(x)
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        a = a.astype(np.float64)  # exact
    if a.dtype.kind not in "fiub":
        raise WeightError(f"{what}: entries of type {a.dtype} are not numbers")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise WeightError(f"{what}: contains NaN or inf")
    return a


def _square(a: np.ndarray, what: str) -> np.ndarray:
    if a.ndim == 4 and a.shape[2:] == (1, 1):  # a 1x1 convolution kernel (out, in, 1, 1)
        a = a[:, :, 0, 0]
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise WeightError(f"{what}: shape {tuple(a.shape)} is not a square matrix (or a 1x1 convolution kernel)")
    return a


def _fractions(a: np.ndarray) -> list[list[Fraction]]:
    return [[to_fraction(x) for x in row] for row in a.tolist()]


def _exact_product(*factors: list[list[Fraction]]) -> list[list[Fraction]]:
    """The product of the factors in rationals (python-flint through sympy's DomainMatrix)."""
    from ..algebra.arith import Exact

    ar = Exact()
    out = ar.from_fractions(factors[0])
    for F in factors[1:]:
        out = out @ ar.from_fractions(F)
    return [[ar.to_fraction(x) for x in r] for r in out.rows()]


def _factor_det(*factors: list[list[Fraction]]) -> Optional[Fraction]:
    """``det`` of the factors' product when every factor IS triangular or a permutation matrix (checked
    entry by entry, never assumed from the library's parametrisation): the diagonals' product, times the
    permutation's sign. ``None`` otherwise, and :func:`certify_linear` computes the determinant exactly."""
    det = Fraction(1)
    for F in factors:
        n = len(F)
        lower = all(F[i][j] == 0 for i in range(n) for j in range(i + 1, n))
        upper = all(F[i][j] == 0 for i in range(n) for j in range(i))
        if lower or upper:
            for i in range(n):
                det *= F[i][i]
            continue
        perm = [next((j for j, x in enumerate(r) if x != 0), -1) for r in F]
        if sorted(perm) != list(range(n)) or any(x not in (0, 1) for r in F for x in r) \
                or any(sum(1 for x in r if x != 0) != 1 for r in F):
            return None
        seen = [False] * n
        for i in range(n):  # the sign: (-1)^(n - number of cycles)
            j, length = i, 0
            while not seen[j]:
                seen[j], j, length = True, perm[j], length + 1
            if length and length % 2 == 0:
                det = -det
    return det


# -- the layers ---------------------------------------------------------------------------------------
def linear_from(obj: Any, *, what: Optional[str] = None) -> ImportedLinear:
    """The exact matrix of an invertible linear layer or of a plain weight (module docstring).

    Accepted: a square array or tensor (or a 1x1 convolution kernel ``(c, c, 1, 1)``); zuko's
    ``LULinearTransform``; nflows' ``LULinear``; normflows' ``Invertible1x1Conv`` (either
    parametrisation); flowjax's ``TriangularAffine``, ``Householder`` and a ``Chain`` of such. Raises
    :class:`WeightError` (a ``ValueError``) for anything else."""
    cls = type(obj).__name__
    label = what or cls
    if hasattr(obj, "_create_lower_upper"):  # nflows LULinear: W = L U, L unit lower, U with its softplus diagonal
        lower, upper = (_array(t, label) for t in obj._create_lower_upper())
        Lq, Uq = _fractions(lower), _fractions(upper)
        return ImportedLinear(_exact_product(Lq, Uq), f"nflows {cls}", _factor_det(Lq, Uq))
    if cls == "Invertible1x1Conv" and hasattr(obj, "use_lu"):  # normflows
        if obj.use_lu:
            import torch

            with torch.no_grad():
                L = _array(torch.tril(obj.L, diagonal=-1) + obj.eye, label)
                U = _array(torch.triu(obj.U, diagonal=1) + torch.diag(obj.sign_S * torch.exp(obj.log_S)), label)
                P = _array(obj.P, label)
            Lq, Uq, Pq = _fractions(L), _fractions(U), _fractions(P)
            return ImportedLinear(_exact_product(Pq, Lq, Uq), f"normflows {cls} (LU, W = P L U)",
                                  _factor_det(Pq, Lq, Uq),
                                  ("the diagonal of U is normflows' own float exp(log_S), taken as computed",))
        return ImportedLinear(_fractions(_square(_array(obj.W, label), label)), f"normflows {cls} (W)")
    if cls == "LULinearTransform" and hasattr(obj, "L") and hasattr(obj, "U"):  # zuko: f(x) = L U x
        Lq, Uq = _fractions(_square(_array(obj.L, label), label)), _fractions(_square(_array(obj.U, label), label))
        return ImportedLinear(_exact_product(Lq, Uq), f"zuko {cls}", _factor_det(Lq, Uq))
    if type(obj).__module__.startswith("flowjax"):
        return _flowjax_linear(obj, label)
    return ImportedLinear(_fractions(_square(_array(obj, label), label)), what or "an array")


def _flowjax_linear(obj: Any, label: str) -> ImportedLinear:
    import paramax

    bij = paramax.unwrap(obj)
    cls = type(bij).__name__
    if cls == "Chain":
        parts = [_flowjax_linear(b, label) for b in bij.bijections]
        dets = [p.det for p in parts]
        det = math.prod(dets, start=Fraction(1)) if all(x is not None for x in dets) else None
        rows = _exact_product(*[p.rows for p in reversed(parts)])  # y = W_n ... W_1 x
        return ImportedLinear(rows, f"flowjax Chain of {len(parts)} ({', '.join(p.source.split()[-1] for p in parts)})",
                              det)
    if cls == "TriangularAffine":
        T = _fractions(_square(_array(bij.triangular, label), label))
        return ImportedLinear(T, "flowjax TriangularAffine", _factor_det(T),
                              ("its diagonal is flowjax's own softplus, taken as computed",))
    if cls == "Householder":  # y = x - 2 u (u^T x), u = flowjax's own normalisation of its parameter
        u = [to_fraction(x) for x in _array(bij.unit_vec, label).tolist()]
        uu = sum((x * x for x in u), Fraction(0))
        n = len(u)
        rows = [[Fraction(int(i == j)) - 2 * u[i] * u[j] for j in range(n)] for i in range(n)]
        return ImportedLinear(rows, "flowjax Householder", 1 - 2 * uu,  # the matrix determinant lemma
                              ("u is flowjax's float normalisation, so det W = 1 - 2 u^T u is -1 only to rounding",))
    raise WeightError(f"{label}: flowjax {cls} is not a linear layer this reads (TriangularAffine, Householder, "
                      "Chain)")


# -- files --------------------------------------------------------------------------------------------
def _lookup(tree: Any, key: Optional[str], what: str) -> Any:
    """``tree[key]`` for a flat key, or along a dotted path through nested dicts / lists."""
    if key is None:
        if isinstance(tree, dict):
            if len(tree) != 1:
                shown = ", ".join(sorted(map(str, tree))[:8])
                raise WeightError(f"{what} holds {len(tree)} entries ({shown}{', ...' if len(tree) > 8 else ''}); "
                                  "name one with --key")
            return next(iter(tree.values()))
        return tree
    if isinstance(tree, dict) and key in tree:
        return tree[key]
    node = tree
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise WeightError(f"{what}: no entry {key!r}")
    return node


def load_linear(path: "str | Path", key: Optional[str] = None) -> ImportedLinear:
    """The weight ``key`` of a ``.npy`` / ``.npz`` / ``.pt`` / ``.pth`` / ``.safetensors`` file, exactly
    (:func:`linear_from`). A ``.pt`` file is read with ``torch.load(weights_only=True)`` (no code from
    the file runs); a state dict's keys are dotted paths such as ``flow.transforms.3.weight``."""
    p = Path(path)
    suffix = p.suffix.lower()
    shown = str(path)[:80]
    if suffix not in WEIGHT_FORMATS:
        raise WeightError(f"{shown}: unknown weight format {suffix or '(no extension)'!r}; "
                          f"one of {', '.join(WEIGHT_FORMATS)}")
    if not p.is_file():
        raise WeightError(f"{shown}: no such file")
    try:
        if suffix == ".npy":
            tree: Any = np.load(p, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                tree = {k: z[k] for k in z.files}
        elif suffix == ".safetensors":
            from ..extras import require

            tree = require("safetensors.numpy", "weights", "reading .safetensors").load_file(str(p))
        else:
            from ..extras import require

            torch = require("torch", "zuko", "reading .pt files")
            tree = torch.load(p, map_location="cpu", weights_only=True)
    except (WeightError, MissingDependencyError):
        raise
    except Exception as e:  # a corrupt or foreign file: one line, not a traceback
        raise WeightError(f"{shown}: cannot read it as {suffix} ({type(e).__name__}: {str(e)[:120]})") from None
    what = f"{p.name}" + (f" [{key}]" if key else "")
    return linear_from(_lookup(tree, key, shown), what=f"{what}")


# -- the certificate ------------------------------------------------------------------------------------
def certify_linear(lin: ImportedLinear, *, prec: int = 128) -> LinearCertificate:
    r"""Invertibility and the determinant's sign, exactly; ``\|W\|_1 \|W^{-1}\|_1`` enclosed.

    The determinant is the factors' diagonal product when ``W`` came factored, else python-flint's
    exact rational determinant. The enclosure inverts ``W`` in ball arithmetic at ``prec`` bits, doubling
    the precision (up to 4096) until the inverse is proved to exist."""
    from ..algebra.arith import Exact

    rows = lin.rows
    n = len(rows)
    ar = Exact()
    det = lin.det if lin.det is not None else ar.to_fraction(ar.from_fractions(rows).det())
    a = np.array([[float(x) for x in r] for r in rows])
    with np.errstate(all="ignore"):
        cond2 = float(np.linalg.cond(a)) if det != 0 else math.inf
    if det == 0:
        return LinearCertificate(n, lin.source, False, 0, -math.inf, None, cond2, lin.notes)
    log_abs = math.log(abs(det.numerator)) - math.log(det.denominator)
    norm_w = max(sum(abs(rows[i][j]) for i in range(n)) for j in range(n))
    import flint

    inv = None
    while inv is None:
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            W = flint.arb_mat([[flint.arb(x.numerator) / x.denominator for x in r] for r in rows])
            inv = W.inv()
            cols_hi = [sum((inv[i, j].abs_upper() for i in range(n)), flint.arb(0)) for j in range(n)]
            cols_lo = [sum((inv[i, j].abs_lower() for i in range(n)), flint.arb(0)) for j in range(n)]
            nw = flint.arb(norm_w.numerator) / norm_w.denominator
            hi = max((c * nw).upper() for c in cols_hi)
            lo = max((c * nw).lower() for c in cols_lo)
            bounds = (float(lo.mid()), float(hi.mid()))  # lo/upper are exact dyadic points: rounding is
            bounds = (math.nextafter(bounds[0], 0.0), math.nextafter(bounds[1], math.inf))  # outward, one ulp
        except ZeroDivisionError:
            inv = None
            if prec >= 4096:
                raise WeightError(f"{lin.source}: det W != 0, but ball arithmetic at 4096 bits cannot invert it "
                                  "(condition number beyond 2^4000)") from None
            prec *= 2
        finally:
            flint.ctx.prec = old
    return LinearCertificate(n, lin.source, True, 1 if det > 0 else -1, log_abs, bounds, cond2, lin.notes)


def as_matrix_input(lin: ImportedLinear) -> Any:
    """``W`` as the package's validated input (binary floats, exactly): for :func:`verify.decompose` and
    :func:`verify.minimal_depth`; refuses an odd size there (coupling layers split ``2d`` coordinates)."""
    from ..io.matrix import MatrixInput, as_fraction_rows

    if lin.n % 2:
        raise MatrixShapeError(f"{lin.source}: {lin.n} x {lin.n} has odd size; coupling layers need 2d x 2d")
    return MatrixInput(rows=as_fraction_rows(lin.rows), source="import", binary_float=True)
