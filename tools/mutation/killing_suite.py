"""The killing suite: the checks a mutant must get through, and running them in one process.

The suite is, in order: the test modules ``first_tests`` of ``suite.toml``, the statements whose
registry tags hold ``tag`` (``mutation-suite``), in the registry's order, each with every check
that runs ``impl`` (not the spec-only kinds of ``spec_only_checks``, nor ``skipped_checks``) and
expecting its recorded outcome, then the test modules ``last_tests``.  The first item that does
not come out as expected kills the mutant.

The unmutated run (the baseline) also records which target modules each item (a statement, a
group of test modules) runs a function of (``sys.settrace``, calls only); a mutant inside a
function of module ``m`` is then checked only by the items that ran ``m``.  A mutant outside
every function (a constant, a class body) can reach any caller, and is checked by all of them.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomllib

if TYPE_CHECKING:
    from tools.mutation.mutants import Mutant
    from tools.mutation.snapshot import Snapshot

CONFIG = Path(__file__).with_name("suite.toml")


def load_config(path: Path = CONFIG) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class Item:
    kind: str                     # "pytest" or "statement"
    name: str                     # the statement id, or the test module
    files: tuple[str, ...] = ()

    def label(self) -> str:
        return self.name


@dataclass
class Plan:
    """What a child runs: the items (a test module or a statement each), the checks left out, and
    (after the baseline) which target modules each item runs."""

    items: list[Item]
    skipped_checks: dict[str, str]            # "id :: check name" -> why
    spec_only_checks: tuple[str, ...]
    relevance: dict[str, list[str]] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Plan":
        items = [Item(i["kind"], i["name"], tuple(i["files"])) for i in data["items"]]
        return cls(items, dict(data["skipped_checks"]), tuple(data["spec_only_checks"]),
                   data.get("relevance"), dict(data.get("seconds", {})))

    def relevant(self, item: Item, module: str | None, toplevel: bool) -> bool:
        if module is None or toplevel or self.relevance is None:
            return True
        return module in self.relevance.get(item.name, ())


def skipped_key(lemma_id: str, check_name: str) -> str:
    return f"{lemma_id} :: {check_name}"


def tagged_statements(tag: str) -> list[str]:
    """The ids of the registry's statements tagged ``tag``, in registry order (imports spec)."""
    from spec.registry import load_all

    return [lid for lid, lemma in load_all().items() if tag in lemma.tags]


def make_plan(config: dict[str, Any], statements: list[str]) -> Plan:
    tests = [Item("pytest", f, (f,)) for f in config["first_tests"]]
    tests_last = [Item("pytest", f, (f,)) for f in config["last_tests"]]
    skipped = {skipped_key(s["statement"], s["check"]): s["why"] for s in config.get("skipped_check", [])}
    return Plan(tests + [Item("statement", lid) for lid in statements] + tests_last, skipped,
                tuple(config["spec_only_checks"]))


class _FirstFailure:
    """pytest plugin: remember the first failing test."""

    def __init__(self) -> None:
        self.failed: str | None = None

    def pytest_runtest_logreport(self, report) -> None:  # noqa: ANN001
        if report.failed and self.failed is None:
            self.failed = report.nodeid


def _run_tests(item: Item, base: Path) -> str:
    import pytest

    plugin = _FirstFailure()
    code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--rootdir",
                        str(base), *[str(base / f) for f in item.files]], plugins=[plugin])
    return "" if code == 0 else (plugin.failed or f"pytest exit {code}")


def _run_statement(item: Item, plan: Plan, lemmas: dict[str, Any], profile: Any) -> str:
    from proofs_checks.engines import engine_for
    from proofs_checks.results import COUNTEREXAMPLE, PASSED

    if item.name not in lemmas:
        return f"{item.name}: no such statement in the registry"
    lemma = lemmas[item.name]
    want = COUNTEREXAMPLE if lemma.expect == "erratum" else PASSED
    for check in lemma.checks:
        if type(check).__name__ in plan.spec_only_checks:
            continue                           # identities and kernels of spec, not of impl
        if skipped_key(item.name, check.name) in plan.skipped_checks:
            continue
        res = engine_for(check).run(check, profile)
        if res.status != want:
            return f"{item.name}: {check.name} ({res.status})"
    return ""


class _Tracer:
    """Which of the target files had a function called: a trace hook that sees each call of a
    Python function and traces nothing inside it (returns None), so C calls cost nothing."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files                     # file name -> module path (impl/x.py)
        self.seen: set[str] = set()

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        rel = self.files.get(frame.f_code.co_filename)
        if rel is not None and frame.f_code.co_name != "<module>":
            self.seen.add(rel)


def run_items(plan: Plan, profile_name: str, base: Path, module: str | None = None,
              toplevel: bool = False, trace: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the plan in this process (project modules served from the snapshot ``base``).

    Returns ``{"ok": bool, "killer": first item not as expected}``; with ``trace`` (file name ->
    module path of the targets) also ``relevance`` and ``seconds`` per item."""
    from spec.profiles import get_profile
    from spec.registry import load_all

    os.environ["HYPOTHESIS_PROFILE"] = "ci"
    lemmas = load_all()
    profile = get_profile(profile_name)
    relevance: dict[str, list[str]] = {}
    seconds: dict[str, float] = {}
    for item in plan.items:
        if not plan.relevant(item, module, toplevel):
            continue
        start = time.perf_counter()
        tracer = _Tracer(trace) if trace is not None else None
        if tracer is not None:
            sys.settrace(tracer)
        try:
            killer = (_run_tests(item, base) if item.kind == "pytest"
                      else _run_statement(item, plan, lemmas, profile))
        finally:
            if tracer is not None:
                sys.settrace(None)
        seconds[item.name] = round(time.perf_counter() - start, 2)
        if tracer is not None:
            relevance[item.name] = sorted(tracer.seen)
        if killer:
            return {"ok": False, "killer": killer}
    out: dict[str, Any] = {"ok": True, "killer": ""}
    if trace is not None:
        checks = [skipped_key(i.name, c.name) for i in plan.items if i.kind == "statement"
                  and i.name in lemmas for c in lemmas[i.name].checks]
        out.update(relevance=relevance, seconds=seconds, checks=checks)
    return out


def run_mutant(snap: "Snapshot", mutant: "Mutant | None", plan: Plan, profile_name: str,
               trace: bool = False) -> dict[str, Any]:
    """In a (forked) child: serve the snapshot with ``mutant`` applied (None: the unmutated code)
    and run the plan; ``trace``: record which statements run which module (the baseline)."""
    from tools.mutation.import_hook import install
    from tools.mutation.mutants import module_name, mutated_code

    codes = {}
    for rel, text in snap.sources.items():
        filename = str(snap.base / rel)
        code = (mutated_code(rel, text, mutant.index, filename)
                if mutant is not None and rel == mutant.module else compile(text, filename, "exec"))
        codes[module_name(rel)] = (snap.base / rel, code)
    os.chdir(snap.base)
    install(codes, snap.base, snap.root)
    files = {str(snap.base / rel): rel for rel in snap.sources} if trace else None
    if mutant is None:
        return run_items(plan, profile_name, snap.base, trace=files)
    return run_items(plan, profile_name, snap.base, mutant.module, mutant.toplevel)
