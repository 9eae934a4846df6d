"""Write report.json, report.md and report.html (with its images) and timings.json into a
directory.

The first three hold only what two runs of the same code agree on, on any machine; timings,
the machine and CrossHair's run-dependent output go to timings.json (:mod:`proofs_checks.volatile`).
Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a half-written report.  The html is self-contained (images embedded
as data URIs), autoescaped, with every statement's section collapsed; the markdown links the same
images from ``img/``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from proofs_checks import plots
from proofs_checks.coverage import crosshair_section
from proofs_checks.formatting import json_block, math_text, number, paper_source
from proofs_checks.volatile import split

TEMPLATES = Path(__file__).parent / "templates"

#: evidence keys rendered elsewhere (tables, plots, summary) or too long for the setup column
_EVIDENCE_SKIP = {"tables", "plots", "summary", "command", "crosshair_verdicts", "paths_explored"}


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)   # mkstemp makes 0600; a report is for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def strip_timing(report: dict[str, Any]) -> dict[str, Any]:
    """The committed part of a report: two ``quick`` runs of the same code agree on it."""
    return split(report)[0]


def _md_text(value: Any) -> str:
    """Plain text in markdown: no markup, no html, no links (formulas keep their _ and *)."""
    text = "" if value is None else str(value)
    for ch in ("\\", "`", "*", "_", "[", "]", "#"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _md_cell(value: Any) -> str:
    """Plain text in a markdown table cell: as :func:`_md_text`, and ``|`` escaped."""
    return _md_text(value).replace("|", "\\|")


def _md_code(value: Any, cell: bool = False) -> str:
    """Inline code in markdown; ``cell``: inside a table, where ``|`` must be escaped (code spans
    show ``<`` and ``&`` literally, so nothing else is)."""
    text = ("" if value is None else str(value)).replace("\n", " ")
    if cell:
        text = text.replace("|", "\\|")
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


def _gh_anchor(text: str) -> str:
    """The anchor a code host (GitHub, GitLab) gives a markdown heading."""
    return re.sub(r"[^a-z0-9 _-]", "", text.lower()).replace(" ", "-")


def _setup(evidence: dict[str, Any]) -> str:
    """What a check did, from its evidence: the short scalar items as ``key=value``."""
    items = []
    for key, value in evidence.items():
        if key in _EVIDENCE_SKIP or isinstance(value, dict):
            continue
        if isinstance(value, list):
            if len(value) > 8 or any(isinstance(v, (list, dict)) for v in value):
                continue
            value = ",".join(number(v) for v in value)
        text = number(value)
        if len(text) > 60:
            continue
        items.append(f"{key}={text}")
    return "; ".join(items)


def collect_figures(report: dict[str, Any], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """PNG figures: the status overview, every plot returned as evidence, and extra sections'."""
    figures = [{"name": "status.png", "title": "Statements by status", "anchor": "summary",
                "png": plots.status_overview(report["summary"]["counts"] or {"none": 0})}]
    for lemma in report["lemmas"]:
        for k, check in enumerate(lemma["checks"]):
            for m, spec in enumerate(check.get("evidence", {}).get("plots", [])):
                name = f"{lemma['id'].replace('/', '_')}-{k}-{m}.png"
                figures.append({"name": name, "title": spec.get("title", ""), "anchor": lemma["id"],
                                "png": plots.line_plot(spec)})
    if report.get("graph", {}).get("nodes"):
        from proofs_checks.theorem_graph import render as render_graph

        figures.append({"name": "theorem-graph.png", "title": "The main theorems and what they rest on",
                        "anchor": "graph", "png": render_graph(report["graph"], "png")})
    for section in extra:
        for m, spec in enumerate(section.get("plots", [])):
            figures.append({"name": f"{section['id']}-{m}.png", "title": spec.get("title", ""),
                            "anchor": section["id"], "png": plots.line_plot(spec)})
    return figures


SEVERITY_ORDER = ("error", "inconsistency", "slip", "typo", "unclassified")


def errata_rows(lemmas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The erratum records, most serious first, each root cause's errata together."""
    def key(lemma: dict[str, Any]) -> tuple[int, str, str]:
        severity = lemma.get("severity") or "unclassified"
        rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
        return rank, str(lemma.get("root_cause") or ""), lemma["id"]

    return sorted((lem for lem in lemmas if lem["expect"] == "erratum"), key=key)


def severity_counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Root causes per severity, most serious first ("unclassified" only when there are some)."""
    by = (report["summary"].get("errata") or {}).get("by_severity", {})
    return [(sev, int(by.get(sev, 0))) for sev in SEVERITY_ORDER if sev != "unclassified" or by.get(sev)]


def _environment(loader_env: jinja2.Environment) -> None:
    loader_env.filters.update({
        "json": json_block, "md": _md_cell, "mdtext": _md_text, "mdcode": _md_code,
        "anchor": _gh_anchor, "setup": _setup, "math": math_text, "num": number,
        "source": paper_source,
        "b64": lambda data: base64.b64encode(data).decode("ascii")})


def graph_svg(report: dict[str, Any]) -> str:
    """The theorem graph as inline svg (each node links to its statement's section), or ''."""
    if not report.get("graph", {}).get("nodes"):
        return ""
    from proofs_checks.theorem_graph import render as render_graph

    svg = render_graph(report["graph"], "svg").decode()
    return svg[svg.index("<svg"):]


def render(report: dict[str, Any], extra: list[dict[str, Any]], figures: list[dict[str, Any]]) -> tuple[str, str]:
    """(html, markdown) of the committed part of a report."""
    if any(c["engine"] == "crosshair" for lem in report["lemmas"] for c in lem["checks"]):
        extra = extra + [crosshair_section(report)]
    context = {"report": report, "meta": report["meta"], "lemmas": report["lemmas"],
               "errata": errata_rows(report["lemmas"]), "figures": figures, "extra": extra,
               "severity_counts": severity_counts(report), "graph_svg": graph_svg(report),
               "figures_for": lambda anchor: [f for f in figures if f["anchor"] == anchor]}
    loader = jinja2.FileSystemLoader(TEMPLATES)
    html_env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html", "j2"]),
                                  trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    md_env = jinja2.Environment(loader=loader, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                undefined=jinja2.StrictUndefined)
    _environment(html_env)
    _environment(md_env)
    return (html_env.get_template("report.html.j2").render(**context),
            md_env.get_template("report.md.txt").render(**context))


def write_report(report: dict[str, Any], out: Path, extra_sections: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write report.json, report.md, report.html (and img/*.png) from the part of ``report`` that
    does not depend on the machine or the clock, and timings.json from the rest; return the
    paths of the four files."""
    out = Path(out)
    stable, volatile = split(report)
    extra = extra_sections or []
    figures = collect_figures(stable, extra)
    html, md = render(stable, extra, figures)
    for fig in figures:
        atomic_write(out / "img" / fig["name"], fig["png"])
    # a figure an earlier run drew and this one did not is not part of this report
    for old in (out / "img").glob("*.png"):
        if old.name not in {fig["name"] for fig in figures}:
            old.unlink()
    paths = []
    for name, data in (("report.json", stable), ("timings.json", volatile)):
        atomic_write(out / name, (json.dumps(data, indent=1, sort_keys=True, default=str) + "\n").encode())
        paths.append(out / name)
    for name, text in (("report.md", md), ("report.html", html)):
        atomic_write(out / name, text.encode())
        paths.append(out / name)
    return paths
