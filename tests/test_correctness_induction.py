"""spec.da.correctness_induction: Theorem 4.1 proved for the structures' own code by induction on
the operation sequence (symbolic kind, bounded sizes).  The proof passes on the code, fails on
broken code (each printed repair left out, mutants of impl/dynamic.py), and its pieces (the zero
test, the generic states, the workers) do what the proof relies on.

``python -m tests.test_correctness_induction --sample N --module impl/dynamic.py`` runs the
proof (quick sizes; ``--subject`` for a printed algorithm) on N mutants of a module spread over
it (0: all) and prints how many it rejects (the figures of the report).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
import sympy

from spec.da import correctness_induction as ci
from spec.da.induction_workers import run_steps
from spec.da.symbolic_printed_states import check_printed_invariant, printed_generic, printed_init
from spec.da.symbolic_states import Shape, check_invariant, generic_state, shapes
from spec.da.symbolic_zero import equal, is_zero
from spec.registry import Counterexample

ROOT = Path(__file__).resolve().parents[1]
x, y = sympy.symbols("x y", real=True)
SMALL = ((1, 1, True), (1, 2, True), (2, 1, True), (2, 2, True))


def failures(subject: str, sizes=SMALL, jobs: int = 1) -> list[ci.Checked]:
    steps = [s for n, d, stale in sizes for s in ci.steps_at(subject, n, d, stale)]
    done = list(ci.checked_steps(steps, jobs=jobs))
    assert len(done) <= len(steps)
    return [c for c in done if c.failure is not None]


# ------------------------------------------------------------------------------ the zero test
def test_exp_of_a_sum_is_the_product_of_exps():
    assert is_zero(sympy.exp(x + y) - sympy.exp(x) * sympy.exp(y))
    assert equal(sympy.exp(2 * x * y), sympy.exp(x * y) ** 2)
    assert equal(1 / (sympy.exp(x) + sympy.exp(x + y)), sympy.exp(-x) / (1 + sympy.exp(y)))
    assert not is_zero(sympy.exp(x) - sympy.exp(y))
    assert not is_zero(sympy.exp(x) * y - y)
    assert not equal(sympy.exp(x + y), sympy.exp(x) + sympy.exp(y))


# ----------------------------------------------------------------------------- generic states
def test_every_shape_is_enumerated_once():
    for n, d, T in ((2, 2, 2), (3, 1, 3), (3, 2, 2)):
        keys = sum(n ** k for k in range(T))
        found = list(shapes(n, d, T))
        assert len(found) == len(set(found)) == keys * sum((n * d) ** k for k in range(T))
        # with the stale slots: each of the T value-update slots holds any cell
        found = list(shapes(n, d, T, every_stale=True))
        assert len(found) == len(set(found)) == keys * T * (n * d) ** T


def test_stale_value_slots_hold_the_cells_the_shape_names():
    shape = Shape(2, 2, 2, cells=((1, 0),), stale=((1, 1),))
    S, truth = generic_state(shape)
    assert (S.pv_rows[1], S.pv_cols[1]) == (1, 1) and S.cv == 1
    check_invariant(S, truth)


@pytest.mark.parametrize("shape", list(shapes(2, 2, 2)), ids=str)
def test_generic_states_satisfy_the_invariant(shape):
    S, truth = generic_state(shape)
    check_invariant(S, truth)
    assert (S.ck, S.cv) == (len(shape.keys), len(shape.cells))


@pytest.mark.parametrize("corrupt,clause", [
    (lambda S: S.C.__setitem__((0, 1), S.C[0, 1] + 1), "C + PK_cols"),
    (lambda S: S.pk_v.__setitem__((0, 0), S.pk_v[0, 0] + 1), "PK_v[t] == V0[key_t]"),
    (lambda S: S.pv_delta.__setitem__(0, 2 * S.pv_delta[0]), "V0 + sum_s"),
    (lambda S: S.kernel.D.__setitem__(1, S.kernel.D[1] * 2), "kernel.D"),
    (lambda S: setattr(S, "ck", S.threshold), "0 <= ck, cv < threshold"),
])
def test_a_corrupted_state_breaks_the_invariant(corrupt, clause):
    S, truth = generic_state(Shape(2, 2, 2, keys=(1,), cells=((1, 0),)))
    corrupt(S)
    with pytest.raises(Counterexample, match="invariant broken") as info:
        check_invariant(S, truth)
    assert clause in str(info.value)


def test_printed_generic_states_satisfy_their_invariant():
    for factory in (ci.V1_REPAIRED, ci.APPENDIX_REPAIRED):
        for shape in shapes(2, 1, 2):
            S, truth = printed_generic(factory, shape)
            check_printed_invariant(S, truth)
        S, truth = printed_generic(factory, Shape(2, 1, 2, keys=(0,)))
        S.List_D[1] = type(S.List_D[1])(S.List_D[1].a, S.List_D[1].b * 2)
        with pytest.raises(Counterexample, match="List_D"):
            check_printed_invariant(S, truth)


# ------------------------------------------------------------------------------- the proofs
@pytest.mark.parametrize("subject", list(ci.SUBJECTS))
def test_the_induction_holds_for_every_subject(subject):
    assert failures(subject) == []


def test_the_base_case_and_every_operation_are_steps():
    steps = list(ci.steps_at("DynamicAttention", 2, 1))
    assert {s.op for s in steps} == {"init", *ci.INDEXED}
    assert {(s.i, s.j) for s in steps if s.op == "update_k"} == {(0, 0), (1, 0)}
    threshold_steps = [s for s in steps if s.op == "update_k" and len(s.shape.keys) == 1]
    assert threshold_steps                        # the update that triggers the recompute


@pytest.mark.parametrize("cls,defects", [("PaperV1Attention", ("E2", "E4", "E5", "E6", "E7")),
                                         ("PaperAppendixAttention", ("E2", "E6", "E7"))])
def test_every_repair_is_needed(cls, defects):
    """With any one repair left out, the printed algorithm fails the induction."""
    import impl.literal as literal

    for left in defects:
        factory = partial(getattr(literal, cls), repairs=tuple(d for d in defects if d != left))
        name = f"{cls} without {left}"
        ci.SUBJECTS[name] = ci.Subject(name, ci.PAPER_OPS, partial(printed_init, factory),
                                       partial(printed_generic, factory), check_printed_invariant,
                                       ci.PRINTED_SIZES)
        try:
            assert failures(name, sizes=((1, 1, False), (2, 1, False))), name
        finally:
            del ci.SUBJECTS[name]


def test_results_do_not_depend_on_the_number_of_workers():
    def run(k: int):
        return {"message": f"step {k}", "values": {}} if k in (7, 12) else None

    one = run_steps(list(range(20)), run, jobs=1)
    for jobs in (2, 3):
        assert run_steps(list(range(20)), run, jobs=jobs) == one
    assert [k for k, _ in one] == list(range(8)) and one[-1][1]["message"] == "step 7"
    assert [k for k, _ in run_steps(list(range(5)), lambda k: None, jobs=2)] == list(range(5))


def test_a_worker_error_is_an_error_not_a_pass():
    def run(k: int):
        if k == 3:
            raise RuntimeError("boom")
        return None

    with pytest.raises(RuntimeError, match="boom"):
        run_steps(list(range(6)), run, jobs=2)


def test_the_record_replays_a_step_and_reports_a_workers_failure():
    step = ci.Step("DynamicAttention", Shape(2, 1, 2, keys=(1,)), "query", 0, 0)
    assert ci.Step.from_json(json.loads(json.dumps(step.to_json()))) == step
    predicate = ci.replay_or_report(ci.prove_step)
    predicate(step)
    predicate(ci.Checked(step, None))
    with pytest.raises(Counterexample, match="found"):
        predicate(ci.Checked(step, {"message": "found", "values": {"t": 1}}))


# --------------------------------------------------------------------------------- mutants
def proof_verdict(rel: str, index: int, subject: str = "DynamicAttention", sizes=SMALL,
                  timeout: float = 600.0) -> dict:
    """The induction of ``subject`` on the code with mutant ``index`` of module ``rel``, in a
    forked child that serves the mutated module from memory (tools.mutation)."""
    from tools.mutation.fork_pool import run_one

    def work() -> dict:
        from tools.mutation.import_hook import install
        from tools.mutation.mutants import module_name, mutated_code

        path = ROOT / rel
        install({module_name(rel): (path, mutated_code(rel, path.read_text(), index, str(path)))},
                ROOT)
        from spec.da import correctness_induction as fresh

        steps = [s for n, d, stale in sizes for s in fresh.steps_at(subject, n, d, stale)]
        for checked in fresh.checked_steps(steps, jobs=1):
            if checked.failure is not None:
                return {"ok": False, "rejected": True, "step": checked.step.to_json(),
                        "why": checked.failure["message"][:200]}
        return {"ok": True, "rejected": False, "steps": len(steps)}

    result, seconds = run_one(work, timeout)
    return {**result, "seconds": seconds}


def mutant_index(rel: str, scope: str, original: str, mutated: str, occurrence: int = 0) -> int:
    from tools.mutation.mutants import enumerate_mutants

    found = [m.index for m in enumerate_mutants(rel, (ROOT / rel).read_text())
             if (m.scope, m.original, m.mutated, m.occurrence) == (scope, original, mutated,
                                                                   occurrence)]
    assert len(found) == 1, (scope, original, mutated, found)
    return found[0]


#: mutants of the update, query and recompute paths that the state machines kill
KILLED = [
    ("impl/dynamic.py", "DynamicAttention.update_v", "self.pv_delta[cv] = value", "pass"),
    ("impl/dynamic.py", "DynamicAttention._close_update", "self.ck < self.threshold",
     "self.ck <= self.threshold"),
    ("impl/dynamic.py", "DynamicAttention.recompute", "self.cv = 0", "pass"),
    ("impl/dynamic.py", "DynamicAttention.__init__", "self.cv = 0", "pass"),
    ("impl/dynamic.py", "DynamicAttention._rebuild_rows",
     "led.fill(self.pk_cols, (rows, slice(0, self.ck)), 0)", "pass"),
    # the first of two: the exact kinds' branch (the second is float64's)
    ("impl/expkernel.py", "ExpKernel.apply_key", "led.add(self.D, delta_a, out=self.D)", "pass"),
]


@pytest.mark.parametrize("rel,scope,original,mutated", KILLED, ids=[k[1] for k in KILLED])
def test_the_proof_rejects_mutants(rel, scope, original, mutated):
    verdict = proof_verdict(rel, mutant_index(rel, scope, original, mutated))
    assert verdict.get("rejected"), verdict


# ------------------------------------------------------------------- the sample of the report
def sample(rel: str, count: int, subject: str = "DynamicAttention", jobs: int = 2) -> dict:
    """The proof (quick sizes) on ``count`` mutants of ``rel`` spread over the module (0: all)."""
    from tools.mutation.fork_pool import run_pool
    from tools.mutation.mutants import enumerate_mutants

    mutants = enumerate_mutants(rel, (ROOT / rel).read_text())
    if count:
        mutants = mutants[::max(1, len(mutants) // count)][:count]
    sizes = ci.SUBJECTS[subject].sizes["quick"]
    rows: dict[int, dict] = {}

    def task(m):
        return lambda: {**proof_verdict(rel, m.index, subject, sizes), "key": m.key()}

    run_pool([(m.index, task(m)) for m in mutants], jobs, 1800.0,
             lambda tag, result, seconds: rows.__setitem__(tag, result))
    rejected = sum(1 for r in rows.values() if r.get("rejected"))
    return {"module": rel, "mutants": len(mutants), "rejected": rejected,
            "not_rejected": [r.get("key", tag) for tag, r in sorted(rows.items())
                             if not r.get("rejected")],
            "rows": [rows[k] for k in sorted(rows)]}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="impl/dynamic.py")
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--subject", default="DynamicAttention", choices=list(ci.SUBJECTS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    figures = sample(args.module, args.sample, args.subject, jobs=args.jobs)
    text = json.dumps(figures, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(f"{figures['rejected']} of {figures['mutants']} mutants of {args.module} rejected")
