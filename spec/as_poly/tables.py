"""Direct runs (deterministic computations returning report evidence) for seed 002, §2–3.8."""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np
import sympy

from impl.poly import approximants as ap
from impl.poly import certify, exp_polynomial
from impl.poly.bounds import as_formula, minimal_degree_lower_bound, relative_error_lower_bound
from impl.poly.expoly import AS_CONSTANT, float64_floor
from impl.poly.features import paper_rank, rank
from spec.as_poly.predicates import GRID_EPS, GRID_RADII
from spec.registry import Counterexample
from spec.profiles import Profile


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
    t0 = time.time()
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
    fits = []
    g = np.array([r[2] for r in rows], dtype=float)
    for form in ("lemma3.4", "corollary2.2", "corrected"):
        F = np.array([as_formula(r[0], r[1], form=form) for r in rows])
        ok = np.isfinite(F) & (F > 0)
        c = float(g[ok] @ F[ok] / (F[ok] @ F[ok]))
        ratio = g[ok] / F[ok]
        fits.append([form, round(c, 4), round(float(ratio.min()), 3), round(float(ratio.max()), 3),
                     round(float(np.sqrt(np.mean((g[ok] - c * F[ok]) ** 2))), 3)])
    if abs(fits[0][1] - AS_CONSTANT) > 1e-3:
        raise Counterexample("AS_CONSTANT no longer matches the least-squares fit", fitted=fits[0][1],
                             recorded=AS_CONSTANT)
    optimal = sum(1 for r in rows if r[2] == r[3])
    return {
        "summary": (f"All {len(rows)} cells certified (mpmath interval certificate on the exact float64 "
                    f"coefficients); {optimal} of them at a degree proved optimal for real coefficients "
                    f"(de la Vallee Poussin lower bound). P > 0 on [-R, R] in every cell. "
                    f"Fitted Theta constant of the printed formula: {fits[0][1]} ({time.time() - t0:.1f}s)."),
        "tables": [
            {"title": "Certified degree of exp_polynomial(radius, eps)",
             "columns": ["radius", "eps", "degree", "proved lower bound", "method", "certified error",
                         "error lower bound", "Chebyshev (degree-1) sampled error", "AS formula F",
                         "AS degree ceil(c F)"],
             "rows": rows},
            {"title": "Fits degree ~ c F (F without its constant)",
             "columns": ["form", "least-squares c", "min degree/F", "max degree/F", "rms residual"],
             "rows": fits},
        ],
    }


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
    return {"summary": "float64 floor of the certified relative error per radius (rounded minimax at a "
                       "saturating degree) and which eps exp_polynomial accepts.",
            "tables": [{"title": "float64 feasible region",
                        "columns": ["radius", "floor (certified)", "degree", "u e^(2R)",
                                    "1e-6", "1e-8", "1e-10", "1e-12"], "rows": rows}]}


# ------------------------------------------------------------------------------------------
# Lemma 2.1: additive error on [0, B]
# ------------------------------------------------------------------------------------------

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
    return {"summary": "Lemma 2.1 instances: additive error certified below eps on [0, B].",
            "tables": [{"title": "Lemma 2.1 (additive error on [0, B])",
                        "columns": ["B", "eps", "degree", "certified sup|P - e^x|", "lower bound",
                                    "printed max{L/ln(L/B), B}"], "rows": rows}]}


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


def lemma34_formula_literal(profile: Profile) -> dict:
    """Lemma 3.4 prints log(log(1/eps)/B) where its proof (Corollary 2.2 at bound B^2) gives
    log(log(1/eps)/B^2); along log(1/eps) = B^2 ln B the printed bound is o(the derived one)."""
    Bs = sympy.Symbol("B", positive=True)
    L = Bs ** 2 * sympy.log(Bs)
    printed = sympy.Max(L / sympy.log(L / Bs), Bs ** 2)
    derived = L / sympy.log(L / Bs ** 2)
    lim = sympy.limit(Bs ** 2 / derived, Bs, sympy.oo)
    # printed <= max(L/log(L/B), B^2) ~ B^2 along this curve (L/log(L/B) < B^2 for B >= 2)
    rows = []
    Bvals = (3.0, 4.0, 5.0) if not profile.deep else (3.0, 4.0, 5.0, 6.0, 8.0)
    for b in Bvals:
        Lf = b * b * math.log(b)
        eps = math.exp(-Lf)
        g_lb = minimal_degree_lower_bound(b * b, eps)
        p = max(Lf / math.log(Lf / b), b * b)
        dv = Lf / math.log(Lf / (b * b))
        rows.append([b, Lf, g_lb, round(p, 2), round(dv, 2), round(g_lb / p, 3), round(g_lb / dv, 3)])
    if lim == 0:
        raise Counterexample(
            "Lemma 3.4's degree bound does not follow from Corollary 2.2 at bound B^2: along "
            "log(1/eps) = B^2 ln B, printed/derived -> 0 (sympy limit); the proved minimal degrees "
            "grow faster than the printed expression",
            limit_printed_over_derived=str(lim), table=rows)
    return {"summary": "no counterexample"}


# ------------------------------------------------------------------------------------------
# Theorem 3.7: float64 floor of poly_attention; Theorem 3.8: regime table
# ------------------------------------------------------------------------------------------

