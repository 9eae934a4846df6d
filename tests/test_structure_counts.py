"""The structures' counts: each DA operation, baseline and printed transcription counts exactly
the numpy calls it makes (one line of each docstring per call), through the ledger's helpers
(tests/test_ledger.py checks the helpers themselves)."""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.literal import V1_DEFECTS, PaperV1Attention


def make(n=16, d=4, a=0.5, **kw):
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, n, d)) / 2
    return DynamicAttention(Q, K, V, a=a, **kw)


def counts(led):
    c = led.last()
    return c.mul_adds, c.exps, c.words


def test_exact_counts_of_the_paper_operations():
    """DynamicAttention, float64, n = 16, d = 4, T = ceil(16^0.5) = 4.

    Init: Q K^T (n^2 d), the scale, the finiteness test and its all() (n^2 each), the row maxima,
    M - s (n^2 each), n^2 exponentials, the row sums (n^2), A V (n^2 d).  update_k: c Q[:, j] +
    M[:, i] (axpy) and its finiteness (a dot product), M[:, i] - s, its maximum, Delta_A, D +=,
    |Delta_A|, W +=, and the cancellation test 2^16 D, W <= ..., all(): 11 passes of n, and n
    exponentials.  A query: the pending key terms (ck), the test of the value column (cv), the
    hits (h).  A recompute: the key block as a product (n ck d) added into C (n d), one A column
    per value update (n) and V0 += Delta_V (cv)."""
    n, d = 16, 4
    S = make(n, d)
    T = S.threshold
    assert T == 4
    init = S.ledger.calls[0]
    assert (init.mul_adds, init.exps) == (2 * n * n * d + 6 * n * n, n * n)
    # words: Q copied column-major (2nd), Q K^T (2nd + n^2), the scale, the finiteness test, all()
    # (2n^2, 2n^2, n^2), the row maxima (n^2 + n), M - s (3n^2), exp (2n^2), M and A copied
    # column-major (2n^2 each), the row sums (n^2 + n), W = D (2n), A V (n^2 + 2nd), C copied
    # column-major (2nd)
    assert init.words == 18 * n * n + 8 * n * d + 4 * n
    S.update_k(0, 0, 0.1)
    c = S.ledger.last()
    assert (c.op, c.mul_adds, c.exps, c.recomputes) == ("update_k", 11 * n, n, 0)
    # words: the axpy (3n) and its finiteness dot product (2n + 1), M[:, i] - s (3n), its maximum
    # (n), exp (2n), Delta_A (3n), the M and A columns stored (2n each), D += (3n), |Delta_A| (2n),
    # W += (3n), the cancellation test (6n), the row of V0 stored in PK_v (2d)
    assert c.words == 32 * n + 2 * d + 1
    S.update_v(1, 1, 0.5)
    S.update_v(2, 1, 0.5)
    S.query(3, 1)                                        # ck = 1, cv = 2, both hit column 1
    assert S.ledger.last().mul_adds == 1 + 2 + 2
    S.recompute()
    assert S.ledger.last().mul_adds == n * 1 * d + n * d + 2 * n + 2
    for t in range(T):
        S.update_k(t, 0, 0.1)
    last = S.ledger.last()
    assert last.recomputes == 1 and last.mul_adds == 11 * n + n * T * d + n * d
    assert S.space == 2 * n * d + 2 * n * n + 3 * n + 2 * n * d + n * T + T * d + 3 * T
    assert all(c.space == S.space for c in S.ledger.calls)


def test_query_update_and_output_counts():
    """update_q: K q (n d), the scale, the finiteness test and all() (n each), then the row:
    maximum, shift, exponentials, sum (n each, n exponentials) and C[i] = A[i] V0 (n d).  output:
    the pending terms as a recompute folds them, and the division by D (n d)."""
    n, d = 16, 4
    S = make(n, d)
    S.update_q(2, 1, 0.3)
    c = S.ledger.last()
    assert (c.op, c.mul_adds, c.exps) == ("update_q", 2 * n * d + 6 * n, n)
    S.update_k(1, 0, 0.2)
    S.update_v(0, 3, 0.5)
    S.output()
    c = S.ledger.last()
    assert (c.op, c.pending, c.mul_adds) == ("output", (1, 1), (n * 1 * d + n * d) + n + n * d)
    S.update_k(2, 0, 0.2)
    S.update_q(3, 1, -0.3)                               # two pending key updates, one value update
    assert S.ledger.last().pending == (2, 1)


