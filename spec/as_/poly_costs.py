"""Bound bookkeeping for AS section 3 (AS): Lemmas 3.2 and 3.4, Algorithm 1, Theorem 3.7.

Costs are the exact counts of ``impl.ledger`` (multiply-adds; products counted naively, so the
paper's T_mat(a, b, c) is a b c here), for ``Q`` (n x d), ``K`` (m x d), ``V`` (m x e) (the paper
has m = n and e = d), degree g, ``r = C(d + g, g)`` feature columns (the paper's
``r_p = C(2(g + d), 2g)`` is larger, AS-3.2), ``N = max(n, m)``, ``g' = max(g, 1)`` and ``kb``
row blocks of K (``kb <= m``).  What the ledger records (``impl.poly.poly_attention``):

    validate  = 4 (n + m) d + m e                         copies, checks, max |Q|, max |K|,
                                                          the rows' squared norms (radius)
    features  = (r - 1)(n + m) + r + g + 1                monomials of Q and K, column weights
    D         = r m + r kb + r + n r + 2 n                w~ = U1 (U2^T 1), checks (lines 7-8)
    products  = r m e + r e kb + r e + n r e + 3 m e + 3 n e   U2^T V, U1 (U2^T V), / w~ (9-11)
    exps      = 0

and ``feature_maps(X, Y, P)`` (n x d, m x d) records ``(n + m) d`` for validation plus the
construction ``(r - 1)(n + m) + n r + r + g + 1``.  The statements bound these by

    Lemma 3.2   construction   <= (2n + m) r + r + g + 1  <= 5 N r  <= 5 N r_p g'
    Lemma 3.4   features       <= (n + m) r + r + g + 1   <= 4 N r
    lines 7-8   D              <= (n + 2m + 1) r + 2n     <= 6 N r
    lines 9-11  products       <= (n + 2m + 1) r e + 3 (n + m) e  <= 4 N r e + 6 N e
    Thm 3.7     total          <= 4 N r e + 10 N r + 8 N d + 7 N e <= 19 (T_mat(N, r, max(d, e)) + N r g')
    space (not in the paper)   <= N r + r (1 + e) + 2 N d + N (4 e + 3)

(each step of a chain follows from r >= g + 1 >= 1, n + m >= 2, kb <= m and N >= n, m).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from impl.ledger import CallCost, Ledger
from impl.poly import exp_polynomial, feature_maps, poly_attention_report
from impl.poly.features import paper_rank, rank
from spec.as_.poly_inputs import GRID_EPS, attention_inputs, decode_attention, encode_attention
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample, Property


# ------------------------------------------------------------------------------ the formulas
def exact_counts(n: int, m: int, d: int, e: int, g: int, kb: int) -> dict[str, int]:
    """The multiply-adds of each part of poly_attention, as derived from Algorithm 1's shapes."""
    r = rank(d, g)
    return {"validate": 4 * (n + m) * d + m * e,
            "features": (r - 1) * (n + m) + r + g + 1,
            "D": r * m + r * kb + r + n * r + 2 * n,
            "products": r * m * e + r * e * kb + r * e + n * r * e + 3 * m * e + 3 * n * e}


def bounds(n: int, m: int, d: int, e: int, g: int) -> dict[str, tuple[str, int]]:
    """(printed form with constants, value) of every bound of AS-3.4-cost and AS-3.7-cost."""
    r, rp, N, g1 = rank(d, g), paper_rank(d, g), max(n, m), max(g, 1)
    return {
        "features": ("(n + m) r + r + g + 1", (n + m) * r + r + g + 1),
        "features (Lemma 3.4: 4 N r)": ("4 N r", 4 * N * r),
        "D": ("(n + 2m + 1) r + 2n", (n + 2 * m + 1) * r + 2 * n),
        "D (line 7: 6 N r)": ("6 N r", 6 * N * r),
        "products": ("(n + 2m + 1) r e + 3 (n + m) e", (n + 2 * m + 1) * r * e + 3 * (n + m) * e),
        "products (lines 9-11)": ("4 N r e + 6 N e", 4 * N * r * e + 6 * N * e),
        "total": ("4 N r e + 10 N r + 8 N d + 7 N e", 4 * N * r * e + 10 * N * r + 8 * N * d + 7 * N * e),
        "total (Theorem 3.7)": ("19 (T_mat(N, r, max(d, e)) + N r g')", 19 * (N * r * max(d, e) + N * r * g1)),
        "total (Theorem 3.7, paper's r)": ("19 (T_mat(N, r_p, max(d, e)) + N r_p g')",
                                            19 * (N * rp * max(d, e) + N * rp * g1)),
    }


def space_bound(n: int, m: int, d: int, e: int, g: int) -> int:
    r, N = rank(d, g), max(n, m)
    return N * r + r * (1 + e) + 2 * N * d + N * (4 * e + 3)


