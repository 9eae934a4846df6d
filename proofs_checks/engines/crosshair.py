"""CrossHair engine for ``spec.Crosshair``: ``crosshair check`` on a contracted kernel.

CrossHair runs with ``--report_all`` (a verdict for every postcondition: "Confirmed over all
paths" when its symbolic search exhausted every path, "Not confirmed" when the budget ran out
first) and ``-v``, whose debug log on stderr is read line by line only to count the paths
("iterations") explored for each condition; the log itself is not kept.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from typing import Any

from proofs_checks.engines.base import Engine
from proofs_checks.results import CheckResult
from spec.profiles import Profile
from spec.registry import Counterexample, Crosshair

_ITERATIONS = re.compile(r"Number of iterations:\s*(\d+)")
_INFO = re.compile(r":\s*info:\s*(.*)$")


def crosshair_check(target: str, condition_timeout: float, total_timeout: float,
                    stats: dict[str, Any] | None = None) -> tuple[int, str]:
    """Run ``crosshair check``; return (exit code, stdout).  ``stats`` receives the paths
    explored per condition (``paths``) and the per-condition verdicts (``verdicts``)."""
    cmd = [sys.executable, "-m", "crosshair", "check", target,
           f"--per_condition_timeout={condition_timeout}", "--report_all", "-v"]
    paths: list[int] = []
    tail: list[str] = []

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace")

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            m = _ITERATIONS.search(line)
            if m:
                paths.append(int(m.group(1)))
            elif not line[:1].isdigit() and not line.startswith("at ("):
                tail.append(line)   # not a debug-log line: an error message worth keeping
                del tail[:-40]

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        out, _ = proc.communicate(timeout=total_timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        reader.join(5)
        return -1, f"crosshair did not finish within {total_timeout} s"
    reader.join(5)
    out = out.strip()
    if stats is not None:
        stats["paths"] = paths
        stats["verdicts"] = [m.group(1).strip() for line in out.splitlines() if (m := _INFO.search(line))]
    other = [line for line in out.splitlines() if not _INFO.search(line)]
    if proc.returncode not in (0, 1):      # an error of crosshair itself: keep what it said
        other.append("".join(tail).strip())
    return proc.returncode, "\n".join(other).strip()


#: CrossHair's search for a known counterexample can need more than a quick budget (seen: 5 s
#: per condition missed AS-3.6/literal's and AS-3.7/literal's), and a loaded machine explores less
#: per second; those checks get at least this many seconds (they stop once it is found).
COUNTEREXAMPLE_CONDITION_S = 30.0


class CrosshairEngine(Engine):
    check_type = Crosshair
    label = "crosshair"

    def execute(self, check: Crosshair, profile: Profile, result: CheckResult) -> None:
        stats: dict[str, Any] = {}
        budget = profile.crosshair_condition
        if check.expect == "counterexample":
            budget = max(budget, COUNTEREXAMPLE_CONDITION_S)
        target = check.target_path
        code, out = crosshair_check(target, budget, max(profile.crosshair_total, 4 * budget), stats)
        paths = stats.get("paths", [])
        # paths explored and whether every path was exhausted depend on the machine's speed (the
        # budget is CPU time): both are timing fields (runner.TIMING_FIELDS), left out of the
        # comparison of two quick runs and out of ``examples``.
        result.evidence = {"target": target, "expect": check.expect,
                           "per_condition_timeout_s": budget,
                           "paths_explored": sum(paths) if paths else None,
                           "crosshair_verdicts": stats.get("verdicts", []),
                           "command": f"crosshair check {target} --per_condition_timeout={budget}"}
        if code == 0:
            result.detail = (f"no counterexample within {budget:g} s per condition "
                             "(a bounded symbolic search, not a proof)")
            return
        calls = re.findall(r"when calling (.*?)(?: \(which|$)", out, flags=re.M)
        if code == 1 and calls:
            result.detail = "counterexample found"
            raise Counterexample("crosshair found a violating call", call=calls[0], output=out[-2000:])
        raise RuntimeError(out[-2000:] or f"crosshair exited with {code}")

    def reproduce(self, check: Crosshair, counterexample: dict[str, Any], profile: Profile) -> None:
        code, out = crosshair_check(check.target_path, 10, 120)
        if code != 0:
            raise Counterexample("crosshair still finds a violating call", output=out[-2000:])
