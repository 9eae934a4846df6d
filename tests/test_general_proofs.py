"""The general proofs (spec/da/*_proof.py, spec/as_/*_proof.py): each passes through its engine
with grade "proved"; a deliberately broken variant of each (a wrong sign, a dropped term, the
printed literal form where an erratum exists) is refuted by the same engine at the step it
breaks; no z3 claim holds only because its assumptions contradict each other."""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable

import pytest

from proofs_checks.engines import engine_for
from proofs_checks.results import COUNTEREXAMPLE, PASSED
from spec.as_ import ann_cases_proof as cases
from spec.as_ import ann_steps_proof as steps
from spec.as_ import error_lemmas_proof as errors
from spec.as_ import feature_expansion_proof as features
from spec.da import hmv_decoding_proof as hmv
from spec.da import outer_products as outer
from spec.da import query_lemma as query
from spec.da import recompute_lemma as recompute
from spec.exp_facts import ExpValues
from spec.profiles import get_profile
from spec.registry import SmtProof, SympyProof
from spec.sum_induction import SumInduction

QUICK = get_profile("quick")

#: statement id -> the ready-made check of its general proof
CHECKS: dict[str, SmtProof | SympyProof] = {
    "DA-2.1": outer.FACT_2_1,
    "DA-4.6": query.QUERY_GENERAL,
    "DA-4.8": recompute.RECOMPUTE_GENERAL,
    "DA-5.5": hmv.LEMMA_5_5,
    "DA-5.6": hmv.CLAIM_5_6,
    "DA-5.7": hmv.CLAIM_5_7,
    "DA-5.9": hmv.LEMMA_5_9,
    "DA-5.9-D": hmv.LEMMA_5_9_D,
    "DA-5.9-general": hmv.LEMMA_5_9_GENERAL,
    "DA-5.10": hmv.CLAIM_5_10,
    "DA-5.11": hmv.CLAIM_5_11,
    "AS-3.2": features.FEATURE_EXPANSION_GENERAL,
    "AS-3.3": errors.LEMMA_3_3,
    "AS-3.5": errors.LEMMA_3_5,
    "AS-3.6": errors.LEMMA_3_6,
    "AS-4.4": steps.REMARK_4_4,
    "AS-4.5": steps.DEFINITION_4_5,
    "AS-4.7-case1-count": steps.CASE_1_COUNT,
    "AS-4.7-A": steps.MATRIX_A,
    "AS-4.7-eq10": steps.EQ_10,
    "AS-4.7-eq11": steps.EQ_11,
    "AS-4.7-D": steps.D_BOUNDS,
    "AS-4.7-2a-ip": steps.CASE_2A_STEP_1,
    "AS-4.7-2b-ip": steps.CASE_2B_STEP_1,
    "AS-4.7-eq12": cases.EQ_12,
    "AS-4.7-eq13": cases.EQ_13,
    "AS-4.7-2a": cases.CASE_2A,
    "AS-4.7-2b": cases.CASE_2B,
}

