"""Degree and rank saved by the norm radius (impl.poly.radius, spec AS-radius).

poly_attention certifies its polynomial on ``grid_up(min(norm, entry))`` with the norm bound
``|s| max||q|| max||k||`` and Lemma 3.3's entry bound ``|s| d B^2``.  For three families of
inputs this module tables the degree and the rank ``C(d + g, g)`` that each bound needs:

* the benchmark inputs of benchmarks.poly_vs_exact (uniform in [-1, 1], d = 8, B = 1, eps = 1e-6),
  n = 2^10 ... 2^20;
* Gaussian rows, d in {8, 16, 32, 64}, n = 4096, eps 1e-3 and 1e-6: N(0, 1/4) with AS's scale 1/d,
  and N(0, 1) with a transformer's scale 1/sqrt(d);
* the 216 heads of all-MiniLM-L6-v2 on the paragraphs of benchmarks.real_report ([real] extra),
  eps 1e-3 and 1e-6.

The degree is exp_polynomial's at the grid radius (certified); where it refuses (float64
coefficients cannot reach eps, AS-2.2) the cell says so, and radii above the smallest refused one
are not tried (each refusal costs seconds).  Nothing here is timed.
"""

from __future__ import annotations

import math
from typing import Any

EPS = (1e-3, 1e-6)


class Degrees:
    """exp_polynomial's degree at grid radii, with the smallest refused radius per eps."""

    def __init__(self) -> None:
        self.refused: dict[float, float] = {}

    def __call__(self, radius: float, eps: float) -> int | str:
        from impl.poly import exp_polynomial
        from impl.poly.radius import grid_up

        R = grid_up(radius)
        top = self.refused.get(eps)
        if top is not None and R >= top:
            return f"not tried (above {top:.3g})"
        try:
            return exp_polynomial(R, eps).degree
        except ValueError:
            self.refused[eps] = R if top is None else min(top, R)
            return "float64 floor"


def _rank(d: int, g: int | str) -> int | None:
    return math.comb(d + g, g) if isinstance(g, int) else None


def _row(deg: Degrees, label: str, d: int, norm: float, entry: float, eps: float) -> dict[str, Any]:
    gn, ge = deg(norm, eps), deg(entry, eps)
    return {"input": label, "d": d, "eps": eps, "norm_radius": norm, "entry_radius": entry,
            "degree_norm": gn, "degree_entry": ge, "rank_norm": _rank(d, gn), "rank_entry": _rank(d, ge)}


def benchmark_rows(deg: Degrees, max_exp: int = 20, seed: int = 0) -> list[dict[str, Any]]:
    import numpy as np

    from impl.poly.radius import entry_radius, norm_radius

    rows = []
    for e in range(10, max_exp + 1, 2):
        rng = np.random.default_rng([seed, 2 ** e])           # as benchmarks.poly_vs_exact
        Q, K = (rng.uniform(-1.0, 1.0, (2 ** e, 8)) for _ in range(2))
        rows.append(_row(deg, f"uniform, n = 2^{e}", 8, norm_radius(Q, K, 1 / 8), entry_radius(1 / 8, 8, 1.0), 1e-6))
    return rows


def gaussian_rows(deg: Degrees, n: int = 4096, seed: int = 0, ds: tuple[int, ...] = (8, 16, 32, 64)
                  ) -> list[dict[str, Any]]:
    import numpy as np

    from impl.poly.radius import entry_radius, norm_radius

    rows = []
    # (sigma, scale): a transformer's 1/sqrt(d) on unit rows, and AS's exp(<q, k>/d) on rows of
    # sigma 1/2 (small logits, where both radii have a polynomial)
    for sigma, scale_of, name in ((0.5, lambda d: 1 / d, "1/d"), (1.0, lambda d: 1 / math.sqrt(d), "1/sqrt(d)")):
        for d in ds:
            rng = np.random.default_rng([seed, d])
            Q, K = sigma * rng.standard_normal((n, d)), sigma * rng.standard_normal((n, d))
            s = scale_of(d)
            B = max(float(np.max(np.abs(Q))), float(np.max(np.abs(K))))
            for eps in EPS:
                rows.append(_row(deg, f"N(0, {sigma ** 2:g}), scale {name}, n = {n}", d, norm_radius(Q, K, s),
                                 entry_radius(s, d, B), eps))
    return rows


def minilm_rows(deg: Degrees) -> tuple[list[dict[str, Any]], str | None]:
    """One row per (text, layer, head, eps), or ([], why) without the [real] extra."""
    import numpy as np

    from benchmarks.real import minilm
    from benchmarks.real_report import PARAGRAPHS
    from impl.poly.radius import entry_radius, norm_radius

    try:
        model = minilm.load_model()
    except (ImportError, FileNotFoundError) as exc:
        return [], str(exc)
    rows = []
    heads = []
    for t, text in enumerate(PARAGRAPHS):
        for li, L in enumerate(model.attention_inputs(text)):
            s = float(L["scale"])
            for h in range(L["Q"].shape[0]):
                Q, K = L["Q"][h], L["K"][h]
                B = max(float(np.max(np.abs(Q))), float(np.max(np.abs(K))))
                heads.append((f"text {t}, layer {li}, head {h}", Q.shape[1], norm_radius(Q, K, s),
                              entry_radius(s, Q.shape[1], B)))
    for eps in EPS:
        for label, d, nr, er in sorted(heads, key=lambda x: x[2]):    # small radii first
            rows.append(_row(deg, label, d, nr, er, eps))
    return rows, None


