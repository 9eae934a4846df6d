"""The ledger counts exactly what the code does, records nothing for rejected calls, can be off.

The helpers (``impl.ledger``) compute and count from the real shapes; the structures' counts
below follow from the numpy calls each operation makes (one line of each docstring per call)."""

from fractions import Fraction

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.ledger import Ledger
from impl.literal import V1_DEFECTS, PaperV1Attention


def make(n=16, d=4, a=0.5, **kw):
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, n, d)) / 2
    return DynamicAttention(Q, K, V, a=a, **kw)


def counts(led):
    c = led.last()
    return c.mul_adds, c.exps, c.words


# ------------------------------------------------------------------------------ the helpers
def test_helpers_count_from_the_shapes_of_their_operands():
    led = Ledger()
    A, B = np.ones((3, 5)), np.ones((5, 2))
    led.begin("products")
    assert led.matmul(A, B).shape == (3, 2)                # 3 5 2 multiply-adds
    assert led.matmul(A[0], B[:, 0]) == 5.0                # a dot product: 5
    led.end()
    assert counts(led) == (30 + 5, 0, (15 + 10 + 6) + (5 + 5 + 1))
    x = np.arange(6.0).reshape(2, 3)
    led.begin("elementwise")
    np.testing.assert_array_equal(led.subtract(x, x[:, :1]), x - x[:, :1])   # broadcast: 6 results
    led.axpy(2.0, x[0], x[1], out=x[1])                    # x[1] += 2 x[0]: 3
    np.testing.assert_array_equal(x[1], [3.0, 6.0, 9.0])
    assert led.all(led.isfinite(x))                        # 6 + 6
    led.end()
    # a word per result element from each array operand (the broadcast column too) and written
    assert counts(led) == (6 + 3 + 12, 0, (6 + 6 + 6) + (3 + 3 + 3) + (6 + 6) + 6)
    led.begin("reductions and exps")
    np.testing.assert_array_equal(led.max(x, axis=1), [2.0, 9.0])      # 6
    assert led.sum(x) == 3 + 6 + 9 + 0 + 1 + 2                          # 6
    led.exp(x)                                                          # 6 exponentials
    led.end()
    assert counts(led) == (12, 6, (6 + 2) + 6 + (6 + 6))     # a scalar result is O(1): no word


def test_data_movement_counts_words_only():
    led = Ledger()
    target = np.zeros((4, 3))
    led.begin("moves")
    led.assign(target, (slice(None), 1), np.ones(4))       # 4 read, 4 written
    led.fill(target, ([0, 2], slice(0, 2)), 7.0)           # 1 read, 4 written
    got = led.take(target, np.array([2, 3]))               # 2 index, 6 read, 6 written
    assert led.where_equal(target[:, 1], 1.0).tolist() == [1, 3]   # 4 comparisons, then the scan
    assert led.copy(target).flags.c_contiguous             # 12 read, 12 written
    led.end()
    assert got.shape == (2, 3) and target[0, 0] == 7.0 and target[1, 1] == 1.0
    assert counts(led) == (4, 0, 8 + 5 + 14 + (8 + 4 + 2) + 24)


def test_counts_belong_to_the_next_call_and_a_rejected_call_leaves_none():
    led = Ledger()
    led.scale(np.ones(5), 2.0)                             # made before the call: part of it
    led.record("leaf", (1, 2), space=9)
    c = led.last()
    assert (c.op, c.mul_adds, c.words, c.pending, c.space) == ("leaf", 5, 10, (1, 2), 9)
    led.scale(np.ones(5), 2.0)
    led.begin("rejected")
    led.abort()                                            # its counts go with it
    led.record("next", (0, 0), space=0)
    assert led.last().mul_adds == 0 and len(led.calls) == 2
    led.begin("outer")
    led.begin("inner")                                     # a nested call counts in the outer one
    led.scale(np.ones(3), 2.0)
    led.end()
    led.record("ignored", (0, 0), 0)                       # inside an open call: stays in it
    led.end(4)
    assert [c.op for c in led.calls] == ["leaf", "next", "outer"] and led.last().mul_adds == 3
    off = Ledger(enabled=False)
    off.begin("init")
    off.scale(np.ones(3), 2.0)
    off.end()
    off.record("query", (0, 0), 0)
    assert off.calls == []


