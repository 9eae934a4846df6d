"""One engine per check class of ``spec.registry``, each in the module named after its class;
:func:`engine_for` picks it."""

from __future__ import annotations

from proofs_checks.engines.base import Engine


def _engines() -> dict[type, Engine]:
    from proofs_checks.engines.crosshair import CrosshairEngine
    from proofs_checks.engines.direct import DirectEngine
    from proofs_checks.engines.exhaustive import ExhaustiveEngine
    from proofs_checks.engines.property import PropertyEngine
    from proofs_checks.engines.smt_proof import SmtProofEngine
    from proofs_checks.engines.stateful import StatefulEngine
    from proofs_checks.engines.sympy_proof import SympyProofEngine

    engines = (CrosshairEngine(), DirectEngine(), ExhaustiveEngine(), PropertyEngine(),
               SmtProofEngine(), StatefulEngine(), SympyProofEngine())
    return {engine.check_type: engine for engine in engines}


def engine_for(check: object) -> Engine:
    engine = _engines().get(type(check))
    if engine is None:
        raise TypeError(f"no engine for {type(check).__name__}")
    return engine