def test_rejected_calls_record_nothing_and_off_records_nothing():
    S = make()
    before = len(S.ledger.calls)
    with pytest.raises(IndexError):
        S.update_k(99, 0, 1.0)
    with pytest.raises(ValueError):
        S.update_q(0, 0, float("nan"))
    S.kernel.K[:, 0] = 1e10                               # (the logits are not re-read below)
    with pytest.raises(ValueError, match="logits of query 0"):
        S.update_q(0, 0, 1e300)                           # refused after its K q was counted
    assert len(S.ledger.calls) == before and S.ledger._open is None
    S.query(0, 0)
    assert S.ledger.last().mul_adds == 0                  # nothing left over from the refusals
    off = make(ledger=False)
    off.update_k(0, 0, 0.1)
    off.update_v(0, 0, 0.1)
    off.query(0, 0)
    off.recompute()
    assert off.ledger.calls == []


@pytest.mark.parametrize("factory", [EagerAttention, NaiveAttention,
                                     lambda *x, **k: PaperV1Attention(*x, repairs=V1_DEFECTS, **k)])
def test_every_structure_has_a_ledger(factory):
    rng = np.random.default_rng(1)
    S = factory(*rng.normal(size=(3, 8, 2)), a=0.5)
    S.update_k(0, 0, 0.1)
    S.update_v(1, 1, 0.2)
    S.query(2, 0)
    ops = [c.op for c in S.ledger.calls]
    assert ops[0] == "init" and {"update_k", "update_v", "query"} <= set(ops)
    # Init and a key update touch arrays; a query or a value update of a baseline may be O(1)
    # work on single entries (a stored entry over D_i, a new V entry), which is not counted
    assert all(c.words > 0 for c in S.ledger.calls if c.op in ("init", "update_k"))
    assert all(c.mul_adds >= 0 and c.words >= 0 for c in S.ledger.calls)


def test_eager_counts_and_space():
    """EagerAttention: Init as DynamicAttention's without the layouts, a key update as
    DynamicAttention's plus the rank-1 update of C (n d products, n d additions), a value update
    one scaled column of A added to a column of C (n); it holds the kernel, V and C."""
    n, d = 8, 3
    rng = np.random.default_rng(3)
    S = EagerAttention(*rng.normal(size=(3, n, d)))
    assert S.ledger.calls[0].mul_adds == 2 * n * n * d + 6 * n * n
    S.update_k(2, 1, 0.4)
    assert S.ledger.last().mul_adds == 11 * n + 2 * n * d
    S.update_v(3, 0, -0.5)
    assert S.ledger.last().mul_adds == n
    assert S.space == 2 * n * d + 2 * n * n + 3 * n + 2 * n * d
    assert all(c.space == S.space for c in S.ledger.calls)


def test_query_counts_without_pending_values():
    """Lemma 4.7's query reads the pending lists only: ck + cv + hits multiply-adds exactly."""
    n, d = 16, 4
    S = make(n, d)
    S.query(0, 0)
    assert counts(S.ledger) == (0, 0, 0)                 # nothing pending: C_ij / D_i only
    S.update_k(3, 1, 0.2)
    S.query(5, 2)
    assert counts(S.ledger) == (1, 0, 3)                 # one pending key term: a dot product of 1


