"""Runs of the HMV reductions (``impl.reductions.hmv``, DA arXiv 2304.02207 section 5) checked
against the direct answer: the three phases on one instance, the sign table of a decoded
quantity, the implementation's quantities (memoized, as several claims read the same ones), and a
Hypothesis batch with its cost table.  These check the code; the mathematics of the decoding is
proved in ``spec.da.hmv_decoding_proof``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import lru_cache
from typing import Any

from impl.reductions import exactsign
from impl.reductions.hmv import OAMVReduction, ODAMVReduction, oamv_quantities, odamv_quantities
from spec.da.hmv_instances import Matrix, hmv_answer, instance_strategy, nnz
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample


def fail(message: str, inst: dict[str, Any], **extra: Any) -> None:
    """Raise the Counterexample of an instance."""
    raise Counterexample(message, instance=inst, **extra)


def _key(M: Matrix, V: Matrix, P: Matrix) -> str:
    return json.dumps([M, V, P])


@lru_cache(maxsize=4096)
def _oamv_q(key: str) -> dict[str, Any]:
    M, V, P = json.loads(key)
    return oamv_quantities(M, V, P)


@lru_cache(maxsize=4096)
def _odamv_q(key: str) -> dict[str, Any]:
    M, V, P = json.loads(key)
    return odamv_quantities(M, V, P)


def oamv_q(M: Matrix, V: Matrix, P: Matrix) -> dict[str, Any]:
    """:func:`impl.reductions.hmv.oamv_quantities`, memoized (Claims 5.6 and 5.7 share it)."""
    return _oamv_q(_key(M, V, P))


def odamv_q(M: Matrix, V: Matrix, P: Matrix) -> dict[str, Any]:
    """:func:`impl.reductions.hmv.odamv_quantities`, memoized (Claims 5.10, 5.11, D~ share it)."""
    return _odamv_q(_key(M, V, P))


def run_phases(reduction: Any, inst: dict[str, Any], lemma: str, *, queries_per_column: int,
         updates: int) -> None:
    """Phase 2 with the instance's hint, then phase 3 for every column: each decoded column must
    be the column of M P V, with exactly the given queries and update_k calls per column."""
    n = len(inst["M"])
    truth = hmv_answer(inst["M"], inst["P"], inst["V"])
    reduction.phase2(inst["P"])
    for i in range(n):
        res = reduction.phase3(i)
        want = [truth[j][i] for j in range(n)]
        if list(res.column) != want:
            neg = [j for j, b in enumerate(res.column) if b is None]
            note = (f" (None: the printed difference is negative at rows {neg}, where neither "
                    "Claim 5.10 nor 5.11 gives a bit)") if neg else ""
            fail(f"{lemma}: decoded column {i} is {list(res.column)}, M P V has {want}{note}", inst,
                  column=i, decoded=list(res.column), expected=want, quantities=list(res.decoded))
        if res.queries != queries_per_column or res.updates_k != updates or res.updates_v or res.updates_q:
            fail(f"{lemma}: cost accounting {res.queries} queries / {res.updates_k} update_k, "
                  f"expected {queries_per_column} / {updates}", inst, column=i)


def sign_table(Y: list[list[Any]], truth: Matrix, inst: dict[str, Any], label: str,
                 positive: bool) -> None:
    """Every entry of Y is >= 0; ``positive``: > 0 only where M P V has 1 (Claims 5.6, 5.10), else
    = 0 only where it has 0 (Claims 5.7, 5.11); signs decided exactly."""
    n = len(truth)
    for j in range(n):
        for i in range(n):
            s = exactsign.sign(Y[j][i])
            if s < 0:
                fail(f"{label}: the quantity at ({j}, {i}) is negative", inst, j=j, i=i, value=str(Y[j][i]))
            if positive and s > 0 and truth[j][i] != 1:
                fail(f"{label}: quantity > 0 at ({j}, {i}) but (M P V)[{j}, {i}] = 0", inst,
                      j=j, i=i, value=str(Y[j][i]))
            if not positive and s == 0 and truth[j][i] != 0:
                fail(f"{label}: quantity = 0 at ({j}, {i}) but (M P V)[{j}, {i}] = 1", inst,
                      j=j, i=i, value=str(Y[j][i]))


def _one(inst: dict[str, Any], i: int, lemma: str, variant: str, kind: str) -> Any:
    n = len(inst["M"])
    red: OAMVReduction | ODAMVReduction
    if lemma == "DA-5.5":
        red = OAMVReduction(inst["M"], inst["V"], tau=Fraction(inst["tau"]), kind=kind)
        per_col, upd = n, nnz(inst["P"])
    else:
        red = ODAMVReduction(inst["M"], inst["V"], tau=Fraction(inst["tau"]), kind=kind,
                             variant=variant)
        per_col = 2 * n if variant == "general" else n
        upd = 2 * nnz(inst["P"])
    red.phase2(inst["P"])
    res = red.phase3(i)
    truth = hmv_answer(inst["M"], inst["P"], inst["V"])
    want = [truth[j][i] for j in range(n)]
    if list(res.column) != want:
        fail(f"{lemma} ({variant}, {kind}): decoded column {i} is {list(res.column)}, M P V has "
              f"{want}", inst, column=i, decoded=list(res.column), expected=want)
    if (res.queries, res.updates_k, res.updates_v, res.updates_q) != (per_col, upd, 0, 0):
        fail(f"{lemma}: cost {res.queries} queries / {res.updates_k} update_k, expected "
              f"{per_col} / {upd}", inst, column=i)
    return res


def hypothesis_batch(profile: Profile, lemma: str, variant: str = "corrected") -> dict[str, Any]:
    """Direct evidence: Hypothesis draws HMV instances up to n = 16 (2 000 in the deep profile,
    24 in quick), decodes one column per instance exactly (sympy) and, where 53 bits suffice,
    also in float64; raises the (shrunk) Counterexample on a wrong bit.  Returns the cost table."""
    from collections import defaultdict

    from hypothesis import HealthCheck, given
    from hypothesis import strategies as st

    examples = 2000 if profile.deep else 24
    cls = "column" if (lemma == "DA-5.9" and variant == "corrected") else "any"
    rows: dict[int, dict[str, Any]] = defaultdict(lambda: {"count": 0, "nnz": [], "upd": [],
                                                           "q": set(), "shape": None, "bits": 0,
                                                           "float": 0})

    # too_slow: every example runs a whole reduction in exact sympy arithmetic, by design
    @profile.hypothesis(examples, suppress_health_check=[HealthCheck.too_slow])
    @given(instance_strategy(16, cls), st.data())
    def run(inst: dict[str, Any], data: Any) -> None:
        n = len(inst["M"])
        i = data.draw(st.integers(0, n - 1))
        res = _one(inst, i, lemma, variant, "sympy")
        r = rows[n]
        r["count"] += 1
        r["nnz"].append(res.nnz_P)
        r["upd"].append(res.updates_k)
        r["q"].add(res.queries)
        r["shape"] = f"{res.n_tilde} x {res.d_tilde}"
        r["bits"] = res.bits_needed
        if res.bits_needed <= 53:
            _one(inst, i, lemma, variant, "float64")
            r["float"] += 1

    run()
    by_n = []
    for n in sorted(rows):
        r = rows[n]
        by_n.append([n, r["count"], r["shape"], f"{min(r['nnz'])}-{max(r['nnz'])}",
                      f"{min(r['upd'])}-{max(r['upd'])}", "/".join(map(str, sorted(r["q"]))),
                      "exact (sympy)", r["bits"], r["float"]])
    total = sum(r["count"] for r in rows.values())
    return evidence(
        f"{lemma} ({variant}): {total} Hypothesis instances, n = 1..16, one phase-3 column each, every bit "
        "equal to the Boolean product M P V; decoded exactly (sympy, '> 0' / '= 0' with no tolerance) and "
        "again in float64 where the a-priori bound says 53 bits suffice.",
        table(f"{lemma} ({variant}) instance sizes, updates, queries, precision",
              ["n", "instances", "n~ x d~", "nnz(P)", "update_k calls", "queries per column", "arithmetic",
               "bits needed (float)", "float64 re-runs"], by_n),
        examples=total)