def poly_attention_floor(profile: Profile) -> dict:
    """poly_attention's own float64 rounding (against Algorithm 1 in exact arithmetic on the same
    float64 polynomial) on inputs with every logit near -R, where S_i / w_i ~ e^(2R) makes rounding
    largest; each row's measured rounding must stay within the float64 term of AS-3.7's bound
    (``predicates.theorem37_bound``), which it raises Counterexample otherwise."""
    from fractions import Fraction

    from impl.poly import poly_attention_report
    from spec.as_poly.exact import fraction_matrix
    from spec.as_poly.predicates import theorem37_bound

    rng = np.random.default_rng(7)
    rows = []
    n = 24 if not profile.deep else 64
    for R in GRID_RADII:
        B = math.sqrt(R)
        worst, slack = 0.0, math.inf
        for d, family in ((1, "low"), (4, "low"), (4, "random")):
            if family == "low":  # every logit near -R: S_i / w_i ~ e^{2R}, the worst case
                Q = np.full((n, d), B)
                K = -B * (1 - rng.uniform(0, 0.05, (n, d)))
            else:
                Q = rng.choice([-B, B], size=(n, d))
                K = rng.choice([-B, B], size=(n, d))
            V = rng.uniform(-1, 1, (n, 2))
            eps = 1e-10 if R < 12 else 1e-8
            rep = poly_attention_report(Q, K, V, eps=eps, B=B)
            _, _, info = theorem37_bound({"Q": Q, "K": K, "V": V, "eps": eps, "B": B})
            c = [Fraction(float(v)) for v in rep.poly.coefficients]
            s = Fraction(rep.scale)
            Qf, Kf = fraction_matrix(Q), fraction_matrix(K)
            with mpmath.workprec(160):
                for i in range(n):
                    a = []
                    for j in range(n):
                        x = s * sum(p * q for p, q in zip(Qf[i], Kf[j]))
                        val = sum(ck * x ** k for k, ck in enumerate(c))
                        a.append(mpmath.mpf(val.numerator) / val.denominator)
                    D = mpmath.fsum(a)
                    row = max(abs(float(mpmath.fsum(ai * float(V[j, col]) for j, ai in enumerate(a)) / D)
                                  - rep.output[i, col]) for col in range(V.shape[1]))
                    if not row <= info["float_term"][i]:
                        raise Counterexample("poly_attention's float64 rounding exceeds the float64 term "
                                             "of AS-3.7's bound", radius=R, d=d, family=family, row=i,
                                             rounding=row, float_term=float(info["float_term"][i]))
                    worst = max(worst, row)
                    slack = min(slack, float(info["float_term"][i]) / row if row > 0 else math.inf)
        rows.append([R, B, float(rep.poly.certified_error), float(worst), 2.0 ** -53 * math.exp(2 * R),
                     round(slack, 1) if math.isfinite(slack) else None])
    return {"summary": "poly_attention's own float64 rounding (against Algorithm 1 run exactly on the "
                       "same float64 polynomial) on inputs with logits at -R; ||V|| <= 1; every row "
                       "within the float64 term of AS-3.7's bound.",
            "tables": [{"title": "poly_attention float64 floor",
                        "columns": ["radius", "B", "eps_A", "measured float64 error", "u e^(2R)",
                                    "smallest float64 term / rounding"],
                        "rows": rows}]}


def theorem38_table(profile: Profile) -> dict:
    """g and r against n for B = (ln n)^(1/4) = o(sqrt(ln n)), eps = 1/n: proved minimal degree,
    certified degree (exact dyadic coefficients), rank C(d+g, g) for d = 8 and d = log2 n, and the
    printed C(2(g+d), 2g)."""
    exps = (10, 20, 40, 80) if not profile.deep else (10, 15, 20, 30, 40, 60, 80, 120, 160)
    rows = []
    for e in exps:
        n = 2.0 ** e
        Lf = e * math.log(2)
        B = Lf ** 0.25
        R = B * B
        eps = 1 / n
        g_lb = minimal_degree_lower_bound(R, eps)
        g_cert = None
        for g in range(g_lb, g_lb + 4):
            coeffs = ap.relative_minimax(R, g, eps)
            cert = certify(coeffs, -R, R, weight="relative", target=eps)
            if cert.upper <= eps:
                g_cert = g
                break
        if g_cert is None:
            raise Counterexample("no certified polynomial near the proved degree", n=f"2^{e}", radius=R)
        d_log = e
        rows.append([f"2^{e}", round(B, 3), round(R, 3), eps, g_lb, g_cert,
                     rank(8, g_cert), rank(d_log, g_cert), paper_rank(d_log, g_cert),
                     round(math.log2(rank(8, g_cert)) / e, 3), round(math.log2(rank(d_log, g_cert)) / e, 3)])
    return {"summary": ("Theorem 3.8 regime: g grows like o(log n) and log r / log n decreases, but "
                        "r = C(d+g, g) with d = log2 n exceeds n until n is astronomically large "
                        "(log_n r > 1), so the n^{1+o(1)} bound says nothing for practical n."),
            "tables": [{"title": "g and r against n (B = (ln n)^(1/4), eps = 1/n)",
                        "columns": ["n", "B", "R = B^2", "eps", "proved min degree", "certified degree",
                                    "r (d = 8)", "r (d = log2 n)", "printed r (d = log2 n)",
                                    "log_n r (d = 8)", "log_n r (d = log2 n)"],
                        "rows": rows}]}
