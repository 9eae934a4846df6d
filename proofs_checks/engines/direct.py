"""Engine for ``spec.Direct``: a deterministic computation (interval certificates, a check over
chosen examples, a table of evidence)."""

from __future__ import annotations

from typing import Any

from proofs_checks.engines.base import Engine
from proofs_checks.results import CheckResult
from spec.profiles import Profile
from spec.registry import Direct

#: labels by grade: an interval certificate, a computation that can fail, a table
LABELS = {"certified": "interval", "holds": "computation", "evidence": "evidence"}


class DirectEngine(Engine):
    check_type = Direct
    label = "computation"

    def label_for(self, check: Direct) -> str:
        return LABELS[check.grade]

    def execute(self, check: Direct, profile: Profile, result: CheckResult) -> None:
        evidence = check.run(profile)
        if evidence is None:
            evidence = {}
        if not isinstance(evidence, dict):
            raise TypeError(f"Direct run returned {type(evidence).__name__}, not an evidence dict")
        result.evidence = evidence
        result.examples = int(evidence.get("examples", 1))

    def reproduce(self, check: Direct, counterexample: dict[str, Any], profile: Profile) -> None:
        check.run(profile)
