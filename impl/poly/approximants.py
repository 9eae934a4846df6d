"""Candidate polynomials for ``e^x`` on ``[-R, R]`` (AS, section 2, Corollary 2.2).

Three constructions, all computed in high precision (mpmath ``mpf``, i.e. exact dyadic
rationals) and only then rounded to float64:

* :func:`taylor` -- the truncated Taylor series ``sum_{k<=g} x^k / k!``;
* :func:`chebyshev` -- interpolation at the g+1 Chebyshev points of the first kind;
* :func:`relative_minimax` -- a discrete Remez exchange for the *relative* error
  ``max |P(x) e^{-x} - 1|``, written as a float64 correction to the Chebyshev interpolant whose
  residual is evaluated exactly, so float64 conditioning never limits it.

:func:`round_to_float64` rounds the coefficients from the highest degree down and pushes each
rounding error ``delta x^k`` into the lower coefficients as ``delta (x^k - R^k 2^{1-k} T_k(x/R))``,
leaving only ``delta R^k 2^{1-k} T_k(x/R)``: far below plain rounding for large R.
:func:`sampled_relative_error` evaluates ``P(x) e^{-x} - 1`` exactly at dyadic grid points (an
estimate of the supremum, never a certificate; :mod:`impl.poly.certify` certifies).
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
from mpmath import mp

from impl.poly.dyadic import DyadicPoly, dyadic_parts, to_fraction


def working_precision(radius: float, eps: float, degree: int) -> int:
    """Bits for the high-precision constructions (cancellation grows like (1+sqrt 2)^g, e^{2R})."""
    return int(100 + 1.5 * degree + 3 * radius + max(0.0, -math.log2(eps)))


@lru_cache(maxsize=None)
def _chebyshev_T(k: int) -> tuple[int, ...]:
    """Integer monomial coefficients of the Chebyshev polynomial T_k, lowest degree first."""
    if k == 0:
        return (1,)
    if k == 1:
        return (0, 1)
    a, b = _chebyshev_T(k - 2), _chebyshev_T(k - 1)
    out = [0] * (k + 1)
    for j, v in enumerate(b):
        out[j + 1] += 2 * v
    for j, v in enumerate(a):
        out[j] -= v
    return tuple(out)


def chebyshev_to_monomial(cheb: Sequence[Any], radius: Any) -> list[Any]:
    """Monomial coefficients (in x) of ``sum_k a_k T_k(x / radius)`` at the current mp precision."""
    g = len(cheb) - 1
    out = [mp.mpf(0)] * (g + 1)
    for k, ak in enumerate(cheb):
        if ak == 0:
            continue
        for j, t in enumerate(_chebyshev_T(k)):
            if t:
                out[j] += ak * t
    R = mp.mpf(radius)
    return [c / R**j for j, c in enumerate(out)]


def taylor(radius: float, degree: int, eps: float = 1e-16) -> list[Any]:
    """``1/k!`` for ``k <= degree`` as mpf at the working precision."""
    with mp.workprec(working_precision(radius, eps, degree)):
        return [mp.mpf(1) / mp.factorial(k) for k in range(degree + 1)]


def chebyshev(radius: float, degree: int, eps: float = 1e-16) -> list[Any]:
    """Interpolant of ``e^x`` at the Chebyshev points of the first kind on ``[-R, R]``."""
    g = degree
    with mp.workprec(working_precision(radius, eps, degree)):
        R = mp.mpf(radius)
        theta = [mp.pi * (2 * i + 1) / (2 * (g + 1)) for i in range(g + 1)]
        y = [mp.cos(t) for t in theta]
        f = [mp.exp(R * yi) for yi in y]
        cheb = []
        Tprev = [mp.mpf(1)] * (g + 1)
        Tcur = list(y)
        for k in range(g + 1):
            if k >= 2:
                Tnext = [2 * y[i] * Tcur[i] - Tprev[i] for i in range(g + 1)]
                Tprev, Tcur = Tcur, Tnext
            Tk = Tprev if k == 0 else Tcur
            s = mp.fsum(f[i] * Tk[i] for i in range(g + 1)) * 2 / (g + 1)
            cheb.append(s / 2 if k == 0 else s)
        return chebyshev_to_monomial(cheb, R)


def dense_grid(radius: float, points: int) -> np.ndarray:
    """Chebyshev-distributed float64 points on [-R, R], endpoints included (all exact dyadics)."""
    x = -radius * np.cos(np.pi * np.arange(points) / (points - 1))
    x[0], x[-1] = -radius, radius
    return x


def sampled_relative_error(coefficients: Sequence[Any], grid: np.ndarray, eps: float = 1e-16) -> np.ndarray:
    """``P(x) e^{-x} - 1`` at the grid points, with P evaluated exactly (an estimate, not a bound)."""
    poly = DyadicPoly.from_coefficients(coefficients)
    g = poly.degree
    R = float(np.max(np.abs(grid)))
    out = np.empty(len(grid))
    with mp.workprec(int(64 + max(0.0, -math.log2(eps)) + 3 * R)):
        for i, xv in enumerate(grid):
            X, a = dyadic_parts(Fraction(float(xv)))
            acc = 0
            for Bk in reversed(poly.scaled(a)):
                acc = acc * X + Bk
            val = mp.ldexp(mp.mpf(acc), -(poly.E + a * g))
            out[i] = float(val * mp.exp(-mp.mpf(float(xv))) - 1)
    return out


def _alternating_reference(err: np.ndarray, n: int) -> np.ndarray | None:
    """Indices of ``n`` alternating-sign local extrema of ``err`` (largest kept), or None."""
    idx = []
    start = 0
    sign = np.sign(err)
    for j in range(1, len(err) + 1):
        if j == len(err) or sign[j] != sign[start]:
            run = np.arange(start, j)
            idx.append(int(run[np.argmax(np.abs(err[run]))]))
            start = j
    idx = [i for i in idx if err[i] != 0]
    while len(idx) > n:
        mags = [abs(err[i]) for i in idx]
        k = int(np.argmin(mags))
        if k == 0 or k == len(idx) - 1 or len(idx) - n == 1:
            # drop the smaller end (removing one end keeps the alternation)
            idx.pop(0 if abs(err[idx[0]]) <= abs(err[idx[-1]]) else -1)
        else:
            nb = k - 1 if abs(err[idx[k - 1]]) < abs(err[idx[k + 1]]) else k + 1
            for j in sorted((k, nb), reverse=True):
                idx.pop(j)
    return np.array(idx) if len(idx) == n else None


def relative_minimax(radius: float, degree: int, eps: float = 1e-16) -> list[Any]:
    """Near-best relative-error polynomial of the given degree (see :func:`relative_minimax_reference`)."""
    return relative_minimax_reference(radius, degree, eps)[0]


def relative_minimax_reference(
    radius: float, degree: int, eps: float = 1e-16, *, iterations: int = 12
) -> tuple[list[Any], list[float]]:
    """Near-best relative-error polynomial of the given degree (discrete Remez exchange), and its
    final reference: g+2 points where the error nearly equioscillates (they make the
    de la Vallee Poussin lower bound of :mod:`impl.poly.bounds` nearly tight).

    Starts from the Chebyshev interpolant T and solves for a correction
    ``C(x) = sum b_k T_k(x/R)`` so that ``T + C`` equioscillates in relative error on a dense
    grid.  The residual of T on the grid is exact, and the correction is small, so float64 is
    enough for it.
    """
    g = degree
    base = chebyshev(radius, g, eps)
    grid = dense_grid(radius, max(400, 24 * (g + 2)))
    rho0 = sampled_relative_error(base, grid, eps)
    y = grid / radius
    V = np.polynomial.chebyshev.chebvander(y, g)  # T_k(x_j / R)
    ex = np.exp(grid)
    targets = radius * np.cos(np.pi * np.arange(g + 2)[::-1] / (g + 1))
    ref = np.unique(np.searchsorted(grid, targets).clip(0, len(grid) - 1))
    if len(ref) != g + 2:
        return base, [float(v) for v in grid[ref]]
    best_b, best_err, best_ref = np.zeros(g + 1), float(np.max(np.abs(rho0))), ref
    for _ in range(iterations):
        s = (-1.0) ** np.arange(g + 2)
        A = np.hstack([V[ref], (s * ex[ref])[:, None]])
        try:
            sol = np.linalg.solve(A, -rho0[ref] * ex[ref])
        except np.linalg.LinAlgError:
            break
        b = sol[:-1]
        err = rho0 + (V @ b) / ex
        mx = float(np.max(np.abs(err)))
        if mx < best_err:
            best_b, best_err, best_ref = b, mx, ref
        new = _alternating_reference(err, g + 2)
        if new is None:
            break
        lev = float(np.min(np.abs(err[new])))
        if mx <= lev * (1 + 1e-4) or np.array_equal(new, ref):
            break
        ref = new
    with mp.workprec(working_precision(radius, eps, degree)):
        corr = chebyshev_to_monomial([mp.mpf(float(v)) for v in best_b], mp.mpf(radius))
        return [mp.mpf(c) + d for c, d in zip(base, corr)], [float(v) for v in grid[best_ref]]


def round_to_float64(coefficients: Sequence[Any], radius: float) -> list[float]:
    """Round to float64 from the highest degree down, compensating each rounding error.

    Rounding ``c_k`` by ``delta`` adds ``delta x^k``; adding ``-delta (x^k - R^k 2^{1-k} T_k(x/R))``
    (a polynomial of degree k-2) to the still unrounded lower coefficients leaves
    ``delta R^k 2^{1-k} T_k(x/R)``, at most ``|delta| R^k 2^{1-k}`` on the interval.
    """
    t = [to_fraction(c) for c in coefficients]
    R = to_fraction(radius)
    g = len(t) - 1
    out = [0.0] * (g + 1)
    for k in range(g, -1, -1):
        f = float(t[k])
        if not math.isfinite(f):
            raise ValueError(f"coefficient {k} does not fit float64")
        delta = Fraction(f) - t[k]
        out[k] = f
        if delta and k >= 2:
            scale = delta / (1 << (k - 1))
            for j, Tkj in enumerate(_chebyshev_T(k)[:k]):
                if Tkj:
                    t[j] += scale * Tkj * R ** (k - j)
    return out
