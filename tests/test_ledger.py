"""The ledger counts exactly what the code does, records nothing for rejected calls, can be off."""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.literal import V1_DEFECTS, PaperV1Attention


def make(n=16, d=4, a=0.5, **kw):
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, n, d)) / 2
    return DynamicAttention(Q, K, V, a=a, **kw)


def test_exact_counts_of_the_paper_operations():
    n, d = 16, 4
    S = make(n, d)
    T = S.threshold                                      # ceil(16^0.5) = 4
    init = S.ledger.calls[0]
    assert (init.mul_adds, init.exps) == (2 * n * n * d + 3 * n * n, n * n)
    S.update_k(0, 0, 0.1)
    c = S.ledger.last()
    # float64: 9 passes over the column (impl.expkernel.apply_key) + 3 for the cancellation test
    assert (c.op, c.mul_adds, c.exps, c.recomputes) == ("update_k", 12 * n, n, 0)
    S.update_v(1, 1, 0.5)
    S.update_v(2, 1, 0.5)
    S.query(3, 1)                                        # ck = 1, cv = 2, both hit column 1
    assert S.ledger.last().mul_adds == 1 + 2 + 2 + 1       # ck + cv + hits + the division
    S.recompute()
    # the key block as a product (n x 1 by 1 x d) added into C, one A column per value update
    assert S.ledger.last().mul_adds == n * 1 * d + n * d + 2 * n + 2
    for t in range(T):
        S.update_k(t, 0, 0.1)
    last = S.ledger.last()
    assert last.recomputes == 1 and last.mul_adds == 12 * n + n * T * d + n * d
    assert S.space == 2 * n * d + 2 * n * n + 3 * n + 2 * n * d + n * T + T * d + 3 * T


def test_rejected_calls_record_nothing_and_off_records_nothing():
    S = make()
    before = len(S.ledger.calls)
    with pytest.raises(IndexError):
        S.update_k(99, 0, 1.0)
    with pytest.raises(ValueError):
        S.update_q(0, 0, float("nan"))
    assert len(S.ledger.calls) == before and S.ledger._open is None
    off = make(ledger=False)
    off.update_k(0, 0, 0.1); off.query(0, 0); off.recompute()
    assert off.ledger.calls == []


@pytest.mark.parametrize("factory", [EagerAttention, NaiveAttention,
                                     lambda *x, **k: PaperV1Attention(*x, repairs=V1_DEFECTS, **k)])
def test_every_structure_has_a_ledger(factory):
    rng = np.random.default_rng(1)
    S = factory(*rng.normal(size=(3, 8, 2)), a=0.5)
    S.update_k(0, 0, 0.1); S.update_v(1, 1, 0.2); S.query(2, 0)
    ops = [c.op for c in S.ledger.calls]
    assert ops[0] == "init" and {"update_k", "update_v", "query"} <= set(ops)
    assert all(c.mul_adds >= 0 and c.words > 0 for c in S.ledger.calls)


def test_query_counts_without_pending_values():
    """Lemma 4.7's query reads the pending lists only: ck + cv + hits + 1 multiply-adds exactly."""
    n, d = 16, 4
    S = make(n, d)
    S.query(0, 0)
    assert S.ledger.last().mul_adds == 1                 # nothing pending: the division only
    S.update_k(3, 1, 0.2)
    S.query(5, 2)
    assert S.ledger.last().mul_adds == 1 + 1             # one pending key term, no values


def test_value_update_counts_exactly_with_and_without_a_recompute():
    """update_v: the overflow check over the cv pending entries and three stores, 3 cv + 1
    multiply-adds and 9 cv + 6 words, recorded in one call; the update that fills the list also
    pays the recompute it triggers, as its own call would."""
    n, d = 16, 4
    S = make(n, d)
    T = S.threshold
    for cv in range(T - 1):
        S.update_v(cv, 1, 0.25)
        c = S.ledger.last()
        assert (c.op, c.mul_adds, c.exps, c.words, c.pending, c.recomputes) == \
            ("update_v", 3 * cv + 1, 0, 9 * cv + 6, (0, cv), 0)
        assert c.space == S.space
    twin = make(n, d)
    for cv in range(T - 1):
        twin.update_v(cv, 1, 0.25)
    twin.recompute()                                     # the recompute alone, for comparison
    alone = twin.ledger.last()
    S.update_v(T - 1, 1, 0.25)                           # fills the list: recompute inside
    c = S.ledger.last()
    assert c.recomputes == 1 and c.pending == (0, T - 1)
    # the twin's recompute folds T - 1 value updates, this one T: one more A column (n, 4n + 3 words)
    assert c.mul_adds == 3 * (T - 1) + 1 + alone.mul_adds + n + 1
    assert c.words == 9 * (T - 1) + 6 + alone.words + 4 * n + 3 + 3


def test_the_appendix_transcription_counts_its_extra_matrices():
    """Seed 003's Algorithm 2 keeps K~ from Init on and M~ from the first UpdateK on."""
    from impl.literal import APPENDIX_DEFECTS, PaperAppendixAttention

    n, d = 8, 2
    rng = np.random.default_rng(2)
    args = rng.normal(size=(3, n, d)) / 2
    v1 = PaperV1Attention(*args, a=0.5, repairs=V1_DEFECTS)
    app = PaperAppendixAttention(*args, a=0.5, repairs=APPENDIX_DEFECTS)
    assert app.space == v1.space + n * d == app.ledger.last().space
    app.update_k(0, 0, 0.1)
    assert app.space == v1.space + n * d + n * n == app.ledger.last().space
