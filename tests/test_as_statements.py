"""The AS records (arXiv 2302.13214) as a theorem graph: every citation resolves, the main theorems
rest on their assumptions, the statements with general proofs carry only proofs (the checks of the
code sit in /impl records that cite them), errata keep concrete counterexamples, and the
composition proofs of the theorems pass while a broken variant of each fails at the step it
breaks."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import pytest

from proofs_checks.engines import engine_for
from proofs_checks.results import COUNTEREXAMPLE, PASSED, weakest
from proofs_checks.theorem_graph import build_graph
from spec.as_ import binomial_bounds_proof as binomials
from spec.as_ import lower_bound_composition_proof as lower
from spec.as_ import upper_bound_composition_proof as upper
from spec.profiles import get_profile
from spec.registry import SmtProof, SympyProof, load_all, load_assumptions

QUICK = get_profile("quick")
LEMMAS = load_all()
ASSUMPTIONS = load_assumptions()
AS = {k: v for k, v in LEMMAS.items() if v.paper == "AS"}
THEOREMS = {"AS-1.3", "AS-1.4", "AS-3.7", "AS-3.8", "AS-4.6"}
#: statements whose every check is a general proof (issue 15)
PROVED = {"AS-2.2", "AS-3.2", "AS-3.3", "AS-3.5", "AS-3.6", "AS-4.4", "AS-4.5", "AS-4.7-A", "AS-4.7-D",
          "AS-4.7-eq10", "AS-4.7-eq11", "AS-4.7-eq12", "AS-4.7-eq13", "AS-4.7-2a", "AS-4.7-2a-ip",
          "AS-4.7-2b", "AS-4.7-2b-ip", "AS-4.7-2b-step", "AS-4.7-case1-count", "AS-radius", "AS-binomial",
          *THEOREMS}


def test_every_as_citation_resolves_and_none_is_circular(acyclic_citations):
    assert len(AS) >= 60
    for lid, lemma in AS.items():
        for cited in lemma.cites:
            assert cited in LEMMAS or cited in ASSUMPTIONS, f"{lid} cites unknown {cited!r}"
            assert cited != lid
    acyclic_citations(LEMMAS, AS)


def test_main_theorems_are_theorems_and_cite_what_their_proofs_use():
    assert {lid for lid, lem in AS.items() if lem.kind == "theorem"} == THEOREMS
    assert set(AS["AS-4.6"].cites) == {"Rubinstein-GapANN", "AS-4.7", "SETH"}
    assert set(AS["AS-3.7"].cites) == {"AS-3.4", "AS-3.5", "AS-3.6"}
    assert set(AS["AS-3.8"].cites) == {"AS-3.7", "AS-binomial"}
    assert AS["AS-1.3"].cites == ("AS-4.6", "SETH") and AS["AS-1.4"].cites == ("AS-3.8",)


def test_assumptions_are_registered_with_their_source():
    for aid in ("SETH", "Rubinstein-GapANN", "AA22-exp-approx"):
        a = ASSUMPTIONS[aid]
        assert a.paper == "AS" and a.source.seed == "002" and a.reference and a.statement


def test_theorems_rest_on_their_assumptions_and_on_their_weakest_premise():
    entries = {lid: {"status": "proved"} for lid in LEMMAS}
    entries["AS-3.4"] = {"status": "holds"}  # checked on the implementation only
    graph = build_graph(LEMMAS, ASSUMPTIONS, entries)
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert {"SETH", "Rubinstein-GapANN"} <= set(nodes["AS-4.6"]["assumes"])
    assert {"SETH", "Rubinstein-GapANN"} <= set(nodes["AS-1.3"]["assumes"])
    assert "AA22-exp-approx" in nodes["AS-1.4"]["assumes"]
    for lid in ("AS-3.7", "AS-3.8", "AS-1.4"):  # all rest on Lemma 3.4
        assert nodes[lid]["status"] == "holds", lid
    assert nodes["AS-4.6"]["status"] == "proved"


def test_statements_with_general_proofs_carry_only_proofs():
    for lid in PROVED:
        grades = [c.grade for c in AS[lid].checks if c.grade != "evidence"]
        assert grades and set(grades) == {"proved"}, (lid, grades)
        assert weakest(grades) == "proved"


def test_impl_records_cite_their_statement_and_check_the_code():
    impl = {lid: lem for lid, lem in AS.items() if lid.endswith("/impl")}
    assert len(impl) >= 12
    for lid, lem in impl.items():
        statement = lid[: -len("/impl")]
        assert lem.cites == (statement,) and lem.corrects is None, lid
        assert lem.source == AS[statement].source, lid
        assert "agrees" in lem.title, lid
        assert not any(isinstance(c, (SmtProof, SympyProof)) and c.grade == "proved" for c in lem.checks), lid


def test_check_names_within_a_record_are_distinct():
    for lid, lem in AS.items():
        names = [c.name for c in lem.checks]
        assert len(names) == len(set(names)), lid


def test_errata_keep_concrete_counterexamples():
    errata = {lid: lem for lid, lem in AS.items() if lem.expect == "erratum"}
    assert len(errata) >= 12
    for lid, lem in errata.items():
        assert any(not isinstance(c, SmtProof) for c in lem.checks), f"{lid}: only z3 models"


# ---------------------------------------------------------------- the composition proofs
PROOFS: dict[str, Any] = {
    "rank ratio": binomials.RANK_RATIO, "rank bound": binomials.RANK_BOUND,
    "recurrence": binomials.RECURRENCE, "generic bound": binomials.GENERIC_BOUND,
    "Theorem 3.7": upper.THEOREM_3_7, "printed ranks": upper.PRINTED_RANKS,
    "Theorem 3.8": upper.THEOREM_3_8, "Theorem 3.8 limits": upper.THEOREM_3_8_LIMITS,
    "threshold 1.4": upper.THRESHOLD_1_4, "Theorem 4.6": lower.THEOREM_4_6, "Theorem 1.3": lower.THEOREM_1_3,
}

#: a broken variant of each proof and a piece of the label of the claim or identity that must fail
BROKEN: dict[str, tuple[Callable[[], Any], str, bool]] = {
    "rank ratio": (partial(binomials.rank_ratio, slip=True), "step: f(a + 1)", True),
    "rank bound": (partial(binomials.rank_bound, wrong_range=True), "step, n -> n + 1", False),
    "generic bound": (partial(binomials.generic_bound, without_e=True), "step, n -> n + 1", False),
    "Theorem 3.7": (partial(upper.theorem_3_7, printed_accuracy=True), "eps_A = min", False),
    "Theorem 3.8": (partial(upper.theorem_3_8, drop_log_term=True), "log(1/eps_A) = k L", False),
    "Theorem 3.8 limits": (partial(upper.theorem_3_8_limits, slow_degree=True), "phi(x)", True),
    "threshold 1.4": (partial(upper.threshold_1_4, upper_only=True), "g >= K_lo B^2", False),
    "Theorem 4.6": (partial(lower.theorem_4_6, gap_at_q=True), "exponent < 2 - q", False),
    "Theorem 1.3": (partial(lower.theorem_1_3, q0_equal_q=True), "q_0 = min", False),
}


@pytest.mark.parametrize("name", sorted(PROOFS))
def test_composition_proof_passes_with_grade_proved(name):
    check = PROOFS[name]
    result = engine_for(check).run(check, QUICK)
    assert result.status == PASSED and result.grade == "proved" and result.scope, (name, result.detail)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_composition_is_refuted_at_its_step(name):
    make, label, sympy_proof = BROKEN[name]
    check = (SympyProof(f"broken {name}", make, scope="x", general=True) if sympy_proof
             else SmtProof(f"broken {name}", make, scope="x"))
    result = engine_for(check).run(check, QUICK)
    assert result.status == COUNTEREXAMPLE, (name, result.status, result.detail)
    failing = result.counterexample["values"]["identity" if sympy_proof else "claim"]
    assert label in failing, (name, failing)


def test_no_composition_claim_rests_on_contradictory_assumptions(not_vacuous):
    for name, check in PROOFS.items():
        if isinstance(check, SmtProof):
            for label, claim, assumptions in check.claims():
                not_vacuous(f"{name}: {label}", claim, assumptions)


def test_theorem_records_carry_the_composition_proofs():
    assert upper.THEOREM_3_7 in AS["AS-3.7"].checks and upper.PRINTED_RANKS in AS["AS-3.7"].checks
    assert {upper.THEOREM_3_8, upper.THEOREM_3_8_LIMITS} <= set(AS["AS-3.8"].checks)
    assert AS["AS-1.4"].checks == (upper.THRESHOLD_1_4,)
    assert AS["AS-4.6"].checks == (lower.THEOREM_4_6,) and AS["AS-1.3"].checks == (lower.THEOREM_1_3,)
    assert {binomials.RANK_RATIO, binomials.RANK_BOUND} <= set(AS["AS-3.2"].checks)
    assert AS["AS-binomial"].checks == (binomials.RECURRENCE, binomials.GENERIC_BOUND)
