"""HMV reductions (DA Lemmas 5.5 and 5.9, section 5): impl.reductions.hmv and the predicates of
spec.da.oamv_reduction and spec.da.odamv_reduction."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impl.dynamic import DynamicAttention
from impl.reductions import exactsign
from impl.reductions.hmv import (
    OAMVReduction,
    ODAMVReduction,
    max_hint_nnz,
    oamv_hmv,
    odamv_hmv,
)
from spec.da import hmv_instances, hmv_reduction_runs, oamv_reduction, odamv_reduction
from spec.profiles import get_profile
from spec.registry import Counterexample

FAST = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

QUICK = get_profile("quick")

EX = {"M": [[1, 0], [0, 0]], "V": [[0, 1], [1, 0]], "P": [[0, 1], [0, 0]], "tau": "1"}


# ------------------------------------------------------------------------------ exact sign
def test_exactsign_decides_zero_and_sign_without_tolerance():
    E = sympy.E
    assert exactsign.sign(3 * sympy.exp(2) + 1 - 4) == 1
    assert exactsign.sign(sympy.exp(2) - E**2) == 0
    assert exactsign.sign(sympy.exp(-3) * E**3 - 1) == 0
    assert exactsign.sign(1 / (E + 3) - 1 / (3 + E)) == 0
    # e = 2.718281828..., rational bounds 1e-10 apart
    assert exactsign.sign(E - sympy.Rational(27182818284, 10**10)) == 1
    assert exactsign.sign(E - sympy.Rational(27182818285, 10**10)) == -1
    assert exactsign.sign((E - 1) / (E - 3)) == -1


def test_exactsign_rejects_non_polynomials_in_e():
    with pytest.raises(TypeError):
        exactsign.sign(sympy.pi - 3)


# ------------------------------------------------------------------------------ oracle, sizes
@FAST
@given(st.integers(1, 6), st.data())
def test_hmv_answer_is_the_boolean_product(n, data):
    bits = st.lists(st.lists(st.integers(0, 1), min_size=n, max_size=n), min_size=n, max_size=n)
    M, P, V = data.draw(bits), data.draw(bits), data.draw(bits)
    want = ((np.array(M) @ np.array(P) @ np.array(V)) > 0).astype(int).tolist()
    assert hmv_instances.hmv_answer(M, P, V) == want


@pytest.mark.parametrize("n, tau, want", [(1, 1, 1), (4, 0.5, 2), (8, Fraction(1, 3), 2), (10, 0.5, 3),
                                          (16, 0.75, 8), (9, 1, 9), (27, Fraction(2, 3), 9)])
def test_max_hint_nnz_is_floor_of_n_to_the_tau(n, tau, want):
    assert max_hint_nnz(n, tau) == want


def test_cover_family_produces_every_row_and_column_pattern():
    for n in (1, 2, 3):
        insts = [i for i in hmv_instances.cover_instances(n) if not any(map(any, i["P"]))]
        rows = {tuple(r) for i in insts for r in i["M"]}
        cols = {tuple(c) for i in insts for c in zip(*i["V"])}
        assert len(rows) == 2**n and len(cols) == 2**n


# ------------------------------------------------------------------------------ Lemma 5.5
def test_oamv_worked_example_exact():
    red = OAMVReduction(EX["M"], EX["V"])
    red.phase2(EX["P"])
    r0, r1 = red.phase3(0), red.phase3(1)
    assert r0.column == (1, 0) and r1.column == (0, 0)
    assert r0.decoded == ("-1 + E", "0")  # (exp(M P) V)[0, 0] - sum_k V[k, 0] = e - 1
    assert (r0.updates_k, r0.queries, r0.n_tilde, r0.d_tilde, r0.precision_bits) == (1, 2, 2, 2, None)


def test_oamv_family_n_le_2():
    for inst in hmv_instances.family(QUICK, max_n=2):
        oamv_reduction.check_oamv(inst)


@FAST
@given(hmv_instances.instance_strategy(8))
def test_oamv_random_exact(inst):
    oamv_reduction.check_oamv(inst)


@FAST
@given(hmv_instances.instance_strategy(12))
def test_kinds_agree(inst):
    n = len(inst["M"])
    i = n - 1
    cols = {kind: oamv_hmv(inst["M"], inst["V"], inst["P"], i, tau=Fraction(inst["tau"]), kind=kind).column
            for kind in ("sympy", "mpmath", "float64")}
    assert cols["sympy"] == cols["mpmath"] == cols["float64"]
    truth = hmv_instances.hmv_answer(inst["M"], inst["P"], inst["V"])
    assert list(cols["sympy"]) == [truth[j][i] for j in range(n)]


def refuted_as_printed(printed, corrected, inst, match):
    """The printed form's predicate fails on ``inst`` with a message matching ``match``, and the
    corrected one holds on it."""
    with pytest.raises(Counterexample, match=match):
        printed(inst)
    corrected(inst)


def test_claims_56_57_and_literal_K():
    for inst in hmv_instances.family(QUICK, max_n=2):
        oamv_reduction.check_claim_56(inst)
        oamv_reduction.check_claim_57(inst)
    bad = {"M": [[0, 0], [0, 1]], "V": [[1, 1], [0, 1]], "P": [[0, 1], [0, 0]], "tau": "1"}
    refuted_as_printed(oamv_reduction.check_claim_56_literal_K, oamv_reduction.check_claim_56, bad, "K~ = P")


class CountingStructure:
    """Wraps DynamicAttention and counts the calls the reduction makes."""

    def __init__(self, *args, **kwargs):
        self.inner = DynamicAttention(*args, **kwargs)
        self.calls = {"update_k": 0, "update_v": 0, "update_q": 0, "query": 0}
        self.normalize = kwargs["normalize"]

    def __getattr__(self, name):
        attr = getattr(self.inner, name)
        if name in self.calls:
            def counted(*a, **k):
                self.calls[name] += 1
                return attr(*a, **k)
            return counted
        return attr


@pytest.mark.parametrize("cls, kwargs", [(OAMVReduction, {}), (ODAMVReduction, {"variant": "corrected"}),
                                         (ODAMVReduction, {"variant": "general"})])
def test_cost_accounting_matches_the_structure(cls, kwargs):
    rng = np.random.default_rng(5)
    n = 6
    M, V = rng.integers(0, 2, (n, n)), rng.integers(0, 2, (n, n))
    P = np.diag([1, 0, 1, 1, 0, 1])
    holder = {}

    def factory(*a, **k):
        holder["s"] = CountingStructure(*a, **k)
        return holder["s"]

    red = cls(M, V, structure=factory, **kwargs)
    red.phase2(P)
    res = red.phase3(2)
    s = holder["s"]
    assert s.calls["update_k"] == res.updates_k == (1 if cls is OAMVReduction else 2) * 4
    assert s.calls["query"] == res.queries == (2 * n if kwargs.get("variant") == "general" else n)
    assert s.calls["update_v"] == s.calls["update_q"] == 0
    assert s.normalize is (cls is ODAMVReduction)


# ------------------------------------------------------------------------------ Lemma 5.9
def test_odamv_worked_example_and_D():
    res = odamv_hmv(EX["M"], EX["V"], EX["P"], 0)
    assert res.column == (1, 0) and (res.n_tilde, res.d_tilde, res.updates_k, res.queries) == (4, 4, 2, 2)
    q = hmv_reduction_runs.odamv_q(EX["M"], EX["V"], EX["P"])
    assert [str(x) for x in q["D"]] == ["E + 3", "E + 3", "4", "4"]  # 2n + nnz(P)(e-1), 2n


def test_odamv_corrected_and_general_families_n_le_2():
    for inst in hmv_instances.family(QUICK, "column", max_n=2):
        odamv_reduction.check_odamv(inst)
        odamv_reduction.check_D_corrected(inst)
        odamv_reduction.check_claim_510(inst)
        odamv_reduction.check_claim_511(inst)
    for inst in hmv_instances.family(QUICK, "any", max_n=2):
        odamv_reduction.check_odamv_general(inst)


@FAST
@given(hmv_instances.instance_strategy(6, "any"))
def test_odamv_general_random(inst):
    odamv_reduction.check_odamv_general(inst)


@FAST
@given(hmv_instances.instance_strategy(6, "column"))
def test_odamv_corrected_random_float_and_exact(inst):
    odamv_reduction.check_odamv(inst)
    odamv_reduction.check_odamv(inst, kind="float64")


def test_printed_decoding_fails_on_its_minimal_instance():
    inst = {"M": [[0, 0], [0, 1]], "V": [[0, 0], [0, 1]], "P": [[1, 0], [0, 1]], "tau": "1"}
    with pytest.raises(Counterexample, match="decoded column 1 is \\[1, 1\\]"):
        odamv_reduction.check_odamv_literal("printed")(inst)
    with pytest.raises(Counterexample):
        odamv_reduction.check_odamv_literal("printed-sub")(inst)
    odamv_reduction.check_odamv(inst)  # the corrected decoding is right on it


def test_printed_D_values_fail_and_corrected_hold():
    inst = {"M": [[0]], "V": [[0]], "P": [[1]], "tau": "1"}
    refuted_as_printed(odamv_reduction.check_D_literal, odamv_reduction.check_D_corrected, inst, "D~\\[1\\] = 2")
    cls = {"M": [[0, 0], [0, 1]], "V": [[0, 0], [0, 1]], "P": [[1, 0], [1, 0]], "tau": "1"}
    refuted_as_printed(odamv_reduction.check_D_class_literal, odamv_reduction.check_odamv_general, cls,
                       "exp\\(2\\)")


def test_printed_D_decode_needs_n_4():
    first = next(i for i in hmv_instances.printed_family(QUICK) if len(i["M"]) == 4)
    assert first["tau"] == "1/2"
    for inst in hmv_instances.printed_family(QUICK):
        if len(inst["M"]) < 4:
            odamv_reduction.check_odamv_literal("printed-D")(inst)  # P = I: printed D~ is right on rows < n
    with pytest.raises(Counterexample, match="negative"):
        for inst in hmv_instances.printed_family(QUICK):
            odamv_reduction.check_odamv_literal("printed-D")(inst)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("M, V, err, word", [
    ([[2, 0], [0, 1]], [[0, 1], [1, 0]], ValueError, "M"),
    ([[0.5, 0], [0, 1]], [[0, 1], [1, 0]], ValueError, "M"),
    ([[0, 1], [1, 0]], [["a", 0], [0, 1]], TypeError, "V"),
    ([[0, 1, 1], [1, 0, 0]], [[0, 1], [1, 0]], ValueError, "M"),
    ([[0, 1], [1, 0]], [[0, 1, 0], [1, 0, 0], [0, 0, 0]], ValueError, "V"),
    ("01", [[0]], TypeError, "M"),
])
def test_non_boolean_inputs_are_rejected(M, V, err, word):
    with pytest.raises(err, match=word):
        OAMVReduction(M, V)


def test_hint_and_parameter_checks():
    red = OAMVReduction(np.eye(4, dtype=int), np.eye(4, dtype=int), tau=0.5)
    with pytest.raises(ValueError, match="P has 3 non-zeros .* at most floor\\(n\\^tau\\) = 2"):
        red.phase2(np.diag([1, 1, 1, 0]))
    with pytest.raises(RuntimeError, match="phase2"):
        red.phase3(0)
    red.phase2(np.diag([1, 1, 0, 0]))
    with pytest.raises(RuntimeError, match="already"):
        red.phase2(np.diag([1, 0, 0, 0]))
    with pytest.raises(IndexError, match="i=4"):
        red.phase3(4)
    for tau, err in ((0, ValueError), (1.5, ValueError), (True, TypeError), ("1", TypeError)):
        with pytest.raises(err, match="tau"):
            OAMVReduction([[1]], [[1]], tau=tau)
    with pytest.raises(ValueError, match="kind"):
        OAMVReduction([[1]], [[1]], kind="int")
    with pytest.raises(ValueError, match="float64"):
        OAMVReduction(np.eye(17, dtype=int), np.eye(17, dtype=int), kind="float64")
    with pytest.raises(ValueError, match="prec"):
        OAMVReduction([[1]], [[1]], kind="mpmath", prec=8)
    with pytest.raises(ValueError, match="column 0"):
        ODAMVReduction([[1, 0], [0, 1]], [[1, 0], [0, 1]]).phase2([[1, 0], [1, 0]])
    with pytest.raises(ValueError, match="kind='sympy'"):
        ODAMVReduction([[1]], [[1]], variant="printed", kind="float64")
    with pytest.raises(ValueError, match="variant"):
        ODAMVReduction([[1]], [[1]], variant="paper")
