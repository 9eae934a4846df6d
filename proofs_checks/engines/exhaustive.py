"""Engine for ``spec.Exhaustive``: every instance of a finite family."""

from __future__ import annotations

from typing import Any

from proofs_checks.engines.base import Engine, call_predicate, decoded_replay
from proofs_checks.results import CheckResult
from spec.profiles import Profile
from spec.registry import Counterexample, Exhaustive


class ExhaustiveEngine(Engine):
    check_type = Exhaustive
    label = "exhaustive"

    def execute(self, check: Exhaustive, profile: Profile, result: CheckResult) -> None:
        for instance in check.instances(profile):
            result.examples += 1
            try:
                call_predicate(check.predicate, instance)
            except Counterexample:
                result.counterexample = {"input": check.encode(instance)}
                raise
        result.detail = f"{result.examples} instances"

    def reproduce(self, check: Exhaustive, counterexample: dict[str, Any], profile: Profile) -> None:
        decoded_replay(check, counterexample)
