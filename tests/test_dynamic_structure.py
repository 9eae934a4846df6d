"""Unit tests of DynamicAttention and the baselines: answers, bad input, state left unchanged."""

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
REPAIRED = [lambda *a, **k: PaperV1Attention(*a, repairs=V1_DEFECTS, **k),
            lambda *a, **k: PaperAppendixAttention(*a, repairs=APPENDIX_DEFECTS, **k)]


@pytest.mark.parametrize("cls", STRUCTURES)
def test_random_operations_match_attention(cls, qkv):
    Q, K, V = qkv(9, 4, seed=1)
    S = cls(Q, K, V)
    rng = np.random.default_rng(2)
    for _ in range(400):
        op, i, j, delta = rng.integers(0, 4), int(rng.integers(9)), int(rng.integers(4)), float(rng.normal())
        if op == 0:
            S.update_k(i, j, delta)
            K[i, j] += delta
        elif op == 1:
            S.update_v(i, j, delta)
            V[i, j] += delta
        elif op == 2:
            S.update_q(i, j, delta / 4)
            Q[i, j] += delta / 4
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
def test_bad_input_is_rejected_and_state_unchanged(cls, method, args, error, qkv, snapshot):
    S = cls(*qkv(5, 3))
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
    for cls in STRUCTURES + REPAIRED:
        S = cls(Q, K, V, a=1.0)
        S.update_k(0, 0, 1.0)
        S.update_v(1, 1, 2.0)
        S.recompute()
        S.output()
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
    K2 = np.array(K)
    K2[0, 0] += 0.5
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


def test_threshold_and_recompute_trigger(qkv):
    cases = [(4, .5), (64, 1 / 3), (1024, .1), (1024, .25), (1, .3)]
    assert [lazy_threshold(n, a) for n, a in cases] == [2, 4, 2, 6, 1]
    S = DynamicAttention(*qkv(16, 3), a=0.5)
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
        V2 = m(Vf)
        V2[0, 1] += mpmath.mpf(1) / 3
        diff = S.output() - attention(m(Qf), m(Kf), V2)
        assert max(abs(x) for x in diff.flat) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("method", ["update_k", "update_v", "update_q", "query"])
@pytest.mark.parametrize("which", ["i", "j"])
def test_index_just_past_the_end_is_refused_by_name(method, which, qkv):
    """i = n and j = d are refused by the structure's own check, which names the index and the
    range (not by a numpy IndexError from deeper down)."""
    S = DynamicAttention(*qkv(5, 3))
    i, j, bound = (S.n, 0, S.n) if which == "i" else (0, S.d, S.d)
    args = (i, j) if method == "query" else (i, j, 0.5)
    with pytest.raises(IndexError, match=rf"{which}={bound} is out of range \[0, {bound}\)"):
        getattr(S, method)(*args)


def test_normalize_must_be_a_bool(qkv):
    """dynamic.py: the deleted ``raise TypeError`` of ``normalize`` (1 is not True)."""
    with pytest.raises(TypeError, match="normalize"):
        DynamicAttention(*qkv(), normalize=1)


@pytest.mark.parametrize("cls", STRUCTURES + REPAIRED)
@pytest.mark.parametrize("method,args,error", [
    ("update_k", (0, -1, 0.5), IndexError), ("update_k", (0, 1.0, 0.5), TypeError),
    ("update_v", (-1, 0, 0.5), IndexError), ("update_v", (0, -1, 0.5), IndexError),
    ("update_v", (0, 1.0, 0.5), TypeError), ("update_v", (1.0, 0, 0.5), TypeError),
    ("update_q", (0, -1, 0.5), IndexError), ("update_q", (-1, 0, 0.5), IndexError),
    ("query", (0, 3, ), IndexError), ("query", (0, -1), IndexError), ("query", (-1, 0), IndexError),
])
def test_every_index_is_validated(cls, method, args, error, qkv, snapshot):
    """``j = as_index(j, ...) -> pass`` and the like: numpy would wrap -1 or index with 1.0."""
    S = cls(*qkv(), a=1.0)
    S.update_k(1, 1, 0.25)
    before = snapshot(S)
    if method == "update_q" and cls in REPAIRED:
        error = NotImplementedError  # the printed algorithms have no update of Q
    with pytest.raises(error):
        getattr(S, method)(*args)
    assert snapshot(S) == before


