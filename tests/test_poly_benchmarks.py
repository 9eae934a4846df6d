"""Smoke runs of the polynomial-attention benchmarks at tiny sizes: the report's sections format,
the baselines' answers, the crossover and the goal rows.  No time is asserted."""

import numpy as np
import pytest

from benchmarks import check_section, machine, poly_radius, poly_scaling, poly_vs_exact
from benchmarks import exact_baselines as xb
from impl.attention import attention


def test_xla_baseline_matches_exact_attention():
    if xb.xla_available() is not None:
        pytest.skip(xb.xla_available())
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(37, 8)), rng.normal(size=(29, 8)), rng.normal(size=(29, 3))
    ref = attention(Q, K, V, scale=0.3)
    out64 = xb.xla_attention("float64", 16)(Q, K, V, 0.3)       # 37 rows: the last block padded
    out32 = xb.xla_attention("float32", 16)(Q, K, V, 0.3)
    assert out64.shape == ref.shape and np.max(np.abs(out64 - ref)) < 1e-13
    assert 1e-9 < np.max(np.abs(out32 - ref)) < 1e-5              # float32 rounding, visibly
    np.testing.assert_allclose(xb.numpy_attention(8)(Q, K, V, 0.3), ref, rtol=0, atol=1e-15)


def test_single_core_pins_and_restores():
    cpu, before = xb.single_core()
    try:
        if cpu is not None:
            import os

            assert os.sched_getaffinity(0) == {cpu} and cpu in before
    finally:
        xb.restore_cores(before)
    if before:
        import os

        assert os.sched_getaffinity(0) == before


def test_crossover_interpolates_in_log_log():
    rows = [{"n": 2 ** 10, "speedup_vs_fastest_float64": 0.25, "speedup_vs_fastest_any": 0.25},
            {"n": 2 ** 12, "speedup_vs_fastest_float64": 4.0, "speedup_vs_fastest_any": 0.5},
            {"n": 2 ** 14, "speedup_vs_fastest_float64": 8.0, "speedup_vs_fastest_any": 2.0}]
    co = poly_vs_exact.crossover(rows)
    assert co["speedup_vs_fastest_float64"] == pytest.approx(2 ** 11)
    assert co["speedup_vs_fastest_any"] == pytest.approx(2 ** 13)
    assert poly_vs_exact.crossover(rows[2:])["speedup_vs_fastest_any"] == "below 16384"
    assert poly_vs_exact.crossover(rows[:1])["speedup_vs_fastest_float64"] is None


def test_poly_vs_exact_tiny_run_and_goals():
    res = poly_vs_exact.run(min_exp=6, max_exp=7, repeats=1, numpy_max_exp=6)
    for s in poly_vs_exact.sections(res, machine()):
        check_section(s)
    r6, r7 = res["rows"]
    assert r6["reference"] == "numpy float64" and "numpy float64" in r6["exact_seconds"]
    if res["parameters"]["xla"] == "ran":
        assert "numpy float64" not in r7["exact_seconds"]      # numpy's cap, XLA beyond it
    else:
        assert "numpy float64" in r7["exact_seconds"]          # numpy is then the only baseline
    assert all(r["max_abs_error"] <= r["bound_2_eps_A_norm_V"] for r in res["rows"])
    assert all(r["degree"] in (5, 6, 7) and r["fold"] is not None for r in res["rows"])
    # goal rows: the n = 2^16 and 2^13 goals appear only when measured
    fake = {"rows": [dict(r6, n=2 ** 16, speedup_vs_xla_float64=12.0), dict(r7, n=2 ** 13, speedup_vs_xla_float64=0.5)]}
    status = {g[0]: g[2] for g in poly_vs_exact.goals(fake)}
    assert status["n = 2^16: poly / XLA float64 >= 10x"] == "met"
    assert status["n = 2^13: poly at least as fast as XLA float64"] == "missed"


def test_poly_scaling_tiny_run():
    res = poly_scaling.run(min_exp=6, max_exp=7, repeats=1)
    for s in poly_scaling.sections(res, machine()):
        check_section(s)
    fixed = [r for r in res["rows"] if r["kind"] == "fixed degree"]
    assert {r["degree"] for r in fixed} == {7} and {r["rank"] for r in fixed} == {6435}
    assert all(r["output_finite"] and r["ledger_peak_bytes"] > 0 for r in res["rows"])
    assert set(res["exponents"]) == {"uniform", "fixed degree"}


def test_poly_radius_quick_tables():
    res = poly_radius.run(quick=True)
    for s in poly_radius.sections(res, machine()):
        check_section(s)
    for r in res["benchmark"]:
        assert r["norm_radius"] < r["entry_radius"] == 1.0 and r["degree_entry"] == 7
        assert r["degree_norm"] <= r["degree_entry"]
    # Gaussian rows: the entry radius is larger (far larger at scale 1/sqrt(d)); where both
    # polynomials exist the norm one has the lower degree
    assert {"scale 1/sqrt(d)" in r["input"] for r in res["gaussian"]} == {True, False}
    for r in res["gaussian"]:
        assert r["norm_radius"] < r["entry_radius"] / (3 if "sqrt" in r["input"] else 1.5)
        if isinstance(r["degree_entry"], int):
            assert r["degree_norm"] < r["degree_entry"]
