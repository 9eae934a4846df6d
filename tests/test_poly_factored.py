"""impl.poly.factored: the fold of the top degrees into the GEMMs gives Algorithm 1's products."""

import numpy as np
import pytest

import impl.poly.algorithm as algorithm
from impl.poly import poly_attention_report
from impl.poly.factored import MAX_DEPTH, choose_depth, depth_cost, fold
from impl.poly.features import exponents, rank


@pytest.mark.parametrize("d,g,t", [(1, 4, 1), (2, 5, 2), (3, 6, 3), (4, 7, 1), (8, 6, 2), (5, 9, 4)])
def test_every_column_is_one_prefix_and_one_base_monomial(d, g, t):
    fd = fold(d, g, t)
    ex = exponents(d, g)
    seen = list(range(fd.low))                       # degree < h: used as they are
    for (lo, hi, P), alpha in zip(fd.groups, fd.alphas):
        assert alpha.shape == (hi - lo, P)
        for i, beta in enumerate(range(lo, hi)):
            f = int(np.argmax(ex[beta] > 0))
            for j, p in enumerate(fd.prefix[:P]):
                assert np.array_equal(ex[alpha[i, j]], ex[beta] + ex[p])
                nz = np.nonzero(ex[p])[0]
                assert len(nz) == 0 or nz.max() <= f  # the prefix's indices come first
        seen.extend(alpha.ravel().tolist())
    assert sorted(seen) == list(range(rank(d, g)))      # a bijection onto the columns
    assert fd.r_h == rank(d, g - t) and fd.pre_cols[0] == 0


def test_fold_rejects_bad_depths():
    for t in (0, 4):
        with pytest.raises(ValueError, match="fold depth"):
            fold(3, 6, t)


def test_choose_depth_follows_the_cost_model():
    assert choose_depth(8, 6, 8) == 1 and choose_depth(2, 3, 1) == 0
    for d, g, e in [(8, 7, 8), (4, 9, 3), (16, 4, 16)]:
        t = choose_depth(d, g, e)
        assert all(depth_cost(d, g, e, t) <= depth_cost(d, g, e, u) for u in range(min(MAX_DEPTH, g // 2) + 1))
    assert choose_depth(64, 400, 1) == 0                # column keys would overflow an int64


@pytest.mark.parametrize("d,e,eps", [(3, 2, 1e-10), (4, 3, 1e-8), (8, 8, 1e-6)])
def test_every_depth_gives_the_same_output(d, e, eps, monkeypatch):
    rng = np.random.default_rng(d)
    Q, K, V = rng.uniform(-1, 1, (23, d)), rng.uniform(-1, 1, (19, d)), rng.normal(size=(19, e))
    outs = {}
    g = poly_attention_report(Q, K, V, eps=eps).poly.degree
    for t in range(0, g // 2 + 1):
        monkeypatch.setattr(algorithm, "choose_depth", lambda *a, t=t: t)
        rep = poly_attention_report(Q, K, V, eps=eps, block_rows=5, with_abs_sums=True)
        assert rep.ledger.last().sizes["fold"] == t
        outs[t] = rep
    base = outs[0]
    for rep in outs.values():
        np.testing.assert_allclose(rep.output, base.output, rtol=1e-12, atol=1e-14 * np.max(np.abs(V)))
        np.testing.assert_allclose(rep.row_sums, base.row_sums, rtol=1e-12)
        np.testing.assert_allclose(rep.abs_sums, base.abs_sums, rtol=1e-12)
