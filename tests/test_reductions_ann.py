"""Gap-ANN through attention (AS Remark 4.4, Definition 4.5, Lemma 4.7; arXiv 2302.13214 section 4):
impl.reductions.ann and the predicates of spec.as_.ann_*; exact cross-checks of the general proofs'
claims (Case 2a and 2b first steps, Eq. (12)) on small instances."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from impl.reductions import ann as R
from spec.as_ import (
    ann_balancing,
    ann_cases_proof,
    ann_instances,
    ann_lookup,
    ann_matrix,
    ann_reduction,
    ann_thresholds,
)
from spec.as_.ann_instances import distance
from spec.profiles import get_profile
from spec.registry import Counterexample

QUICK = get_profile("quick")

FAST = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

FAR2 = {"A": [[0, 1], [0, 1]], "B": [[1, 0], [1, 0]], "t": 1.0, "eps": 1.0}  # both rows far


# ------------------------------------------------------------------------------ exact cross-checks
def check_2b_ip(inst):
    """Case 2b's first step, exactly: ||a - b||^2 >= t (1 + eps) implies <a, b>/d~ <= (1 - t(1+eps)/d)/4
    with d~ = 2d, and <a, b>/d = 1/2 - ||a - b||^2 / (2d) for balanced a, b."""
    a, b, d = inst["a"], inst["b"], inst["d"]
    t, eps = Fraction(inst["t"]), Fraction(inst["eps"])
    ip = sum(x * y for x, y in zip(a, b))
    assert Fraction(ip, d) == Fraction(1, 2) - Fraction(distance(a, b), 2 * d)
    if distance(a, b) >= t * (1 + eps):
        assert Fraction(ip, 2 * d) <= Fraction(1, 4) * (1 - t * (1 + eps) / d)


def check_2a_ip(inst):
    """Case 2a's first step, exactly: ||a - b||^2 <= t implies <a, b>/d~ >= (1 - t/d)/4."""
    a, b, d, t = inst["a"], inst["b"], inst["d"], Fraction(inst["t"])
    if distance(a, b) <= t:
        assert Fraction(sum(x * y for x, y in zip(a, b)), 2 * d) >= Fraction(1, 4) * (1 - t / d)


def eq12_exponent(d, t, eps, k):
    """log_n (6 t~ / eps_a) with C/C_0 = d/t, C_b^2 = 40 d / (t eps), tau = n^(k C_b^2)."""
    cb2 = Fraction(40 * d) / (t * eps)
    return cb2 * (1 - t / d) / 4 - k * cb2 - 1 + 2 + cb2 * (1 + t / d)


def eq12_grid():
    for n in (2, 3, 4, 8, 16, 1024):
        for d in (1, 2, 4, 8, 16):
            for t in sorted({Fraction(1, 2), Fraction(1), Fraction(d, 2), Fraction(d)}):
                for eps in (Fraction(1, 10), Fraction(1, 2), Fraction(1), Fraction(4)):
                    yield n, d, t, eps


def check_eq12_both(n, d, t, eps):
    """t~ >= eps_a decided exactly for both taus: 6 t~ / eps_a = n^E with E = p/q rational, and
    n^E >= 6 iff n^p >= 6^q (E > 0)."""
    for k in (Fraction(1), Fraction(1, 2)):
        E = eq12_exponent(d, t, eps, k)
        assert E > 0 and n ** E.numerator >= 6 ** E.denominator, (n, d, t, eps, k, E)


# ------------------------------------------------------------------------------ 4.4, 4.5
@FAST
@given(ann_instances.instance_strategy(8, 5))
def test_balance_and_promise(inst):
    ann_balancing.check_balance(inst)
    ann_balancing.check_promise(inst)
    assert R.is_balanced(R.balance(inst["A"]))


