"""Reading files: matrices (``.npy``, ``.csv``/``.txt`` comma or whitespace separated, ``.mtx``
Matrix Market via :func:`scipy.io.mmread`, ``.json`` nested lists of numbers or strings such as
``"-3/7"``, and ``-`` for JSON on standard input) and JSON objects (decompositions, certificates).

Text formats keep every entry as written (so ``0.1`` is exactly ``1/10`` in exact mode), and so
does Matrix Market: :func:`scipy.io.mminfo` reads and validates its header, and the body's numbers are
kept as the strings they are (an integer above ``2^63`` or a decimal ``0.1`` stays exact).
``.npy`` entries are binary floats or machine integers, taken exactly as stored (a ``(c, c, 1, 1)``
1x1 convolution kernel is read as its ``c x c`` matrix). A JSON number is
a decimal: it is kept as its text and read exactly (``1e400`` does not become ``inf``, nor
``1e-400`` zero).

Every failure to read -- a missing file, a path too long for the file system, bytes that are not
UTF-8, JSON nested too deeply to parse -- is an :class:`~verify.errors.InputError` with one line.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, JSONFileError, MatrixFileError, MatrixShapeError
from .entries import integer_from_digits
from .matrix import MatrixInput, as_matrix

FORMATS = (".npy", ".csv", ".txt", ".mtx", ".json")
#: the largest file (or standard input) read: a 2d = 2048 float decomposition's JSON is 351 MB
MAX_READ_BYTES = 2 * 10**9
#: the most entries a text-format matrix may declare (Matrix Market's header is checked before
#: anything is allocated): a 4096 x 4096 matrix; larger ones belong in a binary .npy
MAX_TEXT_ENTRIES = 4096 * 4096


def read_matrix(path: str) -> MatrixInput:
    """The validated matrix in ``path`` (``-``: JSON on standard input); raises
    :class:`~verify.errors.InputError` for a missing or unreadable file, an unknown format, or a
    matrix that is not a real ``2d x 2d`` one."""
    if path == "-":
        return as_matrix(_parse_json(_read_stdin(), "standard input", MatrixFileError), source="stdin")
    path = str(path)  # a pathlib.Path works too
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise MatrixFileError(f"{_short(path)}: unknown format {suffix[:20] or '(no extension)'!r}; "
                              f"use one of {', '.join(FORMATS)}")
    _regular_file(p, MatrixFileError)
    source = suffix[1:]
    try:
        if suffix == ".npy":
            arr = np.load(p, allow_pickle=False)
            if not isinstance(arr, np.ndarray):  # an .npz archive under an .npy name
                if hasattr(arr, "close"):
                    arr.close()
                raise MatrixFileError(f"{_short(path)}: an .npz archive, not one .npy array")
            if arr.dtype.kind not in "iuf":
                raise MatrixFileError(f"{_short(path)}: array of dtype {arr.dtype} is not numeric")
            if arr.ndim == 4 and arr.shape[2:] == (1, 1) and arr.shape[0] == arr.shape[1]:
                arr = arr[:, :, 0, 0]  # a 1x1 convolution kernel (c, c, 1, 1) is its c x c matrix
            if arr.ndim != 2:
                raise MatrixShapeError(f"{_short(path)}: expected a 2-D array (or a (c, c, 1, 1) 1x1 convolution "
                                       f"kernel), got shape {arr.shape}")
            return as_matrix(arr, source=source)
        if suffix == ".mtx":
            return as_matrix(_read_mtx(p), source=source)
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError) as e:  # EOFError: an empty or truncated .npy
        raise MatrixFileError(f"{_short(path)}: cannot read: {_why(e)}") from None
    except (ValueError, OverflowError) as e:  # numpy/scipy parse errors
        if isinstance(e, InputError):
            raise
        raise MatrixFileError(f"{_short(path)}: cannot parse: {_one_line(e)}") from None
    if suffix == ".json":
        return as_matrix(_parse_json(text, _short(path), MatrixFileError), source=source)
    return as_matrix(_parse_text(text), source=source)


def read_json(path: str) -> dict:
    """A JSON object from ``path`` (``-`` = stdin); :class:`~verify.errors.JSONFileError` otherwise."""
    if path == "-":
        text = _read_stdin()
    else:
        path = str(path)
        _regular_file(Path(path), JSONFileError)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise JSONFileError(f"{_short(path)}: cannot read: {_why(e)}") from None
    data = _parse_json(text, _short(path), JSONFileError)
    if not isinstance(data, dict):
        raise JSONFileError(f"{_short(path)}: expected a JSON object")
    return data


def _read_stdin() -> str:
    try:
        text = sys.stdin.read(MAX_READ_BYTES + 1)
    except UnicodeDecodeError as e:
        raise MatrixFileError(f"standard input: cannot read: {_why(e)}") from None
    if len(text) > MAX_READ_BYTES:
        raise MatrixFileError(f"standard input: more than {MAX_READ_BYTES:.0e} characters; refused unread")
    return text


def _regular_file(p: Path, error: type) -> None:
    """Refuse, before reading a byte, what is not a regular file of at most :data:`MAX_READ_BYTES`
    (a link to ``/dev/urandom``, a FIFO or ``/dev/zero`` would hang or fill the memory)."""
    try:
        if not p.exists():
            raise error(f"{_short(str(p))}: no such file")
        if not p.is_file():
            raise error(f"{_short(str(p))}: not a regular file (a device, a FIFO or a directory); refused unread")
        size = p.stat().st_size
    except OSError as e:  # a name too long for the file system, a loop of links, ...
        raise error(f"{_short(str(p))}: cannot read: {_why(e)}") from None
    if size > MAX_READ_BYTES:
        raise error(f"{_short(str(p))}: {size} bytes, beyond the {MAX_READ_BYTES:.0e}-byte bound of the readers")


def _short(path: str) -> str:
    """A path for a one-line message: a 300-character name is cut in the middle, and control
    characters (a newline in a name) are shown escaped, so the message stays one line."""
    path = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(path))
    return path if len(path) <= 80 else path[:40] + "..." + path[-30:]


def _why(e: BaseException) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"not UTF-8 text (byte {e.start})"
    if isinstance(e, EOFError):
        return "the file ends early"
    return getattr(e, "strerror", None) or _one_line(e)


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 200 else text[:200] + "..."


def _json_decimal(s: str) -> str:
    """JSON numbers with a fraction or exponent are decimals, not binary floats: each is kept as
    its text and read exactly where it is used (``0.1`` is ``1/10``; ``1e400`` and ``1e-400`` are
    those numbers, not infinity and zero)."""
    return s


def _parse_json(text: str, where: str, error: type) -> Any:
    try:
        # a JSON integer is exact however long (python-flint parses the long ones)
        data = json.loads(text, parse_float=_json_decimal, parse_int=integer_from_digits)
    except json.JSONDecodeError as e:
        raise error(f"{where}: invalid JSON: {e.msg} (line {e.lineno})") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deeply to read") from None
    except ValueError as e:
        raise error(f"{where}: invalid JSON: {_one_line(e)}") from None
    if error is MatrixFileError and isinstance(data, dict) and "T" in data:  # {"T": [[...]]} as counterexamples write
        data = data["T"]
    return data


def _read_mtx(p: Path) -> list[list[str]]:
    """A Matrix Market file as rows of entry strings: :func:`scipy.io.mminfo` reads the header
    (``array`` or ``coordinate``; ``real``, ``integer`` or ``pattern``; ``general``, ``symmetric``
    or ``skew-symmetric``), the body is read as text so every entry stays exact."""
    import scipy.io

    rows, cols, entries, fmt, field, symmetry = scipy.io.mminfo(str(p))
    if field == "complex":
        raise MatrixFileError(f"{_short(str(p))}: complex Matrix Market files are not supported")
    if rows != cols:
        raise MatrixShapeError(f"the matrix is not square: {rows} x {cols}")
    if rows * cols > MAX_TEXT_ENTRIES:
        raise MatrixShapeError(f"{_short(str(p))}: a {rows} x {cols} Matrix Market matrix is beyond the text readers' "
                               f"bound of {MAX_TEXT_ENTRIES} entries; save it as .npy")
    lines = p.read_text(encoding="utf-8").splitlines()
    body = [ln.split() for ln in lines if ln.strip() and not ln.lstrip().startswith("%")][1:]  # after the size line
    M = [["0"] * cols for _ in range(rows)]
    if fmt == "array":
        values = [t for ln in body for t in ln]
        if symmetry == "general":
            cells = [(i, j) for j in range(cols) for i in range(rows)]
        else:  # the lower triangle by columns (without the zero diagonal when skew-symmetric)
            cells = [(i, j) for j in range(cols) for i in range(j + (symmetry == "skew-symmetric"), rows)]
        if len(values) != len(cells):
            raise MatrixFileError(f"{_short(str(p))}: expected {len(cells)} values, found {len(values)}")
        triples = [(i, j, v) for (i, j), v in zip(cells, values)]
    else:
        width = 2 if field == "pattern" else 3
        if len(body) != entries or any(len(ln) != width for ln in body):
            raise MatrixFileError(f"{_short(str(p))}: expected {entries} lines of {width} fields")
        try:
            triples = [(int(ln[0]) - 1, int(ln[1]) - 1, "1" if width == 2 else ln[2]) for ln in body]
        except ValueError:
            raise MatrixFileError(f"{_short(str(p))}: a coordinate is not an integer") from None
        if any(not (0 <= i < rows and 0 <= j < cols) for i, j, _ in triples):
            raise MatrixFileError(f"{_short(str(p))}: a coordinate is outside the {rows} x {cols} matrix")
    for i, j, v in triples:
        M[i][j] = v
        if symmetry in ("symmetric", "hermitian") and i != j:
            M[j][i] = v
        elif symmetry == "skew-symmetric" and i != j:
            M[j][i] = v[1:] if v.startswith("-") else "-" + v.lstrip("+")
    return M


def _parse_text(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        rows.append([t for t in re.split(r"[,\s;]+", line) if t])
    return rows
