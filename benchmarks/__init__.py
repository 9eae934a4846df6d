"""Benchmarks whose figures the report shows (``make bench``, see docs/benchmarks.md).

* :mod:`benchmarks.dynamic_bench` -- DA's lazy structure against eager and naive maintenance;
* :mod:`benchmarks.poly_compare` -- AS's polynomial attention against FAVOR+ and the Taylor map
  (:mod:`benchmarks.baselines_lowrank`);
* :mod:`benchmarks.real_report` -- both papers' quantities on all-MiniLM-L6-v2 (``[real]`` extra);
* :mod:`benchmarks.run_all` -- runs them and writes ``benchmarks/results.json`` and
  ``benchmarks/real_results.json`` in the report's sections format.

Every figure is a median of repeats, and every comparison is a ratio of times measured in the
same run on the same machine (noted in each file).  Nothing here asserts a time.

This module deliberately imports nothing heavy at import time, so that :mod:`benchmarks.run_all`
can pin the BLAS thread count before numpy is loaded.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent
#: environment variables that fix the BLAS thread pools (set by run_all before numpy loads)
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


#: the clock of every figure: CPU time of this process.  The machine's cores are shared, and a
#: process that waits for a core is not doing work; with BLAS single-threaded (run_all's default)
#: CPU time equals wall time on an idle machine.
clock = time.process_time
CLOCK_NOTE = ("times are CPU time of the benchmark process (time.process_time), BLAS single-threaded, "
              "so that waiting for a shared core is not counted")


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median CPU time (seconds, :data:`clock`) of ``repeats`` calls, and the last result."""
    times, out = [], None
    for _ in range(max(1, repeats)):
        t = clock()
        out = fn()
        times.append(clock() - t)
    return statistics.median(times), out


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import numpy as np

    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name")
    except Exception:  # older numpy
        blas = None
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
        "python": platform.python_version(), "numpy": np.__version__, "blas": blas,
        "blas_threads": {v: os.environ.get(v) for v in THREAD_VARS},
        "load_average_1min_at_start": load,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def machine_note(m: dict[str, Any]) -> str:
    threads = m.get("blas_threads", {}).get("OPENBLAS_NUM_THREADS") or "default"
    load = m.get("load_average_1min_at_start")
    load_s = f", 1-min load {load:.1f} at start" if isinstance(load, (int, float)) else ""
    return (f"Machine: {m.get('cpu') or 'unknown CPU'}, {m.get('cpus')} CPUs, {m.get('platform')}; "
            f"Python {m.get('python')}, numpy {m.get('numpy')} ({m.get('blas')}, BLAS threads "
            f"{threads}){load_s}; measured {m.get('date')}; {CLOCK_NOTE}.")


def fmt(x: Any, digits: int = 3) -> Any:
    """Compact display value for a table cell (numbers to ``digits`` significant digits)."""
    if x is None:
        return "-"
    if isinstance(x, bool) or isinstance(x, str):
        return x
    if isinstance(x, int):
        return x
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if v != v:
        return "nan"
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.{max(1, digits - 1)}e}"
    return f"{v:.{digits}g}"


def write_sections(path: Path, sections: list[dict[str, Any]], **extra: Any) -> Path:
    """Write ``{"sections": [...], **extra}`` (the report's format, proofs_checks.sections)."""
    for s in sections:
        check_section(s)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"sections": sections, **extra}, indent=1, default=_json_default) + "\n")
    return path


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def check_section(s: dict[str, Any]) -> None:
    """Raise ``ValueError`` unless ``s`` has the shape the report expects."""
    for key in ("id", "title", "summary"):
        if not isinstance(s.get(key), str):
            raise ValueError(f"section needs a string {key!r}: {s.get('id')!r}")
    for t in s.get("tables", []):
        if not isinstance(t.get("title"), str) or not isinstance(t.get("columns"), list):
            raise ValueError(f"table without title/columns in section {s['id']}")
        for row in t.get("rows", []):
            if len(row) != len(t["columns"]):
                raise ValueError(f"row {row!r} of table {t['title']!r} does not match its columns")
    for p in s.get("plots", []):
        for key in ("title", "xlabel", "ylabel", "x", "series"):
            if key not in p:
                raise ValueError(f"plot without {key!r} in section {s['id']}")
        for label, ys in p["series"].items():
            xs = p.get("x_by_series", {}).get(label, p["x"])
            if len(ys) != len(xs):
                raise ValueError(f"series {label!r} of plot {p['title']!r} has {len(ys)} points for {len(xs)} x")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
