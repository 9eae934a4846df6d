"""CrossHair engine for ``spec.Crosshair``: ``crosshair check`` on a contracted kernel."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from typing import Any

from proofs_checks.profiles import Profile
from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.registry import Counterexample, Crosshair


def crosshair_check(target: str, condition_timeout: float, total_timeout: float) -> tuple[int, str]:
    cmd = [sys.executable, "-m", "crosshair", "check", target,
           f"--per_condition_timeout={condition_timeout}"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=total_timeout)
    except subprocess.TimeoutExpired:
        return -1, f"crosshair did not finish within {total_timeout} s"
    return proc.returncode, (proc.stdout + proc.stderr).strip()


#: CrossHair's search for a known counterexample can need more than a quick budget (seen: 5 s
#: per condition missed AS-3.6/literal's); those checks get at least this many seconds.
COUNTEREXAMPLE_CONDITION_S = 15.0


def run(check: Crosshair, profile: Profile) -> CheckResult:
    start = time.perf_counter()
    budget = profile.crosshair_condition
    if check.expect == "counterexample":
        budget = max(budget, COUNTEREXAMPLE_CONDITION_S)
    code, out = crosshair_check(check.target, budget, max(profile.crosshair_total, 4 * budget))
    result = CheckResult("crosshair", check.name, PASSED)
    result.seconds = time.perf_counter() - start
    result.evidence = {"target": check.target, "per_condition_timeout_s": budget,
                       "command": f"crosshair check {check.target} --per_condition_timeout={budget}"}
    if code == 0:
        result.detail = (f"no counterexample within {budget:g} s per condition "
                         "(a bounded symbolic search, not a proof)")
        return result
    calls = re.findall(r"when calling (.*?)(?: \(which|$)", out, flags=re.M)
    if code == 1 and calls:
        result.status = COUNTEREXAMPLE
        result.counterexample = {"message": "crosshair found a violating call",
                                 "values": {"call": calls[0], "output": out[-2000:]}}
        return result
    result.status = ERROR
    result.detail = out[-2000:] or f"crosshair exited with {code}"
    return result


def reproduce(check: Crosshair, counterexample: dict[str, Any]) -> None:
    code, out = crosshair_check(check.target, 10, 120)
    if code != 0:
        raise Counterexample("crosshair still finds a violating call", output=out[-2000:])
