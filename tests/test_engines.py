"""The engines: outcomes, grades, and no vacuous passes.

A predicate fails by raising ``Counterexample``; one that returns ``False`` (or anything but None)
must never pass, in any engine.  Each engine also maps a raised Counterexample to
``counterexample`` and any other exception to ``error``.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import strategies as st

from proofs_checks.engines import engine_for
from proofs_checks.results import lemma_status
from spec.profiles import get_profile
from spec.registry import Counterexample, Direct, Exhaustive, Lemma, Property, SmtProof, Source, SympyProof

QUICK = get_profile("quick")


def returns_false(_value):
    return False


def raises(value):
    raise Counterexample("fails on purpose", value=str(value))


def crashes(_value):
    raise ZeroDivisionError("not a counterexample")


def property_check(predicate):
    return Property("p", lambda: st.integers(0, 5), predicate)


def exhaustive_check(predicate):
    return Exhaustive("e", lambda profile: range(4), predicate, scope="0..3")


def direct_check(run):
    return Direct("d", run)


@pytest.mark.parametrize("make", [property_check, exhaustive_check])
def test_a_predicate_returning_false_is_an_error_not_a_pass(make):
    result = engine_for(make(returns_false)).run(make(returns_false), QUICK)
    assert result.status == "error"
    assert "returned False" in result.detail


@pytest.mark.parametrize("make", [property_check, exhaustive_check])
def test_a_counterexample_is_reported_with_its_input(make):
    check = make(raises)
    result = engine_for(check).run(check, QUICK)
    assert result.status == "counterexample"
    assert result.counterexample["message"] == "fails on purpose"
    assert "input" in result.counterexample


@pytest.mark.parametrize("make", [property_check, exhaustive_check])
def test_a_crash_is_an_error(make):
    check = make(crashes)
    result = engine_for(check).run(check, QUICK)
    assert result.status == "error" and "ZeroDivisionError" in result.detail


def test_a_direct_run_returning_a_non_dict_is_an_error():
    check = direct_check(lambda profile: False)
    assert engine_for(check).run(check, QUICK).status == "error"


def test_a_direct_run_receives_the_profile_object():
    seen = []
    check = direct_check(lambda profile: seen.append(profile) or {"summary": "ok"})
    assert engine_for(check).run(check, QUICK).status == "passed"
    assert seen == [QUICK]


def test_sympy_proof_decides_identities():
    x = sympy.Symbol("x")
    good = SympyProof("g", lambda: [("square", (x + 1) ** 2, x**2 + 2 * x + 1)], scope="all real x",
                      general=True)
    bad = SympyProof("b", lambda: [("wrong", (x + 1) ** 2, x**2 + 1)], scope="all real x",
                     general=True)
    assert engine_for(good).run(good, QUICK).status == "passed"
    res = engine_for(bad).run(bad, QUICK)
    assert res.status == "counterexample" and res.counterexample["values"]["lhs_minus_rhs"] == "2*x"


def test_smt_proof_unsat_proves_and_sat_refutes():
    import z3

    x = z3.Real("x")
    good = SmtProof("g", lambda: [("square non-negative", x * x >= 0, [])], scope="all real x")
    bad = SmtProof("b", lambda: [("square above one", x * x >= 1, [])], scope="all real x")
    res = engine_for(good).run(good, QUICK)
    assert res.status == "passed" and res.grade == "proved"
    assert "(assert" in res.evidence["proofs"][0]["query"]
    res = engine_for(bad).run(bad, QUICK)
    assert res.status == "counterexample" and "x" in res.counterexample["values"]["model"]


def test_smt_proof_unknown_is_an_error(monkeypatch):
    import z3

    from proofs_checks.engines import smt_proof

    monkeypatch.setattr(smt_proof, "decide", lambda *a: ("unknown", "timeout", "(check-sat)"))
    x = z3.Real("x")
    check = SmtProof("u", lambda: [("anything", x >= x, [])], scope="all x")
    res = engine_for(check).run(check, QUICK)
    assert res.status == "error" and "could not decide" in res.detail


def _results(*grades_and_status):
    from proofs_checks.results import CheckResult

    return [CheckResult("e", f"c{i}", status, grade=grade, scope=f"scope {i}")
            for i, (grade, status) in enumerate(grades_and_status)]


def test_a_statement_is_as_strong_as_its_weakest_check():
    status, ok, scope = lemma_status("holds", _results(("proved", "passed"), ("holds", "passed")))
    assert (status, ok) == ("holds", True)
    status, ok, scope = lemma_status("holds", _results(("proved", "passed"), ("proved-bounded", "passed")))
    assert (status, scope) == ("proved-bounded", "scope 1")
    status, ok, scope = lemma_status("holds", _results(("proved", "passed"), ("proved", "passed")))
    assert status == "proved" and "scope 0" in scope and "scope 1" in scope


def test_evidence_neither_supports_nor_weakens_a_claim():
    assert lemma_status("holds", _results(("proved", "passed"), ("evidence", "passed")))[0] == "proved"
    assert lemma_status("holds", _results(("evidence", "passed")))[0] == "evidence"
    assert lemma_status("holds", _results(("proved", "passed"), ("evidence", "error")))[0] == "error"


def test_an_erratum_is_confirmed_only_when_every_check_fails():
    assert lemma_status("erratum", _results(("holds", "counterexample")))[:2] == ("erratum-confirmed", True)
    assert lemma_status("erratum", _results(("holds", "counterexample"), ("holds", "passed")))[:2] == (
        "partly-confirmed", False)
    assert lemma_status("erratum", _results(("holds", "error")))[:2] == ("error", False)


def test_direct_grade_is_validated():
    with pytest.raises(ValueError):
        Direct("x", lambda p: {}, grade="proved")


def test_an_erratum_description_needs_a_known_severity():
    from spec.registry import Erratum

    with pytest.raises(ValueError):
        Erratum("catastrophe", "RC")
    with pytest.raises(ValueError):
        Erratum("typo", "")
    with pytest.raises(ValueError):
        Lemma("X-1", "DA", "t", "s", Source("000", "1", "1"), (direct_check(lambda p: {}),),
              erratum=Erratum("typo", "RC"))


def test_a_stateful_after_recompute_check_returning_false_is_an_error():
    from impl.dynamic import DynamicAttention
    from spec.registry import Stateful

    check = Stateful("s", DynamicAttention, "DynamicAttention", ops=("update_v", "recompute"),
                     invariant="recompute", n_max=2, d_max=1)
    import proofs_checks.engines.stateful as stateful_engine

    original = stateful_engine.check_recompute_state
    try:
        stateful_engine.check_recompute_state = lambda *a, **k: False
        result = engine_for(check).run(check, QUICK)
    finally:
        stateful_engine.check_recompute_state = original
    assert result.status == "error" and "returned False" in result.detail
