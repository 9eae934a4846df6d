"""The certificate radius (impl.poly.radius) and the memory budget (impl.poly.budget) of poly_attention."""

import math
import time
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest

from impl.attention import attention
from impl.ledger import Ledger
from impl.poly import exp_polynomial, poly_attention, poly_attention_report
from impl.poly.budget import MAX_BYTES, fit_step, peak_bytes
from impl.poly.radius import GRID_STEPS, MIN_RADIUS, certificate_radius, entry_radius, grid_up, norm_radius


def _exact_max_logit_sq(Q, K, s):
    """max_i ||q_i||^2 max_j ||k_j||^2 s^2 in exact rational arithmetic."""
    mq = max(sum(Fraction(x) ** 2 for x in row) for row in Q)
    mk = max(sum(Fraction(x) ** 2 for x in row) for row in K)
    return Fraction(s) ** 2 * mq * mk


@pytest.mark.parametrize("seed", range(6))
def test_norm_radius_is_a_rigorous_upper_bound(seed):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 9))
    scale = float(rng.choice([1.0 / d, 0.3, -0.7, 1e-3]))
    # entries from tiny (squares underflow) to large
    mag = float(rng.choice([1e-170, 1e-3, 1.0, 1e6]))
    Q, K = mag * rng.standard_normal((7, d)), mag * rng.standard_normal((5, d))
    R = norm_radius(Q, K, scale)
    assert Fraction(R) ** 2 >= _exact_max_logit_sq(Q, K, scale)
    # and it is tight: within a few ulps of the exact value (unless the squares underflow)
    if mag > 1e-100:
        assert R <= math.sqrt(float(_exact_max_logit_sq(Q, K, scale))) * (1 + 1e-14)


@pytest.mark.parametrize("mag", [1e-100, 1e-120, 1e-150])
def test_norm_radius_when_its_square_underflows(mag):
    """s^2 Mq Mk below the smallest float while the radius itself is a normal float: the square
    root must not start from float(q) = 0 and climb by ulps (that loop never ended)."""
    Q, K = np.full((3, 4), mag), np.full((2, 4), -mag)
    R = norm_radius(Q, K, 0.25)
    assert Fraction(R) ** 2 >= _exact_max_logit_sq(Q, K, 0.25)
    assert R <= 0.25 * 4 * mag * mag * (1 + 1e-12)


def test_norm_radius_at_most_entry_radius_and_gaussian_saving():
    rng = np.random.default_rng(1)
    Q, K = rng.standard_normal((4096, 16)), rng.standard_normal((4096, 16))
    B = max(np.max(np.abs(Q)), np.max(np.abs(K)))
    rad = certificate_radius(Q, K, 0.25, B)
    assert rad.source == "norm" and rad.norm < rad.entry / 3     # ||q|| ~ 4 + ..., B ~ 4.2
    assert rad.value == grid_up(rad.norm)
    assert np.max(np.abs(0.25 * Q @ K.T)) <= rad.norm


def test_entry_radius_and_grid():
    assert entry_radius(0.125, 8, 1.0) == 1.0
    assert Fraction(entry_radius(1 / 3, 3, 1.1)) >= Fraction(1 / 3) * 3 * Fraction(1.1) ** 2
    for R in (1e-9, 0.3, 0.8, 1.0, 1.0000001, 7.3, 650.0):
        g = grid_up(R)
        k = round(GRID_STEPS * math.log2(g))
        assert g == 2.0 ** (k / GRID_STEPS) and g >= R and 2.0 ** ((k - 1) / GRID_STEPS) < R
    assert grid_up(0.0) == MIN_RADIUS and grid_up(math.inf) == math.inf


def test_poly_attention_uses_the_norm_radius_on_gaussian_inputs():
    rng = np.random.default_rng(2)
    Q, K, V = (0.5 * rng.standard_normal((300, 16)) for _ in range(3))
    rep = poly_attention_report(Q, K, V, eps=1e-3, scale=0.25)
    assert rep.radii.source == "norm" and rep.radius == grid_up(rep.radii.norm)
    entry_degree = exp_polynomial(grid_up(rep.radii.entry), 1e-3).degree
    assert rep.poly.degree < entry_degree
    err = np.max(np.abs(rep.output - attention(Q, K, V, scale=0.25)))
    assert err <= 2 * rep.poly.certified_error * np.max(np.abs(V)) + 1e-12


