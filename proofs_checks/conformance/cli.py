"""Subcommands of the conformance kit: ``check-dynamic``, ``check-approx``, ``vectors export``,
``vectors check`` and ``replay --structure MODULE:CLASS``.

``add_subparsers(sub)`` adds them to the main parser and :data:`COMMANDS` maps each to its
function.  Exit codes: 0 conforming (every check passed), 1 a defect was found (its shrunk program
or input is printed, and written under ``--out``), 2 a usage error (a target that cannot be
imported, a method missing, a bad option), 3 a check could not run (never a pass).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np

from proofs_checks.cli_format import DefaultsFormatter
from proofs_checks.conformance.targets import BUILTIN, KINDS, UsageError, display_name, resolve

EXIT = {"conforming": 0, "defect": 1, "error": 3}


def _csv(kind: type, choices: tuple[str, ...] | None = None) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        items = tuple(x.strip() for x in text.split(",") if x.strip())
        if not items:
            raise argparse.ArgumentTypeError("expected a comma-separated list")
        if choices is not None:
            bad = [x for x in items if x not in choices]
            if bad:
                raise argparse.ArgumentTypeError(f"{', '.join(bad)} not among {', '.join(choices)}")
        try:
            return tuple(kind(x) for x in items)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
        return value
    return parse


def add_subparsers(sub: Any) -> None:
    fmt = DefaultsFormatter
    dyn = sub.add_parser("check-dynamic", formatter_class=fmt,
                         help="check any dynamic attention class against exact attention",
                         description="Check a dynamic attention structure: Class(Q, K, V, *, a, scale) with "
                                     "update_k(i, j, delta), update_v(i, j, delta), query(i, j), output() "
                                     "(update_q and recompute optional) against exact attention. Exit 0 "
                                     "conforming, 1 a defect (the shrunk program is printed), 2 usage error.")
    dyn.add_argument("target", help="MODULE:CLASS, importable from the current directory")
    dyn.add_argument("--kinds", type=_csv(str, KINDS), default=None,
                     help="element kinds among float,wide,exact (default: every kind the class accepts)")
    dyn.add_argument("--scale", type=float, default=1.0, help="the scale passed to the class (DA uses 1)")
    dyn.add_argument("--ops", type=_csv(str), default=None,
                     help="operations to use (default: every protocol operation the class has)")
    dyn.add_argument("--profile", choices=["quick", "deep"], default="quick", help="search budget")
    dyn.add_argument("--seed", type=int, default=None, help="Hypothesis seed of the deep profile")
    dyn.add_argument("--tol", type=_positive(float), default=1e-9,
                     help="allowed |answer - exact| relative to max|V| (float64)")
    dyn.add_argument("--strict-input", action="store_true",
                     help="also run the hostile-input survey (bad calls refused cleanly or answered right)")
    dyn.add_argument("--fail-fast", action="store_true", help="stop at the first failing check")
    dyn.add_argument("--out", default=None, help="directory for conformance.json, conformance.html and "
                                                 "the failing programs")

    apx = sub.add_parser("check-approx", formatter_class=fmt,
                         help="check an approximate attention function f(Q, K, V, *, scale)",
                         description="Search bounded-entry inputs (AS section 3: entries of Q, K in [-B, B], "
                                     "scale 1/d) for error beyond --eps, outputs outside the column range "
                                     "of V, non-finite values and changed caller arrays; report the error "
                                     "distribution. Exit 0 no defect, 1 a defect, 2 usage error.")
    apx.add_argument("target", help="MODULE:FUNCTION, importable from the current directory")
    apx.add_argument("--eps", type=_positive(float), default=None,
                     help="the accuracy the function claims, relative to max|V| (none: measured only)")
    apx.add_argument("--bound", type=_positive(float), default=1.0, help="B: entries of Q and K in [-B, B]")
    apx.add_argument("--scale", type=_positive(float), default=None, help="scale (default: 1/d, as in AS)")
    apx.add_argument("--n", type=int, default=16, help="largest number of rows drawn")
    apx.add_argument("--d", type=int, default=4, help="head dimension")
    apx.add_argument("--e", type=int, default=2, help="columns of V")
    apx.add_argument("--rank", type=int, default=None,
                     help="the feature rank the function uses: the project's certified poly_attention at a "
                          "rank no larger is measured beside it")
    apx.add_argument("--coefficients", type=_csv(float), default=None,
                     help="monomial coefficients c0,c1,... of the polynomial the function uses for exp")
    apx.add_argument("--radius", type=_positive(float), default=None,
                     help="the radius the polynomial is claimed on ([-R, R])")
    apx.add_argument("--profile", choices=["quick", "deep"], default="quick", help="search budget")
    apx.add_argument("--seed", type=int, default=None, help="Hypothesis seed of the deep profile")
    apx.add_argument("--out", default=None, help="directory for conformance.json and conformance.html")

    vec = sub.add_parser("vectors", help="export test vectors, or check a class or function against them",
                         formatter_class=fmt)
    vsub = vec.add_subparsers(dest="vectors_command", required=True, metavar="ACTION")
    exp = vsub.add_parser("export", formatter_class=fmt, help="write the test vectors (JSON) into DIR")
    exp.add_argument("dir", help="output directory")
    exp.add_argument("--report", default=None,
                     help="report.json whose shrunk counterexamples become vectors (default: the committed one)")
    chk = vsub.add_parser("check", formatter_class=fmt, help="replay the vectors of DIR on a class or function")
    chk.add_argument("target", help="MODULE:CLASS (dynamic vectors) or MODULE:FUNCTION (approx vectors)")
    chk.add_argument("dir", help="directory written by `vectors export`")
    chk.add_argument("--tol", type=_positive(float), default=None,
                     help="tolerance relative to max|V| (default: each vector's own)")
    chk.add_argument("--only", nargs="+", default=None, metavar="ID", help="vector ids to replay")


def _print_failures(record: dict[str, Any], target: str) -> None:
    for check in record["checks"]:
        ce = check.get("counterexample")
        if not ce:
            if check["status"] == "error":
                print(f"  {check['name']}: could not run: {check.get('detail')}")
            continue
        print(f"DEFECT ({check['name']}): {ce['message']}")
        values = {k: v for k, v in ce["values"].items() if k not in ("program", "input")}
        if values:
            print("  " + json.dumps(values, default=str))
        for key in ("program", "input"):
            if isinstance(ce["values"].get(key), dict):
                print(f"  shrunk {key}:")
                print("  " + json.dumps(ce["values"][key], default=str))
        if check.get("program_file"):
            print(f"  replay: python -m proofs_checks replay --structure {target} {check['program_file']}")


def _finish(record: dict[str, Any], out: str | None) -> int:
    from proofs_checks.conformance.conformance_report import write_conformance_report

    if out:
        paths, record = write_conformance_report(record, Path(out))
        print("wrote " + ", ".join(str(p) for p in paths))
    for check in record["checks"]:
        print(f"  {check['status']:>8}  {check['name']}: {check.get('detail', '')}")
    _print_failures(record, record["target"])
    print(f"{record['subject']}: {record['verdict']}")
    return EXIT[record["verdict"]]


def _checked(run: Callable[[], dict[str, Any]], out: str | None) -> int:
    """Run one check of the kit: a usage error exits with 2, otherwise the record is printed (and
    written to ``out``) and its verdict is the exit code."""
    try:
        record = run()
    except UsageError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return 2
    return _finish(record, out)


def cmd_check_dynamic(args: argparse.Namespace) -> int:
    from proofs_checks.conformance.dynamic_check import DynamicOptions, check_dynamic

    options = DynamicOptions(kinds=args.kinds, scale=args.scale, ops=args.ops, profile=args.profile,
                             tol=args.tol, strict_input=args.strict_input, seed=args.seed,
                             fail_fast=args.fail_fast)
    return _checked(lambda: check_dynamic(args.target, options), args.out)


def cmd_check_approx(args: argparse.Namespace) -> int:
    from proofs_checks.conformance.approx_check import ApproxOptions, check_approx

    options = ApproxOptions(eps=args.eps, bound=args.bound, scale=args.scale, n=args.n, d=args.d, e=args.e,
                            rank=args.rank, coefficients=args.coefficients, radius=args.radius,
                            profile=args.profile, seed=args.seed)
    return _checked(lambda: check_approx(args.target, options), args.out)


def cmd_vectors(args: argparse.Namespace) -> int:
    from proofs_checks.conformance import vectors

    try:
        if args.vectors_command == "export":
            report: Path | None = Path(args.report) if args.report else vectors.default_report()
            if args.report is None and report is not None and not report.exists():
                print(f"note: no report at {report}: the vectors of its counterexamples are left out "
                      "(--report FILE)")
                report = None
            paths = vectors.export_vectors(Path(args.dir), report)
            print(f"wrote {len(paths)} files to {args.dir} (schema.json and one file per vector)")
            return 0
        record = vectors.check_vectors(args.target, Path(args.dir), tol=args.tol, only=args.only)
    except (UsageError, vectors.VectorFileError) as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return 2
    for line in record["lines"]:
        print(line)
    if record["total"] == 0:
        # nothing ran is never a pass
        print(f"usage error: no {record['type']} vector in {args.dir} could run on {record['subject']}",
              file=sys.stderr)
        return 2
    print(f"{record['subject']}: {record['passed']} of {record['total']} vectors pass")
    return 0 if record["passed"] == record["total"] else 1


def structure_factory(name: str, repairs: Any = None) -> tuple[Callable[..., Any], str]:
    """The factory and the printed name for ``replay --structure``: a built-in name or MODULE:CLASS,
    with the program's ``repairs`` (names of printed lines to repair, impl.literal) applied."""
    obj = resolve(name)
    if not callable(obj):
        raise UsageError(f"{name} is not a class or factory")
    shown = name if name in BUILTIN else display_name(obj, name)
    if repairs is None:
        return obj, shown
    if not isinstance(repairs, list) or not all(isinstance(r, str) for r in repairs):
        raise UsageError("field 'repairs' must be a list of repair names like [\"E2\", \"E4\"]")
    return partial(obj, repairs=frozenset(repairs)), f"{shown}[repairs: {', '.join(sorted(repairs)) or 'none'}]"


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a program file (the counterexample format: kind, a, scale, repairs, Q, K, V, ops)."""
    from proofs_checks.conformance.program_files import load_program
    from spec.da.program import FLOAT_TOL, replay
    from spec.registry import Counterexample

    path = Path(args.program)
    program, repairs = load_program(path)
    try:
        factory, shown = structure_factory(args.structure, repairs)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tol = float(program.get("tol", FLOAT_TOL))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            # the subject's numpy warnings: its answers show what they mean
            warnings.simplefilter("ignore")
            replay(program, factory, tol=tol, watch_inputs=program["watch_inputs"],
                   stored_finite=args.structure in BUILTIN)
    except Counterexample as exc:
        print(f"{shown}: {exc.message}")
        print(json.dumps({k: v for k, v in exc.values.items() if k != "program"}, indent=1, default=str))
        return 1
    print(f"{shown}: every answer of the {len(program['ops'])} operations equals exact attention "
          f"(kind {program['kind']}, scale {program.get('scale', 1)})")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check-dynamic": cmd_check_dynamic, "check-approx": cmd_check_approx, "vectors": cmd_vectors,
}