def run(quick: bool = False) -> dict[str, Any]:
    deg = Degrees()
    bench = benchmark_rows(deg, max_exp=12 if quick else 20)
    gauss = gaussian_rows(deg, n=256, ds=(8,)) if quick else gaussian_rows(deg)
    minilm, why = ([], "skipped (quick)") if quick else minilm_rows(deg)
    return {"benchmark": bench, "gaussian": gauss, "minilm": minilm, "minilm_skipped": why,
            "refused_from": {str(k): v for k, v in deg.refused.items()}}


def _saved(r: dict[str, Any]) -> str:
    gn, ge = r["degree_norm"], r["degree_entry"]
    if isinstance(gn, int) and isinstance(ge, int):
        return f"{ge - gn} degrees, rank / {r['rank_entry'] / r['rank_norm']:.3g}"
    if isinstance(gn, int):
        return "a polynomial exists only with the norm radius"
    return "-"


def _count(r: int | None) -> Any:
    return "-" if r is None else (r if r < 10 ** 6 else f"{float(r):.3g}")


def sections(res: dict[str, Any], mach: dict[str, Any]) -> list[dict[str, Any]]:
    from benchmarks import fmt

    cols = ["input", "d", "eps", "norm radius", "entry radius", "degree (norm)", "degree (entry)",
            "rank (norm)", "rank (entry)", "saved"]

    def table(rows):
        return [[r["input"], r["d"], fmt(r["eps"]), fmt(r["norm_radius"]), fmt(r["entry_radius"]),
                 r["degree_norm"], r["degree_entry"], _count(r["rank_norm"]), _count(r["rank_entry"]), _saved(r)]
                for r in rows]

    ml = res["minilm"]
    summary_ml = f"MiniLM: {res['minilm_skipped']}. " if res["minilm_skipped"] else ""
    if ml:
        for eps in EPS:
            rs = [r for r in ml if r["eps"] == eps]
            feas_n = sum(isinstance(r["degree_norm"], int) for r in rs)
            feas_e = sum(isinstance(r["degree_entry"], int) for r in rs)
            both = [r for r in rs if isinstance(r["degree_norm"], int) and isinstance(r["degree_entry"], int)]
            saved = [r["degree_entry"] - r["degree_norm"] for r in both]
            summary_ml += (f"MiniLM, eps {eps:g}: a polynomial exists for {feas_n} of {len(rs)} heads with the "
                           f"norm radius, {feas_e} with the entry radius"
                           + (f" (degrees saved where both exist: {min(saved)} to {max(saved)})" if saved else "")
                           + ". ")
    gs = [r for r in res["gaussian"] if isinstance(r["degree_norm"], int) and isinstance(r["degree_entry"], int)]
    summary_g = ""
    if gs:
        saved = [r["degree_entry"] - r["degree_norm"] for r in gs]
        ratio = [r["rank_entry"] / r["rank_norm"] for r in gs]
        summary_g = (f"Gaussian rows where both polynomials exist ({len(gs)} of {len(res['gaussian'])} rows): "
                     f"{min(saved)} to {max(saved)} degrees saved, ranks divided by {fmt(min(ratio))} to "
                     f"{fmt(max(ratio))}. ")
    b = res["benchmark"]
    summary = (f"Degree and rank of poly_attention's polynomial with the norm radius |s| max||q|| max||k|| "
               f"against Lemma 3.3's entry radius |s| d B^2 (both rounded up to the grid 2^(k/16)). Benchmark "
               f"inputs (uniform, d = 8, B = 1, eps = 1e-6): norm radii {fmt(min(r['norm_radius'] for r in b))} to "
               f"{fmt(max(r['norm_radius'] for r in b))} against 1, degrees "
               f"{sorted({r['degree_norm'] for r in b}, key=str)} against {b[0]['degree_entry']}. "
               f"{summary_g}{summary_ml}"
               f"Radii above the smallest one exp_polynomial refused are not tried.")
    tables = [{"title": "Benchmark inputs (uniform in [-1, 1], d = 8, B = 1)", "columns": cols, "rows": table(b)},
              {"title": "Gaussian rows: N(0, 1/4) with scale 1/d, N(0, 1) with scale 1/sqrt(d)", "columns": cols,
               "rows": table(res["gaussian"])}]
    if ml:
        tables.append({"title": "all-MiniLM-L6-v2 heads (d = 32, scale 1/sqrt(32)), by norm radius",
                       "columns": cols, "rows": table(ml)})
    return [{"id": "bench-poly-radius", "title": "Norm radius against entry radius: degree and rank saved",
             "summary": summary, "tables": tables}]


def main(argv: list[str] | None = None) -> None:
    import argparse
    from pathlib import Path

    from benchmarks import log, machine, write_sections

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).with_name("poly_radius_results.json")))
    args = ap.parse_args(argv)
    mach = machine()
    res = run(args.quick)
    write_sections(Path(args.out), sections(res, mach), machine=mach, raw=res)
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
