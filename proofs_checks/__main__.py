"""Command line: ``python -m proofs_checks run|list|show|replay|catalogue`` (DESIGN.md, proofs_checks)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

DEFAULT_OUT = Path("docs/report")
#: the duration of the last complete run per profile, wherever its report went: a deep run into a
#: scratch directory (`--out /tmp/deep`) still shows up in the next quick report's environment
DURATIONS = Path(__file__).resolve().parent.parent / "docs" / "report" / "durations.json"


def _cmd_run(args: argparse.Namespace) -> int:
    from proofs_checks.report import write_report
    from proofs_checks.runner import run_all, select
    from proofs_checks.sections import extra_sections

    console = Console(stderr=True)
    total = len(select(args.only))
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=console,
                  transient=False) as progress:
        task = progress.add_task(f"checking ({args.profile})", total=total, last="")

        def done(res: dict[str, Any]) -> None:
            mark = "ok" if res["ok"] else "NOT AS EXPECTED"
            progress.update(task, advance=1, last=f"{res['id']}: {res['status']} ({mark})")

        report = run_all(args.profile, args.only, args.jobs, on_done=done, seed=args.seed,
                         hints=_previous_times(Path(args.out) / "report.json"))
    durations = DURATIONS if (DURATIONS.parents[2] / "pyproject.toml").exists() else Path(args.out) / "durations.json"
    report["meta"]["profile_durations"] = _record_duration(durations, report, full=not args.only)
    paths = write_report(report, Path(args.out), extra_sections(Path(args.out)))
    summary = report["summary"]
    console.print(f"counts: {summary['counts']}; as expected: {summary['as_expected']}/{report['meta']['ran']}")
    if summary["not_as_expected"]:
        console.print(f"[red]not as expected: {', '.join(summary['not_as_expected'])}")
    if not report["meta"]["complete"]:
        console.print("[yellow]interrupted: the report holds what finished and is marked incomplete")
    console.print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if report["meta"]["complete"] and not summary["not_as_expected"] else 1


def _cmd_list(args: argparse.Namespace) -> int:
    from spec.registry import load_all

    table = Table("id", "expect", "title", "source", "engines")
    for lemma in load_all().values():
        table.add_row(lemma.id, lemma.expect, lemma.title, lemma.source.cite(),
                      ", ".join(sorted({c.engine for c in lemma.checks})))
    Console().print(table)
    return 0


def _cmd_catalogue(args: argparse.Namespace) -> int:
    from proofs_checks.catalogue import render_catalogue

    text = render_catalogue()
    if args.check:
        current = Path(args.out).read_text() if Path(args.out).exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run `python -m proofs_checks catalogue`", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    from proofs_checks.report import atomic_write

    atomic_write(Path(args.out), text.encode())
    print(f"wrote {args.out}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from proofs_checks.runner import reproduce_lemma
    from spec.profiles import get_profile
    from spec.registry import get

    # statement text is printed verbatim: rich markup would eat "[ct_K - 1]" and the like
    console = Console(markup=False, highlight=False)
    lemma = get(args.id)
    console.print(f"{lemma.id}: {lemma.title}  (expect: {lemma.expect})", style="bold")
    console.print(lemma.statement)
    if lemma.literal:
        console.print(f"printed: {lemma.literal}")
    if lemma.erratum:
        console.print(f"severity: {lemma.erratum.severity}; root cause: {lemma.erratum.root_cause}")
        for reading in lemma.erratum.readings:
            console.print(f"reading tried: {reading}")
    console.print(f"source: {lemma.source.cite()}")
    report = _load_report(Path(args.report))
    recorded = _recorded(report, lemma.id)
    env = (report or {}).get("meta", {}).get("environment", {}) if recorded else {}
    if recorded:
        scope = f", scope: {recorded['scope']}" if recorded.get("scope") else ""
        console.print(f"last report: {recorded['status']}{scope} (profile {env.get('profile', '?')}"
                      + (f", seed {env['seed']}" if env.get("seed") is not None else "") + ")")
        for check in recorded.get("checks", []):
            if check.get("counterexample"):
                console.print(f"counterexample of '{check['name']}':")
                console.print(json.dumps(check["counterexample"], indent=1, default=str)[:4000])
    if not args.reproduce:
        return 0
    name = env.get("profile") if env.get("profile") in ("quick", "deep") else "quick"
    entry = reproduce_lemma(lemma, recorded, get_profile(name, env.get("seed")), say=console.print)
    console.print(f"now: {entry['status']} ({'as expected' if entry['ok'] else 'NOT as expected'})")
    return 0 if entry["ok"] else 1


STRUCTURE_NAMES = ("DynamicAttention", "EagerAttention", "NaiveAttention", "PaperV1Attention",
                   "PaperAppendixAttention")


def _cmd_replay(args: argparse.Namespace) -> int:
    """Replay a program file (float64) against a structure; errors name the file and field."""
    from impl import baselines, dynamic, literal
    from impl.instances import InstanceFileError, load_arrays
    from spec.da.program import replay
    from spec.registry import Counterexample

    path = Path(args.program)
    arrays = load_arrays(path, ["Q", "K", "V"])
    data = json.loads(path.read_text()) if path.suffix == ".json" else {}
    ops = data.get("ops")
    if not isinstance(ops, list) or not all(isinstance(op, list) and op and isinstance(op[0], str) for op in ops):
        raise InstanceFileError(f"{path}: field 'ops' must be a list of operations like [\"update_k\", i, j, delta]")
    a = data.get("a", 0.5)
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        raise InstanceFileError(f"{path}: field 'a' must be a number in (0, 1]")
    module = {"DynamicAttention": dynamic, "EagerAttention": baselines, "NaiveAttention": baselines,
              "PaperV1Attention": literal, "PaperAppendixAttention": literal}[args.structure]
    program = {"kind": "float", "a": a, "Q": arrays["Q"].tolist(), "K": arrays["K"].tolist(),
               "V": arrays["V"].tolist(), "ops": ops}
    try:
        replay(program, getattr(module, args.structure))
    except Counterexample as exc:
        print(f"{args.structure}: {exc.message}")
        print(json.dumps({k: v for k, v in exc.values.items() if k != "program"}, indent=1, default=str))
        return 1
    print(f"{args.structure}: every answer of the {len(ops)} operations equals exact attention")
    return 0


def _record_duration(path: Path, report: dict[str, Any], full: bool) -> dict[str, Any]:
    """The last complete run of every statement, per profile (``docs/report/durations.json``):
    a quick report also shows how long the deep profile took."""
    from proofs_checks.report import atomic_write

    try:
        known = json.loads(path.read_text())
    except (OSError, ValueError):
        known = {}
    meta = report["meta"]
    env = meta["environment"]
    if full and meta["complete"]:
        known[env["profile"]] = {"duration_s": round(meta["duration_s"], 1), "finished": meta["finished"],
                                 "statements": meta["ran"], "jobs": env["jobs"], "cpus": env["cpus"],
                                 "seed": env.get("seed")}
        atomic_write(path, (json.dumps(known, indent=1, sort_keys=True) + "\n").encode())
    return known


def _previous_times(path: Path) -> dict[str, float]:
    try:
        return {l["id"]: float(l["seconds"]) for l in json.loads(path.read_text())["lemmas"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _load_report(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: not a readable report.json ({exc})") from None


def _recorded(report: dict[str, Any] | None, lemma_id: str) -> dict[str, Any] | None:
    for item in (report or {}).get("lemmas", []):
        if item.get("id") == lemma_id:
            return item
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofs_checks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the checks and write the report")
    run.add_argument("--profile", default="quick", choices=["quick", "deep"])
    run.add_argument("--only", nargs="+", metavar="ID", help="statement ids to run")
    run.add_argument("--out", default=str(DEFAULT_OUT), help="report directory")
    run.add_argument("--jobs", type=int, default=1, help="parallel processes")
    run.add_argument("--seed", type=int, default=None,
                     help="Hypothesis seed for the deep profile (default: a random one, recorded)")
    sub.add_parser("list", help="list the statements")
    show = sub.add_parser("show", help="show one statement")
    show.add_argument("id")
    show.add_argument("--reproduce", action="store_true",
                      help="re-run it on its recorded counterexample (or re-run its checks)")
    show.add_argument("--report", default=str(DEFAULT_OUT / "report.json"))
    rep = sub.add_parser("replay", help="replay an operation program file against a structure")
    rep.add_argument("program", help=".json file with Q, K, V, a and ops (the counterexample format)")
    rep.add_argument("--structure", default="DynamicAttention", choices=STRUCTURE_NAMES)
    cat = sub.add_parser("catalogue", help="write the lemma catalogue (docs/catalogue.md) from the registry")
    cat.add_argument("--out", default="docs/catalogue.md", help="file to write ('-': standard output)")
    cat.add_argument("--check", action="store_true", help="exit 1 if the file differs from the registry")
    args = parser.parse_args(argv)
    commands = {"run": _cmd_run, "list": _cmd_list, "show": _cmd_show, "replay": _cmd_replay,
                "catalogue": _cmd_catalogue}
    try:
        return commands[args.command](args)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
