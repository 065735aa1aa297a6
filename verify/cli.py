"""The ``verify`` command line.

    verify decompose PATH [--exact | --mp DIGITS | --float] [--method minimal|stable] [--json | --latex] [--sign-layer]
    verify check MATRIX_PATH DECOMPOSITION.json [--tol TOL] [--regime positive|signed]
    verify depth PATH [--signed] [--max-k K] [--starts N] [--seed S] [--digits P] [--lp-degree D] [--json]
    verify survey --d D [D ...] [--ensemble E] [--samples N] [--signed] [--seed S] [--jobs N] [--dask ADDR] [--resume F.jsonl] [--json] [--plot F.png]
    verify counterexample --d D [--positive | --signed] [--family F] [--json]
    verify check-certificate FILE.json [--regime positive|signed] [--no-k3] [--perturb N] [--seed S]
    verify search --d D --family NAME --samples N [--signed] [--seed S] [--starts K] [--resume F.jsonl] [--json]
    verify theorem1 [--target NAME | HIST.npy] [--h H ...] [--eps E ...] [--samples N] [--seeds S] [--json] [--plot F.png]
    verify theorem4 [--d D] [--k K] [--depths L ...] [--gamma G] [--samples N] [--seeds S] [--json] [--plot F.png]
    verify padding [--data moons|circles|digits] [--kinds K ...] [--seeds S] [--json] [--plot F.png]
    verify kl [--d D | --sigma SIGMA.npy] [--pairs K ...] [--methods M ...] [--samples N] [--seeds S] [--json]
    verify demo

Exit codes: 0 success; 1 a check failed (or a float/mp result missed its tolerance);
2 bad input (one line on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from .errors import InputError
from .io.outward import up
from .threads import size_blas_threads

EXIT_OK, EXIT_MISMATCH, EXIT_INPUT = 0, 1, 2
CHECK_BAR_BYTES = 5_000_000  # `verify check` shows its stages for decompositions above this size (2d >= 256 or so)


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Help that shows every valued option's default (flags and unset options say what they do
    instead) and keeps the examples' line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or isinstance(action.default, bool):
            return action.help or ""
        return super()._get_help_string(action) or ""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return "\n".join(line if line.startswith("  ") or not line else
                         textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
                         for line in text.splitlines())


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # one line, exit 2 (argparse's own convention too)
        self.exit(EXIT_INPUT, f"verify: error: {message}\n")


def _argument(convert: Callable[[str], float], name: str, describe: str, ok: Callable[[float], bool]
              ) -> Callable[[str], float]:
    """An argparse ``type``: ``convert`` the text and require ``ok``; otherwise one line naming
    ``name`` and what is accepted (``describe``)."""
    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"invalid {name} {text!r}: {describe}")
        return value

    return parse


#: the most digits --mp and --digits accept: mpmath at 10^4 digits is already slow on a 2 x 2
MAX_DIGITS = 10_000

_seed = _argument(int, "seed", "an integer >= 0", lambda v: v >= 0)
def _exact_number(text: str) -> Any:
    """The text as an exact ``Fraction`` (``1e-500`` is not 0, ``1e400`` is not inf)."""
    from .io.entries import to_fraction

    try:
        return to_fraction(text)
    except ValueError:
        return None


_tolerance = _argument(_exact_number, "tolerance", "a finite number >= 0", lambda v: v >= 0)
_positive = _argument(float, "value", "a finite number > 0", lambda v: v > 0 and math.isfinite(v))
_digits = _argument(int, "digits", f"an integer in 15..{MAX_DIGITS}", lambda v: 15 <= v <= MAX_DIGITS)


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog="verify", description="Linear affine coupling layers (Koehler, Mehta and Risteski, "
                                           "'Representational aspects of depth and conditioning in normalizing "
                                           "flows'): decompositions (Theorem 2), minimal depth and certificates "
                                           "(Theorem 3), and measured checks of Theorems 1 and 4.",
                epilog=_examples("verify demo", "verify decompose T.mtx --json > dec.json", "verify check T.mtx dec.json",
                                 "verify depth T.mtx", "verify counterexample --d 4 --json > ce.json",
                                 "verify check-certificate ce.json") +
                "\n\nexit codes: 0 success; 1 a check failed (or a float/mp result missed its tolerance); "
                "2 bad input (one line on stderr)")
    p.add_argument("--version", action="version", version=f"verify {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    d = sub.add_parser("decompose", help="decompose a 2d x 2d matrix into coupling pairs (Theorem 2)",
                       description="The arithmetic follows the input unless told: integers, fractions and decimal "
                                   "text stay exact (minimal method, k <= 3); binary floats (a float .npy) go to "
                                   "float64 with the stable method (k = 7 or 8, well-conditioned layers).",
                       epilog=_examples("verify decompose T.mtx", "verify decompose T.npy --mp 40 --json > dec.json",
                                        "verify decompose T.csv --float --method minimal",
                                        "echo '[[0,1],[1,0]]' | verify decompose - --sign-layer   # det T < 0"))
    d.add_argument("path", help="matrix file (.npy .csv .txt .mtx .json) or - for JSON on stdin")
    mode = d.add_mutually_exclusive_group()
    mode.add_argument("--exact", dest="arithmetic", action="store_const", const="exact",
                      help="exact rationals; the product is checked equal to T (default for exact input)")
    mode.add_argument("--mp", dest="digits", type=_digits, metavar="DIGITS",
                      help=f"mpmath with DIGITS digits (15..{MAX_DIGITS})")
    mode.add_argument("--float", dest="arithmetic", action="store_const", const="float",
                      help="numpy float64 (default for binary-float input)")
    d.add_argument("--method", choices=["minimal", "stable"], default=None,
                   help="minimal: k <= 3, the fewest pairs (default in exact and mp); stable: k = 7 (8 on a lopsided spectrum) with layer "
                        "condition numbers bounded by a constant times sqrt(cond T) (default in float; "
                        "also runs in mp)")
    out = d.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    out.add_argument("--latex", action="store_true", help="every layer as a LaTeX bmatrix")
    d.add_argument("--sign-layer", action="store_true",
                   help="allow det T < 0 with a leading S = diag(-1, 1, ..., 1)")
    d.add_argument("--tol", type=_tolerance, default=None,
                   help="residual tolerance in mp/float mode (None: 1e-8 in float, 10^-(DIGITS/2) in mp)")
    d.add_argument("--seed", type=_seed, default=0, help="seed for the construction's free choices")
    _cost_args(d)

    c = sub.add_parser("check", help="independently re-multiply a JSON decomposition",
                       description="Re-multiplies the layers in the JSON (exact rationals, or ball arithmetic for "
                                   "float/mp layers) and decides by the terms given here: --tol and --regime. The "
                                   "file's own fields (tolerance, residual, k, regime, verified) are claims, "
                                   "compared and reported, never used to decide.",
                       epilog=_examples("verify check T.mtx dec.json", "verify check T.npy dec.json --tol 1e-12",
                                        "verify check T.json depth.json   # the decomposition of 'verify depth --json'"))
    c.add_argument("matrix", help="the matrix file")
    c.add_argument("decomposition", help="the JSON written by 'verify decompose --json' (or 'verify depth --json', "
                                         "or 'verify counterexample --json': its k = 3 member)")
    c.add_argument("--tol", type=_tolerance, default=None,
                   help="largest relative residual accepted (None: exact equality for exact layers; 1e-8 for "
                        "float layers; 10^-(digits/2) for mp layers; never above 1e-6)")
    c.add_argument("--regime", choices=["positive", "signed"], default="positive",
                   help="positive: every b_i, c_i > 0; signed: nonzero")

    dp = sub.add_parser("depth", help="the fewest pairs for this T, with evidence per k",
                        epilog=_examples("verify depth T.mtx", "verify depth T.json --signed --json > depth.json"))
    dp.add_argument("path", help="matrix file (.npy .csv .txt .mtx .json) or - for JSON on stdin")
    dp.add_argument("--signed", action="store_true", help="signed regime: scales any nonzero reals")
    dp.add_argument("--max-k", type=int, default=3, choices=[1, 2, 3],
                    help="largest k to try (k = 3 always works when det T != 0: Theorem 2)")
    dp.add_argument("--starts", type=int, default=20, help="multistart count for the k = 2 search")
    dp.add_argument("--seed", type=_seed, default=0, help="seed of the k = 2 search's starting points")
    dp.add_argument("--digits", type=_digits, default=50, help="digits for polishing and certification")
    dp.add_argument("--lp-degree", type=int, default=6,
                    help="largest degree of the LP certificates that k = 2 is impossible (0: none)")
    dp.add_argument("--lp-seconds", type=float, default=30.0, help="time budget of the LP certificates")
    dp.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    _cost_args(dp)

    sv = sub.add_parser("survey", help="fraction of random matrices needing k = 1, 2, 3 pairs",
                        epilog=_examples("verify survey --d 1 2 --samples 20", "verify survey --d 2 --plot survey.png"))
    sv.add_argument("--d", type=int, nargs="+", required=True, help="block sizes d (T is 2d x 2d)")
    sv.add_argument("--ensemble", default="gaussian",
                    choices=["gaussian", "uniform", "orthogonal", "permutation", "wishart"], help="the random matrices")
    sv.add_argument("--samples", type=int, default=50, help="matrices per d")
    sv.add_argument("--signed", action="store_true", help="signed regime: scales any nonzero reals")
    sv.add_argument("--seed", type=_seed, default=0, help="seed of the ensemble")
    sv.add_argument("--json", action="store_true", help="JSON on stdout")
    sv.add_argument("--plot", metavar="FILE.png", help="a matplotlib bar chart")
    sv.add_argument("--jobs", type=int, default=1, help="worker processes (joblib); the result is the same")
    sv.add_argument("--dask", metavar="ADDRESS", help="run the samples on this Dask scheduler (tcp://host:port; "
                                                     "needs pip install 'verify[dask]'); the result is the same")
    sv.add_argument("--resume", metavar="FILE.jsonl", help="write each finished sample to this JSON-lines file; "
                                                            "run again with it to skip the samples already there")

    ce = sub.add_parser("counterexample", help="a T that k <= 2 pairs cannot represent, with a certificate (Theorem 3)",
                        epilog=_examples("verify counterexample --d 4", "verify counterexample --d 3 --signed --json"))
    ce.add_argument("--d", type=int, required=True, help="block size d >= 2 (T is 2d x 2d)")
    regime = ce.add_mutually_exclusive_group()
    regime.add_argument("--positive", dest="signed", action="store_false",
                        help="scales b_i, c_i > 0 (default; the certificate holds on an open ball)")
    regime.add_argument("--signed", dest="signed", action="store_true",
                        help="scales any nonzero reals (the paper's wording of Theorem 3)")
    ce.set_defaults(signed=False)
    ce.add_argument("--family", default="trace", choices=["trace", "zero-block"],
                    help="trace: the trace obstruction; zero-block: T11 = 0 with a pattern/sign/cycle witness")
    ce.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    _cost_args(ce)

    cc = sub.add_parser("check-certificate", help="re-derive a counterexample's certificate from T alone",
                        description="Re-derives the certificate from T with exact rationals and checks the k = 3 "
                                    "decomposition it carries; decides by the terms given here (--regime, --no-k3). "
                                    "The file's regime and values are claims, compared and reported.",
                        epilog=_examples("verify check-certificate ce.json", "verify check-certificate ce.json --perturb 20"))
    cc.add_argument("path", help="the JSON written by 'verify counterexample --json'")
    cc.add_argument("--regime", choices=["positive", "signed"], default="positive",
                    help="the regime in which k <= 2 must be impossible (a signed certificate proves both)")
    cc.add_argument("--no-k3", dest="require_k3", action="store_false",
                    help="accept a certificate without its k = 3 decomposition")
    cc.add_argument("--perturb", type=int, default=0, metavar="N",
                    help="also check N random perturbations of T inside the reported radius")
    cc.add_argument("--seed", type=_seed, default=0, help="seed of the perturbations")
    cc.add_argument("--yes", action="store_true",
                    help="check a minors certificate however many determinants it needs (bounded by default)")

    se = sub.add_parser("search", help="search a family for T that the k <= 2 solver cannot represent",
                        epilog=_examples("verify search --d 2 --family trace-cone --samples 10"))
    se.add_argument("--d", type=int, required=True, help="block size d (T is 2d x 2d)")
    se.add_argument("--family", required=True, choices=["gaussian", "orthogonal", "permutation", "wishart",
                                                        "rotation", "block-zero", "sign", "trace-cone"],
                    help="where the matrices come from")
    se.add_argument("--samples", type=int, default=20, help="matrices to try")
    se.add_argument("--signed", action="store_true", help="signed regime: scales any nonzero reals")
    se.add_argument("--seed", type=_seed, default=0, help="seed of the family")
    se.add_argument("--starts", type=int, default=8, help="multistart count of the k = 2 solver")
    se.add_argument("--resume", metavar="FILE.jsonl", help="write each finished sample to this JSON-lines file; "
                    "rerun with the same file to skip the samples already there")
    se.add_argument("--json", action="store_true", help="JSON on stdout")

    t1 = sub.add_parser("theorem1", help="build Theorem 1's depth-3 ReLU coupling network for a target; bound and "
                                         "measure W2 and conditioning",
                        description="Builds g (no training) for each h and eps, computes the proved bound B on "
                                    "W2(g#N(0,I), Q), and measures W2 by exact optimal transport (POT) beside the "
                                    "estimator's floor (two samples of Q), the cell masses and the Jacobian.",
                        epilog=_examples("verify theorem1 --target annulus --h 0.2 0.1", "verify theorem1 --target hist.npy --json"))
    t1.add_argument("--target", default="square",
                    help="square, two-boxes, annulus (n = 2); cube, box-mixture (n = 4); or a .npy histogram of "
                         "cell masses (an even number of axes)")
    t1.add_argument("--h", type=float, nargs="+", default=[0.2, 0.1, 0.05], help="cell sides (1/h an integer)")
    t1.add_argument("--eps", type=float, nargs="+", default=[1e-3], help="squeeze factors in (0, 1)")
    t1.add_argument("--samples", type=int, default=2000, help="N per sample (exact OT costs N^2 memory)")
    t1.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...)")
    t1.add_argument("--cond-points", type=int, default=500, help="latent points for the Jacobian statistics")
    _measurement_output(t1, "W2 against h and conditioning against 1/eps")

    t4 = sub.add_parser("theorem4", help="Theorem 4: coupling flows of increasing depth trained on a k-mode mixture",
                        description="Builds the hard mixture q (k Gaussians, means on the sphere of radius "
                                    "10 gamma^2 d) and its depth-3 ReLU generator, trains coupling flows of each depth "
                                    "by maximum likelihood, and reports W1 (exact OT, with its floor) and both KL "
                                    "divergences (Monte Carlo with exact log-densities).",
                        epilog=_examples("verify theorem4 --d 4 --k 8 --depths 1 2 4 --plot t4.png"))
    t4.add_argument("--d", type=int, default=4, help="dimension (>= 2)")
    t4.add_argument("--k", type=int, default=8, help="number of mixture components")
    t4.add_argument("--gamma", type=float, default=1.0, help="component standard deviation (the paper's gamma)")
    t4.add_argument("--depths", type=int, nargs="+", default=[1, 2, 4], help="numbers of coupling layers")
    t4.add_argument("--samples", type=int, default=1000, help="N for training and for each measurement sample")
    t4.add_argument("--seeds", type=int, default=2, help="number of seeds (0, 1, ...)")
    t4.add_argument("--steps", type=int, default=1000, help="Adam steps per flow")
    t4.add_argument("--hidden", type=int, default=32, help="conditioner width (two hidden layers)")
    _measurement_output(t4, "W1 and KL against depth")

    pd = sub.add_parser("padding", help="coupling flows on data padded with nothing, zeros or Gaussian noise: NLL "
                                        "and Jacobian condition numbers",
                        description="Trains the same coupling architecture (matched parameter count) on the data "
                                    "as is and padded, and reports held-out NLL of the data coordinates and the "
                                    "condition number of the full Jacobian, mean +- std over seeds.",
                        epilog=_examples("verify padding --data circles --kinds none zero gaussian --seeds 3"))
    pd.add_argument("--data", default="moons", help="moons, circles or digits (digits needs scikit-learn)")
    pd.add_argument("--kinds", nargs="+", default=["none", "zero", "gaussian"],
                    help="none, zero, gaussian, gaussian-clipped (the paper's N(0.5, 0.5^2) clipped to [0, 1])")
    pd.add_argument("--seeds", type=int, default=5, help="number of seeds (0, 1, ...)")
    pd.add_argument("--samples", type=int, default=2000, help="training points (moons, circles)")
    pd.add_argument("--layers", type=int, default=6, help="couplings")
    pd.add_argument("--hidden", type=int, default=32, help="conditioner width of the padded models")
    pd.add_argument("--steps", type=int, default=1500, help="Adam steps")
    _measurement_output(pd, "condition numbers by padding kind")

    kl = sub.add_parser("kl", help="Remark 3: maximum likelihood with k linear coupling pairs on samples of N(0, Sigma)",
                        description="Trains linear coupling flows with k pairs by maximum likelihood and reports "
                                    "KL(N(0,Sigma) || model) beside the sample optimum's KL (the floor), and the "
                                    "exact one-pair construction for Sigma.",
                        epilog=_examples("verify kl --d 4 --cond 1e4 --pairs 1 2", "verify kl --sigma Sigma.npy --json"))
    src = kl.add_mutually_exclusive_group()
    src.add_argument("--d", type=int, default=2, help="block size: a random 2d x 2d Sigma")
    src.add_argument("--sigma", metavar="SIGMA.npy", help="a symmetric positive definite 2d x 2d matrix")
    kl.add_argument("--cond", type=_positive, default=100.0, help="condition number (>= 1) of the random Sigma")
    kl.add_argument("--pairs", type=int, nargs="+", default=[1, 2, 3], help="numbers of pairs k")
    kl.add_argument("--methods", nargs="+", default=["L-BFGS"], choices=["L-BFGS", "Adam"], help="optimisers")
    kl.add_argument("--samples", type=int, default=2000, help="N per seed")
    kl.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...)")
    kl.add_argument("--json", action="store_true", help="JSON on stdout")

    sub.add_parser("demo", help="decompose a bundled example and explain the output",
                   description="Decomposes the bundled 4 x 4 example exactly, re-checks it independently and "
                               "explains the output.")
    return p


def _measurement_output(parser: argparse.ArgumentParser, plot_help: str) -> None:
    parser.add_argument("--json", action="store_true", help="JSON on stdout (numbers as JSON numbers: measurements)")
    parser.add_argument("--plot", metavar="FILE.png", help=plot_help)


def _err(msg: str, code: int = EXIT_INPUT) -> int:
    print(f"verify: error: {msg}", file=sys.stderr)
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    size_blas_threads()  # the cores actually free, unless the caller chose (verify/threads.py)
    try:
        if args.command == "decompose":
            return _decompose(args)
        if args.command == "check":
            return _check(args)
        if args.command == "depth":
            return _depth(args)
        if args.command == "survey":
            return _survey(args)
        if args.command == "counterexample":
            return _counterexample(args)
        if args.command == "check-certificate":
            return _check_certificate(args)
        if args.command == "search":
            return _search(args)
        if args.command == "theorem1":
            return _theorem1(args)
        if args.command == "kl":
            return _kl(args)
        if args.command == "theorem4":
            return _theorem4(args)
        if args.command == "padding":
            return _padding(args)
        return _demo()
    except InputError as e:
        return _err(str(e))
    except RuntimeError as e:  # construction found no nondegenerate choice (float at large d)
        return _err(str(e), EXIT_MISMATCH)
    except MemoryError:
        return _err("out of memory: the sizes asked for do not fit in this machine's memory; use smaller ones")
    except KeyboardInterrupt:
        return _err("interrupted", 130)
    except BrokenPipeError:
        return EXIT_OK


def _decompose(args: argparse.Namespace) -> int:
    from .io import read_matrix
    from .theorem2 import decompose, to_json, to_latex, to_text
    from .theorem2.decompose import default_method

    T = read_matrix(args.path)
    if args.digits is not None or args.arithmetic:
        arithmetic = "mp" if args.digits is not None else args.arithmetic
        why = "as requested"
    else:
        arithmetic = "float" if T.binary_float else "exact"
        why = ("the input holds binary floats; --exact keeps them as exact rationals" if T.binary_float else
               "the input is exact (integers, fractions or decimal text); --float for float64")
    method = args.method or default_method(arithmetic)
    slow_exact = False
    if arithmetic == "exact":
        refusal, slow_exact = _exact_cost_check(T, args, "use --float (stable method, k = 7 or 8) or --mp 40 for a "
                                                         "certified float result")
        if refusal:
            return refusal
    # a bar only where a stage takes over a second: the stable method at 2d >= 256 in float64 or 2d >= 8
    # in mp (4 stages), and exact mode when its estimate exceeds a second (construct, verify, write)
    slow_stable = method == "stable" and T.n >= (256 if arithmetic == "float" else 8)
    quiet = not sys.stderr.isatty() or not (slow_stable or slow_exact)
    with _progress(4 if slow_stable else 3, f"{method} decomposition, 2d = {T.n}", "stage", quiet) as bar:
        dec = decompose(T, arithmetic, method=method, digits=args.digits or 50, sign_layer=args.sign_layer,
                        tol=args.tol, seed=args.seed, progress=bar if (slow_stable or slow_exact) else None,
                        max_seconds=None, max_bytes=None)  # the cost was weighed above (--max-bytes, --yes)
        text = json.dumps(to_json(dec)) if args.json else (to_latex(dec) if args.latex else to_text(dec))
        bar.update(0 if slow_stable else 1)
    print(text)
    print(f"verify: {arithmetic} arithmetic, {dec.method} method, k = {dec.k} ({why})", file=sys.stderr)
    if not dec.verified:
        return _err(f"residual bound {up(dec.residual)} exceeds the tolerance {up(dec.tolerance)}; "
                    f"{_advice(arithmetic, method, args.digits)}", EXIT_MISMATCH)
    return EXIT_OK


def _advice(arithmetic: str, method: str, digits: Optional[int]) -> str:
    """What to try when a float/mp result misses its tolerance, for the mode that was used."""
    if arithmetic == "mp":
        more = f"more digits (--mp {2 * (digits or 50)})"
        return f"try {more}, --exact" + (", or --method stable" if method == "minimal" else "")
    if method == "minimal":
        return "try --method stable (well-conditioned layers), --mp 40, or --exact"
    return "try --mp 40 --method stable, or --exact"


def _exact_cost_check(T: "MatrixInput", args: argparse.Namespace, alternative: str) -> tuple[int, bool]:  # noqa: F821
    """``(exit code of a refusal or 0, whether the exact work will take over a second)``: exact work
    estimated beyond ``--max-bytes`` or a minute is refused with one line, unless ``--yes``."""
    from .theorem2.cost import input_cost

    bits, est = input_cost(T.rows)
    if not args.yes and (est.bytes > args.max_bytes or est.seconds > 60):
        return _err(f"exact mode on this 2d = {T.n} input ({bits}-bit entries) would take {est.describe()}; "
                    f"{alternative}, or pass --yes (and --max-bytes) to go ahead"), True
    return 0, est.seconds > 1


def _cost_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-bytes", type=_positive, default=1e8,
                        help="refuse (with the estimate) exact work whose JSON would exceed this many bytes or "
                             "that would run over a minute")
    parser.add_argument("--yes", action="store_true", help="go ahead with exact work whatever the estimate")


def _depth(args: argparse.Namespace) -> int:
    from .depth import depth, depth_to_json, depth_to_text
    from .io import read_matrix

    if args.starts < 1 or args.lp_degree < 0 or not args.lp_seconds >= 0:
        return _err("--starts must be >= 1, --lp-degree and --lp-seconds >= 0")
    T = read_matrix(args.path)
    refusal, _ = _exact_cost_check(T, args, "its k = 3 evidence is the exact Theorem 2 construction; "
                                            "'verify decompose --float' gives a certified float decomposition")
    if refusal:
        return refusal
    quiet = not sys.stderr.isatty()
    with _progress(args.starts, "k = 2 search", "start", quiet) as bar:
        result = depth(T, regime="signed" if args.signed else "positive", max_k=args.max_k,
                       starts=args.starts, seed=args.seed, digits=args.digits, progress=bar,
                       lp_degree=args.lp_degree, lp_seconds=args.lp_seconds)
    print(json.dumps(depth_to_json(result)) if args.json else depth_to_text(result))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .checkers import check
    from .io import read_json, read_matrix

    big = _size(args.decomposition) > CHECK_BAR_BYTES
    with _bar(args, 3, "check", "stage", enabled=big) as bar:
        T = read_matrix(args.matrix)
        bar.update(1)
        data = read_json(args.decomposition)
        bar.update(1)
        result = check(T, data, tol=args.tol, regime=args.regime)
        bar.update(1)
    print(("OK: " if result.ok else "MISMATCH: ") + result.message)
    for claim in result.claims:
        print(f"  claim: {claim}")
    return EXIT_OK if result.ok else EXIT_MISMATCH


def _size(path: str) -> int:
    """The file's size in bytes, 0 when it cannot be told (reading it reports why)."""
    try:
        return Path(path).stat().st_size if Path(path).is_file() else 0
    except OSError:
        return 0


