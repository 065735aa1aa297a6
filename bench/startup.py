"""Start-up of the ``verify`` command (issue 22, item 1): each command's wall time as a ratio to
``python -c "import numpy"`` measured in the same run (best of ``--repeat``), so the table means the
same on a fast and a slow machine. Never run as a test.

    python bench/startup.py [--repeat 5]

Targets: ``--version`` and ``--help`` <= 1.5x, ``decompose 4x4.json`` <= 3x, ``check`` of it <= 3x.
The floor of ``decompose`` in exact mode is sympy's import (DomainMatrix over QQ): about 0.6 s here.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T4 = [[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]]


def best(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    verify = [sys.executable, "-c", "import sys; from verify.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory() as tmp:
        T = Path(tmp) / "T.json"
        T.write_text(json.dumps(T4))
        dec = Path(tmp) / "dec.json"
        dec.write_text(subprocess.run(verify + ["decompose", str(T), "--json"], capture_output=True, text=True).stdout)
        rows = [("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], None),
                ("verify --version", verify + ["--version"], 1.5), ("verify --help", verify + ["--help"], 1.5),
                ("verify decompose 4x4.json", verify + ["decompose", str(T)], 3.0),
                ("verify check 4x4.json dec.json", verify + ["check", str(T), str(dec)], 3.0),
                ("verify decompose 4x4.json --float", verify + ["decompose", str(T), "--float"], None),
                ("verify depth 4x4.json", verify + ["depth", str(T)], None)]
        base = best(rows[0][1], args.repeat)
        print(f"start-up, best of {args.repeat}; ratio = time / (python -c 'import numpy') = {base:.3f} s")
        print(f"{'command':<36} {'seconds':>8} {'ratio':>6}  target")
        for name, cmd, target in rows:
            t = base if cmd is rows[0][1] else best(cmd, args.repeat)
            mark = "" if target is None else f"<= {target:.1f}x {'met' if t / base <= target else 'NOT met'}"
            print(f"{name:<36} {t:8.3f} {t / base:6.2f}  {mark}")


if __name__ == "__main__":
    main()
