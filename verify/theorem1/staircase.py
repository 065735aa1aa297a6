r"""Piecewise-constant functions ("staircases") as two-hidden-layer ReLU networks.

A staircase in the input coordinate ``u_i`` with ramps ``[a_j, a_j + w_j]`` and jumps
``\Delta_j \in \mathbb R^{out}`` is

.. math::  f(u) = v_{\text{last}} - \sum_j \frac{\Delta_j}{w_j}\,
           \mathrm{ReLU}\big(w_j - \mathrm{ReLU}(u_i - a_j)\big),
           \qquad v_{\text{last}} = v_0 + \sum_j \Delta_j .

Unit ``j`` of the second hidden layer is ``w_j`` left of its ramp, ``0`` right of it and linear on
it, so ``f`` is constant (a *plateau*) between ramps. In floating point the plateaus are evaluated
exactly up to the final sum: rounding is monotone and ``w_j`` is a float, so ``fl(u - a_j) \ge w_j``
whenever ``u - a_j \ge w_j``. That is why two hidden layers are used rather than the one-layer
difference of ReLUs, whose plateaus carry rounding errors of size ``u |u| \Delta / w``.

Several staircases (in different or the same input coordinates) are summed by concatenating units.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np


@dataclass(frozen=True)
class Staircase:
    """One staircase: input coordinate, ramp starts ``a`` and widths ``w`` (ascending, disjoint
    ramps), the plateau values ``v`` (``len(a) + 1`` rows of length ``out``)."""
    coord: int
    a: np.ndarray
    w: np.ndarray
    v: np.ndarray

    def __post_init__(self) -> None:
        if len(self.a) + 1 != len(self.v) or len(self.a) != len(self.w):
            raise ValueError("a staircase needs len(v) = len(a) + 1 = len(w) + 1")
        if np.any(self.w <= 0) or np.any(self.a[1:] < self.a[:-1] + self.w[:-1]):
            raise ValueError("ramps must have positive widths and be disjoint and ascending")


def staircase_params(stairs: list[Staircase], rows: list[list[int]], n_in: int, n_out: int) -> dict[str, np.ndarray]:
    r"""Parameters ``W0, b0, W1, b1, W2, b2`` of an MLP ``[n_in, H, H, n_out]`` computing
    ``\sum_s f_s``: staircase ``s`` reads input ``stairs[s].coord`` and adds column ``c`` of its values
    to output ``rows[s][c]``. Its units are ``unit_slices(stairs)[s]``."""
    H = sum(len(s.a) for s in stairs)
    W0, b0 = np.zeros((n_in, H)), np.zeros(H)
    W2, b2 = np.zeros((H, n_out)), np.zeros(n_out)
    for s, r, units in zip(stairs, rows, unit_slices(stairs)):
        W0[s.coord, units] = 1.0
        b0[units] = -s.a
        W2[units, r] = -np.diff(s.v, axis=0) / s.w[:, None]
        b2[r] += s.v[-1]
    b1 = np.concatenate([s.w for s in stairs]) if stairs else np.zeros(0)
    return {"W0": W0, "b0": b0, "W1": -np.eye(H), "b1": b1, "W2": W2, "b2": b2}


def unit_slices(stairs: list[Staircase]) -> list[slice]:
    """The hidden units of each staircase (one per ramp, in order)."""
    ends = np.cumsum([0] + [len(s.a) for s in stairs])
    return [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:])]


def exact_offsets(params: dict[str, np.ndarray], col: int, units: slice) -> list[Fraction]:
    r"""In real arithmetic with the stored float parameters: what the staircase on ``units`` adds to
    output ``col`` (beyond the bias ``b2[col]``) on each of its plateaus. On plateau ``k`` the ramps
    ``j < k`` are passed (second-layer unit ``= 0``) and the others not reached (unit ``= w_j``), so
    the offset is ``\sum_{j \ge k} W2[j, col] \, w_j``: a suffix sum."""
    slopes = [Fraction(float(x)) for x in params["W2"][units, col]]
    widths = [Fraction(float(x)) for x in params["b1"][units]]
    suffix = [Fraction(0)] * (len(slopes) + 1)
    for j in range(len(slopes) - 1, -1, -1):
        suffix[j] = suffix[j + 1] + slopes[j] * widths[j]
    return suffix
