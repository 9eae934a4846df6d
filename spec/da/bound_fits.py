"""Measured operation counts against n, with fitted log-log exponents beside the claimed ones.

For n = 2^6 ... 2^12 (quick: 2^6 ... 2^10), d = 8 and a in {0.25, 0.5, 0.75, 1}: Init; the
amortized cost of a stream of key updates and of value updates (through several recomputes); the
worst update (the one that triggers a recompute); a query with T - 1 pending updates of each kind;
an explicit recompute with T - 1 of each kind; the space.  Claimed exponents, with d fixed and
naive matrix products (T_mat(a, b, c) = a b c), from DA Lemmas 4.3-4.9 and Theorem 4.1:
Init 2; amortized update 1 (T_mat(n, n^a, d) / n^a = n d); worst update and recompute 1 + a
(T_mat(n, n^a, d)); query a (O(n^a)); space 2 (O(n^2)).

The claims are asymptotic, so the exponent is fitted over the upper part of the range,
n >= 2^8 (FIT_FROM), where the lower-order terms (the 12 n of a key update beside the
n T d of its recompute, the 4 n d of the space beside its 2 n^2) have stopped dominating; the
plots show every n.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from impl.dynamic import DynamicAttention
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample

D = 8
A_VALUES = (0.25, 0.5, 0.75, 1.0)
TOLERANCE = 0.1
FIT_FROM = 2**8


def measure(n: int, a: float, seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    Q, K, V = rng.normal(size=(3, n, D)) / np.sqrt(np.sqrt(D))
    S = DynamicAttention(Q, K, V, a=a)
    T = S.threshold
    out: dict[str, float] = {"init": S.ledger.calls[0].mul_adds, "space": S.space, "T": T}
    S.ledger.clear()
    for t in range(2 * T):                       # two full epochs of key updates
        S.update_k(t % n, t % D, 0.01)
    k_calls = S.ledger.of("update_k")
    out["update_k amortized"] = sum(c.mul_adds for c in k_calls) / len(k_calls)
    out["update (worst)"] = max(c.mul_adds for c in k_calls)
    S.ledger.clear()
    for t in range(2 * T):
        S.update_v(t % n, t % D, 0.01)
    v_calls = S.ledger.of("update_v")
    out["update_v amortized"] = sum(c.mul_adds for c in v_calls) / len(v_calls)
    S.recompute()
    for t in range(T - 1):
        S.update_k(t % n, 0, 0.01)
        S.update_v(t % n, t % D, 0.01)
    S.ledger.clear()
    S.query(0, 0)
    out["query (T-1 pending of each kind)"] = S.ledger.last().mul_adds
    S.recompute()
    out["recompute (T-1 pending of each kind)"] = S.ledger.last().mul_adds
    return out


def claimed(a: float) -> dict[str, float]:
    return {"init": 2.0, "space": 2.0, "update_k amortized": 1.0, "update_v amortized": 1.0,
            "update (worst)": 1.0 + a, "query (T-1 pending of each kind)": a,
            "recompute (T-1 pending of each kind)": 1.0 + a}


def fit_exponent(ns: Sequence[float], ys: Sequence[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(ys), 1)[0])


def exponents_match(profile: Profile) -> dict[str, Any]:
    top = 12 if profile.deep else 10
    ns = [2**k for k in range(6, top + 1)]
    rows, plots, worst = [], [], (0.0, "")
    tradeoff: dict[str, list[float]] = {}
    for a in A_VALUES:
        data = [measure(n, a) for n in ns]
        series = {}
        for name, want in claimed(a).items():
            ys = [m[name] for m in data]
            fit_ns = [n for n in ns if n >= FIT_FROM]
            got = fit_exponent(fit_ns, [y for n, y in zip(ns, ys) if n >= FIT_FROM])
            gap = abs(got - want)
            worst = max(worst, (gap, f"{name} at a = {a}"))
            rows.append([a, name, round(got, 3), want, round(gap, 3), "yes" if gap <= TOLERANCE else "NO"])
            series[f"{name} (fit {got:.2f}, claimed {want:g})"] = ys
        plots.append({"title": f"Operation counts against n, a = {a}, d = {D}", "xlabel": "n",
                      "ylabel": "multiply-adds (space: words)", "x": ns, "series": series,
                      "logx": True, "logy": True, "base2": True})
        tradeoff[f"a = {a}"] = [data[-1]["update_k amortized"], data[-1]["query (T-1 pending of each kind)"]]
    # the trade-off at the largest n, for a finer grid of a
    grid = [round(x, 2) for x in np.linspace(0.1, 1.0, 10)]
    pts = [measure(ns[-1], a) for a in grid]
    label = "DynamicAttention, a = 0.1 ... 1"
    plots.append({"title": f"Trade-off at n = {ns[-1]}: worst query against amortized key update",
                  "xlabel": "query multiply-adds (T-1 pending of each kind)",
                  "ylabel": "amortized update_k multiply-adds + recompute share per update",
                  "x_by_series": {label: [p["query (T-1 pending of each kind)"] for p in pts]},
                  "series": {label: [p["update (worst)"] / p["T"] + p["update_k amortized"] for p in pts]},
                  "logx": True, "logy": True})
    fits = evidence(
        f"Fitted log-log exponents over n = {FIT_FROM} ... {ns[-1]} (counts measured from n = {ns[0]}; d = {D}); "
        f"the largest gap to the claimed exponent is {worst[0]:.3f} ({worst[1]}), tolerance {TOLERANCE}.",
        table("Fitted against claimed exponents", ["a", "count", "fitted exponent", "claimed", "gap", "within 0.1"],
              rows),
        table(f"Trade-off at n = {ns[-1]}",
              ["a", "T", "query (T-1 pending each)", "update_k amortized", "update (worst)"],
              [[a, p["T"], p["query (T-1 pending of each kind)"], round(p["update_k amortized"], 1),
                p["update (worst)"]] for a, p in zip(grid, pts)]),
        plots=plots, examples=len(rows))
    if worst[0] > TOLERANCE:
        raise Counterexample("a fitted exponent is off by more than 0.1", gap=worst[0], where=worst[1],
                             table=rows)
    return fits
