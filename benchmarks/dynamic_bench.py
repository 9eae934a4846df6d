"""DA's lazy structure (impl.dynamic.DynamicAttention) against eager and naive maintenance.

Four operation mixes (fractions of update_k / update_v / query), i.i.d. random operations with a
fixed seed, ``Q, K, V`` standard normal, ``scale = 1/sqrt(d)``, deltas uniform in ``[-0.05, 0.05]``:

    K-heavy      0.80 / 0.10 / 0.10
    V-heavy      0.10 / 0.80 / 0.10
    query-heavy  0.10 / 0.10 / 0.80
    50/50        0.25 / 0.25 / 0.50   (half updates, split evenly between K and V; half queries)

Each structure is built once per ``n``; each timed window starts with nothing pending, runs ``L``
operations and ends with an explicit ``recompute()`` (timed), so every update in the window is
fully paid for.  ``L`` covers two lazy cycles of the rarer update kind where that fits under a cap
(the windows table says how many recomputes each window held).  Within a repeat the structures
take turns on prefixes of the same stream (the order rotates between repeats).  Figures are
medians of repeats, in CPU microseconds per operation (``benchmarks.clock``).

NaiveAttention recomputes everything at the first query after an update, O(n^2 d): it is timed per
component on a few operations (an update of K, of V, a query after an update, a query on the cached
result) and extrapolated per operation of i.i.d. mixes as
``fK tK + fV tV + fQ ((1 - fQ) t_full + fQ t_cached)`` (a query needs a full recompute exactly when
the operation before it was an update).  At the smallest ``n`` a direct run checks the model.

The floor of an operation is the arithmetic DA says it cannot avoid, at this machine's measured
speeds: a key update evaluates ``n`` exponentials (timed as ``np.exp`` on an n-vector) and every
update is one column of a recompute's ``(n x p)(p x d)`` product, ``2 n d`` flops at the best GEMM
rate measured for ``p = ceil(n^a)``; a query's floor is taken as 0.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks import clock, fmt, log, machine, machine_note
from impl.attention import attention
from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.threshold import lazy_threshold

WORKLOADS: dict[str, tuple[float, float, float]] = {
    "K-heavy": (0.80, 0.10, 0.10),
    "V-heavy": (0.10, 0.80, 0.10),
    "query-heavy": (0.10, 0.10, 0.80),
    "50/50": (0.25, 0.25, 0.50),
}
A_VALUES = (0.25, 0.5, 0.75, 1.0)
DELTA = 0.05


@dataclass
class DynamicConfig:
    ns: tuple[int, ...] = (1024, 2048, 4096, 8192)
    d: int = 64
    a_values: tuple[float, ...] = A_VALUES
    repeats: int = 3
    #: smallest and largest window (operations) per n; the window aims at two lazy cycles
    min_ops: int = 800
    max_ops: dict[int, int] = field(default_factory=lambda: {1024: 6000, 2048: 4000, 4096: 3000, 8192: 2000})
    #: operations per Naive component timing (few: a query after an update is O(n^2 d))
    naive_full_repeats: dict[int, int] = field(default_factory=lambda: {1024: 5, 2048: 3, 4096: 3, 8192: 2})
    naive_update_ops: int = 40
    #: n at which Naive is also run directly on a stream of operations, and how many
    naive_direct_n: int | None = 1024
    naive_direct_ops: int = 200
    check_outputs: bool = True
    seed: int = 20240601
    headline_n: int = 4096
    workloads: tuple[str, ...] = tuple(WORKLOADS)


# ----------------------------------------------------------------------------- operation streams
def op_stream(n: int, d: int, fracs: tuple[float, float, float], length: int, seed: int):
    """Lists (kind, i, j, delta) of plain Python numbers; kind 0 = update_k, 1 = update_v, 2 = query."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(3, size=length, p=np.asarray(fracs) / sum(fracs))
    return (kinds.tolist(), rng.integers(0, n, length).tolist(), rng.integers(0, d, length).tolist(),
            rng.uniform(-DELTA, DELTA, length).tolist())


def run_ops(S: Any, ops, length: int) -> None:
    """Apply the first ``length`` operations of ``ops`` to ``S`` (the timed loop)."""
    kinds, rows, cols, deltas = ops
    uk, uv, q = S.update_k, S.update_v, S.query
    for t in range(length):
        k = kinds[t]
        if k == 2:
            q(rows[t], cols[t])
        elif k == 0:
            uk(rows[t], cols[t], deltas[t])
        else:
            uv(rows[t], cols[t], deltas[t])