#: statement id -> (broken variant of the same proof, a piece of the label of the claim or
#: identity that must fail): the refutation must come from the step the variant breaks
BROKEN: dict[str, tuple[Callable[[], Any], str]] = {
    "DA-2.1": (partial(outer.part_1, drop_new_term=True), "Part 1, step"),
    "DA-2.1 Part 2": (partial(outer.part_2, transpose_slip=True), "Part 2, base"),
    "DA-4.6": (partial(query.identities, drop_key_term=True), "answer"),  # DA-4.6/v1, line 9
    "DA-4.8": (partial(recompute.identities, drop_value_term=True), "C~ ="),  # erratum E5
    "DA-4.8 D": (partial(recompute.identities, printed_D=True), "D^{-1}, step"),  # erratum E2
    "DA-5.5": (partial(hmv.lemma_5_5, wrong_sign=True), "decoded bit"),
    "DA-5.6": (partial(hmv.claim_5_6, printed_K=True), "inner sum over l"),  # DA-5.6-K/literal
    "DA-5.7": (partial(hmv.claim_5_7, wrong_direction=True), "Y = 0 implies"),
    "DA-5.9": (partial(hmv.lemma_5_9, printed_D=True), "decoded bit"),  # DA-5.9-D-decode/literal
    "DA-5.9-D": (partial(hmv.lemma_5_9_D, printed=True), "j < n: D~[j] = nnz(P) (e + 1)"),
    "DA-5.9-D class": (partial(hmv.lemma_5_9_D, every_hint=True), "step"),  # DA-5.9-class/literal
    "DA-5.9-general": (partial(hmv.lemma_5_9_general, drop_extra_key=True), "decoded bit"),
    "DA-5.10": (partial(hmv.claim_5_10, keep_one=True), "w > 0 implies"),
    "DA-5.11": (partial(hmv.claim_5_11, wrong_direction=True), "w = 0 implies"),
    "AS-3.2": (partial(features.features, printed_upper_index=True), "features: sum"),  # AS-3.2/literal
    "AS-3.2 Pascal": (partial(features.binomial_theorem, pascal_slip=True), "Pascal"),
    "AS-3.3": (partial(errors.lemma_3_3, printed_power=1), "|<q, k>| / d <= B^1"),
    "AS-3.5": (partial(errors.lemma_3_5, factor=0.5), "step"),
    "AS-3.6": (partial(errors.lemma_3_6, form="printed"), "printed"),  # AS-3.6/literal
    "AS-4.4": (partial(steps.balancing, double_threshold=False), "over j"),
    "AS-4.5": (partial(steps.promise_classes, allow_negative_gap=True), "over j"),
    "AS-4.7-case1-count": (partial(steps.probe_count, printed=True), "ball of radius r"),  # /literal
    "AS-4.7-A": (partial(steps.attention_matrix, printed=True), "j >= n"),  # AS-4.7-A/literal
    "AS-4.7-eq10": (partial(steps.entry_upper_bounds, balanced=False), "Eq. (10), balanced"),
    "AS-4.7-eq11": (partial(steps.entry_lower_bound, strict=True), "Eq. (11)"),
    "AS-4.7-D": (partial(steps.row_sums, printed_tau=True), "i < n: D_ii"),  # AS-4.7-D/literal
    "AS-4.7-2a-ip": (partial(steps.inner_product_step, "2a", loose=True), "Case 2a"),
    "AS-4.7-2b-ip": (partial(steps.inner_product_step, "2b", printed=True), "Case 2b"),  # /literal
    "AS-4.7-eq12": (partial(cases.eq_12, "printed", small_n_any_eps=True), "n >= 2, every eps > 0"),
    "AS-4.7-eq13": (partial(cases.eq_13, n_min=1), "n >= 1"),
    "AS-4.7-2a": (partial(cases.case_2a, third=False), "u_i >= 3 t~"),
    "AS-4.7-2b": (partial(cases.case_2b, printed_tau=True), "u_i <= (3/4) t~"),  # AS-4.7-2b/literal
}


#: statements whose proof has no induction: every parameter is a symbol of the one claim or
#: identity (the blocks of A with symbolic d and beta; Eqs. (12), (13) over the reals)
DIRECT = {"AS-4.7-A", "AS-4.7-eq12", "AS-4.7-eq13"}


def _run(check: SmtProof | SympyProof) -> Any:
    return engine_for(check).run(check, QUICK)


@pytest.mark.parametrize("statement", sorted(CHECKS))
def test_general_proof_passes_with_grade_proved(statement: str) -> None:
    check = CHECKS[statement]
    result = _run(check)
    assert result.status == PASSED, (statement, result.detail, result.counterexample)
    assert result.grade == "proved" and result.scope
    labels = [item[0] for item in (check.claims() if isinstance(check, SmtProof) else check.identities())]
    assert len(labels) == len(set(labels)), "every claim or identity is labelled once"
    inductive = any("step" in label for label in labels) and any("base" in label for label in labels)
    assert inductive != (statement in DIRECT), "an induction states its base and its step"
    if isinstance(check, SmtProof):  # the proof objects: one SMT-LIB query per claim
        proofs = result.evidence["proofs"]
        assert [p["claim"] for p in proofs] == labels
        assert all(p["verdict"] == "unsat" and "(assert" in p["query"] for p in proofs)


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_broken_variant_is_refuted_at_its_step(variant: str) -> None:
    statement = variant.split(" ")[0]
    original = CHECKS[statement]
    make, label = BROKEN[variant]
    if isinstance(original, SmtProof):
        broken: SmtProof | SympyProof = SmtProof(f"broken {variant}", make, scope=original.scope)
        key = "claim"
    else:
        broken = SympyProof(f"broken {variant}", make, scope=original.scope, general=True)
        key = "identity"
    result = _run(broken)
    assert result.status == COUNTEREXAMPLE, (variant, result.status, result.detail)
    failing = result.counterexample["values"][key]
    assert label in failing, (variant, failing)


