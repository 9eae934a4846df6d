"""Tests of the AS upper-bound statements (spec/statements/as_upper.py) and their predicates."""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from spec.as_poly import kernels as kn
from spec.as_poly import predicates as pr
from spec.as_poly import tables as tb
from spec.registry import (Counterexample, Crosshair, Direct, Exhaustive, Property, SympyProof,
                           load_all)

ROOT = Path(__file__).resolve().parents[1]
IDS = ["AS-2.1", "AS-2.1/literal", "AS-2.2", "AS-3.2", "AS-3.2/literal", "AS-3.3", "AS-3.4",
       "AS-3.4/literal", "AS-3.5", "AS-3.6", "AS-3.6/literal", "AS-3.7", "AS-3.7/literal", "AS-3.8"]
LEMMAS = load_all()
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _checks(kind):
    for lid in IDS:
        for ch in LEMMAS[lid].checks:
            if isinstance(ch, kind):
                yield pytest.param(LEMMAS[lid], ch, id=f"{lid}:{ch.name}")


def test_records_registered_and_cited():
    for lid in IDS:
        lem = LEMMAS[lid]
        assert lem.paper == "AS" and lem.source.seed == "002"
        if lem.expect == "erratum":
            assert lem.literal and lem.corrected_by in LEMMAS
            assert LEMMAS[lem.corrected_by].corrects == lid


# ------------------------------------------------------------------ sympy

@pytest.mark.parametrize("lemma,check", list(_checks(SympyProof)))
def test_sympy_identities(lemma, check):
    results = [(label, sympy.simplify(lhs - rhs) == 0) for label, lhs, rhs in check.identities()]
    assert results
    if lemma.expect == "holds":
        assert all(ok for _, ok in results), [lab for lab, ok in results if not ok]
    else:
        assert not all(ok for _, ok in results)


# ------------------------------------------------------------------ exhaustive

@pytest.mark.parametrize("lemma,check", list(_checks(Exhaustive)))
def test_exhaustive(lemma, check):
    instances = list(check.instances("quick"))
    assert instances
    for inst in instances:
        check.predicate(inst)
        if check.decode is not None:
            assert check.decode(check.encode(inst)) is not None


# ------------------------------------------------------------------ hypothesis properties

def _property(lid, name):
    return next(ch for ch in LEMMAS[lid].checks if isinstance(ch, Property) and ch.name.startswith(name))


@SETTINGS
@given(_property("AS-3.2", "float").strategy())
def test_property_feature_identity(ex):
    pr.check_feature_identity(ex)


@SETTINGS
@given(_property("AS-3.3", "float").strategy())
def test_property_bounded_entries(ex):
    pr.check_bounded_entries(ex)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(_property("AS-3.4", "bounded").strategy())
def test_property_low_rank(ex):
    pr.check_low_rank_approximation(ex)


@SETTINGS
@given(_property("AS-3.5", "exact").strategy())
def test_property_row_sum(ex):
    pr.check_row_sum(ex)


@SETTINGS
@given(_property("AS-3.6", "(i)").strategy())
def test_property_lemma36_consistent(ex):
    pr.check_lemma36_consistent(ex)
    pr.check_lemma36_general(ex)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(_property("AS-3.7", "bounded").strategy())
def test_property_theorem37(ex):
    pr.check_theorem37(ex)
    back = pr.decode_attention(pr.encode_attention(ex))
    assert np.array_equal(back["Q"], ex["Q"])


def test_literal_lemma36_property_finds_the_corner():
    ex = pr.decode_box({"A": ["1"], "At": ["21/20"], "Dt": "19/20", "V": ["2"], "eps_a": "1/20",
                        "eps_d": "1/20", "B": "2"})
    with pytest.raises(Counterexample) as info:
        pr.check_lemma36_literal(ex)
    assert info.value.values["error"] == "4/19"
    pr.check_lemma36_general(ex)  # the corrected bound holds, with equality
    assert pr._row_error(ex["A"], ex["At"], ex["Dt"], ex["V"]) == Fraction(4, 19)


# ------------------------------------------------------------------ predicates fail when they should

def test_predicates_reject_bad_examples():
    ok = {"A": [Fraction(1), Fraction(2)], "At": [Fraction(1), Fraction(2)], "eps_a": Fraction(1, 20),
          "Dt": Fraction(3), "eps_d": Fraction(1, 20), "V": [Fraction(1), Fraction(-1)], "B": Fraction(1)}
    pr.check_row_sum(ok)
    bad = dict(ok, At=[Fraction(2), Fraction(2)])
    with pytest.raises(Counterexample):
        pr.check_row_sum(bad)
    with pytest.raises(Counterexample):
        pr.check_bounded_entries({"Q": np.array([[2.0]]), "K": np.array([[2.0]]), "B": 1.0})
    pr.check_rank_formulas((3, 2))
    pr.check_paper_count((1, 1))


