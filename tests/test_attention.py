"""impl.attention: exact attention D^{-1} exp(scale Q K^T) V (DA Definition 1.1) in float64 blocks
and on exact kinds."""

import numpy as np
import pytest

from impl.attention import attention


def test_attention_block_rows(qkv):
    """attention.py: ``block_rows`` must be a positive int, and every block size gives the same
    result (``not isinstance(block_rows, int)`` and ``block_rows < 1`` mutated)."""
    Q, K, V = qkv(5, 3, seed=2)
    full = attention(Q, K, V)
    for rows in (1, 2, 3, 5, 8):
        np.testing.assert_allclose(attention(Q, K, V, block_rows=rows), full, rtol=1e-14)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="block_rows"):
            attention(Q, K, V, block_rows=bad)


def test_attention_against_the_softmax_formula():
    """attention.py: every row is computed (``range(0, ...)`` -> ``range(1, ...)`` leaves row 0
    uninitialised, which a previous call of the same shape may have filled with the same values),
    and the exact kinds multiply the logits by ``scale``."""
    import sympy

    rng = np.random.default_rng(9)
    for _ in range(3):
        Q, K, V = rng.normal(size=(3, 4, 2))
        attention(Q + 5.0, K, V * 7.0)               # leaves other values in freed memory
        M = Q @ K.T * 0.5
        W = np.exp(M - M.max(axis=1, keepdims=True))
        np.testing.assert_allclose(attention(Q, K, V, scale=0.5), (W / W.sum(axis=1, keepdims=True)) @ V,
                                   rtol=1e-13)
    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    got = attention(o([[1]]), o([[1], [0]]), o([[1], [0]]), scale=sympy.Integer(2))
    assert sympy.simplify(got[0, 0] - sympy.exp(2) / (sympy.exp(2) + 1)) == 0


@pytest.mark.parametrize("top", [np.finfo(float).max, -np.finfo(float).max])
def test_attention_of_the_largest_floats_stays_finite(top):
    """attention.py: every output entry is a convex combination of its column of V, so with V
    at the largest float64 everywhere the answer is exactly V; rounding in the weighted mean used
    to step an ulp past it and overflow to inf (DA-4.1/hostile-input, deep profile, seed
    208326134).  Mixed columns stay within their ranges."""
    Q = np.array([[2.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    K = np.array([[0.0625, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    V = np.full((4, 2), top)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(attention(Q, K, V), V)
    V[:, 1] = [top, top / 2, 0.0, -top / 4]
    out = attention(Q, K, V)
    assert np.isfinite(out).all()
    assert (out.min(axis=0) >= V.min(axis=0)).all() and (out.max(axis=0) <= V.max(axis=0)).all()
