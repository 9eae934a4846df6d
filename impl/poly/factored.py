"""The two products of Algorithm 1 with the top degrees of U1 and U2 folded into the GEMMs.

``Z = U1 (U2^T [1 | V])`` sums, for every feature column ``alpha`` (a monomial of degree <= g),
``W_alpha q^alpha (sum_j k_j^alpha [1 | v_j])``.  Write the sorted index tuple of a monomial of
degree >= h as a *prefix* p of length <= t = g - h followed by a monomial beta of degree h, every
index of p at most the first index f of beta.  Then ``q^alpha = q^p q^beta``, and

    K side:  S[beta, p] = sum_j k_j^beta (k_j^p [1 | v_j])       one GEMM per f: M_h^T (k^p [1|V])
    Q side:  Z_i = sum_{beta, p} q_i^p (q_i^beta (W S)[beta, p])  one GEMM per f, then the q^p

so only the ``C(d + h, h)`` monomials of degree <= h are ever written (``C(d + g, g)`` without
the fold) while every product is still a GEMM; the multiplications by ``q^p`` and ``k^p`` (the
top t degrees of U1 and U2, applied on the fly) cost ``(1 + e)`` per prefix and row.  The number
of multiply-adds of the GEMMs is the same as Algorithm 1's, term for term: each column alpha is
one (beta, p) pair.  :func:`choose_depth` picks t by a cost model: written monomials plus
:data:`PREFIX_COST` times the prefix work per row, against ``C(d + g, g)`` for no fold.

Ledger: the monomials, the prefix products and their sum over p are counted under "features"
(they form U1's and U2's top degrees); the GEMMs, their block additions and the weights under "D"
(the ``1`` column: one share in ``1 + e``) and "products" (the V columns), as without the fold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from impl.ledger import Ledger
from impl.poly.features import exponents, monomials, rank

#: cost of one prefix product per row and column of [1 | V], in units of one written monomial
#: (the prefix products are small strided numpy operations; measured at d = 8, g = 6, e = 8)
PREFIX_COST = 2.5
#: the deepest fold tried
MAX_DEPTH = 4


@dataclass(frozen=True)
class Fold:
    """Index tables of the fold at depth ``t`` for ``(d, g)``."""

    t: int
    h: int
    #: monomials written per row: degree <= h
    r_h: int
    #: columns of degree < h (used as they are: prefix 1)
    low: int
    #: (lo, hi, P): the degree-h columns [lo, hi) whose first index is f take the first P prefixes
    groups: tuple[tuple[int, int, int], ...]
    #: the prefixes (monomials of degree <= t, as columns of the degree <= h monomials), ordered
    #: by their largest index, so that group f uses a leading run of them
    prefix: np.ndarray
    #: the gather of the Q side's sum over p: column 0 (the monomial 1) for the low part, then
    #: the prefixes of each group
    pre_cols: np.ndarray
    #: per group, a (hi - lo) x P table of the columns alpha = beta + p in exponents(d, g) order
    alphas: tuple[np.ndarray, ...]

    @property
    def sum_p(self) -> int:
        """Prefixes summed over the groups (the Q side sums 1 + sum_p products per column)."""
        return sum(P for _, _, P in self.groups)


def _prefix_count(d: int, g: int, t: int) -> int:
    return sum(math.comb(f + 1 + t, t) for f in range(d)) if g - t >= 1 else 0


def depth_cost(d: int, g: int, e: int, t: int) -> float:
    """Work per row of the cost model: monomials written plus prefix products."""
    if t == 0:
        return float(rank(d, g))
    return rank(d, g - t) + PREFIX_COST * _prefix_count(d, g, t) * (1 + e)


def choose_depth(d: int, g: int, e: int) -> int:
    """The depth t in 0 .. min(MAX_DEPTH, g // 2) of least :func:`depth_cost` (0: no fold).  A fold
    needs the column keys ``sum alpha_i (g + 1)^i`` to fit an int64."""
    if d * math.log2(g + 1) > 62:
        return 0
    costs = [(depth_cost(d, g, e, t), t) for t in range(0, min(MAX_DEPTH, g // 2) + 1)]
    return min(costs)[1]


@lru_cache(maxsize=16)
def fold(d: int, g: int, t: int) -> Fold:
    """The tables of the fold at depth ``1 <= t <= g / 2``."""
    if not 1 <= t <= g // 2:
        raise ValueError(f"fold depth t must lie in 1 .. g/2 = {g // 2}, got {t}")
    h = g - t
    ex = exponents(d, g)
    r_h, low = rank(d, h), rank(d, h - 1)
    first = np.argmax(ex[low:r_h] > 0, axis=1)            # first index of each degree-h column
    ex_t = ex[:rank(d, t)]
    largest = np.array([max((i for i in range(d) if a[i]), default=-1) for a in ex_t])
    prefix = np.argsort(largest, kind="stable")
    base = (g + 1) ** np.arange(d, dtype=np.int64)
    keys = ex @ base                                      # distinct: every exponent is <= g
    order = np.argsort(keys)
    sorted_keys = keys[order]
    groups, alphas, pre = [], [], [np.zeros(1, dtype=np.int64)]
    for f in range(d):
        lo, hi = low + int(np.searchsorted(first, f)), low + int(np.searchsorted(first, f, side="right"))
        if hi == lo:
            continue
        P = int(np.sum(largest <= f))
        pair = keys[lo:hi, None] + (ex_t[prefix[:P]] @ base)[None, :]
        alpha = order[np.searchsorted(sorted_keys, pair)]
        groups.append((lo, hi, P))
        alphas.append(alpha)
        pre.append(prefix[:P])
    return Fold(t=t, h=h, r_h=r_h, low=low, groups=tuple(groups), prefix=prefix,
                pre_cols=np.concatenate(pre), alphas=tuple(alphas))


class _Counts:
    """Where the counts of one pass go: "features", or the split of a [1 | V] product between
    "D" (its first column) and "products" (the others); everything to one part for abs sums."""

    def __init__(self, led: Ledger, c: int, single: str | None) -> None:
        self.led, self.c, self.single = led, c, single

    def features(self, muls: int = 0, words: int = 0) -> None:
        self.led.part(self.single or "features")
        self.led.charge(muls, 0, words)

    def columns(self, muls_per_col: int, shared_words: int, words_per_col: int) -> None:
        led, c = self.led, self.c
        if self.single:
            led.part(self.single)
            led.charge(muls_per_col * c, 0, shared_words + words_per_col * c)
            return
        led.part("D")
        led.charge(muls_per_col, 0, shared_words + words_per_col)
        led.part("products")
        led.charge(muls_per_col * (c - 1), 0, words_per_col * (c - 1))


def products(Q: np.ndarray, K: np.ndarray, V1: np.ndarray, W: np.ndarray, fd: Fold, step: int,
             led: Ledger, single_part: str | None = None) -> np.ndarray:
    """``Z = U1 (U2^T V1)`` (n x c) with U1 = monomials(Q) diag(W), U2 = monomials(K), degree g,
    through the fold ``fd``; ``step`` rows per block.  Counts go to ``led`` (see the module)."""
    n, m, c = Q.shape[0], K.shape[0], V1.shape[1]
    cnt = _Counts(led, c, single_part)
    r_h, low = fd.r_h, fd.low
    r_t = len(fd.prefix)
    buf = np.empty(r_h * step)
    rk = np.empty(step * r_t * c)
    S_low = np.zeros((low, c))
    S = [np.zeros((hi - lo, P * c)) for lo, hi, P in fd.groups]
    for lo in range(0, m, step):
        hi = min(lo + step, m)
        b = hi - lo
        cnt.features()
        M = monomials(K[lo:hi], fd.h, out=buf[:r_h * b].reshape(r_h, b), ledger=led)
        Vb = V1[lo:hi]
        S_low += M[:, :low].T @ Vb
        cnt.columns(low * b + low, low * b, b + 3 * low)
        RK = rk[:b * r_t * c].reshape(b, r_t, c)
        np.multiply(M[:, fd.prefix][:, :, None], Vb[:, None, :], out=RK)
        cnt.features(b * r_t * c, b * r_t + b * c + b * r_t * c)
        RK2 = RK.reshape(b, r_t * c)
        for (glo, ghi, P), Sf in zip(fd.groups, S):
            Sf += M[:, glo:ghi].T @ RK2[:, :P * c]
            w = ghi - glo
            cnt.columns(w * b * P + w * P, w * b, b * P + 3 * w * P)
    # the weights W_alpha, alpha = beta + p, folded into the factor once
    R_low = S_low * W[:low, None]
    cnt.columns(low, low, 2 * low)
    R = []
    for (glo, ghi, P), Sf, alpha in zip(fd.groups, S, fd.alphas):
        w = ghi - glo
        R.append((Sf.reshape(w, P, c) * W[alpha][:, :, None]).reshape(w, P * c))
        cnt.columns(w * P, w * P, 2 * w * P)
    width = (1 + fd.sum_p) * c
    Ybuf = np.empty(step * width)
    Z = np.empty((n, c))
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        b = hi - lo
        cnt.features()
        M = monomials(Q[lo:hi], fd.h, out=buf[:r_h * b].reshape(r_h, b), ledger=led)
        Y = Ybuf[:b * width].reshape(b, width)
        with np.errstate(over="ignore", invalid="ignore"):
            np.matmul(M[:, :low], R_low, out=Y[:, :c])
            cnt.columns(b * low, b * low, low + b)
            pos = c
            for (glo, ghi, P), Rf in zip(fd.groups, R):
                np.matmul(M[:, glo:ghi], Rf, out=Y[:, pos:pos + P * c])
                pos += P * c
                cnt.columns(b * (ghi - glo) * P, b * (ghi - glo), (ghi - glo) * P + b * P)
            # sum over p of q^p times its block of Y (the prefix 1 first, for the low part)
            pre = M[:, fd.pre_cols]
            np.matmul(pre[:, None, :], Y.reshape(b, 1 + fd.sum_p, c), out=Z[lo:hi, None, :])
        cnt.features(b * (1 + fd.sum_p) * c, 2 * b * (1 + fd.sum_p) + b * width + b * c)
    return Z
