"""spec AS-radius and AS-3.7-radius: their checks pass on the implementation and fail on a wrong one."""

import numpy as np
import pytest
import z3

import impl.poly.algorithm as algorithm
from impl.poly.radius import Radius
from spec.as_ import logit_radius
from spec.registry import Counterexample, load_all


def _prove(claim, assumptions):
    s = z3.Solver()
    s.add(*assumptions, z3.Not(claim))
    return s.check()


def test_records_registered_with_sources():
    lemmas = load_all()
    for lid in ("AS-radius", "AS-3.7-radius"):
        assert lemmas[lid].paper == "AS" and lemmas[lid].source.seed == "002"
    assert lemmas["AS-radius"].source.number == "Lemma 3.3"


def test_every_claim_is_proved_and_the_induction_has_base_and_step():
    claims = list(logit_radius.radius_claims())
    labels = [c[0] for c in claims]
    assert sum("base" in lab for lab in labels) == 2 and sum("step" in lab for lab in labels) == 2
    for label, claim, assumptions in claims:
        assert _prove(claim, assumptions) == z3.unsat, label


def test_the_z3_step_fails_without_its_term_fact():
    """The entry induction's step needs |x| <= B: without it z3 finds a counterexample."""
    claims = {c[0]: c for c in logit_radius.radius_claims()}
    label = next(k for k in claims if k.startswith("entry bound") and "step" in k)
    _, claim, assumptions = claims[label]
    x, B = z3.Reals("x B")
    weaker = [a for a in assumptions if not a.eq(x * x <= B * B)]
    assert len(weaker) == len(assumptions) - 1
    assert _prove(claim, weaker) == z3.sat


def _example(seed=0):
    rng = np.random.default_rng(seed)
    return {"Q": 0.5 * rng.standard_normal((6, 4)), "K": 0.5 * rng.standard_normal((5, 4)),
            "V": rng.uniform(-1, 1, (5, 2)), "B": None, "eps": 1e-6}


def test_check_radius_passes_and_catches_a_radius_below_a_logit(monkeypatch):
    ex = _example()
    logit_radius.check_radius(ex)
    logit_radius.check_theorem37(ex)
    real = algorithm.certificate_radius

    def too_small(Q, K, s, B):
        r = real(Q, K, s, B)
        return Radius(value=r.value / 8, norm=r.norm / 8, entry=r.entry)

    monkeypatch.setattr(algorithm, "certificate_radius", too_small)
    with pytest.raises(Counterexample, match="below a logit"):
        logit_radius.check_radius(ex)


def test_check_radius_catches_a_radius_off_the_grid(monkeypatch):
    ex = _example(1)
    real = algorithm.certificate_radius
    monkeypatch.setattr(algorithm, "certificate_radius",
                        lambda Q, K, s, B: (lambda r: Radius(r.entry, r.norm, r.entry))(real(Q, K, s, B)))
    with pytest.raises(Counterexample, match="grid point above the tighter bound"):
        logit_radius.check_radius(ex)


def test_encode_decode_round_trip():
    ex = _example(2)
    back = logit_radius.decode(logit_radius.encode(ex))
    assert all(np.array_equal(back[k], ex[k]) for k in ("Q", "K", "V")) and back["eps"] == ex["eps"]


@pytest.mark.parametrize("seed", range(3))
def test_theorem37_bound_on_the_timed_configuration(seed):
    """spec AS-3.7's predicate on the configuration benchmarks/poly_vs_exact.py times: d = e = 8,
    entries uniform in [-1, 1], eps = 1e-6, so the norm radius gives degree 6 and the fold t = 1;
    n = m = 24 keeps the exact reference cheap."""
    from impl.poly import poly_attention_report
    from spec.as_.algorithm_one import check_theorem37

    rng = np.random.default_rng([seed, 8])
    ex = {"Q": rng.uniform(-1, 1, (24, 8)), "K": rng.uniform(-1, 1, (24, 8)), "V": rng.uniform(-1, 1, (24, 8)),
          "B": 1.0, "eps": 1e-6}
    check_theorem37(ex)
    rep = poly_attention_report(ex["Q"], ex["K"], ex["V"], eps=1e-6, B=1.0)
    assert (rep.poly.degree, rep.rank, rep.ledger.last().sizes["fold"]) == (6, 3003, 1)


def test_sqrt_up_is_exact_and_fast_where_float_underflows():
    """sqrt of a q below the smallest float (float(q) == 0) and of small integers: the smallest
    float whose square is >= q, found without stepping through subnormals one by one."""
    import math
    from fractions import Fraction

    from impl.poly.radius import _sqrt_up

    for q in (Fraction(1, 10**400), Fraction(2), Fraction(1, 3) ** 101, Fraction(10**300)):
        f = _sqrt_up(q)
        assert Fraction(f) ** 2 >= q > Fraction(math.nextafter(f, 0.0)) ** 2
    assert _sqrt_up(Fraction(0)) == 0.0
