"""Run the registry's statements through their engines and collect a report dict."""

from __future__ import annotations

import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from importlib import metadata
from typing import Any, Callable, Iterable

from proofs_checks.engines import engine_for
from proofs_checks.profiles import Profile, get_profile
from proofs_checks.results import lemma_status
from spec.registry import SEEDS, Lemma, load_all

#: fields that hold wall-clock figures; everything else is deterministic under "quick"
#: (CrossHair's paths explored and verdicts depend on the machine's speed: its budget is time)
TIMING_FIELDS = ("seconds", "started", "finished", "duration_s", "paths_explored", "crosshair_verdicts")

PACKAGES = ("numpy", "sympy", "mpmath", "hypothesis", "crosshair-tool", "hypothesis-crosshair",
            "rich", "matplotlib", "jinja2")


def reproduce_command(lemma_id: str) -> str:
    return f"python -m proofs_checks show {lemma_id} --reproduce"


def run_lemma(lemma: Lemma, profile: Profile) -> dict[str, Any]:
    start = time.perf_counter()
    results = [engine_for(check).run(check, profile) for check in lemma.checks]
    status, ok = lemma_status(lemma.expect, results)
    return {
        "id": lemma.id, "paper": lemma.paper, "title": lemma.title, "statement": lemma.statement,
        "source": {"seed": lemma.source.seed, "seed_file": SEEDS.get(lemma.source.seed, ""),
                   "section": lemma.source.section, "number": lemma.source.number,
                   "cite": lemma.source.cite()},
        "expect": lemma.expect, "literal": lemma.literal, "corrected_by": lemma.corrected_by,
        "corrects": lemma.corrects, "notes": lemma.notes, "tags": list(lemma.tags),
        "status": status, "ok": ok, "engines": sorted({r.engine for r in results}),
        "examples": sum(r.examples for r in results),
        "seconds": time.perf_counter() - start,
        "checks": [r.to_json() for r in results],
        "reproduce": reproduce_command(lemma.id),
    }


def _run_by_id(lemma_id: str, profile_name: str) -> dict[str, Any]:
    return run_lemma(load_all()[lemma_id], get_profile(profile_name))


def environment(profile: Profile, jobs: int) -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"python": platform.python_version(), "platform": platform.platform(),
            "machine": platform.machine(), "cpus": os.cpu_count(), "packages": versions,
            "profile": profile.name, "derandomized": profile.derandomize, "jobs": jobs,
            "hypothesis_examples": profile.examples, "machine_runs": profile.machine_runs,
            "machine_steps": profile.machine_steps}


def select(only: Iterable[str] | None) -> list[Lemma]:
    lemmas = load_all()
    if not only:
        return list(lemmas.values())
    missing = [i for i in only if i not in lemmas]
    if missing:
        raise KeyError(f"no statement {missing}; `python -m proofs_checks list` lists them")
    return [lemmas[i] for i in only]


def run_all(profile_name: str = "quick", only: Iterable[str] | None = None, jobs: int = 1,
            on_done: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Run the selected statements; a KeyboardInterrupt returns what finished, marked incomplete."""
    profile = get_profile(profile_name)
    lemmas = select(only)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    complete = True
    try:
        if jobs <= 1:
            for lemma in lemmas:
                results[lemma.id] = run_lemma(lemma, profile)
                if on_done:
                    on_done(results[lemma.id])
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(_run_by_id, lemma.id, profile.name) for lemma in lemmas]
                for fut in as_completed(futures):
                    res = fut.result()
                    results[res["id"]] = res
                    if on_done:
                        on_done(res)
    except KeyboardInterrupt:
        complete = False
    ordered = [results[lemma.id] for lemma in lemmas if lemma.id in results]
    counts: dict[str, int] = {}
    for res in ordered:
        counts[res["status"]] = counts.get(res["status"], 0) + 1
    return {
        "meta": {"started": started, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "duration_s": time.perf_counter() - t0, "complete": complete,
                 "selected": len(lemmas), "ran": len(ordered),
                 "environment": environment(profile, jobs)},
        "summary": {"counts": dict(sorted(counts.items())),
                    "as_expected": sum(r["ok"] for r in ordered),
                    "not_as_expected": [r["id"] for r in ordered if not r["ok"]]},
        "lemmas": ordered,
    }
