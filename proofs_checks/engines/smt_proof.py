"""Engine for ``spec.SmtProof``: claims proved valid by z3 (``assumptions and not claim`` is
unsatisfiable).  ``unknown`` (a timeout, or a fragment z3 cannot decide) is an error, never a
pass; the report keeps each query in SMT-LIB form as the proof object."""

from __future__ import annotations

from typing import Any, Iterable

from proofs_checks.engines.base import ProofEngine
from proofs_checks.results import CheckResult
from spec.profiles import Profile
from spec.registry import Counterexample, SmtProof


def decide(label: str, claim: Any, assumptions: Any, timeout_s: float) -> tuple[str, Any, str]:
    """(verdict, model or None, the query as SMT-LIB) for one claim."""
    import z3

    # a fresh context per claim: the SMT-LIB text names shared terms by their ids in the
    # context, which would otherwise depend on every term built before in the process
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", int(timeout_s * 1000))
    solver.add(*[a.translate(ctx) for a in assumptions])
    solver.add(z3.Not(claim.translate(ctx)))
    verdict = solver.check()
    query = solver.to_smt2()
    if verdict == z3.unsat:
        return "unsat", None, query
    if verdict == z3.sat:
        return "sat", solver.model(), query
    return "unknown", solver.reason_unknown(), query


class SmtProofEngine(ProofEngine):
    """A claim is proved by an unsat answer to ``assumptions and not claim`` (the proof object)."""

    check_type = SmtProof
    label = "z3"
    counted = "claims, each unsat when negated"

    def prove(self, check: SmtProof, label: str, statement: Any, assumptions: Any) -> dict[str, Any]:
        verdict, model, query = decide(label, statement, assumptions, check.timeout_s)
        if verdict == "sat":
            raise Counterexample("z3 found values that meet the assumptions and break the claim",
                                 claim=label, model={str(d): str(model[d]) for d in model.decls()},
                                 query=query)
        if verdict == "unknown":
            raise RuntimeError(f"z3 could not decide {label!r}: {model}")
        return {"claim": label, "verdict": "unsat", "query": query}

    def claims(self, check: SmtProof) -> Iterable[tuple[Any, ...]]:
        return check.claims()

    def reproduce(self, check: SmtProof, counterexample: dict[str, Any], profile: Profile) -> None:
        self.execute(check, profile, CheckResult(self.label, check.name, "passed"))