def shadow_apply(K: np.ndarray, V: np.ndarray, ops, length: int) -> None:
    """Apply the same updates to plain copies of K and V (in order, as the structures round)."""
    kinds, rows, cols, deltas = ops
    for t in range(length):
        if kinds[t] == 0:
            K[rows[t], cols[t]] += deltas[t]
        elif kinds[t] == 1:
            V[rows[t], cols[t]] += deltas[t]


def lazy_cycles(ops, length: int, T: int) -> tuple[int, int]:
    """Recomputes a structure with threshold ``T`` triggers on the window (by K, by V)."""
    kinds = ops[0]
    ck = cv = rk = rv = 0
    for t in range(length):
        if kinds[t] == 0:
            ck += 1
        elif kinds[t] == 1:
            cv += 1
        else:
            continue
        if ck == T:
            rk, ck, cv = rk + 1, 0, 0
        elif cv == T:
            rv, ck, cv = rv + 1, 0, 0
    return rk, rv


def _seed(cfg: DynamicConfig, n: int, workload: str, rep: int) -> int:
    """Deterministic per (n, workload, repeat): the same stream for every structure."""
    return cfg.seed + 1000 * n + 100 * list(WORKLOADS).index(workload) + rep


def window_length(cfg: DynamicConfig, n: int, T: int, fracs: tuple[float, float, float]) -> int:
    fmin = min(f for f in fracs[:2] if f > 0)
    want = math.ceil(2 * T / fmin)
    cap = cfg.max_ops.get(n, max(cfg.max_ops.values()) if cfg.max_ops else want)
    return int(min(max(want, cfg.min_ops), max(cap, 1)))


