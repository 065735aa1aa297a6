"""A JSON-lines journal of finished samples, so that an interrupted survey or search keeps its results.

The first line holds the run's settings (its *header*); each further line is one finished sample,
``{"index": i, "T": digest, ...}``, written and flushed as the sample finishes; ``digest`` is a hash
of the sample's exact entries, so a line is used only for the very matrix it was computed for. Opened again with the
same
header, the samples already written are returned and not recomputed; a file with another header
is refused (its samples answer another question), and a last line cut short by the stop is
dropped (that sample is done again).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from ..errors import InputError


class JournalError(InputError):
    """A journal file that belongs to another run."""


def open_journal(path: Any, header: dict[str, Any], what: str) -> tuple[dict[int, dict[str, Any]], IO[str]]:
    """The samples already in ``path`` (index -> the line's other fields) and the file, open for
    appending (created with ``header`` as its first line if it does not exist or is empty).
    ``what`` names the run in the error (``"survey"``, ``"search"``)."""
    done: dict[int, dict[str, Any]] = {}
    p = Path(path)
    if p.exists() and p.stat().st_size > 0:
        lines = p.read_text().splitlines()
        try:
            first = json.loads(lines[0])
        except ValueError:
            first = None
        if first != header:
            raise JournalError(f"{str(path)[:80]} holds another {what} (its first line is not this {what}'s "
                               "settings); choose another journal file")
        for line in lines[1:]:
            try:
                row = json.loads(line)
                done[int(row.pop("index"))] = row
            except (ValueError, TypeError, KeyError, AttributeError):
                break  # a line cut short when the run was stopped: it is done again
        return done, open(p, "a")
    f = open(p, "w")
    f.write(json.dumps(header) + "\n")
    f.flush()
    return done, f


def write(journal: IO[str], index: int, row: dict[str, Any]) -> None:
    """Append one finished sample and flush it to disk."""
    journal.write(json.dumps({"index": index, **row}) + "\n")
    journal.flush()


def digest(T: Any) -> str:
    """A SHA-256 of the exact entries of ``T`` (a float array or rows of exact numbers)."""
    import numpy as np

    if isinstance(T, np.ndarray):
        data = np.ascontiguousarray(T, dtype=np.float64).tobytes() + repr(T.shape).encode()
    else:
        data = repr([[str(x) for x in row] for row in T]).encode()
    return hashlib.sha256(data).hexdigest()[:32]


def recall(done: dict[int, dict[str, Any]], index: int, T: Any, keys: set[str]) -> dict[str, Any] | None:
    """The journal's line for sample ``index`` if it was computed for this ``T`` and has ``keys``."""
    row = done.get(index)
    if not isinstance(row, dict) or row.get("T") != digest(T) or not keys <= row.keys():
        return None
    return {k: row[k] for k in keys}
