"""``verify import``: a trained invertible linear weight, read exactly and certified, then optionally
decomposed into coupling pairs (Theorem 2) or given its minimal depth (Theorem 3)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_MISMATCH, EXIT_OK, err, examples


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="certify a trained linear weight (.npy .npz .pt .safetensors): invertible, det sign, condition number",
        description="Reads one square weight (or a 1x1 convolution kernel) exactly as stored and proves what flow "
                    "libraries leave unchecked: whether it is invertible (exact determinant), the sign of its "
                    "determinant, and an enclosure of its 1-norm condition number (ball arithmetic). "
                    "--decompose writes it as coupling pairs (Theorem 2), --depth gives its minimal number of "
                    "pairs (Theorem 3). Exit code 1 if the weight is singular.",
        epilog=examples("verify import model.pt --key flow.transforms.3.weight",
                        "verify import conv.npy --decompose -o dec.npz",
                        "verify import weights.safetensors --key layer.W --depth --json"))
    p.add_argument("path", help="the weight file (.npy .npz .pt .pth .safetensors)")
    p.add_argument("--key", help="the entry of an .npz / .pt / .safetensors file, e.g. flow.transforms.3.weight")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--decompose", action="store_true",
                      help="also decompose W (float64, stable method; --exact for the minimal exact one)")
    what.add_argument("--depth", action="store_true", help="also decide the minimal number of coupling pairs")
    p.add_argument("--exact", action="store_true", help="with --decompose: exact rationals, k <= 3")
    p.add_argument("--sign-layer", action="store_true", help="with --decompose: allow det W < 0 (a leading sign layer)")
    p.add_argument("-o", "--output", metavar="FILE", help="with --decompose: write the layers to FILE (.json or .npz)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    from ..export.linear import as_matrix_input, certify_linear, load_linear

    if (args.output or args.exact or args.sign_layer) and not args.decompose:
        return err("-o, --exact and --sign-layer go with --decompose")
    lin = load_linear(args.path, args.key)
    cert = certify_linear(lin)
    out: dict = {"certificate": cert.to_json()}
    lines = [cert.text()]
    if cert.invertible and (args.decompose or args.depth):
        M = as_matrix_input(lin)
        if args.decompose:
            from ..theorem2 import decompose
            from ..theorem2.serialize import meta_json, summary_text
            from .construct import _write_output

            dec = decompose(M, "exact" if args.exact else "float", sign_layer=args.sign_layer)
            if args.output:
                text = _write_output(dec, Path(args.output), args.json)
                out["decomposition"] = json.loads(text) if args.json else None
                lines.append(text)
            else:
                out["decomposition"] = meta_json(dec)
                lines.append(summary_text(dec))
        else:
            from ..depth import depth, depth_to_json, depth_to_text

            result = depth(M)
            out["depth"] = depth_to_json(result)
            lines.append(depth_to_text(result))
    print(json.dumps(out) if args.json else "\n".join(lines))
    if not cert.invertible:
        print("verify: the weight is singular", file=sys.stderr)
        return EXIT_MISMATCH
    return EXIT_OK
