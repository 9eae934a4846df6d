"""Results of checks and statements, as written to report.json, and how a statement's status
follows from its checks (docs/verdicts.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from spec.registry import GRADES

#: outcomes of one check
PASSED, COUNTEREXAMPLE, ERROR = "passed", "counterexample", "error"

#: statuses of a statement whose checks all passed: its weakest grade
HOLDS_STATUSES = GRADES
#: every status a statement can have
STATUSES = GRADES + ("erratum-confirmed", "partly-confirmed", "refuted", "error")


@dataclass
class CheckResult:
    engine: str
    name: str
    status: str
    #: what the check establishes when it passes (spec.registry.GRADES) and what it covers
    grade: str = "holds"
    scope: str = ""
    examples: int = 0
    seconds: float = 0.0
    counterexample: dict[str, Any] | None = None
    detail: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def weakest(grades: list[str]) -> str:
    """The weakest of ``grades`` (GRADES order, strongest first)."""
    return max(grades, key=GRADES.index)


def lemma_status(expect: str, checks: list[CheckResult]) -> tuple[str, bool, str]:
    """The statement's status, whether it matches its expectation, and its scope.

    holds-records: any error -> ``error``; any counterexample -> ``refuted``; otherwise the
    weakest grade of its checks (``proved`` only when every check is a general proof), with the
    scopes of the checks that have that grade; "evidence" checks (tables that check no claim) are
    left out of that unless they are all the statement has.  erratum-records: ``erratum-confirmed`` when every
    check found its counterexample, ``partly-confirmed`` when some did, ``holds`` when none did
    (the last two do not match the expectation).
    """
    if any(c.status == ERROR for c in checks):
        return "error", False, ""
    found = [c.status == COUNTEREXAMPLE for c in checks]
    if expect == "erratum":
        if all(found):
            return "erratum-confirmed", True, ""
        return ("holds" if not any(found) else "partly-confirmed"), False, ""
    if any(found):
        return "refuted", False, ""
    # a table that checks no claim (grade "evidence") neither supports nor weakens the checks
    # beside it; a statement with nothing but evidence is "evidence"
    claims = [c for c in checks if c.grade != "evidence"] or checks
    status = weakest([c.grade for c in claims])
    scopes = [c.scope for c in claims if c.grade == status and c.scope]
    if status in ("proved", "proved-bounded", "certified") and len(scopes) > 1:
        scope = "; ".join(f"{c.name}: {c.scope}" for c in claims if c.grade == status and c.scope)
    else:
        scope = scopes[0] if scopes else ""
    return status, True, scope
