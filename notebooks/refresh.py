"""Refresh the stored notebooks: rebuild each ``NAME.ipynb`` from its reviewed source ``NAME.py``
(jupytext percent format), execute it top to bottom in a fresh kernel, and store it with its
outputs, so a reader on a forge sees the plots and numbers without running anything.

    python notebooks/refresh.py            # every notebook
    python notebooks/refresh.py theorem3   # just these

The tests execute the notebooks again (nbmake) and check that each stored ``.ipynb`` holds the
code of its ``.py`` and was executed (tests/test_notebooks.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sources() -> list[Path]:
    """The notebook sources: every ``*.py`` here with a jupytext header (not this script)."""
    return sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name and "jupytext:" in p.read_text())


def refresh(source: Path, timeout: int = 1200) -> Path:
    """Execute ``source`` as a notebook and write ``source.with_suffix('.ipynb')`` with its outputs."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    nb = jupytext.read(source)
    nb.metadata.setdefault("kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"})
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    target = source.with_suffix(".ipynb")
    nbformat.write(nb, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    chosen = [HERE / f"{n}.py" for n in args.names] if args.names else sources()
    for src in chosen:
        if not src.is_file():
            print(f"refresh: no notebook source {src.name}", file=sys.stderr)
            return 2
        print(f"executing {src.name} ...", flush=True)
        print(f"  wrote {refresh(src).relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