def test_theorem37_bound_is_not_vacuous(monkeypatch):
    ex = pr.adversarial_example(4.0, 1e-6)
    T, bound, info = pr.theorem37_bound(ex)
    err = np.max(np.abs(T - info["att"]), axis=1)
    assert np.all(err <= bound)
    assert np.all(err >= 0.3 * info["approx_term"])  # the adversarial input uses the budget
    real = pr.poly_attention_report

    def shifted(*args, **kwargs):  # an implementation off by 3 eps ||V|| is caught
        rep = real(*args, **kwargs)
        return rep.__class__(**{**rep.__dict__, "output": rep.output + 3e-6 * np.max(np.abs(ex["V"]))})

    monkeypatch.setattr(pr, "poly_attention_report", shifted)
    with pytest.raises(Counterexample):
        pr.check_theorem37(ex)


# ------------------------------------------------------------------ Direct runs (quick profile)

@pytest.mark.parametrize("lemma,check", list(_checks(Direct)))
def test_direct(lemma, check):
    if lemma.expect == "erratum":
        with pytest.raises(Counterexample) as info:
            check.run("quick")
        assert info.value.message
        return
    ev = check.run("quick")
    assert ev["summary"]
    for table in ev.get("tables", []):
        assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_degree_table_done_criterion():
    ev = tb.degree_table("quick")
    rows = ev["tables"][0]["rows"]
    assert len(rows) == 30
    for R, eps, g, g_lb, method, cert, low, cheb_below, F, gpred in rows:
        assert cert <= eps and low <= cert and g >= g_lb
        if cheb_below is not None:
            assert cheb_below > eps  # Chebyshev one degree lower misses eps on dense sampling


def test_theorem37_literal_counterexample_values():
    with pytest.raises(Counterexample) as info:
        pr.theorem37_literal_counterexample("quick")
    v = info.value.values
    assert v["error"] - v["rounding_bound"] > v["eps"]
    assert v["error"] <= 2 * v["eps_A"] * v["B"] + v["rounding_bound"]


# ------------------------------------------------------------------ crosshair

def test_crosshair_kernels_plain_python():
    assert kn.lemma33_entry([1.0, -1.0], [1.0, 1.0], 1.0) == 0.0
    assert kn.lemma36_literal([1.0], [1.05], 0.95, [2.0], 0.05, 0.05, 2.0) > (0.05 + 0.05) * 2.0
    assert abs(kn.theorem37_literal([1.0, 1.0], [1.05, 0.95], [2.0, -2.0], 0.05, 2.0)) > 0.05


def _crosshair(names, timeout):
    exe = str(Path(sys.executable).with_name("crosshair"))
    proc = subprocess.run([exe, "check", *[f"spec.as_poly.kernels.{n}" for n in names],
                           "--per_condition_timeout", str(timeout)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    out = proc.stdout + proc.stderr
    return set(re.findall(r"false when calling (\w+)\(", out)), out


def test_crosshair_module():
    targets = {ch.target.rsplit(".", 1)[1]: ch.expect for lem in LEMMAS.values() for ch in lem.checks
               if isinstance(ch, Crosshair) and ch.target.startswith("spec.as_poly.kernels.")}
    verified = sorted(k for k, v in targets.items() if v == "verified")
    literal = sorted(k for k, v in targets.items() if v == "counterexample")
    assert set(verified) >= {"lemma33_entry", "lemma35_row", "lemma36_general", "lemma36_consistent",
                             "theorem37_corrected"}
    assert set(literal) == {"lemma36_literal", "theorem37_literal"}
    failed, out = _crosshair(verified, 2)
    assert not failed, out
    for name in literal:  # crosshair's search is randomized: give the literal kernels time
        failed, out = _crosshair([name], 30)
        assert failed == {name}, out


def test_feature_identity_allows_underflow_and_nothing_more(monkeypatch):
    """The deep profile's input (seed 208326134): y = 5.1e-284, P(t) = t^2 underflows to 0 where
    the exact value is 2.6e-567; the relative rounding model alone allows 0 there.  A feature off
    by one part in 10^12 on normal numbers is still refused."""
    ex = {"X": np.array([[0.0], [0.0], [0.0], [1.0]]), "Y": np.array([[0.0], [0.0], [0.0], [5.089822574059677e-284]]),
          "coefficients": np.array([0.0, 0.0, 1.0])}
    pr.check_feature_identity(ex)
    real = pr.feature_maps

    def skewed(X, Y, c, **kw):
        U1, U2 = real(X, Y, c, **kw)
        U1 = U1.copy()
        U1[:, -1] *= 1 + 1e-12
        return U1, U2

    monkeypatch.setattr(pr, "feature_maps", skewed)
    with pytest.raises(Counterexample, match="beyond rounding"):
        pr.check_feature_identity({"X": np.array([[0.5]]), "Y": np.array([[0.75]]), "coefficients": np.array([0.0, 0.0, 1.0])})
