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
# # Theorem 2, as an algorithm
#
# **Theorem 2** (Koehler, Mehta, Risteski). For $d \ge 4$ there is a $k \le 24$ such that every
# invertible $T \in \mathbb{R}^{2d \times 2d}$ with $\det T > 0$ is a product
# $T = \prod_{i=1}^k L_i U_i$ of linear affine coupling layers
# $L_i = \begin{bmatrix} I & 0 \\ A_i & B_i \end{bmatrix}$,
# $U_i = \begin{bmatrix} C_i & D_i \\ 0 & I \end{bmatrix}$ with positive diagonal $B_i, C_i$.
#
# `verify` turns this into an algorithm with **$k = 3$ for every $d \ge 1$**. Three is optimal,
# because Theorem 3 of the paper shows $k = 2$ is not always enough. The full proof is in
# `proofs/theorem2.md`; this notebook runs it on examples.

# %%

import numpy as np
from IPython.display import Math, display

from verify import decompose
from verify.algebra import get_arithmetic
from verify.algebra.layers import split
from verify.theorem2.construction import _scaling, commutator, three_pairs_word
from verify.theorem2.serialize import to_latex

ar = get_arithmetic("exact")


def show(name, M):
    display(Math(name + " = " + to_latex_matrix(M)))


def to_latex_matrix(M):
    from verify.theorem2.serialize import bmatrix
    return bmatrix(ar.to_strings(M))


# %% [markdown]
# ## The construction step by step, on a 4x4 example
# This $T$ has a **singular** top-left block $T_{11}$. Naive block
# elimination pivots on $T_{11}$ and would fail here. Our construction pivots on
# $B = \tilde T_{12} - \tilde T_{11} y$ instead, which can be made invertible for every $T$.

# %%
T = ar.from_fractions([[1, 2, 3, 0], [2, 4, 1, 1], [0, 1, 2, 1], [1, 0, 1, 3]])
d = 2
show("T", T)
print("det T =", T.det(), "  det T11 =", T[:d, :d].det())

# %% [markdown]
# **Step 1.** Choose a positive diagonal $\Delta = \operatorname{diag}(c, b)$ with
# $\det \Delta = \det T$, and set $\tilde T = T \Delta^{-1} \in SL(4)$.

# %%
c, b = _scaling(ar, T, d, None)
print("c =", c, " b =", b)
one = ar.scalar(1)
Tt = T.scale_columns([one / x for x in c + b])
print("det T~ =", Tt.det())

# %% [markdown]
# **Step 2.** Here $y = 0$ already makes $B = \tilde T_{12}$ invertible.
# **Step 3.** Set $W = -(SB)^{-1}$, where $S = C - DB^{-1}A$. Then $\det W = 1$.

# %%
A_, B, C_, D_ = split(Tt)
S = C_ - D_ @ B.inv() @ A_
W = -(S @ B).inv()
show("W", W)
print("det W =", W.det())

# %% [markdown]
# **Step 4 (Lemma C).** Write $W$ as a commutator: $WP = H^{-1} P H$. The proof uses the LDU
# factors of $W$ and a cyclic shift of its leading minors.

# %%
P, Pinv, H, Hinv = commutator(ar, W, ar.eye(d))
show("P", P)
show("H", H)
print("W P == H^{-1} P H:", (W @ P).rows() == (H.inv() @ P @ H).rows())

# %% [markdown]
# **Step 5.** The six block-unitriangular factors, then the three pairs. Each is checked by
# multiplying it back, exactly.

# %%
word = three_pairs_word(ar, T, c, b, ar.zeros(d), ar.eye(d))
for i, (kind, X) in enumerate(word.factors):
    show(f"{'X' if kind == 'E' else 'Y'}_{i // 2 + 1} \\quad ({kind}(\\cdot)\\text{{ factor}})", X)
dec = decompose(T.rows())
print("k =", dec.k, " verified (exact product equals T):", dec.verified)
display(Math(to_latex(dec).replace("$$", "").replace("\n", r" \\ ")))

# %% [markdown]
# ## An 8x8 example

# %%
rng = np.random.default_rng(8)
M = rng.integers(-3, 4, size=(8, 8))
if round(np.linalg.det(M)) < 0:
    M[0] *= -1
