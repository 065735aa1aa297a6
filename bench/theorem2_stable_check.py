"""Round trip through the CLI for the stable method: for each matrix, ``verify decompose M.npy --json``
(float64 and the stable method, chosen from the binary input) writes the layers, then
``verify check M.npy dec.json`` re-checks them independently; with ``--format npz`` the layers go to
``-o dec.npz`` instead (float64 arrays). Prints one table; never run as a test.

    python bench/theorem2_stable_check.py [--max-n 2048] [--skip-sklearn] [--format json|npz]

Columns: 2d; the matrix; decompose time; output size; check time; the checker's verdict and bound
(arb balls up to 2d = 256, the float64 normwise bound of verify.bounds beyond).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from theorem2_stable import matrices  # noqa: E402

VERIFY = shutil.which("verify") or "verify"


def run(args):
    t0 = time.perf_counter()
    r = subprocess.run([VERIFY] + args, capture_output=True, text=True)
    return r, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-n", type=int, default=2048)
    ap.add_argument("--skip-sklearn", action="store_true")
    ap.add_argument("--format", choices=("json", "npz"), default="json")
    args = ap.parse_args()
    cases = matrices(args.max_n, args.skip_sklearn, conds=(1e8,))
    print(f"   2d  matrix               decompose s   {args.format.upper():>4} MB   check s  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        for name, T in cases:
            path, out = os.path.join(tmp, "M.npy"), os.path.join(tmp, f"dec.{args.format}")
            np.save(path, T)
            t0 = time.perf_counter()
            if args.format == "npz":
                r = subprocess.run([VERIFY, "decompose", path, "-o", out, "--yes"], capture_output=True, text=True)
            else:
                with open(out, "w") as f:
                    r = subprocess.run([VERIFY, "decompose", path, "--json"], stdout=f, stderr=subprocess.PIPE,
                                       text=True)
            td = time.perf_counter() - t0
            if r.returncode != 0:
                print(f"{T.shape[0]:>5}  {name:<20} decompose failed: {r.stderr.strip()}")
                continue
            mb = os.path.getsize(out) / 1e6
            c, tc = run(["check", path, out])
            verdict = (c.stdout.strip() or c.stderr.strip()).splitlines()[-1] if (c.stdout or c.stderr) else ""
            print(
                f"{T.shape[0]:>5}  {name:<20} {td:11.2f}  {mb:8.1f}  {tc:8.2f}  exit {c.returncode}: {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    main()
