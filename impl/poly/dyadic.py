"""Exact arithmetic on polynomials with dyadic rational coefficients.

Every float64 is a dyadic rational ``m * 2**e``; so is every ``mpmath.mpf``.  A polynomial with
such coefficients is stored as integers ``A_k`` and one exponent ``E`` with ``c_k = A_k / 2**E``,
and evaluated exactly at dyadic points with Python integers.  This is what makes the interval
certificate of :mod:`impl.poly.certify` rigorous "on the exact values of the float64 coefficients
actually used" (AS, section 2, Lemma 2.1 / Corollary 2.2 are statements about such a P).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Sequence

import mpmath


def to_fraction(x: Any) -> Fraction:
    """Exact value of a float, int, Fraction or mpf as a Fraction (raises on non-finite)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, mpmath.mpf):
        if not mpmath.isfinite(x):
            raise ValueError(f"coefficient must be finite, got {x}")
        sign, man, exp, _ = x._mpf_  # mpf.man_exp drops the sign
        value = Fraction(-man if sign else man)
        return value * (1 << exp) if exp >= 0 else value / (1 << -exp)
    xf = float(x)
    if not math.isfinite(xf):
        raise ValueError(f"coefficient must be finite, got {x!r}")
    return Fraction(xf)


def dyadic_parts(q: Fraction) -> tuple[int, int]:
    """``(num, e)`` with ``q = num / 2**e`` and ``e >= 0``; raises if ``q`` is not dyadic."""
    den = q.denominator
    e = den.bit_length() - 1
    if den != 1 << e:
        raise ValueError(f"{q} is not a dyadic rational")
    return q.numerator, e


@dataclass(frozen=True)
class DyadicPoly:
    """``P(x) = sum_k A[k] x**k / 2**E`` (lowest degree first), exactly."""

    A: tuple[int, ...]
    E: int

    @classmethod
    def from_coefficients(cls, coeffs: Iterable[Any]) -> "DyadicPoly":
        parts = [dyadic_parts(to_fraction(c)) for c in coeffs]
        if not parts:
            raise ValueError("a polynomial needs at least one coefficient")
        E = max(e for _, e in parts)
        return cls(tuple(num << (E - e) for num, e in parts), E)

    @property
    def degree(self) -> int:
        return len(self.A) - 1

    def fractions(self) -> list[Fraction]:
        return [Fraction(a, 1 << self.E) for a in self.A]

    def scaled(self, a: int) -> list[int]:
        """Integers ``B_k = A_k 2**(a(g-k))`` so that ``P(X / 2**a) = sum B_k X**k / 2**(E + a g)``."""
        g = self.degree
        return [Ak << (a * (g - k)) for k, Ak in enumerate(self.A)]

    def value(self, x: Fraction) -> Fraction:
        """Exact ``P(x)`` at a dyadic ``x``."""
        X, a = dyadic_parts(x)
        acc = 0
        for Bk in reversed(self.scaled(a)):
            acc = acc * X + Bk
        return Fraction(acc, 1 << (self.E + a * self.degree))


def taylor_shift(coeffs: Sequence[int], M: int) -> list[int]:
    """Coefficients of ``sum_k c_k (M + v)**k`` in powers of ``v`` (exact, O(g^2))."""
    c = list(coeffs)
    n = len(c)
    for i in range(n - 1):
        for k in range(n - 2, i - 1, -1):
            c[k] += M * c[k + 1]
    return c


def common_exponent(*qs: Fraction) -> tuple[list[int], int]:
    """Integers ``N_i`` and one ``a >= 0`` with ``q_i = N_i / 2**a`` for dyadic ``q_i``."""
    parts = [dyadic_parts(q) for q in qs]
    a = max(e for _, e in parts)
    return [num << (a - e) for num, e in parts], a
