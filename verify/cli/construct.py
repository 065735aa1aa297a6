"""The construction commands: ``verify decompose`` (Theorem 2), ``verify check`` (an independent
re-multiplication) and ``verify demo``."""
from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from ..io.outward import up
from ..vocabulary import Method
from .common import (
    EXIT_MISMATCH,
    EXIT_OK,
    MAX_DIGITS,
    advice,
    command_bar,
    cost_args,
    digits_type,
    err,
    exact_cost_check,
    examples,
    file_size,
    progress,
    regime_option,
    seed_type,
    tolerance_type,
)

CHECK_BAR_BYTES = 5_000_000  # `verify check` shows its stages for decompositions above this size (2d >= 256 or so)
#: plain text with more layer entries than this is not printed on a terminal (about 400 kB of text;
#: 2d = 128 in float, 2d = 96 exact): the summary is, with how to get the layers
TERMINAL_MAX_ENTRIES = 20_000
#: ... nor plain text longer than this (exact layers: their entries are long, 2d = 32 is 1.5 MB of text)
TERMINAL_MAX_CHARS = 400_000
OUTPUT_SUFFIXES = (".json", ".npz")


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("decompose", help="decompose a 2d x 2d matrix into coupling pairs (Theorem 2)",
                       description="The arithmetic follows the input unless told: integers, fractions and decimal "
                                   "text stay exact (minimal method, k <= 3); binary floats (a float .npy) go to "
                                   "float64 with the stable method (k = 7 or 8, well-conditioned layers).",
                       epilog=examples("verify decompose T.mtx", "verify decompose T.npy --mp 40 --json > dec.json",
                                        "verify decompose T.csv --float --method minimal",
                                        "echo '[[0,1],[1,0]]' | verify decompose - --sign-layer   # det T < 0"))
    d.add_argument("path", help="matrix file (.npy .csv .txt .mtx .json) or - for JSON on stdin")
    mode = d.add_mutually_exclusive_group()
    mode.add_argument("--exact", dest="arithmetic", action="store_const", const="exact",
                      help="exact rationals; the product is checked equal to T (default for exact input)")
    mode.add_argument("--mp", dest="digits", type=digits_type, metavar="DIGITS",
                      help=f"mpmath with DIGITS digits (15..{MAX_DIGITS})")
    mode.add_argument("--float", dest="arithmetic", action="store_const", const="float",
                      help="numpy float64 (default for binary-float input)")
    d.add_argument(
        "--method",
        choices=["minimal", "stable"],
        default=None,
        help="minimal: k <= 3, the fewest pairs (default in exact and mp); stable: k = 7 (8 on a lopsided spectrum) "
        "with layer "
        "condition numbers bounded by a constant times sqrt(cond T) (default in float; "
        "also runs in mp)",
    )
    out = d.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the stable JSON schema on stdout")
    out.add_argument("--latex", action="store_true", help="every layer as a LaTeX bmatrix")
    d.add_argument("-o", "--output", metavar="FILE",
                   help="write the layers to FILE, as JSON (.json) or NumPy arrays (.npz: float64 values, or the "
                        "exact and mp entries as text), by its suffix; stdout then gets the summary")
    d.add_argument("--sign-layer", action="store_true",
                   help="allow det T < 0 with a leading S = diag(-1, 1, ..., 1)")
    d.add_argument("--tol", type=tolerance_type, default=None,
                   help="residual tolerance in mp/float mode (None: 1e-8 in float, 10^-(DIGITS/2) in mp)")
    d.add_argument("--seed", type=seed_type, default=0, help="seed for the construction's free choices")
    cost_args(d)
    d.set_defaults(func=run_decompose)

    c = sub.add_parser(
        "check",
        help="independently re-multiply a JSON decomposition",
        description="Re-multiplies the layers in the JSON (exact rationals, or ball arithmetic for "
        "float/mp layers) and decides by the terms given here: --tol and --regime. The "
        "file's own fields (tolerance, residual, k, regime, verified) are claims, "
        "compared and reported, never used to decide.",
        epilog=examples(
            "verify check T.mtx dec.json",
            "verify check T.npy dec.json --tol 1e-12",
            "verify check T.json depth.json   # the decomposition of 'verify depth --json'",
        ),
    )
    c.add_argument("matrix", help="the matrix file")
    c.add_argument("decomposition", help="the JSON written by 'verify decompose --json' (or 'verify depth --json', "
                                         "or 'verify counterexample --json': its k = 3 member)")
    c.add_argument("--tol", type=tolerance_type, default=None,
                   help="largest relative residual accepted (None: exact equality for exact layers; 1e-8 for "
                        "float layers; 10^-(digits/2) for mp layers; never above 1e-6)")
    regime_option(c)
    c.set_defaults(func=run_check)

    demo = sub.add_parser("demo", help="decompose a bundled example and explain the output",
                   description="Decomposes the bundled 4 x 4 example exactly, re-checks it independently and "
                               "explains the output.")
    demo.set_defaults(func=run_demo)



