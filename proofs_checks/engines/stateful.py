"""Hypothesis ``RuleBasedStateMachine`` over dynamic attention structures (``spec.Stateful``).

Each run draws n, d, a and Q, K, V, then any interleaving of the allowed operations; every step
goes through ``spec.da.program.ProgramRunner``, which checks each answer against exact attention
on the current matrices (or, for invariant "recompute", the state after each recompute).  The
failing program that Hypothesis shrinks last is the counterexample.

:class:`MachineOptions` points the same machine at a subject from outside the project (the
conformance kit, ``proofs_checks.conformance``): the scale it is built with, the tolerance, the
check that the caller's arrays stay unchanged, and whether its stored arrays are inspected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from hypothesis.extra.numpy import arrays
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from proofs_checks.engines.base import Engine
from proofs_checks.results import CheckResult
from spec.da import program as program_module
from spec.da.program import FLOAT_TOL, replay
from spec.da.recompute_state import check_recompute_state
from spec.profiles import Profile
from spec.registry import Counterexample, Stateful

A_VALUES = st.one_of(st.sampled_from([0.25, 0.5, 0.75, 1.0]), st.floats(0.05, 1.0))


def _float_values() -> st.SearchStrategy:
    return st.floats(-3, 3, allow_nan=False, allow_subnormal=False)


#: kind "wide": Q and K entries in [-50, 50] and d <= 4, so logits reach 1e4 in magnitude
WIDE = 50.0


def _wide_values() -> st.SearchStrategy:
    return st.one_of(st.floats(-WIDE, WIDE, allow_nan=False, allow_subnormal=False),
                     st.sampled_from([-WIDE, WIDE]))


def _exact_logit_values() -> st.SearchStrategy:
    return st.integers(-2, 2).map(sympy.Integer)


def _exact_values() -> st.SearchStrategy:
    return st.builds(lambda p, q: sympy.Rational(p, q), st.integers(-3, 3), st.integers(1, 3))


def _matrix(kind: str, shape: tuple[int, int], logits: bool) -> st.SearchStrategy:
    if kind == "wide":
        return arrays(np.float64, shape, elements=_wide_values() if logits else _float_values())
    if kind == "float":
        return arrays(np.float64, shape, elements=_float_values())
    values = _exact_logit_values() if logits else _exact_values()
    return st.lists(st.lists(values, min_size=shape[1], max_size=shape[1]),
                    min_size=shape[0], max_size=shape[0]).map(lambda rows: np.array(rows, dtype=object))


@dataclass(frozen=True)
class MachineOptions:
    """How the machine builds and judges its subject (the defaults are the registry's checks)."""

    #: passed to the subject as ``scale=`` (and recorded in the program); None: not passed
    scale: Any = None
    #: float tolerance relative to max|V|
    tol: float = FLOAT_TOL
    #: the caller's Q, K, V must stay unchanged (``ProgramRunner.watch_inputs``)
    watch_inputs: bool = False
    #: kind "wide": inspect the subject's stored float arrays for inf and nan
    stored_finite: bool = True


#: the update operations and whether they move logits (K and Q entries) rather than values
UPDATES = (("update_k", True), ("update_v", False), ("update_q", True))


def _update_rule(name: str, logits: bool) -> Any:
    """The machine's rule for the update ``name``: an entry and a delta drawn, then the step."""
    def update(self: Any, data: st.DataObject) -> None:
        self._update(name, data, logits)
    update.__name__ = name
    return update


def build_machine(check: Stateful, counter: dict[str, Any],
                  options: MachineOptions = MachineOptions()) -> type[RuleBasedStateMachine]:
    """A machine class for one check; ``counter`` collects steps and the last counterexample."""
    after = check_recompute_state if check.invariant == "recompute" else None
    kind = check.kind
    run_options = {"scale": options.scale, "tol": options.tol, "watch_inputs": options.watch_inputs,
                   "stored_finite": options.stored_finite}

    # Hypothesis derives a derandomized run's seed from the source text of the machine class
    # below, so that text stays as it is: the options reach the runner through this local class
    class ProgramRunner(program_module.ProgramRunner):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args, **run_options)

    class Machine(RuleBasedStateMachine):
        runner: ProgramRunner | None = None

        @initialize(data=st.data())
        def init(self, data: st.DataObject) -> None:
            n = data.draw(st.integers(1, check.n_max), label="n")
            d = data.draw(st.integers(1, check.d_max), label="d")
            a = data.draw(A_VALUES, label="a")
            Q = data.draw(_matrix(kind, (n, d), True), label="Q")
            K = data.draw(_matrix(kind, (n, d), True), label="K")
            V = data.draw(_matrix(kind, (n, d), False), label="V")
            counter["steps"] += 1
            self.runner = self._guard(lambda: ProgramRunner(check.subject, kind, a, Q, K, V, after))

        def _guard(self, fn: Any) -> Any:
            try:
                return fn()
            except Counterexample as exc:
                counter["last"] = exc
                raise

        def _step(self, op: list[Any]) -> None:
            counter["steps"] += 1
            self._guard(lambda: self.runner.step(op))

        def _update(self, name: str, data: st.DataObject, logits: bool) -> None:
            n, d = self.runner.V.shape
            i = data.draw(st.integers(0, n - 1), label="i")
            j = data.draw(st.integers(0, d - 1), label="j")
            if kind == "wide" and logits:
                # draw the new entry in [-50, 50] so that logits stay within 1e4
                mirror = self.runner.K if name == "update_k" else self.runner.Q
                delta = data.draw(_wide_values(), label="new value") - float(mirror[i, j])
            elif kind in ("float", "wide"):
                delta = data.draw(_float_values(), label="delta")
            else:
                delta = data.draw(_exact_logit_values() if logits else _exact_values(), label="delta")
            self._step([name, i, j, delta])

        ready = precondition(lambda self: self.runner is not None)

        if "query" in check.ops:
            @ready
            @rule(data=st.data())
            def query(self, data: st.DataObject) -> None:
                n, d = self.runner.V.shape
                self._step(["query", data.draw(st.integers(0, n - 1), label="i"),
                            data.draw(st.integers(0, d - 1), label="j")])

        if "output" in check.ops:
            @ready
            @rule()
            def output(self) -> None:
                self._step(["output"])

        if "recompute" in check.ops:
            @ready
            @rule()
            def recompute(self) -> None:
                self._step(["recompute"])

    for name, logits in UPDATES:             # a rule per update the subject takes
        if name in check.ops:
            setattr(Machine, name, Machine.ready(rule(data=st.data())(_update_rule(name, logits))))
    Machine.__name__ = f"Machine_{check.subject_name}"
    return Machine


