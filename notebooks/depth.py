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
# # Minimal depth of a given matrix
#
# Theorem 2 (and `verify decompose`) give **3 pairs for every** $T$ with $\det T > 0$. A particular
# $T$ may need fewer: the *minimal depth* of $T$ is the smallest $k$ with
# $T = L_1U_1\cdots L_kU_k$. `verify depth` finds it and reports, for each $k$, one of these
# kinds of evidence:
#
# | status | what it proves |
# |---|---|
# | `exact` | rational layers, multiplied back exactly |
# | `certified` | an exact real solution lies in the reported box (Krawczyk's test in ball arithmetic) |
# | `numerical` | small residual only, no proof |
# | `not found` | nothing: the search failed, which does **not** mean no solution exists |
# | `impossible` | a proof that no solution exists (the exact $k=1$ criterion, or $\det T<0$ with positive scales) |

# %%
import numpy as np

from verify.depth import depth
from verify.depth.serialize import depth_to_text

rng = np.random.default_rng(0)


def pair(d, signed=False):
    A, D = rng.integers(-3, 4, size=(d, d)), rng.integers(-3, 4, size=(d, d))
    b, c = rng.integers(1, 4, size=d), rng.integers(1, 4, size=d)
    L = np.block([[np.eye(d, dtype=int), np.zeros((d, d), int)], [A, np.diag(b)]])
    U = np.block([[np.diag(c), D], [np.zeros((d, d), int), np.eye(d, dtype=int)]])
    return L @ U


# %% [markdown]
# ## k = 1: decided exactly
# $L(A,b)U(c,D) = \begin{bmatrix}\operatorname{diag}c & D\\ A\operatorname{diag}c & AD+\operatorname{diag}b\end{bmatrix}$,
# so $T$ is one pair iff $T_{11}$ and the Schur complement $T/T_{11}$ are diagonal and positive.

# %%
T1 = pair(2)
r1 = depth(T1.tolist())
print(T1)
print(depth_to_text(r1))

# %% [markdown]
# ## k = 2: searched, then certified
# The product of two random pairs. In the generic case, $k=2$ holds iff, for some positive scales,
# $T_{11}C^{-1}$ and $B\,\Sigma^{-1}$ are similar ($\Sigma = T/T_{11}$). That is $d$
# power-sum equations in $2d$ unknowns, and the search starts there. The solution is then polished
# to 60 digits and certified: Krawczyk's operator maps a box of radius $10^{-45}$ into itself, in
# arb ball arithmetic.

# %%
T2 = pair(3) @ pair(3)
r2 = depth(T2.tolist())
print(depth_to_text(r2))
dec = r2.decomposition
print("layers in mp arithmetic; residual bound %.1e, verified: %s" % (dec.residual, dec.verified))

# %% [markdown]
# ### What a certificate proves, and what it does not
# It proves that an exact real solution (with positive scales, since $b = e^\beta$) exists within
# $10^{-45}$ of the printed layers. It says nothing about $k = 1$, which the exact criterion
# settles, and a failed search says nothing about impossibility. The test can fail: the same
# box moved $10^{-3}$ away is rejected (`tests/test_depth.py`).

# %% [markdown]
# ## k = 3: the half swap in the positive regime
# For $J = \begin{bmatrix}0&I\\I&0\end{bmatrix}$ (even $d$, so $\det J = 1$), suppose
# $J\Delta^{-1} = E(x)F(a)E(b)F(c)$. The $(1,1)$ block of the right side is $I + ab$, so
# $ab = -I$ and $b = -a^{-1}$. Its $(1,2)$ block is then $a$, so $a = B^{-1}$. Its $(2,1)$ block is
# $b$, so $b = C^{-1}$. Together these give $BC = -I$, which **no positive** diagonals satisfy,
# although signed ones do. So the half swap needs 3 pairs in the positive regime but only 2 in
# the signed one. The solver agrees. (Certificates of this kind, for whole open sets, are issue 4.)

# %%
J = [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
print(depth_to_text(depth(J, starts=5)))
print(depth_to_text(depth(J, regime="signed", starts=5)))

# %% [markdown]
# ## A survey
# The fraction of random Gaussian matrices whose minimal depth found is 1, 2 or 3 (small sizes,
# so that this notebook runs in the test suite; see the README for 200 samples at d = 2, 3, 4).

# %%
import matplotlib.pyplot as plt

from verify.depth.survey import survey, survey_table

rows = survey([1, 2], "gaussian", 8, seed=0, starts=4)
print(survey_table(rows, "gaussian", "positive"))
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar([f"d = {r.d}" for r in rows], [r.k_min["2"] / r.samples for r in rows], label="k = 2")
ax.set_ylabel("fraction with k = 2")
ax.set_ylim(0, 1)
plt.show()
