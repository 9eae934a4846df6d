"""Serving the modules under test from memory, one of them mutated, in a process that already
imported the third-party packages (numpy, sympy, Hypothesis, pytest) once."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path
from typing import Any

#: project packages purged and re-imported in every child (the test modules and their conftest)
PROJECT = ("impl", "spec", "proofs_checks", "tests", "conftest")


class SnapshotFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the modules of ``codes`` (module name -> (file, code object)) before anything else."""

    def __init__(self, codes: dict[str, tuple[Path, Any]]) -> None:
        self.codes = codes

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001
        if fullname not in self.codes:
            return None
        return importlib.util.spec_from_file_location(fullname, self.codes[fullname][0], loader=self)

    def create_module(self, spec):  # noqa: ANN001
        return None

    def exec_module(self, module) -> None:  # noqa: ANN001
        exec(self.codes[module.__name__][1], module.__dict__)


def purge_project() -> None:
    """Forget every imported project module, so that the next import reads the snapshot."""
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT or name.startswith("test_"):
            del sys.modules[name]


def install(codes: dict[str, tuple[Path, Any]], base: Path, root: Path | None = None) -> None:
    """Serve ``codes`` and the rest of the snapshot at ``base`` instead of the source tree
    ``root`` (which leaves ``sys.path``)."""
    purge_project()
    drop = {str(base)} | ({str(root.resolve())} if root is not None else set())
    sys.path[:] = [str(base)] + [p for p in sys.path if str(Path(p or ".").resolve()) not in drop]
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, SnapshotFinder)]
    sys.meta_path.insert(0, SnapshotFinder(codes))
