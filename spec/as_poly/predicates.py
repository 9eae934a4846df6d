"""Predicates, strategies and Direct runs for the AS upper-bound statements (seed 002, §2–3).

Each predicate takes one example and raises :class:`spec.Counterexample` when the claim fails.
Floating point rounding is never hidden in a tolerance: every float64 comparison carries an
explicit Higham bound ``gamma_m * (sum of absolute values of the terms)`` (see
:mod:`spec.as_poly.exact`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from impl.poly import exp_polynomial, feature_maps, poly_attention_report
from impl.poly.features import paper_rank, rank, weights
from spec.as_poly.exact import REFERENCE_ERROR, U, fraction_matrix, gamma, mp_attention, mp_logits_exp
from spec.registry import Counterexample
from spec.profiles import Profile

GRID_RADII = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
GRID_EPS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)


# ------------------------------------------------------------------------------------------
# strategies
# ------------------------------------------------------------------------------------------

def _matrix(draw, st, n: int, d: int, bound: float) -> np.ndarray:
    """Entries in [-bound, bound]; a third of them pushed to the corners +-bound."""
    vals = draw(st.lists(st.one_of(
        st.floats(-bound, bound, allow_nan=False, allow_infinity=False),
        st.sampled_from([-bound, bound])), min_size=n * d, max_size=n * d))
    return np.array(vals, dtype=np.float64).reshape(n, d)


def attention_inputs(max_n: int = 8, max_d: int = 4, b_values=(0.5, 1.0, math.sqrt(2.0), 2.0, 2.8),
                     v_bounds=(1.0, 2.0, 10.0)):
    """Draws ``dict(Q, K, V, B, eps)`` with ``||Q||, ||K|| <= B`` (B from ``b_values``; the default
    B^2 <= 8), ``|V| <=`` one of ``v_bounds`` and eps on the grid."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_n))
        m = draw(st.integers(1, max_n))
        d = draw(st.integers(1, max_d))
        e = draw(st.integers(1, 3))
        B = draw(st.sampled_from(b_values))
        eps = draw(st.sampled_from(GRID_EPS))
        Vb = draw(st.sampled_from(v_bounds))
        return {"Q": _matrix(draw, st, n, d, B), "K": _matrix(draw, st, m, d, B),
                "V": _matrix(draw, st, m, e, Vb), "B": B, "eps": eps}

    return build()


def encode_attention(ex: dict) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in ex.items()}


def decode_attention(js: dict) -> dict:
    return {k: (np.array(v, dtype=np.float64) if isinstance(v, list) else v) for k, v in js.items()}


def relative_box(max_n: int = 3):
    """Draws ``dict(A, At, eps_a, Dt, eps_d, V)``: one row of positive A (exact Fractions), At in
    the relative box around A (corners +-eps_a half of the time), Dt in the box around D = sum A."""
    from hypothesis import strategies as st

    frac = st.fractions(min_value=Fraction(1, 1000), max_value=1000, max_denominator=1000)
    unit = st.one_of(st.sampled_from([Fraction(-1), Fraction(1)]),
                     st.fractions(min_value=-1, max_value=1, max_denominator=100))

    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_n))
        eps_a = draw(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(99, 1000), max_denominator=1000))
        eps_d = draw(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(99, 1000), max_denominator=1000))
        A = [draw(frac) for _ in range(n)]
        At = [a * (1 + draw(unit) * eps_a) for a in A]
        D = sum(A)
        Dt = D * (1 + draw(unit) * eps_d)
        Bv = draw(st.fractions(min_value=1, max_value=10, max_denominator=10))
        V = [draw(unit) * Bv for _ in range(n)]
        return {"A": A, "At": At, "eps_a": eps_a, "Dt": Dt, "eps_d": eps_d, "V": V, "B": Bv}

    return build()


def encode_box(ex: dict) -> dict:
    return {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in ex.items()}


def decode_box(js: dict) -> dict:
    return {k: ([Fraction(x) for x in v] if isinstance(v, list) else Fraction(v)) for k, v in js.items()}


# ------------------------------------------------------------------------------------------
# Lemma 3.2: P(X Y^T) = U1 U2^T
# ------------------------------------------------------------------------------------------

