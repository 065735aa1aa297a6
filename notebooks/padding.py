# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Padding: zeros make flows ill-conditioned, Gaussian noise does not
#
# The paper's experiments train RealNVP on MNIST and CIFAR-10 with the data padded in three ways:
# not at all, with zeros, or with Gaussian noise $N(0.5, 0.5^2)$ clipped to $[0, 1]$. They log the
# test NLL and the mean condition number of the full Jacobian.
#
# The mechanism is easy to see. A flow maps a full-dimensional Gaussian to its output. Zero-padded
# data lives on a $d$-dimensional subspace of $\mathbb R^{2d}$, so the flow must squeeze the padded
# directions, and its Jacobian becomes nearly singular. Gaussian padding keeps the data
# full-dimensional.
#
# Here the same coupling architecture, with matched parameter counts, is trained by maximum
# likelihood on two moons and concentric circles. `bench/padding.py` adds the sklearn digits and
# uses 5 seeds at full size. Sizes are small so that the notebook runs in the tests.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from verify.padding import KINDS, dataset, pad, run_kind, train_flow
from verify.padding.report import to_text

#: the tests execute a small version (VERIFY_NOTEBOOK_QUICK=1, set by the root conftest.py); the
#: stored outputs come from the full settings (python notebooks/refresh.py)
QUICK = os.environ.get("VERIFY_NOTEBOOK_QUICK") == "1"

# %% [markdown]
# ## The padded data

# %%
rng = np.random.default_rng(0)
x = dataset("moons", 1000, rng)
fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
axes[0].scatter(*x.T, s=2)
axes[0].set_title("two moons (d = 2)")
for ax, kind in zip(axes[1:], ("zero", "gaussian")):
    p = pad(x, kind, rng)
    ax.scatter(p[:, 0], p[:, 2], s=2)
    ax.set(title=f"{kind} padding: x_1 against pad_1", xlabel="x_1", ylabel="pad_1")
plt.show()

# %% [markdown]
# ## Training each kind
#
# Four couplings are used, with two seeds and 500 Adam steps each.
#
# * NLL of the data coordinates: $-\log p(x)$ without padding. For Gaussian padding it is an
#   importance-sampled estimate of the marginal, biased upward. For zero and clipped padding it is
#   undefined, because that padding has no density.
# * The joint NLL per model dimension.
# * The condition number of $dx/dz$ at test points: mean and 90th percentile.

# %%
rows = {name: [run_kind(name, kind, [0] if QUICK else [0, 1], N=300 if QUICK else 800, layers=4, hidden=16,
                        steps=60 if QUICK else 500, cond_points=50 if QUICK else 200) for kind in KINDS]
        for name in ("moons", "circles")}
for rs in rows.values():
    print(to_text(rs), "\n")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (name, rs) in zip(axes, rows.items()):
    ax.bar([r.kind for r in rs], [r.cond_mean for r in rs], yerr=[r.cond_mean_std for r in rs], capsize=4)
    ax.plot([r.kind for r in rs], [r.cond_p90 for r in rs], "ko", label="90th percentile")
    ax.set(yscale="log", title=name, ylabel="condition number of dx/dz")
    ax.legend()
plt.show()

# %% [markdown]
# ## Samples of the trained flows (data coordinates)

# %%
fig, axes = plt.subplots(1, 4, figsize=(14, 3.3), sharex=True, sharey=True)
for ax, kind in zip(axes, KINDS):
    flow, _, rng = train_flow(
        "moons", kind, 0, N=300 if QUICK else 800, layers=4, hidden=16, steps=60 if QUICK else 500
    )
    s = flow.sample(1500, rng)
    ax.scatter(s[:, 0], s[:, 1], s=2)
    ax.set(title=f"{kind}", xlim=(-1.5, 2.5), ylim=(-1.2, 1.6))
plt.show()

# %% [markdown]
# At this small budget (500 steps, width 16) the samples are rough for every kind. The padded models
# spend capacity on the extra coordinates and show the moons less clearly in the data coordinates.
#
# **What this shows.** With zero padding the flows are far worse conditioned, typically by one to two
# orders of magnitude against Gaussian padding at the same parameter count. Their joint NLL keeps
# falling because squeezing the padded directions is rewarded without limit. This is the paper's
# finding, reproduced at a small size with error bars over seeds; the bench repeats it with 5 seeds
# and the digits data. The clipped variant has atoms at 0 and 1, so it sits in between: part of its
# padding mass is degenerate too.
