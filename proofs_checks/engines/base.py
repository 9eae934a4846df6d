"""The interface every engine implements: run one check under a profile, and replay a recorded
counterexample.

:meth:`Engine.run` owns what every engine shares: the timer, the result record (with the check's
grade and scope), and the mapping of what the check raised to an outcome:

* :class:`spec.Counterexample` -> ``counterexample`` (the claim failed on a concrete input);
* :class:`VacuousPredicate` -> ``error``: a predicate returned a value instead of ``None``.  A
  predicate fails only by raising; one that returns ``False`` would otherwise pass whatever its
  input, so every engine calls predicates through :func:`call_predicate`;
* any other exception -> ``error`` (the check could not run; never a pass).
"""

from __future__ import annotations

import time
from typing import Any, Callable, ClassVar, Iterable

from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.profiles import Profile
from spec.registry import Counterexample


class VacuousPredicate(TypeError):
    """A predicate returned something other than None: it must raise to fail."""


def call_predicate(predicate: Callable[[Any], Any], value: Any) -> None:
    """Call a predicate; a return value other than None is an error, not a pass."""
    returned = predicate(value)
    if returned is not None:
        name = getattr(predicate, "__qualname__", repr(predicate))
        raise VacuousPredicate(f"predicate {name} returned {returned!r}; a predicate returns None "
                               "when the claim holds and raises Counterexample when it fails")


class Engine:
    """One engine per check class (``check_type``); ``label`` names it in the report."""

    check_type: ClassVar[type]
    label: ClassVar[str]

    def run(self, check: Any, profile: Profile) -> CheckResult:
        result = CheckResult(self.label_for(check), check.name, PASSED, grade=check.grade,
                             scope=getattr(check, "scope", ""))
        start = time.perf_counter()
        try:
            self.execute(check, profile, result)
        except Counterexample as exc:
            result.status = COUNTEREXAMPLE
            result.counterexample = {**exc.to_json(), **(result.counterexample or {})}
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is an error, never a pass
            result.status = ERROR
            result.detail = f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - start
        return result

    def label_for(self, check: Any) -> str:
        return self.label

    def execute(self, check: Any, profile: Profile, result: CheckResult) -> None:
        """Run the check, filling ``result`` (examples, evidence, detail); raise Counterexample
        when the claim fails.  ``result.counterexample`` may be pre-filled with the failing
        input, which :meth:`run` merges with the exception's message and values."""
        raise NotImplementedError

    def reproduce(self, check: Any, counterexample: dict[str, Any], profile: Profile) -> None:
        """Replay a recorded counterexample; raise Counterexample if it still fails."""
        raise LookupError(f"{self.label} checks cannot replay a counterexample; re-run the check")


class ProofEngine(Engine):
    """An engine whose check states claims that are each proved on their own (the identities of a
    SympyProof, the claims of an SmtProof): :meth:`prove` proves one and returns its proof object,
    or raises Counterexample; the check's evidence is the list of proof objects."""

    #: what the check calls its claims in the detail line ("identities")
    counted: ClassVar[str]

    def prove(self, check: Any, label: str, *claim: Any) -> dict[str, Any]:
        """Prove the claim ``label`` (the rest of its tuple is ``claim``), or raise."""
        raise NotImplementedError

    def claims(self, check: Any) -> Iterable[tuple[Any, ...]]:
        """The check's claims, each a tuple ``(label, ...)``."""
        raise NotImplementedError

    def execute(self, check: Any, profile: Profile, result: CheckResult) -> None:
        proofs = []
        for label, *claim in self.claims(check):
            result.examples += 1
            proofs.append(self.prove(check, label, *claim))
        result.evidence = {"proofs": proofs}
        result.detail = f"{result.examples} {self.counted}"


def decoded_replay(check: Any, counterexample: dict[str, Any]) -> None:
    """Replay a predicate on the recorded input (``check.decode`` turns the JSON back)."""
    if check.decode is None:
        raise LookupError("this check records no decoder; rerun it with `proofs_checks run --only`")
    call_predicate(check.predicate, check.decode(counterexample["input"]))


__all__ = ["COUNTEREXAMPLE", "ERROR", "PASSED", "Engine", "ProofEngine", "VacuousPredicate",
           "call_predicate", "decoded_replay"]