def construction_bound(n: int, m: int, d: int, g: int) -> dict[str, tuple[str, int]]:
    """Lemma 3.2 for feature_maps (U1 = M1 diag(W): the weights applied to every row of U1)."""
    r, rp, N, g1 = rank(d, g), paper_rank(d, g), max(n, m), max(g, 1)
    return {"construction": ("(2n + m) r + r + g + 1", (2 * n + m) * r + r + g + 1),
            "construction (5 N r)": ("5 N r", 5 * N * r),
            "construction (Lemma 3.2: 5 N r_p g')": ("5 N r_p g'", 5 * N * rp * g1)}


# ------------------------------------------------------------------------------ strategies
#: what :func:`cost_inputs` draws
SIZES = "n, m <= 12 queries / keys, d <= 4, e <= 3, B^2 <= 4, eps 1e-2 ... 1e-10, row blocks 1-5"


def cost_inputs(max_n: int = 12, max_d: int = 4):
    """``dict(Q, K, V, B, eps, block_rows)``: n, m <= max_n, d <= max_d, e <= 3, B^2 <= 4 (radius
    B^2 with scale 1/d), |V| <= 2, eps on the grid, and row blocks of 1, 2, 3 or 5 rows (or the
    default)."""
    from hypothesis import strategies as st

    inputs = attention_inputs(max_n, max_d, b_values=(0.5, 1.0, math.sqrt(2.0), 2.0), v_bounds=(2.0,))
    return st.tuples(inputs, st.sampled_from([None, 1, 2, 3, 5])).map(
        lambda pair: {**pair[0], "block_rows": pair[1]})


def counted(subject: str, predicate: Callable[[dict], None]) -> Property:
    """The check of a cost record: ``predicate`` (a ``check_*`` below) on :func:`cost_inputs`,
    named after the ``subject`` it counts."""
    return Property(f"{subject}: {SIZES}", cost_inputs, predicate, encode=encode_attention, decode=decode_attention)


# ------------------------------------------------------------------------------ predicates
def run(ex: dict) -> tuple[CallCost, Any]:
    """poly_attention_report on the example with a fresh ledger; its call and the report."""
    led = Ledger()
    rep = poly_attention_report(ex["Q"], ex["K"], ex["V"], eps=ex["eps"], B=ex["B"],
                                block_rows=ex.get("block_rows"), ledger=led)
    return led.last(), rep


def _shape(c: CallCost) -> tuple[int, int, int, int, int, int]:
    s = c.sizes or {}
    return s["n"], s["m"], s["d"], s["e"], s["g"], s["blocks_k"]


def _over(label: str, got: int, form: str, bound: int, c: CallCost) -> None:
    if got > bound:
        raise Counterexample(f"{label}: {got} multiply-adds exceed {form} = {bound}", got=got, bound=bound,
                             sizes=dict(c.sizes or {}), parts={k: list(v) for k, v in (c.parts or {}).items()})


def check_lemma34(ex: dict) -> None:
    """Lemma 3.4: U1, U2 (part "features" of poly_attention) within (n + m) r + r + g + 1 <= 4 N r,
    with no exponentials."""
    c, _ = run(ex)
    n, m, d, e, g, kb = _shape(c)
    got = c.part("features")
    if got[1]:
        raise Counterexample("the feature construction evaluates exponentials", exps=got[1])
    b = bounds(n, m, d, e, g)
    for key in ("features", "features (Lemma 3.4: 4 N r)"):
        _over(key, got[0], *b[key], c)


def check_lemma32(ex: dict) -> None:
    """Lemma 3.2 on feature_maps(Q, K, P): construction <= (2n + m) r + r + g + 1 <= 5 N r_p g'."""
    P = exp_polynomial(max(ex["B"] ** 2, 2.0 ** -30), ex["eps"])
    led = Ledger()
    U1, U2 = feature_maps(ex["Q"], ex["K"], P, scale=1.0 / ex["Q"].shape[1], ledger=led)
    c = led.last()
    sizes = c.sizes or {}
    n, m, d, g = sizes["n"], sizes["m"], sizes["d"], sizes["g"]
    if U1.shape[1] != rank(d, g):
        raise Counterexample("feature_maps has not C(d+g, g) columns", got=int(U1.shape[1]))
    built = sum(c.part(k)[0] for k in ("weights", "U1", "U2"))
    if c.exps:
        raise Counterexample("feature_maps evaluates exponentials", exps=c.exps)
    for key, (form, bound) in construction_bound(n, m, d, g).items():
        _over(key, built, form, bound, c)


def check_theorem37(ex: dict) -> None:
    """Algorithm 1 lines 7-11 and Theorem 3.7: D, products, total and space within their bounds,
    no exponentials, and the ledger does not change the output."""
    c, rep = run(ex)
    n, m, d, e, g, kb = _shape(c)
    if c.exps:
        raise Counterexample("poly_attention evaluates exponentials", exps=c.exps)
    b = bounds(n, m, d, e, g)
    parts = {k: c.part(k)[0] for k in ("validate", "features", "D", "products")}
    if sum(parts.values()) != c.mul_adds:
        raise Counterexample("the parts do not add up to the call", parts=parts, total=c.mul_adds)
    for key in ("D", "D (line 7: 6 N r)"):
        _over(key, parts["D"], *b[key], c)
    for key in ("products", "products (lines 9-11)"):
        _over(key, parts["products"], *b[key], c)
    for key in ("total", "total (Theorem 3.7)", "total (Theorem 3.7, paper's r)"):
        _over(key, c.mul_adds, *b[key], c)
    if c.space > space_bound(n, m, d, e, g):
        raise Counterexample("space above N r + r (1 + e) + 2 N d + N (4 e + 3)", space=c.space,
                             bound=space_bound(n, m, d, e, g), sizes=dict(c.sizes or {}))
    off = poly_attention_report(ex["Q"], ex["K"], ex["V"], eps=ex["eps"], B=ex["B"],
                                block_rows=ex.get("block_rows"), ledger=Ledger(enabled=False))
    if not np.array_equal(off.output, rep.output):
        raise Counterexample("the output depends on the ledger")


