"""``attention-proofs list``: the statements of the registry with their expectation, severity
and, from a report, their status and scope; filters and a JSON form for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from proofs_checks.cli_format import add_report_option, command
from proofs_checks.report_store import ReportNotFound, default_report, load_report
from proofs_checks.results import STATUSES


def add_parser(sub: Any) -> None:
    ls = command(sub, "list", help="list the statements (status from a report)",
                 description="List the statements of the registry: id, expectation (holds or erratum), the "
                             "status and scope found by the report, the severity of an erratum, the title.")
    ls.add_argument("--paper", choices=["DA", "AS"], help="only this paper's statements")
    ls.add_argument("--status", action="append", choices=STATUSES, metavar="STATUS",
                    help="only statements with this status in the report (repeatable); one of "
                         + ", ".join(STATUSES))
    ls.add_argument("--expect", choices=["holds", "erratum"], help="only statements with this expectation")
    ls.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    add_report_option(ls, "to take statuses from")


def rows(args: argparse.Namespace) -> tuple[list[dict[str, Any]], str | None]:
    """The listed statements, and a note when no report gave their status."""
    from proofs_checks.catalogue import engine_labels
    from spec.registry import load_all

    note = None
    path = Path(args.report) if args.report else default_report()
    try:
        recorded = {lem["id"]: lem for lem in load_report(path)["lemmas"]}
    except ReportNotFound:
        if args.report or args.status:
            raise
        recorded = {}
        note = f"no report found at {path}: statuses unknown (run `attention-proofs run` first)"
    out = []
    for lemma in load_all().values():
        entry = recorded.get(lemma.id, {})
        row = {"id": lemma.id, "paper": lemma.paper, "title": lemma.title, "expect": lemma.expect,
               "status": entry.get("status"), "scope": entry.get("scope") or None,
               "severity": lemma.erratum.severity if lemma.erratum else None,
               "root_cause": lemma.erratum.root_cause if lemma.erratum else None,
               "source": {"cite": lemma.source.cite(), "seed": lemma.source.seed,
                          "section": lemma.source.section, "number": lemma.source.number},
               "engines": engine_labels(lemma)}
        if args.paper and row["paper"] != args.paper:
            continue
        if args.expect and row["expect"] != args.expect:
            continue
        if args.status and row["status"] not in args.status:
            continue
        out.append(row)
    return out, note


def cmd_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    listed, note = rows(args)
    if note:
        print(note, file=sys.stderr)
    if args.json:
        json.dump(listed, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    table = Table("id", "expect", "status", "severity", "title", box=None, pad_edge=False)
    for col in table.columns[:4]:
        col.no_wrap = True
    table.columns[4].no_wrap = True
    table.columns[4].overflow = "ellipsis"
    for row in listed:
        table.add_row(row["id"], row["expect"], row["status"] or "-", row["severity"] or "", row["title"])
    console = Console(markup=False, highlight=False, width=None if sys.stdout.isatty() else 160)
    console.print(table)
    console.print(f"{len(listed)} statements")
    return 0
