"""Results of checks and statements, as written to report.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: statuses of one check
PASSED, COUNTEREXAMPLE, ERROR = "passed", "counterexample", "error"


@dataclass
class CheckResult:
    engine: str
    name: str
    status: str
    examples: int = 0
    seconds: float = 0.0
    #: proof engines (sympy, exhaustive over a complete family) prove; search engines only test
    proof: bool = False
    counterexample: dict[str, Any] | None = None
    detail: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def lemma_status(expect: str, checks: list[CheckResult]) -> tuple[str, bool]:
    """The statement's status and whether it matches its expectation.

    holds-records: ``proved`` (every check passed and all are proofs), ``holds`` (passed),
    ``refuted`` (a counterexample), ``error``.  erratum-records: ``erratum-confirmed`` when every
    check found its counterexample, ``holds`` when none did (the expectation failed).
    """
    if any(c.status == ERROR for c in checks):
        return "error", False
    found = [c.status == COUNTEREXAMPLE for c in checks]
    if expect == "erratum":
        if all(found):
            return "erratum-confirmed", True
        return ("holds" if not any(found) else "partly-confirmed"), False
    if any(found):
        return "refuted", False
    return ("proved" if all(c.proof for c in checks) else "holds"), True
