"""impl.baselines: the eager and the naive structures, which keep the interface and the validation
of DynamicAttention."""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention

STRUCTURES = [DynamicAttention, EagerAttention, NaiveAttention]


@pytest.mark.parametrize("cls", STRUCTURES)
def test_parameters_of_every_structure_are_validated(cls, qkv):
    """baselines.py: the deleted ``validate_a(a)`` and ``as_scalar(scale, ...)`` of the baselines
    (a boolean scale would silently act as 1)."""
    Q, K, V = qkv()
    for kwargs, error in [(dict(a=1.5), ValueError), (dict(a=0.0), ValueError), (dict(a=True), TypeError),
                          (dict(scale=True), TypeError), (dict(scale="2"), TypeError),
                          (dict(scale=np.array([1.0, 2.0])), TypeError)]:
        with pytest.raises(error):
            cls(Q, K, V, **kwargs)


@pytest.mark.parametrize("cls", [EagerAttention, NaiveAttention])
def test_baselines_have_no_pending_updates(cls, qkv):
    """baselines.py ``self.threshold = 1``: the interface attribute of the baselines, which fold
    every update in at once (the dynamic structure's is ceil(n^a))."""
    S = cls(*qkv(), a=0.5)
    assert S.threshold == 1


@pytest.mark.parametrize("cls", STRUCTURES)
@pytest.mark.parametrize("method", ["update_k", "update_q"])
def test_a_logit_that_overflows_as_a_sum_is_refused(cls, method, snapshot):
    """baselines.py ``other @ vec`` -> ``other * vec``: the new logits are sums of products, and a
    sum overflows although no product does (1e154 * 1e154 + 1e154 * 1e154 = 2e308 > float64 max).
    The update is refused and the state is unchanged (a failed call changes nothing)."""
    big = np.array([[1e154, 1e154], [0.0, 1.0]])
    half = np.array([[1e154, 0.0], [0.0, 1.0]])
    V = np.array([[1.0, 2.0], [3.0, 4.0]])
    Q, K = (big, half) if method == "update_k" else (half, big)
    S = cls(Q, K, V)                               # logits at most 1e308: finite
    before = snapshot(S)
    with pytest.raises(ValueError, match="overflow"):
        getattr(S, method)(0, 1, 1e154)            # the logit of (0, 0) becomes 2e308
    assert snapshot(S) == before
    assert np.isfinite(S.output()).all()


def test_naive_names_the_entry_that_overflows(snapshot):
    """baselines.py ``NaiveAttention._edit``: the deleted ``raise`` for ``K[i, j] + delta`` beyond
    float64; the later logit check would refuse the update too, but without naming the argument
    (errors name the argument)."""
    Q = np.array([[0.0, 1.0], [0.0, 2.0]])
    K = np.array([[1e308, 0.5], [0.0, 1.0]])        # Q's column 0 is zero: every logit is finite
    S = NaiveAttention(Q, K, np.ones((2, 2)))
    before = snapshot(S)
    with pytest.raises(ValueError, match=r"K\[0, 0\] \+ delta overflows float64"):
        S.update_k(0, 0, 1e308)
    assert snapshot(S) == before


def test_naive_costs_follow_its_docstring(qkv):
    """baselines.py ``NaiveAttention``: an update only edits the entry (O(1), not counted); a key
    or query update also checks its n new logits (d n multiply-adds for the product, n for the
    scale, n for the finiteness test and n for its all(): ``name != 'V'`` flipped), a value
    update none; ``recompute`` computes the result, so that the next query costs nothing (the
    deleted ``self._result = self._compute()``).  Computing the result counts impl.attention's
    passes: Q K^T and A V (n^2 d each), the shift, the row sums, the division (n^2, n^2, n d)."""
    n, d = 6, 3
    S = NaiveAttention(*qkv(n, d, seed=8), a=0.5)
    S.update_v(1, 1, 0.5)
    assert S.ledger.calls[-1].op == "update_v" and S.ledger.calls[-1].mul_adds == 0
    S.update_k(2, 0, 0.5)
    assert S.ledger.calls[-1].op == "update_k" and S.ledger.calls[-1].mul_adds == d * n + 3 * n
    S.recompute()
    computed = 2 * n * n * d + 2 * n * n + n * d
    assert (S.ledger.calls[-1].mul_adds, S.ledger.calls[-1].exps) == (computed, n * n)
    S.query(0, 0)
    assert S.ledger.calls[-1].op == "query" and S.ledger.calls[-1].mul_adds == 0
    S.update_q(0, 0, 0.5)
    S.query(0, 0)                                             # the first query after an update
    assert S.ledger.calls[-1].mul_adds == computed


@pytest.mark.parametrize("cls", [EagerAttention, NaiveAttention])
def test_every_call_of_a_baseline_is_recorded_with_its_space(cls, qkv):
    """baselines.py: ``update_q``, ``query`` and ``output`` open and close a ledger call of their
    own; Naive holds Q, K, V and, when computed, its result (3 n d, or 4 n d)."""
    n, d = 6, 3
    S = cls(*qkv(n, d, seed=9), a=0.5)
    S.update_q(0, 0, 0.25)
    S.output()
    S.query(1, 1)
    calls = S.ledger.calls
    assert [c.op for c in calls] == ["init", "update_q", "output", "query"]
    assert all(c.space == S.space for c in calls[2:])
    if cls is NaiveAttention:
        assert [c.space for c in calls] == [4 * n * d, 3 * n * d, 4 * n * d, 4 * n * d]


def test_naive_counts_the_words_of_every_pass():
    """baselines.py ``NaiveAttention._compute``: Q K^T and A V (m k + k n + m n words each), the
    shift and the division reading two arrays and writing one (3 words an element), the
    exponentials (2) and the row sums (2): 9 n^2 + 7 n d words."""
    n, d = 5, 2
    S = NaiveAttention(np.ones((n, d)), np.ones((n, d)), np.ones((n, d)))
    assert S.ledger.calls[0].words == 9 * n * n + 7 * n * d


@pytest.mark.parametrize("cls", [EagerAttention, NaiveAttention])
def test_a_query_update_names_a_bad_delta(cls, qkv, snapshot):
    """baselines.py ``update_q``: ``as_scalar(delta, "delta", ...)`` deleted lets a string reach
    the kernel, whose error does not name the argument."""
    S = cls(*qkv(3, 2, seed=2), a=0.5)
    before = snapshot(S)
    with pytest.raises(TypeError, match="delta"):
        S.update_q(0, 0, "0.5")
    assert snapshot(S) == before
