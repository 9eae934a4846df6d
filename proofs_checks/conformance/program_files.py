"""Program files for ``replay``: the counterexample format of ``spec.da.program`` as JSON, with
``kind`` ("float" by default; "wide"; "exact" with numbers as integers or "p/q" strings), ``a``
(0.5 by default), ``scale`` (DA's 1 when absent), ``repairs`` (names of printed lines to repair,
for impl.literal's classes), ``tol`` (relative to max|V|), ``watch_inputs`` (compare the
caller's arrays after each operation; true by default), ``Q``, ``K``, ``V`` and ``ops``.
Errors name the file and the field (``impl.instances.InstanceFileError``, exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from impl.instances import InstanceFileError, load_arrays
from spec.da.program import decode_matrix, decode_number

KINDS = ("float", "wide", "exact")


def load_program(path: Path) -> tuple[dict[str, Any], list[str] | None]:
    """(program, repairs) from a .json program file (or an .npz of Q, K, V with no operations)."""
    path = Path(path)
    data = json.loads(path.read_text()) if path.suffix == ".json" and path.exists() else {}
    kind = data.get("kind", "float") if isinstance(data, dict) else "float"
    if kind not in KINDS:
        raise InstanceFileError(f"{path}: field 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "exact":
        arrays = {}
        for name in ("Q", "K", "V"):
            try:
                arrays[name] = decode_matrix(data[name], kind)
            except (KeyError, TypeError, ValueError) as exc:
                raise InstanceFileError(f"{path}: field {name!r} must be a matrix of integers or "
                                        f"\"p/q\" strings ({type(exc).__name__}: {exc})") from None
    else:
        arrays = load_arrays(path, ["Q", "K", "V"])
    ops = data.get("ops")
    if not isinstance(ops, list) or not all(isinstance(op, list) and op and isinstance(op[0], str) for op in ops):
        raise InstanceFileError(f"{path}: field 'ops' must be a list of operations like [\"update_k\", i, j, delta]")
    a = data.get("a", 0.5)
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        raise InstanceFileError(f"{path}: field 'a' must be a number in (0, 1]")
    program: dict[str, Any] = {"kind": kind, "a": a, "Q": _encode(arrays["Q"], kind),
                               "K": _encode(arrays["K"], kind), "V": _encode(arrays["V"], kind), "ops": ops}
    if "scale" in data:
        try:
            decode_number(data["scale"], kind)
        except (TypeError, ValueError) as exc:
            raise InstanceFileError(f"{path}: field 'scale' must be a number ({exc})") from None
        program["scale"] = data["scale"]
    if "tol" in data:
        tol = data["tol"]
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol > 0:
            raise InstanceFileError(f"{path}: field 'tol' must be a positive number")
        program["tol"] = tol
    watch = data.get("watch_inputs", True)
    if not isinstance(watch, bool):
        raise InstanceFileError(f"{path}: field 'watch_inputs' must be true or false")
    program["watch_inputs"] = watch
    repairs = data.get("repairs")
    if repairs is not None and not (isinstance(repairs, list) and all(isinstance(r, str) for r in repairs)):
        raise InstanceFileError(f"{path}: field 'repairs' must be a list of repair names like [\"E2\", \"E4\"]")
    return program, repairs


def _encode(M: Any, kind: str) -> list[list[Any]]:
    if kind == "exact":
        return [[int(v) if v.is_Integer else str(v) for v in row] for row in M]
    return M.tolist()
