"""Engine for ``spec.Direct``: a deterministic computation (interval certificates, tables)."""

from __future__ import annotations

import time
from typing import Any

from proofs_checks.profiles import Profile
from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.registry import Counterexample, Direct


def run(check: Direct, profile: Profile) -> CheckResult:
    start = time.perf_counter()
    result = CheckResult(check.engine, check.name, PASSED, proof=check.engine == "interval")
    try:
        evidence = check.run(profile.name) or {}
        result.evidence = evidence
        result.examples = int(evidence.get("examples", 1))
    except Counterexample as exc:
        result.status = COUNTEREXAMPLE
        result.counterexample = exc.to_json()
    except Exception as exc:  # noqa: BLE001
        result.status = ERROR
        result.detail = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - start
    return result


def reproduce(check: Direct, counterexample: dict[str, Any]) -> None:
    check.run("quick")
