"""A small torch-free NumPy flow core (forward = generative, latent to data).

>>> import numpy as np
>>> from verify.flows import coupling_flow
>>> flow = coupling_flow(4, 4, 16, np.random.default_rng(0))
>>> flow.log_prob(flow.sample(3, np.random.default_rng(1))).shape
(3,)
"""
from .base import ComposedTransform, FlowInputError, StandardNormal, Transform
from .coupling import AffineCoupling
from .diagnostics import condition_number, jacobian, singular_values
from .flow import Flow, coupling_flow
from .linear import ActNorm, LinearL, LinearU, LULinear, Permutation
from .train import Adam, fit

__all__ = ["Transform", "ComposedTransform", "StandardNormal", "FlowInputError", "AffineCoupling", "LinearL",
           "LinearU", "Permutation", "LULinear", "ActNorm", "Flow", "coupling_flow", "Adam",
           "fit", "jacobian", "singular_values", "condition_number"]
