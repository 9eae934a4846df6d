"""The lazy-update threshold ``ceil(n^a)`` of DA Algorithms 2-3 (DA arXiv v1, section 4), exactly.

``n ** a`` in float64 lands on either side of an integer (``1024 ** 0.1`` is 2.0 although the
float 0.1 is a little above 1/10, ``64 ** (1/3)`` is 3.9999999999999996), so ``math.ceil`` is
unreliable.  ``a`` is read as the simplest fraction ``p/q`` (least denominator) within 1e-15 of it:
0.1 is 1/10, 1/3 is 1/3, and a float that is no such fraction is read as a fraction within 1e-15
of it all the same.  The ceiling of ``n^(p/q)`` is then exact: ``n^(p/q)`` is an integer exactly
when ``n`` is a perfect ``q``-th power ``r^q`` (``p/q`` in lowest terms), and is then ``r^p``;
otherwise it is irrational, and an interval enclosure of it (mpmath's interval arithmetic, with
twice the precision until the enclosure holds no integer) gives its ceiling.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import mpmath

#: ``a`` is read as the simplest fraction within this distance of it
TOLERANCE = Fraction(1, 10**15)


def validate_a(a: object) -> float:
    """``a`` must be a real number in (0, 1] (DA Theorem 4.1)."""
    if isinstance(a, bool) or not isinstance(a, numbers.Real):
        raise TypeError(f"a must be a real number in (0, 1], got {type(a).__name__}")
    try:
        value = float(a)
    except OverflowError:
        raise ValueError("a must lie in (0, 1], got an integer too large for float64") from None
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(f"a must lie in (0, 1], got {a!r}")
    return value


def simplest_fraction(lo: Fraction, hi: Fraction) -> Fraction:
    """The fraction of least denominator in ``[lo, hi]`` (``lo <= hi``; the least such integer if
    there is one), from the continued fractions of the two ends."""
    whole = math.ceil(lo)
    if whole <= hi:
        return Fraction(whole)
    whole -= 1                        # lo and hi lie strictly between whole and whole + 1
    return whole + 1 / simplest_fraction(1 / (hi - whole), 1 / (lo - whole))


def read_exponent(a: float) -> Fraction:
    """The simplest fraction within 1e-15 of ``a`` (0 for ``a`` below 1e-15)."""
    exact = Fraction(a)
    return simplest_fraction(exact - TOLERANCE, exact + TOLERANCE)


def integer_root(n: int, q: int) -> int:
    """``floor(n^(1/q))`` for integers ``n >= 1``, ``q >= 1`` (Newton's method from above)."""
    if q >= n.bit_length():
        return 1                      # n < 2^q: the root is below 2
    x = 1 << -(-n.bit_length() // q)  # 2^ceil(bits / q) > n^(1/q)
    while True:
        y = ((q - 1) * x + n // x ** (q - 1)) // q
        if y >= x:
            return x
        x = y


def _enclosure(n: int, frac: Fraction, prec: int) -> tuple[Fraction, Fraction]:
    """Exact ends of an interval that holds ``n^frac``, from mpmath's interval arithmetic."""
    saved = mpmath.iv.prec
    mpmath.iv.prec = prec
    try:
        x = mpmath.iv.mpf(n) ** (mpmath.iv.mpf(frac.numerator) / frac.denominator)
    finally:
        mpmath.iv.prec = saved
    lo, hi = (Fraction(*mpmath.libmp.to_rational(end)) for end in x._mpi_)
    return lo, hi


def lazy_threshold(n: int, a: float) -> int:
    """The integer ``ceil(n^a)`` for ``n >= 1`` and ``a`` in (0, 1] (``a`` read as above)."""
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    frac = read_exponent(validate_a(a))
    p, q = frac.numerator, frac.denominator
    root = integer_root(n, q)
    if root ** q == n:
        return root ** p              # n^(p/q) = r^p exactly
    prec = 64
    while True:                       # n^(p/q) is irrational: no enclosure ends on it
        lo, hi = _enclosure(n, frac, prec)
        if math.ceil(lo) == math.ceil(hi):
            return math.ceil(hi)
        prec *= 2
