"""The measured commands: ``verify theorem1``, ``theorem4``, ``padding`` and ``kl`` (Remark 3)."""
from __future__ import annotations

import argparse

from .common import command_bar, emit, err, examples, measurement_output, plot_dir_missing, positive_type


def register(sub: argparse._SubParsersAction) -> None:
    t1 = sub.add_parser(
        "theorem1",
        help="build Theorem 1's depth-3 ReLU coupling network for a target; bound and measure W2 and conditioning",
        description="Builds g (no training) for each h and eps, computes the proved bound B on "
        "W2(g#N(0,I), Q), and measures W2 by exact optimal transport (POT) beside the "
        "estimator's floor (two samples of Q), the cell masses and the Jacobian.",
        epilog=examples("verify theorem1 --target annulus --h 0.2 0.1", "verify theorem1 --target hist.npy --json"),
    )
    t1.add_argument("--target", default="square",
                    help="square, two-boxes, annulus (n = 2); cube, box-mixture (n = 4); or a .npy histogram of "
                         "cell masses (an even number of axes)")
    t1.add_argument("--h", type=float, nargs="+", default=[0.2, 0.1, 0.05], help="cell sides (1/h an integer)")
    t1.add_argument("--eps", type=float, nargs="+", default=[1e-3], help="squeeze factors in (0, 1)")
    t1.add_argument("--samples", type=int, default=2000, help="N per sample (exact OT costs N^2 memory)")
    t1.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...)")
    t1.add_argument("--cond-points", type=int, default=500, help="latent points for the Jacobian statistics")
    measurement_output(t1, "W2 against h and conditioning against 1/eps")
    t1.set_defaults(func=run_theorem1)

    t4 = sub.add_parser("theorem4", help="Theorem 4: coupling flows of increasing depth trained on a k-mode mixture",
                        description="Builds the hard mixture q (k Gaussians, means on the sphere of radius "
                                    "10 gamma^2 d) and its depth-3 ReLU generator, trains coupling flows of each depth "
                                    "by maximum likelihood, and reports W1 (exact OT, with its floor) and both KL "
                                    "divergences (Monte Carlo with exact log-densities).",
                        epilog=examples("verify theorem4 --d 4 --k 8 --depths 1 2 4 --plot t4.png"))
    t4.add_argument("--d", type=int, default=4, help="dimension (>= 2)")
    t4.add_argument("--k", type=int, default=8, help="number of mixture components")
    t4.add_argument("--gamma", type=float, default=1.0, help="component standard deviation (the paper's gamma)")
    t4.add_argument("--depths", type=int, nargs="+", default=[1, 2, 4], help="numbers of coupling layers")
    t4.add_argument("--samples", type=int, default=1000, help="N for training and for each measurement sample")
    t4.add_argument("--seeds", type=int, default=2, help="number of seeds (0, 1, ...)")
    t4.add_argument("--steps", type=int, default=1000, help="Adam steps per flow")
    t4.add_argument("--hidden", type=int, default=32, help="conditioner width (two hidden layers)")
    measurement_output(t4, "W1 and KL against depth")
    t4.set_defaults(func=run_theorem4)

    pd = sub.add_parser("padding", help="coupling flows on data padded with nothing, zeros or Gaussian noise: NLL "
                                        "and Jacobian condition numbers",
                        description="Trains the same coupling architecture (matched parameter count) on the data "
                                    "as is and padded, and reports held-out NLL of the data coordinates and the "
                                    "condition number of the full Jacobian, mean +- std over seeds.",
                        epilog=examples("verify padding --data circles --kinds none zero gaussian --seeds 3"))
    pd.add_argument("--data", default="moons", help="moons, circles or digits (digits needs scikit-learn)")
    pd.add_argument("--kinds", nargs="+", default=["none", "zero", "gaussian"],
                    help="none, zero, gaussian, gaussian-clipped (the paper's N(0.5, 0.5^2) clipped to [0, 1])")
    pd.add_argument("--seeds", type=int, default=5, help="number of seeds (0, 1, ...)")
    pd.add_argument("--samples", type=int, default=2000, help="training points (moons, circles)")
    pd.add_argument("--layers", type=int, default=6, help="couplings")
    pd.add_argument("--hidden", type=int, default=32, help="conditioner width of the padded models")
    pd.add_argument("--steps", type=int, default=1500, help="Adam steps")
    measurement_output(pd, "condition numbers by padding kind")
    pd.set_defaults(func=run_padding)

    kl = sub.add_parser(
        "kl",
        help="Remark 3: maximum likelihood with k linear coupling pairs on samples of N(0, Sigma)",
        description="Trains linear coupling flows with k pairs by maximum likelihood and reports "
        "KL(N(0,Sigma) || model) beside the sample optimum's KL (the floor), and the "
        "exact one-pair construction for Sigma.",
        epilog=examples("verify kl --d 4 --cond 1e4 --pairs 1 2", "verify kl --sigma Sigma.npy --json"),
    )
    src = kl.add_mutually_exclusive_group()
    src.add_argument("--d", type=int, default=2, help="block size: a random 2d x 2d Sigma")
    src.add_argument("--sigma", metavar="SIGMA.npy", help="a symmetric positive definite 2d x 2d matrix")
    kl.add_argument("--cond", type=positive_type, default=100.0, help="condition number (>= 1) of the random Sigma")
    kl.add_argument("--pairs", type=int, nargs="+", default=[1, 2, 3], help="numbers of pairs k")
    kl.add_argument("--methods", nargs="+", default=["L-BFGS"], choices=["L-BFGS", "Adam"], help="optimisers")
    kl.add_argument("--samples", type=int, default=2000, help="N per seed")
    kl.add_argument("--seeds", type=int, default=3, help="number of seeds (0, 1, ...)")
    kl.add_argument("--json", action="store_true", help="JSON on stdout")
    kl.set_defaults(func=run_kl)



