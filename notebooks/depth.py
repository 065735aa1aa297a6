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
# $L(A,b)U(c,D) = \begin{bmatrix}\operatorname{diag}c & D\\ A\operatorname{diag}c &
# AD+\operatorname{diag}b\end{bmatrix}$,
# so $T$ is one pair iff $T_{11}$ and the Schur complement $T/T_{11}$ are diagonal and positive.

# %%
T1 = pair(2)
r1 = depth(T1.tolist())
print(T1)
print(depth_to_text(r1))

# %% [markdown]
# ## k = 2: the reduced system, then certified
# Every product of two pairs has $N = T\Delta^{-1}$ with $N_{11} = I + Y_1X_2$ and
# $(N^{-1})_{22} = I + X_2Y_1$, and $YZ$, $ZY$ share their characteristic polynomial. With
# $x = 1/c$, $y = b$ and $W = (T^{-1})_{22}$ that is $d$ equations in the $2d$ scales, whose
# coefficients are principal minors (proofs/theorem3.md, Lemma 5):
# $$g_j(x,y) = \sum_{|S|=j}\det T_{11}[S,S]\,x^S - \sum_{|S|=j}\det W[S,S]\,y^S = 0,\qquad j=1..d.$$
# The search solves this small system first (log coordinates, one scale fixed), builds the two pairs
# by one similarity (Lemma 7), polishes them to 60 digits and certifies them: Krawczyk's operator
# maps a small box into itself, in arb ball arithmetic.

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
# ## k = 2 impossible: an LP certificate
# The same system proves impossibility. If polynomials $\lambda_j$ make
# $F = \sum_j \lambda_j g_j$ a nonzero polynomial with **every coefficient** $\ge 0$, then $F > 0$
# at every positive $(x, y)$, while $F = 0$ at every solution: no two pairs give $T$
# (Lemma 6). Finding $\lambda_j$ of a given degree is a linear program, solved in floats (HiGHS) and
# then made exact. Here is an integer $T$ on which the trace and minors obstructions are silent:

# %%
import json

from verify.checkers import check_certificate
from verify.depth import depth_to_json

T_LP = [[-2, 0, 1, -1, -2, 2], [3, -3, 0, -1, -2, 0], [-2, 3, -2, 1, 0, 1], [1, 3, 0, -2, 0, 1],
        [-1, -3, -2, -2, 2, 1], [3, 2, -2, 1, 3, 1]]
r_lp = depth(T_LP)
print(depth_to_text(r_lp))
cert = r_lp.per_k[2].certificate
print("multipliers:", json.dumps(cert["patterns"][0]["multipliers"]))

# %% [markdown]
# So $F = -\tfrac{1}{200} z_4\, g_1 + \tfrac{3}{56}\, g_2$ ($z_4 = b_2$) has no negative coefficient.
# `verify check-certificate` reads the `verify depth --json` file, recomputes every minor from $T$
# with its own code, re-expands $F$ exactly and checks the signs (and the $k = 3$ layers); a changed
# entry of $T$ fails:

# %%
data = json.loads(json.dumps(depth_to_json(r_lp)))
print(check_certificate(data).message)
data["T"][0][0] = "-1"
print(check_certificate(data).message)

# %% [markdown]
# The LP is a *sufficient* certificate: nobody has proved that a certificate of some degree exists
# whenever $k \le 2$ is impossible. Where the search finds nothing and no degree up to the budget
# works, `verify depth` says the case is undecided, with the degree tried.

# %% [markdown]
# ## A survey: $P(k_{\min} = 1, 2, 3)$, every count proved
# For Gaussian, uniform ($[-1,1]$ entries) and Haar orthogonal $T$ (conditioned on $\det T > 0$),
# $d = 1..6$, positive regime. Each sample is **decided**: its minimal depth is proved (a decomposition
# exact or certified, every smaller $k$ impossible by a proof), or it is counted as undecided. What is
# proved is each count; the probabilities are estimates, with 95% Clopper-Pearson intervals widened
# to cover every way the undecided samples could fall.

# %%
import os

import matplotlib.pyplot as plt

from verify.depth.survey import survey, survey_table

QUICK = os.environ.get("VERIFY_NOTEBOOK_QUICK") == "1"  # the tests run a small version
DS = [1, 2] if QUICK else [1, 2, 3, 4, 5, 6]
SAMPLES = 3 if QUICK else 50
results = {}
for ensemble in ("gaussian",) if QUICK else ("gaussian", "uniform", "orthogonal"):
    results[ensemble] = survey(DS, ensemble, SAMPLES, seed=11, jobs=1 if QUICK else 2)
    print(survey_table(results[ensemble], ensemble, "positive"))
    print()

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), sharey=True)
for ax, key in zip(axes, ("1", "2", "3")):
    for ensemble, rows in results.items():
        est = [r.interval(key) for r in rows]
        mid = [e[0] for e in est]
        err = [[e[0] - e[1] for e in est], [e[2] - e[0] for e in est]]
        ax.errorbar([r.d for r in rows], mid, yerr=err, marker="o", capsize=3, label=ensemble)
    ax.set_title(f"P(k_min = {key})")
    ax.set_xlabel("d")
axes[0].set_ylabel(f"fraction of {SAMPLES} samples")
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The plot illustrates estimates; the proved statements are the counts in the tables. At $d = 1$
# every $2 \times 2$ matrix with $\det T > 0$ is a product of two pairs or fewer, and $P(k_{\min} = 1)$
# drops to 0 with $d$ (it needs $T_{11}$ and $T/T_{11}$ diagonal). $P(k_{\min} = 3)$ falls with $d$ for
# all three ensembles: the $d$ equations in $2d$ scales become easier to satisfy.
