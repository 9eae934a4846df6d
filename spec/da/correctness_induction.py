"""DA (arXiv 2304.02207v1) section 4, Theorem 4.1 for ``impl.dynamic.DynamicAttention`` itself:
an induction on the length of the operation sequence, each step run through the class's own code
on the symbolic element kind.

* Base: Init on real symbols ``Q``, ``K``, ``V`` and scale satisfies the invariant
  (``spec.da.symbolic_states``).
* Step: from the generic state of every shape (every number of pending key and value updates
  below the threshold, every pattern of their rows and cells), each operation (``update_k``,
  ``update_v``, ``update_q`` with a symbolic delta at every index, ``query`` at every index,
  ``output``, ``recompute``) leaves a state that satisfies the invariant for the new ``Q``, ``K``,
  ``V``; the update that reaches the threshold, and the recompute it triggers, are among them.
* Answers: in the generic state of every shape, ``query(i, j)`` and ``output()`` equal the exact
  ``D^{-1} exp(scale Q K^T) V``, so the invariant implies every answer is exact.

As every state that satisfies the invariant is an instance of the generic state of its shape,
induction on the length gives Theorem 4.1 for every operation sequence of any length at the
sizes enumerated.  Each step is one instance of an ``Exhaustive`` check; the steps run in forked
workers (``spec.da.induction_workers``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterator, Sequence

from spec.da.induction_workers import Outcome, run_steps
from spec.da.printed_pseudocode import PAPER_OPS
from spec.da.symbolic_printed_states import (
    APPENDIX_REPAIRED,
    V1_REPAIRED,
    check_printed_invariant,
    printed_generic,
    printed_init,
)
from spec.da.symbolic_states import (
    Shape,
    Truth,
    check_answer,
    check_invariant,
    generic_state,
    init_state,
    real,
    shapes,
    thresholds,
)
from spec.registry import Counterexample

#: operations, with whether they take an index ``(i, j)``
INDEXED = {"update_k": True, "update_v": True, "update_q": True, "query": True,
           "output": False, "recompute": False}

#: the sizes ``(n, d, every_stale)`` each profile proves DynamicAttention's induction for;
#: ``every_stale``: every cell in the value-update slots past the count, not only (0, 0)
SIZES = {
    "quick": ((1, 1, True), (1, 2, True), (2, 1, True), (2, 2, True), (3, 1, True),
              (3, 2, False)),
    "deep": ((1, 1, True), (1, 2, True), (1, 3, True), (2, 1, True), (2, 2, True), (2, 3, True),
             (3, 1, True), (3, 2, True), (3, 3, False), (4, 1, False)),
}
#: the same for the printed algorithms, whose telescoped D^{-1} costs more per step
PRINTED_SIZES = {
    "quick": ((1, 1, True), (1, 2, True), (2, 1, True), (2, 2, True), (3, 1, False)),
    "deep": ((1, 1, True), (1, 2, True), (1, 3, True), (2, 1, True), (2, 2, True), (2, 3, True),
             (3, 1, True), (3, 2, False)),
}


@dataclass(frozen=True)
class Subject:
    """A structure under proof: its operations, its Init on symbols, the generic state of a
    shape and its invariant (each raises :class:`spec.Counterexample` when broken)."""

    name: str
    operations: tuple[str, ...]
    init: Callable[[int, int, int], tuple[Any, Truth]]
    generic: Callable[[Shape], tuple[Any, Truth]]
    invariant: Callable[[Any, Truth], None]
    #: the sizes ``(n, d, every_stale)`` by profile name
    sizes: dict[str, tuple[tuple[int, int, bool], ...]]


SUBJECTS = {s.name: s for s in (
    Subject("DynamicAttention", tuple(INDEXED), init_state, generic_state, check_invariant, SIZES),
    Subject("PaperV1Attention[E2,E4-E7]", PAPER_OPS, partial(printed_init, V1_REPAIRED),
            partial(printed_generic, V1_REPAIRED), check_printed_invariant, PRINTED_SIZES),
    Subject("PaperAppendixAttention[E2,E6,E7]", PAPER_OPS, partial(printed_init, APPENDIX_REPAIRED),
            partial(printed_generic, APPENDIX_REPAIRED), check_printed_invariant, PRINTED_SIZES),
)}


@dataclass(frozen=True)
class Step:
    """One step of the induction for ``subject``: ``op`` at ``(i, j)`` from the generic state of
    ``shape`` (``op == "init"``: the base case at the sizes and threshold of ``shape``)."""

    subject: str
    shape: Shape
    op: str
    i: int = 0
    j: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"subject": self.subject, "shape": self.shape.to_json(), "op": self.op,
                "i": self.i, "j": self.j}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Step":
        return cls(data["subject"], Shape.from_json(data["shape"]), data["op"], data["i"],
                   data["j"])


@dataclass(frozen=True)
class Checked:
    """A step a worker ran, with its outcome (None: it passed)."""

    step: Step
    failure: Outcome


def steps_at(subject: str, n: int, d: int, every_stale: bool = False) -> Iterator[Step]:
    """The base case and every step of ``subject`` at size ``n x d``, for every threshold
    (``every_stale``: from the shapes with every stale cell, ``spec.da.symbolic_states.shapes``)."""
    ops = SUBJECTS[subject].operations
    for T in thresholds(n):
        yield Step(subject, Shape(n, d, T), "init")
        for shape in shapes(n, d, T, every_stale):
            for op in ops:
                if INDEXED[op]:
                    for i in range(n):
                        for j in range(d):
                            yield Step(subject, shape, op, i, j)
                else:
                    yield Step(subject, shape, op)


def _apply(S: Any, truth: Truth, step: Step) -> None:
    """Run ``step.op`` on ``S`` and update ``truth`` as the operation's contract says."""
    i, j, op = step.i, step.j, step.op
    delta = real("delta")
    if op == "update_k":
        S.update_k(i, j, delta)
        truth.K[i, j] += delta
    elif op == "update_v":
        S.update_v(i, j, delta)
        truth.V[i, j] += delta
    elif op == "update_q":
        S.update_q(i, j, delta)
        truth.Q[i, j] += delta
    elif op == "query":
        check_answer(S.query(i, j), truth, i, j, "query")
    elif op == "output":
        out = S.output()
        for r in range(S.n):
            for c in range(S.d):
                check_answer(out[r, c], truth, r, c, "output()")
    elif op == "recompute":
        S.recompute()
    else:
        raise ValueError(f"unknown operation {op!r}")


