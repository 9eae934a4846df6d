"""The architecture contract (docs/architecture.md): the worked example of adding a statement runs
as printed, dependencies point one way, module names are unique, files stay small, and nothing
cites files outside the repository."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("impl", "spec", "proofs_checks", "tests", "benchmarks", "tools")


def python_files(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py"))


def example_module() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("## Adding a statement"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_worked_example_adds_a_statement_that_runs(monkeypatch):
    from proofs_checks.runner import run_lemma
    from spec import registry
    from spec.profiles import get_profile

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry.load_all()))
    namespace: dict = {"__name__": "spec.da.attention_range_example"}
    exec(compile(example_module(), "docs/architecture.md", "exec"), namespace)
    lemma = registry._REGISTRY["DA-1.1-range"]
    assert lemma.cites == ("DA-1.1",) and "DA-1.1" in registry._REGISTRY
    result = run_lemma(lemma, get_profile("quick"))
    assert (result["status"], result["ok"]) == ("holds", True), result["checks"]
    grades = {c["engine"]: c["grade"] for c in result["checks"]}
    assert grades == {"z3": "proved", "hypothesis": "holds"}


def test_the_worked_example_would_catch_a_wrong_claim(monkeypatch):
    """The example's predicate can fail: a column range that is too narrow is refuted."""
    import numpy as np

    namespace: dict = {"__name__": "example_check"}
    from spec import registry

    monkeypatch.setattr(registry, "_REGISTRY", {})
    exec(compile(example_module(), "docs/architecture.md", "exec"), namespace)
    Q = K = np.zeros((2, 3))
    V = np.array([[0.0, 0, 0], [1, 1, 1]])
    namespace["inside_column_range"]((Q, K, V))          # holds: the mean 0.5 is inside
    monkeypatch.setitem(namespace, "attention", lambda Q, K, V: V + 2.0)
    with pytest.raises(registry.Counterexample):
        namespace["inside_column_range"]((Q, K, V))


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer,forbidden", [("impl", {"spec", "proofs_checks", "tools", "benchmarks"}),
                                             ("spec", {"proofs_checks", "tools", "benchmarks"})])
def test_dependencies_point_one_way(layer, forbidden):
    offenders = {str(p.relative_to(ROOT)): sorted(imported_packages(p) & forbidden)
                 for p in python_files(layer) if imported_packages(p) & forbidden}
    assert not offenders, offenders


def test_module_names_are_unique():
    names = Counter(p.name for p in python_files(*CODE_DIRS)
                    if p.name not in ("__init__.py", "__main__.py", "conftest.py"))
    assert not [n for n, k in names.items() if k > 1], [n for n, k in names.items() if k > 1]


def test_code_files_are_at_most_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in python_files(*CODE_DIRS)
            if (n := len(p.read_text().splitlines())) > 500}
    assert not long, long


def test_nothing_cites_files_outside_the_repository():
    pattern = re.compile(r"DESIGN\.md|\.\./shared|shared/seeds")
    files = python_files(*CODE_DIRS) + sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md",
                                                                               ROOT / "Makefile"]
    # a line asserting that a citation is absent ("... not in ...") is not a citation
    offenders = [f"{p.relative_to(ROOT)}:{k}" for p in files if p != Path(__file__)
                 for k, line in enumerate(p.read_text().splitlines(), 1)
                 if pattern.search(line) and " not in " not in line]
    assert not offenders, offenders