# ------------------------------------------------------------------------ the structures
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


# ------------------------------------------------------------------ every helper, one by one
X = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
ROW = np.array([0.5, 1.0, 2.0])
HELPERS = [  # (name, call, result, (multiply-adds, exponentials, words))
    # a broadcast operand (ROW) is read once per result element; a scalar operand is O(1)
    ("add", lambda L: L.add(X, ROW), X + ROW, (6, 0, 6 + 6 + 6)),
    ("subtract", lambda L: L.subtract(X, ROW), X - ROW, (6, 0, 18)),
    ("multiply", lambda L: L.multiply(X, ROW), X * ROW, (6, 0, 18)),
    ("divide", lambda L: L.divide(X, ROW), X / ROW, (6, 0, 18)),
    ("less_equal", lambda L: L.less_equal(X, ROW), X <= ROW, (6, 0, 18)),
    ("less_equal ties", lambda L: L.less_equal(X, X[0]), X <= X[0], (6, 0, 18)),
    ("logical_and", lambda L: L.logical_and(X > 0, X < 4), (X > 0) & (X < 4), (6, 0, 18)),
    ("scale", lambda L: L.scale(X, 3.0), 3.0 * X, (6, 0, 6 + 6)),
    ("greater", lambda L: L.greater(X, 1.0), X > 1.0, (6, 0, 12)),
    ("equal", lambda L: L.equal(X, 5.0), X == 5.0, (6, 0, 12)),
    ("where_equal", lambda L: L.where_equal(X, 5.0), np.array([4]), (6, 0, 2 * 6 + 6 + 1)),
    ("absolute", lambda L: L.absolute(X), np.abs(X), (6, 0, 12)),
    ("isfinite", lambda L: L.isfinite(X), np.ones((2, 3), bool), (6, 0, 12)),
    ("logical_not", lambda L: L.logical_not(X > 0), X <= 0, (6, 0, 12)),
    ("offset", lambda L: L.offset(X, 2.5), X + 2.5, (6, 0, 12)),
    ("subtract_from", lambda L: L.subtract_from(1.0, X), 1.0 - X, (6, 0, 12)),
    ("not_equal", lambda L: L.not_equal(X, ROW), X != ROW, (6, 0, 18)),
    ("axpy", lambda L: L.axpy(2.0, X[0], X[1]), 2.0 * X[0] + X[1], (3, 0, 3 + 3 + 3)),
    ("all_at_most", lambda L: L.all_at_most(X, 2.0, np.abs(X)), True, (18, 0, 12 + 18 + 6)),
    ("all_at_most ties", lambda L: L.all_at_most(np.abs(X), 1.0, np.abs(X)), True, (18, 0, 36)),
    ("matmul", lambda L: L.matmul(X, X.T), X @ X.T, (2 * 3 * 2, 0, 6 + 6 + 4)),
    ("dot", lambda L: L.matmul(X[0], ROW), X[0] @ ROW, (3, 0, 3 + 3 + 1)),
    ("exp", lambda L: L.exp(X), np.exp(X), (0, 6, 12)),
    ("exp of a scalar", lambda L: L.exp(0.5), np.exp(0.5), (0, 1, 2)),
    ("sum", lambda L: L.sum(X), X.sum(), (6, 0, 6)),
    ("sum of rows", lambda L: L.sum(X, axis=1), X.sum(axis=1), (6, 0, 8)),
    ("max", lambda L: L.max(X), 5.0, (6, 0, 6)),
    ("max of rows", lambda L: L.max(X, axis=1), np.array([3.0, 5.0]), (6, 0, 8)),
    ("min of columns", lambda L: L.min(X, axis=0), np.array([-4.0, -2.0, -6.0]), (6, 0, 9)),
    ("all", lambda L: L.all(X > -7), True, (6, 0, 6)),
    ("copy", lambda L: L.copy(X), X, (0, 0, 12)),
    ("take", lambda L: L.take(X, (1, 2)), -6.0, (0, 0, 1 + 2)),
    ("take of an exact entry", lambda L: L.take(np.array([Fraction(1, 3)], dtype=object), 0), Fraction(1, 3),
     (0, 0, 1 + 2)),
    ("flatnonzero", lambda L: L.flatnonzero(X > 0), np.array([0, 2, 4]), (0, 0, 6 + 3)),
    ("nonzero", lambda L: np.array(L.nonzero(X > 0)), np.array([[0, 0, 1], [0, 2, 1]]), (0, 0, 6 + 2 * 3)),
    ("nonzero of a vector", lambda L: np.array(L.nonzero(ROW > 0.7)), np.array([[1, 2]]), (0, 0, 3 + 2)),
    ("concatenate", lambda L: L.concatenate((X, -X), axis=1), np.hstack((X, -X)), (0, 0, 24)),
]


