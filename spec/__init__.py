"""WHAT must hold: one record per paper statement, with executable predicates (docs/architecture.md)."""

from spec.registry import (
    Assumption,
    Counterexample,
    Crosshair,
    Direct,
    Erratum,
    Exhaustive,
    Lemma,
    Property,
    SmtProof,
    Source,
    Stateful,
    SympyProof,
    get,
    load_all,
    load_assumptions,
    register,
    register_assumption,
)

__all__ = [
    "Assumption", "Counterexample", "Crosshair", "Direct", "Erratum", "Exhaustive", "Lemma",
    "Property", "SmtProof", "Source", "Stateful", "SympyProof", "get", "load_all",
    "load_assumptions", "register", "register_assumption",
]
