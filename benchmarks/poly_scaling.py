"""How poly_attention's time and memory grow with n (d = 8, eps = 1e-6, one pinned core).

Two input families, n = 2^14 ... 2^20:

* "uniform": Q, K, V uniform in [-1, 1] (the benchmark inputs).  The norm radius grows with n
  (the largest row norm of more rows), so the degree may step from 6 to 7 within the range;
* "fixed degree": the same with one row of Q and one of K at a corner (+-1 everywhere), so that the
  norm radius equals the entry radius 1 at every n: degree 7, rank 6435 throughout.  This is the
  algorithm's scaling at a fixed rank (the paper's O(n r) per Theorem 3.7).

Time: median CPU time of ``--repeats`` calls after one warm-up call (which certifies the
polynomial and builds the column weights and fold tables, cached after).  The time
exponent is the least-squares slope of log t against log n.  Memory: the process's peak resident
set (``ru_maxrss``) after the runs at each n, which grows with the largest n so far and includes
the interpreter, numpy and the inputs; and the words the ledger records as held at the call's
peak (impl.ledger ``space``, 8 bytes each).  Writes benchmarks/poly_scaling_results.json.
"""

from __future__ import annotations

from typing import Any

GOAL_EXPONENT = 1.1
GOAL_PEAK_BYTES = 4 * 10 ** 9