def test_promise_boundary_is_definition_4_5():
    # distance 2 = (1 + eps) t is "far" (>=), distance t is neither near (< t) nor far
    assert R.promise_classes([[1, 0]], [[0, 1]], 1, 1) == ("far",)
    assert R.promise_classes([[1, 0]], [[0, 1]], 2, 1) == ("outside",)
    assert R.promise_classes([[1, 0]], [[1, 0]], 0.5, 1) == ("near",)


# ------------------------------------------------------------------------------ case 1
@FAST
@given(ann_instances.instance_strategy(10, 6))
def test_lookup_random(inst):
    ann_lookup.check_lookup(inst)
    ann_lookup.check_lookup_count(inst)


def test_lookup_count_literal_minimal():
    inst = next(iter(ann_lookup.lookup_count_family(QUICK)))
    with pytest.raises(Counterexample, match="2 probes per vector, not binom\\(d, t\\) = 1"):
        ann_lookup.check_lookup_count_literal(inst)
    ann_lookup.check_lookup_count(inst)


def test_choose_c():
    for C in (0.5, 1.0, 2.885, 10.0):
        for g in (0.01, 0.05, 0.099):
            c = R.choose_c(C, g)
            assert 0 < c <= C / 2 and R.f_bound(C, c) < 1 - g
            if c < C / 2:  # the largest such c, to 1e-9
                assert R.f_bound(C, c * (1 + 1e-9) + 1e-12) >= 1 - g - 1e-9
    for bad in (0, 0.1, -0.01):
        with pytest.raises(ValueError, match="C_gamma"):
            R.choose_c(2.0, bad)


def test_dispatch_uses_both_cases():
    A = [[0, 1, 0, 1], [1, 1, 0, 0]]
    B = [[0, 1, 0, 1], [0, 0, 1, 1]]
    small = R.gap_ann(A, B, 0.5, 1.0, c=1.0)  # 0.5 < ln 2
    big = R.gap_ann(A, B, 1.0, 1.0, c=1.0)
    assert small.case == "lookup" and small.oracle_calls == 0 and small.lookups > 0
    assert big.case == "attention" and big.oracle_calls == 1 and big.lookups == 0
    assert small.correct and big.correct


# ------------------------------------------------------------------------------ parameters
def test_parameters_and_magnitudes_n2_d2():
    p = R.lemma47_params(2, 2, 1.0, 1.0)
    with mpmath.workprec(p.precision_bits):
        assert p.Cb2 == 80 and p.Ca == 122  # C_b^2 = 40 (d/t)/eps, C_a = 2 + C_b^2 (1 + t/d)
        assert abs(p.eps_a / mpmath.mpf(2) ** -122 - 1) < mpmath.mpf(2) ** -100
        assert abs(p.tau / mpmath.mpf(2) ** 40 - 1) < mpmath.mpf(2) ** -100  # e^(beta/2) = 2^40
        assert p.precision_bits >= 122 + 64
    pp = R.lemma47_params(2, 2, 1.0, 1.0, "printed")
    with mpmath.workprec(pp.precision_bits):
        assert abs(pp.tau / mpmath.mpf(2) ** 80 - 1) < mpmath.mpf(2) ** -100


def test_magnitudes_leave_float64():
    p = R.lemma47_params(16, 16, 4.0, 0.5, "printed")
    with mpmath.workprec(p.precision_bits):
        assert mpmath.log10(p.tau) > 308 and mpmath.log10(p.eps_a) < -308


def test_eq12_grid_and_chains():
    for n, d, t, eps in eq12_grid():
        check_eq12_both(n, d, t, eps)
    for variant in ("printed", "corrected"):
        for _, lhs, rhs in ann_cases_proof.eq12_chain(variant):
            assert sympy.simplify(lhs - rhs) == 0
    (_, lhs, rhs), = ann_cases_proof.eq13_identities()
    assert sympy.simplify(lhs - rhs) == 0
    (_, lhs, rhs), = ann_cases_proof.case_2b_step("printed")
    assert sympy.simplify(lhs - rhs) == sympy.log(2)
    (_, lhs, rhs), = ann_cases_proof.case_2b_step("corrected")
    assert sympy.simplify(lhs - rhs) == 0


