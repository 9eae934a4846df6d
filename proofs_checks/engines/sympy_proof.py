"""Engine for ``spec.SympyProof``: exact identities decided by sympy."""

from __future__ import annotations

from typing import Any, Iterable

import sympy

from proofs_checks.engines.base import ProofEngine
from spec.profiles import Profile
from spec.registry import Counterexample, SympyProof


def is_zero(expr: Any) -> bool:
    """Decide ``expr == 0``: ``cancel`` decides rational functions; ``simplify`` the rest.  A
    ``False`` here is "not shown to be zero": for an erratum record the difference printed as
    the counterexample is what a reader checks."""
    expr = sympy.sympify(expr)
    if sympy.cancel(expr) == 0:
        return True
    return bool(sympy.simplify(expr) == 0)


def difference(lhs: Any, rhs: Any) -> list[tuple[Any, Any]]:
    """Entries (index, value) where ``lhs - rhs`` is not identically zero."""
    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        diff = sympy.Matrix(lhs) - sympy.Matrix(rhs)
        return [((r, c), sympy.simplify(diff[r, c])) for r in range(diff.rows)
                for c in range(diff.cols) if not is_zero(diff[r, c])]
    value = sympy.sympify(lhs) - sympy.sympify(rhs)
    return [] if is_zero(value) else [((), sympy.simplify(value))]


def _fail(label: str, lhs: Any, rhs: Any, bad: list[tuple[Any, Any]]) -> Counterexample:
    index, value = bad[0]
    return Counterexample("identity does not hold", identity=label, entry=list(index),
                          lhs_minus_rhs=str(value), lhs=str(lhs[index] if index else lhs),
                          rhs=str(rhs[index] if index else rhs))


def _short(lhs: Any, rhs: Any, limit: int = 400) -> str:
    text = (f"({lhs}) - ({rhs})" if not isinstance(lhs, sympy.MatrixBase)
            else f"Matrix {sympy.Matrix(lhs).shape} - Matrix, entrywise")
    return text if len(text) <= limit else text[:limit] + " ..."


class SympyProofEngine(ProofEngine):
    """An identity is proved when sympy reduces ``lhs - rhs`` to 0 (entrywise for matrices)."""

    check_type = SympyProof
    label = "sympy"
    counted = "identities"

    def prove(self, check: SympyProof, label: str, lhs: Any, rhs: Any) -> dict[str, Any]:
        bad = difference(lhs, rhs)
        if bad:
            raise _fail(label, lhs, rhs, bad)
        # the proof object: the difference that sympy reduced to 0
        return {"identity": label, "lhs_minus_rhs": _short(lhs, rhs), "reduced_to": "0"}

    def claims(self, check: SympyProof) -> Iterable[tuple[Any, ...]]:
        return check.identities()

    def reproduce(self, check: SympyProof, counterexample: dict[str, Any], profile: Profile) -> None:
        wanted = counterexample["values"]["identity"]
        for label, lhs, rhs in check.identities():
            if label == wanted:
                bad = difference(lhs, rhs)
                if bad:
                    raise _fail(label, lhs, rhs, bad)
                return
        raise LookupError(f"identity {wanted!r} is no longer stated")