def run_search(check: Stateful, profile: Profile, counter: dict[str, Any], runs: int,
               options: MachineOptions = MachineOptions()) -> None:
    """Run the machine ``runs`` times under the profile's settings; raises the last (shrunk)
    :class:`Counterexample`, or RuntimeError if Hypothesis calls the failure flaky.  ``counter``
    ("steps", "last") is filled as the search goes."""
    machine = build_machine(check, counter, options)
    if profile.seed is not None:
        machine = seed(profile.seed)(machine)
    conf = settings(max_examples=runs, stateful_step_count=profile.machine_steps,
                    derandomize=profile.derandomize, database=None, deadline=None,
                    suppress_health_check=SUPPRESSED, print_blob=False,
                    report_multiple_bugs=False, phases=[p for p in Phase if p is not Phase.explain])
    try:
        run_state_machine_as_test(machine, settings=conf)
    except Counterexample:
        if counter["last"] is None:
            raise
        raise counter["last"] from None
    except Flaky as exc:
        raise RuntimeError(f"flaky: {exc}") from None


class StatefulEngine(Engine):
    check_type = Stateful
    label = "stateful"

    def execute(self, check: Stateful, profile: Profile, result: CheckResult) -> None:
        counter: dict[str, Any] = {"steps": 0, "last": None}
        runs = max(5, int(profile.machine_runs * check.weight))
        result.seed = profile.seed
        result.evidence = {"subject": check.subject_name, "kind": check.kind, "runs": runs,
                           "steps_per_run": profile.machine_steps, "n_max": check.n_max,
                           "d_max": check.d_max, "ops": list(check.ops), "invariant": check.invariant}
        try:
            run_search(check, profile, counter, runs)
        except Counterexample as ce:
            program = ce.values.get("program") or {}
            n_ops = 1 + len(program.get("ops", []))
            result.detail = f"shrunk program: Init + {n_ops - 1} operations"
            if check.max_ops is not None and n_ops > check.max_ops:
                raise RuntimeError(result.detail + f", longer than the {check.max_ops} allowed for a "
                                   "confirmed erratum") from None
            raise
        finally:
            result.examples = counter["steps"]

    def reproduce(self, check: Stateful, counterexample: dict[str, Any], profile: Profile) -> None:
        """Replay a recorded program; raises Counterexample if it still fails."""
        after = check_recompute_state if check.invariant == "recompute" else None
        replay(counterexample["values"]["program"], check.subject, after)


#: health checks a state machine over exact sympy structures trips by design: a step may run an
#: exact recompute (seconds), and drawing whole matrices as data is large for small n, d
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large]

