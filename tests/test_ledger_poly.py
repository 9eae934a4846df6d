"""Ledger of the polynomial method (AS section 3): exact counts on small cases, computed by hand
from the shapes of Algorithm 1, and outputs that do not depend on the ledger."""

import math

import numpy as np
import pytest

from impl.attention import attention
from impl.ledger import Ledger
from impl.poly import exp_polynomial, feature_maps, poly_attention, poly_attention_report
from spec.as_ import poly_costs

# radius B^2 = 1 (scale 1/d), eps = 1e-2: the certified polynomial has degree 3 (docs/poly.md).
# A row of Q and one of K sit at corners of the box, so the norm bound |s| max||q|| max||k|| is
# no smaller than the entry bound |s| d B^2 = 1 and the radius stays 1.
N_Q, N_K, D, E, G = 3, 2, 2, 1, 3
R = math.comb(D + G, G)          # 10 feature columns


def inputs(seed=0):
    rng = np.random.default_rng(seed)
    Q, K = rng.uniform(-1, 1, (N_Q, D)), rng.uniform(-1, 1, (N_K, D))
    Q[0], K[0] = (1.0, -1.0), (-1.0, 1.0)
    return Q, K, rng.uniform(-2, 2, (N_K, E))


def validate_count(n, m, d, e):
    """Copies and finiteness of Q, K, V, max |Q| and max |K| (abs, max), row norms of Q and K."""
    return (n + m) * d + m * e + 2 * (n + m) * d + (n + m) * d


def test_the_hand_computed_case_keeps_radius_one():
    rep = poly_attention_report(*inputs(), eps=1e-2, B=1.0)
    assert rep.radius == 1.0 and rep.radii.entry == 1.0 and rep.radii.norm >= 1.0


def test_degree_of_the_hand_computed_case():
    assert exp_polynomial(1.0, 1e-2).degree == G and R == 10


