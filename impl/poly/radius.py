"""The certificate radius of Algorithm 1: an interval ``[-R, R]`` that holds every logit.

Two bounds on ``|s <q_i, k_j>|`` are valid (spec AS-radius):

    |s <q_i, k_j>|  <=  |s| max_i ||q_i|| max_j ||k_j||    (Cauchy-Schwarz)
                    <=  |s| d B^2                          (entries bounded by B: ||q|| <= sqrt(d) B)

Seed 002 uses the second (section 3.7, Lemma 3.3).  The first is never larger and often much
smaller (Gaussian rows: ``||q|| ~ sqrt(d) sigma`` while ``max |q_l| ~ 4 sigma``), and the degree of
P grows with R.  :func:`certificate_radius` returns the tighter one, rounded *up* to the grid
``2^(k/16)`` so that inputs with nearby norms share one certified polynomial (a certificate on a
larger interval holds on a smaller one).

The norm bound is computed in float64 and made rigorous: a sum of d rounded squares is at least
``(1 - u)^d`` times the exact sum (every rounding of non-negative terms loses at most a factor
``1 - u``), plus ``2^-1074`` per square for underflow; the final radius is checked against
``s^2 Mq Mk`` in exact rational arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

#: radius used when every logit is 0 (Q or K all zero, or scale 0)
MIN_RADIUS = 2.0 ** -30
#: radii are rounded up to 2^(k / GRID_STEPS): neighbours differ by 4.4%
GRID_STEPS = 16
_U = 2.0 ** -53
_TINY = 2.0 ** -1074


@dataclass(frozen=True)
class Radius:
    """The radius used and both bounds it was chosen from (all upper bounds on every logit)."""

    #: the certificate radius: ``grid_up(min(norm, entry))``
    value: float
    #: ``|s| max ||q_i|| max ||k_j||``, rounded up
    norm: float
    #: ``|s| d B^2``, rounded up
    entry: float

    @property
    def source(self) -> str:
        """Which bound was the tighter one: "norm" or "entry"."""
        return "norm" if self.norm <= self.entry else "entry"


def _float_up(q: Fraction) -> float:
    f = float(q)
    if Fraction(f) < q:
        f = math.nextafter(f, math.inf)
    return f


def max_sq_norm_up(X: np.ndarray) -> float:
    """An upper bound on ``max_i ||X_i||^2`` (exact arithmetic) from float64 sums of squares."""
    if X.size == 0:
        return 0.0
    d = X.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        top = float(np.max(np.einsum("ij,ij->i", X, X)))
    if not math.isfinite(top):
        return math.inf
    return _float_up(Fraction(top) / Fraction(1 - _U) ** d + d * Fraction(_TINY))


def _sqrt_up(q: Fraction) -> float:
    """A float ``f`` with ``f^2 >= q`` exactly (q >= 0), at most a few ulps above sqrt(q).

    ``float(q)`` underflows to 0 below about 1e-324 while sqrt(q) is still a normal float, so the
    start comes from an integer square root of the exact fraction, rounded up; stepping up from
    there takes at most a couple of ulps."""
    if q <= 0:
        return 0.0
    # sqrt(q) = sqrt(num den 4^k) / (den 2^k); k gives the integer root 60+ significant bits
    num, den = q.numerator, q.denominator
    k = max(0, (130 - (num * den).bit_length()) // 2)
    scaled = num * den << (2 * k)
    root = math.isqrt(scaled)
    if root * root < scaled:
        root += 1
    f = _float_up(Fraction(root, den << k))  # >= sqrt(q)
    lower = math.nextafter(f, 0.0)
    while lower > 0 and Fraction(lower) ** 2 >= q:   # come down to the smallest such float
        f, lower = lower, math.nextafter(lower, 0.0)
    return f


def norm_radius(Q: np.ndarray, K: np.ndarray, scale: float) -> float:
    """A float64 upper bound on ``|scale| max_i ||Q_i|| max_j ||K_j||`` (``inf`` on overflow)."""
    mq, mk = max_sq_norm_up(Q), max_sq_norm_up(K)
    if not (math.isfinite(mq) and math.isfinite(mk)):
        return math.inf
    r = _sqrt_up(Fraction(scale) ** 2 * Fraction(mq) * Fraction(mk))
    return r


def entry_radius(scale: float, d: int, B: float) -> float:
    """``|scale| d B^2`` rounded up (AS Lemma 3.3's bound; ``inf`` on overflow)."""
    try:
        return _float_up(abs(Fraction(scale)) * d * Fraction(B) ** 2)
    except OverflowError:
        return math.inf


def grid_up(R: float) -> float:
    """The smallest ``2^(k/16) >= R`` (k an integer), at least :data:`MIN_RADIUS`."""
    R = max(R, MIN_RADIUS)
    if not math.isfinite(R):
        return math.inf
    k = math.floor(GRID_STEPS * math.log2(R)) - 1
    while 2.0 ** (k / GRID_STEPS) < R:
        k += 1
    return 2.0 ** (k / GRID_STEPS)


def certificate_radius(Q: np.ndarray, K: np.ndarray, scale: float, B: float) -> Radius:
    """The tighter of the norm and the entry bound, rounded up to the grid."""
    norm = norm_radius(Q, K, scale)
    entry = entry_radius(scale, Q.shape[1], B)
    return Radius(value=grid_up(min(norm, entry)), norm=norm, entry=entry)
