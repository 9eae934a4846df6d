"""AS (arXiv 2302.13214) section 3.2, Lemma 3.2: a degree-g polynomial of ``X Y^T`` is ``U1 U2^T``
with ``C(d + g, g)`` columns (at most the printed ``r = C(2(g + d), 2g)``), and the cost of
building them.

AS-3.2 is proved in general (:mod:`spec.as_.feature_expansion_proof`: the multinomial expansion
and the count for symbolic d and g; :mod:`spec.as_.binomial_bounds_proof`: the count is at most
the printed r).  AS-3.2/impl checks ``impl.poly.features`` against it; AS-3.2-phi checks the
proof's own feature maps as printed; AS-3.2/literal the printed expansion's upper index.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import sympy

from impl.poly import feature_maps
from impl.poly.features import paper_rank, rank, weights
from spec.as_ import binomial_bounds_proof as binomials
from spec.as_ import poly_costs
from spec.as_.feature_expansion_proof import FEATURE_EXPANSION_GENERAL
from spec.as_.poly_inputs import bounded_matrix, decode_attention, encode_attention
from spec.as_.poly_oracles import fraction_matrix, gamma
from spec.profiles import Profile
from spec.record_groups import RecordGroup
from spec.registry import Counterexample, Exhaustive, Property, Source, SympyProof

LEMMA_32 = RecordGroup("AS", Source(seed="002", section="3.2", number="Lemma 3.2"))
PROOF_32 = LEMMA_32.at("3.2", "Lemma 3.2 (proof)")
#: the sizes of the Property and cost checks of feature_maps


def _feature_identities(dmax: int = 3, gmax: int = 4):
    from impl.elements import SYMPY
    from impl.poly.features import monomials, weights

    for d in range(1, dmax + 1):
        for g in range(0, gmax + 1):
            u = sympy.symbols(f"u1:{d + 1}", real=True)
            v = sympy.symbols(f"v1:{d + 1}", real=True)
            c = sympy.symbols(f"c0:{g + 1}", real=True)
            X = np.array([list(u)], dtype=object)
            Y = np.array([list(v)], dtype=object)
            U1 = monomials(X, g) * weights(list(c), d, 1, kind=SYMPY)
            U2 = monomials(Y, g)
            lhs = sympy.expand(sum(a * b for a, b in zip(U1[0], U2[0])))
            ip = sum(a * b for a, b in zip(u, v))
            rhs = sympy.expand(sum(ck * ip ** k for k, ck in enumerate(c)))
            yield (f"d={d}, g={g}: <U1 row, U2 row> = P(<u,v>) ({U1.shape[1]} = C(d+g,g) columns)", lhs, rhs)


def _paper_construction_identities():
    """The proof's own phi_u, phi_v over F, with phi_v's printed exponent t(u_i)."""
    for d, g in ((1, 1), (1, 2), (2, 1), (2, 2)):
        u = sympy.symbols(f"u1:{d + 1}", real=True)
        v = sympy.symbols(f"v1:{d + 1}", real=True)
        c = sympy.symbols(f"c0:{g + 1}", real=True)
        Kuv = sympy.expand(sum(ck * sum(a * b for a, b in zip(u, v)) ** k for k, ck in enumerate(c)))
        poly = sympy.Poly(Kuv, *u, *v)
        total = 0
        for t in itertools.product(range(2 * g + 1), repeat=2 * d):
            if sum(t) > 2 * g:
                continue
            tu = t[:d]
            ct = poly.coeff_monomial(sympy.Mul(*[a ** e for a, e in zip(u + v, t)]))
            phi_u = ct * sympy.Mul(*[a ** e for a, e in zip(u, tu)])
            phi_v = sympy.Mul(*[b ** e for b, e in zip(v, tu)])  # printed: v_i^{t(u_i)}
            total += phi_u * phi_v
        yield (f"d={d}, g={g}: sum over F of phi_u(u)_t phi_v(v)_t = K(u, v)", sympy.expand(total), Kuv)


def _lemma32_literal_identities():
    """Lemma 3.2's proof expands P(x) = sum_{i=0}^{d} c_i x^i (upper index d, not g)."""
    x = sympy.Symbol("x", real=True)
    for d, g in ((2, 2), (1, 2)):
        c = sympy.symbols(f"c0:{g + 1}", real=True)
        printed = sum(c[i] * x ** i for i in range(min(d, g) + 1))
        yield (f"d={d}, g={g}: sum_(i=0)^d c_i x^i = P(x)", printed, sum(ck * x ** k for k, ck in enumerate(c)))


