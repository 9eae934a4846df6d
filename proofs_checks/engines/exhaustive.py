"""Exhaustive engine for ``spec.Exhaustive``: every instance of a finite family."""

from __future__ import annotations

import time
from typing import Any

from proofs_checks.profiles import Profile
from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.registry import Counterexample, Exhaustive


def run(check: Exhaustive, profile: Profile) -> CheckResult:
    start = time.perf_counter()
    result = CheckResult("exhaustive", check.name, PASSED, proof=True)
    try:
        for instance in check.instances(profile.name):
            result.examples += 1
            try:
                check.predicate(instance)
            except Counterexample as exc:
                result.status = COUNTEREXAMPLE
                result.counterexample = {**exc.to_json(), "input": check.encode(instance)}
                break
    except Exception as exc:  # noqa: BLE001
        result.status = ERROR
        result.detail = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - start
    result.detail = result.detail or f"{result.examples} instances"
    return result


def reproduce(check: Exhaustive, counterexample: dict[str, Any]) -> None:
    if check.decode is None:
        raise LookupError("this check records no decoder; rerun it with `proofs_checks run --only`")
    check.predicate(check.decode(counterexample["input"]))
