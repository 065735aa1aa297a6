"""What every ``verify`` command shares: the parser classes, argument types, exit codes, errors on
one line, progress bars, the regime option, and writing results and plots."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Callable

#: exit codes: success; a check failed (or a float/mp result missed its tolerance); bad input or a
#: missing optional dependency (one line on stderr); an internal error (a bug: please report it)
EXIT_OK, EXIT_MISMATCH, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3
#: the most digits --mp and --digits accept: mpmath at 10^4 digits is already slow on a 2 x 2
MAX_DIGITS = 10_000

class Formatter(argparse.ArgumentDefaultsHelpFormatter):
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


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # one line, exit 2 (argparse's own convention too)
        self.exit(EXIT_INPUT, f"verify: error: {message}\n")


def argument(convert: Callable[[str], float], name: str, describe: str, ok: Callable[[float], bool]
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


def exact_number(text: str) -> Any:
    """The text as an exact ``Fraction`` (``1e-500`` is not 0, ``1e400`` is not inf)."""
    from ..io.entries import to_fraction

    try:
        return to_fraction(text)
    except ValueError:
        return None


def examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def measurement_output(parser: argparse.ArgumentParser, plot_help: str) -> None:
    parser.add_argument("--json", action="store_true", help="JSON on stdout (numbers as JSON numbers: measurements)")
    parser.add_argument("--plot", metavar="FILE.png", help=plot_help)


def err(msg: str, code: int = EXIT_INPUT) -> int:
    print(f"verify: error: {msg}", file=sys.stderr)
    return code


def exact_cost_check(T: "MatrixInput", args: argparse.Namespace, alternative: str) -> tuple[int, bool]:  # noqa: F821
    """``(exit code of a refusal or 0, whether the exact work will take over a second)``: exact work
    estimated beyond ``--max-bytes`` or a minute is refused with one line, unless ``--yes``."""
    from ..theorem2.cost import input_cost

    bits, est = input_cost(T.rows)
    if not args.yes and (est.bytes > args.max_bytes or est.seconds > 60):
        return err(f"exact mode on this 2d = {T.n} input ({bits}-bit entries) would take {est.describe()}; "
                    f"{alternative}, or pass --yes (and --max-bytes) to go ahead"), True
    return 0, est.seconds > 1


def cost_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-bytes", type=positive_type, default=1e8,
                        help="refuse (with the estimate) work whose output would exceed this many bytes (exact "
                             "work: its JSON; decompose: the layers in the format chosen) or exact work that "
                             "would run over a minute")
    parser.add_argument("--yes", action="store_true", help="go ahead whatever the estimate")


def advice(ar: Any, method: str) -> str:
    """What to try when a float/mp result misses its tolerance, for the arithmetic and method used."""
    if not ar.fixed_precision:  # mp: its digits can be raised
        more = f"more digits (--mp {2 * ar.digits})"
        return f"try {more}, --exact" + (", or --method stable" if method == "minimal" else "")
    if method == "minimal":
        return "try --method stable (well-conditioned layers), --mp 40, or --exact"
    return "try --mp 40 --method stable, or --exact"


def file_size(path: str) -> int:
    """The file's size in bytes, 0 when it cannot be told (reading it reports why)."""
    try:
        return Path(path).stat().st_size if Path(path).is_file() else 0
    except OSError:
        return 0


def plot_dir_missing(args: argparse.Namespace) -> bool:
    """Whether ``--plot`` names a file in a directory that does not exist (checked before a run)."""
    if not getattr(args, "plot", None):
        return False
    try:
        return not Path(args.plot).resolve().parent.is_dir()
    except OSError:  # a name too long, a loop of links: it cannot be written either
        return True


def command_bar(args: argparse.Namespace, total: int, desc: str, unit: str, enabled: bool = True) -> Any:
    """A progress bar on stderr whenever stderr is a terminal (``--json`` or not: the JSON goes to
    stdout, untouched); silent otherwise, or when not ``enabled``."""
    quiet = not sys.stderr.isatty() or not enabled
    return progress(total, desc, unit, quiet)


class Silent:
    """The progress bar when none is shown: the same ``update`` and context manager, without
    importing tqdm (a tenth of a second of every command's start-up)."""

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "Silent":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def progress(total: int, desc: str, unit: str, quiet: bool) -> Any:
    if quiet:
        return Silent()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)


def emit(args: argparse.Namespace, as_json: dict, text: str, plot: Callable[[str], None]) -> int:
    """Print the JSON or the text, then write the plot if asked (a plot that cannot be written is
    one line and exit 2, after the results: they are not lost)."""
    print(json.dumps(as_json) if args.json else text)
    sys.stdout.flush()
    if getattr(args, "plot", None):
        try:
            write_plot(plot, args.plot)
        except (OSError, ValueError) as e:
            return err(f"--plot: cannot write {args.plot}: {getattr(e, 'strerror', None) or e} "
                        "(the results above are complete)")
    return EXIT_OK


def write_plot(plot: Callable[[Any], None], path: str) -> None:
    """Render into memory, then write the bytes with an explicit close: matplotlib's own file
    handling swallows the error of a full disk (``--plot /dev/full`` exited 0)."""
    import io

    from ..extras import require

    matplotlib = require("matplotlib", "experiments", "--plot")
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    buf = io.BytesIO()
    with matplotlib.rc_context({"savefig.format": fmt}):
        plot(buf)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


seed_type = argument(int, "seed", "an integer >= 0", lambda v: v >= 0)
tolerance_type = argument(exact_number, "tolerance", "a finite number >= 0", lambda v: v >= 0)
positive_type = argument(float, "value", "a finite number > 0", lambda v: v > 0 and math.isfinite(v))
digits_type = argument(int, "digits", f"an integer in 15..{MAX_DIGITS}", lambda v: 15 <= v <= MAX_DIGITS)


def regime_option(parser: argparse.ArgumentParser, what: str = "") -> None:
    """One option for the regime everywhere: ``--regime positive|signed`` (default positive), with
    ``--signed`` and ``--positive`` kept as aliases; the value lands in ``args.regime``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--regime", choices=["positive", "signed"], default="positive",
                       help="positive: every scale b_i, c_i > 0; signed: any nonzero reals" + what)
    group.add_argument("--signed", dest="regime", action="store_const", const="signed",
                       help="the same as --regime signed")
    group.add_argument("--positive", dest="regime", action="store_const", const="positive",
                       help="the same as --regime positive")
