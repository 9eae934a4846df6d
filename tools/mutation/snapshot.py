"""The copy of the tree that the mutants run against, taken once at the start of a run, so that
edits of the working tree during a long run change neither the mutants nor the suite."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: what the killing suite reads; ``tools/mutation`` too, for workers that do not have it
ITEMS = ("impl", "spec", "proofs_checks", "tests", "pyproject.toml", "tools/mutation")


@dataclass
class Snapshot:
    base: Path                 # the copy
    root: Path | None          # the tree it was taken from (None on a worker)
    sources: dict[str, str]    # the text of each module under mutation, as enumerated


def take(root: Path, rev: str | None = None, pins: tuple[str, ...] = (), pin_rev: str = "HEAD") -> Path:
    """A copy of ``ITEMS`` in a new temporary directory: from the working tree, or from the git
    commit ``rev``; ``pins``: files taken from ``pin_rev`` instead (modules mid-edit)."""
    dest = Path(tempfile.mkdtemp(prefix="mutation-"))
    if rev is None:
        for item in ITEMS:
            src = root / item
            if src.is_dir():
                shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif src.exists():
                shutil.copy2(src, dest / item)
    else:
        archive = subprocess.run(["git", "archive", "--format=tar", rev, *ITEMS], cwd=root,
                                 check=True, capture_output=True).stdout
        with tempfile.TemporaryFile() as f:
            f.write(archive)
            f.seek(0)
            with tarfile.open(fileobj=f) as tar:
                tar.extractall(dest, filter="data")
    for rel in pins:
        text = subprocess.run(["git", "show", f"{pin_rev}:{rel}"], cwd=root, check=True,
                              capture_output=True, text=True).stdout
        (dest / rel).write_text(text)
    return dest


def pack(base: Path) -> dict[str, bytes]:
    """Every file of the copy, by path relative to it (what a remote worker needs)."""
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def digest(packed: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for rel in sorted(packed):
        h.update(rel.encode() + b"\0" + hashlib.sha256(packed[rel]).digest())
    return h.hexdigest()[:16]
