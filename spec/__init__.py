"""WHAT must hold: one record per paper statement, with executable predicates (docs/architecture.md)."""

from spec.registry import (
    Counterexample,
    Crosshair,
    Direct,
    Exhaustive,
    Lemma,
    Property,
    Source,
    Stateful,
    SympyProof,
    get,
    load_all,
    register,
)

__all__ = [
    "Counterexample", "Crosshair", "Direct", "Exhaustive", "Lemma", "Property", "Source",
    "Stateful", "SympyProof", "get", "load_all", "register",
]
