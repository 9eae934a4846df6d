"""Ledger overhead: a 10,000-operation workload at n = 1024, d = 64, ledger on against off.

Both variants run the same operations in interleaved repeats in one process; the figure is the
ratio of medians of CPU time (``time.process_time``, as the other benchmarks: waiting for a shared
core is not counted), with the machine's load at the start.  Writes benchmarks/ledger_results.json (report sections format).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from impl.dynamic import DynamicAttention

OUT = Path(__file__).with_name("ledger_results.json")


def workload(ops: int, n: int, d: int, seed: int = 0) -> list[tuple]:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(["update_k", "update_v", "query"], size=ops, p=[0.25, 0.25, 0.5])
    return [(str(k), int(rng.integers(n)), int(rng.integers(d)), float(rng.normal(scale=0.1))) for k in kinds]


def run_once(Q, K, V, ops, ledger: bool) -> float:
    S = DynamicAttention(Q, K, V, a=0.5, ledger=ledger)
    start = time.process_time()
    for name, i, j, delta in ops:
        if name == "query":
            S.query(i, j)
        else:
            getattr(S, name)(i, j, delta)
    return time.process_time() - start


def main(ops: int = 10_000, n: int = 1024, d: int = 64, repeats: int = 9) -> dict:
    rng = np.random.default_rng(1)
    Q, K, V = rng.normal(size=(3, n, d)) / np.sqrt([np.sqrt(d), np.sqrt(d), 1.0])[:, None, None]
    seq = workload(ops, n, d)
    load = os.getloadavg()[0]
    on, off = [], []
    for _ in range(repeats):                      # interleaved, so drift in machine load hits both
        off.append(run_once(Q, K, V, seq, False))
        on.append(run_once(Q, K, V, seq, True))
    ratio = float(np.median(on) / np.median(off))
    result = {"sections": [{
        "id": "ledger-overhead", "title": "Ledger overhead (bound bookkeeping)",
        "summary": (f"{ops:,} operations (25% update_k, 25% update_v, 50% query) at n = {n}, d = {d}, "
                    f"a = 0.5, {repeats} interleaved repeats, CPU time: median {np.median(on):.3f} s with the "
                    f"ledger, {np.median(off):.3f} s without, overhead {100 * (ratio - 1):+.1f}% "
                    f"(goal: under 5%). Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
                    f"Python {platform.python_version()}, 1-min load {load:.1f} at the start."),
        "tables": [{"title": "Ledger on against off", "columns": ["variant", "median s", "runs (s)"],
                    "rows": [["ledger on", round(float(np.median(on)), 4), ", ".join(f"{x:.3f}" for x in on)],
                             ["ledger off", round(float(np.median(off)), 4), ", ".join(f"{x:.3f}" for x in off)],
                             ["ratio on/off", round(ratio, 4), ""]]}]}]}
    OUT.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    print(main()["sections"][0]["summary"])
