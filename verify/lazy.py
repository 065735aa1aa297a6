"""Lazy attributes for package ``__init__`` modules (PEP 562): a name is imported on first use, so
``import verify`` (and ``verify --version``) does not pay for sympy, scipy or python-flint.

>>> import sys, verify
>>> "sympy" in sys.modules or "verify.theorem2" in sys.modules   # doctest: +SKIP
False
"""
from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_attributes(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``names`` maps an attribute to ``".module"`` (the
    attribute is that attribute of the submodule) or ``".module:"`` (the submodule itself). The
    value is cached in the package namespace after the first lookup."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        target = names.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name, package)
        value = module if target.endswith(":") else getattr(module, attr or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
