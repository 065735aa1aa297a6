r"""Theorem 4 at finite size: the hard mixture ``q`` (``k`` Gaussians with means on the sphere of
radius ``10\gamma^2 d``), the depth-O(1) ReLU generator that realises it, and coupling flows of
increasing depth trained on it by maximum likelihood (``proofs/theorem4.md`` says which statements
are checked and which are only illustrated)."""
from .generator import HardGenerator, Theorem4InputError, hard_generator, separation
from .measure import DepthRow, coupling_flow_on, depth_row, depth_table, modes_covered

__all__ = ["HardGenerator", "Theorem4InputError", "hard_generator", "separation", "DepthRow", "coupling_flow_on",
           "depth_row", "depth_table", "modes_covered"]
