"""Rigorous float64 error bounds on products of coupling layers (plain numpy arrays; used by the
construction's residual and by the independent checker)."""
from .normwise import fro_norm, normwise_interval, normwise_residual

__all__ = ["fro_norm", "normwise_interval", "normwise_residual"]
