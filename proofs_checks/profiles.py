"""Run profiles: how hard each engine searches.

``quick`` is deterministic (derandomized Hypothesis, fixed seeds): two runs give the same
results apart from timings.  ``deep`` searches with a random seed that the report records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    #: Hypothesis examples per Property check (times the check's weight)
    examples: int
    #: state-machine runs per Stateful check (times the check's weight) and steps per run
    machine_runs: int
    machine_steps: int
    #: CrossHair: seconds per condition and for the whole command
    crosshair_condition: float
    crosshair_total: float
    derandomize: bool


PROFILES = {
    "quick": Profile("quick", examples=60, machine_runs=40, machine_steps=20,
                     crosshair_condition=5, crosshair_total=60, derandomize=True),
    "deep": Profile("deep", examples=2000, machine_runs=600, machine_steps=40,
                    crosshair_condition=60, crosshair_total=600, derandomize=False),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose from {sorted(PROFILES)}") from None
