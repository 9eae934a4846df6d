"""AS (arXiv 2302.13214) section 2: Lemma 2.1 (additive error of a polynomial for exp on [0, B],
quoted from Aggarwal and Alman [1]) and Corollary 2.2 (relative error on [-B, B] by rescaling).

Lemma 2.1 is an outside result: its degree bound is the assumption "AA22-exp-approx", and the
record certifies instances of it.  Corollary 2.2's rescaling is proved for every function Q; the
degrees ``impl.poly.exp_polynomial`` certifies are tabled against the printed expression, whose
first term divides by zero at admissible parameters (AS-2.1/literal).  The Chebyshev oracle is
independent of impl's construction.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy
from sympy.calculus.util import minimum

from impl.poly import certify, exp_polynomial
from impl.poly.bounds import as_formula
from impl.poly.expoly import AS_CONSTANT, float64_floor
from spec.as_.poly_inputs import GRID_EPS, GRID_RADII
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.record_groups import RecordGroup
from spec.registry import (
    Assumption,
    Counterexample,
    Direct,
    Source,
    SympyProof,
    register_assumption,
)

# ------------------------------------------------------------------------------------------
# oracle: Chebyshev interpolation sampled densely (independent of impl's construction)
# ------------------------------------------------------------------------------------------

def chebyshev_sampled_error(radius: float, degree: int, points: int | None = None) -> float:
    """Max of ``|p(x) e^{-x} - 1|`` over a dense grid, p the Chebyshev interpolant of degree
    ``degree`` of e^x on [-R, R] (barycentric formula, mpmath at 30 + digits)."""
    g = degree
    points = points or 20 * (g + 2)
    with mpmath.workdps(40 + int(2 * radius)):
        R = mpmath.mpf(radius)
        nodes = [R * mpmath.cos(mpmath.pi * (2 * i + 1) / (2 * (g + 1))) for i in range(g + 1)]
        w = [(-1) ** i * mpmath.sin(mpmath.pi * (2 * i + 1) / (2 * (g + 1))) for i in range(g + 1)]
        f = [mpmath.exp(x) for x in nodes]
        worst = mpmath.mpf(0)
        for j in range(points):
            x = -R * mpmath.cos(mpmath.pi * j / (points - 1))
            num = den = mpmath.mpf(0)
            hit = None
            for xi, wi, fi in zip(nodes, w, f):
                if x == xi:
                    hit = fi
                    break
                t = wi / (x - xi)
                num += t * fi
                den += t
            p = hit if hit is not None else num / den
            worst = max(worst, abs(p * mpmath.exp(-x) - 1))
        return float(worst)


def _grid_cells(profile: Profile):
    return [(R, e) for R in GRID_RADII for e in GRID_EPS]


def degree_table(profile: Profile) -> dict:
    """AS-2.2: certified degree for every (radius, eps) of the grid; the Done criterion."""
    rows = []
    for R, eps in _grid_cells(profile):
        P = exp_polynomial(R, eps)
        if not P.certified_error <= eps:
            raise Counterexample("certified error above eps", radius=R, eps=eps, certified=P.certified_error)
        if not P.positive or not (P.certificate and P.certificate.upper < 1):
            raise Counterexample("P not proved positive", radius=R, eps=eps)
        if P.certificate.lo != -R or P.certificate.hi != R:
            raise Counterexample("certificate does not cover [-R, R]", radius=R, eps=eps)
        # the Chebyshev interpolant one degree lower fails eps on dense sampling => P's degree is
        # no higher than the lowest degree at which Chebyshev interpolation meets eps
        cheb_lower = [chebyshev_sampled_error(R, g) for g in range(max(0, P.degree - 2), P.degree)]
        if P.degree > 0 and not all(e > eps for e in cheb_lower):
            raise Counterexample("a lower-degree Chebyshev interpolant meets eps", radius=R, eps=eps,
                                 degree=P.degree, chebyshev_errors=cheb_lower)
        rows.append([R, eps, P.degree, P.degree_lower_bound, P.method, P.certified_error,
                     P.error_lower_bound, cheb_lower[-1] if cheb_lower else None,
                     round(as_formula(R, eps), 2), P.as_degree])
    fits, constants = [], {}
    g = np.array([r[2] for r in rows], dtype=float)
    for form in ("lemma3.4", "corollary2.2", "corrected"):
        F = np.array([as_formula(r[0], r[1], form=form) for r in rows])
        ok = np.isfinite(F) & (F > 0)
        c = float(g[ok] @ F[ok] / (F[ok] @ F[ok]))
        ratio = g[ok] / F[ok]
        constants[form] = round(c, 4)
        fits.append([form, constants[form], round(float(ratio.min()), 3), round(float(ratio.max()), 3),
                     round(float(np.sqrt(np.mean((g[ok] - c * F[ok]) ** 2))), 3)])
    if abs(constants["lemma3.4"] - AS_CONSTANT) > 1e-3:
        raise Counterexample("AS_CONSTANT no longer matches the least-squares fit", fitted=constants["lemma3.4"],
                             recorded=AS_CONSTANT)
    optimal = sum(1 for r in rows if r[2] == r[3])
    return evidence(
        f"All {len(rows)} cells certified (mpmath interval certificate on the exact float64 coefficients); "
        f"{optimal} of them at a degree proved optimal for real coefficients (de la Vallee Poussin lower bound). "
        f"P > 0 on [-R, R] in every cell. Fitted Theta constant of the printed formula: {constants['lemma3.4']}.",
        table("Certified degree of exp_polynomial(radius, eps)",
              ["radius", "eps", "degree", "proved lower bound", "method", "certified error", "error lower bound",
               "Chebyshev (degree-1) sampled error", "AS formula F", "AS degree ceil(c F)"], rows),
        table("Fits degree ~ c F (F without its constant)",
              ["form", "least-squares c", "min degree/F", "max degree/F", "rms residual"], fits))


def float64_region(profile: Profile) -> dict:
    """Feasible region of float64 coefficients: the floor per radius and where eps is refused."""
    radii = (4.0, 8.0, 12.0, 16.0) if not profile.deep else (2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0)
    rows = []
    for R in radii:
        floor, g = float64_floor(R)
        cells = []
        for eps in (1e-6, 1e-8, 1e-10, 1e-12):
            try:
                exp_polynomial(R, eps)
                cells.append("ok")
            except ValueError as exc:
                if "cannot reach" not in str(exc):
                    raise
                if eps > 2 * floor:
                    raise Counterexample("refused an eps well above the measured floor", radius=R,
                                         eps=eps, floor=floor) from None
                cells.append("refused")
        rows.append([R, floor, g, 2.0 ** -53 * math.exp(2 * R)] + cells)
    return evidence("float64 floor of the certified relative error per radius (rounded minimax at a saturating "
                    "degree) and which eps exp_polynomial accepts.",
                    table("float64 feasible region",
                          ["radius", "floor (certified)", "degree", "u e^(2R)", "1e-6", "1e-8", "1e-10", "1e-12"],
                          rows))
def lemma21_certificates(profile: Profile) -> dict:
    """|P(x) - e^x| < eps on [0, B] for P = exp_polynomial(B, eps e^-B) (certified directly)."""
    rows = []
    cells = [(B, e) for B in (1.5, 2.0, 4.0) for e in (1e-2, 1e-6, 1e-10)]
    if profile.deep:
        cells += [(8.0, 1e-2), (8.0, 1e-4)]
    for B, eps in cells:
        P = exp_polynomial(B, eps * math.exp(-B))
        cert = certify(P.coefficients, 0.0, B, weight="absolute", target=eps)
        if not cert.upper < eps:
            raise Counterexample("additive error not below eps on [0, B]", B=B, eps=eps, upper=cert.upper)
        rows.append([B, eps, P.degree, cert.upper, cert.lower, round(as_formula(B, eps, form="corollary2.2"), 2)])
    return evidence("Lemma 2.1 instances: additive error certified below eps on [0, B].",
                    table("Lemma 2.1 (additive error on [0, B])",
                          ["B", "eps", "degree", "certified sup|P - e^x|", "lower bound", "printed max{L/ln(L/B), B}"],
                          rows))


def degree_formula_literal(profile: Profile) -> dict:
    """Lemma 2.1 / Corollary 2.2 print g = Theta(max{L/log(L/B), B}), L = log(1/eps), for all
    B > 1, eps in (0, 0.1).  At B = ln 20, eps = 1/20 the expression divides by zero; for
    R < L close to L it is unbounded while the degree needed stays bounded."""
    L, B = sympy.log(20), sympy.log(20)
    denom = sympy.log(L / B)
    if sympy.simplify(denom) == 0:
        # bounded side: for R <= 2.99 the certified degree at R = 2.99 works (monotone in R)
        L_f = math.log(20)
        P = exp_polynomial(2.99, 0.05)
        rows = []
        for delta in (1e-1, 1e-2, 1e-3, 1e-4):
            R = L_f * (1 - delta)
            rows.append([R, 0.05, as_formula(R, 0.05, form="corollary2.2"), P.degree])
        raise Counterexample(
            "printed degree max{log(1/eps)/log(log(1/eps)/B), B} divides by zero at B = ln 20, "
            "eps = 1/20 (both admissible); as B -> ln 20 from below it grows without bound while "
            f"degree {P.degree} (certified at radius 2.99 >= B) suffices, so no Theta constant exists",
            B="log(20)", eps="1/20", denominator=str(denom), near=rows)
    return {"summary": "no counterexample"}


def _rescaling_identities():
    """Corollary 2.2's rescaling for an arbitrary function Q (sympy Function): P(x) = Q(x+B)/e^B."""
    x, B, eps = sympy.symbols("x B epsilon", real=True)
    Q = sympy.Function("Q")
    P = Q(x + B) / sympy.exp(B)
    yield ("P(x) - e^x = (Q(x+B) - e^(x+B)) / e^B", P - sympy.exp(x), (Q(x + B) - sympy.exp(x + B)) / sympy.exp(B))
    yield ("eps e^x - eps/e^B = eps e^-B (e^(x+B) - 1)", eps * sympy.exp(x) - eps / sympy.exp(B),
           eps * sympy.exp(-B) * (sympy.exp(x + B) - 1))
    y = sympy.Symbol("y", real=True)
    yield ("min over y = x + B >= 0 of e^y - 1 is 0, so eps e^-B (e^(x+B) - 1) >= 0 (sympy minimum)",
           minimum(sympy.exp(y) - 1, y, sympy.Interval(0, sympy.oo)), sympy.Integer(0))


