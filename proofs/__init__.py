"""The proofs' sympy checks, run as ``python -m proofs.NAME_check`` from the repository root;
:mod:`proofs.engine` is the rewriting engine they share."""
