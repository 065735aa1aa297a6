"""Run every `verify ...` command that README.md shows, as written, and print the time of each. Never
run as a test.

    python bench/readme_commands.py [--timeout 600] [--only SUBSTRING]

A command is a README line indented by four spaces that starts with `verify `. Its comment (after
`  #`) and its optional parts in brackets (`[--json]`) are dropped; `a | b` alternatives keep the
first. The placeholder files (`my_matrix.mtx`, `decomposition.json`, `my_histogram.npy`, ...) are made
in a temporary directory first, from the bundled example; a `> ce.json` redirection runs as written,
so later lines can read it. Target (issue 22): every command under a minute on 2 cores, or the README
says how long it takes.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def commands(readme: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(readme.splitlines(), 1):
        if not line.startswith("    verify "):
            continue
        cmd = re.sub(r"\s*\[[^\]]*\]", "", line[4:])
        cmd = re.sub(r"\s+#\s.*$", "", cmd).strip()
        out.append((number, cmd))
    return out


def placeholders(where: Path) -> None:
    example = json.loads((ROOT / "verify" / "data" / "example.json").read_text())
    T = np.array(example if isinstance(example, list) else example["T"], dtype=float)
    (where / "my_matrix.json").write_text(json.dumps(T.astype(int).tolist()))
    n = T.shape[0]
    mtx = ["%%MatrixMarket matrix array real general", f"{n} {n}"] + [str(int(x)) for x in T.T.ravel()]
    (where / "my_matrix.mtx").write_text("\n".join(mtx) + "\n")
    rng = np.random.default_rng(0)
    np.save(where / "my_matrix.npy", rng.standard_normal((8, 8)) + 3 * np.eye(8))
    flip = T.astype(int).tolist()
    flip[0] = [-x for x in flip[0]]
    (where / "flip.json").write_text(json.dumps(flip))
    hist = rng.random((8, 8))
    np.save(where / "my_histogram.npy", hist / hist.sum())
    W = rng.standard_normal((12, 12)).astype(np.float32)  # a Glow-style 1x1 convolution kernel
    if np.linalg.det(W) < 0:
        W[[0, 1]] = W[[1, 0]]
    np.save(where / "conv.npy", W[:, :, None, None])
    try:  # a state dict for the `verify import model.pt` line (needs torch)
        import torch

        torch.save({"flow.transforms.3.weight": torch.from_numpy(W)}, where / "model.pt")
    except ImportError:
        pass
    dec = subprocess.run(["verify", "decompose", "my_matrix.mtx", "--json"], cwd=where, capture_output=True,
                         text=True, check=True).stdout
    for name in ("decomposition.json", "dec.json"):
        (where / name).write_text(dec)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    cmds = [(n, c) for n, c in commands((ROOT / "README.md").read_text()) if a.only in c]
    print(f"{'line':>5} {'seconds':>8} {'exit':>5}  command")
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        placeholders(where)
        for number, cmd in cmds:
            t0 = time.perf_counter()
            try:
                rc = subprocess.run(cmd, shell=True, cwd=where, capture_output=True, timeout=a.timeout).returncode
            except subprocess.TimeoutExpired:
                rc = "t/o"
            dt = time.perf_counter() - t0
            flag = "  (over a minute)" if dt > 60 else ""
            print(f"{number:>5} {dt:>8.1f} {rc!s:>5}  {cmd}{flag}", flush=True)


if __name__ == "__main__":
    main()
