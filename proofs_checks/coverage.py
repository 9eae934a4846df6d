"""The CrossHair coverage section of the report: every CrossHair check, and whether every
pure-Python kernel with a PEP 316 contract under ``spec/`` is the target of one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from proofs_checks.volatile import ROOT


def contracted_kernels(root: Path = ROOT) -> list[str]:
    """Dotted names of the functions under ``root/spec`` whose docstring has a PEP 316
    postcondition (a line starting ``post:``), in any module."""
    found = []
    for path in sorted((root / "spec").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        try:
            tree = ast.parse(path.read_text())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            doc = ast.get_docstring(node) or ""
            if any(line.strip().startswith("post:") for line in doc.splitlines()):
                found.append(f"{module}.{node.name}")
    return found


def registered_targets() -> dict[str, list[str]]:
    """Target of every Crosshair check in the registry -> the statements that check it."""
    from spec.registry import Crosshair, load_all

    targets: dict[str, list[str]] = {}
    for lemma in load_all().values():
        for check in lemma.checks:
            if isinstance(check, Crosshair):
                targets.setdefault(check.target_path, []).append(lemma.id)
    return targets


def _verdict(check: dict[str, Any]) -> str:
    if check["status"] == "counterexample":
        return "counterexample found"
    if check["status"] == "passed":
        return "no counterexample within the budget"
    return f"{check['status']}: {str(check.get('detail', ''))[:200]}"


def crosshair_section(report: dict[str, Any]) -> dict[str, Any]:
    """The CrossHair coverage table (from the committed, machine-independent part of a report)."""
    rows = []
    ran: set[str] = set()
    for lemma in report["lemmas"]:
        for check in lemma["checks"]:
            if check["engine"] != "crosshair":
                continue
            ev = check.get("evidence", {})
            target = ev.get("target", "")
            ran.add(target)
            expected = (check["status"] == "counterexample") == (ev.get("expect") == "counterexample")
            rows.append([lemma["id"], check["name"], target, ev.get("expect", ""), _verdict(check),
                         "as expected" if expected and check["status"] != "error" else "NOT as expected",
                         f"{ev.get('per_condition_timeout_s', '')} s"])
    kernels = contracted_kernels()
    registered = registered_targets()
    missing = [k for k in kernels if k not in registered]
    not_run = sorted(t for t in registered if t not in ran)
    summary = (f"{len(rows)} CrossHair checks on the pure-Python kernels with PEP 316 contracts "
               "(found by scanning every module of spec/ for docstrings with post: lines). "
               "crosshair check --report_all runs each with the profile's per-condition budget "
               "(CPU seconds); a kernel of a printed claim is expected to yield a counterexample, a "
               "corrected one none. 'No counterexample' is a bounded symbolic search, not a proof. "
               "How many paths CrossHair explored, whether it exhausted them, and which violating "
               "call it reported first depend on the machine's speed: they are in timings.json "
               "(python -m proofs_checks show ID prints the call). "
               + ("Every contracted kernel is the target of a check in the registry." if not missing else
                  "Contracted kernels without a check: " + ", ".join(missing) + ".")
               + (" Not run in this (partial) report: " + ", ".join(not_run) + "." if not_run else ""))
    return {"id": "crosshair", "title": "CrossHair coverage", "summary": summary,
            "tables": [{"title": "CrossHair checks",
                        "columns": ["statement", "check", "target", "expect", "verdict", "outcome",
                                    "budget per condition"],
                        "rows": rows}] if rows else []}
