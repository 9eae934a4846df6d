"""The test-vector format, version 1 (docs/vectors.md explains every field).

``SCHEMA`` is a JSON Schema (draft 2020-12) that ``vectors export`` writes beside the vectors as
``schema.json``; :func:`validate` checks the same rules without a schema library and names the
file and the field that break them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FORMAT = "attention-proofs test vector"
VERSION = 1
OPS = ("update_k", "update_v", "update_q", "query", "output", "recompute")

_matrix = {"type": "array", "minItems": 1, "items": {"type": "array", "minItems": 1, "items": {"type": "number"}}}
_decimal = {"type": "string", "pattern": r"^-?[0-9]\.[0-9]+(e[-+]?[0-9]+)?$|^0\.0$"}
_decimal_matrix = {"type": "array", "items": {"type": "array", "items": _decimal}}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/attention-proofs/vectors/v1",
    "title": FORMAT,
    "type": "object",
    "required": ["format", "version", "id", "type", "kind", "scale", "Q", "K", "V", "expected", "tolerance", "origin"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]+$"},
        "type": {"enum": ["dynamic", "approx"]},
        "kind": {"enum": ["float", "wide"]},
        "description": {"type": "string"},
        "origin": {"type": "object"},
        "a": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "scale": {"type": "number"},
        "Q": _matrix, "K": _matrix, "V": _matrix,
        "ops": {"type": "array", "items": {"type": "array", "minItems": 1,
                                           "prefixItems": [{"enum": list(OPS)}]}},
        "requires": {"type": "array", "items": {"enum": list(OPS)}},
        "expected": {"type": "array"},
        "digits": {"type": "integer", "minimum": 30},
        "tolerance": {"type": "object", "required": ["relative_to_max_abs_V"],
                      "properties": {"relative_to_max_abs_V": {"type": "number", "exclusiveMinimum": 0}}},
        "reference": {"type": "object"},
    },
    "allOf": [
        {"if": {"properties": {"type": {"const": "dynamic"}}},
         "then": {"required": ["a", "ops", "requires"],
                  "properties": {"expected": {"items": {"oneOf": [{"type": "null"}, _decimal, _decimal_matrix]}}}}},
        {"if": {"properties": {"type": {"const": "approx"}}},
         "then": {"required": ["reference"], "properties": {"expected": _decimal_matrix}}},
    ],
}


class VectorFileError(ValueError):
    """A vector file that does not follow the format (exit code 2)."""


def _matrix_ok(x: Any) -> bool:
    return bool(isinstance(x, list) and x and all(isinstance(r, list) and r for r in x)
            and len({len(r) for r in x}) == 1
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for r in x for v in r))


def validate(data: Any, path: Path | str) -> None:
    """Raise :class:`VectorFileError` naming ``path`` and the field unless ``data`` is a vector."""
    def fail(field: str, why: str) -> None:
        raise VectorFileError(f"{path}: field {field!r} {why}")

    if not isinstance(data, dict):
        raise VectorFileError(f"{path}: a vector is a JSON object")
    for field in SCHEMA["required"]:
        if field not in data:
            fail(field, "is missing")
    if data["format"] != FORMAT:
        fail("format", f"must be {FORMAT!r}")
    if data["version"] != VERSION:
        fail("version", f"is {data['version']!r}; this kit reads version {VERSION}")
    if data["type"] not in ("dynamic", "approx"):
        fail("type", "must be 'dynamic' or 'approx'")
    if data["kind"] not in ("float", "wide"):
        fail("kind", "must be 'float' or 'wide'")
    for field in ("Q", "K", "V"):
        if not _matrix_ok(data[field]):
            fail(field, "must be a rectangular matrix of numbers")
    if not isinstance(data["scale"], (int, float)) or isinstance(data["scale"], bool):
        fail("scale", "must be a number")
    tol = data["tolerance"]
    if not isinstance(tol, dict) or not isinstance(tol.get("relative_to_max_abs_V"), (int, float)) \
            or not tol["relative_to_max_abs_V"] > 0:
        fail("tolerance", "must be {\"relative_to_max_abs_V\": a positive number}")
    if data["type"] == "dynamic":
        for field in ("a", "ops", "requires"):
            if field not in data:
                fail(field, "is missing (dynamic vectors carry a, ops and requires)")
        ops = data["ops"]
        if not isinstance(ops, list) or not all(isinstance(op, list) and op and op[0] in OPS for op in ops):
            fail("ops", f"must be a list of operations whose first item is one of {', '.join(OPS)}")
        if not isinstance(data["expected"], list) or len(data["expected"]) != len(ops):
            fail("expected", "must hold one entry per operation (null where an operation answers nothing)")
    elif not isinstance(data.get("reference"), dict):
        fail("reference", "is missing (approx vectors name the reference and its certified bound)")