dec8 = decompose(M.tolist())
print(
    "k =",
    dec8.k,
    " verified:",
    dec8.verified,
    " max layer condition number (1-norm): %.2e" % float(dec8.max_layer_cond),
    " route:",
    dec8.route,
)
show("A_1", dec8.pairs[0].A)

# %% [markdown]
# `route = "spectral"`: Lemma C was run with $P = \operatorname{diag}(2, \dots, d, 1) + r e_d^T$, where
# $r$ solves one linear system that makes $WP$ have the same eigenvalues $2, \dots, d, 1$; the similarity
# $H$ comes from $WP$'s left eigenvectors, with no eigenvector matrix of a triangular matrix
# (`proofs/theorem2.md`, Step 4''). Its entries have a proved bound of $O(d^2(b + \log d))$ bits
# (Theorem B there; the last eigenvalue $1$ and $\Delta = \operatorname{diag}(1, \dots, 1, \det T)$ halve
# the sizes, Lemma Y there). With `prescribe=False` the construction takes the `"pivots"` route (kept for
# inputs where the spectral solves are singular): the eigenvalues are minors of $W$, and the products
# of their differences make the rationals several times longer:

# %%
from verify.algebra.arith import Exact
from verify.theorem2.construction import three_pairs_word
from verify.theorem2.cost import spectral_bits_bound


def largest_bits(word):
    return max(max(abs(q.numerator).bit_length(), q.denominator.bit_length())
               for _, X in word.factors for r in X.rows() for q in r)


ex = Exact()
M16 = np.random.default_rng(0).integers(-9, 10, size=(16, 16))
if round(np.linalg.det(M16)) < 0:
    M16[0] *= -1
T16 = ex.from_fractions(M16.tolist())
one = [ex.scalar(1)] * 8
b16 = one[:-1] + [T16.det()]  # Delta = diag(1, ..., 1, det T), exact mode's default
for prescribe in (True, False):
    w = three_pairs_word(ex, T16, one, b16, ex.zeros(8), ex.eye(8), prescribe=prescribe)
    print(f"2d = 16, route {w.route!r}: largest numerator or denominator {largest_bits(w)} bits")
print("Theorem B's bound for 2d = 16 and 4-bit entries:", spectral_bits_bound(8, 4), "bits")

# %% [markdown]
# ## The half swap $J = \begin{bmatrix} 0 & I \\ I & 0 \end{bmatrix}$
# $J_{11} = 0$, so no construction that pivots on $T_{11}$ applies. $\det J = (-1)^d$, so
# $J$ is in the positive regime for even $d$. For odd $d$ the sign layer is needed.

# %%
for dd in (2, 3, 4):
    n = 2 * dd
    J = [[int(j == (i + dd) % n) for j in range(n)] for i in range(n)]
    decJ = decompose(J, sign_layer=True)
    print(f"d = {dd}: k = {decJ.k}, sign layer: {decJ.sign_layer}, verified: {decJ.verified}")

# %% [markdown]
# ## A permutation: partitions are not a bottleneck
# Glow learns a 1x1 convolution in place of a fixed permutation of channels. Theorem 2 says a
# fixed half/half partition can represent *any* permutation, here in 3 pairs. So the choice of
# partition does not limit what a deep enough coupling flow can express.

# %%
perm = rng.permutation(8)
Pm = np.eye(8, dtype=int)[perm]
if round(np.linalg.det(Pm)) < 0:
    Pm[[0, 1]] = Pm[[1, 0]]
decP = decompose(Pm.tolist())
print("permutation", perm, "-> k =", decP.k, "verified:", decP.verified)

# %% [markdown]
# ## Cost and conditioning
# The construction is exact, but its layers grow ill-conditioned as $d$ grows. This is the
# paper's theme (depth versus conditioning), and `bench/theorem2.py` measures it at larger sizes.
# Below: time and the largest layer condition number, exact mode, for random integer matrices.

# %%
import time

import matplotlib.pyplot as plt

ds, times, conds = [1, 2, 3, 4, 6, 8], [], []
for dd in ds:
    M = rng.integers(-5, 6, size=(2 * dd, 2 * dd))
    if round(np.linalg.det(M)) <= 0:
        M[0] *= -1
    t0 = time.perf_counter()
    r = decompose(M.tolist())
    times.append(time.perf_counter() - t0)
    conds.append(float(r.max_layer_cond))
    assert r.verified
