"""Extra report sections from measurement files (benchmarks, real-model figures).

A measurement script writes JSON with a top-level ``"sections"`` list; each section has ``id``,
``title``, ``summary`` and optional ``tables`` (``title``, ``columns``, ``rows``) and ``plots``
(see ``proofs_checks.plots.line_plot``).  The report shows every section of every file listed in
:data:`SOURCES` that exists, and names the file it came from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("benchmarks/results.json", "benchmarks/poly_results.json", "benchmarks/real_results.json",
           "benchmarks/reliability_results.json", "benchmarks/ledger_results.json",
           "benchmarks/mutation_results.json")


def extra_sections(out: Path) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for rel in SOURCES:
        path = ROOT / rel
        if not path.exists():
            continue
        try:
            data = json.loads(path.read_text())
            found = data["sections"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            sections.append({"id": path.stem, "title": f"{rel} (unreadable)",
                             "summary": f"{rel} could not be read: {exc}"})
            continue
        for section in found:
            section = dict(section)
            section["summary"] = f"{section.get('summary', '')} (from {rel})".strip()
            sections.append(section)
    return sections