# ------------------------------------------------------------------------------ fitted exponents
FIT_D = 4
TOLERANCE = 0.1


def measure(n: int, d: int = FIT_D, eps: float = 1e-6, seed: int = 0) -> dict[str, int]:
    """Counts of one poly_attention call.  Q and K have entries +-1, so every row has norm sqrt(d)
    and the certificate radius (Lemma 3.3's, or a tighter norm bound) does not change with n."""
    rng = np.random.default_rng(seed)
    Q, K = rng.choice([-1.0, 1.0], size=(2, n, d))
    V = rng.uniform(-1, 1, size=(n, d))
    led = Ledger()
    rep = poly_attention_report(Q, K, V, eps=eps, B=1.0, ledger=led)
    c = led.last()
    out = {k: c.part(k)[0] for k in ("features", "D", "products")}
    out["total"] = c.mul_adds
    out["space"] = c.space
    out["r"] = rep.rank
    out["g"] = rep.poly.degree
    return out


def fit_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def exponents_match(profile: Profile) -> dict[str, Any]:
    """Counts against n (d = 4, B = 1, eps = 1e-6: g and r fixed; Theorem 3.7 with naive products
    is linear in n) and against r at n = 256 (eps = 1e-2 ... 1e-10: Lemma 3.4's n r and the
    products' n r e are linear in r)."""
    top = 14 if profile.deep else 10
    ns = [2 ** k for k in range(6, top + 1)]
    data = [measure(n) for n in ns]
    if len({x["g"] for x in data}) > 1:
        raise ValueError(f"the degree varies with n ({[x['g'] for x in data]}): a fit against n needs it fixed")
    rows, series, worst = [], {}, (0.0, "")
    # (space is tabled, not fitted: past BLOCK_ENTRIES / r rows the feature buffer stops growing)
    for key in ("features", "D", "products", "total"):
        ys = [x[key] for x in data]
        got = fit_exponent(ns, ys)
        gap = abs(got - 1.0)
        worst = max(worst, (gap, f"{key} against n"))
        rows.append([f"{key} against n", round(got, 3), 1.0, round(gap, 3), "yes" if gap <= TOLERANCE else "NO"])
        series[f"{key} (fit {got:.2f}, claimed 1)"] = ys
    by_r = [measure(256, eps=eps) for eps in GRID_EPS]
    rs = [x["r"] for x in by_r]
    series_r = {}
    for key in ("features", "products"):
        ys = [x[key] for x in by_r]
        got = fit_exponent(rs, ys)
        gap = abs(got - 1.0)
        worst = max(worst, (gap, f"{key} against r"))
        rows.append([f"{key} against r (n = 256)", round(got, 3), 1.0, round(gap, 3),
                     "yes" if gap <= TOLERANCE else "NO"])
        series_r[f"{key} (fit {got:.2f}, claimed 1)"] = ys
    fits = evidence(
        f"poly_attention counts over n = {ns[0]} ... {ns[-1]} (d = {FIT_D}, B = 1, eps = 1e-6: g = {data[0]['g']}, "
        f"r = {data[0]['r']}) and over r = {rs[0]} ... {rs[-1]} at n = 256; largest gap to the claimed exponent "
        f"{worst[0]:.3f} ({worst[1]}), tolerance {TOLERANCE}.",
        table("Fitted against claimed exponents", ["count", "fitted exponent", "claimed", "gap", "within 0.1"], rows),
        table("Measured counts (multiply-adds; space in words)",
              ["n", "g", "r", "features", "D", "products", "total", "space"],
              [[n, x["g"], x["r"], x["features"], x["D"], x["products"], x["total"], x["space"]]
               for n, x in zip(ns, data)]),
        plots=[{"title": f"poly_attention counts against n (d = {FIT_D}, r = {data[0]['r']})", "xlabel": "n",
                   "ylabel": "multiply-adds", "x": ns, "series": series,
                   "logx": True, "logy": True, "base2": True},
                  {"title": "poly_attention counts against r (n = 256)", "xlabel": "r = C(d + g, g)",
                   "ylabel": "multiply-adds", "x": rs, "series": series_r, "logx": True, "logy": True}],
        examples=len(ns) + len(rs))
    if worst[0] > TOLERANCE:
        raise Counterexample("a fitted exponent is off by more than 0.1", gap=worst[0], where=worst[1],
                             table=rows)
    return fits
