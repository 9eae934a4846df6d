"""A polynomial a subject declares for ``exp`` on ``[-R, R]``, certified with the project's
interval certificate (``impl.poly.certify``, AS section 2: Corollary 2.2's relative error).

* The certificate bounds ``sup |P(x) - e^x| / e^x`` on ``[-R, R]`` from above, rigorously, for
  the exact binary values of the coefficients.  An upper bound below 1 proves ``P > 0`` there
  (``P = e^x (1 + r)`` with ``|r| < 1``): every weight of the attention matrix is positive, so
  each output is a convex combination of V's column (AS Lemma 3.5's premise).
* Otherwise a witness is sought: a dyadic ``x`` in ``[-R, R]`` where ``P(x) <= 0`` exactly
  (Fraction arithmetic), near the real roots numpy finds and on a grid.  A witness is a defect:
  the kernel is not positive inside the range it is claimed on.  Neither proof nor witness is
  reported as such, never as a pass.
* Coverage: on entries in ``[-B, B]`` with dimension ``d`` the logits reach ``|scale| d B^2``
  (at ``Q_i = K_j = B 1``).  The declared radius must be at least that; any such radius is
  valid, whatever formula the subject used to choose it.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from impl.poly.certify import certify
from impl.poly.dyadic import DyadicPoly
from spec.registry import Counterexample

GRID = 4096


def _dyadic(x: float) -> Fraction:
    return Fraction(float(x))


def negativity_witness(coefficients: Sequence[float], radius: float) -> Fraction | None:
    """A dyadic point of ``[-radius, radius]`` where ``P <= 0`` exactly, or None if none is found."""
    poly = DyadicPoly.from_coefficients([float(c) for c in coefficients])
    points = [float(x) for x in np.linspace(-radius, radius, GRID + 1)]
    roots: Any = np.roots(list(reversed([float(c) for c in coefficients]))) if len(coefficients) > 1 else []
    for z in roots:
        if abs(z.imag) <= 1e-9 * max(1.0, abs(z.real)) and -radius <= z.real <= radius:
            points += [float(z.real), math.nextafter(float(z.real), -math.inf), math.nextafter(float(z.real), math.inf)]
    for x in sorted(set(points), key=lambda v: float(poly.value(_dyadic(v)))):
        if -radius <= x <= radius and poly.value(_dyadic(x)) <= 0:
            return _dyadic(x)
    return None


def declared_polynomial(coefficients: Sequence[float], radius: float, scale: float, d: int, B: float,
                        eps: float | None) -> dict[str, Any]:
    """Certify a declared polynomial; raises Counterexample for a negative value inside the
    range or a radius that does not cover the regime's logits; returns the evidence otherwise
    (``status`` "passed" when positivity is proved, "inconclusive" when it is neither proved nor
    refuted)."""
    coefficients = [float(c) for c in coefficients]
    largest = abs(scale) * d * B * B
    if radius < largest:
        raise Counterexample(f"the declared radius {radius:g} does not cover the logits of the regime: "
                             f"|scale| d B^2 = {largest:g} at Q_i = K_j = B (1, ..., 1)",
                             radius=radius, largest_logit=largest, scale=scale, d=d, B=B)
    cert = certify(coefficients, -radius, radius, weight="relative")
    witness = None if cert.upper < 1 else negativity_witness(coefficients, radius)
    if witness is not None:
        value = DyadicPoly.from_coefficients(coefficients).value(witness)
        raise Counterexample(f"the declared polynomial is not positive on [-{radius:g}, {radius:g}]: "
                             f"P({float(witness)!r}) = {float(value):.6g} <= 0, so attention weights there "
                             "are not positive and outputs can leave the column range of V",
                             x=float(witness), P_x=float(value), radius=radius, coefficients=coefficients,
                             certified_relative_error=cert.upper)
    implied = 2 * cert.upper / (1 - cert.upper) if cert.upper < 1 else math.inf
    rows = [["certified sup |P - e^x| / e^x (upper)", cert.upper],
            ["attained at least (lower)", cert.lower],
            ["positive on [-R, R]", "proved" if cert.upper < 1 else "not established"],
            ["output error it guarantees, x max|V| (AS Lemmas 3.5-3.6)", implied],
            ["largest logit of the regime |scale| d B^2", largest],
            ["declared radius R", radius]]
    if eps is not None:
        rows.append(["claimed --eps", eps])
    notes = []
    if eps is not None and implied > eps:
        notes.append(f"the certificate alone guarantees {implied:.3g} x max|V|, above the claimed eps {eps:g}; "
                     "the search decides whether the claim holds on the inputs it tried")
    status = "passed" if cert.upper < 1 else "inconclusive"
    detail = (f"certified relative error {cert.upper:.3g} on [-{radius:g}, {radius:g}] ({cert.pieces} pieces); "
              + ("P > 0 proved" if cert.upper < 1 else "positivity neither proved nor refuted"))
    return {"status": status, "detail": detail, "examples": cert.evaluations,
            "table": {"title": "Declared polynomial (interval certificate)", "columns": ["quantity", "value"],
                      "rows": rows},
            "notes": notes}
