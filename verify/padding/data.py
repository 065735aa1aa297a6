"""Data sets for the padding experiments: two moons, concentric circles (generated here) and the
8x8 sklearn digits (a real data set bundled with scikit-learn, an optional extra)."""
from __future__ import annotations

import numpy as np

from ..errors import InputError

DATASETS = ("moons", "circles", "digits")


class PaddingInputError(InputError):
    """An unknown data set or padding kind, or a data set whose optional dependency is missing."""


def two_moons(N: int, rng: np.random.Generator, noise: float = 0.05) -> np.ndarray:
    """Two interleaved half circles (as sklearn's ``make_moons``), with Gaussian noise."""
    t = np.pi * rng.random(N)
    upper = rng.random(N) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.column_stack([x, y]) + noise * rng.standard_normal((N, 2))


def circles(N: int, rng: np.random.Generator, noise: float = 0.05, factor: float = 0.5) -> np.ndarray:
    """Two concentric circles of radii 1 and ``factor`` (as sklearn's ``make_circles``), with noise."""
    t = 2 * np.pi * rng.random(N)
    r = np.where(rng.random(N) < 0.5, 1.0, factor)
    return np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.standard_normal((N, 2))


def digits(rng: np.random.Generator) -> np.ndarray:
    """The 1797 sklearn digits as vectors in ``[0, 1]^{64}``, dequantised (pixel ``v`` in 0..16 becomes
    ``(v + U(0,1)) / 17``), shuffled by ``rng``."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise PaddingInputError("the digits data set needs scikit-learn (pip install scikit-learn)") from None
    x = load_digits().data
    return rng.permutation((x + rng.random(x.shape)) / 17.0)


def dataset(name: str, N: int, rng: np.random.Generator) -> np.ndarray:
    """``N`` points of a named data set (digits: all 1797, ``N`` ignored)."""
    make = {"moons": lambda: two_moons(N, rng), "circles": lambda: circles(N, rng), "digits": lambda: digits(rng)}
    if name not in make:
        raise PaddingInputError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    return make[name]()


#: the data sets that come with their own size (``N`` is ignored)
FIXED_SIZE = frozenset({"digits"})
