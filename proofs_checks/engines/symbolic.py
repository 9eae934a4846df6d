"""sympy engine: exact identities (``spec.SympyProof``)."""

from __future__ import annotations

import time
from typing import Any

import sympy

from proofs_checks.results import COUNTEREXAMPLE, ERROR, PASSED, CheckResult
from spec.registry import SympyProof


def is_zero(expr: Any) -> bool:
    """Decide ``expr == 0``: ``cancel`` decides rational functions; ``simplify`` the rest."""
    expr = sympy.sympify(expr)
    if sympy.cancel(expr) == 0:
        return True
    return sympy.simplify(expr) == 0


def difference(lhs: Any, rhs: Any) -> list[tuple[Any, Any]]:
    """Entries (index, value) where ``lhs - rhs`` is not identically zero."""
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        diff = sympy.Matrix(lhs) - sympy.Matrix(rhs)
        return [((r, c), diff[r, c]) for r in range(diff.rows) for c in range(diff.cols)
                if not is_zero(diff[r, c])]
    value = sympy.sympify(lhs) - sympy.sympify(rhs)
    return [] if is_zero(value) else [((), value)]


def run(check: SympyProof, profile: Any = None) -> CheckResult:
    start = time.perf_counter()
    result = CheckResult("sympy", check.name, PASSED, proof=True)
    try:
        for label, lhs, rhs in check.identities():
            result.examples += 1
            bad = difference(lhs, rhs)
            if bad:
                index, value = bad[0]
                result.status = COUNTEREXAMPLE
                result.counterexample = {
                    "message": "identity does not hold", "values": {
                        "identity": label, "entry": list(index), "lhs_minus_rhs": str(value),
                        "lhs": str(lhs[index] if index else lhs), "rhs": str(rhs[index] if index else rhs)}}
                break
    except Exception as exc:  # noqa: BLE001
        result.status = ERROR
        result.detail = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - start
    result.detail = result.detail or f"{result.examples} identities"
    return result


def reproduce(check: SympyProof, counterexample: dict[str, Any]) -> None:
    from spec.registry import Counterexample

    wanted = counterexample["values"]["identity"]
    for label, lhs, rhs in check.identities():
        if label == wanted:
            bad = difference(lhs, rhs)
            if bad:
                raise Counterexample("identity does not hold", identity=label, lhs_minus_rhs=str(bad[0][1]))
            return
    raise LookupError(f"identity {wanted!r} is no longer stated")
