"""The docs name only things that exist: every repository path written in backticks in docs/*.md
and README.md is a file or directory of the checkout (a glob matches at least one), every relative
markdown link resolves, and every `python -m proofs_checks SUB` / `attention-proofs SUB` names a
subcommand of the command line's own argparse parser (and, for a command with actions such as
`vectors`, one of its actions)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATH_PREFIXES = ("impl/", "spec/", "proofs_checks/", "tests/", "benchmarks/", "tools/", "docs/")
PATH_SUFFIXES = (".py", ".md", ".json", ".toml", "/")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
COMMAND = re.compile(r"(?<![\w\"'-])(?:python -m proofs_checks|attention-proofs)"
                     r"[ \t]+([a-z][a-z-]*)\b(?:[ \t]+([a-z][a-z-]*)\b)?")


def doc_files() -> list[Path]:
    return sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def backticked_paths(text: str) -> list[str]:
    """The words of inline code spans (outside fenced blocks) that look like repository paths:
    they start with a top-level directory of the project and end in .py, .md, .json, .toml or /."""
    found = []
    for span in CODE_SPAN.finditer(FENCE.sub("", text)):
        for word in span.group(2).split():
            word = word.strip(",;:()[]'\"")
            if word.startswith(PATH_PREFIXES) and word.endswith(PATH_SUFFIXES):
                found.append(word)
    return found


def missing_paths(text: str, root: Path = ROOT) -> list[str]:
    """The backticked paths of ``text`` that do not exist under ``root`` (a glob must match)."""
    missing = []
    for path in backticked_paths(text):
        exists = any(root.glob(path.rstrip("/"))) if "*" in path else (root / path).exists()
        if not exists:
            missing.append(path)
    return missing


def broken_links(text: str, where: Path) -> list[str]:
    """Relative link targets of ``text`` (a file in directory ``where``) that do not exist."""
    broken = []
    for match in LINK.finditer(FENCE.sub("", text)):
        target = match.group(1).split("#", 1)[0]
        if not target or re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # an anchor in the same page, or http:, https:, mailto:
        if not (where / target).exists():
            broken.append(match.group(1))
    return broken


def subcommands() -> dict[str, set[str]]:
    """Each subcommand of the real parser, with the actions of its own subparsers (if any)."""
    from proofs_checks.__main__ import build_parser

    def choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                return dict(action.choices)
        return {}

    return {name: set(choices(sub)) for name, sub in choices(build_parser()).items()}


def unknown_commands(text: str, known: dict[str, set[str]]) -> list[str]:
    """Commands named in ``text`` that the parser does not have.  Only lower-case words count
    (``attention-proofs COMMAND`` is a placeholder), and a name inside a quoted string (the
    ``"attention-proofs test vector"`` format tag) is a value, not a command."""
    bad = []
    for match in COMMAND.finditer(text):
        name, action = match.group(1), match.group(2)
        if name not in known:
            bad.append(match.group(0))
        elif known[name] and action is not None and action not in known[name]:
            bad.append(match.group(0))
    return bad


# -- the checkers can fail --------------------------------------------------------------------

def test_a_planted_missing_path_is_found():
    text = "Records live in `spec/statements/da_lower.py` and `spec/registry.py`."
    assert missing_paths(text) == ["spec/statements/da_lower.py"]


def test_paths_inside_longer_spans_and_globs_are_checked():
    text = ("`python -m proofs_checks catalogue --out docs/nothere.md`, `benchmarks/*.json`, "
            "`benchmarks/*.nothere.json`, `spec/as_/`, `spec/as/`")
    assert missing_paths(text) == ["docs/nothere.md", "benchmarks/*.nothere.json", "spec/as/"]


def test_paths_in_fenced_blocks_and_other_words_are_not_paths():
    text = "```\nspec/nothere.py\n```\n`build/report/quick/report.json` `FILE.py` `impl.dynamic`"
    assert backticked_paths(text) == []


def test_a_broken_relative_link_is_found():
    text = "[ok](verdicts.md) [gone](statements.md#x) [web](https://example.org/a.md) [here](#top)"
    assert broken_links(text, ROOT / "docs") == ["statements.md#x"]


def test_an_unknown_subcommand_is_found():
    known = subcommands()
    assert {"run", "list", "show", "replay", "vectors"} <= set(known)
    assert known["vectors"] == {"export", "check"}
    text = ("`attention-proofs run --only X` and `python -m proofs_checks export DIR`, "
            "`attention-proofs vectors export DIR`, `attention-proofs vectors publish DIR`, "
            "`attention-proofs COMMAND --help`, `\"attention-proofs test vector\"`")
    assert unknown_commands(text, known) == ["python -m proofs_checks export",
                                             "attention-proofs vectors publish"]


# -- the real docs ----------------------------------------------------------------------------

@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_backticked_paths_exist(doc):
    assert missing_paths(doc.read_text()) == []


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc):
    assert broken_links(doc.read_text(), doc.parent) == []


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_named_subcommands_exist(doc):
    assert unknown_commands(doc.read_text(), subcommands()) == []
