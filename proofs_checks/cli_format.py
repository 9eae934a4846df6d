"""How the command line's subcommands are built: ``--help`` prints an option with its default,
unless the help text already states it or there is none to state (``None``, ``False``); the
commands that read a report share its ``--report`` option."""

from __future__ import annotations

import argparse
from typing import Any


class DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return super()._get_help_string(action) or text


#: where a command reads the report when --report is not given (proofs_checks.report_store)
REPORT_DEFAULT = "docs/report/report.json in a checkout, else build/report/quick/report.json"


def command(sub: Any, name: str, help: str, description: str) -> argparse.ArgumentParser:
    """The subcommand ``name`` of ``sub`` (argparse subparsers), printing defaults in --help."""
    return sub.add_parser(name, help=help, description=description, formatter_class=DefaultsFormatter)


def add_report_option(parser: argparse.ArgumentParser, use: str) -> None:
    """``--report FILE``: the report.json the command reads; ``use`` says what for."""
    parser.add_argument("--report", default=None, help=f"report.json {use} (default: {REPORT_DEFAULT})")