# ---------------------------------------------------------------------------------- the floor
def measure_floor(n: int, d: int, a_values, repeats: int = 5) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, n)
    y = np.empty(n)
    reps = max(50, 200000 // n)

    def exps():
        for _ in range(reps):
            np.exp(x, out=y)

    t_exp = statistics.median(median_time_list(exps, repeats)) / reps
    rates = {}
    for a in a_values:
        p = lazy_threshold(n, a)
        L = rng.standard_normal((n, p))
        R = rng.standard_normal((p, d))
        inner = max(1, int(2e7 // (2 * n * p * d)))

        def gemm(L=L, R=R, inner=inner):
            for _ in range(inner):
                L @ R

        t = statistics.median(median_time_list(gemm, repeats)) / inner
        rates[p] = 2.0 * n * p * d / t
    best_p = max(rates, key=rates.get)
    gemm_col = 2.0 * n * d / rates[best_p]
    return {"n": n, "exp_seconds": t_exp, "gemm_rates": rates, "best_p": best_p,
            "gemm_column_seconds": gemm_col, "k_floor": t_exp + gemm_col, "v_floor": gemm_col}


def median_time_list(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = clock()
        fn()
        out.append(clock() - t)
    return out


def floor_per_op(fl: dict[str, Any], fracs) -> float:
    return fracs[0] * fl["k_floor"] + fracs[1] * fl["v_floor"]


# ---------------------------------------------------------------------------------- structures
def time_workload(structs: list[dict[str, Any]], n: int, d: int, cfg: DynamicConfig, w: str,
                  windows: list[dict[str, Any]]) -> None:
    """Median CPU microseconds per operation of every structure on workload ``w``.

    The structures take turns within each repeat (the order rotates between repeats), so that a
    change of the machine's load falls on all of them; all see prefixes of the same stream."""
    fracs = WORKLOADS[w]
    per_op: dict[str, list[float]] = {s["label"]: [] for s in structs}
    cyc: dict[str, list[int]] = {s["label"]: [0, 0] for s in structs}
    for rep in range(cfg.repeats):
        Lmax = max(window_length(cfg, n, s["T"], fracs) for s in structs)
        ops = op_stream(n, d, fracs, Lmax, seed=_seed(cfg, n, w, rep))
        k = rep % len(structs)
        for s in structs[k:] + structs[:k]:
            S, L = s["S"], window_length(cfg, n, s["T"], fracs)
            S.recompute()  # nothing pending at the start of the window (untimed)
            t0 = clock()
            run_ops(S, ops, L)
            S.recompute()  # every update in the window paid for
            per_op[s["label"]].append((clock() - t0) / L)
            shadow_apply(s["K"], s["V"], ops, L)
            if s["T"] > 1:
                rk, rv = lazy_cycles(ops, L, s["T"])
                cyc[s["label"]][0] += rk
                cyc[s["label"]][1] += rv
    for s in structs:
        lab = s["label"]
        us = statistics.median(per_op[lab]) * 1e6
        s["us"][w] = us
        L = window_length(cfg, n, s["T"], fracs)
        windows.append({"workload": w, "n": n, "structure": lab, "threshold": s["T"], "ops": L,
                        "recomputes_by_K": cyc[lab][0] / cfg.repeats, "recomputes_by_V": cyc[lab][1] / cfg.repeats,
                        "us_per_op": us, "spread": [min(per_op[lab]) * 1e6, max(per_op[lab]) * 1e6]})
        log(f"  n={n} {lab:>12} {w:>11}: {us:9.1f} us/op (L={L}, recomputes K {cyc[lab][0]} V {cyc[lab][1]})")


def _check(S: Any, Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float) -> float:
    ref = attention(Q, K, V, scale=scale, block_rows=1024)
    return float(np.max(np.abs(S.output() - ref)))


def naive_components(n: int, d: int, Q, K, V, scale: float, cfg: DynamicConfig) -> dict[str, Any]:
    S = NaiveAttention(Q, K, V, scale=scale)
    rng = np.random.default_rng(cfg.seed + n)
    m = cfg.naive_update_ops
    rows, cols = rng.integers(0, n, m).tolist(), rng.integers(0, d, m).tolist()
    deltas = rng.uniform(-DELTA, DELTA, m).tolist()

    def upd(f):
        t = clock()
        for x in range(m):
            f(rows[x], cols[x], deltas[x])
        return (clock() - t) / m

    tK = statistics.median(upd(S.update_k) for _ in range(3))
    tV = statistics.median(upd(S.update_v) for _ in range(3))
    full = []
    for r in range(cfg.naive_full_repeats.get(n, 2)):
        S.update_v(r % n, 0, 0.01)
        t = clock()
        S.query(r % n, 1)
        full.append(clock() - t)
    t = clock()
    for x in range(m):
        S.query(rows[x], cols[x])
    cached = (clock() - t) / m
    return {"n": n, "t_update_k": tK, "t_update_v": tV, "t_full": statistics.median(full),
            "t_cached": cached, "full_measured": len(full), "update_ops": 3 * m, "cached_ops": m}


def naive_model(c: dict[str, Any], fracs) -> float:
    fK, fV, fQ = fracs
    return fK * c["t_update_k"] + fV * c["t_update_v"] + fQ * ((1 - fQ) * c["t_full"] + fQ * c["t_cached"])


def naive_direct(n: int, d: int, Q, K, V, scale: float, cfg: DynamicConfig) -> dict[str, float]:
    out = {}
    for w in cfg.workloads:
        S = NaiveAttention(Q, K, V, scale=scale)
        ops = op_stream(n, d, WORKLOADS[w], cfg.naive_direct_ops, seed=_seed(cfg, n, w, 99))
        t = clock()
        run_ops(S, ops, cfg.naive_direct_ops)
        out[w] = (clock() - t) / cfg.naive_direct_ops
    return out


# ------------------------------------------------------------------------------------ the run
def run(cfg: DynamicConfig | None = None) -> dict[str, Any]:
    """Measure everything; returns raw figures (seconds / microseconds) for :func:`sections`."""
    cfg = cfg or DynamicConfig()
    d, scale = cfg.d, 1.0 / math.sqrt(cfg.d)
    res: dict[str, Any] = {"config": {k: v for k, v in cfg.__dict__.items()}, "floor": {}, "us": {},
                           "naive": {}, "naive_direct": {}, "windows": [], "errors": {},
                           "thresholds": {}}
    for n in cfg.ns:
        rng = np.random.default_rng(cfg.seed + n)
        Q0, K0, V0 = rng.standard_normal((3, n, d))
        log(f"dynamic: n={n}: floor")
        res["floor"][n] = measure_floor(n, d, cfg.a_values)
        structs = [{"label": f"DA a={a:g}", "S": DynamicAttention(Q0, K0, V0, a=a, scale=scale),
                    "T": lazy_threshold(n, a)} for a in cfg.a_values]
        structs.append({"label": "Eager", "S": EagerAttention(Q0, K0, V0, scale=scale), "T": 1})
        for s in structs:
            s.update(K=K0.copy(), V=V0.copy(), us={})
            res["thresholds"].setdefault(n, {})[s["label"]] = s["T"]
        for w in cfg.workloads:
            time_workload(structs, n, d, cfg, w, res["windows"])
        res["us"][n] = {s["label"]: s["us"] for s in structs}
        if cfg.check_outputs:
            res["errors"][n] = {s["label"]: _check(s["S"], Q0, s["K"], s["V"], scale) for s in structs}
        del structs
        log(f"dynamic: n={n}: naive components")
        res["naive"][n] = naive_components(n, d, Q0, K0, V0, scale, cfg)
        if cfg.naive_direct_n == n:
            res["naive_direct"][n] = naive_direct(n, d, Q0, K0, V0, scale, cfg)
    return res


# -------------------------------------------------------------------------------- the sections
def _best(us_n: dict[str, dict[str, float]], w: str) -> tuple[str, float]:
    da = {k: v[w] for k, v in us_n.items() if k.startswith("DA ")}
    k = min(da, key=da.get)
    return k, da[k]


def sections(res: dict[str, Any], mach: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    mach = mach or machine()
    cfg = res["config"]
    ns = list(cfg["ns"])
    a_labels = [f"DA a={a:g}" for a in cfg["a_values"]]
    note = machine_note(mach)
    out = []
    # headline
    hn = cfg["headline_n"] if cfg["headline_n"] in ns else ns[-1]
    w = "50/50" if "50/50" in cfg["workloads"] else cfg["workloads"][0]
    best, t_best = _best(res["us"][hn], w)
    t_eager = res["us"][hn]["Eager"][w]
    t_naive = naive_model(res["naive"][hn], WORKLOADS[w]) * 1e6
    t_floor = floor_per_op(res["floor"][hn], WORKLOADS[w]) * 1e6
    goals = [
        ["Eager / DA (best a)", ">= 2", fmt(t_eager / t_best), "met" if t_eager / t_best >= 2 else "missed"],
        ["Naive (extrapolated) / DA (best a)", ">= 1000", fmt(t_naive / t_best),
         "met" if t_naive / t_best >= 1000 else "missed"],
        ["DA (best a) / floor", "<= 3", fmt(t_best / t_floor), "met" if t_best / t_floor <= 3 else "missed"],
    ]
    tables = [{"title": f"Goals: {w} workload at n = {hn}, d = {cfg['d']} (best a: {best}, {fmt(t_best)} us/op)",
               "columns": ["ratio", "goal", "measured", "status"], "rows": goals}]
    plots = []
    for wl in cfg["workloads"]:
        fr = WORKLOADS[wl]
        rows = []
        series: dict[str, list] = {lab: [] for lab in a_labels + ["Eager", "Naive (extrapolated)", "floor"]}
        for n in ns:
            us = res["us"][n]
            b, tb = _best(us, wl)
            tn = naive_model(res["naive"][n], fr) * 1e6
            tf = floor_per_op(res["floor"][n], fr) * 1e6
            rows.append([n, fmt(tf)] + [fmt(us[lab][wl]) for lab in a_labels]
                        + [fmt(us["Eager"][wl]), fmt(tn), b.replace("DA ", ""), fmt(us["Eager"][wl] / tb),
                           fmt(tn / tb), fmt(tb / tf), fmt(us["Eager"][wl] / tf)])
            for lab in a_labels + ["Eager"]:
                series[lab].append(us[lab][wl])
            series["Naive (extrapolated)"].append(tn)
            series["floor"].append(tf)
        tables.append({
            "title": f"{wl} workload (update_k / update_v / query = {fr[0]:g} / {fr[1]:g} / {fr[2]:g}): "
                     "microseconds per operation, median of repeats; Naive extrapolated from component timings",
            "columns": ["n", "floor"] + a_labels + ["Eager", "Naive (extrap.)", "best a", "Eager / DA best",
                                                   "Naive / DA best", "DA best / floor", "Eager / floor"],
            "rows": rows})
        plots.append({"title": f"{wl}: us per operation (d = {cfg['d']})", "xlabel": "n",
                      "ylabel": "microseconds per operation", "x": ns, "series": series,
                      "logx": True, "logy": True, "base2": True})
    summary = (
        f"DA's lazy structure (DynamicAttention, threshold ceil(n^a)) against EagerAttention (rank-1 "
        f"maintenance) and NaiveAttention (recompute at the first query after an update), d = {cfg['d']}, "
        f"i.i.d. operation mixes, medians of {cfg['repeats']} windows; each window starts with nothing pending "
        f"and ends with a timed recompute(). On the {w} workload at n = {hn} the best DA ({best}) takes "
        f"{fmt(t_best)} us/op: {fmt(t_eager / t_best)}x faster than Eager, {fmt(t_naive / t_best)}x faster "
        f"than Naive (extrapolated), {fmt(t_best / t_floor)}x the floor. {note}")
    out.append({"id": "bench-dynamic", "title": "Dynamic attention maintenance: DA against eager and naive",
                "summary": summary, "tables": tables, "plots": plots})

    # floor details, naive components, windows
    frows = []
    for n in ns:
        f = res["floor"][n]
        by_p = sorted(f["gemm_rates"].items(), key=lambda kv: int(kv[0]))
        rates = ", ".join(f"p={p}: {r / 1e9:.1f}" for p, r in by_p)
        frows.append([n, fmt(f["exp_seconds"] * 1e6), rates, int(f["best_p"]), fmt(f["gemm_column_seconds"] * 1e6),
                      fmt(f["k_floor"] * 1e6), fmt(f["v_floor"] * 1e6)])
    nrows = []
    for n in ns:
        c = res["naive"][n]
        nrows.append([n, fmt(c["t_update_k"] * 1e6), fmt(c["t_update_v"] * 1e6), fmt(c["t_full"] * 1e6),
                      c["full_measured"], fmt(c["t_cached"] * 1e6)]
                     + [fmt(naive_model(c, WORKLOADS[wl]) * 1e6) for wl in cfg["workloads"]])
    dtables = [
        {"title": "Floor components (microseconds): n exponentials (np.exp on an n-vector) and one column "
                  "(2 n d flops) of the recompute GEMM at the best rate measured (GFLOP/s per p = ceil(n^a))",
         "columns": ["n", "n exps", "GEMM rate (GFLOP/s) at (n x p)(p x d)", "best p", "GEMM column",
                     "floor update_k", "floor update_v"], "rows": frows},
        {"title": "NaiveAttention components (microseconds) and the extrapolation per operation "
                  "fK tK + fV tV + fQ((1 - fQ) t_full + fQ t_cached); t_full measured on few queries",
         "columns": ["n", "update_k", "update_v", "query after update (t_full)", "t_full samples",
                     "query, cached"] + [f"{wl} (extrap.)" for wl in cfg["workloads"]], "rows": nrows},
    ]
    if res["naive_direct"]:
        drows = []
        for n, dd in res["naive_direct"].items():
            for wl, t in dd.items():
                m = naive_model(res["naive"][n], WORKLOADS[wl])
                drows.append([n, wl, cfg["naive_direct_ops"], fmt(t * 1e6), fmt(m * 1e6), fmt(t / m)])
        dtables.append({"title": "Check of the Naive extrapolation: a direct run on a stream of operations",
                        "columns": ["n", "workload", "ops", "direct us/op", "extrapolated us/op", "direct / extrap."],
                        "rows": drows})
    wrows = [[r["workload"], r["n"], r["structure"], r["threshold"], r["ops"], fmt(r["recomputes_by_K"]),
              fmt(r["recomputes_by_V"]), fmt(r["us_per_op"]), f"{fmt(r['spread'][0])} - {fmt(r['spread'][1])}"]
             for r in res["windows"]]
    dtables.append({"title": "Timed windows: operations per window and recomputes triggered in it (mean per "
                             "window; 0 for a = 1 when the window holds less than a lazy cycle, whose cost is "
                             "then paid by the final recompute), median and range over repeats",
                    "columns": ["workload", "n", "structure", "threshold", "ops", "recomputes by K",
                                "recomputes by V", "us/op (median)", "range"], "rows": wrows})
    if res["errors"]:
        erows = [[n] + [fmt(res["errors"][n].get(lab)) for lab in a_labels + ["Eager"]] for n in res["errors"]]
        dtables.append({"title": "Correctness after all windows: max |output() - impl.attention| on the final Q, K, V",
                        "columns": ["n"] + a_labels + ["Eager"], "rows": erows})
    out.append({"id": "bench-dynamic-details",
                "title": "Dynamic attention maintenance: floor, naive components, windows",
                "summary": "How the figures of the dynamic benchmark were obtained. " + note, "tables": dtables})
    return out
