"""Run the registry's statements through their engines and collect a report dict."""

from __future__ import annotations

import multiprocessing
import os
import platform
import signal
import time
from datetime import datetime, timezone
from importlib import metadata
from typing import Any, Callable, Iterable

from proofs_checks.engines import engine_for
from proofs_checks.results import CheckResult, lemma_status
from spec.profiles import Profile, get_profile
from spec.registry import SEEDS, Lemma, load_all

#: fields that hold wall-clock figures or depend on them (CrossHair's budget is CPU time, so the
#: number of paths it explores varies); everything else is deterministic under "quick".  They go
#: to timings.json, never to the committed report (proofs_checks.volatile)
TIMING_FIELDS = ("seconds", "started", "finished", "duration_s", "paths_explored",
                 "crosshair_verdicts", "profile_durations")

PACKAGES = ("numpy", "sympy", "mpmath", "hypothesis", "crosshair-tool", "hypothesis-crosshair",
            "rich", "matplotlib", "jinja2", "z3-solver", "dask", "distributed")


def reproduce_command(lemma_id: str) -> str:
    return f"python -m proofs_checks show {lemma_id} --reproduce"


def erratum_fields(lemma: Lemma) -> dict[str, Any]:
    """``severity``, ``root_cause`` and ``readings`` of an erratum record (None for the others)."""
    e = lemma.erratum
    return {"severity": e.severity if e else None, "root_cause": e.root_cause if e else None,
            "readings": list(e.readings) if e else None}


def lemma_entry(lemma: Lemma, results: list[CheckResult], seconds: float) -> dict[str, Any]:
    """The report.json entry of one statement from its check results."""
    status, ok, scope = lemma_status(lemma.expect, results)
    return {
        "id": lemma.id, "paper": lemma.paper, "title": lemma.title, "statement": lemma.statement,
        "source": {"seed": lemma.source.seed, "seed_file": SEEDS.get(lemma.source.seed, ""),
                   "section": lemma.source.section, "number": lemma.source.number,
                   "cite": lemma.source.cite()},
        "expect": lemma.expect, "literal": lemma.literal, "corrected_by": lemma.corrected_by,
        "corrects": lemma.corrects, "notes": lemma.notes, "tags": list(lemma.tags),
        **erratum_fields(lemma),
        "status": status, "ok": ok, "scope": scope,
        "engines": sorted({r.engine for r in results}),
        "examples": sum(r.examples for r in results),
        "seconds": seconds,
        "checks": [r.to_json() for r in results],
        "reproduce": reproduce_command(lemma.id),
    }


def run_lemma(lemma: Lemma, profile: Profile) -> dict[str, Any]:
    start = time.perf_counter()
    results = [engine_for(check).run(check, profile) for check in lemma.checks]
    return lemma_entry(lemma, results, time.perf_counter() - start)


def reproduce_lemma(lemma: Lemma, recorded: dict[str, Any] | None, profile: Profile,
                    say: Callable[[str], None] = print) -> dict[str, Any]:
    """Re-run one statement: each check with a recorded counterexample replays exactly it, the
    others run again under ``profile``.  Returns the statement's new report entry, whose status
    and ``ok`` come from :func:`lemma_status` like any run's."""
    by_name = {c.get("name"): c for c in (recorded or {}).get("checks", [])}
    start = time.perf_counter()
    results = []
    for check in lemma.checks:
        engine = engine_for(check)
        ce = by_name.get(check.name, {}).get("counterexample")
        if ce is None:
            how = f"profile {profile.name}" + (f", seed {profile.seed}" if profile.seed is not None else "")
            say(f"- {check.name}: no recorded counterexample; running the check ({how})")
            res = engine.run(check, profile)
        else:
            say(f"- {check.name}: replaying the recorded counterexample")
            res = _replay(engine, check, ce, profile)
        say(f"  {res.status}" + (f": {res.detail}" if res.detail else ""))
        results.append(res)
    return lemma_entry(lemma, results, time.perf_counter() - start)


def _replay(engine: Any, check: Any, ce: dict[str, Any], profile: Profile) -> CheckResult:
    """A check result whose outcome is the replay of ``ce`` (mapped like any run)."""

    class Replay(type(engine)):  # type: ignore[misc]
        def execute(self, check: Any, profile: Profile, result: CheckResult) -> None:
            # one replayed input establishes no more than "holds", whatever the check's grade
            result.grade, result.scope = "holds", "the recorded counterexample"
            engine.reproduce(check, ce, profile)

    return Replay().run(check, profile)


def _run_by_id(lemma_id: str, profile_name: str, seed: int | None = None) -> dict[str, Any]:
    return run_lemma(load_all()[lemma_id], get_profile(profile_name, seed))


def _run_job(job: tuple[str, str, int | None]) -> dict[str, Any]:
    return _run_by_id(*job)


