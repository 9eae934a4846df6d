"""Rigorous interval certificate for ``sup |P(x) - e^x| / w(x)`` on ``[lo, hi]``.

Seed 002 (Alman & Song), section 2: Lemma 2.1 bounds the additive error ``|P(x) - e^x|`` on
``[0, B]`` (``w = 1``); Corollary 2.2 the relative error ``|P(x) - e^x| / e^x`` on ``[-B, B]``
(``w = e^x``).  This module proves such bounds for a *given* P with dyadic coefficients (every
float64 is one), using mpmath interval arithmetic (``mpmath.iv``) and exact integer arithmetic:

For the relative error ``r(x) = P(x) e^{-x} - 1`` the interval is cut into pieces
``[m - h, m + h]`` with dyadic ``m, h``.  On each piece, Taylor's theorem gives

    sup |r| <= |r(m)| + |r'(m)| h + sup|r''| h^2 / 2,
    r'(x) = (P' - P)(x) e^{-x},   r''(x) = (P'' - 2P' + P)(x) e^{-x},

where ``P(m)``, ``P'(m)`` and the Taylor coefficients of ``P'' - 2P' + P`` at ``m`` are exact
integers (a Taylor shift of the scaled integer coefficients), ``e^{-m}`` is an mpmath interval
and ``sup |P'' - 2P' + P|`` over the piece is bounded by the sum of absolute values of its shifted
coefficients times ``h^j``.  ``|r(m)|`` is a rigorous *lower* bound of the supremum.  Pieces whose
upper bound is not within ``rtol`` of the best lower bound are bisected.  The additive error is
``e^x r(x)``, bounded by ``e^{m+h}`` times the same piece bound.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Literal

from mpmath import iv, mp, mpf

from impl.poly.dyadic import DyadicPoly, common_exponent, taylor_shift, to_fraction

Weight = Literal["relative", "absolute"]


@dataclass(frozen=True)
class Certificate:
    """A proved enclosure ``lower <= sup_{[lo,hi]} |err| <= upper`` for one polynomial."""

    lo: float
    hi: float
    weight: str
    #: rigorous upper bound (a float rounded upwards)
    upper: float
    #: rigorous lower bound: ``|err|`` at a point where it was enclosed (rounded downwards)
    lower: float
    #: where the lower bound is attained
    argmax: float
    #: number of pieces in the final subdivision, and how many piece bounds were computed
    pieces: int
    evaluations: int
    #: signed error at the centres of the pieces that hold local extrema, (x, err(x)), sorted by x
    extrema: tuple[tuple[float, float], ...]
    #: working precision of the interval arithmetic (bits)
    prec: int

    @property
    def certified(self) -> bool:
        return math.isfinite(self.upper)


def _float_up(x: Any) -> float:
    f = float(x)
    if mpf(f) < x:
        f = math.nextafter(f, math.inf)
    return f


def _float_down(x: Any) -> float:
    f = float(x)
    if mpf(f) > x:
        f = math.nextafter(f, -math.inf)
    return f


def _hi(x: Any) -> Any:
    """Upper endpoint of an interval as an exact mpf."""
    return mp.make_mpf(x._mpi_[1])


def _lo(x: Any) -> Any:
    """Lower endpoint of an interval as an exact mpf."""
    return mp.make_mpf(x._mpi_[0])


def _abs_lo(x: Any) -> Any:
    a, b = _lo(x), _hi(x)
    if a > 0:
        return a
    if b < 0:
        return -b
    return mpf(0)


def _iv_dyadic(num: int, e: int) -> Any:
    """The interval enclosing ``num / 2**e`` (exact when ``num`` fits the precision)."""
    return iv.ldexp(iv.mpf(num), -e)


class _Piece:
    __slots__ = ("m", "h", "upper", "lower", "signed")

    def __init__(self, m: Fraction, h: Fraction, upper: Any, lower: Any, signed: float) -> None:
        self.m, self.h, self.upper, self.lower, self.signed = m, h, upper, lower, signed

    def __lt__(self, other: "_Piece") -> bool:  # max-heap on the upper bound
        return self.upper > other.upper


def _evaluate(poly: DyadicPoly, m: Fraction, h: Fraction, weight: Weight) -> _Piece:
    g = poly.degree
    (M, H), a = common_exponent(m, h)
    C = taylor_shift(poly.scaled(a), M)
    shift = poly.E + a * g  # P(m + t) = sum_j C_j (2^a t)^j / 2^shift
    ta = 1 << a
    S = 0
    Hp = 1
    for j in range(g + 1):
        G = C[j]
        if j + 1 <= g:
            G -= (ta << 1) * (j + 1) * C[j + 1]
        if j + 2 <= g:
            G += ta * ta * (j + 1) * (j + 2) * C[j + 2]
        S += abs(G) * Hp
        Hp *= H
    dP = (C[1] * ta if g >= 1 else 0) - C[0]  # (P' - P)(m) * 2^shift
    miv = _iv_dyadic(M, a)
    hiv = _iv_dyadic(H, a)
    em = iv.exp(-miv)
    r0 = em * _iv_dyadic(C[0], shift) - 1
    r1 = em * _iv_dyadic(dP, shift)
    r2 = iv.exp(-(miv - hiv)) * _iv_dyadic(S, shift)
    up = abs(r0) + abs(r1) * hiv + r2 * hiv * hiv / 2
    low = _abs_lo(r0)
    signed = float(r0.mid)
    if weight == "absolute":
        err = _iv_dyadic(C[0], shift) - iv.exp(miv)
        up = iv.exp(miv + hiv) * up
        low = _abs_lo(err)
        signed = float(err.mid)
    return _Piece(m, h, _hi(up), low, signed)


def _initial_boundaries(lo: Fraction, hi: Fraction, pieces: int) -> list[Fraction]:
    """Chebyshev-distributed boundaries rounded to a dyadic grid; exact endpoints."""
    width = hi - lo
    grid = Fraction(1, 1 << 48) * (Fraction(2) ** math.ceil(math.log2(float(width))))
    out = [lo]
    for i in range(1, pieces):
        frac = (1 - math.cos(math.pi * i / pieces)) / 2
        b = lo + round(Fraction(frac) * width / grid) * grid
        if lo < b < hi and b > out[-1]:
            out.append(b)
    out.append(hi)
    return out


def certify(
    coefficients: Iterable[Any],
    lo: float,
    hi: float,
    *,
    weight: Weight = "relative",
    target: float | None = None,
    rtol: float = 2e-3,
    max_evaluations: int = 6000,
    prec: int | None = None,
) -> Certificate:
    """Prove bounds on ``sup_{x in [lo, hi]} |P(x) - e^x| / w(x)`` for the exact ``P``.

    ``coefficients`` are the monomial coefficients, lowest degree first (floats, ints, Fractions
    with power-of-two denominators, or mpf).  ``weight="relative"`` uses ``w = e^x`` (AS,
    Corollary 2.2), ``"absolute"`` uses ``w = 1`` (Lemma 2.1).  Pieces are bisected until the upper
    bound is within ``rtol`` of the lower bound; with a ``target`` the search also stops as soon as
    the lower bound exceeds it (the target is then disproved).  If the evaluation budget runs out
    the returned ``upper`` is still rigorous, only looser.
    """
    if weight not in ("relative", "absolute"):
        raise ValueError(f"weight must be 'relative' or 'absolute', got {weight!r}")
    flo, fhi = to_fraction(lo), to_fraction(hi)
    if not flo < fhi:
        raise ValueError(f"need lo < hi, got lo={lo}, hi={hi}")
    poly = DyadicPoly.from_coefficients(coefficients)
    scale = target if target else 1e-30
    work = prec or int(90 + max(0.0, -math.log2(scale)) + 1.5 * max(abs(float(lo)), abs(float(hi))))
    old = iv.prec
    iv.prec = work
    try:
        bounds = _initial_boundaries(flo, fhi, max(8, 2 * (poly.degree + 1)))
        heap: list[_Piece] = []
        best: _Piece | None = None
        evals = 0
        for left, right in zip(bounds, bounds[1:]):
            piece = _evaluate(poly, (left + right) / 2, (right - left) / 2, weight)
            evals += 1
            heapq.heappush(heap, piece)
            if best is None or piece.lower > best.lower:
                best = piece
        assert best is not None
        while True:
            top = heap[0]
            tight = top.upper <= best.lower * (1 + rtol)
            if target is not None and best.lower > target:
                break
            if tight and (target is None or top.upper <= target):
                break
            if evals >= max_evaluations:
                break
            heapq.heappop(heap)
            half = top.h / 2
            for m in (top.m - half, top.m + half):
                piece = _evaluate(poly, m, half, weight)
                evals += 1
                heapq.heappush(heap, piece)
                if piece.lower > best.lower:
                    best = piece
        upper = max(p.upper for p in heap)
        ordered = sorted(heap, key=lambda p: p.m)
        extrema = []
        for i, p in enumerate(ordered):
            before = abs(ordered[i - 1].signed) if i > 0 else Fraction(-1)
            after = abs(ordered[i + 1].signed) if i + 1 < len(ordered) else Fraction(-1)
            if abs(p.signed) >= before and abs(p.signed) >= after:
                extrema.append((float(p.m), p.signed))
        return Certificate(
            lo=float(lo), hi=float(hi), weight=weight,
            upper=_float_up(upper), lower=_float_down(best.lower), argmax=float(best.m),
            pieces=len(heap), evaluations=evals, extrema=tuple(extrema), prec=work,
        )
    finally:
        iv.prec = old
