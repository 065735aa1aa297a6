"""Optional dependencies, loaded where a feature needs them: POT (exact optimal transport) and
matplotlib (plots) come with the ``experiments`` extra, the Dask client with ``dask``. A missing one
is a :class:`~verify.errors.MissingDependencyError` naming the extra, never a bare ImportError."""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependencyError


def require(module: str, extra: str, feature: str) -> ModuleType:
    """``importlib.import_module(module)``, or :class:`MissingDependencyError` naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(f"{feature} needs {module.split('.')[0]}, which is not installed: "
                                     f"pip install 'verify-flows[{extra}]'") from None


def pyplot() -> ModuleType:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (plots are written to files)."""
    matplotlib = require("matplotlib", "experiments", "plotting")
    matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")