def _counterexample(args: argparse.Namespace) -> int:
    from .theorem3.counterexample import counterexample, counterexample_cost, to_json, to_text

    est = counterexample_cost(args.d)
    if not args.yes and (est.seconds > 60 or (args.json and est.bytes > args.max_bytes)):
        return _err(f"a d = {args.d} counterexample (its exact k = 3 layers) would take {est.describe()}; "
                    "a smaller --d shows the same theorem, or pass --yes (and --max-bytes) to go ahead")
    ce = counterexample(args.d, "signed" if args.signed else "positive", args.family)
    print(json.dumps(to_json(ce)) if args.json else to_text(ce))
    return EXIT_OK


def _check_certificate(args: argparse.Namespace) -> int:
    import numpy as np

    from .checkers import check_certificate
    from .checkers.certificate import MAX_MINORS
    from .io import as_fraction_rows, read_json, to_fraction

    if args.perturb < 0:
        return _err("--perturb must be >= 0")
    data = read_json(args.path)
    if args.perturb and data.get("radius") is None:  # said before any verdict is printed
        return _err("--perturb needs a certificate with a radius (positive regime, trace family)")
    result = check_certificate(data, regime=args.regime, require_k3=args.require_k3,
                               max_minors=None if args.yes else MAX_MINORS)
    print(("OK: " if result.ok else "FAILED: ") + result.message)
    for claim in result.claims:
        print(f"  claim: {claim}")
    if not result.ok or args.perturb == 0:
        return EXIT_OK if result.ok else EXIT_MISMATCH
    from .theorem3.counterexample import perturbation

    rng = np.random.default_rng(args.seed)
    T, radius = as_fraction_rows(data["T"]), to_fraction(data["radius"])
    cert = {"type": data["certificate"]["type"]}
    held = sum(check_certificate({"regime": data["regime"], "T": perturbation(T, radius, rng), "certificate": cert},
                                 regime=args.regime, require_k3=False).ok for _ in range(args.perturb))
    print(f"{'OK' if held == args.perturb else 'FAILED'}: {held}/{args.perturb} random perturbations "
          f"T + E (|E_ij| < radius/2d, so ||E||_2 < {data['radius']}) re-derived and certified")
    return EXIT_OK if held == args.perturb else EXIT_MISMATCH


