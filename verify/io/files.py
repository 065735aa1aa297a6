"""Reading files: matrices (``.npy``, ``.csv``/``.txt`` comma or whitespace separated, ``.mtx``
Matrix Market via :func:`scipy.io.mmread`, ``.json`` nested lists of numbers or strings such as
``"-3/7"``, and ``-`` for JSON on standard input) and JSON objects (decompositions, certificates).

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

from ..errors import JSONFileError, MatrixFileError, MatrixShapeError
from .matrix import MatrixInput, as_matrix

FORMATS = (".npy", ".csv", ".txt", ".mtx", ".json")


def read_matrix(path: str) -> MatrixInput:
    """The validated matrix in ``path`` (``-``: JSON on standard input); raises
    :class:`~verify.errors.InputError` for a missing or unreadable file, an unknown format, or a
    matrix that is not a real ``2d x 2d`` one."""
    if path == "-":
        return as_matrix(_parse_json(sys.stdin.read(), "standard input"), source="stdin")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise MatrixFileError(f"{path}: unknown format {suffix or '(no extension)'!r}; use one of {', '.join(FORMATS)}")
    if not p.is_file():
        raise MatrixFileError(f"{path}: no such file")
    source = suffix[1:]
    try:
        if suffix == ".npy":
            arr = np.load(p, allow_pickle=False)
            if arr.dtype.kind not in "iuf":
                raise MatrixFileError(f"{path}: array of dtype {arr.dtype} is not numeric")
            if arr.ndim != 2:
                raise MatrixShapeError(f"{path}: expected a 2-D array, got {arr.ndim}-D")
            return as_matrix(arr, source=source)
        if suffix == ".mtx":
            import scipy.io

            m = scipy.io.mmread(str(p))
            arr = m.toarray() if hasattr(m, "toarray") else np.asarray(m)
            if arr.dtype.kind == "c":
                raise MatrixFileError(f"{path}: complex Matrix Market files are not supported")
            M = as_matrix(arr.tolist(), source=source)
            M.binary_float = False  # Matrix Market is text: its entries are written numbers, kept exact by default
            return M
        text = p.read_text()
    except (OSError, UnicodeDecodeError, EOFError) as e:  # EOFError: an empty or truncated .npy
        raise MatrixFileError(f"{path}: cannot read: {e or 'the file ends early'}") from None
    except ValueError as e:  # numpy/scipy parse errors
        if isinstance(e, (MatrixFileError, MatrixShapeError)):
            raise
        raise MatrixFileError(f"{path}: cannot parse: {e}") from None
    if suffix == ".json":
        return as_matrix(_parse_json(text, path), source=source)
    return as_matrix(_parse_text(text), source=source)


def read_json(path: str) -> dict:
    """A JSON object from ``path`` (``-`` = stdin); :class:`~verify.errors.JSONFileError` otherwise."""
    try:
        with (sys.stdin if path == "-" else open(path)) as f:
            data = json.load(f)
    except OSError as e:
        raise JSONFileError(f"{path}: cannot read: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise JSONFileError(f"{path}: invalid JSON: {e.msg} (line {e.lineno})") from None
    if not isinstance(data, dict):
        raise JSONFileError(f"{path}: expected a JSON object")
    return data


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