def run_decompose(args: argparse.Namespace) -> int:
    from ..algebra.arith import get_arithmetic
    from ..io import read_matrix
    from ..theorem2 import decompose, to_latex, to_text
    from ..theorem2.decompose import as_method, choose_arithmetic, default_method
    from ..theorem2.serialize import summary_text, write_json

    output = None
    if args.output is not None:  # refused before any work: a run must not end in a file it cannot write
        output = Path(args.output)
        if output.suffix.lower() not in OUTPUT_SUFFIXES:
            return err(f"-o: {args.output[:80]} must end in .json or .npz (the suffix chooses the format)")
        if not output.resolve().parent.is_dir():
            return err(f"-o: no such directory for {args.output[:80]}")
        if args.latex:
            return err("-o writes JSON or .npz; --latex prints to stdout: use one of them")
    T = read_matrix(args.path)
    if args.digits is not None or args.arithmetic:  # the flags' strings become an arithmetic here, once
        ar = get_arithmetic("mp" if args.digits is not None else args.arithmetic, args.digits or 50)
        why = "as requested"
    else:
        ar = choose_arithmetic(T)
        why = ("the input holds binary floats; --exact keeps them as exact rationals" if T.binary_float else
               "the input is exact (integers, fractions or decimal text); --float for float64")
    method = as_method(args.method) if args.method else default_method(ar)
    if not ar.exact and not args.yes:
        size, form = _output_estimate(T.n // 2, ar, method, output, args.json)
        if size > args.max_bytes:
            npz, _ = _output_estimate(T.n // 2, ar, method, Path("x.npz"), False)
            alt = "" if output is not None and output.suffix.lower() == ".npz" else \
                f" (as -o FILE.npz: about {npz / 1e6:.0f} MB)"
            return err(f"the layers would take about {size / 1e6:.0f} MB as {form}{alt}, above --max-bytes "
                       f"{args.max_bytes:.0e}; pass --max-bytes or --yes to go ahead")
    slow_exact = False
    if ar.exact:
        refusal, slow_exact = exact_cost_check(T, args, "use --float (stable method, k = 7 or 8) or --mp 40 for a "
                                                         "certified float result")
        if refusal:
            return refusal
    # a bar only where a stage takes over a second: the stable method at 2d >= 256 in float64 or 2d >= 8
    # in mp (4 stages), and exact mode when its estimate exceeds a second (construct, verify, write)
    slow_stable = method == Method.STABLE and T.n >= (256 if ar.float64_arrays else 8)
    quiet = not sys.stderr.isatty() or not (slow_stable or slow_exact)
    with progress(4 if slow_stable else 3, f"{method} decomposition, 2d = {T.n}", "stage", quiet) as bar:
        dec = decompose(T, ar, method=method, sign_layer=args.sign_layer,
                        tol=args.tol, seed=args.seed, progress=bar if (slow_stable or slow_exact) else None,
                        max_seconds=None, max_bytes=None)  # the cost was weighed above (--max-bytes, --yes)
        stream = output is None and args.json  # written below, a layer at a time (write_json)
        if output is not None:
            text = _write_output(dec, output, args.json)
        elif stream:
            text = None
        else:
            terminal = not args.latex and sys.stdout.isatty()
            if terminal and _entries(dec) > TERMINAL_MAX_ENTRIES:  # too many entries to be worth formatting
                text = None
            else:
                text = to_latex(dec) if args.latex else to_text(dec)
            if terminal and (text is None or len(text) > TERMINAL_MAX_CHARS):
                size = "" if text is None else f" ({len(text) / 1e6:.3g} MB of text)"
                text = (summary_text(dec) + f"\nthe {_entries(dec)} layer entries{size} are not printed on a "
                        "terminal: -o FILE.npz (or FILE.json) writes them, and a redirected stdout gets them all")
        bar.update(0 if slow_stable else 1)
    if stream:
        write_json(dec, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(text)
    print(f"verify: {ar.name} arithmetic, {dec.method} method, k = {dec.k} ({why})", file=sys.stderr)
    if not dec.verified:
        return err(f"residual bound {up(dec.residual)} exceeds the tolerance {up(dec.tolerance)}; "
                    f"{advice(ar, method)}", EXIT_MISMATCH)
    return EXIT_OK


def _output_estimate(d: int, ar: Any, method: Any, output: Any, as_json: bool) -> tuple[float, str]:
    """``(bytes, what)``: an upper estimate of the layers' size in the output chosen, for float and mp
    (k = 8 for the stable method, 3 for the minimal one): float64 arrays are 8 bytes an entry in an
    .npz; a float64 written out is at most 24 characters (quotes and separator included), an mp number
    its digits plus 10; a terminal gets the summary only (when the text is large), so 0."""
    k = 8 if method == Method.STABLE else 3
    entries = k * 2 * (d * d + d)
    text = 24 if ar.float64_arrays else (ar.digits or 50) + 10
    if output is not None and output.suffix.lower() == ".npz":
        return entries * (8 if ar.float64_arrays else text), "an .npz"
    if output is None and not as_json and sys.stdout.isatty() and entries > TERMINAL_MAX_ENTRIES:
        return 0, "text"
    return entries * text, "JSON" if (as_json or output is not None) else "text"


def _entries(dec: Any) -> int:
    return dec.k * 2 * (dec.d * dec.d + dec.d)


def _write_output(dec: Any, path: Path, as_json: bool) -> str:
    """Write the layers to ``path`` (the format by its suffix) and return what stdout gets: the
    summary (text, or the schema without its layers under ``--json``) and where the layers went."""
    from ..theorem2.serialize import meta_json, summary_text, to_npz, write_json

    if path.suffix.lower() == ".npz":
        size = to_npz(dec, path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            write_json(dec, f)
            size = f.tell()
    if as_json:
        return json.dumps({**meta_json(dec), "output": str(path), "output_bytes": size})
    return summary_text(dec) + f"\nlayers written to {path} ({size} bytes)"


def run_check(args: argparse.Namespace) -> int:
    from ..checkers import check
    from ..io import read_decomposition, read_matrix

    big = file_size(args.decomposition) > CHECK_BAR_BYTES
    with command_bar(args, 3, "check", "stage", enabled=big) as bar:
        T = read_matrix(args.matrix)
        bar.update(1)
        data = read_decomposition(args.decomposition, arrays=True)  # JSON, or .npz by its suffix
        bar.update(1)
        result = check(T, data, tol=args.tol, regime=args.regime)
        bar.update(1)
    print(("OK: " if result.ok else "MISMATCH: ") + result.message)
    for claim in result.claims:
        print(f"  claim: {claim}")
    return EXIT_OK if result.ok else EXIT_MISMATCH


def run_demo(args: argparse.Namespace) -> int:
    from ..checkers import check
    from ..theorem2 import decompose, to_json, to_text

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