@pytest.mark.parametrize("name,call,want,cost", HELPERS, ids=[h[0] for h in HELPERS])
def test_each_helper_computes_as_numpy_and_counts_its_operands(name, call, want, cost):
    led = Ledger()
    got = call(led)
    np.testing.assert_array_equal(got, want)
    led.record("call", (0, 0), 0)
    assert counts(led) == cost
    off = Ledger(enabled=False)
    np.testing.assert_array_equal(call(off), want)         # the same value with the ledger off
    off.record("call", (0, 0), 0)
    assert off.calls == [] and (off._m, off._e, off._w) == (0, 0, 0)


def test_in_place_helpers_write_into_their_target():
    led = Ledger()
    y = np.array([1.0, 2.0, 3.0])
    led.axpy(2.0, np.array([1.0, 1.0, 1.0]), y, out=y)
    led.add(y, np.ones(3), out=y)
    led.subtract(y, np.ones(3), out=y)
    buf = np.empty(3)
    led.exp(np.zeros(3), out=buf)
    led.absolute(np.array([-1.0, 2.0, -3.0]), out=y)
    V = np.zeros((2, 2))
    led.add_at(V, (np.array([0, 0, 1]), np.array([1, 1, 0])), np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(y, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(buf, np.ones(3))
    np.testing.assert_array_equal(V, [[0.0, 3.0], [4.0, 0.0]])
    led.record("in place", (0, 0), 0)
    # axpy 3 (9 words), add 3 (9), subtract 3 (9), exp 3 exponentials (6), absolute 3 (6),
    # add_at 3 values (3 read, 3 read and written) and their 2 x 3 index entries
    assert counts(led) == (3 + 3 + 3 + 3 + 3, 3, 9 + 9 + 9 + 6 + 6 + 3 * 3 + 6)


def test_count_only_methods_count_inside_a_call_only():
    led = Ledger()
    led.gemm(2, 3, 4)
    led.vec(5, 2)
    led.charge(7, 1, 9)
    led.touch(11)
    led.exp(6)
    led.record("outside", (0, 0), 0)
    assert counts(led) == (0, 0, 0)                      # no call was open: nothing counted
    led.begin("inside")
    led.gemm(2, 3, 4)                                    # 24, 6 + 12 + 8 words
    led.vec(5, 2)                                        # 5, 15 words
    led.charge(7, 1, 9)
    led.touch(11)
    assert led.exp(6) is None                            # 6 exponentials computed elsewhere
    led.end(3)
    assert counts(led) == (24 + 5 + 7, 1 + 6, 26 + 15 + 9 + 11 + 12)


def test_parts_sub_calls_sizes_and_notes():
    led = Ledger()
    led.sub("early")                                     # before begin: part of the next call
    led.begin("reduction", (2, 1))
    led.part("build")
    led.scale(np.ones(4), 2.0)                           # 4 in part "build"
    led.part("solve")
    led.matmul(np.ones((2, 3)), np.ones(3))              # 6 in part "solve"
    led.exp(np.zeros(2))
    led.part("build")
    led.vec(3)                                           # back to "build": 3 more
    led.sub("query", 2, (10, 1, 30))
    led.sub("query", 1, (5, 0, 7))
    led.sub("sign")
    led.sizes(n=4)
    led.sizes(d=3)
    led.note(recomputes=1, rows_rescaled=2, rows_refreshed=3)
    led.end(99)
    c = led.last()
    assert (c.op, c.pending, c.space, c.mul_adds, c.exps) == ("reduction", (2, 1), 99, 13, 2)
    assert c.part("build") == [4 + 3, 0, 8 + 6] and c.part("solve") == [6, 2, 11 + 4]
    assert c.part("other") == [0, 0, 0]
    assert c.sub_calls == {"early": 1, "query": 3, "sign": 1} and c.sub_cost == [15, 1, 37]
    assert c.sizes == {"n": 4, "d": 3}
    assert (c.recomputes, c.rows_rescaled, c.rows_refreshed) == (1, 2, 3)
    assert set(c.extras()) == {"parts", "sub_calls", "sub_cost", "sizes"}


def test_extras_keep_every_count_and_a_ledger_that_is_off_keeps_nothing():
    """ledger.py: a call with extras counts its words like one without (``_totals``, the words of
    a reduction included); a query recorded after a note gets its own name and pending updates;
    a ledger that is off makes no CallCost for notes, parts or sub-calls."""
    led, plain = Ledger(), Ledger()
    led.begin("with-part")
    led.part("p")
    led.sum(np.ones(5))
    led.end(0)
    plain.begin("plain")
    plain.sum(np.ones(5))
    plain.end(0)
    assert counts(led) == counts(plain) == (5, 0, 5) and led.last().op == "with-part"
    led.begin("next")                                    # a part closes with its call
    led.note(recomputes=1)
    led.end(0)
    assert led.last().op == "next" and led.last().parts is None
    led.note(rows_rescaled=1)                            # extras before the query it belongs to
    led.record("query", (2, 1), 7)
    c = led.last()
    assert (c.op, c.pending, c.space, c.rows_rescaled) == ("query", (2, 1), 7, 1)
    off = Ledger(enabled=False)
    off.note(recomputes=1)
    off.part("p")
    off.sub("q")
    off.record("query", (1, 0), 3)
    assert off.calls == [] and off._open is None


def test_reading_the_calls():
    led = Ledger()
    for op, k in [("a", 1), ("b", 2), ("a", 3)]:
        led.scale(np.ones(k), 2.0)
        led.record(op, (k, 0), k)
    assert [c.op for c in led.calls] == ["a", "b", "a"]   # read twice: the same list
    assert [c.mul_adds for c in led.of("a")] == [1, 3] and led.last().space == 3
    assert led.since(1) == (2 + 3, 0, 2 * 2 + 2 * 3)
    led.scale(np.ones(2), 2.0)
    led.record("c", (0, 0), 0)                            # recorded after a read: appended
    assert [c.op for c in led.calls] == ["a", "b", "a", "c"]
    led.clear()
    assert led.calls == []
    led.exp(np.zeros(3))
    led.record("d", (0, 0), 0)                            # recorded and not read yet
    assert led.since(0) == (0, 3, 6)
    led.exp(np.zeros(2))
    led.record("e", (0, 0), 0)
    led.clear()                                           # clears what was not read too
    assert led.calls == [] and led.since(0) == (0, 0, 0)


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


def test_each_call_gets_only_its_own_counts_around_calls_with_extras():
    """ledger.py: the counters run on across calls, and each call's counts are their growth since
    the previous call ended, whether that call had extras (a CallCost of its own) or not; a
    rejected call drops only its own counts."""
    led = Ledger()
    led.scale(np.ones(4), 2.0)                           # 4 multiply-adds, 8 words
    led.record("plain", (0, 0), 0)
    led.begin("with-extras")
    led.note(recomputes=1)
    led.sum(np.ones(6))                                  # 6 multiply-adds, 6 words
    led.end(0)
    led.exp(np.zeros(2))                                 # 2 exponentials, 4 words
    led.record("after-extras", (0, 0), 0)
    led.scale(np.ones(3), 2.0)
    led.begin("rejected")
    led.abort()
    led.matmul(np.ones(2), np.ones(2))                   # a dot product: 2 multiply-adds, 5 words
    led.record("dot", (0, 0), 0)
    assert [(c.op, c.mul_adds, c.exps, c.words) for c in led.calls] == [
        ("plain", 4, 0, 8), ("with-extras", 6, 0, 6), ("after-extras", 0, 2, 4), ("dot", 2, 0, 5)]
