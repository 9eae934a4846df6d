"""The conformance report: ``conformance.json`` (everything the checks returned) and
``conformance.html`` (self-contained, autoescaped, in the main report's style), plus one
replayable program file per failing check of ``check-dynamic``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from proofs_checks import __version__
from proofs_checks.report import atomic_write

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance: {{ r.subject }}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto;
       max-width: 1150px; padding: 1.5em; color: #222; line-height: 1.45; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; font-size: .88em; margin: .6em 0; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f4f4f4; } td.num { text-align: right; white-space: nowrap; }
code, pre { font-family: Menlo, Consolas, monospace; font-size: .85em; }
pre { background: #f7f7f7; padding: .6em; overflow: auto; max-height: 22em; border: 1px solid #eee;
      white-space: pre-wrap; }
.status { font-weight: 600; padding: .05em .45em; border-radius: .3em; color: #fff; white-space: nowrap; }
.passed, .conforming { background: #5aae61; } .failed, .defect { background: #b2182b; }
.error { background: #762a83; } .skipped, .evidence { background: #7a7a7a; }
tr.bad td { background: #fde0dd; } .muted { color: #666; }
</style></head><body>
<h1>Conformance: <code>{{ r.subject }}</code></h1>
<p><span class="status {{ r.verdict }}">{{ r.verdict }}</span> &nbsp; <code>{{ r.command }} {{ r.target }}</code>,
attention-proofs {{ version }}, {{ r.duration_s }} s.
{% if r.verdict == "conforming" %}No check found a defect within its budget (a search, not a proof).{% endif %}</p>
<h2>Options</h2>
<table>{% for k, v in r.options.items() %}<tr><th>{{ k }}</th><td><code>{{ v }}</code></td></tr>{% endfor %}</table>
{% if r.interface %}<h2>Interface found</h2>
<table>{% for k, v in r.interface.items() %}<tr><th>{{ k }}</th><td><code>{{ v }}</code></td></tr>{% endfor %}
</table>{% endif %}
<h2>Checks</h2>
<table><tr><th>check</th><th>kind</th><th>status</th><th>examples</th><th>seconds</th><th>what ran</th></tr>
{% for c in r.checks %}<tr{% if c.status in ("failed", "error") %} class="bad"{% endif %}>
<td>{{ c.name }}</td><td>{{ c.kind or "" }}</td>
<td><span class="status {{ c.status }}">{{ c.status }}</span></td><td class="num">{{ c.get("examples", "") }}</td>
<td class="num">{{ c.seconds }}</td><td>{{ c.get("detail", "") }}</td></tr>{% endfor %}</table>
{% for c in r.checks if c.get("counterexample") %}
<h2>{{ c.name }}: {{ c.counterexample.message }}</h2>
{% if c.get("program_file") %}<p>Replay:
<code>python -m proofs_checks replay --structure {{ r.target }} {{ c.program_file }}</code></p>{% endif %}
<pre>{{ c.counterexample | tojson(indent=1) }}</pre>
{% endfor %}
{% for t in r.get("tables", []) %}<h2>{{ t.title }}</h2>
<table><tr>{% for col in t.columns %}<th>{{ col }}</th>{% endfor %}</tr>
{% for row in t.rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table>{% endfor %}
{% for note in r.get("notes", []) %}<p class="muted">{{ note }}</p>{% endfor %}
</body></html>
"""


def json_safe(x: Any) -> Any:
    """Numbers JSON can hold: NaN and infinities become strings, tuples lists, numpy scalars floats."""
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, (int, str)):
        return x
    try:
        f = float(x)
    except (TypeError, ValueError):
        return repr(x)
    return f if math.isfinite(f) else str(f)


def write_conformance_report(record: dict[str, Any], out: Path) -> tuple[list[Path], dict[str, Any]]:
    """Write the program files, conformance.json and conformance.html into ``out``; returns the
    paths and the record as written (each failing check with its ``program_file``)."""
    out.mkdir(parents=True, exist_ok=True)
    record = json_safe(record)
    paths = []
    for k, check in enumerate(record["checks"]):
        program = (check.get("counterexample") or {}).get("values", {}).get("program")
        if isinstance(program, dict):
            path = out / f"counterexample-{k + 1}.json"
            atomic_write(path, json.dumps(program, indent=1).encode())
            check["program_file"] = str(path)
            paths.append(path)
    atomic_write(out / "conformance.json", json.dumps(record, indent=1, sort_keys=True).encode())
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(TEMPLATE).render(r=record, version=__version__)
    atomic_write(out / "conformance.html", html.encode())
    return [*paths, out / "conformance.json", out / "conformance.html"], record
