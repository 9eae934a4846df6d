"""The mutation record (``benchmarks/mutation_results.json``): merging a run into it, the score,
the report section (``proofs_checks.sections`` format) and the review of the survivors.

The record holds every mutant under ``"mutants"`` (with its key), the runs it was assembled from
(``meta.runs``) and a ``sections`` list that the report shows.  A run of some modules replaces
every mutant recorded for them; an ``--only``/``--limit`` run replaces just the mutants it ran;
the score and the tables are always computed over the whole record.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import tomllib

from tools.mutation.mutants import Mutant

EQUIVALENTS = Path(__file__).with_name("equivalents.toml")
KILLED = ("killed", "timeout")


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutant key -> why no input tells the mutant apart from the code."""
    with open(path, "rb") as f:
        return {e["key"]: e["why"] for e in tomllib.load(f).get("equivalent", [])}


def mutant_from_record(item: dict[str, Any]) -> Mutant:
    names = {f.name for f in fields(Mutant)}
    return Mutant(**{k: v for k, v in item.items() if k in names})


def merge_record(old: dict[str, Any] | None, mutants: list[Mutant], modules: list[str],
                 only: bool, order: list[str]) -> list[Mutant]:
    """The record after a run of ``modules`` (``only``: of single mutants), modules in ``order``."""
    fresh = {m.key(): m for m in mutants}
    out: list[Mutant] = []
    for item in (old or {}).get("mutants", []):
        if only:
            out.append(fresh.pop(item["key"], None) or mutant_from_record(item))
        elif item["module"] not in modules:
            out.append(mutant_from_record(item))
    out.extend(fresh.values() if only else mutants)
    rank = {rel: k for k, rel in enumerate(order)}
    return sorted(out, key=lambda m: rank.get(m.module, len(order)))   # stable: enumeration order