register_assumption(Assumption(
    id="AA22-exp-approx", paper="AS",
    title="Polynomial approximation of exp of optimal degree (Aggarwal and Alman)",
    statement=("For B > 1 and eps in (0, 0.1) there is a polynomial P of degree Theta(max{log(1/eps) / "
               "log(log(1/eps)/B), B}) (the first term read as log(1/eps) / log(2 + log(1/eps)/B), "
               "AS-2.1/literal) with |P(x) - e^x| < eps on [0, B], and no polynomial of lower degree "
               "up to the constant; its coefficients are rationals computable in poly(g) time."),
    source=Source(seed="002", section="2.1", number="Lemma 2.1"),
    reference=("A. Aggarwal and J. Alman, Optimal-degree polynomial approximations for exponentials "
               "and Gaussian kernel density estimation, CCC 2022 ([1] of AS)"),
))


EXP_APPROXIMATION = RecordGroup("AS")

EXP_APPROXIMATION.at("2.1", "Lemma 2.1").register(
    id="AS-2.1", title="Polynomial approximation of exp, additive error on [0, B]",
    statement=("For B > 1 and eps in (0, 0.1) there is a polynomial P with |P(x) - e^x| < eps on "
               "[0, B]; instances certified by interval arithmetic on the exact float64 coefficients."),
    checks=(Direct(name="additive-error certificates", run=lemma21_certificates, grade="certified",
                   scope="B in {1.5, 2, 4} x eps in {1e-2, 1e-6, 1e-10} (deep adds (8, 1e-2), (8, 1e-4))"),),
    notes=("An outside result ([1]): its degree bound is the assumption AA22-exp-approx, and the "
           "certificates check instances of the polynomial's existence.  The degree expression is "
           "treated in AS-2.1/literal; the corrected expression is fitted in AS-2.2/impl."),
    cites=("AA22-exp-approx",),
)

