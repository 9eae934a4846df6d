"""Run profiles: how hard each check searches.

``quick`` is deterministic (derandomized Hypothesis, fixed seeds): two runs give the same results
apart from timings.  ``deep`` searches with a random seed that the report records
(``meta.environment.seed`` and each check's ``seed``); ``run --seed N`` and ``show ID --reproduce``
re-run a deep search with the same seed.

Every check receives the :class:`Profile` object itself, so that a Hypothesis search started inside
a check (a ``Direct`` run, an instance family) draws with the profile's seed through
:meth:`Profile.hypothesis`, and ``show --reproduce`` replays it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any, Callable


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
    #: Hypothesis seed of a non-derandomized profile (None: derandomized, or not chosen yet)
    seed: int | None = None

    @property
    def deep(self) -> bool:
        """True for the profile that widens searches and bounded proofs."""
        return self.name == "deep"

    def hypothesis(self, max_examples: int, **settings_kw: Any) -> Callable[[Any], Any]:
        """Decorator for a ``@given`` test run inside a check: the profile's derandomization and
        seed, no example database, no deadline.  Health checks stay on unless the caller names
        the ones to suppress (each with its reason, at the call)."""
        from hypothesis import Phase, seed, settings

        conf = settings(max_examples=max_examples, derandomize=self.derandomize, database=None,
                        deadline=None, print_blob=False, report_multiple_bugs=False,
                        phases=[p for p in Phase if p is not Phase.explain], **settings_kw)

        def apply(test: Any) -> Any:
            test = conf(test)
            return seed(self.seed)(test) if self.seed is not None else test

        return apply


PROFILES = {
    "quick": Profile("quick", examples=60, machine_runs=40, machine_steps=20,
                     crosshair_condition=5, crosshair_total=60, derandomize=True),
    "deep": Profile("deep", examples=2000, machine_runs=600, machine_steps=40,
                    crosshair_condition=60, crosshair_total=600, derandomize=False),
}


def get_profile(name: str, seed: int | None = None) -> Profile:
    """The named profile; a non-derandomized one gets ``seed`` (a fresh random one if None)."""
    try:
        profile = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose from {sorted(PROFILES)}") from None
    if profile.derandomize:
        return profile
    return replace(profile, seed=seed if seed is not None else random.SystemRandom().getrandbits(32))
