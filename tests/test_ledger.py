"""The ledger counts exactly what its helpers compute, records nothing for rejected calls, can be
off.

The helpers (``impl.ledger``, ``impl.counted_ops``) compute and count from the real shapes; the
structures' counts, which follow from the helpers each operation calls, are checked in
tests/test_structure_counts.py."""

from fractions import Fraction

import numpy as np
import pytest

from impl.ledger import Ledger


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
    led.exp(np.zeros(1))
    led.record("f", (0, 0), 0)                            # after a clear: its own counts only
    assert counts(led) == (0, 1, 2)


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
