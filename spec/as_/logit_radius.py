"""The logit radius of Algorithm 1 (AS, arXiv 2302.13214, section 3.3, Lemma 3.3, and section 3.7,
Theorem 3.7).

Lemma 3.3 bounds the logits by the entries: ``||q||, ||k|| <= sqrt(d) B`` gives
``|s <q, k>| <= |s| d B^2``.  Cauchy-Schwarz gives the bound ``|s| max ||q_i|| max ||k_j||``,
never larger and often much smaller; impl.poly.poly_attention certifies its polynomial on the
tighter of the two (impl.poly.radius).  AS-radius proves both inequalities for every dimension
(induction on d: z3 proves the base and the step); AS-radius/impl checks the implementation's
radius against every logit exactly; AS-3.7-radius checks Theorem 3.7's error bound on inputs whose norm bound is
far below the entry bound (Gaussian rows), where the polynomial has a lower degree.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterator

import numpy as np

from impl.poly import poly_attention_report
from impl.poly.radius import grid_up
from spec.as_.algorithm_one import check_theorem37
from spec.as_.poly_inputs import GRID_EPS
from spec.record_groups import RecordGroup
from spec.registry import Counterexample, Property, SmtProof, Source
from spec.sum_induction import SumInduction

SRC33 = Source(seed="002", section="3.3", number="Lemma 3.3")
SRC37 = Source(seed="002", section="3.7", number="Theorem 3.7")
#: the largest logit radius the strategy draws (float64 floor at 6: about 1e-13, AS-2.2)
MAX_RADIUS = 6.0


# ------------------------------------------------------------------------------ z3 claims
def radius_claims() -> Iterator[tuple[str, Any, list[Any]]]:
    """Cauchy-Schwarz and the entry bound as inductions over the d coordinates, then the radius.

    State after l coordinates: ``a = sum q_i k_i``, ``Q = sum q_i^2``, ``K = sum k_i^2``; one more
    coordinate adds ``x y``, ``x^2``, ``y^2``.  Invariant: ``a^2 <= Q K`` with ``Q, K >= 0``.
    """
    import z3

    a, Q, K, x, y = z3.Reals("a Q K x y")
    cs = SumInduction(
        label="Cauchy-Schwarz <q,k>^2 <= ||q||^2 ||k||^2",
        state={"a": a, "Q": Q, "K": K}, start={"a": z3.RealVal(0), "Q": z3.RealVal(0), "K": z3.RealVal(0)},
        step=lambda st: {"a": st["a"] + x * y, "Q": st["Q"] + x * x, "K": st["K"] + y * y},
        invariant=lambda st: z3.And(st["a"] * st["a"] <= st["Q"] * st["K"], st["Q"] >= 0, st["K"] >= 0))
    yield from cs.claims()
    s, Mq, Mk, R = z3.Reals("s Mq Mk R")
    # R is what poly_attention certifies on: R >= 0 with R^2 >= s^2 Mq Mk (checked exactly in
    # impl.poly.radius), Mq >= max ||q_i||^2 and Mk >= max ||k_j||^2
    yield cs.conclude("|s <q,k>| <= R when R^2 >= s^2 Mq Mk, ||q||^2 <= Mq, ||k||^2 <= Mk",
                      lambda st: z3.And(s * st["a"] <= R, -R <= s * st["a"]),
                      Q <= Mq, K <= Mk, R >= 0, R * R >= s * s * Mq * Mk)
    S, j, B = z3.Reals("S j B")
    entry = SumInduction(
        label="entry bound ||q||^2 <= d B^2 when every |q_i| <= B",
        state={"S": S, "j": j}, start={"S": z3.RealVal(0), "j": z3.RealVal(0)},
        step=lambda st: {"S": st["S"] + x * x, "j": st["j"] + 1},
        invariant=lambda st: z3.And(st["S"] <= st["j"] * B * B, st["S"] >= 0),
        term_facts=(x * x <= B * B,))
    yield from entry.claims()
    d = z3.Real("d")
    yield ("norm bound <= entry bound: s^2 Mq Mk <= (s d B^2)^2 when 0 <= Mq, Mk <= d B^2",
           s * s * Mq * Mk <= (s * d * B * B) ** 2, [Mq >= 0, Mk >= 0, Mq <= d * B * B, Mk <= d * B * B])


# ------------------------------------------------------------------------------ inputs
def gaussian_inputs():
    """``dict(Q, K, V, B, eps)``: Gaussian rows (sigma 0.25 .. 1.5, n, m <= 8, d <= 5), one row of
    Q scaled by up to 3, B either None (max |entry|) or twice that; drawn from a seed."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        seed = draw(st.integers(0, 2 ** 32 - 1))
        n, m, d, e = draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 5)), draw(st.integers(1, 3))
        sigma = draw(st.sampled_from([0.25, 0.5, 1.0, 1.5]))
        rng = np.random.default_rng(seed)
        Q, K = sigma * rng.standard_normal((n, d)), sigma * rng.standard_normal((m, d))
        Q[rng.integers(n)] *= draw(st.sampled_from([1.0, 3.0]))
        # logits within |s| max||q|| max||k|| <= MAX_RADIUS (scale 1/d), where float64 reaches every eps
        # of the grid: beyond it poly_attention refuses by design (AS-2.2)
        R = max(float(np.max(np.sum(Q * Q, axis=1))), 1e-300) ** 0.5 * \
            max(float(np.max(np.sum(K * K, axis=1))), 1e-300) ** 0.5 / d
        if R > MAX_RADIUS:
            Q, K = Q * (MAX_RADIUS / R) ** 0.5, K * (MAX_RADIUS / R) ** 0.5
        V = rng.uniform(-2, 2, (m, e))
        top = max(float(np.max(np.abs(Q))), float(np.max(np.abs(K))))
        B = draw(st.sampled_from([None, 2.0])) if top > 0 else None
        eps = draw(st.sampled_from(GRID_EPS))
        return {"Q": Q, "K": K, "V": V, "B": None if B is None else B * top, "eps": eps}

    return build()


