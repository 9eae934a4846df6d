"""Extra report sections from measurement files (benchmarks, real-model figures, mutation testing).

A measurement script writes JSON with a top-level ``"sections"`` list; each section has ``id``,
``title``, ``summary`` and optional ``tables`` (``title``, ``columns``, ``rows``) and ``plots``
(see ``proofs_checks.plots.line_plot``).  The report shows every section of the files in
:data:`SOURCES` (in that order), then of any other ``benchmarks/*.json`` with sections, and names
the file each came from.  The files ship with the package (package data of ``benchmarks``), so an
installed copy shows them too; a listed file that is missing gets a section that says so and
which command writes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from proofs_checks.volatile import ROOT

#: measurement files in report order, each with the command that writes it
SOURCES = {
    "benchmarks/results.json": "make bench",
    "benchmarks/poly_results.json": "make bench",
    "benchmarks/real_results.json": "make bench (with the [real] extra)",
    "benchmarks/ledger_results.json": "make bench",
    "benchmarks/mutation_results.json": "make mutation",
}


def _files(root: Path) -> list[str]:
    others = sorted(f"benchmarks/{p.name}" for p in (root / "benchmarks").glob("*.json"))
    return list(SOURCES) + [rel for rel in others if rel not in SOURCES]


def extra_sections(root: Path = ROOT) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for rel in _files(Path(root)):
        path = Path(root) / rel
        stem = path.stem.replace("_", "-")
        if not path.exists():
            sections.append({"id": f"missing-{stem}", "title": f"Not in this report: {rel}",
                             "summary": f"{rel} was not found next to the code ({SOURCES[rel]} writes "
                                        "it), so its measurements are missing from this report."})
            continue
        try:
            data = json.loads(path.read_text())
            found = data["sections"] if isinstance(data, dict) else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if rel in SOURCES:
                sections.append({"id": stem, "title": f"{rel} (unreadable)",
                                 "summary": f"{rel} could not be read: {exc}"})
            continue
        if not isinstance(found, list):
            continue
        for section in found:
            section = dict(section)
            section["summary"] = f"{section.get('summary', '')} (from {rel})".strip()
            sections.append(section)
    return sections
