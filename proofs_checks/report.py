"""Write report.json, report.md and report.html (with its images) into a directory.

Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a half-written report.  The html is self-contained (images embedded
as data URIs) and autoescaped; the markdown links the same images from ``img/``.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from proofs_checks import plots
from proofs_checks.runner import TIMING_FIELDS

TEMPLATES = Path(__file__).parent / "templates"
ROOT = Path(__file__).resolve().parent.parent

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


def strip_timing(obj: Any) -> Any:
    """The report without wall-clock fields (two ``quick`` runs agree on the rest)."""
    if isinstance(obj, dict):
        return {k: strip_timing(v) for k, v in obj.items() if k not in TIMING_FIELDS}
    if isinstance(obj, list):
        return [strip_timing(v) for v in obj]
    return obj


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
            value = ",".join(str(v) for v in value)
        text = str(value)
        if len(text) > 60:
            continue
        items.append(f"{key}={text}")
    return "; ".join(items)


def contracted_kernels() -> dict[str, list[str]]:
    """Every pure-Python kernel with a PEP 316 postcondition under ``spec/`` (``*/kernels.py``),
    as dotted name -> [] (filled with the statements that check it by :func:`crosshair_section`)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "spec").rglob("kernels.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and "post:" in (ast.get_docstring(node) or ""):
                found[f"{module}.{node.name}"] = []
    return found


def crosshair_section(report: dict[str, Any]) -> dict[str, Any]:
    """The CrossHair coverage table: every Crosshair check, and every contracted kernel."""
    kernels = contracted_kernels()
    rows = []
    for lemma in report["lemmas"]:
        for check in lemma["checks"]:
            if check["engine"] != "crosshair":
                continue
            ev = check.get("evidence", {})
            target = ev.get("target", "")
            kernels.setdefault(target, []).append(lemma["id"])
            verdicts = ev.get("crosshair_verdicts") or []
            if check["status"] == "counterexample":
                verdict = "counterexample: " + str((check.get("counterexample") or {}).get("values", {}).get("call", ""))
            elif check["status"] == "passed":
                exhausted = verdicts and all(v.startswith("Confirmed over all paths") for v in verdicts)
                verdict = "confirmed over all paths" if exhausted else "no counterexample (budget spent)"
            else:
                verdict = f"{check['status']}: {check.get('detail', '')[:200]}"
            paths = ev.get("paths_explored")
            rows.append([lemma["id"], check["name"], target, ev.get("expect", ""), verdict,
                         "as expected" if (check["status"] == "counterexample") == (ev.get("expect") == "counterexample")
                         and check["status"] != "error" else "NOT as expected",
                         f"{ev.get('per_condition_timeout_s', '')} s", f"{check['seconds']:.1f}",
                         "not available" if paths is None else paths])
    from spec.registry import load_all

    registered = {c.target for l in load_all().values() for c in l.checks if c.engine == "crosshair"}
    missing = sorted(k for k in kernels if k not in registered)
    not_run = sorted(k for k, ids in kernels.items() if not ids and k in registered)
    summary = (f"{len(rows)} CrossHair checks on the pure-Python kernels with PEP 316 contracts "
               "(spec/*/kernels.py). The command crosshair check --report_all -v runs each with the profile's "
               "per-condition budget (CPU seconds); a kernel of a printed claim is expected to yield a "
               "counterexample, a corrected one none. 'No counterexample' is a bounded symbolic search, "
               "not a proof; 'confirmed over all paths' means CrossHair exhausted every path. Paths "
               "explored is CrossHair's iteration count summed over the conditions (from its -v log). "
               + ("Every contracted kernel has a check in the registry." if not missing else
                  "Contracted kernels without a check: " + ", ".join(missing) + ".")
               + (" Not run in this (partial) report: " + ", ".join(not_run) + "." if not_run else ""))
    return {"id": "crosshair", "title": "CrossHair coverage", "summary": summary,
            "tables": [{"title": "CrossHair checks",
                        "columns": ["statement", "check", "target", "expect", "verdict", "outcome",
                                    "budget per condition", "time (s)", "paths explored"],
                        "rows": rows}] if rows else []}


def _json_block(value: Any, indent: int = 0) -> str:
    """JSON, indented, with short lists (vectors, small matrices, operations) on one line."""
    flat = json.dumps(value, sort_keys=True, default=str)
    pad = "  " * (indent + 1)
    if len(flat) + 2 * indent <= 100 or not isinstance(value, (dict, list)) or not value:
        return flat
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(str(k))}: {_json_block(v, indent + 1)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    items = [f"{pad}{_json_block(v, indent + 1)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"


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
    for section in extra:
        for m, spec in enumerate(section.get("plots", [])):
            figures.append({"name": f"{section['id']}-{m}.png", "title": spec.get("title", ""),
                            "anchor": section["id"], "png": plots.line_plot(spec)})
    return figures


def write_report(report: dict[str, Any], out: Path, extra_sections: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write the three report files (and img/*.png); return their paths."""
    out = Path(out)
    extra = extra_sections or []
    figures = collect_figures(report, extra)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["json"] = _json_block
    env.filters["md"] = _md_cell
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    env.filters["mdtext"] = _md_text
    env.filters["mdcode"] = _md_code
    env.filters["anchor"] = _gh_anchor
    env.filters["setup"] = _setup
    errata = [l for l in report["lemmas"] if l["expect"] == "erratum"]
    if any(c["engine"] == "crosshair" for l in report["lemmas"] for c in l["checks"]):
        extra = extra + [crosshair_section(report)]
    context = {"report": report, "meta": report["meta"], "lemmas": report["lemmas"], "errata": errata,
               "figures": figures, "extra": extra,
               "figures_for": lambda anchor: [f for f in figures if f["anchor"] == anchor]}
    html = env.get_template("report.html.j2").render(**context)
    md_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                                trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    md_env.filters.update(env.filters)
    md = md_env.get_template("report.md.txt").render(**context)
    paths = []
    for fig in figures:
        path = out / "img" / fig["name"]
        atomic_write(path, fig["png"])
    for name, data in (("report.json", json.dumps(report, indent=1, sort_keys=True, default=str).encode()),
                       ("report.md", md.encode()), ("report.html", html.encode())):
        atomic_write(out / name, data)
        paths.append(out / name)
    return paths
