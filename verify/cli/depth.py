"""The depth commands (Theorem 3): ``verify depth``, ``survey``, ``search``, ``counterexample`` and
``check-certificate``."""
from __future__ import annotations

import argparse
import json
import sys

from .common import (
    EXIT_MISMATCH,
    EXIT_OK,
    command_bar,
    cost_args,
    digits_type,
    emit,
    err,
    exact_cost_check,
    examples,
    plot_dir_missing,
    progress,
    regime_option,
    seed_type,
)


def register(sub: argparse._SubParsersAction) -> None:
    dp = sub.add_parser("depth", help="the fewest pairs for this T, with evidence per k",
                        epilog=examples("verify depth T.mtx", "verify depth T.json --signed --json > depth.json"))
    dp.add_argument("path", help="matrix file (.npy .csv .txt .mtx .json) or - for JSON on stdin")
    regime_option(dp)
    dp.add_argument("--max-k", type=int, default=3, choices=[1, 2, 3],
                    help="largest k to try (k = 3 always works when det T != 0: Theorem 2)")
    dp.add_argument("--starts", type=int, default=20, help="multistart count for the k = 2 search")
    dp.add_argument("--seed", type=seed_type, default=0, help="seed of the k = 2 search's starting points")
    dp.add_argument("--digits", type=digits_type, default=50, help="digits for polishing and certification")
    dp.add_argument("--lp-degree", type=int, default=6,
                    help="largest degree of the LP certificates that k = 2 is impossible (0: none)")
    dp.add_argument("--lp-seconds", type=float, default=30.0, help="time budget of the LP certificates")
    dp.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    cost_args(dp)
    dp.set_defaults(func=run_depth)

    sv = sub.add_parser("survey", help="fraction of random matrices needing k = 1, 2, 3 pairs",
                        epilog=examples("verify survey --d 1 2 --samples 20", "verify survey --d 2 --plot survey.png"))
    sv.add_argument("--d", type=int, nargs="+", required=True, help="block sizes d (T is 2d x 2d)")
    sv.add_argument("--ensemble", default="gaussian",
                    choices=["gaussian", "uniform", "orthogonal", "permutation", "wishart"], help="the random matrices")
    sv.add_argument("--samples", type=int, default=50, help="matrices per d")
    regime_option(sv)
    sv.add_argument("--seed", type=seed_type, default=0, help="seed of the ensemble")
    sv.add_argument("--json", action="store_true", help="JSON on stdout")
    sv.add_argument("--plot", metavar="FILE.png", help="a matplotlib bar chart")
    sv.add_argument("--jobs", type=int, default=1, help="worker processes (joblib); the result is the same")
    sv.add_argument("--dask", metavar="ADDRESS", help="run the samples on this Dask scheduler (tcp://host:port; "
                                                     "needs the dask extra); the result is the same")
    sv.add_argument("--resume", metavar="FILE.jsonl", help="write each finished sample to this JSON-lines file; "
                                                            "run again with it to skip the samples already there")
    sv.set_defaults(func=run_survey)

    ce = sub.add_parser("counterexample", help="a T that k <= 2 pairs cannot represent, with a certificate (Theorem 3)",
                        epilog=examples("verify counterexample --d 4", "verify counterexample --d 3 --signed --json"))
    ce.add_argument("--d", type=int, required=True, help="block size d >= 2 (T is 2d x 2d)")
    regime_option(ce, " (the paper's wording of Theorem 3); a positive certificate holds on an open ball")
    ce.add_argument("--family", default="trace", choices=["trace", "zero-block"],
                    help="trace: the trace obstruction; zero-block: T11 = 0 with a pattern/sign/cycle witness")
    ce.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    cost_args(ce)
    ce.set_defaults(func=run_counterexample)

    cc = sub.add_parser(
        "check-certificate",
        help="re-derive a counterexample's certificate from T alone",
        description="Re-derives the certificate from T with exact rationals and checks the k = 3 "
        "decomposition it carries; decides by the terms given here (--regime, --no-k3). "
        "The file's regime and values are claims, compared and reported.",
        epilog=examples("verify check-certificate ce.json", "verify check-certificate ce.json --perturb 20"),
    )
    cc.add_argument("path", help="the JSON written by 'verify counterexample --json'")
    regime_option(cc, ": the regime in which k <= 2 must be impossible (a signed certificate proves both)")
    cc.add_argument("--no-k3", dest="require_k3", action="store_false",
                    help="accept a certificate without its k = 3 decomposition")
    cc.add_argument("--perturb", type=int, default=0, metavar="N",
                    help="also check N random perturbations of T inside the reported radius")
    cc.add_argument("--seed", type=seed_type, default=0, help="seed of the perturbations")
    cc.add_argument("--yes", action="store_true",
                    help="check a minors certificate however many determinants it needs (bounded by default)")
    cc.set_defaults(func=run_check_certificate)

    se = sub.add_parser("search", help="search a family for T that the k <= 2 solver cannot represent",
                        epilog=examples("verify search --d 2 --family trace-cone --samples 10"))
    se.add_argument("--d", type=int, required=True, help="block size d (T is 2d x 2d)")
    se.add_argument("--family", required=True, choices=["gaussian", "orthogonal", "permutation", "wishart",
                                                        "rotation", "block-zero", "sign", "trace-cone"],
                    help="where the matrices come from")
    se.add_argument("--samples", type=int, default=20, help="matrices to try")
    regime_option(se)
    se.add_argument("--seed", type=seed_type, default=0, help="seed of the family")
    se.add_argument("--starts", type=int, default=8, help="multistart count of the k = 2 solver")
    se.add_argument("--resume", metavar="FILE.jsonl", help="write each finished sample to this JSON-lines file; "
                    "rerun with the same file to skip the samples already there")
    se.add_argument("--json", action="store_true", help="JSON on stdout")
    se.set_defaults(func=run_search)



