"""Ledgers of the reductions (DA section 5, AS section 4.3): the structure and oracle calls they
issue, their sizes and the reductions' own arithmetic, exact on small cases (by hand)."""

import numpy as np
import pytest

from impl.ledger import Ledger
from impl.reductions.ann import gap_ann, gap_ann_attention, gap_ann_lookup
from impl.reductions.hmv import OAMVReduction, ODAMVReduction, oamv_hmv
from spec.as_ import ann_costs
from spec.da import hmv_costs

M = [[1, 0], [0, 1]]
V = [[1, 1], [0, 1]]
P = [[0, 1], [1, 0]]        # k = 2 non-zeros, one per column
N = 2


def test_oamv_exact_counts():
    red = OAMVReduction(M, V, tau=1, kind="float64")
    red.phase2(P)
    res = red.phase3(1)
    p1, p2, p3 = red.ledger.calls
    n, k = N, 2
    assert [p1.op, p2.op, p3.op] == ["phase1", "phase2", "phase3"]
    # phase 1: M and V validated (a test per entry; an object copy and the test, 4 n^2 words
    # each), the column sums of V (n^2; n^2 read, n written), Q~ = M and V~ = V copied (2 n^2
    # words each; K~ = 0 is only allocated) and the three converted (2 n^2 words each): one init
    assert (p1.mul_adds, p1.words) == (3 * n * n, 8 * n * n + n * n + n + 4 * n * n + 6 * n * n)
    assert p1.sub_calls == {"init": 1} and p1.sizes == {"n": n, "n_tilde": n, "d_tilde": n}
    # phase 2: P validated and its non-zeros counted (n^2 each); the non-zero scan (n^2 read, two
    # indices written a non-zero) and the (key, column) pairs (4 words each); k update_k calls
    assert (p2.mul_adds, p2.words) == (2 * n * n, 4 * n * n + n * n + (n * n + 2 * k) + 4 * k)
    assert p2.sub_calls == {"update_k": k}
    # phase 3: n queries, the column sum subtracted from the column (n), a sign decision per
    # entry; the column and the quantities kept (2n words)
    assert (p3.mul_adds, p3.words) == (n, 2 * n + 2 * n)
    assert p3.sub_calls == {"query": n, "sign": n}
    assert all(c.space == 3 * n * n + n for c in (p1, p2, p3))
    # the structure's own ledger, summed per phase
    s = red.structure.ledger.calls
    assert [c.op for c in s] == ["init", "update_k", "update_k", "query", "query"]
    assert p1.sub_cost == [s[0].mul_adds, s[0].exps, s[0].words]
    assert p2.sub_cost == [sum(c.mul_adds for c in s[1:3]), sum(c.exps for c in s[1:3]),
                           sum(c.words for c in s[1:3])]
    assert p3.sub_cost[0] == sum(c.mul_adds for c in s[3:])
    assert res.column == (1, 1)


def test_odamv_exact_counts():
    red = ODAMVReduction(M, V, tau=1, kind="float64")
    red.phase2(P)
    red.phase3(1)
    p1, p2, p3 = red.ledger.calls
    n, k, nt = N, 2, 2 * N
    # phase 1: validation 2 n^2, column sums n^2, 1 - M n^2 (multiply-adds); words: validation
    # 8 n^2, sums n^2 + n, 1 - M (2 n^2), M, 1 - M and V copied into the zero 2n x 2n matrices
    # (2 n^2 each), the three converted (2 (2n)^2 each)
    assert (p1.mul_adds, p1.words) == (4 * n * n, 8 * n * n + n * n + n + 2 * n * n + 6 * n * n + 24 * n * n)
    assert p1.sizes == {"n": n, "n_tilde": nt, "d_tilde": nt}
    # phase 2: validation, nnz, column sums (n^2 each), their maximum (n); words: validation
    # 4 n^2, nnz n^2, column sums n^2 + n, maximum n, diag(P, P) written (2 n^2 each block), the
    # non-zero scan of diag(P, P) (4 n^2 read, two indices a non-zero) and the 2k pairs; 2k update_k
    assert p2.mul_adds == 3 * n * n + n
    assert p2.words == 4 * n * n + n * n + (n * n + n) + n + 4 * n * n + (4 * n * n + 2 * 2 * k) + 4 * 2 * k
    assert p2.sub_calls == {"update_k": 2 * k}
    # phase 3: the column times D~ (one D~ for every row) minus the column sum (n each); n
    # queries (not the printed 2n)
    assert (p3.mul_adds, p3.words) == (2 * n, 2 * n + 2 * n + 2 * n)
    assert p3.sub_calls == {"query": n, "sign": n}


def test_general_variant_and_shared_ledger():
    led = Ledger()
    res = oamv_hmv(M, V, P, 0, kind="float64", ledger=led)
    assert [c.op for c in led.calls] == ["phase1", "phase2", "phase3"] and res.queries == N
    red = ODAMVReduction(M, V, tau=1, kind="float64", variant="general", ledger=led)
    red.phase2(P)
    red.phase3(0)
    assert red.ledger is led and len(led.calls) == 6
    p1, p2, p3 = led.calls[3:]
    assert p1.sizes["n_tilde"] == 2 * N + 1 and p2.sub_calls == {"update_k": 4}
    assert p3.sub_calls == {"query": 2 * N, "sign": N}
    assert p3.mul_adds == 3 * N                      # q - colsum * (1/D~), then / (1/D~) in floats