fig, ax = plt.subplots(1, 2, figsize=(9, 3))
ax[0].semilogy(ds, times, "o-"); ax[0].set_xlabel("d"); ax[0].set_ylabel("seconds (exact)")
ax[1].semilogy(ds, conds, "o-"); ax[1].set_xlabel("d"); ax[1].set_ylabel("max layer cond (1-norm)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Depth versus conditioning: the minimal (k = 3) and the stable (k = 7 or 8) method
# In floating point the k = 3 layers are too ill-conditioned to carry (their condition numbers
# grow like eigenvector bases of a non-normal matrix). The stable method (`method="stable"`, the
# default for float input; proof in `proofs/theorem2_stable.md`) spends four more pairs: one SVD
# of $T$, each orthogonal factor written as seven shears of norm at most 8.5, and the singular
# values in the middle pair; on a lopsided spectrum (most Gaussian matrices: one singular value far
# below the rest) the middle diagonal's square root goes into two pairs, k = 8, which keeps every
# layer within a constant times $\sqrt{\operatorname{cond} T}$. (Times a scale factor no fixed k
# avoids: some layer of every k-pair factorisation has condition at least
# $\max(g, 1/g)^{1/k}$, $g = |\det T|^{1/2d}$.) Below: the same Gaussian matrices ($\operatorname{cond} T \approx$
# tens to hundreds) through both methods in float64: the largest 2-norm layer condition number
# and the backward error $\|\Pi - T\|_F/\|T\|_F$ (certified: the `residual` each decomposition
# reports). This shows the trade-off on these matrices; the bound itself is proved, not plotted.

# %%
def layer_cond2(dec):
    out = []
    for p in dec.pairs:
        dd = len(p.b)
        I, Z = np.eye(dd), np.zeros((dd, dd))
        out += [np.linalg.cond(np.block([[I, Z], [p.A.v, np.diag(p.b)]])),
                np.linalg.cond(np.block([[np.diag(p.c), p.D.v], [Z, I]]))]
    return max(out)


sizes, rows = [4, 8, 16, 32, 64], {"minimal": [], "stable": []}
grng = np.random.default_rng(1)
for n in sizes:
    G = grng.standard_normal((n, n))
    if np.linalg.det(G) < 0:
        G[0] *= -1
    for method in rows:
        dec = decompose(G, "float", method=method, attempts=1)
        rows[method].append((dec.k, layer_cond2(dec), dec.residual))
    print(f"2d = {n:3d}: minimal k = {rows['minimal'][-1][0]}, cond {rows['minimal'][-1][1]:.1e}, "
          f"residual {rows['minimal'][-1][2]:.1e} | stable k = {rows['stable'][-1][0]}, "
          f"cond {rows['stable'][-1][1]:.1e}, residual {rows['stable'][-1][2]:.1e}")
fig, ax = plt.subplots(1, 2, figsize=(9, 3))
for method, style in (("minimal", "o-"), ("stable", "s-")):
    ks = sorted({r[0] for r in rows[method]})
    ax[0].semilogy(sizes, [r[1] for r in rows[method]], style, label=f"{method} (k = {' or '.join(map(str, ks))})")
    ax[1].semilogy(sizes, [r[2] for r in rows[method]], style, label=method)
ax[0].set_xlabel("2d"); ax[0].set_ylabel("max layer cond (2-norm)"); ax[0].legend()
ax[1].set_xlabel("2d"); ax[1].set_ylabel("certified backward error"); ax[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The same construction runs in mpmath at any number of digits (`--mp DIGITS --method stable` on the
# command line); the certified residual then falls with the precision. (mpmath has no real Schur
# form: the rotation form of an orthogonal matrix comes from its complex Schur form at doubled
# precision, after re-orthogonalising it there.)

# %%
G = np.random.default_rng(7).standard_normal((6, 6))
if np.linalg.det(G) < 0:
    G[0] *= -1
for digits in (20, 40, 80):
    dec = decompose(G, "mp", method="stable", digits=digits)
    print(f"{digits:3d} digits: k = {dec.k}, certified residual {dec.residual:.1e}, verified {dec.verified}")
