"""The ``verify`` command line, one module per family of commands.

    verify decompose PATH [--exact | --mp DIGITS | --float] [--method minimal|stable] [--json | --latex] [--sign-layer]
    verify check MATRIX_PATH DECOMPOSITION.json [--tol TOL] [--regime positive|signed]
    verify depth PATH [--regime positive|signed] [--max-k K] [--starts N] [--seed S] [--digits P] [--lp-degree D]
    [--json]
    verify survey --d D [D ...] [--ensemble E] [--samples N] [--regime R] [--seed S] [--jobs N] [--dask ADDR]
                  [--resume F.jsonl] [--json] [--plot F.png]
    verify counterexample --d D [--regime positive|signed] [--family F] [--json]
    verify check-certificate FILE.json [--regime positive|signed] [--no-k3] [--perturb N] [--seed S]
    verify search --d D --family NAME --samples N [--regime R] [--seed S] [--starts K] [--resume F.jsonl] [--json]
    verify theorem1 [--target NAME | HIST.npy] [--h H ...] [--eps E ...] [--samples N] [--seeds S] [--json] [--plot
    F.png]
    verify theorem4 [--d D] [--k K] [--depths L ...] [--gamma G] [--samples N] [--seeds S] [--json] [--plot F.png]
    verify padding [--data moons|circles|digits] [--kinds K ...] [--seeds S] [--json] [--plot F.png]
    verify kl [--d D | --sigma SIGMA.npy] [--pairs K ...] [--methods M ...] [--samples N] [--seeds S] [--json]
    verify import WEIGHT [--key KEY] [--decompose [--exact] [--sign-layer] [-o FILE] | --depth] [--json]
    verify demo

``--signed`` (and ``--positive``) remain aliases of ``--regime``. Exit codes: 0 success; 1 a check
failed (or a float/mp result missed its tolerance); 2 bad input or a missing optional dependency
(one line on stderr, never a traceback); 3 an internal error (a bug: one line asking for a report).
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from ..errors import ConstructionError, InputError, MissingDependencyError
from ..threads import size_blas_threads
from . import construct, depth, measured, weights
from .common import EXIT_BUG, EXIT_INPUT, EXIT_MISMATCH, EXIT_OK, Parser, err, examples

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_MISMATCH", "EXIT_INPUT", "EXIT_BUG"]


def build_parser() -> argparse.ArgumentParser:
    """The ``verify`` parser; each sub-command's ``func`` runs it (``args.func(args)``)."""
    from .. import __version__

    p = Parser(prog="verify", description="Linear affine coupling layers (Koehler, Mehta and Risteski, "
                                          "'Representational aspects of depth and conditioning in normalizing "
                                          "flows'): decompositions (Theorem 2), minimal depth and certificates "
                                          "(Theorem 3), and measured checks of Theorems 1 and 4.",
               epilog=examples("verify demo", "verify decompose T.mtx --json > dec.json", "verify check T.mtx dec.json",
                               "verify depth T.mtx", "verify counterexample --d 4 --json > ce.json",
                               "verify check-certificate ce.json") +
               "\n\nexit codes: 0 success; 1 a check failed (or a float/mp result missed its tolerance); "
               "2 bad input (one line on stderr); 3 an internal error (a bug)")
    p.add_argument("--version", action="version", version=f"verify {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    construct.register(sub)
    depth.register(sub)
    measured.register(sub)
    weights.register(sub)
    return p


#: the old private name, kept for callers that built the parser through it
_parser = build_parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    args = build_parser().parse_args(argv)
    size_blas_threads()  # the cores actually free, unless the caller chose (verify/threads.py)
    try:
        return args.func(args)
    except (InputError, MissingDependencyError) as e:
        return err(e.render("cli") if hasattr(e, "render") else str(e))
    except ConstructionError as e:  # no nondegenerate choice of the free parameters (float at large d)
        return err(str(e), EXIT_MISMATCH)
    except MemoryError:
        return err("out of memory: the sizes asked for do not fit in this machine's memory; use smaller ones")
    except KeyboardInterrupt:
        return err("interrupted", 130)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 -- a bug: one line, exit 3, never "a check failed"
        where = e.__traceback__
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        at = f" at {where.tb_frame.f_code.co_filename.rsplit('/', 2)[-1]}:{where.tb_lineno}" if where else ""
        return err(f"internal error (a bug in verify, please report it with the command): {type(e).__name__}: "
                   f"{' '.join(str(e).split())[:200]}{at}", EXIT_BUG)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