def test_rejected_phases_record_nothing():
    red = OAMVReduction(M, V, tau=0.5, kind="float64")
    with pytest.raises(ValueError):
        red.phase2([[1, 1], [1, 1]])                 # 4 non-zeros > floor(2^0.5) = 1
    assert [c.op for c in red.ledger.calls] == ["phase1"] and red.ledger._open is None
    with pytest.raises(RuntimeError):
        red.phase3(0)
    led = Ledger()
    with pytest.raises(ValueError):
        OAMVReduction(M, [[1, 2], [0, 1]], ledger=led)
    assert led.calls == []


def test_the_ledger_does_not_change_the_decoded_columns():
    rng = np.random.default_rng(2)
    for _ in range(5):
        n = 4
        Mr, Vr = rng.integers(0, 2, (n, n)).tolist(), rng.integers(0, 2, (n, n)).tolist()
        Pr = np.eye(n, dtype=int)[rng.permutation(n)][:, :].tolist()
        a = oamv_hmv(Mr, Vr, Pr, 1, kind="mpmath")
        b = oamv_hmv(Mr, Vr, Pr, 1, kind="mpmath", ledger=Ledger(enabled=False))
        assert a.column == b.column and a.queries == b.queries == n


A = [[0, 1], [1, 1]]
B = [[1, 0], [1, 1]]


def test_gap_ann_attention_exact_counts():
    led = Ledger()
    oracle = ann_costs.RecordingOracle()
    res = gap_ann_attention(A, B, 1.0, 1.0, oracle=oracle, ledger=led)
    c = led.last()
    n, d_in, d = 2, 2, 4                               # [1, 1] is not balanced: Remark 4.4 doubles d
    assert res.balanced and res.d == d and oracle.shapes == [(2 * n, 2 * d)]
    assert c.sub_calls == {"oracle": 1} and (c.sizes["n_tilde"], c.sizes["d_tilde"]) == (4, 8)
    # validation 2 n d_in; A's row sums (n d_in), their tests and all() (n each): A is not
    # balanced, so B is not tested; balance: validation and 1 - a (2 n d_in each); decisions 2n
    assert c.part("reduction")[0] == 2 * n * d_in + (n * d_in + 2 * n) + 4 * n * d_in + 2 * n == 36
    # words: validation 8 n d_in; A's sums, tests, all (3n + 3n); balance: validation 8 n d_in,
    # 1 - a 4 n d_in, [a, 1 - a] 8 n d_in; Q, K, V filled (3 (2n)(2d)), the entries of the
    # balanced A and B read and written (4 n d), the ones blocks and the value column (each
    # filled with one value: 2n d + 1, n d + 1, n + 1); u read (2n) and tested (4n)
    assert c.part("reduction")[2] == 8 * n * d_in + 6 * n + 20 * n * d_in + 12 * n * d + 4 * n * d \
        + (2 * n * d + 1) + (n * d + 1) + (n + 1) + 6 * n == 293
    # the promise classes (annotation): validation, distances (n^2 d_in comparisons, then the sums),
    # row minima (n^2) and two tests a row
    assert c.part("annotation")[0] == 2 * n * d_in + 2 * n * n * d_in + n * n + 2 * n == 32
    assert c.exps == 0 and c.space == 2 * n * d_in + 2 * n * d + 3 * (2 * n) * (2 * d) + 2 * n


def test_gap_ann_lookup_exact_counts():
    led = Ledger()
    res = gap_ann_lookup(A, B, 2.0, 1.0, ledger=led)   # radius 1, early exit
    c = led.last()
    # a_1 = [0, 1]: probe itself (miss), then one flip (hit); a_2 = [1, 1]: itself (hit)
    assert res.lookups == 3 and c.sub_calls == {"insert": 2, "lookup": 3}
    assert c.part("reduction") == [8 + 1, 0, 32 + 8 + 4 * 2 * 3 + 2 + 2]
    full = gap_ann_lookup(A, B, 2.0, 1.0, ledger=led, early_exit=False)
    assert full.lookups == 2 * (1 + 2) and led.last().sub_calls["lookup"] == 6


def test_gap_ann_records_one_call_with_the_chosen_case():
    led = Ledger()
    res = gap_ann(A, B, 2.0, 1.0, c=10.0, ledger=led)   # t < c log n: lookup
    assert res.case == "lookup" and [x.op for x in led.calls] == ["gap_ann"]
    assert set(led.last().sub_calls) == {"insert", "lookup"}
    res = gap_ann(A, B, 1.0, 1.0, c=0.1, oracle=ann_costs.RecordingOracle(), ledger=led)
    assert res.case == "attention" and led.last().sub_calls == {"oracle": 1}
    assert led.last().part("reduction")[0] == 36 + 8     # gap_ann validates once more
    with pytest.raises(ValueError):
        gap_ann(A, B, 0.0, 1.0, ledger=led)
    assert len(led.calls) == 2


def test_cost_predicates_on_small_cases():
    ann_costs.check_ann_costs({"A": A, "B": B, "t": 1.0, "eps": 1.0})
    with pytest.raises(ann_costs.Counterexample):
        ann_costs.check_ann_size_literal({"A": [[0], [1]], "B": [[0], [0]], "t": 1.0, "eps": 1.0})
    ann_costs.check_ann_size_literal({"A": [[0, 1], [1, 0]], "B": [[0, 1], [0, 1]], "t": 1.0, "eps": 1.0})
    for variant in ("oamv", "general"):
        hmv_costs.check_hmv_costs({"M": M, "V": V, "P": P, "tau": "1", "a": "0.5", "i": 0, "variant": variant})
