"""The command line of ``python -m tools.mutation`` (see the package's docstring)."""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.mutation import fork_pool, record, snapshot
from tools.mutation.killing_suite import CONFIG, Plan, load_config, make_plan, run_mutant, tagged_statements
from tools.mutation.mutants import Mutant, enumerate_mutants

ROOT = Path(__file__).resolve().parents[2]

#: third-party modules imported once in the parent (and once per cluster worker), so that each
#: forked child starts warm
WARM = ("numpy", "sympy", "mpmath", "hypothesis", "hypothesis.stateful", "hypothesis.extra.numpy",
        "hypothesis.strategies", "pytest", "_pytest.python", "_pytest.assertion.rewrite",
        "fractions", "numbers")


def parse(argv: list[str] | None, config: dict[str, Any]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tools.mutation",
                                description="Mutation testing of impl/ with the spec checks as the killing suite.")
    p.add_argument("--module", nargs="+", default=list(config["modules"]), help="modules to mutate")
    p.add_argument("--jobs", type=int, default=1, help="local processes (without --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the mutants as tasks of the Dask distributed cluster at ADDRESS "
                        "(e.g. tcp://10.0.0.5:8786) instead of local processes")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    p.add_argument("--profile", default="quick")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "mutation_results.json"))
    p.add_argument("--suite", default=str(CONFIG), help="the killing suite's configuration")
    p.add_argument("--statements", nargs="+", metavar="ID",
                   help="these statements instead of those tagged in the registry")
    p.add_argument("--list", action="store_true", help="enumerate the mutants and exit")
    p.add_argument("--only", nargs="+", metavar="KEY", help="run only these mutant keys")
    p.add_argument("--only-file", metavar="FILE",
                   help="run only the mutant keys listed in FILE, one a line (keys hold spaces, "
                        "quotes and * that a shell would mangle)")
    p.add_argument("--limit", type=int, default=0, help="run at most this many (smoke test)")
    p.add_argument("--resume", action="store_true",
                   help="keep the mutants that --out records as killed (same key), run the rest")
    p.add_argument("--rev", help="take the tree from this git commit instead of the working tree")
    p.add_argument("--pin", nargs="+", default=[], metavar="FILE",
                   help="take these files from git (--pin-rev) instead of the working tree, "
                        "e.g. modules another change is editing during the run")
    p.add_argument("--pin-rev", default="HEAD")
    p.add_argument("--fresh", action="store_true", help="start a new record instead of merging into --out")
    args = p.parse_args(argv)
    if args.only_file:
        args.only = (args.only or []) + [k for k in Path(args.only_file).read_text().splitlines() if k.strip()]
    if args.jobs < 1 or args.timeout <= 0 or args.limit < 0:
        p.error("--jobs must be positive, --timeout positive, --limit at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    config = load_config(Path(argv[argv.index("--suite") + 1]) if argv and "--suite" in argv else CONFIG)
    args = parse(argv, config)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    base = snapshot.take(ROOT, args.rev, tuple(args.pin), args.pin_rev)
    # a terminated run removes its snapshot and its children like an interrupted one (finally)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        return Run(args, config, base).main()
    finally:
        shutil.rmtree(base, ignore_errors=True)


class Run:
    def __init__(self, args: argparse.Namespace, config: dict[str, Any], base: Path) -> None:
        self.args, self.config = args, config
        self.snap = snapshot.Snapshot(base, ROOT, {rel: (base / rel).read_text() for rel in args.module})
        self.out = Path(args.out) if Path(args.out).is_absolute() else ROOT / args.out
        self.equivalents = record.load_equivalents()
        self.t0 = time.monotonic()
        self.started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.run_id = f"{self.started} pid {os.getpid()}"
        self.first_write = True
        self.plan: Plan | None = None
        self.baseline_s = 0.0
        self.workers: dict[str, int] = {}             # mutants run per cluster worker

    def main(self) -> int:
        args = self.args
        self.mutants = [m for rel in args.module for m in enumerate_mutants(rel, self.snap.sources[rel])]
        if args.list:
            for m in self.mutants:
                print(f"{m.module}:{m.line}:{m.col} [{m.operator}] {m.original} -> {m.mutated}   ({m.key()})")
            print(f"{len(self.mutants)} mutants")
            return 0
        if args.only:
            wanted = set(args.only)
            self.mutants = [m for m in self.mutants if m.key() in wanted]
            unknown = wanted - {m.key() for m in self.mutants}
            if unknown:
                print("no such mutant in " + ", ".join(args.module) + ":\n  " + "\n  ".join(sorted(unknown)),
                      file=sys.stderr)
                return 2
        if args.limit:
            self.mutants = self.mutants[:args.limit]
        for name in WARM:
            importlib.import_module(name)
        if args.resume:
            self._resume()
        if not self._baseline():
            return 2
        self.to_run = [m for m in self.mutants if not m.status]
        done_count = [0]

        def done(m: Mutant, result: dict[str, Any], seconds: float) -> None:
            m.status = "timeout" if result.get("timeout") else ("survived" if result.get("ok") else "killed")
            m.killer, m.seconds = result.get("killer", ""), seconds
            done_count[0] += 1
            mark = m.status if m.status != "killed" else f"killed by {m.killer}"
            print(f"[{done_count[0]}/{len(self.to_run)}] {m.module}:{m.line} {m.original} -> {m.mutated}: "
                  f"{mark} ({m.seconds} s)", flush=True)
            if done_count[0] % 10 == 0:
                self.write(False)                   # an interrupted run keeps these

        if args.scheduler:
            from tools.mutation.dask_pool import run_distributed

            self.workers = run_distributed(args.scheduler, self.snap.base, list(args.module), self.to_run,
                                           self.plan, args.profile, args.timeout, WARM, done)
        else:
            snap, plan, profile = self.snap, self.plan, args.profile
            tasks = [(m, (lambda m=m: run_mutant(snap, m, plan, profile))) for m in self.to_run]
            fork_pool.run_pool(tasks, args.jobs, args.timeout, done)
        data = self.write(True)
        print(data["sections"][0]["summary"])
        for line in record.review(self.mutants, self.equivalents, complete=not (args.only or args.limit)):
            print(line)
        return 0

    def _resume(self) -> None:
        old = json.loads(self.out.read_text()) if self.out.exists() else {}
        recorded = {item["key"]: item for item in old.get("mutants", [])}
        for m in self.mutants:
            item = recorded.get(m.key())
            if item and item["status"] in record.KILLED:
                m.status, m.killer, m.seconds = item["status"], item["killer"], item["seconds"]
        print(f"resuming: {sum(bool(m.status) for m in self.mutants)} mutants already killed", flush=True)

    def _baseline(self) -> bool:
        """The unmutated code must pass the whole suite; it also chooses the statements (by tag,
        in the snapshot's registry) and records which modules each of them runs."""
        args, config = self.args, self.config
        print("baseline: the unmutated code must pass the whole killing suite ...", flush=True)

        def work() -> dict[str, Any]:
            from tools.mutation.import_hook import install

            install({}, self.snap.base, ROOT)
            statements = list(args.statements or tagged_statements(config["tag"]))
            if not statements:
                return {"ok": False, "statements": [], "killer": (
                    f"no statement of the registry is tagged {config['tag']!r}: the killing suite "
                    "would hold no statement (tag the records, or name them with --statements)")}
            res = run_mutant(self.snap, None, make_plan(config, statements), args.profile, trace=True)
            return res | {"statements": statements}

        res, self.baseline_s = fork_pool.run_one(work, timeout=24 * 3600.0)
        if not res.get("ok"):
            print(f"the unmutated code fails the killing suite: {res.get('killer')}", file=sys.stderr)
            return False
        self.plan = make_plan(config, res["statements"])
        self.plan.relevance, self.plan.seconds = res["relevance"], res["seconds"]
        for key in sorted(set(self.plan.skipped_checks) - set(res.get("checks", []))):
            print(f"STALE SKIPPED CHECK (no such check in the suite): {key}", flush=True)
        print(f"baseline passed in {self.baseline_s:.0f} s: "
              + ", ".join(f"{k} {v:g} s" for k, v in res["seconds"].items()), flush=True)
        return True

    def meta(self, finished: bool, old: dict[str, Any] | None) -> dict[str, Any]:
        args = self.args
        run = {"id": self.run_id, "modules": list(args.module), "only": len(args.only or ()),
               "limit": args.limit, "resume": args.resume, "started": self.started,
               "mutants_run": len(self.to_run), "profile": args.profile, "jobs": args.jobs,
               "scheduler": args.scheduler, "workers": self.workers, "timeout": args.timeout,
               "rev": args.rev,
               "suite": [i.label() for i in self.plan.items],
               "statements_from": "--statements" if args.statements else f"tag {self.config['tag']!r}",
               "relevance": self.plan.relevance,
               "duration_s": round(time.monotonic() - self.t0, 1), "baseline_s": self.baseline_s,
               "finished": finished}
        if args.pin:
            run["pinned"] = {rel: args.pin_rev for rel in args.pin}
        return {"profile": args.profile, "timeout": args.timeout, "python": platform.python_version(),
                "skipped_checks": [f"{k}: {v}" for k, v in self.plan.skipped_checks.items()],
                "runs": [r for r in record.old_runs(old) if r.get("id") != self.run_id] + [run]}

    def write(self, finished: bool) -> dict[str, Any]:
        """Merge into the record as it is now (another run may have written it meanwhile), under a
        lock; --fresh drops the old record at the first write only."""
        tag = hashlib.sha1(str(self.out.resolve()).encode()).hexdigest()[:12]
        with open(Path(tempfile.gettempdir()) / f"mutation-record-{tag}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            now = None
            if self.out.exists() and not (self.args.fresh and self.first_write):
                now = json.loads(self.out.read_text())
            merged = record.merge_record(now, self.mutants, list(self.args.module),
                                         bool(self.args.only or self.args.limit), self.config["modules"])
            data = record.sections(merged, self.meta(finished, now), self.config, self.equivalents)
            record.write_results(self.out, data)
            self.first_write = False
        return data
