"""The DA section 5 records, DA's bound and reliability records and Lemma 1.4 (issue 14 item 1,
issue 15 items 1 and 3): every record cites what the paper's proof uses, and each cited id is a
statement or an assumption; the decoding statements carry their general proofs and their code
checks live in /impl records; DA-1.4's composition check fails when the composition would."""

from __future__ import annotations

import pytest

from proofs_checks.engines import engine_for
from proofs_checks.engines.smt_proof import decide
from proofs_checks.results import COUNTEREXAMPLE, PASSED, weakest
from spec.da import hmv_decoding_proof, hmv_lower_bound
from spec.profiles import get_profile
from spec.registry import Exhaustive, SmtProof, SympyProof, load_all, load_assumptions

LEMMAS = load_all()
ASSUMPTIONS = load_assumptions()
QUICK = get_profile("quick")

#: statement id -> its general proof (spec.da.hmv_decoding_proof)
PROVED = {
    "DA-5.5": hmv_decoding_proof.LEMMA_5_5,
    "DA-5.6": hmv_decoding_proof.CLAIM_5_6,
    "DA-5.7": hmv_decoding_proof.CLAIM_5_7,
    "DA-5.9": hmv_decoding_proof.LEMMA_5_9,
    "DA-5.9-D": hmv_decoding_proof.LEMMA_5_9_D,
    "DA-5.9-general": hmv_decoding_proof.LEMMA_5_9_GENERAL,
    "DA-5.10": hmv_decoding_proof.CLAIM_5_10,
    "DA-5.11": hmv_decoding_proof.CLAIM_5_11,
}
ERRATA = ("DA-5.6-K/literal", "DA-5.7-index/literal", "DA-5.9/literal", "DA-5.9-subtract/literal",
          "DA-5.9-D/literal", "DA-5.9-D-decode/literal", "DA-5.9-class/literal", "DA-5.9-time/literal",
          "DA-E12", "DA-E13")
OWNED = (*PROVED, *(f"{i}/impl" for i in PROVED), *ERRATA, "DA-5.9-time", "DA-5.5-cost", "DA-5.9-cost",
         "DA-1.3", "DA-1.4", "DA-4.4", "DA-4.9", "DA-4.1/float64", "DA-4.1/drift", "DA-4.1/hostile-input")
#: records whose paper proof uses no other statement (a computation from the definitions)
LEAVES = {"DA-5.6", "DA-5.7", "DA-5.9-D", "DA-5.10", "DA-5.11", "DA-5.9-time", "DA-5.6-K/literal",
          "DA-5.7-index/literal", "DA-5.9-D/literal", "DA-5.9-class/literal", "DA-5.9-time/literal"}


@pytest.mark.parametrize("lid", OWNED)
def test_cites_resolve_to_statements_or_assumptions(lid):
    lemma = LEMMAS[lid]
    assert isinstance(lemma.cites, tuple)
    assert lid not in lemma.cites
    unknown = [c for c in lemma.cites if c not in LEMMAS and c not in ASSUMPTIONS]
    assert not unknown, f"{lid} cites {unknown}"
    assert bool(lemma.cites) != (lid in LEAVES), f"{lid}: cites {lemma.cites}"


def test_citations_from_the_owned_records_have_no_cycle(acyclic_citations):
    acyclic_citations(LEMMAS, OWNED)


def test_main_results_are_theorems_with_their_premises():
    assert LEMMAS["DA-1.4"].kind == LEMMAS["DA-1.3"].kind == "theorem"
    assert set(LEMMAS["DA-1.4"].cites) == {"DA-5.9-general", "DA-5.9-time", "DA-5.9-cost", "HMV", "omega-facts"}
    assert {"DA-4.1", "DA-4.4", "DA-4.9", "omega-facts"} <= set(LEMMAS["DA-1.3"].cites)
    for aid in ("HMV", "omega-facts"):
        a = ASSUMPTIONS[aid]
        assert a.paper == "DA" and a.statement and a.source.number
    assert "BNS19" in ASSUMPTIONS["HMV"].reference or "Nanongkai" in ASSUMPTIONS["HMV"].reference


@pytest.mark.parametrize("lid", sorted(PROVED))
def test_decoding_statements_carry_only_their_general_proof(lid):
    lemma = LEMMAS[lid]
    assert lemma.checks == (PROVED[lid],)
    assert weakest([c.grade for c in lemma.checks]) == "proved"
    impl = LEMMAS[f"{lid}/impl"]
    assert impl.cites == (lid,) and impl.corrects is None and impl.source == lemma.source
    assert "the implementation" in impl.title
    # the code checks moved there, none is a general proof
    assert impl.checks and all(c.grade != "proved" for c in impl.checks)
    assert any(isinstance(c, Exhaustive) for c in impl.checks)


@pytest.mark.parametrize("lid", ERRATA[:7])
def test_section_5_errata_keep_their_concrete_counterexamples(lid):
    assert all(isinstance(c, Exhaustive) for c in LEMMAS[lid].checks)


def test_decoding_proof_runs_with_grade_proved_on_its_record():
    check = LEMMAS["DA-5.9-general"].checks[0]
    result = engine_for(check).run(check, QUICK)
    assert result.status == PASSED and result.grade == "proved"


# ---------------------------------------------------------------- DA-1.4
def _run(check):
    return engine_for(check).run(check, QUICK)


def test_lemma_1_4_composition_is_proved():
    for check in LEMMAS["DA-1.4"].checks:
        result = _run(check)
        assert result.status == PASSED and result.grade == "proved", (check.name, result.detail)


def test_lemma_1_4_exponents_fail_for_a_reduction_with_n_updates():
    broken = SympyProof("n updates", lambda: hmv_lower_bound.phase_exponents("n"), general=True, scope="x")
    result = _run(broken)
    assert result.status == COUNTEREXAMPLE
    assert "phase 2" in result.counterexample["values"]["identity"]


def test_lemma_1_4_composition_fails_for_a_reduction_with_n_updates():
    broken = SmtProof("n updates", lambda: hmv_lower_bound.composition_claims("1"), scope="x")
    result = _run(broken)
    assert result.status == COUNTEREXAMPLE
    assert "gives an HMV algorithm" in result.counterexample["values"]["claim"]


def test_lemma_1_4_claims_need_their_assumptions():
    claims = list(hmv_lower_bound.composition_claims())
    import z3

    for label, claim, assumptions in claims:
        solver = z3.Solver()
        solver.add(*assumptions)
        assert solver.check() == z3.sat, f"assumptions of {label!r} are contradictory"
        assert decide(label, claim, [], 20)[0] == "sat", f"{label!r} holds without its assumptions"


def test_theorem_4_1_consistency_needs_the_block_splitting_fact():
    import z3

    label, claim, assumptions = list(hmv_lower_bound.composition_claims())[2]
    tau, omega, a, w_a = z3.Reals("tau omega a omega_a")
    splitting = z3.Implies(a <= tau, z3.And(w_a <= omega, omega <= w_a + tau - a))
    without = [x for x in assumptions if not z3.eq(x, splitting)]
    assert len(without) == len(assumptions) - 1
    assert decide(label, claim, without, 20)[0] == "sat"