def feature_inputs():
    """Draws ``dict(X, Y, coefficients)`` with d <= 6, g <= 8, entries in [-1, 1]."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        d = draw(st.integers(1, 6))
        g = draw(st.integers(0, 8 if d <= 4 else 5))
        n = draw(st.integers(1, 4))
        c = draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=g + 1, max_size=g + 1))
        return {"X": _matrix(draw, st, n, d, 1.0), "Y": _matrix(draw, st, n, d, 1.0),
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


def check_paper_count(dg: tuple[int, int]) -> None:
    """Lemma 3.2's count: |{f: V -> {0..2g}, sum f <= 2g}| = C(2d+2g, 2g) for |V| = 2d (enumerated)."""
    import itertools

    d, g = dg
    count = sum(1 for f in itertools.product(range(2 * g + 1), repeat=2 * d) if sum(f) <= 2 * g)
    if count != math.comb(2 * d + 2 * g, 2 * g):
        raise Counterexample("|F| differs from C(2d+2g, 2g)", d=d, g=g, count=count)


# ------------------------------------------------------------------------------------------
# Lemma 3.3 (bounded entries), Lemma 3.4 ((eps, r)-approximation)
# ------------------------------------------------------------------------------------------

def check_bounded_entries(ex: dict) -> None:
    """Lemma 3.3, exactly: ``|<Q_i, K_j>| / d <= B^2`` (Fractions)."""
    Q, K, B = ex["Q"], ex["K"], Fraction(ex["B"])
    d = Q.shape[1]
    for i, q in enumerate(fraction_matrix(Q)):
        for j, k in enumerate(fraction_matrix(K)):
            x = abs(sum(a * b for a, b in zip(q, k))) / d
            if x > B * B:
                raise Counterexample("|QK^T/d| exceeds B^2", i=i, j=j, value=float(x), B=float(B))


def check_low_rank_approximation(ex: dict) -> None:
    """Lemma 3.4: ``A~ = U1 U2^T`` with ``C(d+g, g) <= C(2(g+d), 2g)`` columns satisfies
    ``|A~_ij - A_ij| <= eps A_ij`` -- for the exact product of the float64 features, so the float
    product gets ``+ gamma_{r+2g+4} S_ij``; A at 120 bits (``+ 2^-90 A_ij``)."""
    Q, K, B, eps = ex["Q"], ex["K"], ex["B"], ex["eps"]
    d = Q.shape[1]
    P = exp_polynomial(B * B, eps)
    if P.certified_error > eps:
        raise Counterexample("certified error exceeds eps", radius=B * B, eps=eps, certified=P.certified_error)
    U1, U2 = feature_maps(Q, K, P, scale=1.0 / d)
    r, g = U1.shape[1], P.degree
    if r != rank(d, g) or not r <= paper_rank(d, g):
        raise Counterexample("rank is not C(d+g, g) <= C(2(g+d), 2g)", d=d, g=g, r=r)
    At = U1 @ U2.T
    S = np.abs(U1) @ np.abs(U2).T
    eta = gamma(r + 2 * g + 6)  # + rounding of scale = 1/d in the weights
    A = mp_logits_exp(Q, K, 1.0 / d)
    for i in range(At.shape[0]):
        for j in range(At.shape[1]):
            a = float(A[i][j])
            bound = P.certified_error * a * (1 + 2 ** -50) + eta * S[i, j] / (1 - eta) + 2.0 ** -90 * a
            err = abs(At[i, j] - a)
            if not err <= bound:
                raise Counterexample("A~ is not an (eps, r)-approximation of A", i=i, j=j,
                                     A=a, At=float(At[i, j]), error=err, bound=bound)


# ------------------------------------------------------------------------------------------
# Lemma 3.5, Lemma 3.6 (exact rationals on the relative-error box)
# ------------------------------------------------------------------------------------------

def check_row_sum(ex: dict) -> None:
    """Lemma 3.5: ``|D~ - D| <= eps_A D`` for ``D = sum A``, ``D~ = sum A~`` (exact)."""
    D, Dt = sum(ex["A"]), sum(ex["At"])
    if abs(Dt - D) > ex["eps_a"] * D:
        raise Counterexample("|D~ - D| > eps_A D", D=str(D), Dt=str(Dt), eps_a=str(ex["eps_a"]))


