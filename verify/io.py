"""Reading matrices from files: ``.npy``, ``.csv``/``.txt`` (comma or whitespace separated),
``.mtx`` (Matrix Market via :func:`scipy.io.mmread`), ``.json`` (nested lists of numbers or
strings such as ``"-3/7"``), and ``-`` for JSON on standard input.

Text formats keep every entry as written (so ``0.1`` is exactly ``1/10`` in exact mode);
``.npy`` and real ``.mtx`` entries are binary floats, taken exactly as stored.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MatrixFileError, MatrixShapeError

FORMATS = (".npy", ".csv", ".txt", ".mtx", ".json")


def read_matrix(path: str) -> Any:
    """The raw rows (or array) in ``path``; shape and entries are validated by the caller."""
    if path == "-":
        return _parse_json(sys.stdin.read(), "standard input")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise MatrixFileError(f"{path}: unknown format {suffix or '(no extension)'!r}; use one of {', '.join(FORMATS)}")
    if not p.is_file():
        raise MatrixFileError(f"{path}: no such file")
    try:
        if suffix == ".npy":
            arr = np.load(p, allow_pickle=False)
            if arr.dtype.kind not in "iuf":
                raise MatrixFileError(f"{path}: array of dtype {arr.dtype} is not numeric")
            if arr.ndim != 2:
                raise MatrixShapeError(f"{path}: expected a 2-D array, got {arr.ndim}-D")
            return arr
        if suffix == ".mtx":
            import scipy.io

            m = scipy.io.mmread(str(p))
            arr = m.toarray() if hasattr(m, "toarray") else np.asarray(m)
            if arr.dtype.kind == "c":
                raise MatrixFileError(f"{path}: complex Matrix Market files are not supported")
            return arr.tolist()
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise MatrixFileError(f"{path}: cannot read: {e}") from None
    except ValueError as e:  # numpy/scipy parse errors
        if isinstance(e, (MatrixFileError, MatrixShapeError)):
            raise
        raise MatrixFileError(f"{path}: cannot parse: {e}") from None
    if suffix == ".json":
        return _parse_json(text, path)
    return _parse_text(text)


def _parse_json(text: str, where: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise MatrixFileError(f"{where}: invalid JSON: {e.msg} (line {e.lineno})") from None
    if isinstance(data, dict) and "T" in data:  # accept {"T": [[...]]} as written by counterexamples
        data = data["T"]
    return data


def _parse_text(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        rows.append([t for t in re.split(r"[,\s;]+", line) if t])
    return rows
