"""The counts the README and docs/index.md state are those of the committed report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORDS = {"proved": "proved", "proved-bounded": "proved-bounded", "certified": "certified",
         "hold": "holds", "errata": "erratum-confirmed"}


def stated_counts(text: str) -> dict[str, int]:
    """The counts a page states after its ``<!-- counts -->`` marker, by the report's keys."""
    body = re.sub(r"\s+", " ", re.sub(r"\*\*", "", text.split("<!-- counts", 1)[1].split("\n\n", 1)[0]))
    found: dict[str, int] = {}
    m = re.search(r"(\d+) statements", body)
    if m:
        found["statements"] = int(m.group(1))
    for word, key in WORDS.items():
        m = re.search(rf"(\d+) {re.escape(word)}\b(?!-)", body)
        if m:
            found[key] = int(m.group(1))
    m = re.search(r"(\d+) printed statements fail", body)
    if m:
        found["erratum-confirmed"] = int(m.group(1))
    m = re.search(r"(\d+) root causes", body)
    if m:
        found["root causes"] = int(m.group(1))
    for severity in ("error", "inconsistency", "slip", "typo"):
        m = re.search(rf"(\d+) {severity}(?:e?s|ies|y)?\b", body)
        if m:
            found[severity] = int(m.group(1))
    return found


def report_counts() -> dict[str, int]:
    summary = json.loads((ROOT / "docs/report/report.json").read_text())["summary"]
    errata = summary["errata"]
    counts = {"statements": sum(summary["counts"].values()), **summary["counts"],
              "root causes": len(errata["root_causes"])}
    counts.update({k: v for k, v in errata["by_severity"].items() if k != "unclassified"})
    return counts


def test_the_parser_reads_a_page_and_would_catch_a_wrong_count():
    page = ("<!-- counts -->\n120 statements: **41 proved** for every value, 12 proved-bounded, 1 certified, "
            "30 hold, and 36 errata from 24 root causes: 6 errors, 1 inconsistency, 7 slips and 10 typos.\n")
    got = stated_counts(page)
    assert got == {"statements": 120, "proved": 41, "proved-bounded": 12, "certified": 1, "holds": 30,
                   "erratum-confirmed": 36, "root causes": 24, "error": 6, "inconsistency": 1, "slip": 7,
                   "typo": 10}
    assert stated_counts(page.replace("7 slips", "8 slips"))["slip"] == 8


@pytest.mark.parametrize("page", ["README.md", "docs/index.md"])
def test_the_stated_counts_are_the_report_s(page):
    stated = stated_counts((ROOT / page).read_text())
    actual = report_counts()
    assert len(stated) >= 10, f"{page}: the counts paragraph lost its numbers: {stated}"
    wrong = {k: (v, actual.get(k, 0)) for k, v in stated.items() if actual.get(k, 0) != v}
    assert not wrong, f"{page} states (stated, report) {wrong}; rewrite it from docs/report/report.json"
    missing = {k for k, v in actual.items() if v and k not in stated}
    assert not missing, f"{page} does not state {sorted(missing)}"