@pytest.mark.parametrize("cls", STRUCTURES)
def test_value_update_that_overflows_is_refused(cls, qkv, snapshot):
    """The float64 range check of update_v: ``+`` flipped to ``-`` or its ``not`` dropped.

    V entries are limited to 1e250 in magnitude (impl.elements.V_LIMIT) so that A V stays finite:
    1e250 + 1e250 is refused, 1e250 - 1e250 accepted."""
    Q, K, V = qkv()
    V[0, 0] = 1e250
    S = cls(Q, K, V)
    before = snapshot(S)
    with pytest.raises(ValueError):
        S.update_v(0, 0, 1e250)
    assert snapshot(S) == before
    S.update_v(0, 0, -1e250)          # back to 0: accepted
    assert np.isfinite(S.output()).all()


def test_unnormalized_float64_output_and_query(qkv):
    """dynamic.py output()/query() with ``normalize=False`` in float64, where the rows are kept in
    shifted units: ``C * exp(s)`` flipped to ``C / exp(s)`` (DA Definition 5.4's exp(QK^T) V)."""
    Q, K, V = qkv(5, 3, seed=7)
    Q[:, 0] = [1.0, 1.0, 0.5, -1.0, 0.2]
    S = DynamicAttention(Q, K, V, a=0.5, normalize=False)

    def expected():
        return np.exp(Q @ K.T) @ V

    np.testing.assert_allclose(S.output(), expected(), rtol=1e-12)
    assert S.query(2, 1) == pytest.approx(expected()[2, 1], rel=1e-12)
    # a key update that pushes a logit far above its row's shift (a rescale), then a value update
    S.update_k(0, 0, 80.0)             # logits of rows 0, 1 rise by 80 > HEADROOM = 64
    K[0, 0] += 80.0
    S.update_v(3, 2, 0.5)
    V[3, 2] += 0.5
    np.testing.assert_allclose(S.output(), expected(), rtol=1e-9)
    for i in range(5):
        assert S.query(i, 2) == pytest.approx(expected()[i, 2], rel=1e-9)


def test_value_overflow_check_counts_the_pending_updates(qkv):
    """dynamic.py ``_current_v``: the pending value updates of the same entry, and only those,
    are added to V0 before the range check (``==`` -> ``!=``, ``&`` -> ``|``, ``+`` -> ``-``)."""
    Q, K, V = qkv(6, 2, seed=3)
    V[0, 0] = 1e250
    S = DynamicAttention(Q, K, V, a=1.0)           # threshold 6: nothing is folded in below
    S.update_v(0, 0, -1e250)                        # V[0, 0] = 0 (pending)
    S.update_v(1, 0, 1e250)                         # same column, other row
    S.update_v(0, 1, 1e250)                         # same row, other column
    S.update_v(0, 0, 1e250)                         # V[0, 0] = 1e250: within range, accepted
    assert S.pending == (0, 4)
    with pytest.raises(ValueError):
        S.update_v(0, 0, 1e250)                     # 2e250: refused


@pytest.mark.parametrize("bad,error", [(True, TypeError), ("1", TypeError), (1j, TypeError),
                                       (None, TypeError), (float("nan"), ValueError)])
def test_query_update_validates_its_delta(bad, error, qkv, snapshot):
    """``update_q`` validates ``delta`` like the other updates (the deleted
    ``delta = self._delta(delta)``: True would be added as 1, a string would reach numpy):
    refused naming the argument, with the state unchanged."""
    S = DynamicAttention(*qkv(5, 3))
    S.update_k(1, 1, 0.5)
    before = snapshot(S)
    with pytest.raises(error, match="delta"):
        S.update_q(0, 0, bad)
    assert snapshot(S) == before
