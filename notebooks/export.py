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
# # The constructions inside a flow library: flowjax
#
# Theorem 2 says every invertible linear map with positive determinant is a product of linear
# coupling pairs with one fixed half partition. Here that is done *inside flowjax*, with flowjax's own
# `Coupling` layers, starting from a linear layer that flowjax itself trained:
#
# 1. fit a Glow-style invertible linear flow (an LU-parametrised layer, `W = L U`, plus a shift) to data;
# 2. read its weight exactly and certify it (`verify.export.linear_from`, `certify_linear`: what
#    flowjax never checks -- that `W` is invertible, the sign of its determinant, its condition number);
# 3. decompose `W` with the stable method (`k = 7` or 8 pairs) and export the pairs as flowjax couplings
#    (`verify.export.to_flowjax`), and compare the two flows' log-likelihoods on the data;
# 4. export Theorem 1's depth-3 network (ReLU conditioners) and let flowjax sample it beside the target.

# %%
import jax

jax.config.update("jax_enable_x64", True)  # the export builds float64 flows: before any JAX array exists

# %%
import equinox as eqx
import jax.numpy as jnp
import jax.random as jr
import matplotlib.pyplot as plt
import numpy as np
from flowjax.bijections import Chain, TriangularAffine
from flowjax.distributions import StandardNormal, Transformed
from flowjax.train import fit_to_data

from verify import decompose
from verify.export import certify_linear, linear_from, to_flowjax

# %% [markdown]
# ## 1. A linear flow trained by flowjax
# Data: 1000 points of an 8-dimensional correlated Gaussian with a shift. The model is
# `x = L U z + loc` with `U` upper and `L` lower triangular (flowjax's `TriangularAffine`, positive
# diagonals through softplus): the LU parametrisation of Glow's 1x1 convolution, for 8 channels.

# %%
rng = np.random.default_rng(0)
n = 8
A = rng.standard_normal((n, n)) / np.sqrt(n) + np.eye(n)
data = rng.standard_normal((1000, n)) @ A.T + rng.standard_normal(n)
upper = TriangularAffine(jnp.zeros(n), jnp.eye(n), lower=False)
lower = TriangularAffine(jnp.zeros(n), jnp.eye(n), lower=True)
model = Transformed(StandardNormal((n,)), Chain([upper, lower]))  # first U, then L (and the shift)
model, losses = fit_to_data(jr.key(0), model, jnp.asarray(data), max_epochs=150, learning_rate=5e-2,
                            show_progress=False)
print(f"trained for {len(losses['train'])} epochs; mean log-likelihood on the data "
      f"{float(model.log_prob(jnp.asarray(data)).mean()):.4f}")

# %% [markdown]
# ## 2. Its weight, read exactly and certified
# `linear_from` forms `W = L U` in rationals from the float64 parameters flowjax holds (its softplus
# diagonals as flowjax computes them). The certificate is exact for invertibility and the sign of
# `det W`, and an interval for `cond_1(W) = ||W||_1 ||W^{-1}||_1`.

# %%
import paramax

lin = linear_from(paramax.unwrap(model.bijection))  # the chain U, then L
cert = certify_linear(lin)
print(cert.text())
W = np.array([[float(x) for x in r] for r in lin.rows])
loc = np.asarray(model.bijection.transform(jnp.zeros(n)))  # both layers' shifts: x = W z + loc
print("the trained flow's forward map is W z + loc:",
      np.allclose(np.asarray(jax.vmap(model.bijection.transform)(jnp.eye(n))), W.T + loc, rtol=1e-12, atol=1e-12))

# %% [markdown]
# ## 3. The same map as 7 or 8 coupling pairs, in flowjax
# The stable method writes `W = L_1 U_1 ... L_k U_k`, `k = 7` (8 when the spectrum is lopsided), with
# well-conditioned layers; `to_flowjax` makes
# each layer a flowjax `Coupling` (an `Affine` transformer, a linear conditioner; `U` layers between
# two half swaps). The exported flow is `N(0, W W^T)`; shifted by `loc` it is the trained model, so
# its log-likelihood on the data must be the same.

# %%
dec = decompose(W, "float")
print(f"k = {dec.k} pairs, relative residual <= {dec.residual:.2e}, "
      f"largest layer condition number {float(dec.max_layer_cond):.3g}")
exported = to_flowjax(dec)
log_prob = eqx.filter_jit(lambda f, x: f.log_prob(x))
ll_trained = np.asarray(log_prob(model, jnp.asarray(data)))
ll_exported = np.asarray(log_prob(exported, jnp.asarray(data - loc)))
rel = np.max(np.abs(ll_exported - ll_trained) / np.abs(ll_trained))
print(f"mean log-likelihood on the data: trained {ll_trained.mean():.10f}, exported {ll_exported.mean():.10f}")
print(f"largest relative difference over the 1000 points: {rel:.2e}")
print("couplings in the exported chain:", sum(type(b).__name__ == "Coupling" for b in exported.bijection.bijections))

# %% [markdown]
# ## 4. Theorem 1's network, sampled by flowjax
# `verify.theorem1.construct` builds three affine couplings with two-hidden-layer ReLU conditioners
# whose push-forward of `N(0, I)` is within a proved `W_2` bound of the target. `to_flowjax` carries
# the same weights into flowjax's `Coupling` layers with `eqx.nn.MLP` conditioners: the map is the same
# on every latent point to float64 rounding, and flowjax's own `sample` draws from it. The plot only
# illustrates; the numbers below it are the checks (the tests assert them).

# %%
from verify.theorem1 import construct
from verify.theorem1.measure import w2
from verify.theorem1.targets import target

net = construct(target("two-boxes"), 0.1, 1e-2)
flow = to_flowjax(net)
z = np.random.default_rng(1).standard_normal((600, 2))
same = np.max(np.abs(np.asarray(eqx.filter_jit(eqx.filter_vmap(flow.bijection.transform))(z))
                     - net.flow.transform.forward_and_log_det(z)[0]))
x_flowjax = np.asarray(flow.sample(jr.key(1), (600,)))  # 600 points: exact optimal transport in 0.1 s
rng = np.random.default_rng(2)
y, y2 = net.target.sample(600, rng), net.target.sample(600, rng)
fig, ax = plt.subplots(1, 2, figsize=(8, 4), sharex=True, sharey=True)
ax[0].scatter(*y.T, s=2)
ax[0].set_title("target: two boxes")
ax[1].scatter(*x_flowjax.T, s=2, color="C1")
ax[1].set_title("Theorem 1 network, sampled by flowjax")
for a in ax:
    a.set_aspect("equal")
plt.show()
print(f"largest difference of the two maps on 600 latent points: {same:.1e}")
ours, theirs, floors = [], [], []
for seed in range(3):  # W2 of 600-point samples against 600 target points, three seeds
    r = np.random.default_rng(10 + seed)
    yt, yt2 = net.target.sample(600, r), net.target.sample(600, r)
    theirs.append(w2(np.asarray(flow.sample(jr.key(10 + seed), (600,))), yt))
    ours.append(w2(net.flow.sample(600, r), yt))
    floors.append(w2(yt, yt2))
print(f"W2 to the target, mean +- std over 3 seeds: flowjax's samples {np.mean(theirs):.4f} +- {np.std(theirs):.4f}, "
      f"verify's {np.mean(ours):.4f} +- {np.std(ours):.4f}; the estimator's floor W2(target, target) "
      f"{np.mean(floors):.4f} +- {np.std(floors):.4f}; the proved bound {net.bound.total:.4f}")
