"""Bundled example matrices (JSON), read with importlib.resources."""
