"""Exact sign of a number that is a rational function of ``e`` with rational coefficients.

The HMV reductions (DA Lemmas 5.5 and 5.9, DA arXiv v1 section 5) run the dynamic structure on
sympy integers, so every answer is a rational function of ``e``: sums of ``exp(k)`` with integer
``k``, divided (normalized mode) by such a sum.  Their decoding asks "> 0" or "= 0".

Method, with no tolerance: replace ``exp(k)`` by ``t**k`` (``t`` a symbol), cancel to
``num(t)/den(t)`` with rational coefficients.  As ``e`` is transcendental, the value is 0 iff
``num`` is the zero polynomial.  Otherwise ``num(e) != 0`` and ``den(e) != 0``, and their signs are
found by exact interval arithmetic in ``fractions.Fraction`` on the enclosure
``sum_{k<=N} 1/k! < e < sum_{k<=N} 1/k! + 1/(N! N)``, doubling ``N`` until the enclosure
excludes 0 (it must, since the value is non-zero).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

_T = sympy.Symbol("t", positive=True)

#: give up (ArithmeticError) beyond this many terms of the series of e; never reached in practice
MAX_TERMS = 4096


@lru_cache(maxsize=None)
def e_enclosure(terms: int) -> tuple[Fraction, Fraction]:
    """Rationals ``lo < e < hi`` from the first ``terms + 1`` terms of ``sum 1/k!``."""
    lo = Fraction(0)
    fact = 1
    for k in range(terms + 1):
        if k:
            fact *= k
        lo += Fraction(1, fact)
    return lo, lo + Fraction(1, fact * max(terms, 1))


def to_rational_function(x: Any) -> tuple[sympy.Poly, sympy.Poly]:
    """``x`` as ``num(t)/den(t)`` with ``t`` standing for ``e``; raises TypeError otherwise."""
    expr = sympy.sympify(x)
    expr = expr.replace(lambda y: isinstance(y, sympy.exp), lambda y: sympy.Pow(_T, y.args[0]))
    expr = expr.subs(sympy.E, _T)
    num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
    try:
        pn = sympy.Poly(num, _T, domain="QQ")
        pd = sympy.Poly(den, _T, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed) as exc:
        raise TypeError(f"{x!r} is not a rational function of e with rational coefficients") from exc
    return pn, pd


# ---------------------------------------------------------------- fast path: dict polynomials
# A polynomial in t is a dict {degree: Fraction}; a rational function a pair (num, den).

def _pmul(a: dict[int, Fraction], b: dict[int, Fraction]) -> dict[int, Fraction]:
    out: dict[int, Fraction] = {}
    for i, x in a.items():
        for j, y in b.items():
            out[i + j] = out.get(i + j, 0) + x * y
    return {k: v for k, v in out.items() if v}


def _padd(a: dict[int, Fraction], b: dict[int, Fraction]) -> dict[int, Fraction]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return {k: v for k, v in out.items() if v}


_ONE = {0: Fraction(1)}


def _rational_function(x: sympy.Basic) -> tuple[dict[int, Fraction], dict[int, Fraction]] | None:
    """``x`` as (num, den) dict polynomials in ``t = e``, or None for an unsupported node."""
    if x.is_Rational:
        v = Fraction(int(x.p), int(x.q))
        return ({0: v} if v else {}), _ONE
    if x is sympy.E:
        return {1: Fraction(1)}, _ONE
    if isinstance(x, sympy.exp):
        k = x.args[0]
        if not k.is_Integer:
            return None
        k = int(k)
        return ({k: Fraction(1)}, _ONE) if k >= 0 else (_ONE, {-k: Fraction(1)})
    if x.is_Add or x.is_Mul:
        maybe = [_rational_function(a) for a in x.args]
        parts = [p for p in maybe if p is not None]
        if len(parts) < len(maybe):
            return None
        num, den = parts[0]
        for n2, d2 in parts[1:]:
            if x.is_Mul:
                num, den = _pmul(num, n2), _pmul(den, d2)
            elif den == d2:
                num = _padd(num, n2)
            else:
                num, den = _padd(_pmul(num, d2), _pmul(n2, den)), _pmul(den, d2)
        return num, den
    if x.is_Pow and x.exp.is_Integer:
        base = _rational_function(x.base)
        if base is None:
            return None
        num, den = base
        m = int(x.exp)
        if m < 0:
            num, den, m = den, num, -m
        if not num and m > 0:
            return {}, _ONE
        pn, pd = _ONE, _ONE
        for _ in range(m):
            pn, pd = _pmul(pn, num), _pmul(pd, den)
        return pn, pd
    return None


def _dict_sign_at_e(p: dict[int, Fraction]) -> int:
    degree = max(p)
    return _coeffs_sign_at_e([p.get(k, Fraction(0)) for k in range(degree, -1, -1)])


def _poly_sign_at_e(p: sympy.Poly) -> int:
    """Sign of a non-zero rational polynomial at ``e`` (exact interval arithmetic)."""
    return _coeffs_sign_at_e([Fraction(int(c.p), int(c.q)) for c in p.all_coeffs()])


def _coeffs_sign_at_e(coeffs: list[Fraction]) -> int:
    """Sign at ``e`` of the non-zero polynomial with these coefficients, highest degree first."""
    terms = 8
    while terms <= MAX_TERMS:
        lo_e, hi_e = e_enclosure(terms)
        lo = hi = Fraction(0)
        degree = len(coeffs) - 1
        for idx, c in enumerate(coeffs):
            k = degree - idx
            plo, phi = lo_e**k, hi_e**k  # t > 0, so t^k is increasing
            if c >= 0:
                lo += c * plo
                hi += c * phi
            else:
                lo += c * phi
                hi += c * plo
        if lo > 0:
            return 1
        if hi < 0:
            return -1
        terms *= 2
    raise ArithmeticError("could not separate the value from 0 (should not happen: e is transcendental)")


def sign(x: Any) -> int:
    """Exact sign (-1, 0, 1) of a rational function of ``e`` with rational coefficients."""
    fast = _rational_function(sympy.sympify(x))
    if fast is not None:
        num, den = fast
        if not den:
            raise ZeroDivisionError(f"{x!r} has a zero denominator")
        if not num:
            return 0
        return _dict_sign_at_e(num) * _dict_sign_at_e(den)
    pn, pd = to_rational_function(x)
    if pn.is_zero:
        return 0
    return _poly_sign_at_e(pn) * _poly_sign_at_e(pd)


def is_zero(x: Any) -> bool:
    return sign(x) == 0
