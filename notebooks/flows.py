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
# # The NumPy flow core: build, train, look at the conditioning
#
# `verify.flows` is a small torch-free flow library. Its **forward** direction is the *generative*
# one, latent $z$ to data $x$, as in the paper's pushforward $g_\#\mathcal N$:
# `forward_and_log_det(z)` returns $x$ and $\log|\det \partial x/\partial z|$, and
# `inverse_and_log_det(x)` returns $z$ and $\log|\det \partial z/\partial x|$. Gradients of the
# log-likelihood are hand-written reverse mode. The tests check them against central
# differences.
#
# This notebook trains the paper's architecture on two moons (affine couplings that alternate the
# fixed halves), shows its samples and density, and then the singular values of its Jacobian.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from verify.flows import coupling_flow, fit, singular_values

#: the tests execute a small version (VERIFY_NOTEBOOK_QUICK=1, set by the root conftest.py); the
#: stored outputs come from the full settings (python notebooks/refresh.py)
QUICK = os.environ.get("VERIFY_NOTEBOOK_QUICK") == "1"


def two_moons(N, rng, noise=0.08):
    t = rng.uniform(0, np.pi, N)
    upper = rng.random(N) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], axis=1) + noise * rng.standard_normal((N, 2))


rng = np.random.default_rng(0)
data = two_moons(4000, rng)
flow = coupling_flow(2, n_layers=8, hidden=[64, 64], rng=np.random.default_rng(1), identity_init=True)
print("mean log-likelihood before training:", float(np.mean(flow.log_prob(data))))

# %% [markdown]
# Maximum likelihood with Adam (`fit` draws minibatches from the Generator it is given; nothing
# uses global random state).

# %%
losses = fit(flow, data, steps=300 if QUICK else 3000, batch=256, lr=2e-3, rng=np.random.default_rng(2))
print("mean log-likelihood after training:", float(np.mean(flow.log_prob(data))))
plt.figure(figsize=(5, 3))
plt.plot(losses)
plt.xlabel("step")
plt.ylabel("negative log-likelihood (minibatch)")
plt.show()

# %% [markdown]
# Samples and the learned density on a grid:

# %%
samples = flow.sample(1000 if QUICK else 4000, np.random.default_rng(3))
g = np.linspace(-1.5, 2.5, 120)
h = np.linspace(-1.0, 1.5, 100)
G, H = np.meshgrid(g, h)
logp = flow.log_prob(np.stack([G.ravel(), H.ravel()], axis=1)).reshape(G.shape)

fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
ax[0].scatter(*data.T, s=1)
ax[0].set_title("data (two moons)")
ax[1].scatter(*samples.T, s=1, color="C1")
ax[1].set_title("flow samples")
ax[2].contourf(G, H, np.exp(logp), levels=30)
ax[2].set_title("learned density")
for a in ax:
    a.set_xlim(-1.5, 2.5)
    a.set_ylim(-1.0, 1.5)
plt.show()

# %% [markdown]
# ## Conditioning
#
# The Jacobian $\partial x/\partial z$ of the generative map is the product of the layer Jacobians
# (exact for the linear layers). Its singular values at latent points tell how much the flow
# stretches and squeezes space. A two-moons flow must squeeze hard: most of the Gaussian's mass
# goes onto two thin curves. Depth and conditioning trade off in the paper, and later issues
# measure that trade-off with these functions.

# %%
z = np.random.default_rng(4).standard_normal((2000, 2))
s = singular_values(flow.transform, z)
cond = s[:, 0] / s[:, 1]
print(f"singular values: largest median {np.median(s[:, 0]):.3g}, smallest median {np.median(s[:, 1]):.3g}")
print(f"condition number: median {np.median(cond):.3g}, 99th percentile {np.percentile(cond, 99):.3g}, "
      f"max {cond.max():.3g}")
x, _ = flow.transform.forward_and_log_det(z)
fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
ax[0].hist(np.log10(s[:, 0]), bins=50, alpha=0.6, label="log10 sigma_max")
ax[0].hist(np.log10(s[:, 1]), bins=50, alpha=0.6, label="log10 sigma_min")
ax[0].legend()
ax[0].set_title("singular values of dx/dz")
sc = ax[1].scatter(*x.T, c=np.log10(cond), s=2, cmap="viridis")
plt.colorbar(sc, ax=ax[1], label="log10 cond(dx/dz)")
ax[1].set_title("where the flow is ill-conditioned (data space)")
plt.show()
