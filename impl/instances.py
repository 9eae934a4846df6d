"""Instance files: named real matrices in ``.json`` (an object of nested lists) or ``.npz``.

``.npz`` files are read with ``allow_pickle=False``, so a file can never run code.  Every error
names the file and the field.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np


class InstanceFileError(ValueError):
    """A malformed instance file; the message names the file and the field."""


def _as_real_array(value: Any, path: Path, field: str) -> np.ndarray:
    try:
        arr = np.array(value)
    except Exception as exc:  # noqa: BLE001 - ragged nesting and the like
        raise InstanceFileError(f"{path}: field {field!r} is not a rectangular array ({exc})") from None
    if arr.dtype.kind not in "iuf" or arr.dtype == object:
        raise InstanceFileError(f"{path}: field {field!r} must hold real numbers, found dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise InstanceFileError(f"{path}: field {field!r} has a non-finite entry")
    return arr


def load_arrays(path: str | Path, fields: Sequence[str]) -> dict[str, np.ndarray]:
    """Read the named real arrays from a ``.json`` or ``.npz`` file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such instance file")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, ValueError) as exc:
            raise InstanceFileError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InstanceFileError(f"{path}: the top level must be an object with fields {list(fields)}")
        get = data.get
    elif suffix == ".npz":
        try:
            archive = np.load(path, allow_pickle=False)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise InstanceFileError(f"{path}: not a readable .npz file ({exc})") from None
        with archive:
            data = {}
            for name in archive.files:
                try:
                    data[name] = archive[name]
                except ValueError as exc:  # object arrays need pickle: refused
                    raise InstanceFileError(f"{path}: field {name!r} cannot be read without pickle ({exc})") from None
        get = data.get
    else:
        raise InstanceFileError(f"{path}: instance files are .json or .npz, not {suffix or 'no suffix'}")
    out = {}
    for field in fields:
        value = get(field)
        if value is None:
            raise InstanceFileError(f"{path}: missing field {field!r}")
        out[field] = _as_real_array(value, path, field)
    return out


def save_arrays(path: str | Path, **arrays: np.ndarray) -> None:
    path = Path(path)
    if path.suffix.lower() == ".npz":
        as_float: dict[str, Any] = {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}
        np.savez(path, **as_float)
    elif path.suffix.lower() == ".json":
        path.write_text(json.dumps({k: np.asarray(v, dtype=np.float64).tolist() for k, v in arrays.items()}))
    else:
        raise InstanceFileError(f"{path}: instance files are .json or .npz")
