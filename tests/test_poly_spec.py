"""Tests of the AS upper-bound statements (sections 2-3 of arXiv 2302.13214; spec/as_/exp_approximation,
monomial_features, error_lemmas, low_rank, algorithm_one) and their predicates."""

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

from proofs_checks.engines.sympy_proof import is_zero
from spec.as_ import algorithm_one, error_lemmas, exp_approximation, low_rank, monomial_features
from spec.as_ import row_error_kernels as kernels
from spec.as_.poly_inputs import decode_attention, decode_box, encode_attention
from spec.profiles import get_profile
from spec.registry import Counterexample, Crosshair, Direct, Exhaustive, Property, SympyProof, load_all

ROOT = Path(__file__).resolve().parents[1]
IDS = ["AS-2.1", "AS-2.1/literal", "AS-2.2", "AS-2.2/impl", "AS-3.2", "AS-3.2/impl", "AS-3.2-phi",
       "AS-3.2/literal", "AS-3.3", "AS-3.4", "AS-3.4/literal", "AS-3.5", "AS-3.6", "AS-3.6/literal", "AS-3.7",
       "AS-3.7/impl", "AS-3.7/literal", "AS-3.8", "AS-binomial"]
QUICK = get_profile("quick")
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
    results = [(label, is_zero(sympy.sympify(lhs) - sympy.sympify(rhs))) for label, lhs, rhs in check.identities()]
    assert results
    if lemma.expect == "holds":
        assert all(ok for _, ok in results), [lab for lab, ok in results if not ok]
    else:
        assert not all(ok for _, ok in results)


# ------------------------------------------------------------------ exhaustive

@pytest.mark.parametrize("lemma,check", list(_checks(Exhaustive)))
def test_exhaustive(lemma, check):
    instances = list(check.instances(QUICK))
    assert instances
    for inst in instances:
        check.predicate(inst)
        if check.decode is not None:
            assert check.decode(check.encode(inst)) is not None


# ------------------------------------------------------------------ hypothesis properties

def _property(lid, name):
    return next(ch for ch in LEMMAS[lid].checks if isinstance(ch, Property) and ch.name.startswith(name))


@SETTINGS
@given(_property("AS-3.2/impl", "float").strategy())
def test_property_feature_identity(ex):
    monomial_features.check_feature_identity(ex)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(_property("AS-3.4", "bounded").strategy())
def test_property_low_rank(ex):
    low_rank.check_low_rank_approximation(ex)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(_property("AS-3.7/impl", "bounded").strategy())
def test_property_theorem37(ex):
    algorithm_one.check_theorem37(ex)
    back = decode_attention(encode_attention(ex))
    assert np.array_equal(back["Q"], ex["Q"])


def test_literal_lemma36_property_finds_the_corner():
    ex = decode_box({"A": ["1"], "At": ["21/20"], "Dt": "19/20", "V": ["2"], "eps_a": "1/20",
                     "eps_d": "1/20", "B": "2"})
    with pytest.raises(Counterexample) as info:
        error_lemmas.check_lemma36_literal(ex)
    assert info.value.values["error"] == "4/19"
    error_lemmas.check_lemma36_general(ex)  # the corrected bound holds, with equality
    assert error_lemmas._row_error(ex["A"], ex["At"], ex["Dt"], ex["V"]) == Fraction(4, 19)


# ------------------------------------------------------------------ predicates fail when they should

def test_predicates_reject_bad_examples():
    monomial_features.check_rank_formulas((3, 2))
    with pytest.raises(Counterexample, match="corrected Lemma 3.6 bound exceeded"):
        error_lemmas.check_lemma36_general({"A": [Fraction(1)], "At": [Fraction(11, 10)], "Dt": Fraction(9, 10),
                                            "V": [Fraction(2)], "eps_a": Fraction(1, 20),
                                            "eps_d": Fraction(1, 20), "B": Fraction(2)})


