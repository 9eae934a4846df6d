"""Erratum records: every one says how serious it is, what one fix repairs, and which readings were
tried; looser-but-valid bounds are not errata; the verdicts of issue 13 hold record by record."""

from __future__ import annotations

import pytest

from spec.registry import SEVERITIES, Erratum, load_all

LEMMAS = load_all()
ERRATA = {k: v for k, v in LEMMAS.items() if v.expect == "erratum"}


def test_there_are_errata():
    assert len(ERRATA) >= 20


@pytest.mark.parametrize("lemma_id", sorted(ERRATA))
def test_every_erratum_has_severity_root_cause_and_readings(lemma_id):
    e = ERRATA[lemma_id].erratum
    assert isinstance(e, Erratum), f"{lemma_id} has no Erratum"
    assert e.severity in SEVERITIES
    assert e.root_cause.strip()
    assert e.readings and all(r.strip() for r in e.readings), f"{lemma_id}: no reading recorded"


def test_only_errata_carry_an_erratum():
    assert all(v.erratum is None for v in LEMMAS.values() if v.expect != "erratum")


@pytest.mark.parametrize("lemma_id", ["DA-E9", "DA-E10", "DA-E11"])
def test_valid_looser_bounds_are_not_errata(lemma_id):
    assert lemma_id not in ERRATA


def test_looser_bounds_are_notes_with_checks_that_can_fail():
    from spec.registry import SmtProof

    for lid, mark in (("DA-4.4", "DA-E9"), ("DA-1.3", "DA-E10"), ("DA-1.3", "DA-E11")):
        lemma = LEMMAS[lid]
        assert mark in lemma.notes
        assert any(isinstance(c, SmtProof) for c in lemma.checks)


@pytest.mark.parametrize("ids,cause", [
    (["AS-4.7-A/literal", "AS-4.7-D/literal", "AS-4.7-2b/literal", "AS-4.7/literal"], "AS-4.7-tau"),
    (["DA-5.9-D/literal", "DA-5.9-D-decode/literal"], "DA-5.9-Eq2"),
    (["DA-5.9/literal", "DA-5.9-subtract/literal"], "DA-5.9-subtracted-term"),
])
def test_errata_repaired_by_one_fix_share_a_root_cause(ids, cause):
    assert {ERRATA[i].erratum.root_cause for i in ids} == {cause}


def test_unrelated_errata_have_their_own_root_causes():
    causes = [ERRATA[i].erratum.root_cause for i in
              ("AS-3.7/literal", "AS-3.6/literal", "AS-4.7-2b-step/literal", "DA-5.9-class/literal")]
    assert len(set(causes)) == len(causes)


@pytest.mark.parametrize("lemma_id,severity", [
    ("DA-5.6-K/literal", "typo"), ("DA-5.7-index/literal", "typo"), ("DA-5.9-time/literal", "typo"),
    ("AS-3.2/literal", "typo"), ("AS-2.1/literal", "typo"), ("DA-E12", "typo"), ("DA-E13", "typo"),
    ("AS-3.7/literal", "slip"), ("AS-3.6/literal", "slip"), ("AS-4.7-2b-step/literal", "slip"),
    ("DA-5.9-class/literal", "error"), ("AS-4.7/literal", "error"), ("AS-4.7-D/literal", "error"),
])
def test_severity_of_the_records_the_issue_names(lemma_id, severity):
    assert ERRATA[lemma_id].erratum.severity == severity


def test_readings_of_E12_try_the_column_reading_first():
    first = ERRATA["DA-E12"].erratum.readings[0]
    assert "column" in first.lower()