def _search(args: argparse.Namespace) -> int:
    from .depth.search import search, search_json, search_table

    if args.d < 1 or args.samples < 1 or args.starts < 1:
        return _err("--d, --samples and --starts must be >= 1")
    quiet = not sys.stderr.isatty()
    with _progress(args.samples, f"search {args.family} d={args.d}", "T", quiet) as bar:
        r = search(args.d, args.family, args.samples, regime="signed" if args.signed else "positive",
                   seed=args.seed, starts=args.starts, progress=bar, resume=args.resume)
    print(json.dumps(search_json(r)) if args.json else search_table(r))
    return EXIT_MISMATCH if r.contradictions else EXIT_OK


def _plot_dir_missing(args: argparse.Namespace) -> bool:
    """Whether ``--plot`` names a file in a directory that does not exist (checked before a run)."""
    if not getattr(args, "plot", None):
        return False
    try:
        return not Path(args.plot).resolve().parent.is_dir()
    except OSError:  # a name too long, a loop of links: it cannot be written either
        return True


def _bar(args: argparse.Namespace, total: int, desc: str, unit: str, enabled: bool = True) -> Any:
    """A progress bar on stderr whenever stderr is a terminal (``--json`` or not: the JSON goes to
    stdout, untouched); silent otherwise, or when not ``enabled``."""
    quiet = not sys.stderr.isatty() or not enabled
    return _progress(total, desc, unit, quiet)


