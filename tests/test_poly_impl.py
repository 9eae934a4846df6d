"""Unit tests for impl.poly (AS, Alman & Song, sections 2-3)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from impl.attention import attention
from impl.poly import (
    ExpPolynomial,
    certify,
    exp_polynomial,
    feature_maps,
    paper_rank,
    poly_attention,
    poly_attention_report,
    rank,
)
from impl.poly import approximants as ap
from impl.poly.bounds import as_formula, minimal_degree_lower_bound, relative_error_lower_bound
from impl.poly.dyadic import DyadicPoly, taylor_shift, to_fraction
from impl.poly.features import exponents, monomials

# ------------------------------------------------------------------ exact arithmetic helpers

def test_to_fraction_keeps_sign_of_mpf():
    import mpmath
    assert to_fraction(mpmath.mpf(-1.5)) == Fraction(-3, 2)
    assert to_fraction(-0.1) == Fraction(-0.1)


def test_taylor_shift_exact():
    # (1 + 2 y + 3 y^2) at y = 5 + v  ->  86 + 32 v + 3 v^2
    assert taylor_shift([1, 2, 3], 5) == [86, 32, 3]


def test_dyadic_value_exact():
    P = DyadicPoly.from_coefficients([0.5, -0.25, 3.0])
    x = Fraction(3, 4)
    assert P.value(x) == Fraction(1, 2) - Fraction(1, 4) * x + 3 * x * x


# ------------------------------------------------------------------ certificate

def test_certificate_encloses_true_error_of_taylor():
    import mpmath
    c = [1 / math.factorial(k) for k in range(9)]
    cert = certify(c, -1.0, 1.0)
    with mpmath.workprec(200):
        true = max(abs(sum(mpmath.mpf(ci) * mpmath.mpf(x) ** k for k, ci in enumerate(c)) * mpmath.exp(-x) - 1)
                   for x in (-1.0, 1.0))
    assert cert.lower <= float(true) <= cert.upper
    assert cert.upper <= float(true) * 1.01


def test_certificate_detects_a_wrong_polynomial():
    c = [1.0, 1.0, 0.5, 1 / 6 + 1e-6]  # perturbed cubic: error at x=1 is at least 1e-6 / e
    cert = certify(c, -1.0, 1.0, target=1e-9)
    assert cert.lower > 1e-9


def test_certificate_absolute_weight():
    c = [1 / math.factorial(k) for k in range(8)]
    cert = certify(c, 0.0, 1.0, weight="absolute")
    tail = sum(1 / math.factorial(k) for k in range(8, 30))  # e - T_7(1)
    assert cert.lower <= tail <= cert.upper


def test_certify_rejects_bad_arguments():
    with pytest.raises(ValueError):
        certify([1.0], 1.0, -1.0)
    with pytest.raises(ValueError):
        certify([1.0], -1.0, 1.0, weight="other")
    with pytest.raises(ValueError):
        certify([float("nan")], -1.0, 1.0)


# ------------------------------------------------------------------ exp_polynomial

@pytest.mark.parametrize("radius,eps", [(0.25, 1e-2), (1.0, 1e-6), (4.0, 1e-8), (8.0, 1e-10)])
def test_exp_polynomial_certified_and_optimal(radius, eps):
    P = exp_polynomial(radius, eps)
    assert isinstance(P, ExpPolynomial)
    assert P.certified_error <= eps
    assert P.error_lower_bound <= P.certified_error
    assert P.positive and P.certified_error < 1
    assert P.coefficients.dtype == np.float64 and len(P.coefficients) == P.degree + 1
    assert P.degree >= P.degree_lower_bound
    # the certificate is rigorous for degree_lower_bound - 1 being impossible
    if P.degree_lower_bound > 0:
        assert relative_error_lower_bound(radius, P.degree_lower_bound - 1) > eps or \
            P.degree == P.degree_lower_bound
    # float evaluation agrees with e^x to the certified error plus float rounding
    x = np.linspace(-radius, radius, 101)
    rel = np.abs(P(x) * np.exp(-x) - 1)
    assert np.all(rel <= eps + 1e-13 * np.exp(2 * radius))
    assert not P.coefficients.flags.writeable


def test_exp_polynomial_degree_one_lower_cannot_reach_eps():
    P = exp_polynomial(2.0, 1e-6)
    assert P.degree == P.degree_lower_bound  # proved optimal
    g = P.degree - 1
    exact = ap.relative_minimax(2.0, g, 1e-6)
    est = np.max(np.abs(ap.sampled_relative_error(exact, ap.dense_grid(2.0, 2000))))
    assert est > 1e-6


def test_exp_polynomial_float64_floor_is_a_value_error():
    with pytest.raises(ValueError, match="float64 coefficients cannot reach"):
        exp_polynomial(16.0, 1e-10)


@pytest.mark.parametrize("radius,eps,exc", [
    (0.0, 1e-3, ValueError), (-1.0, 1e-3, ValueError), (float("inf"), 1e-3, ValueError),
    (float("nan"), 1e-3, ValueError), (1.0, 0.0, ValueError), (1.0, 1.0, ValueError),
    (1.0, -0.5, ValueError), (1.0, float("nan"), ValueError), ("1", 1e-3, TypeError),
    (True, 1e-3, TypeError), (1.0, None, TypeError)])
def test_exp_polynomial_bad_input(radius, eps, exc):
    with pytest.raises(exc, match="radius|eps"):
        exp_polynomial(radius, eps)


def test_degree_lower_bound_is_rigorous_for_taylor():
    # Taylor of degree 5 on [-1, 1] has error >= the best degree-5 error
    lb = relative_error_lower_bound(1.0, 5)
    c = [1 / math.factorial(k) for k in range(6)]
    assert certify(c, -1.0, 1.0).upper >= lb
    assert minimal_degree_lower_bound(1.0, 1e-6) == 7


def test_as_formula_forms():
    assert math.isnan(as_formula(math.log(20) ** 2, 0.05))  # L / sqrt(R) == 1
    assert as_formula(4.0, 1e-6, form="corollary2.2") == pytest.approx(
        max(math.log(1e6) / math.log(math.log(1e6) / 4.0), 4.0))
    with pytest.raises(ValueError):
        as_formula(1.0, 0.1, form="nope")


def test_round_to_float64_compensation_beats_plain_rounding():
    exact = ap.relative_minimax(8.0, 30, 1e-12)
    grid = ap.dense_grid(8.0, 800)
    comp = np.max(np.abs(ap.sampled_relative_error(ap.round_to_float64(exact, 8.0), grid)))
    plain = np.max(np.abs(ap.sampled_relative_error([float(c) for c in exact], grid)))
    assert comp < plain / 5


# ------------------------------------------------------------------ features

def test_exponents_are_all_monomials_once():
    for d, g in [(1, 4), (3, 3), (4, 2)]:
        a = exponents(d, g)
        assert len(a) == rank(d, g) == math.comb(d + g, g)
        assert len({tuple(r) for r in a.tolist()}) == len(a)
        assert a.sum(axis=1).max() == g
        assert list(a.sum(axis=1)) == sorted(a.sum(axis=1))


def test_monomials_match_powers():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (7, 3))
    m = monomials(X, 4)
    ref = np.prod(X[:, None, :] ** exponents(3, 4)[None], axis=2)
    np.testing.assert_allclose(m, ref, rtol=1e-14, atol=1e-15)


def test_feature_maps_identity_and_scale():
    rng = np.random.default_rng(1)
    X, Y = rng.uniform(-1, 1, (6, 4)), rng.uniform(-1, 1, (5, 4))
    c = [0.5, -1.0, 0.25, 2.0]
    U1, U2 = feature_maps(X, Y, c, scale=0.25)
    assert U1.shape == (6, rank(4, 3)) and U2.shape == (5, rank(4, 3))
    np.testing.assert_allclose(U1 @ U2.T, np.polynomial.polynomial.polyval(0.25 * X @ Y.T, c), atol=1e-13)
    assert paper_rank(4, 3) == math.comb(14, 6) >= rank(4, 3)


def test_feature_maps_exact_kind():
    import sympy
    X = np.array([[sympy.Rational(1, 2), sympy.Integer(-1)]], dtype=object)
    Y = np.array([[sympy.Integer(3), sympy.Rational(1, 3)]], dtype=object)
    c = [sympy.Integer(1), sympy.Integer(2), sympy.Rational(1, 2)]
    U1, U2 = feature_maps(X, Y, c)
    x = sympy.Rational(1, 2) * 3 - sympy.Rational(1, 3)
    assert sympy.simplify(sum(U1[0] * U2[0]) - (1 + 2 * x + x ** 2 / 2)) == 0


def test_feature_maps_bad_input():
    with pytest.raises(ValueError, match="columns"):
        feature_maps(np.ones((2, 3)), np.ones((2, 2)), [1.0])
    with pytest.raises(ValueError, match="X"):
        feature_maps(np.array([[np.nan]]), np.ones((1, 1)), [1.0])
    with pytest.raises(TypeError, match="poly"):
        feature_maps(np.ones((1, 1)), np.ones((1, 1)), "abc")
    with pytest.raises(ValueError, match="poly"):
        feature_maps(np.ones((1, 1)), np.ones((1, 1)), [])


# ------------------------------------------------------------------ poly_attention

def test_poly_attention_close_to_exact():
    rng = np.random.default_rng(2)
    Q, K, V = rng.uniform(-1, 1, (40, 4)), rng.uniform(-1, 1, (50, 4)), rng.uniform(-1, 1, (50, 3))
    rep = poly_attention_report(Q, K, V, eps=1e-6, with_abs_sums=True, block_rows=7)
    ref = attention(Q, K, V, scale=0.25)
    assert rep.output.shape == (40, 3)
    assert np.max(np.abs(rep.output - ref)) <= 2 * rep.poly.certified_error + 1e-12
    assert rep.rank == math.comb(4 + rep.poly.degree, 4)
    # the radius bounds every logit, and is the grid point above the tighter of the two bounds
    assert np.max(np.abs(0.25 * Q @ K.T)) <= rep.radii.norm <= rep.radius
    assert rep.radii.norm < rep.radii.entry and rep.radii.entry >= 0.25 * 4 * rep.B ** 2
    assert rep.radius < 0.25 * 4 * rep.B ** 2     # the norm bound saved something here
    np.testing.assert_allclose(rep.output, poly_attention(Q, K, V, eps=1e-6), rtol=0, atol=1e-14)
    assert np.all(rep.abs_sums >= rep.row_sums * (1 - 1e-12))


def test_poly_attention_given_B_and_scale():
    rng = np.random.default_rng(3)
    Q, K, V = rng.uniform(-1, 1, (8, 2)), rng.uniform(-1, 1, (8, 2)), rng.uniform(-1, 1, (8, 1))
    out = poly_attention(Q, K, V, eps=1e-8, B=1.5, scale=0.3)
    assert np.max(np.abs(out - attention(Q, K, V, scale=0.3))) < 1e-7
    rep = poly_attention_report(Q, K, V, B=1.5, scale=0.3)
    assert rep.radii.entry >= 0.3 * 2 * 1.5 ** 2 and rep.radius >= np.max(np.abs(0.3 * Q @ K.T))


def test_poly_attention_zero_logits():
    V = np.array([[1.0], [3.0]])
    out = poly_attention(np.zeros((1, 2)), np.zeros((2, 2)), V)
    assert out[0, 0] == pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize("kwargs,exc,word", [
    ({"Q": np.full((2, 2), 2.0), "B": 1.0}, ValueError, "Q"),
    ({"K": np.full((3, 2), -2.0), "B": 1.0}, ValueError, "K"),
    ({"eps": 0.0}, ValueError, "eps"),
    ({"eps": 1.5}, ValueError, "eps"),
    ({"Q": np.array([[np.inf, 0.0], [0.0, 0.0]])}, ValueError, "Q"),
    ({"V": np.array([[np.nan], [0.0], [0.0]])}, ValueError, "V"),
    ({"K": np.ones((3, 3))}, ValueError, "columns"),
    ({"V": np.ones((2, 1))}, ValueError, "rows"),
    ({"B": -1.0}, ValueError, "B"),
    ({"B": "x"}, TypeError, "B"),
    ({"scale": float("nan")}, ValueError, "scale"),
    ({"Q": "abc"}, TypeError, "Q"),
])
def test_poly_attention_bad_input(kwargs, exc, word):
    args = {"Q": np.zeros((2, 2)), "K": np.zeros((3, 2)), "V": np.zeros((3, 1))}
    args.update(kwargs)
    opts = {k: args.pop(k) for k in ("eps", "B", "scale") if k in args}
    with pytest.raises(exc, match=word):
        poly_attention(args["Q"], args["K"], args["V"], **opts)
