"""Hypothesis engine for ``spec.Property``: search a strategy for a counterexample."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from proofs_checks.profiles import Profile
from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.registry import Counterexample, Property


def run(check: Property, profile: Profile) -> CheckResult:
    found: dict[str, Any] = {}
    calls = [0]
    examples = max(5, int(profile.examples * check.weight))

    @settings(max_examples=examples, derandomize=profile.derandomize, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
              phases=[p for p in Phase if p is not Phase.explain])
    @given(check.strategy())
    def search(example: Any) -> None:
        calls[0] += 1
        try:
            check.predicate(example)
        except Counterexample as exc:
            found["ce"], found["example"] = exc, example
            raise

    if profile.seed is not None:
        search = seed(profile.seed)(search)
    start = time.perf_counter()
    result = CheckResult("hypothesis", check.name, PASSED, seed=profile.seed)
    try:
        search()
    except Counterexample:
        result.status = COUNTEREXAMPLE
        ce = found["ce"].to_json()
        ce["input"] = check.encode(found["example"])
        result.counterexample = ce
    except Exception as exc:  # noqa: BLE001 - a crash of the predicate or of impl is reported
        result.status = ERROR
        result.detail = f"{type(exc).__name__}: {exc}"
    result.examples = calls[0]
    result.seconds = time.perf_counter() - start
    result.evidence = {"max_examples": examples}
    return result


def reproduce(check: Property, counterexample: dict[str, Any]) -> None:
    if check.decode is None:
        raise LookupError("this check records no decoder; rerun it with `proofs_checks run --only`")
    check.predicate(check.decode(counterexample["input"]))
