"""``make bench``: run the benchmarks and write the report's measurement files.

    python -m benchmarks.run_all [--only dynamic poly poly-exact poly-scaling poly-radius ledger real]
                                 [--quick] [--threads N]

writes ``benchmarks/results.json`` (dynamic maintenance, polynomial attention against FAVOR+ and
the Taylor map), ``benchmarks/poly_results.json`` (AS Algorithm 1 against exact attention: numpy,
and XLA through JAX with the ``[bench]`` extra), ``benchmarks/poly_scaling_results.json`` (its
time exponent and peak memory up to n = 2^20), ``benchmarks/poly_radius_results.json`` (degree
and rank saved by the norm radius),
``benchmarks/ledger_results.json`` (the ledger's overhead) and ``benchmarks/real_results.json``
(all-MiniLM-L6-v2; skipped with a message when the ``[real]`` extra is missing).  BLAS runs
single-threaded by default: the machine's cores are shared, and multi-threaded OpenBLAS on a busy
core makes small products erratic (a (4096 x 64)(64 x 64) product was measured 15x slower with
two threads than with one under load).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from functools import partial
from pathlib import Path
from typing import Any, Callable

from benchmarks import ROOT, THREAD_VARS, log

ALL = ("dynamic", "poly", "poly-exact", "poly-scaling", "poly-radius", "ledger", "real")
#: the benchmarks run through their own command line (each writes its own file, named in the module
#: docstring): module and its arguments under --quick
COMMANDS = {
    "poly-exact": ("poly_vs_exact", ["--min-exp", "8", "--max-exp", "10", "--repeats", "1"]),
    "poly-scaling": ("poly_scaling", ["--min-exp", "8", "--max-exp", "10", "--repeats", "1"]),
    "poly-radius": ("poly_radius", ["--quick"]),
    "ledger": ("ledger_overhead", ["--repeats", "3", "--ops", "1000", "--n", "256"]),
}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run_all", description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", choices=list(ALL), default=list(ALL))
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run, figures meaningless)")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1; 0 leaves the default)")
    ap.add_argument("--out", default=str(ROOT / "results.json"))
    ap.add_argument("--real-out", default=str(ROOT / "real_results.json"))
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.threads > 0:
        if "numpy" in sys.modules:
            log("note: numpy was imported before the BLAS thread count could be set")
        for v in THREAD_VARS:
            os.environ[v] = str(args.threads)
    import json

    from benchmarks import machine, write_sections

    mach = machine()
    t0 = time.perf_counter()
    failed: list[str] = []
    only = set(args.only)

    def save(new_sections: list, key: str, raw_part: dict) -> None:
        """Merge into results.json now, so that a later failure loses nothing."""
        path = Path(args.out)
        old_sections, old_raw = [], {}
        if path.exists():
            try:
                data = json.loads(path.read_text())
                old_sections, old_raw = data["sections"], data.get("raw", {})
            except (OSError, ValueError, KeyError, TypeError):
                pass
        ids = {s["id"] for s in new_sections}
        kept = [s for s in old_sections if s["id"] not in ids and s["id"] in keep_ids]
        raw = {k: v for k, v in old_raw.items() if k in keep_raw}
        raw[key] = raw_part
        keep_ids.update(ids)
        keep_raw.add(key)
        write_sections(path, kept + new_sections, machine=mach, raw=raw)
        log(f"wrote {path}")

    # a partial run (--only) keeps the other benchmark's sections from the previous run
    keep_ids: set = set()
    keep_raw: set = set()
    if not {"dynamic", "poly"} <= only and Path(args.out).exists():
        try:
            data = json.loads(Path(args.out).read_text())
            keep_ids = {s["id"] for s in data["sections"]}
            keep_raw = set(data.get("raw", {}))
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def attempt(name: str, work: Callable[[], None]) -> None:
        """Run one benchmark; a failure is reported and the other benchmarks go on."""
        t = time.perf_counter()
        try:
            work()
        except Exception:  # report and go on with the other benchmarks
            failed.append(name)
            log(f"{name}: FAILED\n{traceback.format_exc()}")
        log(f"{name}: {time.perf_counter() - t:.0f} s")

    def into_results(name: str, module: Any, cfg: Any) -> None:
        res = module.run(cfg)
        save(module.sections(res, mach), name, res)

    def dynamic() -> None:
        from benchmarks import dynamic_bench

        cfg = dynamic_bench.DynamicConfig()
        if args.quick:
            cfg = dynamic_bench.DynamicConfig(ns=(256, 512), repeats=2, min_ops=200, max_ops={256: 400, 512: 400},
                                              naive_direct_n=256, naive_direct_ops=40, headline_n=512)
        into_results("dynamic", dynamic_bench, cfg)

    def poly() -> None:
        from benchmarks import poly_compare

        into_results("poly", poly_compare, poly_compare.PolyConfig.quick() if args.quick else poly_compare.PolyConfig())

    def real() -> None:
        from benchmarks import real_report

        res = real_report.run(real_report.RealConfig.quick() if args.quick else real_report.RealConfig())
        if res is None:
            log(f"real: skipped ({real_report.SKIP_REASON[0]})")
        else:
            write_sections(Path(args.real_out), real_report.sections(res, mach), machine=mach, raw=res)
            log(f"wrote {args.real_out}")

    def command(module: str, quick_args: list[str]) -> None:
        importlib.import_module(f"benchmarks.{module}").main(quick_args if args.quick else [])

    own = {"dynamic": dynamic, "poly": poly, "real": real}
    for name in ALL:
        if name in only:
            attempt(name, own[name] if name in own else partial(command, *COMMANDS[name]))
    log(f"total {time.perf_counter() - t0:.0f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
