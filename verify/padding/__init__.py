r"""The paper's padding experiments: coupling flows trained on data padded with nothing, zeros, or
Gaussian noise (and the paper's clipped variant), compared by held-out likelihood of the data
coordinates and by the condition number of the full Jacobian."""
from .data import DATASETS, PaddingInputError, circles, dataset, two_moons
from .experiment import KINDS, PaddingRow, matched_hidden, n_params, pad, padding_table, run_kind, train_flow

__all__ = ["DATASETS", "KINDS", "PaddingInputError", "PaddingRow", "circles", "dataset", "two_moons", "pad",
           "matched_hidden", "n_params", "padding_table", "run_kind",
           "train_flow"]
