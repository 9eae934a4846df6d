"""Unit tests of DynamicAttention and the baselines: answers, bad input, state left unchanged."""

import copy

import mpmath
import numpy as np
import pytest
import sympy

from impl.attention import attention
from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.literal import APPENDIX_DEFECTS, V1_DEFECTS, PaperAppendixAttention, PaperV1Attention
from impl.threshold import lazy_threshold

STRUCTURES = [DynamicAttention, EagerAttention, NaiveAttention]


def snapshot(obj):
    """Every attribute, recursively, as comparable plain values."""
    def walk(x):
        if isinstance(x, np.ndarray):
            return ("array", x.dtype.str, x.shape, x.tolist())
        if hasattr(x, "__dict__") and not isinstance(x, type):
            return {k: walk(v) for k, v in vars(x).items()}
        if isinstance(x, (list, tuple)):
            return [walk(v) for v in x]
        return copy.deepcopy(x)
    return walk(obj)


def make(cls, n=5, d=3, seed=0, **kw):
    rng = np.random.default_rng(seed)
    Q, K, V = rng.normal(size=(3, n, d))
    return cls(Q, K, V, **kw), (Q.copy(), K.copy(), V.copy())


@pytest.mark.parametrize("cls", STRUCTURES)
def test_random_operations_match_attention(cls):
    S, (Q, K, V) = make(cls, n=9, d=4, seed=1)
    rng = np.random.default_rng(2)
    for _ in range(400):
        op, i, j, delta = rng.integers(0, 4), int(rng.integers(9)), int(rng.integers(4)), float(rng.normal())
        if op == 0:
            S.update_k(i, j, delta); K[i, j] += delta
        elif op == 1:
            S.update_v(i, j, delta); V[i, j] += delta
        elif op == 2:
            S.update_q(i, j, delta / 4); Q[i, j] += delta / 4
        else:
            assert S.query(i, j) == pytest.approx(attention(Q, K, V)[i, j], abs=1e-9 * np.abs(V).max())
    np.testing.assert_allclose(S.output(), attention(Q, K, V), rtol=0, atol=1e-9 * np.abs(V).max())


BAD_CALLS = [
    ("update_k", (5, 0, 1.0), IndexError), ("update_k", (-1, 0, 1.0), IndexError),
    ("update_k", (0, 3, 1.0), IndexError), ("update_k", (0, 0, float("nan")), ValueError),
    ("update_k", (0, 0, float("inf")), ValueError), ("update_k", (0, 0, "1"), TypeError),
    ("update_k", (0, 0, 1 + 2j), TypeError), ("update_k", (0, 0, True), TypeError),
    ("update_k", (True, 0, 1.0), TypeError), ("update_k", (0.0, 0, 1.0), TypeError),
    ("update_k", (0, 0, 1e308), ValueError), ("update_v", (0, 0, 1e308), ValueError),
    ("update_v", (0, 0, 1e200), None),
    ("update_v", (0, 9, 1.0), IndexError), ("update_v", (0, 0, None), TypeError),
    ("update_q", (0, 0, float("-inf")), ValueError), ("update_q", (2**70, 0, 1.0), IndexError),
    ("query", (0, -1), IndexError), ("query", (9, 0), IndexError), ("query", ("0", 0), TypeError),
]


@pytest.mark.parametrize("cls", STRUCTURES)
@pytest.mark.parametrize("method,args,error", BAD_CALLS)
def test_bad_input_is_rejected_and_state_unchanged(cls, method, args, error):
    S, _ = make(cls)
    S.update_k(1, 1, 0.5)
    S.update_v(2, 0, -0.25)
    before = snapshot(S)
    if error is None:  # within the documented |V| <= 1e250: accepted
        getattr(S, method)(*args)
        return
    with pytest.raises(error) as info:
        getattr(S, method)(*args)
    assert str(info.value)
    assert snapshot(S) == before


@pytest.mark.parametrize("kwargs,error", [
    (dict(a=0.0), ValueError), (dict(a=1.5), ValueError), (dict(a=float("nan")), ValueError),
    (dict(a=True), TypeError), (dict(a="0.5"), TypeError), (dict(scale=float("inf")), ValueError),
])
def test_bad_parameters(kwargs, error):
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, 4, 2))
    with pytest.raises(error, match="a|scale"):
        DynamicAttention(Q, K, V, **kwargs)


@pytest.mark.parametrize("Q,error,word", [
    (np.ones((4, 3)), ValueError, "n x d"), (np.ones(4), ValueError, "2-D"),
    (np.full((4, 2), np.nan), ValueError, "non-finite"), (np.ones((4, 2), dtype=bool), TypeError, "boolean"),
    (np.ones((4, 2), dtype=complex), TypeError, "complex"), ("abc", TypeError, "Q"),
    (np.empty((0, 2)), ValueError, "non-empty"),
])
def test_bad_matrices_name_the_argument(Q, error, word):
    rng = np.random.default_rng(0)
    K, V = rng.normal(size=(2, 4, 2))
    with pytest.raises(error, match=word):
        DynamicAttention(Q, K, V)