def _rank_instances(profile: Profile):
    top = 8 if not profile.deep else 12
    return [(d, g) for d in range(1, 7) for g in range(0, top + 1)]


def feature_inputs():
    """Draws ``dict(X, Y, coefficients)`` with d <= 6, g <= 8, entries in [-1, 1]."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        d = draw(st.integers(1, 6))
        g = draw(st.integers(0, 8 if d <= 4 else 5))
        n = draw(st.integers(1, 4))
        c = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=g + 1, max_size=g + 1))
        return {"X": bounded_matrix(draw, st, n, d, 1.0), "Y": bounded_matrix(draw, st, n, d, 1.0),
                "coefficients": np.array(c)}

    return build()


def check_feature_identity(ex: dict) -> None:
    """Lemma 3.2 on floats: ``|fl(U1 U2^T) - P(X Y^T)| <= gamma_{r+2g+4} sum_t |U1_it U2_jt|``
    plus the underflow term below, with ``P(<x, y>)`` evaluated exactly (Fractions) and the
    columns counted: ``C(d+g, g)``.

    Underflow: the relative model holds for normal results only.  With gradual underflow a
    product may also err by an absolute ``2^-1075`` (Higham, *Accuracy and Stability*, 2nd ed.,
    eq. (2.8)); later factors of a monomial (``|x| <= 1``) do not enlarge it, the column weight
    ``w_t`` does.  Column ``t`` takes at most ``g`` products per side, one by ``w_t`` and one of
    ``U1_it U2_jt``: at most ``(2 g |w_t| + 2) 2^-1075`` up to second order, which
    ``(2g + 3)(|w_t| + 1) 2^-1074`` covers.  Found by the deep profile (seed 208326134):
    ``y = 5.1e-284``, ``P(t) = t^2`` underflows to 0 where the exact value is 2.6e-567."""
    X, Y, c = ex["X"], ex["Y"], [float(v) for v in ex["coefficients"]]
    d, g = X.shape[1], len(c) - 1
    U1, U2 = feature_maps(X, Y, c)
    r = rank(d, g)
    if U1.shape[1] != r or U2.shape[1] != r:
        raise Counterexample("feature count is not C(d+g, g)", d=d, g=g, got=int(U1.shape[1]), expected=r)
    approx = U1 @ U2.T
    S = np.abs(U1) @ np.abs(U2).T
    eta = gamma(r + 2 * g + 4)
    underflow = Fraction(2) ** -1074 * (2 * g + 3) * sum(abs(Fraction(float(w))) + 1 for w in weights(c, d))
    Xf, Yf = fraction_matrix(X), fraction_matrix(Y)
    cf = [Fraction(v) for v in c]
    for i, x in enumerate(Xf):
        for j, y in enumerate(Yf):
            t = sum(a * b for a, b in zip(x, y))
            exact = sum(ck * t ** k for k, ck in enumerate(cf))
            err = abs(Fraction(float(approx[i, j])) - exact)
            bound = Fraction(eta) * Fraction(float(S[i, j])) / (1 - Fraction(eta)) + underflow
            if err > bound:
                raise Counterexample("U1 U2^T differs from P(X Y^T) beyond rounding", i=i, j=j,
                                     error=float(err), bound=float(bound))


def check_rank_formulas(dg: tuple[int, int]) -> None:
    """Column count C(d+g, g) (distinct exponents of degree <= g) <= the printed C(2(g+d), 2g)."""
    from impl.poly.features import exponents

    d, g = dg
    alphas = exponents(d, g)
    distinct = {tuple(a) for a in alphas.tolist()}
    if len(distinct) != len(alphas) or len(alphas) != math.comb(d + g, g):
        raise Counterexample("columns are not the C(d+g, g) monomials of degree <= g", d=d, g=g,
                             columns=len(alphas), distinct=len(distinct))
    if any(sum(a) > g for a in distinct):
        raise Counterexample("a column has degree > g", d=d, g=g)
    if not rank(d, g) <= paper_rank(d, g):
        raise Counterexample("C(d+g, g) exceeds the printed C(2(g+d), 2g)", d=d, g=g)


# ------------------------------------------------------------------------------ records
FEATURES = LEMMA_32.correction(
    id="AS-3.2", title="Low-degree polynomial to low-rank matrix",
    statement=("For X, Y with d columns and P of degree g, P(X Y^T) = U1 U2^T where the rows of U1, U2 "
               "are the features phi_1(x), phi_2(y) indexed by the multi-indices of degree <= g: "
               "C(d + g, g) of them, at most the printed r = C(2(g + d), 2g)."),
    checks=(FEATURE_EXPANSION_GENERAL, binomials.RANK_RATIO, binomials.RANK_BOUND),
    notes=("The proof's set F of exponent functions on the 2d variables with sum <= 2g has "
           "C(2d + 2g, 2g) elements: the general count at (2d, 2g).  The printed r = C(2(g+d), 2g) is "
           "a valid but loose count; the real rank is C(d + g, g).  phi_v's printed exponent t(u_i) "
           "(for t(v_i)) is harmless: AS-3.2-phi."),
)

LEMMA_32.implementation(
    FEATURES, "Lemma 3.2: the implementation feature_maps agrees",
    statement=("impl.poly.features builds U1, U2 with the C(d + g, g) distinct exponents of degree <= g "
               "(at most the printed r) and <U1 row, U2 row> = P(<u, v>) exactly on symbolic entries; in "
               "float64 within gamma_{r+2g+4} sum_t |U1_it U2_jt| (plus gradual underflow)."),
    checks=(
        SympyProof(name="feature identity, d <= 3, g <= 4 (impl.poly.features)", identities=_feature_identities,
                   scope="d in 1..3, g in 0..4, symbolic entries u, v and coefficients c"),
        Exhaustive(name="column count C(d+g, g) <= printed C(2(g+d), 2g)", instances=_rank_instances,
                   predicate=check_rank_formulas, encode=list, decode=tuple,
                   scope="d in 1..6, g in 0..8 (deep 0..12)"),
        Property(name="float inputs, d <= 6, g <= 8", strategy=feature_inputs,
                 predicate=check_feature_identity, encode=encode_attention,
                 decode=decode_attention, weight=0.5),
    ),
)

PROOF_32.register(
    id="AS-3.2-phi", title="Lemma 3.2's proof: the feature maps over F as printed",
    statement=("With phi_u(u)_t = c_t prod_i u_i^{t(u_i)} and, as printed, phi_v(v)_t = prod_i v_i^{t(u_i)} "
               "(exponent t(u_i) where t(v_i) is meant), sum over t in F of phi_u(u)_t phi_v(v)_t = "
               "K(u, v) = P(<u, v>): c_t = 0 unless t(u_i) = t(v_i) for every i."),
    checks=(SympyProof(name="the proof's construction over F (printed t(u_i) exponent in phi_v)",
                       identities=_paper_construction_identities,
                       scope="(d, g) in {(1, 1), (1, 2), (2, 1), (2, 2)}, symbolic entries and coefficients"),),
    notes="Bounded: the sum over F is expanded at the listed sizes.",
)

PROOF_32.erratum(
    id="AS-3.2/literal", title="Lemma 3.2's expansion P(x) = sum_{i=0}^{d} c_i x^i",
    statement="The degree-g polynomial P expands as sum_{i=0}^{d} c_i x^i.",
    literal="P(x) = \\sum_{i=0}^{d} c_i x^i",
    checks=(SympyProof(name="upper index d instead of g", identities=_lemma32_literal_identities,
                       scope="(d, g) in {(2, 2), (1, 2)}, symbolic x and coefficients"),),
    notes="Minimal counterexample d = 1, g = 2: the printed sum drops c_2 x^2.",
    severity="typo", root_cause="AS-3.2-sum-index",
    readings=(
        "Upper index d read as g (the lemma calls P 'a degree-g polynomial' and the proof's K "
        "has degree 2g): then the expansion is P's own; the intent is plain.",
        "As printed with d < g the sum drops c_(d+1) x^(d+1) .. c_g x^g (d = 1, g = 2 drops "
        "c_2 x^2); with d > g it names coefficients P does not have.",
    ),
)

LEMMA_32.register(
    id="AS-3.2-cost", title="Lemma 3.2's running time O(n r g), with constants",
    statement=("feature_maps(X, Y, P) (X n x d, Y m x d, P of degree g) builds U1, U2 with "
               "(r - 1)(n + m) monomial products, n r weight products and r + g + 1 for the column "
               "weights, r = C(d + g, g): at most (2n + m) r + r + g + 1 <= 5 N r <= 5 N r_p g' "
               "multiply-adds (N = max(n, m), g' = max(g, 1), r_p = C(2(g + d), 2g) the printed r), "
               "and no exponentials."),
    checks=(poly_costs.counted("feature_maps on Q, K", poly_costs.check_lemma32),),
    notes=("The proof forms each entry as a product of at most g variables (n r g); the incremental "
           "build needs one product per entry, so the factor g is not needed (Lemma 3.4's O(n r))."),
    tags=("bounds",),
    cites=("AS-3.2",),
)