def test_issue17_case_is_now_feasible():
    """0.5 randn, n = 2048, d = 16, scale 1/4, eps = 0.5: the entry radius 22.4 needs degree 45
    (rank 2e14); the norm radius (2.6) needs degree 2 (rank 153)."""
    rng = np.random.default_rng(0)
    Q, K, V = (0.5 * rng.standard_normal((2048, 16)) for _ in range(3))
    t = time.perf_counter()
    rep = poly_attention_report(Q, K, V, eps=0.5, scale=0.25)
    assert time.perf_counter() - t < 10
    assert rep.radii.entry > 20 and rep.radius < 3 and rep.poly.degree <= 3
    err = np.max(np.abs(rep.output - attention(Q, K, V, scale=0.25)))
    assert err <= 2 * rep.poly.certified_error * np.max(np.abs(V))


def test_infeasible_rank_is_refused_fast_and_by_name():
    """3 randn, n = 2048, d = 16, scale 1/4, eps = 0.5: radius 95, degree >= 16, rank >= 6e8."""
    rng = np.random.default_rng(0)
    Q, K, V = (3.0 * rng.standard_normal((2048, 16)) for _ in range(3))
    led = Ledger()
    t = time.perf_counter()
    with pytest.raises(ValueError) as info:
        poly_attention(Q, K, V, eps=0.5, scale=0.25, ledger=led)
    assert time.perf_counter() - t < 10
    msg = str(info.value)
    for word in ("eps=0.5", "B=", "degree", "rank", "GB", "exact attention", "max_bytes"):
        assert word in msg, word
    assert led.calls == [] and led._open is None


def test_max_bytes_refuses_after_certification_and_shrinks_blocks():
    rng = np.random.default_rng(3)
    Q, K, V = (rng.uniform(-1, 1, (512, 8)) for _ in range(3))
    rep = poly_attention_report(Q, K, V, eps=1e-6)
    r, need_one_row = rep.rank, peak_bytes(512, 512, 8, 8, rep.rank, 1)
    with pytest.raises(ValueError, match=f"rank C\\(d \\+ g, g\\) = {r:,}"):
        poly_attention(Q, K, V, eps=1e-6, max_bytes=need_one_row - 1)
    # a limit that holds 3 rows of features: blocks of 3 rows, same output
    small = poly_attention_report(Q, K, V, eps=1e-6, max_bytes=peak_bytes(512, 512, 8, 8, r, 3))
    assert small.ledger.last().sizes["step"] == 3
    np.testing.assert_allclose(small.output, rep.output, rtol=0, atol=1e-13)
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="max_bytes"):
            poly_attention(Q, K, V, max_bytes=bad)
    with pytest.raises(TypeError, match="max_bytes"):
        poly_attention(Q, K, V, max_bytes="lots")


def test_fit_step():
    assert fit_step(10, 10, 2, 1, 100, 50, 10 ** 12) == 50
    assert fit_step(10, 10, 2, 1, 100, 50, peak_bytes(10, 10, 2, 1, 100, 7)) == 7
    assert fit_step(10, 10, 2, 1, 100, 50, 0) == 1
    assert MAX_BYTES == 4 * 2 ** 30


def test_large_feasible_rank_runs_in_bounded_memory():
    """d = 8, degree 7 (rank 6435), n = 8192: the features would be r n 8 = 422 MB if held whole;
    the call's peak stays near its block buffer (16 MB) plus the n-sized arrays."""
    rng = np.random.default_rng(4)
    n, d = 8192, 8
    Q, K, V = (rng.uniform(-1, 1, (n, d)) for _ in range(3))
    Q[0], K[0] = 1.0, 1.0                     # corners: the norm radius is the entry radius 1
    tracemalloc.start()
    try:
        rep = poly_attention_report(Q, K, V, eps=1e-6, B=1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rep.rank == 6435
    full = rep.rank * n * 8
    bound = peak_bytes(n, n, d, d, rep.rank, rep.ledger.last().sizes["step"])
    assert peak <= 1.5 * bound and peak < full / 10
