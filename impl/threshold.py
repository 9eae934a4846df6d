"""The lazy-update threshold ``ceil(n^a)`` of DA Algorithms 2-3 (seed 000, section 4), exactly.

``n ** a`` in float64 lands on either side of an integer (``1024 ** 0.1`` is 2.0 although the
float 0.1 is a little above 1/10, ``64 ** (1/3)`` is 3.9999999999999996), so ``math.ceil`` is
unreliable.  ``a`` is read as the simplest fraction ``p/q`` within 1e-15 of it (0.1 is 1/10, 1/3 is
1/3), ``n^a`` is evaluated with 80 significant digits, and integrality is decided exactly:
``n^a`` is an integer ``m`` only if ``m^q == n^p``, checked in integers when ``q <= 1024``.  For
``q > 1024`` and ``1 < n < 2^1024``, ``n^a`` is never an integer (``n`` would have to be a
perfect ``q``-th power).
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import mpmath


def validate_a(a: object) -> float:
    """``a`` must be a real number in (0, 1] (DA Theorem 4.1)."""
    if isinstance(a, bool) or not isinstance(a, numbers.Real):
        raise TypeError(f"a must be a real number in (0, 1], got {type(a).__name__}")
    try:
        value = float(a)
    except OverflowError:
        raise ValueError(f"a must lie in (0, 1], got an integer too large for float64") from None
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(f"a must lie in (0, 1], got {a!r}")
    return value


def lazy_threshold(n: int, a: float) -> int:
    """The integer ``ceil(n^a)`` for ``n >= 1`` and ``a`` in (0, 1]."""
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    a = validate_a(a)
    if n == 1:
        return 1
    frac = Fraction(a).limit_denominator(10**6)
    if abs(float(frac) - a) > 1e-15:
        frac = Fraction(a)
    p, q = frac.numerator, frac.denominator
    with mpmath.workdps(80):
        x = mpmath.power(n, mpmath.mpf(frac.numerator) / frac.denominator)
        m = int(mpmath.nint(x))
        near_integer = abs(x - m) < mpmath.mpf(10) ** -60
    if near_integer and q <= 1024 and m ** q == n ** p:
        return m
    with mpmath.workdps(80):
        return int(mpmath.ceil(x))
