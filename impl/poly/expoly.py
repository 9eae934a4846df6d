"""``ExpPolynomial`` and ``exp_polynomial(radius, eps)`` (AS, section 2, Corollary 2.2).

Corollary 2.2: for ``B > 1`` and ``eps in (0, 0.1)`` there is a polynomial P of degree
``g = Theta(max{log(1/eps) / log(log(1/eps)/B), B})`` with ``|P(x) - e^x| < eps e^x`` on
``[-B, B]``.  :func:`exp_polynomial` returns a concrete such P with float64 coefficients and a
*certified* relative error (:mod:`impl.poly.certify`), of the lowest degree found among Taylor
truncation, Chebyshev interpolation and a relative-error minimax fit.  ``degree_lower_bound`` is a
proved lower bound on the degree of *any* polynomial (real coefficients) reaching ``eps``
(:mod:`impl.poly.bounds`), so ``degree == degree_lower_bound`` means the degree is optimal.

Where float64 coefficients cannot reach ``eps`` at this radius -- near ``x = -R`` the terms of
P add up to about ``e^R`` while ``e^x`` is ``e^{-R}``, so rounding each coefficient costs about
``2^-53 e^{2R}`` relative error before compensation -- a ``ValueError`` states the floor reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from impl.elements import FLOAT64, as_scalar
from impl.poly import approximants as ap
from impl.poly.bounds import as_formula, minimal_degree_lower_bound, relative_error_lower_bound
from impl.poly.certify import Certificate, certify

#: Theta constant of the printed AS degree formula (Lemma 3.4 form, ``B = sqrt(radius)``), fitted
#: by least squares of ``degree ~ c * as_formula`` over radius {0.25,...,8} x eps {1e-2,...,1e-10};
#: spec AS-2.2 re-fits it and checks this value (see docs/poly.md).
AS_CONSTANT = 1.641
#: how many degrees above the proved lower bound the search tries
SEARCH_SPAN = 8
#: the largest degree exp_polynomial will build
MAX_DEGREE = 400
#: e^-x underflows float64 near x = 745; relative error is meaningless beyond (found by the
#: hostile-input survey: radius 1e308 overflowed the precision estimate)
MAX_RADIUS = 700.0


@dataclass(frozen=True)
class ExpPolynomial:
    """A polynomial ``P(x) = sum_k coefficients[k] x^k`` with certified relative error.

    ``certified_error`` is a proved upper bound on ``max_{|x| <= radius} |P(x) - e^x| / e^x`` for
    the exact values of the float64 ``coefficients`` (lowest degree first, as numpy.polynomial).
    """

    coefficients: np.ndarray
    degree: int
    radius: float
    certified_error: float
    #: requested accuracy (``certified_error <= eps``)
    eps: float
    #: "minimax", "chebyshev" or "taylor"
    method: str
    #: proved lower bound on sup relative error of *this* P (attained at ``certificate.argmax``)
    error_lower_bound: float
    #: proved: no real polynomial of lower degree has relative error <= eps on [-radius, radius]
    degree_lower_bound: int
    #: the AS formula (Lemma 3.4 form) at (radius, eps) and the degree it predicts with AS_CONSTANT
    as_formula: float
    as_degree: int
    #: sampled relative error (estimate) of each method at ``degree`` after float64 rounding
    candidates: dict[str, float] = field(default_factory=dict)
    certificate: Certificate | None = None

    def __post_init__(self) -> None:
        self.coefficients.setflags(write=False)

    def __call__(self, x: Any) -> Any:
        """Float64 evaluation (Horner); for exact values use impl.poly.dyadic."""
        return np.polynomial.polynomial.polyval(x, self.coefficients)

    @property
    def positive(self) -> bool:
        """P > 0 on [-radius, radius]: ``P = e^x (1 + r)`` with ``|r| <= certified_error < 1``."""
        return self.certified_error < 1


def validate_radius_eps(radius: Any, eps: Any) -> tuple[float, float]:
    r, e = as_scalar(radius, "radius", FLOAT64), as_scalar(eps, "eps", FLOAT64)
    if not math.isfinite(r) or r <= 0:
        raise ValueError(f"radius must be a finite number > 0, got {radius!r}")
    if r > MAX_RADIUS:
        raise ValueError(f"radius={radius!r} is beyond {MAX_RADIUS:g}: e^-radius underflows float64 there, "
                         "so no float64 polynomial has a relative error below 1 on [-radius, radius]")
    if not math.isfinite(e) or not 0 < e < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    return r, e


def _build(method: str, radius: float, g: int, eps: float) -> list[Any]:
    if method == "taylor":
        return ap.taylor(radius, g, eps)
    if method == "chebyshev":
        return ap.chebyshev(radius, g, eps)
    return ap.relative_minimax(radius, g, eps)


def _taylor_error_estimate(radius: float, g: int) -> float:
    """Relative error of the Taylor truncation at x = -R (its worst point)."""
    # in logs: radius ** k overflows float for radius beyond ~1e2 at these k
    logs = [k * math.log(radius) - math.lgamma(k + 1) + radius for k in range(g + 1, g + 60)]
    top = max(logs)
    if top > 700:
        return math.inf
    return math.exp(top) * sum(math.exp(v - top) for v in logs)


def predicted_degree(radius: float, eps: float) -> int:
    F = as_formula(radius, eps)
    return math.ceil(AS_CONSTANT * F) if math.isfinite(F) and AS_CONSTANT > 0 else -1


@lru_cache(maxsize=64)
def float64_floor(radius: float) -> tuple[float, int]:
    """Certified relative error of the rounded minimax polynomial at a degree where the
    approximation error is negligible (``< 1e-19``): what float64 coefficients reach at this
    radius with :func:`impl.poly.approximants.round_to_float64`, and that degree."""
    g = min(minimal_degree_lower_bound(radius, 1e-19, cap=MAX_DEGREE) + 2, MAX_DEGREE)
    coeffs = ap.round_to_float64(ap.relative_minimax(radius, g, 1e-19), radius)
    cert = certify(coeffs, -radius, radius, weight="relative", rtol=0.05)
    return cert.upper, g


def _search(radius: float, eps: float, degrees: range, g_lb: int) -> tuple[ExpPolynomial | None, float]:
    best_floor = math.inf
    floor_hits = 0
    for g in degrees:
        grid = ap.dense_grid(radius, max(400, 16 * (g + 2)))
        methods = ["minimax", "chebyshev"]
        if _taylor_error_estimate(radius, g) <= eps:
            methods.append("taylor")
        estimates: dict[str, tuple[float, list[float]]] = {}
        exact_best = math.inf
        for method in methods:
            exact = _build(method, radius, g, eps)
            coeffs = ap.round_to_float64(exact, radius)
            est = float(np.max(np.abs(ap.sampled_relative_error(coeffs, grid, eps))))
            estimates[method] = (est, coeffs)
            if method != "taylor":
                exact_best = min(exact_best, float(np.max(np.abs(ap.sampled_relative_error(exact, grid, eps)))))
        for method, (est, coeffs) in sorted(estimates.items(), key=lambda kv: kv[1][0]):
            if est > eps:
                continue
            cert = certify(coeffs, -radius, radius, weight="relative", target=eps)
            best_floor = min(best_floor, cert.upper)
            if cert.upper <= eps:
                if not cert.upper < 1:  # P > 0 follows from a relative error below 1
                    raise AssertionError("certified polynomial is not positive")
                if g > g_lb:  # try to prove optimality with the minimax reference of degree g-1
                    _, ref = ap.relative_minimax_reference(radius, g - 1, eps)
                    if relative_error_lower_bound(radius, g - 1, ref) > eps:
                        g_lb = g
                return ExpPolynomial(
                    coefficients=np.array(coeffs, dtype=np.float64), degree=g, radius=radius,
                    certified_error=cert.upper, eps=eps, method=method,
                    error_lower_bound=cert.lower, degree_lower_bound=g_lb,
                    as_formula=as_formula(radius, eps), as_degree=predicted_degree(radius, eps),
                    candidates={m: v[0] for m, v in estimates.items()}, certificate=cert,
                ), best_floor
        rounded_best = min(v[0] for v in estimates.values())
        best_floor = min(best_floor, rounded_best)
        if exact_best <= eps / 8 and rounded_best > eps:
            floor_hits += 1  # the approximation is good enough; float64 rounding is not
            if floor_hits >= 3:
                break
    return None, best_floor


#: eps this far below the float64 floor is refused before any search (a search at such eps would
#: certify high degrees for minutes and then refuse anyway: eps = 5e-324 at radius 0.25 took 125 s)
FLOOR_MARGIN = 8.0


def _refuse(radius: float, eps: float, best_floor: float) -> ValueError:
    return ValueError(
        f"float64 coefficients cannot reach eps={eps:g} at radius={radius:g}: the best relative "
        f"error reached with float64 coefficients is {best_floor:.3g} (the float64 floor at this "
        f"radius; rounding a coefficient costs about 2^-53 e^(2 radius) = "
        f"{2.0 ** -53 * math.exp(2 * radius):.2g} relative error near x = -radius before "
        f"compensation); use a larger eps or a smaller radius"
    )


@lru_cache(maxsize=256)
def _exp_polynomial(radius: float, eps: float) -> ExpPolynomial:
    if eps < 1e-15:
        floor, _ = float64_floor(radius)
        if eps * FLOOR_MARGIN < floor:
            raise _refuse(radius, eps, floor)
    g_lb = minimal_degree_lower_bound(radius, eps, cap=MAX_DEGREE)
    if g_lb >= MAX_DEGREE:
        raise ValueError(f"radius={radius} with eps={eps} needs degree > {MAX_DEGREE}")
    top = min(g_lb + SEARCH_SPAN, MAX_DEGREE)
    found, best_floor = _search(radius, eps, range(g_lb, top + 1), g_lb)
    if found is not None:
        return found
    floor, g_sat = float64_floor(radius)
    if eps >= floor and g_sat > top:
        found, _ = _search(radius, eps, range(top + 1, g_sat + 1), g_lb)
        if found is not None:
            return found
    best_floor = min(best_floor, floor)
    raise _refuse(radius, eps, best_floor)


def exp_polynomial(radius: float, eps: float) -> ExpPolynomial:
    """Lowest-degree polynomial found with certified ``|P(x) - e^x| / e^x <= eps`` on ``[-radius, radius]``.

    Seed 002, section 2, Corollary 2.2 (relative error via Lemma 2.1).  Raises ``ValueError`` for
    ``radius <= 0``, ``eps`` outside (0, 1), non-finite arguments, or where float64 coefficients
    cannot reach ``eps`` (the message states the floor); ``TypeError`` for non-numbers.
    """
    r, e = validate_radius_eps(radius, eps)
    return _exp_polynomial(r, e)
