"""``attention-proofs show ID``: one statement verbatim, its recorded verdict and counterexample;
``--reproduce`` replays the counterexample, ``--export FILE`` writes it as a program.

Export formats, chosen by the file's suffix:

* ``.py``: a self-contained Python program that replays the recorded counterexample of every
  check through :func:`proofs_checks.runner.reproduce_lemma` (needs attention-proofs installed)
  and exits 0 while the outcome is the expected one (an erratum still fails);
* ``.json``: an operation program for ``attention-proofs replay`` (Q, K, V, a, ops), for a
  counterexample of a float64 state-machine check.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from proofs_checks.cli_format import add_report_option, command
from proofs_checks.report_store import default_report, load_report

PROGRAM = '''"""Replays the counterexample recorded for {id} ({title}) in a report of attention-proofs
{version} (profile {profile}).  Run it with the same attention-proofs installed:

    python {name}

It prints what each check does now and exits 0 when the outcome is still the expected one
(expect: {expect}), 1 otherwise.
"""

import json
import sys

from proofs_checks.runner import reproduce_lemma
from spec.profiles import get_profile
from spec.registry import get

RECORDED = json.loads({recorded!r})
PROFILE = get_profile({profile!r}, {seed!r})

entry = reproduce_lemma(get(RECORDED["id"]), RECORDED, PROFILE)
print(f"{{RECORDED['id']}}: {{entry['status']}} "
      f"({{'as expected' if entry['ok'] else 'NOT as expected'}})")
sys.exit(0 if entry["ok"] else 1)
'''


def add_parser(sub: Any) -> None:
    show = command(sub, "show", help="show one statement, its verdict and counterexample",
                   description="Print a statement verbatim (text, printed form, source, severity, readings), "
                               "the status and scope the report recorded, and its counterexamples.")
    show.add_argument("id", help="statement id, as `attention-proofs list` prints it")
    show.add_argument("--reproduce", action="store_true",
                      help="replay each recorded counterexample (a check without one re-runs under the "
                           "report's profile and seed); exit 0 when the outcome is the expected one")
    show.add_argument("--export", metavar="FILE",
                      help="write the recorded counterexample as a program: FILE.py replays every check, "
                           "FILE.json is the operation program of a float64 state-machine check, for `replay` "
                           "(which runs it on a structure as printed, without the check's repairs)")
    add_report_option(show, "to read")


def export_program(recorded: dict[str, Any], env: dict[str, Any], path: Path) -> str:
    """Write ``path``; return what was written (for the message)."""
    from proofs_checks import __version__
    from proofs_checks.report import atomic_write

    if path.suffix == ".json":
        for check in recorded.get("checks", []):
            program = ((check.get("counterexample") or {}).get("values") or {}).get("program")
            if isinstance(program, dict) and program.get("kind") == "float":
                data = {k: program[k] for k in ("a", "Q", "K", "V", "ops") if k in program}
                atomic_write(path, (json.dumps(data, indent=1) + "\n").encode())
                return f"the operation program of '{check['name']}' (attention-proofs replay {path})"
        raise ValueError(f"--export {path}: {recorded['id']} records no float64 operation program; "
                         "export a .py file instead")
    if path.suffix != ".py":
        raise ValueError(f"--export {path}: the file name must end in .py or .json")
    if not any(c.get("counterexample") for c in recorded.get("checks", [])):
        raise ValueError(f"--export: {recorded['id']} has no recorded counterexample")
    title = str(recorded.get("title", "")).replace("\\", "/").replace('"', "'")
    text = PROGRAM.format(id=recorded["id"], title=title, version=__version__,
                          profile=env.get("profile") or "quick", seed=env.get("seed"), name=path.name,
                          expect=recorded.get("expect"), recorded=json.dumps(recorded, sort_keys=True))
    atomic_write(path, text.encode())
    return f"a program that replays every recorded counterexample (python {path})"


def cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from proofs_checks.formatting import paper_source
    from proofs_checks.runner import reproduce_lemma
    from spec.profiles import get_profile
    from spec.registry import get

    lemma = get(args.id)
    # loaded first: a missing report is an error before anything is printed
    report = load_report(Path(args.report) if args.report else default_report())
    recorded = next((lem for lem in report["lemmas"] if lem.get("id") == lemma.id), None)
    env = report.get("meta", {}).get("environment", {})
    # statement text is printed verbatim: rich markup would eat "[ct_K - 1]" and the like
    console = Console(markup=False, highlight=False, soft_wrap=True)
    console.print(f"{lemma.id}: {lemma.title}  (expect: {lemma.expect})", style="bold")
    console.print(lemma.statement)
    if lemma.literal:
        console.print(f"printed: {lemma.literal}")
    if lemma.erratum:
        console.print(f"severity: {lemma.erratum.severity}; root cause: {lemma.erratum.root_cause}")
        for reading in lemma.erratum.readings:
            console.print(f"reading tried: {reading}")
    source = {"paper": lemma.paper, "source": {"seed": lemma.source.seed, "section": lemma.source.section,
                                               "number": lemma.source.number}}
    console.print(f"source: {paper_source(source)} (paper text: seed {lemma.source.seed})")
    if recorded is None:
        console.print(f"not in the report {args.report or default_report()} (a partial run?)")
    else:
        scope = f", scope: {recorded['scope']}" if recorded.get("scope") else ""
        console.print(f"last report: {recorded['status']}{scope} (profile {env.get('profile', '?')}"
                      + (f", seed {env['seed']}" if env.get("seed") is not None else "") + ")")
        for check in recorded.get("checks", []):
            if check.get("counterexample"):
                console.print(f"counterexample of '{check['name']}' ({check['engine']}):")
                console.print(json.dumps(check["counterexample"], indent=1, default=str)[:4000])
    if args.export:
        if recorded is None:
            raise ValueError(f"--export: {lemma.id} is not in the report")
        console.print(f"wrote {export_program(recorded, env, Path(args.export))}")
    if not args.reproduce:
        return 0
    name = env.get("profile") if env.get("profile") in ("quick", "deep") else "quick"
    entry = reproduce_lemma(lemma, recorded, get_profile(name, env.get("seed")), say=console.print)
    console.print(f"now: {entry['status']} ({'as expected' if entry['ok'] else 'NOT as expected'})")
    return 0 if entry["ok"] else 1
