"""Where reports live, how they are read back, and which runs may replace which report.

* The committed report, ``docs/report/`` of a checkout, is written only by the full quick run that
  ``make report`` performs (``run --out docs/report``).
* Every other run writes to a scratch directory by default (:func:`default_out`), under
  ``build/report/`` of the current directory (``build/`` is ignored by git).
* A partial report (``--only``, or a run stopped by Ctrl-C) never replaces a complete one: a
  partial run into a directory that holds a complete report is refused before it starts, and an
  interrupted full run is written to the scratch directory instead.

``timings.json`` beside ``report.json`` holds what differs between two runs of the same code
(:mod:`proofs_checks.volatile`), including the duration of the last complete run per profile.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from proofs_checks.volatile import ROOT, merge

#: the report a checkout commits (absent from an installed copy)
COMMITTED = ROOT / "docs" / "report"
#: scratch reports, relative to the current directory
SCRATCH = Path("build") / "report"


class ReportNotFound(FileNotFoundError):
    """No report.json where one was asked for (the command line exits 2)."""


def in_checkout() -> bool:
    """True when the code runs from a source checkout (which has pyproject.toml and docs/)."""
    return (ROOT / "pyproject.toml").exists() and (ROOT / "docs").is_dir()


def default_out(profile: str, partial: bool) -> Path:
    """The scratch directory of a run: ``build/report/quick``, ``.../deep``, ``.../partial``."""
    return SCRATCH / ("partial" if partial else profile)


def default_report() -> Path:
    """The report that ``list`` and ``show`` read unless told otherwise: the committed one in a
    checkout, else the full quick run's scratch report of the current directory."""
    if in_checkout() and (COMMITTED / "report.json").exists():
        return COMMITTED / "report.json"
    return default_out("quick", partial=False) / "report.json"


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not readable JSON ({exc})") from None


def load_report(path: Path) -> dict[str, Any]:
    """``report.json`` at ``path`` merged with the ``timings.json`` beside it (when present)."""
    path = Path(path)
    if not path.exists():
        raise ReportNotFound(
            f"no report found at {path}: run `attention-proofs run` (or `make report` in a "
            "checkout) first, or pass --report PATH/report.json")
    report = read_json(path)
    if not isinstance(report, dict) or "lemmas" not in report:
        raise ValueError(f"{path}: not a report.json (no 'lemmas')")
    timings = path.with_name("timings.json")
    return merge(report, read_json(timings) if timings.exists() else None)


def is_complete(report: dict[str, Any]) -> bool:
    """A run of every statement that was not interrupted."""
    meta = report.get("meta", {})
    return bool(meta.get("complete")) and meta.get("only") is None


def holds_complete_report(out: Path) -> bool:
    try:
        return is_complete(read_json(Path(out) / "report.json"))
    except (OSError, ValueError):
        return False


def previous_times(out: Path) -> dict[str, float]:
    """Statement id -> seconds, from the timings of the report in ``out`` or else the committed
    one: orders a parallel run slowest first."""
    for path in (Path(out) / "timings.json", COMMITTED / "timings.json"):
        try:
            lemmas = read_json(path)["lemmas"]
            return {lid: float(entry["seconds"]) for lid, entry in lemmas.items() if "seconds" in entry}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return {}


def profile_durations(out: Path, report: dict[str, Any]) -> dict[str, Any]:
    """The last complete run of every statement, per profile: this run when it is complete, else
    the latest recorded in the timings of ``out`` or of the scratch directories (so a deep run
    into ``build/report/deep`` shows up in the next quick report's timings)."""
    known: dict[str, Any] = {}
    candidates = [Path(out) / "timings.json"]
    candidates += [default_out(profile, False) / "timings.json" for profile in ("quick", "deep")]
    for path in candidates:
        try:
            recorded = read_json(path).get("meta", {}).get("profile_durations", {})
        except (OSError, ValueError, AttributeError):
            continue
        for profile, entry in (recorded or {}).items():
            latest = str(known.get(profile, {}).get("finished", ""))
            if isinstance(entry, dict) and str(entry.get("finished", "")) > latest:
                known[profile] = entry
    meta = report["meta"]
    env = meta["environment"]
    if is_complete(report):
        known[env["profile"]] = {"duration_s": round(meta["duration_s"], 1), "finished": meta["finished"],
                                 "statements": meta["ran"], "jobs": env["jobs"], "cpus": env["cpus"],
                                 "seed": env.get("seed"), "scheduler": env.get("scheduler")}
    return dict(sorted(known.items()))