# ------------------------------------------------------------------------------ case 2
def test_corrected_reduction_on_the_family_with_adversaries():
    pred = ann_reduction.check_attention("corrected")
    for inst in ann_instances.family(QUICK):
        if len(inst["A"]) == 2:
            pred(inst)


@FAST
@given(ann_instances.instance_strategy(8, 4))
def test_corrected_reduction_random(inst):
    ann_reduction.check_attention_quick(inst)


def test_printed_reduction_misdecides_far_rows():
    res = R.gap_ann_attention(FAR2["A"], FAR2["B"], 1.0, 1.0, variant="printed")
    assert res.classes == ("far", "far") and res.near == (True, True) and not res.correct
    ok = R.gap_ann_attention(FAR2["A"], FAR2["B"], 1.0, 1.0)
    assert ok.near == (False, False) and ok.correct
    for pred in (ann_reduction.check_attention("printed"), ann_thresholds.check_case_2b("printed"),
                 ann_matrix.check_D("printed"), ann_matrix.check_A_literal):
        with pytest.raises(Counterexample):
            pred(FAR2)
    for pred in (ann_thresholds.check_case_2b("corrected"), ann_matrix.check_D("corrected"),
                 ann_matrix.check_A_corrected, ann_thresholds.check_case_2a("printed"),
                 ann_thresholds.check_case_2a("corrected"), ann_matrix.check_eq10, ann_matrix.check_eq11):
        pred(FAR2)


def test_decisions_come_from_the_oracle():
    near = {"A": [[0, 1], [1, 0]], "B": [[0, 1], [1, 0]], "t": 1.0, "eps": 1.0}

    def zeros(Q, K, V, scale):
        return np.full((Q.shape[0], V.shape[1]), mpmath.mpf(0), dtype=object)

    res = R.gap_ann_attention(near["A"], near["B"], 1.0, 1.0, oracle=zeros)
    assert res.near == (False, False) and not res.correct  # a wrong oracle gives wrong answers
    with pytest.raises(ValueError, match="oracle must return"):
        R.gap_ann_attention(near["A"], near["B"], 1.0, 1.0, oracle=lambda Q, K, V, s: V[:1])


def test_inner_product_steps():
    a, b = [0, 0, 1, 1], [0, 1, 0, 1]
    with pytest.raises(Counterexample, match="1/4 > "):
        ann_thresholds.check_2b_ip_literal({"a": a, "b": b, "d": 4, "t": 1.0, "eps": 0.25})
    for inst in ann_instances.pair_family(6):
        check_2b_ip(inst)
        check_2a_ip(inst)


def test_goal_with_eps_a_is_not_met():
    with pytest.raises(Counterexample, match="eps_a"):
        for inst in ann_reduction.goal_family(QUICK):
            ann_reduction.check_goal_literal(inst)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("A, B, t, eps, err, word", [
    ([[0, 2], [1, 0]], [[0, 1], [1, 0]], 1, 1, ValueError, "A"),
    ([[0, 1], [1, 0]], [[0, 1, 1], [1, 0, 0]], 1, 1, ValueError, "A and B"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], 0, 1, ValueError, "t"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], 3, 1, ValueError, "t"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], 1, 0, ValueError, "eps"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], "1", 1, TypeError, "t"),
    ([[0, 1]], [[0, 1]], 1, 1, ValueError, "n"),
    ("ab", [[0, 1]], 1, 1, TypeError, "A"),
])
def test_bad_input(A, B, t, eps, err, word):
    with pytest.raises(err, match=word):
        R.gap_ann_attention(A, B, t, eps)


def test_bad_parameters():
    with pytest.raises(ValueError, match="variant"):
        R.lemma47_params(2, 2, 1.0, 1.0, "paper")
    with pytest.raises(ValueError, match="n must"):
        R.lemma47_params(1, 2, 1.0, 1.0)
    with pytest.raises(ValueError, match="eps"):
        R.lemma47_params(2, 2, 1.0, -1.0)