def _row_error(A, At, Dt, V) -> Fraction:
    D = sum(A)
    return sum(a * v for a, v in zip(At, V)) / Dt - sum(a * v for a, v in zip(A, V)) / D


def check_lemma36_literal(ex: dict) -> None:
    """Lemma 3.6 as printed: any D~ with ``|D~ - D| <= eps_D D``; bound ``(eps_A + eps_D) B``."""
    err = _row_error(ex["A"], ex["At"], ex["Dt"], ex["V"])
    bound = (ex["eps_a"] + ex["eps_d"]) * ex["B"]
    if abs(err) > bound:
        raise Counterexample("Lemma 3.6 bound (eps_A + eps_D) B exceeded", error=str(err), bound=str(bound),
                             **encode_box(ex))


def check_lemma36_general(ex: dict) -> None:
    """Corrected Lemma 3.6, any D~ in the box: ``(eps_A + eps_D) ||V|| / (1 - eps_D)``."""
    err = _row_error(ex["A"], ex["At"], ex["Dt"], ex["V"])
    Vn = max(abs(v) for v in ex["V"])
    bound = (ex["eps_a"] + ex["eps_d"]) * Vn / (1 - ex["eps_d"])
    if abs(err) > bound:
        raise Counterexample("corrected Lemma 3.6 bound exceeded", error=str(err), bound=str(bound))


def check_lemma36_consistent(ex: dict) -> None:
    """Corrected Lemma 3.6 with ``D~ = diag(A~ 1)``: ``(eps_A + eps_D) ||V||``, eps_D from Lemma 3.5."""
    A, At = ex["A"], ex["At"]
    D, Dt = sum(A), sum(At)
    eps_d = abs(Dt - D) / D  # the smallest eps_D the hypothesis allows (<= eps_A by Lemma 3.5)
    err = _row_error(A, At, Dt, ex["V"])
    Vn = max(abs(v) for v in ex["V"])
    bound = (ex["eps_a"] + eps_d) * Vn
    if abs(err) > bound:
        raise Counterexample("Lemma 3.6 with D~ = diag(A~1) exceeded", error=str(err), bound=str(bound))


def lemma36_minimal_counterexample(profile: Profile) -> dict:
    """n = 1: A = 1, A~ = 21/20, D = 1, D~ = 19/20, V = 2 = B, eps_A = eps_D = 1/20."""
    ex = {"A": [Fraction(1)], "At": [Fraction(21, 20)], "Dt": Fraction(19, 20), "V": [Fraction(2)],
          "eps_a": Fraction(1, 20), "eps_d": Fraction(1, 20), "B": Fraction(2)}
    check_lemma36_general(ex)
    check_lemma36_literal(ex)  # raises: error 4/19 > 1/5
    return {"summary": "no counterexample"}


# ------------------------------------------------------------------------------------------
# Theorem 3.7
# ------------------------------------------------------------------------------------------

