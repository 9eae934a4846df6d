"""Lower bounds on the degree, and the AS degree formula (AS, section 2 and 3.4).

:func:`relative_error_lower_bound` is a rigorous lower bound on the best relative error
``min_{deg P <= g} max_{[-R,R]} |P(x) - e^x| / e^x``: for any g+2 distinct points the divided
difference weights ``lambda_i = 1 / prod_{j != i} (x_i - x_j)`` annihilate every polynomial of
degree <= g, so ``sum_i lambda_i e^{x_i} = sum_i lambda_i (e^{x_i} - P(x_i))`` and

    max_i |P(x_i) - e^{x_i}| / e^{x_i}  >=  |sum_i lambda_i e^{x_i}| / sum_i |lambda_i| e^{x_i}.

(de la Vallee Poussin's argument.)  Evaluated in mpmath interval arithmetic at the Chebyshev
extrema it is within a small factor of the true minimax error, so it pins the minimal degree.

:func:`as_formula` is the degree expression printed in AS: Lemma 2.1 / Corollary 2.2 give
``max{log(1/eps) / log(log(1/eps)/B), B}`` for entries bounded by B; Lemma 3.4 / Theorem 3.7 /
Algorithm 1 print ``max{log(1/eps) / log(log(1/eps)/B), B^2}`` for ``||Q||, ||K|| <= B``, where the
exponential is approximated on ``[-B^2, B^2]``.
"""

from __future__ import annotations

import math

from mpmath import iv, mp


def _points(radius: float, degree: int) -> list[float]:
    n = degree + 2
    pts = [-radius * math.cos(math.pi * i / (n - 1)) for i in range(n)]
    pts[0], pts[-1] = -radius, radius
    return pts


def _lb(ctx, radius: float, degree: int, points=None):
    pts = _points(radius, degree) if points is None else list(points)
    if len(pts) != degree + 2 or len(set(pts)) != len(pts):
        raise ValueError(f"need {degree + 2} distinct points, got {len(pts)}")
    if any(abs(p) > radius for p in pts):
        raise ValueError("points must lie in [-radius, radius]")
    x = [ctx.mpf(p) for p in pts]
    n = len(x)
    num = ctx.mpf(0)
    den = ctx.mpf(0)
    for i in range(n):
        prod = ctx.mpf(1)
        for j in range(n):
            if j != i:
                prod *= x[i] - x[j]
        e = ctx.exp(x[i])
        num += e / prod
        den += e / abs(prod)
    return num, den


def _prec(radius: float, degree: int) -> int:
    return int(80 + 2 * degree + 3 * radius + degree * max(0.0, math.log2(max(radius, 1e-300))) / 4)


def relative_error_lower_bound_estimate(radius: float, degree: int) -> float:
    """Floating estimate of :func:`relative_error_lower_bound` (mpmath, not interval)."""
    with mp.workprec(_prec(radius, degree) + 60):
        num, den = _lb(mp, radius, degree)
        return float(abs(num) / den)


def relative_error_lower_bound(radius: float, degree: int, points=None) -> float:
    """Rigorous lower bound on the best relative error of a degree-``degree`` polynomial.

    ``points``: g+2 distinct floats in [-radius, radius] (default: the Chebyshev extrema).
    """
    old = iv.prec
    iv.prec = _prec(radius, degree) + 60
    try:
        num, den = _lb(iv, radius, degree, points)
        q = abs(num) / den
        lo = mp.make_mpf(q._mpi_[0])
        f = float(lo)
        return math.nextafter(f, 0.0) if f > 0 else 0.0
    finally:
        iv.prec = old


def minimal_degree_lower_bound(radius: float, eps: float, cap: int = 600) -> int:
    """Largest g for which it is *proved* that no polynomial of degree < g reaches ``eps``.

    The best error is non-increasing in the degree, so proving
    ``relative_error_lower_bound(R, g - 1) > eps`` proves it for every degree below g.
    """
    lo, hi = 0, 1
    while hi < cap and relative_error_lower_bound_estimate(radius, hi) > eps:
        lo, hi = hi, 2 * hi
    hi = min(hi, cap)
    while hi - lo > 1:  # estimate(lo) > eps (or lo == 0), estimate(hi) <= eps
        mid = (lo + hi) // 2
        if relative_error_lower_bound_estimate(radius, mid) > eps:
            lo = mid
        else:
            hi = mid
    g = hi if relative_error_lower_bound_estimate(radius, lo) > eps else lo
    while g > 0 and not relative_error_lower_bound(radius, g - 1) > eps:
        g -= 1
    return g


def as_formula(radius: float, eps: float, *, form: str = "lemma3.4") -> float:
    """The AS degree expression, without its Theta constant, for logits in ``[-radius, radius]``.

    ``form="lemma3.4"``: as printed in Lemma 3.4 / Theorem 3.7 / Algorithm 1 with
    ``B = sqrt(radius)``: ``max{L / ln(L / B), B^2}``, ``L = ln(1/eps)``.
    ``form="corollary2.2"``: Corollary 2.2 applied at bound ``radius`` (what the proof of Lemma
    3.4 derives): ``max{L / ln(L / radius), radius}``.
    ``form="corrected"``: ``max{L / ln(2 + L / radius), radius}``, which is defined and of the right
    order for every ``eps`` in (0, 1) (see docs/poly.md).
    Returns ``nan`` where the printed expression divides by zero (``L`` equal to its B).
    """
    L = math.log(1 / eps)
    if form == "lemma3.4":
        b, tail = math.sqrt(radius), radius
    elif form == "corollary2.2":
        b, tail = radius, radius
    elif form == "corrected":
        return max(L / math.log(2 + L / radius), radius)
    else:
        raise ValueError(f"unknown form {form!r}")
    q = L / b
    if q == 1:
        return math.nan
    return max(L / math.log(q), tail)
