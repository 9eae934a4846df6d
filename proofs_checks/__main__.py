"""attention-proofs: check the statements of two attention papers and write the report.

DA: van den Brand, Song, Zhou, Algorithm and Hardness for Dynamic Attention Maintenance in Large
Language Models (arXiv 2304.02207).  AS: Alman, Song, Fast Attention Requires Bounded Entries
(arXiv 2302.13214).  Every statement the code relies on is a record of the registry (spec/); each
subcommand below has its own --help.  Exit codes: 0 as expected, 1 a statement not as expected (or
an interrupted run), 2 a usage error, a missing report or a bad input file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from proofs_checks import __version__
from proofs_checks.cli_format import DefaultsFormatter
from proofs_checks.report_store import (
    COMMITTED,
    SCRATCH,
    default_out,
    holds_complete_report,
    is_complete,
    previous_times,
    profile_durations,
)

EPILOG = """examples:
  attention-proofs run                          every statement, quick profile, into build/report/quick
  attention-proofs run --only DA-E7 AS-3.2      two statements, into build/report/partial
  attention-proofs run --profile deep --jobs 2  the deep search, into build/report/deep
  attention-proofs list --expect erratum --status erratum-confirmed
  attention-proofs show DA-E7 --reproduce
  attention-proofs show DA-E7 --export e7.py && python e7.py
  attention-proofs check-dynamic mypkg.attn:MyAttention --out build/conformance
  attention-proofs vectors export build/vectors
"""


def _cmd_run(args: argparse.Namespace) -> int:
    from proofs_checks.progress import RunProgress
    from proofs_checks.report import write_report
    from proofs_checks.runner import run_all, select
    from proofs_checks.sections import extra_sections

    partial = bool(args.only)
    out = Path(args.out) if args.out else default_out(args.profile, partial)
    if partial and holds_complete_report(out):
        raise ValueError(f"{out} holds a complete report, which a partial run (--only) would replace; "
                         f"write it elsewhere (--out DIR; the default is {default_out(args.profile, True)})")
    total = len(select(args.only))
    where = f"the Dask scheduler at {args.scheduler}" if args.scheduler else f"{args.jobs} process(es)"
    with RunProgress(total, f"checking ({args.profile}, {where})") as progress:
        report = run_all(args.profile, args.only, args.jobs, on_done=progress.done, seed=args.seed,
                         hints=previous_times(out), scheduler=args.scheduler)
    if not is_complete(report) and holds_complete_report(out):
        # an interrupted full run must not replace the complete report it was meant to refresh
        kept, out = out, default_out(args.profile, partial=True)
        print(f"interrupted: the complete report in {kept} is kept; this one goes to {out}", file=sys.stderr)
    report["meta"]["profile_durations"] = profile_durations(out, report)
    paths = write_report(report, out, extra_sections())
    summary = report["summary"]
    print(f"counts: {summary['counts']}; as expected: {summary['as_expected']}/{report['meta']['ran']}; "
          f"{report['meta']['duration_s']:.0f} s")
    if summary["not_as_expected"]:
        print(f"not as expected: {', '.join(summary['not_as_expected'])}")
    if not report["meta"]["complete"]:
        print("interrupted: the report holds what finished and is marked incomplete")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0 if report["meta"]["complete"] and not summary["not_as_expected"] else 1


def _cmd_catalogue(args: argparse.Namespace) -> int:
    from proofs_checks.catalogue import render_catalogue

    text = render_catalogue()
    if args.check:
        current = Path(args.out).read_text() if Path(args.out).exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run `attention-proofs catalogue`", file=sys.stderr)
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


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be at least 1, not {value}")
    return value


def build_parser(prog: str = "attention-proofs") -> argparse.ArgumentParser:
    from proofs_checks import cli_list, cli_show
    from proofs_checks.conformance import cli as conformance_cli
    from proofs_checks.conformance import targets as conformance_targets

    fmt = DefaultsFormatter
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"attention-proofs {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run", help="run the checks and write the report", formatter_class=fmt,
        description="Run the checks of every statement (or of --only) and write report.json, "
                    "report.md, report.html and timings.json. Only the full quick run that "
                    f"`make report` performs (--out {COMMITTED.relative_to(COMMITTED.parents[1])}) "
                    "rewrites the committed report; other runs write to a scratch directory under "
                    f"{SCRATCH}/, and a partial run never replaces a complete report.")
    run.add_argument("--profile", default="quick", choices=["quick", "deep"],
                     help="quick: derandomized, two runs agree apart from timings.json; deep: much larger "
                          "searches with a random (recorded) seed")
    run.add_argument("--only", nargs="+", metavar="ID", help="statement ids to run (a partial report)")
    run.add_argument("--out", default=None,
                     help=f"report directory (default: {SCRATCH}/PROFILE for a full run, {SCRATCH}/partial "
                          "for --only, relative to the current directory)")
    run.add_argument("--jobs", type=_jobs, default=1, help="worker processes on this machine")
    run.add_argument("--seed", type=int, default=None,
                     help="Hypothesis seed for the deep profile (default: a random one, recorded)")
    run.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="address of a Dask distributed scheduler (tcp://host:8786): every statement "
                          "becomes a task on its workers; --jobs is then not used")
    cli_list.add_parser(sub)
    cli_show.add_parser(sub)
    conformance_cli.add_subparsers(sub)
    rep = sub.add_parser("replay", help="replay an operation program file against a structure", formatter_class=fmt,
                         description="Run an operation program (the counterexample format; "
                                     "`show ID --export FILE.json` writes one) against a structure and "
                                     "compare every answer with exact attention.")
    rep.add_argument("program", help=".json file with Q, K, V, a and ops (and kind, scale, repairs, tol)")
    rep.add_argument("--structure", default="DynamicAttention",
                     help="the structure to run the program on: MODULE:CLASS, or one of "
                          + ", ".join(conformance_targets.BUILTIN))
    cat = sub.add_parser("catalogue", help="write the statement catalogue (docs/catalogue.md) from the registry",
                         formatter_class=fmt)
    cat.add_argument("--out", default="docs/catalogue.md", help="file to write ('-': standard output)")
    cat.add_argument("--check", action="store_true", help="exit 1 if the file differs from the registry")
    return parser


#: modules of the verify extra: without them only the algorithms (impl) are usable
VERIFY_MODULES = {"hypothesis", "crosshair", "hypothesis_crosshair_provider", "z3", "rich", "matplotlib",
                  "jinja2", "unicodeit", "dask", "distributed"}


def main(argv: list[str] | None = None) -> int:
    from proofs_checks import cli_list, cli_show
    from proofs_checks.conformance import cli as conformance_cli
    from proofs_checks.report_store import ReportNotFound

    prog = "attention-proofs" if Path(sys.argv[0]).name == "attention-proofs" else "python -m proofs_checks"
    args = build_parser(prog).parse_args(argv)
    commands = {"run": _cmd_run, "list": cli_list.cmd_list, "show": cli_show.cmd_show,
                "replay": conformance_cli.cmd_replay, "catalogue": _cmd_catalogue, **conformance_cli.COMMANDS}
    try:
        return commands[args.command](args)
    except ReportNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in VERIFY_MODULES:
            raise
        print(f"error: `{args.command}` needs the verify extra (no module {exc.name}): "
              "pip install 'attention-proofs[verify]'", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`list | head`): nothing left to say, and nothing to flush to it
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream for good
        return 0
    except (ValueError, FileNotFoundError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
