"""The k <= 2 counterexample search over families and d (what the README and notebook quote).

    python bench/search.py [--samples N] [--d 2 3 4] [--families ...] [--signed] [--starts K]

Prints one row per (family, d): samples, k <= 2 found, candidates (solver found no k <= 2),
certified (an obstruction proves k = 3), uncertified (open), contradictions (must be 0), seconds.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.depth.search import FAMILIES, search  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=40)
    p.add_argument("--d", type=int, nargs="+", default=[2, 3, 4])
    p.add_argument("--families", nargs="+", default=list(FAMILIES))
    p.add_argument("--signed", action="store_true")
    p.add_argument("--starts", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    regime = "signed" if a.signed else "positive"
    print("| family | d | regime | samples | k<=2 found | candidates | certified | uncertified | contradictions | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for fam in a.families:
        for d in a.d:
            r = search(d, fam, a.samples, regime=regime, seed=a.seed, starts=a.starts)
            kinds: dict[str, int] = {}
            for c in r.candidates:
                if c.certificate is not None:
                    k = c.certificate["type"] + (
                        f"/{c.certificate['witness']['kind']}" if "witness" in c.certificate else ""
                    )
                    kinds[k] = kinds.get(k, 0) + 1
            print(f"| {fam} | {d} | {regime} | {r.samples} | {r.k_le_2_found} | {len(r.candidates)} | {r.certified} "
                  f"| {r.uncertified} | {len(r.contradictions)} | {r.seconds:.0f} |"
                  + (f" {', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))}" if kinds else ""), flush=True)


if __name__ == "__main__":
    main()
