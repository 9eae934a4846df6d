"""Monomial feature maps: ``P(X Y^T) = U1 U2^T`` entrywise (AS, section 3.2, Lemma 3.2).

For ``P(x) = sum_k c_k x^k`` and ``u, v`` in R^d,

    P(<u, v>) = sum_k c_k sum_{|alpha| = k} (k! / alpha!) u^alpha v^alpha,

so with one column per multi-index ``alpha`` of total degree ``<= g``,
``U1[i, alpha] = c_{|alpha|} (|alpha|! / alpha!) X_i^alpha`` and ``U2[j, alpha] = Y_j^alpha``.
The rank is the number of such multi-indices, ``C(d + g, g)``; Lemma 3.2 prints
``r = C(2(g + d), 2g)``, the number of monomials of degree <= 2g in the 2d variables of ``u`` and
``v`` together (an upper bound, :func:`paper_rank`).

The columns of degree k are built from those of degree k-1: in lexicographic order of sorted index
tuples the degree-(k-1) monomials whose first index is ``>= l`` form a suffix, and
``{x_l * m : m in that suffix}`` over ``l = 0..d-1`` lists every degree-k monomial once.  Each new
column costs one multiplication per row, so building all columns costs O(n r).

Operation counts (``impl.ledger``): :func:`monomials` of an ``n x d`` block charges ``(r - 1) n``
multiply-adds; :func:`feature_maps` records one call ``"feature_maps"`` with parts "validate",
"weights", "U1" and "U2".  The index tables (:func:`exponents`, the block starts, the multinomial
coefficients) depend on ``(d, g)`` only and are cached: they are not counted.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from impl.elements import FLOAT64, as_matrix, as_scalar
from impl.ledger import Ledger


def rank(d: int, g: int) -> int:
    """Number of feature columns: monomials of degree <= g in d variables, ``C(d + g, g)``."""
    return math.comb(d + g, g)


def paper_rank(d: int, g: int) -> int:
    """The r printed in Lemma 3.2 / Lemma 3.4: ``C(2(g + d), 2g)``."""
    return math.comb(2 * (g + d), 2 * g)


@lru_cache(maxsize=64)
def exponents(d: int, g: int) -> np.ndarray:
    """Exponent vectors ``alpha`` of the columns, in the order :func:`monomials` builds them:
    by degree, then lexicographically by sorted index tuple (``combinations_with_replacement``)."""
    rows = []
    for k in range(g + 1):
        for tup in itertools.combinations_with_replacement(range(d), k):
            alpha = [0] * d
            for i in tup:
                alpha[i] += 1
            rows.append(alpha)
    out = np.array(rows, dtype=np.int64).reshape(len(rows), d)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=64)
def _block_starts(d: int, g: int) -> list[list[int]]:
    """For each degree k >= 1, where the suffix of first index >= l starts in block k."""
    alphas = exponents(d, g)
    out = []
    offset = 1
    for k in range(1, g + 1):
        size = math.comb(d + k - 1, k)
        blk = alphas[offset:offset + size]
        first = np.argmax(blk > 0, axis=1)
        out.append([int(np.searchsorted(first, var)) for var in range(d)])
        offset += size
    return out


def monomials(X: np.ndarray, g: int, out: np.ndarray | None = None,
              ledger: Ledger | None = None) -> np.ndarray:
    """All monomials ``X_i^alpha`` with ``|alpha| <= g`` (no validation; any numeric or object array).

    Built degree by degree: block k is ``[X[:, l] * block_{k-1}[:, start_l:] for l in range(d)]``.
    The work array is ``r x n`` (each monomial a contiguous row); the result is its transpose.
    ``out``: an optional C-contiguous ``r x n`` buffer to fill (reused across row blocks).
    ``ledger``: charged ``(r - 1) n`` multiply-adds (one per entry of columns 1 .. r-1) and the
    words of the ``d g`` multiplications (each reads its source rows and one column of X), of
    the transposed copy of X and of the constant column.
    """
    n, d = X.shape
    r = rank(d, g)
    if out is None:
        out = np.empty((r, n), dtype=X.dtype)
    elif out.shape != (r, n) or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous {(r, n)} array")
    out[0, :] = 1
    if g == 0:
        if ledger is not None:
            ledger.touch(n)
        return out.T
    XT = np.ascontiguousarray(X.T)
    starts = _block_starts(d, g)
    prev_lo, prev_hi = 0, 1  # block k-1 occupies out[:, prev_lo:prev_hi]
    pos = 1
    for k in range(1, g + 1):
        lo = pos
        for var in range(d):
            src_lo = prev_lo if k == 1 else prev_lo + starts[k - 2][var]
            width = prev_hi - src_lo
            np.multiply(out[src_lo:prev_hi], XT[var], out=out[pos:pos + width])
            pos += width
        prev_lo, prev_hi = lo, pos
    assert pos == r
    if ledger is not None:
        # column 0; X^T copied (read + write); d g multiplications: (r - 1) n products reading
        # (r - 1) n source entries and d g columns of X^T, writing (r - 1) n entries
        ledger.charge((r - 1) * n, 0, n + 2 * n * d + 2 * (r - 1) * n + d * g * n)
    return out.T


def multinomials(d: int, g: int) -> list[int]:
    """``|alpha|! / alpha!`` for every column (exact integers)."""
    return list(_multinomials(d, g))


@lru_cache(maxsize=64)
def _multinomials(d: int, g: int) -> tuple[int, ...]:
    out = []
    for alpha in exponents(d, g):
        k = int(alpha.sum())
        m = math.factorial(k)
        for a in alpha:
            m //= math.factorial(int(a))
        out.append(m)
    return tuple(out)


def weights(coefficients: Sequence[Any], d: int, scale: Any = 1, *, kind=FLOAT64) -> np.ndarray:
    """Column weights ``c_k scale^k k!/alpha!`` (float64: computed exactly, rounded once)."""
    g = len(coefficients) - 1
    mult = _multinomials(d, g)
    degs = exponents(d, g).sum(axis=1)
    if kind is FLOAT64:
        s = Fraction(float(scale))
        cs = [Fraction(float(c)) * s ** k for k, c in enumerate(coefficients)]
        return np.array([float(cs[int(k)] * m) for k, m in zip(degs, mult)], dtype=np.float64)
    cs = [kind.scalar(c) * kind.scalar(scale) ** k for k, c in enumerate(coefficients)]
    out = np.empty(len(mult), dtype=object)
    for i, (k, m) in enumerate(zip(degs, mult)):
        out[i] = cs[int(k)] * kind.scalar(m)
    return out


def _coefficients_of(poly: Any) -> list[Any]:
    coeffs = getattr(poly, "coefficients", poly)
    if isinstance(coeffs, (str, bytes)) or coeffs is None:
        raise TypeError(f"poly must be an ExpPolynomial or a sequence of coefficients, got {type(poly).__name__}")
    try:
        out = list(np.asarray(coeffs, dtype=object).ravel()) if not isinstance(coeffs, list) else list(coeffs)
    except Exception as exc:
        raise TypeError(f"poly coefficients are not a sequence: {exc}") from None
    if len(out) == 0:
        raise ValueError("poly must have at least one coefficient")
    return out


def feature_maps(X: Any, Y: Any, poly: Any, *, scale: Any = 1.0,
                 ledger: Ledger | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(U1, U2)`` with ``P(scale * X Y^T) = U1 U2^T`` entrywise (AS, Lemma 3.2).

    ``poly`` is an :class:`~impl.poly.ExpPolynomial` or coefficients lowest degree first.
    ``X`` (n x d) and ``Y`` (m x d) are float64 or object arrays of sympy / mpmath numbers; both
    results have ``C(d + g, g)`` columns.  ``scale`` is folded into the weights
    (``c_k scale^k``), so ``X Y^T`` itself is never formed.

    ``ledger``: records one call ``"feature_maps"`` (parts "validate", "weights", "U1", "U2";
    ``(r - 1)(n + m) + n r + r + g + 1`` multiply-adds in all, no exponentials); nothing is
    recorded when the call raises.
    """
    led = ledger if ledger is not None else Ledger(enabled=False)
    led.begin("feature_maps")
    try:
        U1, U2 = _feature_maps(X, Y, poly, scale, led)
    except BaseException:
        led.abort()
        raise
    n, r = U1.shape
    led.end((n + U2.shape[0]) * r)
    return U1, U2


