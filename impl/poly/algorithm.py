"""Algorithm 1 of AS (section 3.7, Theorem 3.7): attention through a low-rank ``A~ = U1 U2^T``.

    A~ = P(scale Q K^T) = U1 U2^T            (Lemma 3.4 via Lemma 3.2 and Corollary 2.2)
    w~ = U1 (U2^T 1),   T = diag(w~)^{-1} U1 (U2^T V)

with ``scale = 1/d`` by default and ``P = exp_polynomial(R, eps)`` certified on ``[-R, R]``.
``R`` bounds every logit: the tighter of ``|scale| max ||Q_i|| max ||K_j||`` (Cauchy-Schwarz) and
Lemma 3.3's ``|scale| d B^2``, rounded up to a grid (:mod:`impl.poly.radius`).  Both products share
one pass: ``Z = U1 (U2^T [1 | V])``.  ``U1`` and ``U2`` are built and consumed in row blocks, so
memory stays O(block r) while the time is O(n r (e + 1)); a configuration whose rank cannot fit
in memory is refused before anything is allocated (:mod:`impl.poly.budget`).

Guarantee (Lemma 3.5 with D~ = diag(A~ 1), then Lemma 3.6 in the form that holds, see
docs/poly.md): in exact arithmetic ``||T - Att||_inf <= 2 eps_A ||V||_inf`` with
``eps_A = P.certified_error <= eps``; so ``eps`` is the relative accuracy of the entries of A~, not
the additive accuracy of the output.  float64 rounding adds at most about
``2 gamma S_i ||V|| / w_i`` in row i, ``S_i = sum_j sum_t |U1_it U2_jt|``
(:class:`PolyAttentionReport` returns ``S`` and ``w~``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

import numpy as np

from impl.elements import FLOAT64, as_attention_inputs, as_scalar, power_of_two_scale
from impl.ledger import Ledger
from impl.poly.bounds import minimal_degree_lower_bound
from impl.poly.budget import check_fits, fit_step, memory_limit
from impl.poly.expoly import MAX_DEGREE, ExpPolynomial, exp_polynomial, validate_radius_eps
from impl.poly.factored import choose_depth, fold, products
from impl.poly.features import monomials, paper_rank, rank, weights
from impl.poly.radius import MIN_RADIUS, Radius, certificate_radius

#: float64 entries per feature block (rows x rank), 16 MB: skinny GEMMs need a few hundred rows to
#: run near memory bandwidth (measured on the benchmark machine)
BLOCK_ENTRIES = 1 << 21
__all__ = ["BLOCK_ENTRIES", "MIN_RADIUS", "PolyAttentionReport", "poly_attention", "poly_attention_report"]


@dataclass(frozen=True)
class PolyAttentionReport:
    """Everything :func:`poly_attention` computed, for checking its error bound."""

    output: np.ndarray
    poly: ExpPolynomial
    #: the certificate radius: the tighter of the norm bound ``|scale| max||Q_i|| max||K_j||`` and
    #: the entry bound ``|scale| d B^2`` (both in ``radii``), rounded up to the grid
    radius: float
    B: float
    scale: float
    #: number of feature columns ``C(d + g, g)`` and the count printed in Lemma 3.2
    rank: int
    paper_rank: int
    #: the computed row sums ``w~ = U1 (U2^T 1)`` (the diagonal of D~)
    row_sums: np.ndarray
    #: ``S_i = (|U1| (|U2|^T 1))_i`` when ``with_abs_sums``, else None
    abs_sums: np.ndarray | None
    #: both bounds on the logits the radius was chosen from
    radii: Radius
    #: the operation counts (``impl.ledger``): its last call is this one
    ledger: Ledger | None = None


def _validate(Q: Any, K: Any, V: Any, eps: Any, B: Any, scale: Any, max_bytes: Any):
    Qa, Ka, Va, kind = as_attention_inputs(Q, K, V)
    if kind is not FLOAT64:
        raise TypeError("poly_attention works on float64 arrays (Q holds "
                        f"{kind.name} numbers); use impl.attention for exact kinds")
    validate_radius_eps(1.0, eps)
    qmax, kmax = float(np.max(np.abs(Qa))), float(np.max(np.abs(Ka)))
    if B is None:
        Bv = max(qmax, kmax)
    else:
        Bv = as_scalar(B, "B", FLOAT64)
        if Bv <= 0:
            raise ValueError(f"B must be > 0, got {B!r}")
        if qmax > Bv:
            raise ValueError(f"Q has an entry of absolute value {qmax} > B = {Bv}")
        if kmax > Bv:
            raise ValueError(f"K has an entry of absolute value {kmax} > B = {Bv}")
    s = 1.0 / Qa.shape[1] if scale is None else as_scalar(scale, "scale", FLOAT64)
    if max_bytes is None:
        limit = memory_limit()
    else:
        limit = as_scalar(max_bytes, "max_bytes", FLOAT64)
        if not limit > 0:
            raise ValueError(f"max_bytes must be > 0, got {max_bytes!r}")
    radii = certificate_radius(Qa, Ka, s, Bv)
    if not math.isfinite(radii.value):
        raise ValueError(f"scale * max||q|| * max||k|| overflows float64 (B = {Bv}, scale = {s})")
    return Qa, Ka, Va, float(eps), Bv, s, radii, limit


def _step(n: int, m: int, d: int, e: int, r: int, block_rows: int | None, limit: float) -> int:
    """Rows per feature block: ``block_rows`` or :data:`BLOCK_ENTRIES` / r, at most max(n, m) (a
    larger block gives the same single block), lowered to fit the memory limit."""
    step = max(1, min(max(n, m), block_rows or BLOCK_ENTRIES // r))
    return fit_step(n, m, d, e, r, step, limit)


def _choose_polynomial(Qa, Va, Bv, radius: float, eps: float, limit: float,
                       block_rows: int | None) -> tuple[ExpPolynomial, int]:
    """P for (radius, eps) and the rows per block, refusing first on the proved lower bound of
    the degree (certifying a high degree takes seconds), then on the degree found."""
    n, d = Qa.shape
    m, e = Va.shape
    validate_radius_eps(radius, eps)
    kw = {"n": n, "m": m, "d": d, "e": e, "eps": eps, "B": Bv, "radius": radius, "limit": int(limit)}
    g_lb = _degree_lower_bound(radius, eps)
    check_fits(degree=g_lb, step=_step(n, m, d, e, rank(d, g_lb), block_rows, limit), at_least=True, **kw)
    poly = exp_polynomial(radius, eps)
    step = _step(n, m, d, e, rank(d, poly.degree), block_rows, limit)
    check_fits(degree=poly.degree, step=step, **kw)
    return poly, step


@lru_cache(maxsize=256)
def _degree_lower_bound(radius: float, eps: float) -> int:
    return min(minimal_degree_lower_bound(radius, eps, cap=MAX_DEGREE), MAX_DEGREE)


@lru_cache(maxsize=32)
def _weights(radius: float, eps: float, d: int, s: float) -> np.ndarray:
    """Column weights of exp_polynomial(radius, eps) (cached like the polynomial: the radius is on
    a grid, so repeated calls on similar inputs share them)."""
    W = weights(list(exp_polynomial(radius, eps).coefficients), d, s)
    W.setflags(write=False)
    return W


def _feature_blocks(X: np.ndarray, g: int, step: int, flat: np.ndarray, r: int,
                    led: Ledger) -> Iterator[tuple[int, int, np.ndarray]]:
    """Rows ``lo:hi`` of X in blocks of ``step``, each with its r monomials of degree <= g
    (written into ``flat``, charged to the ledger's part "features")."""
    for lo in range(0, X.shape[0], step):
        hi = min(lo + step, X.shape[0])
        led.part("features")
        yield lo, hi, monomials(X[lo:hi], g, out=flat[:r * (hi - lo)].reshape(r, hi - lo), ledger=led)


def _plain_products(Qa: np.ndarray, Ka: np.ndarray, ones_V: np.ndarray, W1: np.ndarray, g: int,
                    step: int, with_abs_sums: bool, led: Ledger):
    """Algorithm 1's products without a fold: every monomial of degree <= g written, in row
    blocks; returns the output (before undoing the scaling of V), w~ and the abs sums."""
    n, e = Qa.shape[0], ones_V.shape[1] - 1
    r = len(W1)
    buf = np.empty((r, step))
    flat = buf.reshape(-1)   # a last, shorter block fills a C-contiguous r x b view of buf
    # pass 1: M2^T [1 | V] over row blocks of K (M2 = monomials of K, U2 = M2), and |M2|^T 1
    Wr = np.zeros((r, 1 + e))
    led.touch(r * (1 + e))
    absW = np.zeros(r) if with_abs_sums else None
    for lo, hi, M2 in _feature_blocks(Ka, g, step, flat, r, led):
        b = hi - lo
        Wr += M2.T @ ones_V[lo:hi]
        # one GEMM r x b x (1 + e) and one r x (1 + e) addition: column 0 is U2^T 1 (line 7),
        # columns 1.. are U2^T V (line 9)
        led.part("D")
        led.gemm(r, b, 1)
        led.vec(r, 2)
        led.part("products")
        led.charge(r * b * e + r * e, 0, b * e + r * e + 3 * r * e)
        if absW is not None:
            led.part("abs sums")
            absW += np.abs(M2).sum(axis=0)
            led.vec(2 * b * r)
            led.vec(r, 2)
    # U1 = M1 diag(W1): fold the weights into the small r x (1 + e) factor once
    Wr *= W1[:, None]
    led.part("D")
    led.vec(r, 2)
    led.part("products")
    led.vec(r * e, 2)
    if absW is not None:
        led.part("abs sums")
        absW *= np.abs(W1)
        led.vec(2 * r, 2)
    # pass 2: Z = M1 (diag(W1) U2^T [1 | V]) = U1 (U2^T [1 | V]) over row blocks of Q
    out = np.empty((n, e))
    w = np.empty(n)
    S = np.empty(n) if with_abs_sums else None
    for lo, hi, M1 in _feature_blocks(Qa, g, step, flat, r, led):
        b = hi - lo
        with np.errstate(over="ignore", invalid="ignore"):
            Z = M1 @ Wr
        w[lo:hi] = Z[:, 0]
        out[lo:hi] = Z[:, 1:] / Z[:, :1]
        # one GEMM b x r x (1 + e): column 0 is w~ = U1 (U2^T 1) (line 7), columns 1.. are
        # U1 (U2^T V) (line 10); then w~ copied out (line 8) and the division (line 11)
        led.part("D")
        led.gemm(b, r, 1)
        led.touch(2 * b)
        led.part("products")
        led.charge(b * r * e, 0, r * e + b * e)
        led.vec(b * e, 2)
        if S is not None:
            led.part("abs sums")
            S[lo:hi] = np.abs(M1) @ absW
            led.vec(b * r)
            led.gemm(b, r, 1)
    return out, w, S


def poly_attention_report(
    Q: Any, K: Any, V: Any, *, eps: float = 1e-6, B: float | None = None,
    scale: float | None = None, with_abs_sums: bool = False, block_rows: int | None = None,
    ledger: Ledger | None = None, max_bytes: float | None = None,
) -> PolyAttentionReport:
    """:func:`poly_attention` with its intermediate quantities (AS, Algorithm 1).

    ``ledger``: the :class:`impl.ledger.Ledger` that records the call (a new one by default; the
    report's ``ledger`` field); see :func:`poly_attention` for what is counted.
    """
    led = ledger if ledger is not None else Ledger()
    led.begin("poly_attention")
    try:
        report = _poly_attention(Q, K, V, eps, B, scale, with_abs_sums, block_rows, max_bytes, led)
    except BaseException:
        led.abort()
        raise
    return report


def _poly_attention(Q: Any, K: Any, V: Any, eps: Any, B: Any, scale: Any, with_abs_sums: bool,
                    block_rows: int | None, max_bytes: Any, led: Ledger) -> PolyAttentionReport:
    led.part("validate")
    Qa, Ka, Va, eps, Bv, s, radii, limit = _validate(Q, K, V, eps, B, scale, max_bytes)
    radius = radii.value
    n, d = Qa.shape
    m, e = Va.shape
    # private copies and the finiteness check of every entry (impl.elements), max |Q|, max |K|,
    # and the squared norms of the rows of Q and K (the norm radius)
    led.touch((n + m) * d + m * e)
    led.vec((n + m) * d + m * e)
    led.vec(2 * (n + m) * d)
    led.charge((n + m) * d, 0, (n + m) * (d + 1))
    # depends on (R, eps) only: not counted (line 4)
    poly, step = _choose_polynomial(Qa, Va, Bv, radius, eps, limit, block_rows)
    g = poly.degree
    r = rank(d, g)
    led.part("features")
    W1 = _weights(radius, eps, d, s)
    led.charge(r + g + 1, 0, 2 * r + g + 1)      # c_k s^k, times |alpha|!/alpha!
    # V scaled by a power of two (exactly) so that max|V| <= 1: no overflow, no subnormal loss
    led.part("products")
    v_scale = power_of_two_scale(Va)
    led.vec(2 * m * e)                           # max |V|
    ones_V = np.hstack([np.ones((m, 1)), Va / v_scale])
    led.vec(m * e)                               # V / v_scale
    led.touch(2 * m * e)                         # copied into [1 | V]
    led.part("D")
    led.touch(3 * m)                             # the ones column, written and copied
    t = choose_depth(d, g, e)
    if t:
        fd = fold(d, g, t)
        width = fd.r_h + (1 + fd.sum_p + len(fd.prefix)) * (1 + e)
        step = fit_step(n, m, d, e, r, max(1, min(max(n, m), block_rows or BLOCK_ENTRIES // width)), limit)
        buffer_words = step * width + n * (1 + e)
        led.touch(r * (1 + e))
        with np.errstate(over="ignore", invalid="ignore"):
            Z = products(Qa, Ka, ones_V, W1, fd, step, led)
        w = Z[:, 0].copy()
        out = Z[:, 1:] / Z[:, :1]
        led.part("D")
        led.touch(2 * n)
        led.part("products")
        led.vec(n * e, 2)
        S = None
        if with_abs_sums:
            S = products(np.abs(Qa), np.abs(Ka), np.ones((m, 1)), np.abs(W1), fd, step, led,
                         single_part="abs sums")[:, 0]
    else:
        buffer_words = r * step + min(step, n) * (1 + e)
        out, w, S = _plain_products(Qa, Ka, ones_V, W1, g, step, with_abs_sums, led)
    out *= v_scale
    led.part("products")
    led.vec(n * e)                               # undo the scaling of V
    led.vec(n * e)                               # the finiteness check of the output
    if not np.all(np.isfinite(out)):
        raise ValueError("V is too large: the sums U2^T V overflow float64 (found by the hostile-input "
                         "survey: entries near 1e298); rescale V")
    led.part("D")
    led.vec(2 * n)                               # w~ finite and > 0
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError(
            "float64 cancellation: a row sum of U1 U2^T came out <= 0; the logits' range "
            f"R = {radius:g} is beyond what float64 features resolve at eps = {eps:g}")
    blocks_k, blocks_q = -(-m // step), -(-n // step)
    led.sizes(n=n, m=m, d=d, e=e, g=g, r=r, step=step, blocks_k=blocks_k, blocks_q=blocks_q, fold=t)
    # words held at the peak: private copies of Q, K, V, the block buffers (features, and with a
    # fold the prefix products and the n x (1 + e) result), [1 | V], the r x (1 + e) factor, the
    # output and w~
    space = (n + m) * d + m * e + buffer_words + m * (1 + e) + r * (1 + e) + n * (e + 1)
    if with_abs_sums:
        space += r + n
    led.end(space)
    return PolyAttentionReport(output=out, poly=poly, radius=radius, B=Bv, scale=s, rank=r,
                               paper_rank=paper_rank(d, g), row_sums=w, abs_sums=S, radii=radii, ledger=led)


def poly_attention(Q: Any, K: Any, V: Any, *, eps: float = 1e-6, B: float | None = None,
                   scale: float | None = None, ledger: Ledger | None = None,
                   max_bytes: float | None = None) -> np.ndarray:
    """Approximate ``Att(Q, K, V) = D^{-1} exp(scale Q K^T) V`` by Algorithm 1 of AS.

    ``eps``: relative accuracy of the polynomial (``|A~_ij - A_ij| <= eps A_ij``, Lemma 3.4); the
    output then satisfies ``||T - Att||_inf <= 2 eps ||V||_inf`` up to float64 rounding
    (Lemmas 3.5 and 3.6; for an additive target ``eps_a`` pass ``eps = eps_a / (2 ||V||_inf)``).
    ``B``: bound on the entries of Q and K (default: their max-abs entry); ``scale`` defaults to
    ``1/d``.  The polynomial is certified on the tighter of ``|scale| max||Q_i|| max||K_j||`` and
    ``|scale| d B^2`` (:mod:`impl.poly.radius`).  Raises ValueError/TypeError naming the argument on
    bad input, and ValueError (naming eps, B, the degree, the rank and the memory) before
    allocating when the call would hold more than ``max_bytes`` (default: the smaller of 4 GiB and
    the available memory, :mod:`impl.poly.budget`).

    ``ledger``: an :class:`impl.ledger.Ledger` that receives one call ``"poly_attention"``
    (nothing when the call raises), counted per numpy call with parts "validate" (copies, checks,
    max |Q|, |K|), "features" (U1, U2: the column weights and the monomials, ``(r - 1)`` products
    per row of Q and K, Lemmas 3.2/3.4), "D" (``w~ = U1 (U2^T 1)`` and its checks, lines 7-8)
    and "products" (``U2^T V``, ``U1 (U2^T V)``, the division by ``w~``, lines 9-11); no
    exponentials.  The choice and certification of P (line 4) depends on ``(R, eps)`` only and
    is not counted.  Bounds with constants: spec AS-3.2-cost, AS-3.4-cost, AS-3.7-cost.
    """
    return poly_attention_report(Q, K, V, eps=eps, B=B, scale=scale, ledger=ledger,
                                 max_bytes=max_bytes).output