def _inputs(n: int, kind: str, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng([seed, n])
    Q, K, V = (rng.uniform(-1.0, 1.0, (n, 8)) for _ in range(3))
    if kind == "fixed degree":
        Q[0], K[0] = 1.0, -1.0
    return Q, K, V


def _peak_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024      # KiB on Linux


def run(min_exp: int = 14, max_exp: int = 20, repeats: int = 3, eps: float = 1e-6) -> dict[str, Any]:
    import numpy as np

    from benchmarks import log, median_time
    from impl.poly import poly_attention_report

    rows = []
    for e in range(min_exp, max_exp + 1):
        n = 2 ** e
        for kind in ("uniform", "fixed degree"):
            Q, K, V = _inputs(n, kind)
            # a warm-up call outside the timing: certification, column weights and fold tables
            # are cached per (radius, eps), as in repeated use
            poly_attention_report(Q, K, V, eps=eps, B=1.0)
            t, rep = median_time(lambda Q=Q, K=K, V=V: poly_attention_report(Q, K, V, eps=eps, B=1.0), repeats)
            c = rep.ledger.last()
            rows.append({"n": n, "kind": kind, "seconds": t, "degree": rep.poly.degree, "rank": rep.rank,
                         "fold": c.sizes.get("fold"), "radius": rep.radius,
                         "ledger_peak_bytes": 8 * c.space, "process_peak_rss_bytes": _peak_rss_bytes(),
                         "output_finite": bool(np.all(np.isfinite(rep.output)))})
            log(f"poly-scaling n=2^{e} {kind}: {t:.3f}s degree {rep.poly.degree} rank {rep.rank} "
                f"rss {rows[-1]['process_peak_rss_bytes'] / 2 ** 20:.0f} MiB")
    fits = {}
    for kind in ("uniform", "fixed degree"):
        pts = [(r["n"], r["seconds"]) for r in rows if r["kind"] == kind]
        fits[kind] = float(np.polyfit(np.log([p[0] for p in pts]), np.log([p[1] for p in pts]), 1)[0]) \
            if len(pts) >= 2 else None
    return {"parameters": {"d": 8, "B": 1.0, "eps": eps, "repeats": repeats, "min_exp": min_exp,
                           "max_exp": max_exp, "statistic": "median CPU time"},
            "rows": rows, "exponents": fits}


def sections(res: dict[str, Any], mach: dict[str, Any]) -> list[dict[str, Any]]:
    from benchmarks import fmt, machine_note

    rows, fits, p = res["rows"], res["exponents"], res["parameters"]
    big = [r for r in rows if r["n"] == 2 ** p["max_exp"]]
    rss = max((r["process_peak_rss_bytes"] or 0) for r in rows)
    goals = [[f"time exponent over n = 2^{p['min_exp']} .. 2^{p['max_exp']}, {k} <= {GOAL_EXPONENT}", fmt(v),
              "met" if v is not None and v <= GOAL_EXPONENT else "missed"] for k, v in fits.items()]
    goals.append([f"peak memory at n = 2^{p['max_exp']} <= 4 GB (process peak RSS)", f"{rss / 1e9:.2f} GB",
                  "met" if rss <= GOAL_PEAK_BYTES else "missed"])
    summary = (f"poly_attention at d = 8, B = 1, eps = {p['eps']}, n = 2^{p['min_exp']} .. 2^{p['max_exp']}, "
               f"{p['statistic']} of {p['repeats']}, one pinned core. Fitted time exponents: "
               + ", ".join(f"{k} {fmt(v)}" for k, v in fits.items())
               + f" (degrees of the uniform inputs: {sorted({r['degree'] for r in rows if r['kind'] == 'uniform'})}). "
               + f"At n = 2^{p['max_exp']}: " + "; ".join(f"{r['kind']} {fmt(r['seconds'])} s" for r in big)
               + f"; process peak RSS {rss / 1e9:.2f} GB. " + machine_note(mach))
    table = [[r["n"], r["kind"], r["degree"], r["rank"], r["fold"], fmt(r["radius"]), fmt(r["seconds"]),
              f"{r['ledger_peak_bytes'] / 2 ** 20:.0f}", f"{(r['process_peak_rss_bytes'] or 0) / 2 ** 20:.0f}"]
             for r in rows]
    plots = []
    for what, key, scale, ylabel in (("time", "seconds", 1, "CPU seconds"),
                                     ("memory", "process_peak_rss_bytes", 2 ** -20, "MiB")):
        series, xs = {}, {}
        for kind in ("uniform", "fixed degree"):
            pts = [(r["n"], r[key]) for r in rows if r["kind"] == kind and r[key] is not None]
            series[kind] = [v * scale for _, v in pts]
            xs[kind] = [n for n, _ in pts]
        if what == "time":
            ref = [r for r in rows if r["kind"] == "fixed degree"]
            if ref:
                n0, t0 = ref[0]["n"], ref[0]["seconds"]
                series["slope 1 through the first fixed-degree point"] = [t0 * r["n"] / n0 for r in ref]
                xs["slope 1 through the first fixed-degree point"] = [r["n"] for r in ref]
        plots.append({"title": f"poly_attention {what} against n (d = 8, eps = 1e-6)", "xlabel": "n",
                      "ylabel": ylabel, "x": xs.get("uniform", []), "series": series, "x_by_series": xs,
                      "logx": True, "logy": True, "base2": True})
    return [{"id": "bench-poly-scaling", "title": "Polynomial attention: time exponent and peak memory",
             "summary": summary,
             "tables": [{"title": "Issue 18 goals", "columns": ["goal", "measured", "status"], "rows": goals},
                        {"title": "Time and memory against n", "columns": [
                            "n", "inputs", "degree", "rank", "fold t", "radius", "CPU s", "ledger peak MiB",
                            "process peak RSS MiB"], "rows": table}],
             "plots": plots}]


def main(argv: list[str] | None = None) -> None:
    import argparse
    from pathlib import Path

    from benchmarks import exact_baselines as xb

    ap = argparse.ArgumentParser()
    ap.add_argument("--min-exp", type=int, default=14)
    ap.add_argument("--max-exp", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).with_name("poly_scaling_results.json")))
    args = ap.parse_args(argv)
    xb.measure_on_one_core(Path(args.out), lambda: run(args.min_exp, args.max_exp, args.repeats), sections)


if __name__ == "__main__":
    main()
