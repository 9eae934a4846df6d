"""Split a report into what two runs of the same code agree on and what they do not.

The committed report (``report.json``, ``report.md``, ``report.html``) must be the same on every
machine that runs the same code, so everything that depends on the clock, the machine or a
budget measured in CPU time goes to a separate file, ``timings.json``, which is allowed to change
on every run:

* every field named in :data:`proofs_checks.runner.TIMING_FIELDS` (durations, start and finish
  times, CrossHair's paths explored and per-condition verdicts, the last complete run per profile);
* the machine half of the environment (:data:`MACHINE_FIELDS`: python and package versions,
  platform, CPUs, processes, the Dask scheduler);
* the call and output of a CrossHair counterexample: CrossHair's search is bounded by CPU time, so
  which violating call it reports first differs from run to run (the report says a call was found
  and where it is recorded).

Absolute paths of the machine that ran the checks are made relative to the installed source tree
(``ROOT``) in both halves.  :func:`merge` puts the halves back together (``show`` prints the call).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

#: the directory holding ``impl``, ``spec`` and ``proofs_checks`` (a checkout or site-packages)
ROOT = Path(__file__).resolve().parent.parent

#: fields of ``meta.environment`` that describe the machine rather than the run's settings
MACHINE_FIELDS = ("python", "platform", "machine", "cpus", "packages", "jobs", "scheduler")

#: fields of a CrossHair counterexample's values that depend on how far its search got
CROSSHAIR_FIELDS = ("call", "output")


def relative_paths(obj: Any, root: Path = ROOT) -> Any:
    """``obj`` with every occurrence of ``root/`` removed from its strings."""
    prefix = str(root) + "/"
    if isinstance(obj, str):
        return obj.replace(prefix, "")
    if isinstance(obj, dict):
        return {k: relative_paths(v, root) for k, v in obj.items()}
    if isinstance(obj, list):
        return [relative_paths(v, root) for v in obj]
    return obj


def _take(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Remove ``keys`` from ``obj`` and return them."""
    return {k: obj.pop(k) for k in keys if k in obj}


def split(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(stable, volatile)``: the committed report and the ``timings.json`` record."""
    from proofs_checks.runner import TIMING_FIELDS

    stable = relative_paths(copy.deepcopy(report))
    meta = stable.get("meta", {})
    volatile: dict[str, Any] = {"meta": _take(meta, TIMING_FIELDS),
                                "environment": _take(meta.get("environment", {}), MACHINE_FIELDS),
                                "lemmas": {}}
    for lemma in stable.get("lemmas", []):
        entry = _take(lemma, TIMING_FIELDS)
        checks: dict[str, Any] = {}
        for k, check in enumerate(lemma.get("checks", [])):
            moved = _take(check, TIMING_FIELDS)
            evidence = _take(check.get("evidence") or {}, TIMING_FIELDS)
            if evidence:
                moved["evidence"] = evidence
            ce = check.get("counterexample") or {}
            if check.get("engine") == "crosshair" and isinstance(ce.get("values"), dict):
                values = _take(ce["values"], CROSSHAIR_FIELDS)
                if values:
                    moved["counterexample_values"] = values
            if moved:
                checks[str(k)] = moved
        if checks:
            entry["checks"] = checks
        if entry:
            volatile["lemmas"][lemma["id"]] = entry
    return stable, volatile


def merge(stable: dict[str, Any], volatile: dict[str, Any] | None) -> dict[str, Any]:
    """The report as the run produced it, from the two halves (``volatile`` may be None)."""
    report = copy.deepcopy(stable)
    if not volatile:
        return report
    meta = report.setdefault("meta", {})
    meta.update(volatile.get("meta", {}))
    meta.setdefault("environment", {}).update(volatile.get("environment", {}))
    by_id = volatile.get("lemmas", {})
    for lemma in report.get("lemmas", []):
        entry = by_id.get(lemma.get("id"), {})
        lemma.update({k: v for k, v in entry.items() if k != "checks"})
        for k, moved in entry.get("checks", {}).items():
            if not k.isdigit() or int(k) >= len(lemma.get("checks", [])):
                continue
            check = lemma["checks"][int(k)]
            check.update({key: v for key, v in moved.items()
                          if key not in ("evidence", "counterexample_values")})
            check.setdefault("evidence", {}).update(moved.get("evidence", {}))
            if moved.get("counterexample_values") and check.get("counterexample"):
                check["counterexample"].setdefault("values", {}).update(moved["counterexample_values"])
    return report