def _worker_init() -> None:
    # Ctrl-C in a terminal reaches every process of the group: the workers ignore it and the
    # parent, which catches it, terminates them and writes what finished.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def environment(profile: Profile, jobs: int, scheduler: str | None = None) -> dict[str, Any]:
    """The run's settings (profile, budgets, paper texts, code version) and the machine's
    (python, packages, CPUs, processes: proofs_checks.volatile.MACHINE_FIELDS)."""
    from proofs_checks import __version__

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"python": platform.python_version(), "platform": platform.platform(),
            "machine": platform.machine(), "cpus": os.cpu_count(), "packages": versions,
            "profile": profile.name, "derandomized": profile.derandomize,
            "seed": profile.seed, "paper_seeds": dict(SEEDS), "jobs": jobs,
            "scheduler": scheduler, "version": __version__,
            "hypothesis_examples": profile.examples, "machine_runs": profile.machine_runs,
            "machine_steps": profile.machine_steps}


def errata_summary(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Root causes of the confirmed errata, counted by severity (a root cause takes the most
    serious severity among its errata), and each root cause with its statements."""
    from spec.registry import SEVERITIES

    order = SEVERITIES + ("unclassified",)
    causes: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["expect"] != "erratum" or entry["status"] != "erratum-confirmed":
            continue
        severity = entry["severity"] or "unclassified"
        key = entry["root_cause"] or f"unclassified {entry['id']}"
        cause = causes.setdefault(key, {"id": key, "severity": severity, "errata": []})
        cause["errata"].append(entry["id"])
        if order.index(severity) < order.index(cause["severity"]):
            cause["severity"] = severity
    ordered = sorted(causes.values(), key=lambda c: (order.index(c["severity"]), c["id"]))
    by_severity = {sev: sum(1 for c in ordered if c["severity"] == sev) for sev in order}
    return {"root_causes": ordered, "by_severity": by_severity,
            "errata": sum(len(c["errata"]) for c in ordered)}


def select(only: Iterable[str] | None) -> list[Lemma]:
    lemmas = load_all()
    if not only:
        return list(lemmas.values())
    missing = [i for i in only if i not in lemmas]
    if missing:
        raise KeyError(f"no statement {missing}; `python -m proofs_checks list` lists them")
    return [lemmas[i] for i in only]


def run_all(profile_name: str = "quick", only: Iterable[str] | None = None, jobs: int = 1,
            on_done: Callable[[dict[str, Any]], None] | None = None,
            seed: int | None = None, hints: dict[str, float] | None = None,
            scheduler: str | None = None) -> dict[str, Any]:
    """Run the selected statements; a KeyboardInterrupt returns what finished, marked incomplete.

    ``hints`` (statement id -> seconds of an earlier run) orders the parallel work, slowest first.

    ``seed`` fixes the Hypothesis seed of a non-derandomized profile (``deep``); without it a
    random one is drawn, and either way it is recorded in ``meta.environment.seed``.

    ``scheduler``: the address of a Dask distributed scheduler; each statement is then a task on
    its cluster (proofs_checks.distributed) and ``jobs`` is not used.
    """
    profile = get_profile(profile_name, seed)
    lemmas = select(only)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    complete = True
    # slowest first (by a previous run's times, when given) keeps every process busy
    todo = sorted(((lemma.id, profile.name, profile.seed) for lemma in lemmas),
                  key=lambda job: -(hints or {}).get(job[0], 0.0))

    def finished(res: dict[str, Any]) -> None:
        results[res["id"]] = res
        if on_done:
            on_done(res)

    try:
        if scheduler:
            from proofs_checks.distributed import run_on_cluster

            for res in run_on_cluster(scheduler, todo):
                finished(res)
        else:
            # every statement runs in a fresh fork of this process: a state machine's step count
            # depends on what ran in the process before it, so a shared worker would make the
            # report depend on the order statements reached it (and on --jobs)
            pool = multiprocessing.get_context("fork").Pool(max(1, jobs), initializer=_worker_init,
                                                           maxtasksperchild=1)
            try:
                for res in pool.imap_unordered(_run_job, todo):
                    finished(res)
                pool.close()
            except BaseException:
                pool.terminate()
                raise
            finally:
                pool.join()
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
                 # None: every statement of the registry was selected (a full run)
                 "only": [lemma.id for lemma in lemmas] if only else None,
                 "environment": environment(profile, jobs, scheduler)},
        "summary": {"counts": dict(sorted(counts.items())),
                    "as_expected": sum(r["ok"] for r in ordered),
                    "not_as_expected": [r["id"] for r in ordered if not r["ok"]],
                    "errata": errata_summary(ordered)},
        "lemmas": ordered,
        "graph": theorem_graph(ordered),
    }


def theorem_graph(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The theorem graph of this run (proofs_checks.theorem_graph): statuses from ``entries``;
    a statement that did not run counts as unsupported."""
    from proofs_checks.theorem_graph import build_graph
    from spec.registry import load_assumptions

    return build_graph(load_all(), load_assumptions(), {e["id"]: e for e in entries})
