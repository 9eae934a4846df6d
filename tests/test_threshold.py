"""impl.threshold: the lazy-update threshold ceil(n^a) of DA Algorithms 2-3, exactly."""

import pytest


def test_lazy_threshold_exact_cases():
    """threshold.py: ``ceil(n^a)`` where mpmath's 80-digit power lands above an exact integer
    (3125^(1/5) = 5), a denominator above 60 (``10 ** 6`` -> ``10 * 6``), an ``a`` that is no
    simple fraction (the deleted ``frac = Fraction(a)``), and the argument checks."""
    from fractions import Fraction

    from impl.threshold import lazy_threshold

    for n, p, q in [(3125, 1, 5), (7776, 1, 5), (243, 2, 5), (1024, 2, 5), (32768, 2, 5), (4096, 3, 4)]:
        assert lazy_threshold(n, p / q) == round(n ** Fraction(p, q)), (n, p, q)
    assert lazy_threshold(2 ** 61, 1 / 61) == 2
    assert lazy_threshold(4, 0.5 + 2 ** -40) == 3        # 4^a is a little above 2
    for n in range(1, 100):
        for p, q in [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 1)]:
            m = lazy_threshold(n, p / q)
            assert m ** q >= n ** p and (m - 1) ** q < n ** p, (n, p, q, m)
    with pytest.raises(ValueError):
        lazy_threshold(0, 0.5)
    with pytest.raises(ValueError):
        lazy_threshold(4, 1.5)
    with pytest.raises(TypeError):
        lazy_threshold(4, True)


def _least_denominator(lo, hi):
    """The fraction of least denominator in [lo, hi], by trying q = 1, 2, ... (the definition)."""
    import math
    from fractions import Fraction

    q = 1
    while True:
        p = math.ceil(lo * q)
        if Fraction(p, q) <= hi:
            return Fraction(p, q)
        q += 1


def test_simplest_fraction_is_the_least_denominator():
    """threshold.py ``simplest_fraction`` against its definition, on intervals that end on
    integers, that hold an integer, that lie between two integers, and that are one point."""
    from fractions import Fraction
    from itertools import product

    from impl.threshold import simplest_fraction

    ends = sorted({Fraction(p, q) for p, q in product(range(-3, 12), range(1, 8))})
    for lo, hi in product(ends, ends):
        if lo <= hi:
            assert simplest_fraction(lo, hi) == _least_denominator(lo, hi), (lo, hi)
    assert simplest_fraction(Fraction(355, 113) - Fraction(1, 10**7), Fraction(355, 113)) == Fraction(355, 113)


def test_a_is_read_as_the_simplest_fraction_within_1e15():
    """threshold.py ``read_exponent`` (module docstring): 0.1 is 1/10, 1/3 is 1/3, a fraction with a
    denominator above 10^6 is found too, and the 1e-15 is a sharp bound: 1/3 + 0.5e-15 reads as
    1/3, 1/3 + 1.5e-15 does not (10^30^(1/3) = 10^10 exactly, and n^a a little above it has the
    ceiling 10^10 + 1)."""
    from fractions import Fraction

    from impl.threshold import lazy_threshold, read_exponent

    for p, q in [(1, 10), (1, 3), (2, 3), (3, 4), (1, 1), (500, 1001), (750001, 1500001)]:
        assert read_exponent(p / q) == Fraction(p, q), (p, q)
    assert read_exponent(1e-300) == 0
    assert lazy_threshold(10 ** 30, 1 / 3) == 10 ** 10
    assert lazy_threshold(10 ** 30, 1 / 3 + 0.5e-15) == 10 ** 10
    assert lazy_threshold(10 ** 30, 1 / 3 + 1.5e-15) == 10 ** 10 + 1
    assert lazy_threshold(10 ** 30, 1 / 3 - 1.5e-15) == 10 ** 10
    assert lazy_threshold(7, 1e-300) == 1                 # a below 1e-15 reads as 0


def test_lazy_threshold_is_exact_at_and_near_perfect_powers():
    """threshold.py ``lazy_threshold``: ceil(n^(p/q)) is r^p for n = r^q, r^p + 1 just above and
    r^p just below (integers, never floats), also where float64 or 80 digits cannot tell
    (10^120 + 1 to the 1/20 is 10^6 + 5e-116), and mpmath's precision is left as it was."""
    import math

    import mpmath

    from impl.threshold import integer_root, lazy_threshold

    for r in range(2, 7):
        for q in range(1, 8):
            for p in range(1, q + 1):
                if math.gcd(p, q) != 1:
                    continue
                got = [lazy_threshold(r ** q + k, p / q) for k in (-1, 0, 1)]
                below = r ** p if q > 1 else r - 1      # (r^q - 1)^(p/q) lies in (r^p - 1, r^p)
                assert got == [below, r ** p, r ** p + 1] and all(type(m) is int for m in got), (r, p, q)
                if q > 1:
                    assert integer_root(r ** q + 1, q) == r and integer_root(r ** q - 1, q) == r - 1
    saved = mpmath.iv.prec, mpmath.mp.prec
    for p, k, want in [(1, 1, 10 ** 6 + 1), (1, 0, 10 ** 6), (1, -1, 10 ** 6), (3, 1, 10 ** 18 + 1),
                       (3, -1, 10 ** 18), (19, 1, 10 ** 114 + 1)]:
        assert lazy_threshold(10 ** 120 + k, p / 20) == want, (p, k)
    assert (mpmath.iv.prec, mpmath.mp.prec) == saved
    mpmath.iv.prec = 77
    try:
        lazy_threshold(10 ** 30, 2 / 3)
        assert mpmath.iv.prec == 77
    finally:
        mpmath.iv.prec = saved[0]
    for n in (2 ** 64 + 1, 3 ** 40, 10 ** 30 + 7):
        for p, q in [(1, 2), (2, 3), (5, 7), (1, 12)]:
            m = lazy_threshold(n, p / q)
            assert m ** q >= n ** p and (m - 1) ** q < n ** p, (n, p, q)
    for bad, error in [((0, 0.5), ValueError), ((-3, 0.5), ValueError), ((4, 0.0), ValueError),
                       ((4, 1.5), ValueError), ((4, 10 ** 400), ValueError), ((4, True), TypeError),
                       ((4, "0.5"), TypeError)]:
        with pytest.raises(error):
            lazy_threshold(*bad)
