"""``check-dynamic MODULE:CLASS``: a dynamic attention structure from anywhere, against exact
attention (DA Theorem 4.1, section 4: every query equals ``(D^{-1} A V)[i, j]`` for the current
``A = exp(scale Q K^T)``; DA Definition 1.1 for the attention itself).

Checks, each stopping at its first failure:

1. the caller's arrays unchanged: the boundary programs below with the arrays handed to the
   constructor compared, after every operation, with copies taken before;
2. threshold boundaries and 3. large logits (``boundary_programs``): a failing program is
   shortened greedily (operations removed while it still fails) before it is reported;
4. the stateful search (``proofs_checks.engines.stateful``, Hypothesis shrinks the failing
   program) for each kind the class accepts: "float" (float64 entries in [-3, 3]), "wide"
   (float64 logits up to 1e4, mpmath reference) and "exact" (sympy, integer logits);
5. with ``strict_input``, the hostile-input survey (``spec.da.hostile``) judged by answers.

The subject is judged by its answers and by its caller's arrays only; its attributes are never
read.  Every answer must be within ``tol * max|V|`` of the exact value (the module docstring of
``spec.da.program`` justifies the default 1e-9 for float64).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

import numpy as np

from proofs_checks.conformance.boundary_programs import large_logit_programs, threshold_programs
from proofs_checks.conformance.check_records import timed_check
from proofs_checks.conformance.targets import Interface, choose_kinds, choose_ops, kind_scale, probe_dynamic
from proofs_checks.engines.stateful import MachineOptions, run_search
from spec.da.program import FLOAT_TOL, replay
from spec.profiles import Profile, get_profile
from spec.registry import Counterexample, Stateful

#: per profile: state-machine runs per kind, steps per run, hostile calls
BUDGETS = {
    "quick": {"float": 40, "wide": 15, "exact": 6, "steps": 20, "hostile": 300},
    "deep": {"float": 500, "wide": 200, "exact": 40, "steps": 40, "hostile": 5000},
}
#: sizes drawn by the search, per kind (exact arithmetic is slow: smaller)
SIZES = {"float": (8, 3), "wide": (6, 3), "exact": (4, 2)}


@dataclass(frozen=True)
class DynamicOptions:
    kinds: tuple[str, ...] | None = None
    scale: float = 1.0
    ops: tuple[str, ...] | None = None
    profile: str = "quick"
    tol: float = FLOAT_TOL
    strict_input: bool = False
    seed: int | None = None
    #: stop at the first check that fails
    fail_fast: bool = False
    #: budgets that replace the profile's (tests use small ones)
    budget: dict[str, int] | None = None


def check_dynamic(target: str, options: DynamicOptions = DynamicOptions()) -> dict[str, Any]:
    """Probe the target (``targets.UsageError`` if it cannot be checked), run every check and
    return the conformance record (``conformance_report`` renders it)."""
    if not (options.tol > 0 and np.isfinite(options.tol)):
        from proofs_checks.conformance.targets import UsageError
        raise UsageError(f"--tol must be a positive number, got {options.tol}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        iface = probe_dynamic(target, options.scale)
    kinds = choose_kinds(iface, list(options.kinds) if options.kinds else None)
    ops = choose_ops(iface, list(options.ops) if options.ops else None)
    profile = get_profile(options.profile, options.seed)
    budget = {**BUDGETS[options.profile], **(options.budget or {})}
    started = time.time()
    # the deterministic programs first: cheap, and their failures shorten quickly
    plan: list[tuple[str, str | None, Callable[[], dict[str, Any]]]] = [
        ("caller's arrays unchanged", None, lambda: _inputs_check(iface, ops, options))]
    if "float" in kinds:
        plan.append(("threshold boundaries", "float",
                     lambda: _programs(iface, threshold_programs(ops, options.scale), options)))
    if "wide" in kinds:
        plan.append(("large logits", "wide",
                     lambda: _programs(iface, large_logit_programs(ops, options.scale), options)))
    for chosen in kinds:
        plan.append((f"stateful search, kind {chosen}", chosen, partial(_search, iface, chosen, ops, options,
                                                                         profile, budget)))
    if options.strict_input:
        plan.append(("hostile input", "float", lambda: _hostile(iface, ops, options, profile, budget)))
    checks: list[dict[str, Any]] = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # the subject's own numpy warnings (overflow, 0/0) are for its answers to show
        warnings.simplefilter("ignore")
        for name, which, run in plan:
            if options.fail_fast and any(c["status"] != "passed" for c in checks):
                checks.append({"name": name, "kind": which, "status": "skipped",
                               "detail": "not run: --fail-fast after a failed check", "seconds": 0.0})
                continue
            checks.append(_timed(name, which, run))
    failed = [c for c in checks if c["status"] == "failed"]
    errors = [c for c in checks if c["status"] == "error"]
    return {
        "command": "check-dynamic", "target": target, "subject": iface.name,
        "options": {"kinds": kinds, "scale": options.scale, "ops": list(ops), "profile": options.profile,
                    "seed": profile.seed, "tol": options.tol, "strict_input": options.strict_input,
                    "fail_fast": options.fail_fast},
        "interface": {"ops": list(iface.ops),
                      "kinds": {k: ("accepted" if v is None else v) for k, v in iface.kinds.items()},
                      "maintained_state": iface.maintained_state},
        "checks": checks,
        "verdict": "defect" if failed else ("error" if errors else "conforming"),
        "duration_s": round(time.time() - started, 2),
    }


def _program_detail(ce: Counterexample) -> str:
    """A failing program is shown by its length; other counterexamples by their message."""
    program = ce.values.get("program")
    return f"program: Init + {len(program['ops'])} operations" if isinstance(program, dict) else ce.message


def _timed(name: str, kind: str | None, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return timed_check(name, kind, run, _program_detail)


def _factory(iface: Interface) -> Callable[..., Any]:
    return iface.factory


def _replay(program: dict[str, Any], iface: Interface, options: DynamicOptions, watch: bool) -> None:
    replay(program, _factory(iface), tol=options.tol, watch_inputs=watch, stored_finite=False)


def _inputs_check(iface: Interface, ops: tuple[str, ...], options: DynamicOptions) -> dict[str, Any]:
    """Replay the boundary programs watching only the caller's arrays: a wrong answer ends a
    program (the answer checks report it) and the next one is tried."""
    programs = threshold_programs(ops, options.scale)
    if "wide" in iface.accepted:
        programs += large_logit_programs(ops, options.scale)
    steps = 0
    for name, program in programs:
        try:
            _replay(program, iface, options, watch=True)
        except Counterexample as ce:
            if not ce.message.startswith("the caller's"):
                continue
            ce.values["program"] = _annotate(_shrink(ce.values.get("program") or program, iface, options, True,
                                                     lambda m: m.startswith("the caller's")), True, options)
            ce.values["boundary_program"] = name
            ce.values.pop("step", None)    # of the program before it was shortened
            raise
        steps += len(program["ops"])
    return {"examples": steps, "detail": f"{len(programs)} programs, {steps} operations, arrays compared after each"}


def _search(iface: Interface, kind: str, ops: tuple[str, ...], options: DynamicOptions, profile: Profile,
            budget: dict[str, int]) -> dict[str, Any]:
    n_max, d_max = SIZES[kind]
    check = Stateful(f"{iface.name}, kind {kind}", _factory(iface), iface.name, kind=kind, ops=ops,  # type: ignore[arg-type]
                     n_max=n_max, d_max=d_max)
    counter: dict[str, Any] = {"steps": 0, "last": None}
    run_profile = replace(profile, machine_steps=budget["steps"])
    machine_options = MachineOptions(scale=kind_scale(kind, options.scale), tol=options.tol,
                                     watch_inputs=False, stored_finite=False)
    runs = budget[kind]
    detail = f"{runs} runs of up to {budget['steps']} steps, n <= {n_max}, d <= {d_max}"
    try:
        run_search(check, run_profile, counter, runs, machine_options)
    except Counterexample as ce:
        ce.values.setdefault("steps_tried", counter["steps"])
        program = ce.values.get("program") or {}
        raise Counterexample(ce.message, **{**ce.values, "shrunk_by": "hypothesis",
                                            "program": _annotate(program, False, options)}) from None
    return {"examples": counter["steps"], "detail": detail}


def _programs(iface: Interface, programs: list[tuple[str, dict[str, Any]]], options: DynamicOptions) -> dict[str, Any]:
    ops_run = 0
    for name, program in programs:
        try:
            _replay(program, iface, options, watch=False)
        except Counterexample as ce:
            shrunk = _shrink(ce.values.get("program") or program, iface, options, False, lambda m: True)
            ce.values.pop("step", None)    # of the program before it was shortened
            raise Counterexample(ce.message, **{**ce.values, "program": _annotate(shrunk, False, options),
                                                "boundary_program": name,
                                                "shrunk_by": "greedy removal of operations"}) from None
        ops_run += len(program["ops"])
    return {"examples": ops_run, "detail": f"{len(programs)} programs, {ops_run} operations"}


def _annotate(program: dict[str, Any], watch: bool, options: DynamicOptions) -> dict[str, Any]:
    """What ``replay`` needs to repeat the check: whether the caller's arrays were watched, and a
    tolerance other than the default."""
    program = dict(program, watch_inputs=watch)
    if options.tol != FLOAT_TOL:
        program["tol"] = options.tol
    return program


def _fails(program: dict[str, Any], iface: Interface, options: DynamicOptions, watch: bool,
           accept: Callable[[str], bool]) -> bool:
    try:
        _replay(program, iface, options, watch)
    except Counterexample as ce:
        return accept(ce.message)
    except Exception:  # noqa: BLE001 - a shortened program that breaks the kit proves nothing
        return False
    return False


def _shrink(program: dict[str, Any], iface: Interface, options: DynamicOptions, watch: bool,
            accept: Callable[[str], bool]) -> dict[str, Any]:
    """Remove operations one at a time (last first) while the program still fails the same way;
    a program that no longer fails is never returned."""
    if not _fails(program, iface, options, watch, accept):
        return program
    best = dict(program, ops=list(program["ops"]))
    k = len(best["ops"]) - 1
    while k >= 0:
        trial = dict(best, ops=best["ops"][:k] + best["ops"][k + 1:])
        if _fails(trial, iface, options, watch, accept):
            best = trial
        k -= 1
    return best


def _hostile(iface: Interface, ops: tuple[str, ...], options: DynamicOptions, profile: Profile,
             budget: dict[str, int]) -> dict[str, Any]:
    from spec.da.hostile import subject_survey

    tally = subject_survey(_factory(iface), ops, profile, budget["hostile"], scale=options.scale)
    return {"examples": tally["tried"],
            "detail": (f"{tally['tried']} hostile calls: {tally['accepted']} accepted and answered correctly, "
                       f"{tally['rejected']} refused with TypeError/ValueError/IndexError and the answers unchanged")}