EXP_APPROXIMATION.at("2.1", "Lemma 2.1 (also Corollary 2.2)").erratum(
    id="AS-2.1/literal", title="Degree Theta(max{log(1/eps)/log(log(1/eps)/B), B}) as printed",
    statement="For all B > 1 and eps in (0, 0.1) the degree is Theta(max{L/log(L/B), B}), L = log(1/eps).",
    literal="g := Theta(max{ log(1/eps) / log(log(1/eps)/B), B })",
    corrected_by="AS-2.2",
    checks=(Direct(name="printed expression at B = ln 20, eps = 1/20", run=degree_formula_literal),),
    cites=("AA22-exp-approx",),
    notes=("Division by zero at the admissible point B = ln 20, eps = 1/20; as B -> ln 20 from below "
           "the expression is unbounded while a fixed certified degree suffices, so the lower Theta "
           "constant cannot exist. Corrected expression: max{L/log(2 + L/B), B}."),
    severity="typo", root_cause="AS-2.1-degree-log-argument",
    readings=(
        "The first term meant where it is meaningful, L >= e B (log(L/B) >= 1), the max being "
        "Theta(B) elsewhere; equivalently log(2 + L/B): the degrees then match (AS-2.2 fits "
        "max{L/log(2 + L/B), B}), which is the intent, taken from [1].",
        "Literally for all B > 1, eps in (0, 0.1): at B = ln 20, eps = 1/20 (both admissible) "
        "log(L/B) = 0 and the expression is undefined; as B -> L from below it is unbounded "
        "while the degree certified at radius 2.99 suffices, so no Theta constant exists.",
    ),
)

