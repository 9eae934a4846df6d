"""impl.expkernel: the maintained kernel A = exp(scale Q K^T), its row shifts and row sums, the
overflow checks of key and query updates, and the exact re-evaluation of cancelled rows."""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention

STRUCTURES = [DynamicAttention, EagerAttention, NaiveAttention]


@pytest.mark.parametrize("cls", STRUCTURES)
def test_overflowing_logits_are_refused_at_init(cls, qkv):
    """dynamic.py / baselines.py: the re-raise after ``ledger.abort()`` in Init deleted."""
    Q, K, V = qkv()
    Q[0, 0], K[0, 0] = 1e200, 1e200
    with pytest.raises(ValueError, match="overflow"):
        cls(Q, K, V)


@pytest.mark.parametrize("cls", [DynamicAttention, EagerAttention])
def test_rows_stay_within_the_headroom_after_a_key_update(cls):
    """expkernel.py: ``M[r, k] - s[r] <= HEADROOM = 64`` after every update (the documented
    invariant that keeps exp from overflowing); a logit raised 64.5 above its shift rescales, and
    with it every row-scaled array of the owner (Eager's C: ``row_scaled.append(self.C)``)."""
    from impl.attention import attention

    Q = np.array([[1.0], [0.5]])
    K = np.array([[0.0], [0.0]])
    V = np.array([[1.0], [2.0]])
    S = cls(Q, K, V, a=1.0)
    S.update_k(0, 0, 64.5)
    k = S.kernel
    assert (k.M - k.s[:, None] <= 64.0).all()
    assert k.s[0] == 64.5
    np.testing.assert_allclose(S.output(), attention(Q, K + [[64.5], [0.0]], V), rtol=1e-13)


@pytest.mark.parametrize("cls", [DynamicAttention, EagerAttention])
@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_cancelled_rows_are_re_evaluated(scale, cls):
    """expkernel.py: a row whose added magnitudes exceed 2^16 times its sum is re-evaluated
    exactly (REFRESH_RATIO = 2**16 -> 3**16 or 2**17 lets a 1e5-fold cancellation through), from
    the scaled logits (``refresh_rows``: ``* scale`` -> ``/ scale``)."""
    R = 5e4
    Q = np.array([[1.0], [1.0]])
    K = np.array([[0.0], [-np.log(R) / scale]])
    V = np.array([[1.0], [2.0]])
    S = cls(Q, K, V, a=1.0, scale=scale)
    S.update_k(0, 0, -40.0 / scale)   # A[r, 0]: 1 -> e^-40; D: 1 + 1/R -> about 1/R, W about 2
    k = S.kernel
    assert (k.W <= 2.0 ** 16 * k.D).all()
    K2 = K.copy()
    K2[0, 0] -= 40.0 / scale
    fresh = DynamicAttention(Q, K2, V, a=1.0, scale=scale).kernel
    np.testing.assert_array_equal(k.D * np.exp(k.s), fresh.D * np.exp(fresh.s))
    from impl.attention import attention
    np.testing.assert_allclose(S.output(), attention(Q, K2, V, scale=scale), rtol=1e-13)


def test_exact_kinds_never_refresh():
    """expkernel.py ``stale_rows``: always empty for exact kinds (``np.empty(0)`` -> ``np.empty(1)``
    would return an uninitialised row index)."""
    import sympy

    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    S = DynamicAttention(o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), o([[1, 2], [3, 4]]), a=1.0)
    S.update_k(0, 0, sympy.Integer(1))
    assert S.kernel.stale_rows().size == 0


@pytest.mark.parametrize("cls", STRUCTURES)
def test_query_update_that_overflows_the_logits_is_refused(cls, qkv, snapshot):
    """expkernel.py ``propose_query``: the deleted ``raise`` for non-finite logits."""
    Q, K, V = qkv(3, 2, seed=5)
    K[:, 0] = 1e10
    Q[:, 0] = 1.0
    S = cls(Q, K, V)
    before = snapshot(S)
    with pytest.raises(ValueError):
        S.update_q(0, 0, 1e300)       # Q[0, 0] = 1e300 is finite, its logits 1e310 are not
    assert snapshot(S) == before


def test_a_query_entry_beyond_float64_is_named(snapshot):
    """expkernel.py ``propose_query``: the deleted ``raise`` for ``Q[i, j] + delta`` beyond
    float64; the logit check after it would refuse the update too, but without naming the entry
    (errors name the argument)."""
    Q = np.zeros((3, 2))
    Q[0, 0] = 1.5e308                          # K is zero: every logit is finite before
    S = DynamicAttention(Q, np.zeros((3, 2)), np.ones((3, 2)))
    before = snapshot(S)
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"Q\[0, 0\] \+ delta overflows float64"):
        S.update_q(0, 0, 1e308)
    assert snapshot(S) == before


def test_a_key_entry_beyond_float64_is_named(snapshot):
    """expkernel.py ``propose_key``: the deleted ``raise`` for ``K[i, j] + delta`` beyond float64
    (the logit check after it would refuse it without naming the entry)."""
    K = np.zeros((3, 2))
    K[0, 0] = 1.5e308                          # Q is zero: every logit is finite before
    S = DynamicAttention(np.zeros((3, 2)), K, np.ones((3, 2)))
    before = snapshot(S)
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"K\[0, 0\] \+ delta overflows float64"):
        S.update_k(0, 0, 1e308)
    assert snapshot(S) == before


@pytest.mark.parametrize("cls", STRUCTURES)
def test_scale_multiplies_the_logits(cls, qkv):
    """expkernel.py ``(Q @ K.T) * scale`` -> ``/ scale``: every other test uses scale = 1."""
    from impl.attention import attention

    Q, K, V = qkv(5, 3, seed=11)
    S = cls(Q, K, V, a=0.5, scale=0.25)
    np.testing.assert_allclose(S.output(), attention(Q, K, V, scale=0.25), rtol=1e-12)
    np.testing.assert_allclose(S.output(), attention(Q * 0.25, K, V), rtol=1e-12)
    S.update_k(1, 2, 1.5)
    S.update_q(0, 1, -0.5)
    K[1, 2] += 1.5
    Q[0, 1] -= 0.5
    np.testing.assert_allclose(S.output(), attention(Q * 0.25, K, V), rtol=1e-12)


def test_rescaled_row_keeps_its_other_entries():
    """expkernel.py ``_rescale``: ``A[rows] *= factor`` -> ``/=`` is hidden by the refresh when
    the updated entry dominates; here it does not (its old value is e^-300), and a pending value
    update reads the other entry of the rescaled row."""
    Q = np.array([[1.0], [1.0]])
    K = np.array([[-300.0], [0.0]])
    V = np.array([[1.0], [2.0]])
    S = DynamicAttention(Q, K, V, a=1.0)         # threshold 2: nothing is folded in below
    S.update_v(1, 0, 1.0)
    S.update_k(0, 0, 400.0)                      # logit 100 > HEADROOM above the shift 0
    V[1, 0] += 1.0
    K[0, 0] += 400.0
    assert S.pending == (1, 1)
    from impl.attention import attention
    expected = attention(Q, K, V)
    assert S.query(0, 0) == pytest.approx(expected[0, 0], rel=1e-12)
    assert S.query(1, 0) == pytest.approx(expected[1, 0], rel=1e-12)
