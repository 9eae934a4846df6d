"""One engine per check kind of ``spec.registry``; :func:`engine_for` picks it."""

from __future__ import annotations

from types import ModuleType

from spec.registry import Crosshair, Direct, Exhaustive, Property, Stateful, SympyProof


def engine_for(check: object) -> ModuleType:
    from proofs_checks.engines import direct, exhaustive, search, stateful, symbolic, symbolic_exec

    table = {SympyProof: symbolic, Property: search, Stateful: stateful, Crosshair: symbolic_exec,
             Exhaustive: exhaustive, Direct: direct}
    for kind, module in table.items():
        if isinstance(check, kind):
            return module
    raise TypeError(f"no engine for {type(check).__name__}")