@pytest.mark.parametrize("block_rows,kb,step", [(None, 1, 3), (1, 2, 1), (2, 1, 2)])
def test_poly_attention_exact_counts(block_rows, kb, step):
    Q, K, V = inputs()
    led = Ledger()
    rep = poly_attention_report(Q, K, V, eps=1e-2, B=1.0, block_rows=block_rows, ledger=led)
    assert rep.ledger is led and len(led.calls) == 1
    c = led.last()
    n, m, d, e, g, r = N_Q, N_K, D, E, G, R
    # validation: copies and finiteness of Q, K, V (n d + m d + m e), max |Q| and max |K| (abs, max),
    # the squared norms of the rows of Q and K (d multiply-adds per row: the norm radius)
    assert c.part("validate")[0] == validate_count(n, m, d, e) == 42
    # features: r + g + 1 for the weights, r - 1 products per row of Q and of K
    assert c.part("features")[0] == (r + g + 1) + (r - 1) * (n + m) == 59
    # D: the ones column of U2^T [1 | V] (r per key row) and its block additions (r per block),
    # the weights folded (r), w~ = column 0 of U1 (...) (r per query row), w~ > 0 and finite (2n)
    assert c.part("D")[0] == r * m + r * kb + r + n * r + 2 * n
    # products: max |V| (2 m e), V / 2^k (m e), U2^T V (r m e), block additions (r e kb), weights
    # folded (r e), U1 (U2^T V) (n r e), the division, the rescaling and the finiteness check (3 n e)
    assert c.part("products")[0] == 3 * m * e + r * m * e + r * e * kb + r * e + n * r * e + 3 * n * e
    assert c.mul_adds == sum(c.part(k)[0] for k in ("validate", "features", "D", "products"))
    assert c.exps == 0 and all(v[1] == 0 for v in c.parts.values())
    # spec AS-3.7-cost's formulas (validation includes the row norms)
    spec = poly_costs.exact_counts(n, m, d, e, g, kb)
    assert c.mul_adds == sum(spec.values())
    assert c.sizes == {"n": n, "m": m, "d": d, "e": e, "g": g, "r": r, "step": step,
                       "blocks_k": kb, "blocks_q": -(-n // step), "fold": 0}
    # words held: copies (n d + m d + m e), the feature buffer r step, [1 | V], the r x (1 + e)
    # factor, output and w~ (n (e + 1)), one block's product (min(step, n) (1 + e))
    assert c.space == (n + m) * d + m * e + r * step + m * (1 + e) + r * (1 + e) + n * (e + 1) \
        + min(step, n) * (1 + e)


def test_default_block_case_totals():
    Q, K, V = inputs()
    led = Ledger()
    poly_attention(Q, K, V, eps=1e-2, B=1.0, ledger=led)
    c = led.last()
    assert (c.op, c.mul_adds, c.space) == ("poly_attention", 42 + 59 + 76 + 85, 78)


def test_feature_maps_exact_counts_and_words():
    X, Y, _ = inputs()
    led = Ledger()
    U1, U2 = feature_maps(X, Y, exp_polynomial(1.0, 1e-2), scale=0.5, ledger=led)
    c = led.last()
    n, m, d, g, r = N_Q, N_K, D, G, R
    assert U1.shape == (n, r) and U2.shape == (m, r)
    assert c.part("validate") == [(n + m) * d, 0, 3 * (n + m) * d]
    assert c.part("weights") == [r + g + 1, 0, 2 * r + g + 1]
    # monomials of X: (r - 1) n products; words: column 0 (n), X^T copied (2 n d), the products
    # (read and write, 2 (r - 1) n) and one column of X^T per multiplication (d g n); then U1 *= W
    assert c.part("U1") == [(r - 1) * n + n * r, 0, n + 2 * n * d + 2 * (r - 1) * n + d * g * n + 3 * n * r]
    assert c.part("U2") == [(r - 1) * m, 0, m + 2 * m * d + 2 * (r - 1) * m + d * g * m]
    assert (c.mul_adds, c.words, c.exps, c.space) == (99, 289, 0, (n + m) * r)


def test_the_ledger_does_not_change_results():
    rng = np.random.default_rng(3)
    for n, m, d, e in [(1, 1, 1, 1), (5, 7, 3, 2), (17, 4, 2, 3)]:
        Q, K, V = rng.uniform(-1, 1, (n, d)), rng.uniform(-1, 1, (m, d)), rng.normal(size=(m, e))
        plain = poly_attention(Q, K, V, eps=1e-6)
        for led in (Ledger(), Ledger(enabled=False)):
            assert np.array_equal(poly_attention(Q, K, V, eps=1e-6, ledger=led), plain)
        for block_rows in (1, 2, 3, 100):
            rep = poly_attention_report(Q, K, V, eps=1e-6, block_rows=block_rows, with_abs_sums=True)
            assert np.array_equal(rep.output, poly_attention_report(Q, K, V, eps=1e-6, block_rows=block_rows).output)
            np.testing.assert_allclose(rep.output, plain, rtol=1e-12, atol=1e-12)
        U = feature_maps(Q, K, [1.0, 0.5, 0.25])
        W = feature_maps(Q, K, [1.0, 0.5, 0.25], ledger=Ledger())
        assert all(np.array_equal(a, b) for a, b in zip(U, W))


def test_disabled_and_rejected_calls_record_nothing():
    Q, K, V = inputs()
    off = Ledger(enabled=False)
    poly_attention(Q, K, V, ledger=off)
    feature_maps(Q, K, [1.0, 1.0], ledger=off)
    assert off.calls == []
    led = Ledger()
    with pytest.raises(ValueError):
        poly_attention(Q, K, V, B=1e-3, ledger=led)           # |Q| > B
    with pytest.raises(ValueError):
        feature_maps(Q, np.ones((2, 3)), [1.0], ledger=led)  # column mismatch
    with pytest.raises(TypeError):
        poly_attention("Q", K, V, ledger=led)
    assert led.calls == [] and led._open is None and led._part is None
    poly_attention(Q, K, V, eps=1e-2, B=1.0, ledger=led)
    assert [c.op for c in led.calls] == ["poly_attention"] and led.last().mul_adds == 262


def test_abs_sums_are_a_separate_part():
    Q, K, V = inputs()
    rep = poly_attention_report(Q, K, V, eps=1e-2, B=1.0, with_abs_sums=True)
    c = rep.ledger.last()
    assert c.part("abs sums")[0] > 0
    assert sum(c.part(k)[0] for k in ("validate", "features", "D", "products")) == 262


def test_bounds_reject_inflated_counts(monkeypatch):
    """The cost predicates fail when the counts exceed their bounds (here: bounds made smaller)."""
    ex = {"Q": inputs()[0], "K": inputs()[1], "V": inputs()[2], "B": 1.0, "eps": 1e-2, "block_rows": None}
    poly_costs.check_theorem37(ex)
    poly_costs.check_lemma34(ex)
    poly_costs.check_lemma32(ex)
    real = poly_costs.bounds
    monkeypatch.setattr(poly_costs, "bounds", lambda *a: {k: (f, v // 4) for k, (f, v) in real(*a).items()})
    with pytest.raises(poly_costs.Counterexample):
        poly_costs.check_theorem37(ex)
    with pytest.raises(poly_costs.Counterexample):
        poly_costs.check_lemma34(ex)


def test_ledger_parts_and_sub_calls():
    led = Ledger()
    led.begin("outer")
    led.part("a")
    led.vec(3)
    led.begin("inner")           # nested: charged to the outer call, parts continue
    led.part("b")
    led.gemm(2, 3, 4)
    led.sub("query", 2, (5, 1, 7))
    led.end()
    led.sub("query")
    led.part("a")
    led.exp(2)
    led.sizes(n=4)
    led.end(space=9)
    c = led.last()
    assert c.parts == {"a": [3, 2, 10], "b": [24, 0, 26]}
    assert (c.mul_adds, c.exps, c.words, c.space) == (27, 2, 36, 9)
    assert c.sub_calls == {"query": 3} and c.sub_cost == [5, 1, 7] and c.sizes == {"n": 4}
    assert led.since(0) == (27, 2, 36)
    assert c.part("missing") == [0, 0, 0]


@pytest.mark.parametrize("block_rows", [None, 1, 3])
def test_folded_products_exact_counts(block_rows):
    """d = 3, e = 1, radius 1, eps = 1e-10: degree 10, and the cost model folds the top t degrees
    (impl.poly.factored): only the C(3 + g - t, g - t) monomials of degree <= g - t are written,
    the prefix products are counted under features, and D and products count exactly what
    Algorithm 1 without the fold counts."""
    from impl.poly.factored import choose_depth, fold

    rng = np.random.default_rng(5)
    n, m, d, e = 5, 4, 3, 1
    Q, K, V = rng.uniform(-1, 1, (n, d)), rng.uniform(-1, 1, (m, d)), rng.uniform(-1, 1, (m, e))
    Q[0], K[0] = 1.0, -1.0
    led = Ledger()
    rep = poly_attention_report(Q, K, V, eps=1e-10, B=1.0, block_rows=block_rows, ledger=led)
    g = rep.poly.degree
    t = choose_depth(d, g, e)
    assert (rep.radius, g, t) == (1.0, 10, 2)
    fd = fold(d, g, t)
    r, c = rep.rank, 1 + e
    c_ = led.last()
    kb = c_.sizes["blocks_k"]
    assert c_.sizes["fold"] == t and kb == -(-m // c_.sizes["step"])
    assert c_.part("validate")[0] == validate_count(n, m, d, e)
    assert c_.part("features")[0] == ((r + g + 1) + (fd.r_h - 1) * (n + m) + m * len(fd.prefix) * c
                                      + n * (1 + fd.sum_p) * c)
    assert c_.part("D")[0] == r * m + r * kb + r + n * r + 2 * n
    assert c_.part("products")[0] == 3 * m * e + r * m * e + r * e * kb + r * e + n * r * e + 3 * n * e
    # fewer multiply-adds than without the fold, and the same output to rounding
    assert c_.part("features")[0] < (r + g + 1) + (r - 1) * (n + m)
    np.testing.assert_allclose(rep.output, attention(Q, K, V, scale=1 / d), rtol=0, atol=1e-9)