def run_depth(args: argparse.Namespace) -> int:
    from ..depth import depth, depth_to_json, depth_to_text
    from ..io import read_matrix

    if args.starts < 1 or args.lp_degree < 0 or not args.lp_seconds >= 0:
        return err("--starts must be >= 1, --lp-degree and --lp-seconds >= 0")
    T = read_matrix(args.path)
    refusal, _ = exact_cost_check(T, args, "its k = 3 evidence is the exact Theorem 2 construction; "
                                            "'verify decompose --float' gives a certified float decomposition")
    if refusal:
        return refusal
    quiet = not sys.stderr.isatty()
    with progress(args.starts, "k = 2 search", "start", quiet) as bar:
        result = depth(T, regime=args.regime, max_k=args.max_k,
                       starts=args.starts, seed=args.seed, digits=args.digits, progress=bar,
                       lp_degree=args.lp_degree, lp_seconds=args.lp_seconds)
    print(json.dumps(depth_to_json(result)) if args.json else depth_to_text(result))
    return EXIT_OK


def run_survey(args: argparse.Namespace) -> int:
    from ..depth.survey import survey, survey_json, survey_plot, survey_table

    if args.samples < 1 or args.jobs < 1 or any(d < 1 for d in args.d):
        return err("--samples, --jobs and every --d must be >= 1")
    if plot_dir_missing(args):
        return err(f"--plot: no such directory for {args.plot}")
    regime = args.regime
    with command_bar(args, len(args.d) * args.samples, "survey", "T") as bar:
        rows = survey(args.d, args.ensemble, args.samples, regime=regime, seed=args.seed, progress=bar,
                      jobs=args.jobs, dask=args.dask, resume=args.resume)
    return emit(args, survey_json(rows, args.ensemble, regime, args.seed), survey_table(rows, args.ensemble, regime),
                 lambda path: survey_plot(rows, args.ensemble, regime, path))


def run_counterexample(args: argparse.Namespace) -> int:
    from ..theorem3.counterexample import counterexample, counterexample_cost, to_json, to_text

    est = counterexample_cost(args.d)
    if not args.yes and (est.seconds > 60 or (args.json and est.bytes > args.max_bytes)):
        return err(f"a d = {args.d} counterexample (its exact k = 3 layers) would take {est.describe()}; "
                    "a smaller --d shows the same theorem, or pass --yes (and --max-bytes) to go ahead")
    ce = counterexample(args.d, args.regime, args.family)
    print(json.dumps(to_json(ce)) if args.json else to_text(ce))
    return EXIT_OK


def run_check_certificate(args: argparse.Namespace) -> int:
    import numpy as np

    from ..checkers import check_certificate
    from ..checkers.certificate import MAX_MINORS
    from ..io import as_fraction_rows, read_json, to_fraction

    if args.perturb < 0:
        return err("--perturb must be >= 0")
    data = read_json(args.path)
    if args.perturb and data.get("radius") is None:  # said before any verdict is printed
        return err("--perturb needs a certificate with a radius (positive regime, trace family)")
    result = check_certificate(data, regime=args.regime, require_k3=args.require_k3,
                               max_minors=None if args.yes else MAX_MINORS)
    print(("OK: " if result.ok else "FAILED: ") + result.message)
    for claim in result.claims:
        print(f"  claim: {claim}")
    if not result.ok or args.perturb == 0:
        return EXIT_OK if result.ok else EXIT_MISMATCH
    from ..theorem3.counterexample import perturbation

    rng = np.random.default_rng(args.seed)
    T, radius = as_fraction_rows(data["T"]), to_fraction(data["radius"])
    cert = {"type": data["certificate"]["type"]}
    held = sum(check_certificate({"regime": data["regime"], "T": perturbation(T, radius, rng), "certificate": cert},
                                 regime=args.regime, require_k3=False).ok for _ in range(args.perturb))
    print(f"{'OK' if held == args.perturb else 'FAILED'}: {held}/{args.perturb} random perturbations "
          f"T + E (|E_ij| < radius/2d, so ||E||_2 < {data['radius']}) re-derived and certified")
    return EXIT_OK if held == args.perturb else EXIT_MISMATCH


def run_search(args: argparse.Namespace) -> int:
    from ..depth.search import search, search_json, search_table

    if args.d < 1 or args.samples < 1 or args.starts < 1:
        return err("--d, --samples and --starts must be >= 1")
    quiet = not sys.stderr.isatty()
    with progress(args.samples, f"search {args.family} d={args.d}", "T", quiet) as bar:
        r = search(args.d, args.family, args.samples, regime=args.regime,
                   seed=args.seed, starts=args.starts, progress=bar, resume=args.resume)
    print(json.dumps(search_json(r)) if args.json else search_table(r))
    return EXIT_MISMATCH if r.contradictions else EXIT_OK