def test_every_statement_has_a_broken_variant() -> None:
    assert set(CHECKS) == {variant.split(" ")[0] for variant in BROKEN}


def _claims_of_every_smt_check() -> list[tuple[str, Any, list[Any]]]:
    seen, out = set(), []
    for statement, check in sorted(CHECKS.items()):
        if isinstance(check, SmtProof) and id(check) not in seen:
            seen.add(id(check))
            out += [(f"{statement}: {label}", claim, assumptions) for label, claim, assumptions in check.claims()]
    return out


def test_no_claim_rests_on_contradictory_assumptions(not_vacuous) -> None:
    """Every claim of every SmtProof of the registry has satisfiable assumptions, also with the
    claim (``not_vacuous``)."""
    claims = _claims_of_every_smt_check()
    assert len(claims) > 100
    for label, claim, assumptions in claims:
        not_vacuous(label, claim, assumptions)


def test_log_constants_assumed_by_eq12_are_true() -> None:
    assert 0.6931 < math.log(2) < 0.6932
    assert 1.7917 < math.log(6) < 1.7918


def test_eq12_counterexample_is_real() -> None:
    """The refuted "n >= 2, every eps > 0" form of Eq. (12) fails for real numbers too:
    n = 2, t = d (C_0 = C), eps = 100 gives t~ < eps_a for both taus."""
    n, eps = 2, 100.0
    cb2 = 40 / eps
    beta = cb2 * math.log(n)
    ca = 2 + 2 * cb2
    for k in (1.0, 0.5):
        t_tilde = math.exp(0.25 * beta * 0) / (6 * n * math.exp(k * beta))
        assert t_tilde < n ** (-ca)
    # and n = 6 restores it, as the proof's "n >= 6, every eps > 0" claim says
    n = 6
    beta = cb2 * math.log(n)
    assert 1 / (6 * n * math.exp(beta)) >= n ** (-ca)


def test_sum_induction_names_a_missing_state_variable() -> None:
    import z3

    x = z3.Int("x")
    with pytest.raises(ValueError, match="start must give every state variable"):
        SumInduction("s", {"x": x, "y": z3.Int("y")}, {"x": 0}, lambda s: s, lambda s: s["x"] >= 0)
    bad = SumInduction("s", {"x": x}, {"x": z3.IntVal(0)}, lambda s: {"z": s["x"]}, lambda s: s["x"] >= 0)
    with pytest.raises(ValueError, match="step must give every state variable"):
        list(bad.claims())


def test_exp_values_refuse_a_foreign_value() -> None:
    import z3

    exps = ExpValues()
    a, b = exps("a", z3.Real("x")), exps("b", z3.Real("y"))
    with pytest.raises(ValueError, match="is not a value of this ExpValues"):
        exps.product(a, b, z3.Real("c"))


def test_exp_facts_are_true_of_exp() -> None:
    """The axioms hold for the real exponential at sample points (they are sound)."""
    xs = [-3.0, -0.5, 0.0, 0.25, 0.9, 2.0]
    for x in xs:
        e = math.exp(x)
        assert e > 0 and e >= 1 + x and (x >= 1 or e * (1 - x) <= 1 + 1e-15)
        for y in xs:
            assert (x <= y) <= (e <= math.exp(y))
            assert math.isclose(math.exp(x + y), e * math.exp(y))