def old_runs(old: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The runs behind an existing record (a record written before runs were listed is one run)."""
    if not old:
        return []
    meta = old.get("meta", {})
    if "runs" in meta:
        return list(meta["runs"])
    return [{k: meta[k] for k in ("modules", "profile", "jobs", "timeout", "duration_s", "finished")
             if k in meta} | {"only": 0}]


def _totals(ms: list[Mutant], equivalents: dict[str, str]) -> dict[str, int]:
    killed = sum(m.status in KILLED for m in ms)
    equivalent = sum(m.status == "survived" and m.key() in equivalents for m in ms)
    return {"mutants": len(ms), "killed": killed,
            "survived": sum(m.status == "survived" for m in ms) - equivalent,
            "equivalent": equivalent, "not run": sum(not m.status for m in ms)}


def _score(t: dict[str, int]) -> str:
    denom = t["killed"] + t["survived"]
    return f"{100 * t['killed'] / denom:.1f}%" if denom else "n/a"


def sections(mutants: list[Mutant], meta: dict[str, Any], config: dict[str, Any],
             equivalents: dict[str, str]) -> dict[str, Any]:
    """The record's JSON: the report section of every module in it, whichever run each came from."""
    modules = list(dict.fromkeys(m.module for m in mutants))
    per_module = []
    for rel in modules:
        t = _totals([m for m in mutants if m.module == rel], equivalents)
        per_module.append([rel, *t.values(), _score(t)])
    tot = _totals(mutants, equivalents)
    per_module.append(["all", *tot.values(), _score(tot)])
    denom = tot["killed"] + tot["survived"]
    score = 100 * tot["killed"] / denom if denom else 0.0
    rows = [[f"{m.module}:{m.line}", m.scope, m.operator, f"{m.original}  ->  {m.mutated}",
             ("equivalent: " + equivalents[m.key()]) if m.key() in equivalents else "not yet explained"]
            for m in mutants if m.status == "survived"]
    last = tuple(config["last_tests"])
    by_last = [[f"{m.module}:{m.line}", m.scope, f"{m.original}  ->  {m.mutated}", m.killer]
               for m in mutants if m.status == "killed" and m.killer.startswith(last)]
    missing = [rel for rel in config["modules"] if rel not in modules]
    incomplete = ([f"{tot['not run']} mutants not run yet"] if tot["not run"] else []) + \
        (["modules not run yet: " + ", ".join(missing)] if missing else [])
    runs = meta.get("runs", [])
    total_s = sum(r.get("duration_s", 0.0) for r in runs)
    suite = runs[-1].get("suite", []) if runs else []
    chosen = (runs[-1].get("statements_from") if runs else None) or f"tag {config['tag']!r}"
    chosen = "those tagged " + chosen[4:] if chosen.startswith("tag ") else "named by " + chosen
    where = sorted({r.get("scheduler") or f"{r.get('jobs', '?')} local processes" for r in runs})
    timeouts = sorted({r.get("timeout") for r in runs if r.get("timeout")})
    profiles = sorted({r.get("profile") for r in runs if r.get("profile")})
    summary = (("" if not incomplete else "INCOMPLETE: " + "; ".join(incomplete) + ". ")
               + f"Mutation score {score:.1f}%: {tot['killed']} of {denom} non-equivalent mutants of "
               f"{len(modules)} impl modules killed ({tot['survived']} survived, {tot['equivalent']} "
               f"equivalent, {tot['mutants']} mutants in all). Killing suite of the last run: "
               + ", ".join(suite) + f" (the statements: {chosen}; the unit tests of "
               "tools/mutation/suite.toml) under the "
               + ("/".join(profiles) or "quick") + " profile, stopping at the first check that is "
               "not as expected; a mutant inside a function of a module is checked by the "
               "items (test modules, statements) whose unmutated run called a function of that "
               "module. A mutant that "
               f"crashes on import or exceeds {'/'.join(f'{t:g}' for t in timeouts) or '?'} s "
               "counts as killed. Operators: arithmetic and comparison swaps, and/or, dropped "
               "not/minus, constants n -> n+1, True/False, deleted statements; strings, "
               "docstrings, annotations and error messages are not mutated; the operation counts "
               "are computed by the ledger's helpers together with the values and are mutated "
               "like everything else. Driver: python -m tools.mutation (make mutation); the record "
               f"was assembled from {len(runs)} run{'s' if len(runs) != 1 else ''} taking "
               f"{total_s:.0f} s in all on {', '.join(where) or '?'}; the mutants in it took "
               f"{sum(m.seconds for m in mutants):.0f} process-seconds. Checks left out of the "
               "suite for time: " + ("; ".join(meta.get("skipped_checks", [])) or "none") + ".")
    tables = [{"title": "Mutants per module",
               "columns": ["module", "mutants", "killed", "survived", "equivalent", "not run", "score"],
               "rows": per_module},
              {"title": "Surviving mutants and how each is handled",
               "columns": ["where", "scope", "mutation", "change", "handled"], "rows": rows}]
    if by_last:
        tables.append({"title": "Mutants killed by the unit tests run last (" + ", ".join(last)
                                + "), which every check before let through",
                       "columns": ["where", "scope", "change", "killed by"], "rows": by_last})
    meta = dict(meta, modules=modules, finished=not incomplete, duration_s=total_s)
    return {"sections": [{"id": "mutation", "title": "Mutation testing of impl/",
                          "summary": summary, "tables": tables}],
            "meta": meta, "score": round(score, 2), "totals": tot,
            "mutants": [asdict(m) | {"key": m.key()} for m in mutants]}


def review(mutants: list[Mutant], equivalents: dict[str, str], complete: bool) -> list[str]:
    """What a review of this run's modules should look at: unexplained survivors, and
    explanations that name a killed mutant or (after a complete run) no mutant at all."""
    by_key = {m.key(): m for m in mutants}
    modules = {m.module for m in mutants}
    lines = [f"UNEXPLAINED SURVIVOR  {m.key()}" for m in mutants
             if m.status == "survived" and m.key() not in equivalents]
    for key in equivalents:
        if key.split(":", 1)[0] not in modules:
            continue
        if key not in by_key:
            if complete:
                lines.append(f"STALE EQUIVALENT (no such mutant)  {key}")
        elif by_key[key].status in KILLED:
            lines.append(f"EQUIVALENT BUT KILLED  {key}  ({by_key[key].killer})")
    return lines


def write_results(out: Path, data: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(out)