def encode(ex: dict) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in ex.items()}


def decode(js: dict) -> dict:
    return {k: (np.array(v, dtype=np.float64) if isinstance(v, list) else v) for k, v in js.items()}


# ------------------------------------------------------------------------------ predicates
def check_radius(ex: dict) -> None:
    """poly_attention's radius covers every logit exactly, its norm bound is a true upper bound
    on ``|s| max||q|| max||k||``, and the radius is the grid point above the tighter bound (so
    never above Lemma 3.3's)."""
    Q, K = ex["Q"], ex["K"]
    rep = poly_attention_report(Q, K, ex["V"], eps=ex["eps"], B=ex["B"])
    s = Fraction(rep.scale)
    Qf = [[Fraction(float(v)) for v in row] for row in Q]
    Kf = [[Fraction(float(v)) for v in row] for row in K]
    top = max(abs(s * sum(a * b for a, b in zip(q, k))) for q in Qf for k in Kf)
    rad = rep.radii
    if Fraction(rep.radius) < top:
        raise Counterexample("the certificate radius is below a logit", radius=rep.radius,
                             largest_logit=float(top), **encode(ex))
    mq = max(sum(v * v for v in q) for q in Qf)
    mk = max(sum(v * v for v in k) for k in Kf)
    if Fraction(rad.norm) ** 2 < s * s * mq * mk:
        raise Counterexample("the norm bound is below |s| max||q|| max||k||", norm=rad.norm,
                             exact=math.sqrt(float(s * s * mq * mk)), **encode(ex))
    if Fraction(rad.entry) < abs(s) * Q.shape[1] * Fraction(rep.B) ** 2:
        raise Counterexample("the entry bound is below |s| d B^2", entry=rad.entry, **encode(ex))
    if rep.radius != grid_up(min(rad.norm, rad.entry)) or rep.radius > grid_up(rad.entry):
        raise Counterexample("the radius is not the grid point above the tighter bound", radius=rep.radius,
                             norm=rad.norm, entry=rad.entry, **encode(ex))


RADIUS = RecordGroup("AS")

LOGIT_RADIUS = RADIUS.register(
    id="AS-radius", title="Logit radius: Cauchy-Schwarz, never above Lemma 3.3's",
    statement=("|s <q_i, k_j>| <= |s| max_i ||q_i|| max_j ||k_j|| <= |s| d B^2 when every |q_il|, |k_jl| <= B; "
               "so a radius R >= 0 with R^2 >= s^2 max ||q||^2 max ||k||^2 covers every logit."),
    source=SRC33,
    checks=(
        SmtProof(name="Cauchy-Schwarz and the entry bound by induction on d, then the radius (z3)",
                 claims=radius_claims,
                 scope=("every d >= 1 and all real q, k, s, B: induction over the coordinates, base "
                        "and step proved by z3 over the reals")),
    ),
    notes=("Lemma 3.3 states the entry form only; the norm form is the step its proof takes before "
           "bounding ||q|| by sqrt(d) B."),
)

RADIUS.implementation(
    LOGIT_RADIUS, "Logit radius: the implementation poly_attention agrees",
    statement=("poly_attention certifies P on the tighter of |s| max||q|| max||k|| and |s| d B^2, rounded up "
               "to the grid 2^(k/16): the radius covers every logit exactly, the norm bound is a true upper "
               "bound, and the radius is never above Lemma 3.3's."),
    checks=(
        Property(name="poly_attention's radius against every logit (exact)", strategy=gaussian_inputs,
                 predicate=check_radius, encode=encode, decode=decode, weight=0.2),
    ),
    notes=("Rounding the radius up keeps one certified polynomial per grid point (a certificate on a "
           "larger interval holds on a smaller one)."),
)

RADIUS.register(
    id="AS-3.7-radius", title="Theorem 3.7's error bound with the norm radius",
    statement=("With R the tighter of |s| max||q|| max||k|| and |s| d B^2, poly_attention still "
               "satisfies, row by row, ||T - Att||_inf <= 2 eps_A ||V||_inf + the float64 term of AS-3.7/impl, "
               "on Gaussian rows where the norm bound is far below the entry bound."),
    source=SRC37,
    checks=(
        Property(name="Gaussian rows, B = max |entry| or twice that", strategy=gaussian_inputs,
                 predicate=check_theorem37, encode=encode, decode=decode, weight=0.3),
    ),
    notes="The bound and its float64 term are AS-3.7/impl's (spec.as_.algorithm_one.theorem37_bound).",
    cites=("AS-3.7", "AS-radius"),
)
