"""Write report.json, report.md and report.html (with its images) into a directory.

Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a half-written report.  The html is self-contained (images embedded
as data URIs) and autoescaped; the markdown links the same images from ``img/``.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from proofs_checks import plots
from proofs_checks.runner import TIMING_FIELDS

TEMPLATES = Path(__file__).parent / "templates"


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
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


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _json_block(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)


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
    errata = [l for l in report["lemmas"] if l["expect"] == "erratum"]
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