class _Silent:
    """The progress bar when none is shown: the same ``update`` and context manager, without
    importing tqdm (a tenth of a second of every command's start-up)."""

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int, desc: str, unit: str, quiet: bool) -> Any:
    if quiet:
        return _Silent()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)


def _emit(args: argparse.Namespace, as_json: dict, text: str, plot: Callable[[str], None]) -> int:
    """Print the JSON or the text, then write the plot if asked (a plot that cannot be written is
    one line and exit 2, after the results: they are not lost)."""
    print(json.dumps(as_json) if args.json else text)
    sys.stdout.flush()
    if getattr(args, "plot", None):
        try:
            _write_plot(plot, args.plot)
        except (OSError, ValueError) as e:
            return _err(f"--plot: cannot write {args.plot}: {getattr(e, 'strerror', None) or e} "
                        "(the results above are complete)")
    return EXIT_OK


def _write_plot(plot: Callable[[Any], None], path: str) -> None:
    """Render into memory, then write the bytes with an explicit close: matplotlib's own file
    handling swallows the error of a full disk (``--plot /dev/full`` exited 0)."""
    import io

    import matplotlib

    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    buf = io.BytesIO()
    with matplotlib.rc_context({"savefig.format": fmt}):
        plot(buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def _survey(args: argparse.Namespace) -> int:
    from .depth.survey import survey, survey_json, survey_plot, survey_table

    if args.samples < 1 or args.jobs < 1 or any(d < 1 for d in args.d):
        return _err("--samples, --jobs and every --d must be >= 1")
    if _plot_dir_missing(args):
        return _err(f"--plot: no such directory for {args.plot}")
    regime = "signed" if args.signed else "positive"
    with _bar(args, len(args.d) * args.samples, "survey", "T") as bar:
        rows = survey(args.d, args.ensemble, args.samples, regime=regime, seed=args.seed, progress=bar,
                      jobs=args.jobs, dask=args.dask, resume=args.resume)
    return _emit(args, survey_json(rows, args.ensemble, regime, args.seed), survey_table(rows, args.ensemble, regime),
                 lambda path: survey_plot(rows, args.ensemble, regime, path))


def _theorem1(args: argparse.Namespace) -> int:
    from .theorem1 import table
    from .theorem1.measure import MAX_OT_SAMPLES
    from .theorem1.report import load_target, plot, to_json, to_text

    if not 2 <= args.samples <= MAX_OT_SAMPLES or args.seeds < 1 or args.cond_points < 1:
        return _err(f"--samples must be in 2..{MAX_OT_SAMPLES} (exact OT stores N x N costs), --seeds and "
                    "--cond-points >= 1")
    if _plot_dir_missing(args):
        return _err(f"--plot: no such directory for {args.plot}")
    Q = load_target(args.target)
    with _bar(args, len(args.h) * len(args.eps), "theorem 1", "network") as bar:
        rows = table(Q, args.h, args.eps, args.samples, list(range(args.seeds)), args.cond_points, bar)
    return _emit(args, to_json(Q, rows, args.samples, args.seeds), to_text(Q, rows, args.samples, args.seeds),
                 lambda path: plot(Q, rows, path))


def _theorem4(args: argparse.Namespace) -> int:
    from .theorem1.measure import MAX_OT_SAMPLES
    from .theorem4 import depth_table, hard_generator
    from .theorem4.report import plot, to_json, to_text

    if args.d < 2 or args.k < 1 or not 2 <= args.samples <= MAX_OT_SAMPLES or args.seeds < 1 or args.steps < 1 \
            or args.hidden < 1 or min(args.depths) < 1:
        return _err(f"need --d >= 2, --samples in 2..{MAX_OT_SAMPLES} (exact OT stores N x N costs), and --k, "
                    "--seeds, --steps, --hidden and every --depths >= 1")
    if _plot_dir_missing(args):
        return _err(f"--plot: no such directory for {args.plot}")
    gen = hard_generator(args.d, args.k, args.gamma)
    with _bar(args, len(args.depths), "theorem 4", "depth") as bar:
        rows = depth_table(gen, args.depths, args.samples, list(range(args.seeds)), args.steps, args.hidden, bar)
    setting = (args.samples, args.seeds, args.steps, args.hidden)
    return _emit(args, to_json(gen, rows, *setting), to_text(gen, rows, *setting), lambda path: plot(gen, rows, path))


def _padding(args: argparse.Namespace) -> int:
    from .padding import DATASETS, padding_table
    from .padding.report import plot, to_json, to_text

    if min(args.seeds, args.samples, args.layers, args.hidden, args.steps) < 1:
        return _err("--seeds, --samples, --layers, --hidden and --steps must be >= 1")
    if _plot_dir_missing(args):
        return _err(f"--plot: no such directory for {args.plot}")
    if args.data not in DATASETS:
        return _err(f"unknown data set {args.data!r}; choose one of {', '.join(DATASETS)}")
    with _bar(args, len(args.kinds), f"padding {args.data}", "kind") as bar:
        rows = padding_table(args.data, args.kinds, list(range(args.seeds)), bar, N=args.samples, layers=args.layers,
                             hidden=args.hidden, steps=args.steps)
    return _emit(args, to_json(rows), to_text(rows), lambda path: plot(rows, path))


def _kl(args: argparse.Namespace) -> int:
    import numpy as np

    from .io import read_matrix
    from .remark3.experiment import kl_json, kl_table, kl_text, random_covariance, single_pair_summary

    if args.samples < 1 or args.seeds < 1 or min(args.pairs) < 1 or args.cond < 1:
        return _err("--samples, --seeds and every --pairs must be >= 1, and --cond >= 1")
    if args.sigma:
        Sigma = read_matrix(args.sigma).array
    else:
        if args.d < 1:
            return _err("--d must be >= 1")
        Sigma = random_covariance(2 * args.d, args.cond, np.random.default_rng(0))
    with _bar(args, len(args.pairs) * len(args.methods), "kl", "row") as bar:
        rows = kl_table(Sigma, args.pairs, args.methods, args.samples, list(range(args.seeds)), bar)
    single = single_pair_summary(Sigma)
    return _emit(args, kl_json(Sigma, rows, single, args.samples, args.seeds),
                 kl_text(Sigma, rows, single, args.samples, args.seeds), lambda path: None)


def _demo() -> int:
    from .checkers import check
    from .theorem2 import decompose, to_json, to_text

    raw = json.loads(resources.files("verify.data").joinpath("example.json").read_text())
    T = raw["T"]
    print("verify demo: Theorem 2 of Koehler, Mehta & Risteski, as an algorithm.\n")
    print("The bundled example (verify/data/example.json) is the 4x4 matrix")
    for r in T:
        print("   ", "  ".join(f"{x:>5}" for x in r))
    print("(d = 2; its top-left block T11 is singular, so naive block elimination fails).\n")
    dec = decompose(T, "exact")
    print(to_text(dec))
    result = check(T, to_json(dec))
    print(f"\nIndependent re-multiplication (verify check): {'OK' if result.ok else 'MISMATCH'}: {result.message}")
    print("\nWhat this says: T = L_1 U_1 L_2 U_2 L_3 U_3 with L_i = [[I,0],[A_i,diag b_i]] and "
          "U_i = [[diag c_i, D_i],[0,I]],\nall b_i, c_i > 0, in exact rational arithmetic. k = 3 pairs "
          "suffice for every T with det T > 0,\nand Theorem 3 of the paper shows 2 do not always. "
          "Try: verify decompose yourfile.mtx --json,\n"
          "or verify counterexample --d 4 for a certified T that needs all 3 pairs.")
    return EXIT_OK if (dec.verified and result.ok) else EXIT_MISMATCH


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