def _as_counterexample(what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, with any exception but a Counterexample turned into one: the structure
    raising on a valid call (or leaving a state without a member) fails the step."""
    try:
        return fn(*args)
    except Counterexample:
        raise
    except Exception as exc:  # noqa: BLE001 - see the docstring
        raise Counterexample(f"{what} raised {type(exc).__name__}: {exc}") from exc


def prove_step(step: Step) -> None:
    """The predicate of one step: raises :class:`spec.Counterexample` when it fails."""
    subject, shape = SUBJECTS[step.subject], step.shape
    if step.op == "init":
        S, truth = _as_counterexample("Init", subject.init, shape.n, shape.d, shape.threshold)
    else:
        S, truth = _as_counterexample("Init (for the generic state)", subject.generic, shape)
        _as_counterexample(step.op, _apply, S, truth, step)
    _as_counterexample("reading the state", subject.invariant, S, truth)


def outcome_of(prove: Callable[[Step], None]) -> Callable[[Step], Outcome]:
    def run(step: Step) -> Outcome:
        try:
            prove(step)
        except Counterexample as exc:
            return exc.to_json()
        return None
    return run


def worker_count() -> int:
    """One worker per CPU; none when a tracer is on (coverage, the mutation tool's baseline),
    which sees the calls of this process only."""
    return 1 if sys.gettrace() is not None else max(1, os.cpu_count() or 1)


def checked_steps(steps: Sequence[Step], prove: Callable[[Step], None] = prove_step,
                  jobs: int | None = None) -> Iterator[Checked]:
    """Every step run in forked workers, in step order up to the first failure."""
    for index, failure in run_steps(steps, outcome_of(prove), jobs or worker_count()):
        yield Checked(steps[index], failure)


def replay_or_report(prove: Callable[[Step], None]) -> Callable[[Any], None]:
    """The Exhaustive predicate: a :class:`Checked` step re-raises the failure its worker found;
    a bare :class:`Step` (``show --reproduce``) is proved here."""
    def predicate(item: Any) -> None:
        if isinstance(item, Checked):
            if item.failure is not None:
                raise Counterexample(item.failure["message"], **item.failure["values"])
            return
        prove(item)
    return predicate


def encode(item: Any) -> dict[str, Any]:
    step = item.step if isinstance(item, Checked) else item
    return step.to_json()


def family(subject: str, profile: Any) -> list[Step]:
    name = getattr(profile, "name", profile)
    return [step for n, d, every_stale in SUBJECTS[subject].sizes[name]
            for step in steps_at(subject, n, d, every_stale)]


def induction_instances(subject: str) -> Callable[[Any], Iterator[Checked]]:
    """The ``Exhaustive`` instances of ``subject``'s induction under a profile."""
    def instances(profile: Any) -> Iterator[Checked]:
        return checked_steps(family(subject, profile))
    return instances


def scope_text(subject: str) -> str:
    def sizes(name: str) -> str:
        every = [f"{n}x{d}" for n, d, stale in SUBJECTS[subject].sizes[name] if stale]
        fixed = [f"{n}x{d}" for n, d, stale in SUBJECTS[subject].sizes[name] if not stale]
        return ", ".join(every) + (f" and, stale slots at (0, 0), {', '.join(fixed)}" if fixed else "")
    ops = SUBJECTS[subject].operations
    updates = ", ".join(op for op in ops if op.startswith("update"))
    return ("every operation sequence of any length (induction on the length: Init, then each of "
            f"{updates} with a symbolic delta at every index, query at every index, output and "
            "recompute from every state shape: every count of pending key and value updates below "
            "the threshold, every pattern of their rows and cells and of the cells left in the "
            "value-update slots past the count), symbolic Q, K, V and scale, every threshold "
            f"ceil(n^a) (one a per threshold); n x d: quick {sizes('quick')}; deep {sizes('deep')}")


__all__ = ["Checked", "INDEXED", "PRINTED_SIZES", "SIZES", "SUBJECTS", "Step", "Subject", "checked_steps",
           "encode", "family", "induction_instances", "prove_step", "replay_or_report",
           "scope_text", "steps_at"]