def _feature_maps(X: Any, Y: Any, poly: Any, scale: Any, led: Ledger) -> tuple[np.ndarray, np.ndarray]:
    Xa, kind = as_matrix(X, "X")
    Ya, _ = as_matrix(Y, "Y", kind=kind)
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {Xa.shape} and {Ya.shape}")
    coeffs = _coefficients_of(poly)
    for i, c in enumerate(coeffs):
        as_scalar(c, f"poly coefficient {i}", kind if kind is not FLOAT64 else FLOAT64)
    s = as_scalar(scale, "scale", kind)
    d = Xa.shape[1]
    g = len(coeffs) - 1
    n, m, r = Xa.shape[0], Ya.shape[0], rank(d, g)
    led.sizes(n=n, m=m, d=d, g=g, r=r)
    led.part("validate")
    led.touch((n + m) * d)                  # private copies
    led.vec((n + m) * d)                    # the finiteness / kind check of every entry
    led.part("weights")
    W = weights(coeffs, d, s, kind=kind)
    led.charge(r + g + 1, 0, 2 * r + g + 1)  # c_k scale^k (g + 1), times |alpha|!/alpha! (r)
    led.part("U1")
    U1 = monomials(Xa, g, ledger=led)
    U1 *= W
    led.vec(n * r, 2)
    led.part("U2")
    return U1, monomials(Ya, g, ledger=led)