def theorem37_bound(ex: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """``(T, bound, info)``: poly_attention's output and the per-row bound
    ``(eps_A + eps_D) ||V|| + float64 term + reference term`` with ``eps_D = eps_A``."""
    Q, K, V, eps = ex["Q"], ex["K"], ex["V"], ex["eps"]
    B = ex.get("B")
    rep = poly_attention_report(Q, K, V, eps=eps, B=B)
    s = rep.scale
    # the certificate must cover every logit that occurs (exact); Lemma 3.3's |scale| d B^2 is one
    # radius that does, a norm bound is a tighter one
    Qf, Kf = fraction_matrix(Q), fraction_matrix(K)
    top = max(abs(Fraction(s) * sum(a * b for a, b in zip(q, k))) for q in Qf for k in Kf)
    if Fraction(rep.radius) < top:
        raise Counterexample("certificate radius below the largest |scale <Q_i, K_j>|",
                             radius=rep.radius, largest_logit=float(top))
    if not (float(np.max(np.abs(Q))) <= rep.B and float(np.max(np.abs(K))) <= rep.B):
        raise Counterexample("entries exceed B", B=rep.B)
    P = rep.poly
    if not (P.certified_error <= eps and P.radius == rep.radius):
        raise Counterexample("polynomial not certified for the radius", eps=eps, certified=P.certified_error)
    eps_a = P.certified_error
    U1, U2 = feature_maps(Q, K, P, scale=s)
    S = (np.abs(U1) @ np.abs(U2).sum(axis=0))
    n_keys, g, r = K.shape[0], P.degree, U1.shape[1]
    eta = gamma(n_keys + r + 2 * g + 6)
    S_up = S * (1 + 4 * eta)
    att, D = mp_attention(Q, K, V, s)
    Vn = float(np.max(np.abs(V)))
    w_lo = (1 - eps_a) * D * (1 - 2 ** -50)
    denom = w_lo - eta * S_up
    float_term = np.where(denom > 0, 2 * eta * S_up * Vn / np.where(denom > 0, denom, 1), np.inf)
    float_term = float_term * (1 + 4 * U) + 2 * U * Vn
    bound = 2 * eps_a * Vn + float_term + (REFERENCE_ERROR + U) * Vn
    info = {"eps_a": eps_a, "degree": g, "rank": r, "radius": rep.radius, "att": att,
            "float_term": float_term, "approx_term": 2 * eps_a * Vn}
    return rep.output, bound, info


def check_theorem37(ex: dict) -> None:
    """Theorem 3.7 (corrected): ``|T - Att|_row <= 2 eps_A ||V|| + float64 rounding`` on every row."""
    T, bound, info = theorem37_bound(ex)
    err = np.max(np.abs(T - info["att"]), axis=1)
    bad = np.nonzero(~(err <= bound))[0]
    if len(bad):
        i = int(bad[0])
        raise Counterexample("poly_attention misses the Theorem 3.7 bound", row=i, error=float(err[i]),
                             bound=float(bound[i]), **encode_attention(ex))


def adversarial_example(radius: float, eps: float, copies: int = 3) -> dict:
    """Logits placed at the extrema of P's relative error with opposite signs, V = +-1 there, and
    key multiplicities balancing the weights: the error of Algorithm 1 then reaches ~eps_A ||V||.
    ``B = sqrt(radius)``, ``d = 1`` and scale ``1/d = 1``, so the logit is ``q k = x``."""
    P = exp_polynomial(radius, eps)
    ext = sorted(P.certificate.extrema, key=lambda t: -abs(t[1]))
    plus = next(x for x, v in ext if v > 0)
    minus = min((x for x, v in ext if v < 0), key=lambda x: abs(x - plus))
    B = math.sqrt(radius)
    # d = 1, scale = 1: logit = q k with q = B, k = x / B
    m_plus = max(1, round(copies * math.exp(min(0.0, minus - plus))))
    m_minus = max(1, round(copies * math.exp(min(0.0, plus - minus))))
    keys = [plus / B] * m_plus + [minus / B] * m_minus
    V = [B] * m_plus + [-B] * m_minus  # ||V||_inf <= B as in AAttC (Definition 1.2)
    return {"Q": np.array([[B]]), "K": np.array(keys)[:, None].clip(-B, B), "V": np.array(V)[:, None],
            "B": B, "eps": eps}


def theorem37_literal_counterexample(profile: Profile) -> dict:
    """Algorithm 1 run with polynomial accuracy eps must solve AAttC(n, d, B, eps) (error <= eps)."""
    for radius in (8.0, 4.0, 2.0):
        for eps in GRID_EPS:
            ex = adversarial_example(radius, eps)
            # scale = 1 (d = 1): the logit is q k itself
            T, bound, info = theorem37_bound(ex)
            err = float(np.max(np.abs(T - info["att"])))
            margin = float(np.max(info["float_term"]))
            if err - margin > eps:
                raise Counterexample(
                    "Algorithm 1 with accuracy eps misses ||T - Att||_inf <= eps (B > 1)",
                    radius=radius, error=err, rounding_bound=margin,
                    eps_A=info["eps_a"], **encode_attention(ex))
    return {"summary": "no counterexample found"}
