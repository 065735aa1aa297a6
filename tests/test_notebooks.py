"""The stored notebooks are what a reader sees on a forge: each NAME.ipynb holds exactly the cells
of its reviewed source NAME.py and was executed (outputs stored, plots included). Refresh them with
``python notebooks/refresh.py``; the tests also execute every notebook again (nbmake)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _refresh_module():
    spec = importlib.util.spec_from_file_location("refresh", NOTEBOOKS / "refresh.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SOURCES = _refresh_module().sources()


def test_every_notebook_has_a_source():
    assert {p.stem for p in SOURCES} == {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert len(SOURCES) >= 4


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_stored_notebook_matches_its_source_and_was_executed(source):
    want = jupytext.read(source)
    have = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(have) == cells(want), f"{source.stem}.ipynb is stale: run python notebooks/refresh.py {source.stem}"
    code = [c for c in have.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code), "not executed"
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "executed out of order or partly"
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    for c in code:
        if "plt.show()" in c.source:
            assert any("image/png" in o.get("data", {}) for o in c.outputs), "a plot cell has no stored image"