def test_theorem37_bound_is_not_vacuous(monkeypatch):
    ex = algorithm_one.adversarial_example(4.0, 1e-6)
    T, bound, info = algorithm_one.theorem37_bound(ex)
    err = np.max(np.abs(T - info["att"]), axis=1)
    assert np.all(err <= bound)
    assert np.all(err >= 0.3 * info["approx_term"])  # the adversarial input uses the budget
    real = algorithm_one.poly_attention_report

    def shifted(*args, **kwargs):  # an implementation off by 3 eps ||V|| is caught
        rep = real(*args, **kwargs)
        return rep.__class__(**{**rep.__dict__, "output": rep.output + 3e-6 * np.max(np.abs(ex["V"]))})

    monkeypatch.setattr(algorithm_one, "poly_attention_report", shifted)
    with pytest.raises(Counterexample):
        algorithm_one.check_theorem37(ex)


# ------------------------------------------------------------------ Direct runs (quick profile)

@pytest.mark.parametrize("lemma,check", list(_checks(Direct)))
def test_direct(lemma, check):
    if lemma.expect == "erratum":
        with pytest.raises(Counterexample) as info:
            check.run(QUICK)
        assert info.value.message
        return
    ev = check.run(QUICK)
    assert ev["summary"]
    for table in ev.get("tables", []):
        assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_degree_table_done_criterion():
    ev = exp_approximation.degree_table(QUICK)
    rows = ev["tables"][0]["rows"]
    assert len(rows) == 30
    for _R, eps, g, g_lb, _method, cert, low, cheb_below, _F, _gpred in rows:
        assert cert <= eps and low <= cert and g >= g_lb
        if cheb_below is not None:
            assert cheb_below > eps  # Chebyshev one degree lower misses eps on dense sampling


def test_theorem37_literal_counterexample_values():
    with pytest.raises(Counterexample) as info:
        algorithm_one.theorem37_literal_counterexample(QUICK)
    v = info.value.values
    assert v["error"] - v["rounding_bound"] > v["eps"]
    assert v["error"] <= 2 * v["eps_A"] * v["B"] + v["rounding_bound"]


# ------------------------------------------------------------------ crosshair

def test_crosshair_kernels_plain_python():
    assert kernels.lemma36_literal([1.0], [1.05], 0.95, [2.0], 0.05, 0.05, 2.0) > (0.05 + 0.05) * 2.0
    assert abs(kernels.theorem37_literal([1.0, 1.0], [1.05, 0.95], [2.0, -2.0], 0.05, 2.0)) > 0.05


def _crosshair(names, timeout):
    exe = str(Path(sys.executable).with_name("crosshair"))
    proc = subprocess.run([exe, "check", *[f"{kernels.__name__}.{n}" for n in names],
                           "--per_condition_timeout", str(timeout)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    out = proc.stdout + proc.stderr
    return set(re.findall(r"false when calling (\w+)\(", out)), out


def test_crosshair_module():
    targets = {ch.target.__name__: ch.expect for lem in LEMMAS.values() for ch in lem.checks
               if isinstance(ch, Crosshair) and ch.target.__module__ == kernels.__name__}
    assert targets == {"lemma36_literal": "counterexample", "theorem37_literal": "counterexample"}
    for name in targets:  # crosshair's search is randomized: give the literal kernels time
        failed, out = _crosshair([name], 30)
        assert failed == {name}, out


def test_feature_identity_allows_underflow_and_nothing_more(monkeypatch):
    """The deep profile's input (seed 208326134): y = 5.1e-284, P(t) = t^2 underflows to 0 where
    the exact value is 2.6e-567; the relative rounding model alone allows 0 there.  A feature off
    by one part in 10^12 on normal numbers is still refused."""
    ex = {"X": np.array([[0.0], [0.0], [0.0], [1.0]]), "Y": np.array([[0.0], [0.0], [0.0], [5.089822574059677e-284]]),
          "coefficients": np.array([0.0, 0.0, 1.0])}
    monomial_features.check_feature_identity(ex)
    real = monomial_features.feature_maps

    def skewed(X, Y, c, **kw):
        U1, U2 = real(X, Y, c, **kw)
        U1 = U1.copy()
        U1[:, -1] *= 1 + 1e-12
        return U1, U2

    monkeypatch.setattr(monomial_features, "feature_maps", skewed)
    with pytest.raises(Counterexample, match="beyond rounding"):
        monomial_features.check_feature_identity({"X": np.array([[0.5]]), "Y": np.array([[0.75]]),
                                                  "coefficients": np.array([0.0, 0.0, 1.0])})
