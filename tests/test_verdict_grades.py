"""Grades and scopes of checks (issue 13): a proof says what it covers, a general proof is general,
and the checks written for the DA bound records, Lemma 4.7's inequalities, the abstract's lower
bound and the HMV families can fail."""

from __future__ import annotations

import re

import pytest
import sympy

from proofs_checks.engines.smt_proof import decide
from spec.profiles import PROFILES
from spec.registry import Counterexample, Direct, SmtProof, SympyProof, load_all

LEMMAS = load_all()
CHECKS = [(lid, c) for lid, lemma in LEMMAS.items() for c in lemma.checks]
#: a name or scope that enumerates fixed sizes: "d <= 3", "n = 2", "g in {"
FIXED_SIZE = re.compile(r"\b[a-z]\s*(<=|<|=)\s*\d|\b[a-z]\s+in\s+\{|\(\s*d\s*,\s*g\s*\)")
QUICK = PROFILES["quick"]


@pytest.mark.parametrize("lid,check", [(lid, c) for lid, c in CHECKS
                                       if c.grade in ("proved", "proved-bounded", "certified")],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_proofs_and_certificates_state_their_scope(lid, check):
    assert check.scope.strip(), f"{lid}: {check.name} ({check.grade}) has no scope"


GENERAL = [(lid, c) for lid, c in CHECKS if isinstance(c, SympyProof) and c.general]


def test_some_sympy_proofs_are_general():
    assert {"DA-4.4", "DA-5.9-time", "AS-2.2", "AS-4.7-2b-step", "AS-4.7-eq12"} <= {lid for lid, _ in GENERAL}


@pytest.mark.parametrize("lid,check", GENERAL, ids=lambda x: x if isinstance(x, str) else x.name)
def test_a_general_sympy_proof_enumerates_no_fixed_size(lid, check):
    assert not FIXED_SIZE.search(check.name), f"{lid}: {check.name!r} names fixed sizes"
    parametric = 0
    for label, lhs, rhs in check.identities():
        # a general proof compares expressions, not matrices of a fixed size
        assert not isinstance(lhs, sympy.MatrixBase) and not isinstance(rhs, sympy.MatrixBase), label
        for side in (sympy.sympify(lhs), sympy.sympify(rhs)):
            parametric += bool(side.free_symbols or side.atoms(sympy.core.function.AppliedUndef))
    assert parametric, f"{lid}: no identity of {check.name!r} has a free parameter"


def test_fixed_size_sympy_proofs_are_bounded():
    for lid, c in CHECKS:
        if isinstance(c, SympyProof) and FIXED_SIZE.search(c.name):
            assert c.grade == "proved-bounded", f"{lid}: {c.name}"


def test_statements_that_were_called_proved_on_tiny_instances_are_bounded():
    """The enumerations of small instances run the code, so they are proved-bounded and sit in the
    /impl records; the statements themselves carry general proofs only."""
    from proofs_checks.results import weakest

    for lid in ("AS-4.4", "AS-4.5", "AS-4.7-A", "AS-4.7-D", "AS-4.7-eq10", "AS-4.7-eq11", "AS-4.7-2a"):
        assert weakest([c.grade for c in LEMMAS[f"{lid}/impl"].checks]) == "proved-bounded", lid
        assert {c.grade for c in LEMMAS[lid].checks} == {"proved"}, lid
    assert [c.grade for c in LEMMAS["AS-2.1"].checks] == ["certified"]
    # Theorem 3.8: its composition is proved, its regime table stays evidence
    assert sorted(c.grade for c in LEMMAS["AS-3.8"].checks) == ["evidence", "proved", "proved"]


# ---------------------------------------------------------------- the z3 claims can fail
def _claims(lid: str):
    return [claim for c in LEMMAS[lid].checks if isinstance(c, SmtProof) for claim in c.claims()]


@pytest.mark.parametrize("lid", ["DA-4.4", "DA-1.3", "AS-4.7-eq12", "AS-4.7-eq13", "AS-4.7-2b-step"])
def test_smt_claims_hold_and_each_needs_its_assumptions(lid):
    claims = _claims(lid)
    assert claims
    for label, claim, assumptions in claims:
        assert decide(label, claim, assumptions, 20)[0] == "unsat", label
    # without the assumptions at least one claim has a counterexample: the claims are not tautologies
    assert any(decide(label, claim, [], 20)[0] == "sat" for label, claim, _ in claims), lid


def test_part1_bound_fails_when_d_exceeds_n():
    import z3

    label, claim, assumptions = next(c for c in _claims("DA-4.4") if c[0].startswith("Part 1:"))
    n, d = z3.Real("n"), z3.Real("d")
    swapped = [a for a in assumptions if not z3.eq(a, d <= n)] + [d > n]
    assert decide(label, claim, swapped, 20)[0] == "sat"


# ---------------------------------------------------------------- Direct checks written here can fail
def test_abstract_witness_confirms_only_when_linear(monkeypatch):
    from spec.da import entry_witness as W

    with pytest.raises(Counterexample):
        W.per_entry_reading_refuted(QUICK)
    real = W.ExplicitKernel.query

    def quadratic(self, i, j):
        value = real(self, i, j)
        self.ops = self.n * self.n
        return value

    monkeypatch.setattr(W.ExplicitKernel, "query", quadratic)
    evidence = W.per_entry_reading_refuted(QUICK)
    assert "linear: False" in evidence["summary"]


def test_abstract_witness_is_checked_against_attention(monkeypatch):
    from spec.da import entry_witness as W

    monkeypatch.setattr(W.ExplicitKernel, "query", lambda self, i, j: 0)
    with pytest.raises(ValueError, match="wrongly"):
        W.measure(4, seed=4)


def test_updatek_check_needs_the_k_update_to_match(monkeypatch):
    import numpy as np

    from spec.da import wrong_matrix as WM

    with pytest.raises(Counterexample):
        WM.names_wrong_matrix(QUICK)
    monkeypatch.setattr(WM, "attention", lambda Q, K, V: np.zeros((Q.shape[0], V.shape[1])))
    assert "False" in WM.names_wrong_matrix(QUICK)["summary"]


def test_hmv_cover_detects_a_missing_row(monkeypatch):
    from spec.da import hmv_instances

    hmv_instances.families_cover(QUICK)
    real = hmv_instances.family

    def without_last(profile, cls, **kw):
        insts = list(real(profile, cls, **kw))
        return [i for i in insts if not (len(i["M"]) == 2 and i["M"][-1] == [1, 1])]

    monkeypatch.setattr(hmv_instances, "family", without_last)
    with pytest.raises(Counterexample, match="misses"):
        hmv_instances.families_cover(QUICK)


def test_every_direct_check_has_a_grade_a_pass_can_earn():
    for lid, c in CHECKS:
        if isinstance(c, Direct):
            assert c.grade in ("certified", "holds", "evidence"), lid