def test_callers_arrays_are_never_modified():
    rng = np.random.default_rng(3)
    Q, K, V = rng.normal(size=(3, 6, 2))
    keep = [Q.copy(), K.copy(), V.copy()]
    repaired = [lambda *x, **k: PaperV1Attention(*x, repairs=V1_DEFECTS, **k),
                lambda *x, **k: PaperAppendixAttention(*x, repairs=APPENDIX_DEFECTS, **k)]
    for cls in STRUCTURES + repaired:
        S = cls(Q, K, V, a=1.0)
        S.update_k(0, 0, 1.0); S.update_v(1, 1, 2.0); S.recompute(); S.output()
    for before, after in zip(keep, (Q, K, V)):
        np.testing.assert_array_equal(before, after)


def test_read_only_and_non_contiguous_inputs():
    rng = np.random.default_rng(4)
    big = rng.normal(size=(3, 10, 6))
    Q, K, V = (m[::2, ::2] for m in big)
    for m in (Q, K, V):
        m.flags.writeable = False
    S = DynamicAttention(Q, K, V)
    S.update_k(0, 0, 0.5)
    K2 = np.array(K); K2[0, 0] += 0.5
    np.testing.assert_allclose(S.output(), attention(Q, K2, V), atol=1e-12)


def test_large_logits_stay_finite():
    rng = np.random.default_rng(5)
    Q, K, V = rng.normal(size=(3, 6, 2)) * 30.0   # logits up to ~ 1e4
    S = DynamicAttention(Q, K, V, a=0.5)
    for t in range(50):
        S.update_k(t % 6, t % 2, 40.0 * (-1) ** t)
        K[t % 6, t % 2] += 40.0 * (-1) ** t
        assert np.isfinite(S.kernel.A).all() and np.isfinite(S.kernel.D).all() and np.isfinite(S.C).all()
    np.testing.assert_allclose(S.output(), attention(Q, K, V), rtol=0, atol=1e-9 * np.abs(V).max())


def test_threshold_and_recompute_trigger():
    assert [lazy_threshold(n, a) for n, a in [(4, .5), (64, 1 / 3), (1024, .1), (1024, .25), (1, .3)]] == [2, 4, 2, 6, 1]
    S, _ = make(DynamicAttention, n=16, a=0.5)
    assert S.threshold == 4
    for t in range(3):
        S.update_k(t, 0, 0.1)
    assert S.pending == (3, 0)
    S.update_k(3, 0, 0.1)          # the fourth pending key update triggers the recompute
    assert S.pending == (0, 0)
    for t in range(3):
        S.update_v(t, 0, 0.1)
    assert S.pending == (0, 3)


def test_unnormalized_mode_exact():
    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    Q, K, V = o([[1, 0], [0, 1]]), o([[0, 0], [0, 0]]), o([[1, 0], [0, 1]])
    S = DynamicAttention(Q, K, V, a=1.0, normalize=False)
    S.update_k(0, 0, 1)
    assert sympy.simplify(S.query(0, 0) - sympy.E) == 0      # exp(1*1) * 1
    assert S.query(1, 0) == 1                                  # exp(0) * 1
    assert sympy.simplify(S.output()[0, 1] - 1) == 0


def test_mpmath_elements():
    with mpmath.workdps(50):
        rng = np.random.default_rng(6)
        Qf, Kf, Vf = rng.normal(size=(3, 4, 2))
        m = lambda X: np.array([[mpmath.mpf(v) for v in r] for r in X], dtype=object)
        S = DynamicAttention(m(Qf), m(Kf), m(Vf), a=0.5)
        S.update_v(0, 1, mpmath.mpf(1) / 3)
        V2 = m(Vf); V2[0, 1] += mpmath.mpf(1) / 3
        diff = S.output() - attention(m(Qf), m(Kf), V2)
        assert max(abs(x) for x in diff.flat) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("method", ["update_k", "update_v", "update_q", "query"])
@pytest.mark.parametrize("which", ["i", "j"])
def test_index_just_past_the_end_is_refused_by_name(method, which):
    """i = n and j = d are refused by the structure's own check, which names the index and the
    range (not by a numpy IndexError from deeper down)."""
    S, _ = make(DynamicAttention)                        # n = 5, d = 3
    i, j, bound = (S.n, 0, S.n) if which == "i" else (0, S.d, S.d)
    args = (i, j) if method == "query" else (i, j, 0.5)
    with pytest.raises(IndexError, match=rf"{which}={bound} is out of range \[0, {bound}\)"):
        getattr(S, method)(*args)
