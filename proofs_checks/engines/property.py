"""Engine for ``spec.Property``: a Hypothesis search of a strategy for a counterexample.

Health checks stay on: a check names each one it may trip by design, with the reason
(``Property.suppress``); the engine suppresses only those.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given

from proofs_checks.engines.base import Engine, call_predicate, decoded_replay
from proofs_checks.results import CheckResult
from spec.profiles import Profile
from spec.registry import Counterexample, Property


def suppressed(names: tuple[tuple[str, str], ...]) -> list[HealthCheck]:
    """The named health checks (each given with its reason); an unknown name is an error."""
    return [HealthCheck[name] for name, _reason in names]


class PropertyEngine(Engine):
    check_type = Property
    label = "hypothesis"

    def execute(self, check: Property, profile: Profile, result: CheckResult) -> None:
        found: dict[str, Any] = {}
        examples = max(5, int(profile.examples * check.weight))
        result.seed = profile.seed
        result.evidence = {"max_examples": examples}

        @profile.hypothesis(examples, suppress_health_check=suppressed(check.suppress))
        @given(check.strategy())
        def search(example: Any) -> None:
            result.examples += 1
            try:
                call_predicate(check.predicate, example)
            except Counterexample:
                found["example"] = example
                raise

        try:
            search()
        except Counterexample:
            result.counterexample = {"input": check.encode(found["example"])}
            raise

    def reproduce(self, check: Property, counterexample: dict[str, Any], profile: Profile) -> None:
        decoded_replay(check, counterexample)