RELATIVE_ERROR = EXP_APPROXIMATION.at("2.2", "Corollary 2.2").register(
    id="AS-2.2", title="Relative-error polynomial for exp on [-B, B]",
    statement=("If Q has additive error eps on [0, 2B] (Lemma 2.1), then P(x) = Q(x + B)/e^B has "
               "relative error |P(x) - e^x| <= eps e^x on [-B, B], at Q's degree, "
               "Theta(max{L/log(2 + L/B), B}) with L = log(1/eps) (Lemma 2.1's degree as corrected, "
               "AS-2.1/literal)."),
    corrects="AS-2.1/literal",
    checks=(
        SympyProof(name="rescaling identity and its relative-error consequence", identities=_rescaling_identities,
                   general=True, scope="all real x, B, eps and every function Q; e^y >= 1 for y >= 0"),
    ),
    notes=("The proof rescales Lemma 2.1's polynomial; the degree is Lemma 2.1's, so it rests on "
           "AA22-exp-approx.  AS-2.2/impl checks the polynomials impl.poly.exp_polynomial certifies."),
    cites=("AS-2.1",),
)

EXP_APPROXIMATION.implementation(
    RELATIVE_ERROR, "Corollary 2.2: the implementation exp_polynomial agrees",
    statement=("exp_polynomial(R, eps) returns P with certified sup |P - e^x|/e^x <= eps on [-R, R], P > 0, "
               "for R in {0.25..8} x eps in {1e-2..1e-10}, at a degree no higher than dense-sampled "
               "Chebyshev interpolation needs; degree = Theta(max{L/log(2 + L/R), R}) (fitted); and "
               "the float64 floor below which it refuses eps."),
    checks=(
        Direct(name="certified degree table", run=degree_table, grade="certified",
               scope="radius in {0.25, 0.5, 1, 2, 4, 8} x eps in {1e-2, 1e-4, 1e-6, 1e-8, 1e-10}"),
        Direct(name="float64 feasible region", run=float64_region),
    ),
)