def run_theorem1(args: argparse.Namespace) -> int:
    from ..theorem1 import table
    from ..theorem1.measure import MAX_OT_SAMPLES
    from ..theorem1.report import load_target, plot, to_json, to_text

    if not 2 <= args.samples <= MAX_OT_SAMPLES or args.seeds < 1 or args.cond_points < 1:
        return err(f"--samples must be in 2..{MAX_OT_SAMPLES} (exact OT stores N x N costs), --seeds and "
                    "--cond-points >= 1")
    if plot_dir_missing(args):
        return err(f"--plot: no such directory for {args.plot}")
    Q = load_target(args.target)
    with command_bar(args, len(args.h) * len(args.eps), "theorem 1", "network") as bar:
        rows = table(Q, args.h, args.eps, args.samples, list(range(args.seeds)), args.cond_points, bar)
    return emit(args, to_json(Q, rows, args.samples, args.seeds), to_text(Q, rows, args.samples, args.seeds),
                 lambda path: plot(Q, rows, path))


def run_theorem4(args: argparse.Namespace) -> int:
    from ..theorem1.measure import MAX_OT_SAMPLES
    from ..theorem4 import depth_table, hard_generator
    from ..theorem4.report import plot, to_json, to_text

    if args.d < 2 or args.k < 1 or not 2 <= args.samples <= MAX_OT_SAMPLES or args.seeds < 1 or args.steps < 1 \
            or args.hidden < 1 or min(args.depths) < 1:
        return err(f"need --d >= 2, --samples in 2..{MAX_OT_SAMPLES} (exact OT stores N x N costs), and --k, "
                    "--seeds, --steps, --hidden and every --depths >= 1")
    if plot_dir_missing(args):
        return err(f"--plot: no such directory for {args.plot}")
    gen = hard_generator(args.d, args.k, args.gamma)
    with command_bar(args, len(args.depths), "theorem 4", "depth") as bar:
        rows = depth_table(gen, args.depths, args.samples, list(range(args.seeds)), args.steps, args.hidden, bar)
    setting = (args.samples, args.seeds, args.steps, args.hidden)
    return emit(args, to_json(gen, rows, *setting), to_text(gen, rows, *setting), lambda path: plot(gen, rows, path))


def run_padding(args: argparse.Namespace) -> int:
    from ..padding import DATASETS, padding_table
    from ..padding.report import plot, to_json, to_text

    if min(args.seeds, args.samples, args.layers, args.hidden, args.steps) < 1:
        return err("--seeds, --samples, --layers, --hidden and --steps must be >= 1")
    if plot_dir_missing(args):
        return err(f"--plot: no such directory for {args.plot}")
    if args.data not in DATASETS:
        return err(f"unknown data set {args.data!r}; choose one of {', '.join(DATASETS)}")
    with command_bar(args, len(args.kinds), f"padding {args.data}", "kind") as bar:
        rows = padding_table(args.data, args.kinds, list(range(args.seeds)), bar, N=args.samples, layers=args.layers,
                             hidden=args.hidden, steps=args.steps)
    return emit(args, to_json(rows), to_text(rows), lambda path: plot(rows, path))


def run_kl(args: argparse.Namespace) -> int:
    import numpy as np

    from ..io import read_matrix
    from ..remark3.experiment import kl_json, kl_table, kl_text, random_covariance, single_pair_summary

    if args.samples < 1 or args.seeds < 1 or min(args.pairs) < 1 or args.cond < 1:
        return err("--samples, --seeds and every --pairs must be >= 1, and --cond >= 1")
    if args.sigma:
        Sigma = read_matrix(args.sigma).array
    else:
        if args.d < 1:
            return err("--d must be >= 1")
        Sigma = random_covariance(2 * args.d, args.cond, np.random.default_rng(0))
    with command_bar(args, len(args.pairs) * len(args.methods), "kl", "row") as bar:
        rows = kl_table(Sigma, args.pairs, args.methods, args.samples, list(range(args.seeds)), bar)
    single = single_pair_summary(Sigma)
    return emit(args, kl_json(Sigma, rows, single, args.samples, args.seeds),
                 kl_text(Sigma, rows, single, args.samples, args.seeds), lambda path: None)