def test_value_update_counts_exactly_with_and_without_a_recompute():
    """update_v: the pending entries of the same row (cv comparisons), and among those the same
    column; recorded in one call.  The update that fills the list also pays the recompute it
    triggers, as its own call would."""
    n, d = 16, 4
    S = make(n, d)
    T = S.threshold
    for cv in range(T - 1):
        S.update_v(cv, 1, 0.25)                          # a row of its own: no second test
        c = S.ledger.last()
        assert (c.op, c.mul_adds, c.exps, c.words, c.pending, c.recomputes) == \
            ("update_v", cv, 0, 3 * cv, (0, cv), 0)
        assert c.space == S.space
    twin = make(n, d)
    for cv in range(T - 1):
        twin.update_v(cv, 1, 0.25)
    twin.recompute()                                     # the recompute alone, for comparison
    alone = twin.ledger.last()
    S.update_v(T - 1, 1, 0.25)                           # fills the list: recompute inside
    c = S.ledger.last()
    assert c.recomputes == 1 and c.pending == (0, T - 1)
    # the twin's recompute folds T - 1 value updates, this one T: one more A column (axpy: n
    # multiply-adds, 3n words) and one more V0 entry (add_at: 1, 5 words)
    assert c.mul_adds == (T - 1) + alone.mul_adds + n + 1
    assert c.words == 3 * (T - 1) + alone.words + 3 * n + 5


def test_value_update_counts_the_entries_of_its_row():
    """Two pending updates in row 0 (one of them at the same entry): the second test compares
    their 2 columns, the sum adds the 1 hit."""
    S = make(16, 4, a=1.0)                               # T = 16: no recompute below
    S.update_v(0, 1, 0.25)
    S.update_v(0, 2, 0.25)
    S.update_v(5, 1, 0.25)
    S.update_v(0, 1, 0.5)                                # cv = 3; same row: 2; same entry: 1
    assert counts(S.ledger)[0] == 3 + 2 + 1


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


def test_the_float64_stabilisation_is_counted():
    """A key update that pushes a logit past the headroom rescales its row (``rows_rescaled``): the
    test and the shift again (2n), and n + d + T + 3 per rescaled row (its A row, D, W, C and
    PK_cols entries, the new shift); one that spends a row's cancellation budget re-evaluates the
    rows (``rows_refreshed``): the test again (3n), and 2nd + 4n per row."""
    n, d, T = 2, 1, 2
    S = DynamicAttention(np.array([[1.0], [0.5]]), np.zeros((2, 1)), np.array([[1.0], [2.0]]), a=1.0)
    S.update_k(0, 0, 64.0)                               # exactly the headroom: no rescale
    c = S.ledger.last()
    assert (c.rows_rescaled, c.mul_adds, c.exps) == (0, 11 * n, n)
    S = DynamicAttention(np.array([[1.0], [0.5]]), np.zeros((2, 1)), np.array([[1.0], [2.0]]), a=1.0)
    S.update_k(0, 0, 64.5)                               # row 0's logit 64.5 > 64 above its shift
    c = S.ledger.last()
    assert (c.rows_rescaled, c.rows_refreshed) == (1, 0)
    assert (c.mul_adds, c.exps) == (11 * n + 2 * n + 1 * (n + d + T + 3), n + 1)
    R = 5e4
    S = DynamicAttention(np.ones((2, 1)), np.array([[0.0], [-np.log(R)]]), np.array([[1.0], [2.0]]), a=1.0)
    S.update_k(0, 0, -40.0)                              # A[r, 0]: 1 -> e^-40, D about 1/R
    c = S.ledger.last()
    assert (c.rows_rescaled, c.rows_refreshed) == (0, 2)
    assert (c.mul_adds, c.exps) == (11 * n + 3 * n + 2 * (2 * n * d + 4 * n), n + 2 * n)
    np.testing.assert_array_equal(S.kernel.W, S.kernel.D)   # a re-evaluated row's budget restarts
    S.update_k(1, 0, 0.01)
    c = S.ledger.last()                                  # (and ck = T = 2: the recompute, n T d + n d)
    assert (c.rows_refreshed, c.recomputes, c.mul_adds) == (0, 1, 11 * n + n * T * d + n * d)


def test_space_of_an_exact_structure():
    """Exact kinds keep no cancellation budgets W: the kernel holds Q, K, M, A, s and D."""
    import sympy

    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    S = DynamicAttention(o([[1, 0], [0, 1], [1, 1]]), o([[0, 1], [1, 0], [1, 1]]), o([[1, 2], [3, 4], [5, 6]]))
    n, d, T = 3, 2, S.threshold
    assert S.kernel.W is None and T == 2
    assert S.space == (2 * n * d + 2 * n * n + 2 * n) + 2 * n * d + n * T + T * d + 3 * T
