"""impl.literal: the printed algorithms of DA section 4 (DA arXiv v1) and of the appendix of a later version
as transcribed, line by line, with and without the repairs of their errata."""

import numpy as np
import pytest

from impl.dynamic import DynamicAttention
from impl.literal import APPENDIX_DEFECTS, V1_DEFECTS, PaperAppendixAttention, PaperV1Attention


@pytest.mark.parametrize("make", [PaperV1Attention, PaperAppendixAttention])
@pytest.mark.parametrize("n,d,a", [(5, 2, 0.5), (9, 4, 0.5), (3, 8, 1.0), (16, 3, 0.25)])
def test_literal_threshold_is_ceil_n_to_the_a(make, n, d, a, qkv):
    """literal/v1.py ``n = Qa.shape[0]`` -> ``shape[1]``: the lists hold ceil(n^a) slots for the
    n x d inputs (Algorithm 1 lines 11-13), the same threshold as the corrected structure; every
    other test has n = d or a threshold that d gives as well."""
    import math

    Q, K, V = qkv(n, d, seed=n)
    S = make(Q, K, V, a=a)
    assert S.threshold == math.ceil(round(n ** a, 9)) == DynamicAttention(Q, K, V, a=a).threshold


def test_literal_transcription_on_mpmath_numbers(qkv):
    """literal/v1.py with every repair on mpmath numbers (the same code on every kind):
    the lazy structure answers as softmax attention of the updated matrices; the sums it starts
    from zero are zeros of the kind (``Kind.zeros``)."""
    import mpmath

    from impl.attention import attention

    m = lambda X: np.array([[mpmath.mpf(float(v)) for v in r] for r in X], dtype=object)
    Q, K, V = qkv(3, 2, seed=12)
    with mpmath.workdps(30):
        S = PaperV1Attention(m(Q), m(K), m(V), a=0.5, repairs=V1_DEFECTS)
        S.update_k(1, 0, mpmath.mpf(0.5))
        S.update_v(2, 1, mpmath.mpf(-0.25))
        K[1, 0] += 0.5
        V[2, 1] -= 0.25
        want = attention(m(Q), m(K), m(V))
        got = S.output()
        assert max(abs(g - w) for g, w in zip(got.flat, want.flat)) < mpmath.mpf(10) ** -20
        assert abs(S.query(0, 1) - want[0, 1]) < mpmath.mpf(10) ** -20


LITERALS = [(PaperV1Attention, V1_DEFECTS), (PaperAppendixAttention, APPENDIX_DEFECTS)]


def _literal_state_is_the_definition(S, Q, K, V, scale, stored=True):
    """The members of Algorithm 1 after Init or Recompute: M = scale Q K^T, A = exp(M), C = A V,
    D = A 1 (as D^{-1} = 1 / D), B = D^{-1} C (K and M only where the text stores them back)."""
    M = Q @ K.T * scale
    A = np.exp(M)
    if stored:
        np.testing.assert_array_equal(S.K, K)
        np.testing.assert_allclose(S.M, M, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(S.A, A, rtol=1e-12)
    np.testing.assert_allclose(S.C, A @ V, rtol=1e-11)
    np.testing.assert_allclose(S.D, A.sum(axis=1), rtol=1e-11)
    np.testing.assert_allclose(S.B, (A @ V) / A.sum(axis=1)[:, None], rtol=1e-11)
    np.testing.assert_array_equal(S.V, V)


@pytest.mark.parametrize("cls,defects,left", [(PaperV1Attention, V1_DEFECTS, ()),
                                               (PaperV1Attention, V1_DEFECTS, ("E5",)),
                                               (PaperAppendixAttention, APPENDIX_DEFECTS, ())])
def test_literal_members_follow_the_printed_lines(cls, defects, left, qkv):
    """literal/v1.py: Init sets M, A, C, D, B by lines 19-21 (``Q K^T * scale`` -> ``/ scale``,
    the deleted ``B = C / D``), UpdateK refreshes K~, M~, A~ at lines 21-24 (the deleted
    ``self.K = K_t``, ``M_t[:, i] + dM`` -> ``-``, the last ``_refresh`` deleted: it is the only
    one when E5 is left unrepaired), Recompute sets C, D, B by lines 6-12; the answers are
    softmax attention with the scale.  The appendix's lines 22-24 store K and M back as they were
    (no-ops as printed): there only A follows the updates."""
    from impl.attention import attention

    Q, K, V = qkv(4, 2, seed=21)
    scale = 0.5
    S = cls(Q, K, V, a=1.0, scale=scale, repairs=set(defects) - set(left))    # threshold 4
    _literal_state_is_the_definition(S, Q, K, V, scale)
    stored = cls is PaperV1Attention
    K0 = K.copy()
    for i, j, delta in [(0, 1, 0.4), (2, 0, -0.3), (0, 0, 0.2)]:
        S.update_k(i, j, delta)
        M_tilde = Q @ K0.T * scale            # the appendix's M~: its M (of Init) plus this dM
        M_tilde[:, i] += scale * delta * Q[:, j]
        K[i, j] += delta
        np.testing.assert_array_equal(S.K, K if stored else K0)
        np.testing.assert_allclose(S.M, Q @ (K if stored else K0).T * scale, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(S.A, np.exp(Q @ K.T * scale), rtol=1e-12)
        if not stored:
            np.testing.assert_array_equal(S.K_tilde, K)
            np.testing.assert_allclose(S.M_tilde, M_tilde, rtol=1e-13, atol=1e-13)
    if left:        # E5 drops A Delta_V only: with no value update pending, Recompute is right
        S.recompute()
        _literal_state_is_the_definition(S, Q, K, V, scale, stored)
    else:
        np.testing.assert_allclose(S.output(), attention(Q, K, V, scale=scale), rtol=1e-10)
        S.update_v(1, 1, 0.75)
        V[1, 1] += 0.75
        np.testing.assert_allclose(S.output(), attention(Q, K, V, scale=scale), rtol=1e-10)
        S.recompute()
        _literal_state_is_the_definition(S, Q, K, V, scale, stored)
        assert (S.ct_K, S.ct_V) == (0, 0)


@pytest.mark.parametrize("cls,defects", LITERALS)
def test_literal_recomputes_when_the_counter_reaches_n_to_the_a(cls, defects, qkv):
    """literal/v1.py line 15 ``ct_K < n^a`` (-> ``<=``) and UpdateV line 4: with n = 4, a = 1/2
    (n^a = 2 exactly) the second update of a kind is the one that recomputes, and a third finds
    the lists empty again (a missed Recompute would write past the 2 slots)."""
    from impl.attention import attention

    Q, K, V = qkv(4, 2, seed=22)
    S = cls(Q, K, V, a=0.5, repairs=defects)
    assert S.threshold == 2 and S.na == 2.0
    for step, (i, j, delta) in enumerate([(0, 1, 0.4), (3, 0, -0.3), (1, 1, 0.2)]):
        S.update_k(i, j, delta)
        K[i, j] += delta
        assert S.ct_K == [1, 0, 1][step]
    for step, (i, j, delta) in enumerate([(2, 1, 0.5), (0, 0, -1.0), (3, 1, 0.25)]):
        S.update_v(i, j, delta)
        V[i, j] += delta
        assert S.ct_V == [1, 0, 1][step]
    np.testing.assert_allclose(S.output(), attention(Q, K, V), rtol=1e-10)


def test_literal_e5_repair_recomputes_with_the_updated_a(qkv):
    """literal/v1.py, E5 repaired: the Recompute that a key update triggers adds A Delta_V with
    the A of that update (the refresh moves before it; ``'E5' in`` -> ``not in``): the pending
    value update is in row 1, the triggering key update changes column 1 of A."""
    from impl.attention import attention

    Q, K, V = qkv(4, 2, seed=23)
    S = PaperV1Attention(Q, K, V, a=0.5, repairs=V1_DEFECTS)
    S.update_v(1, 0, 0.5)
    S.update_k(0, 0, 0.3)
    S.update_k(1, 0, 0.7)                        # ct_K = 2 = n^a: Recompute
    V[1, 0] += 0.5
    K[0, 0] += 0.3
    K[1, 0] += 0.7
    np.testing.assert_allclose(S.output(), attention(Q, K, V), rtol=1e-10)


def test_literal_line_10_reads_the_d_inverse_of_the_previous_update(qkv):
    """literal/v1.py ``_previous_d_inverse``: UpdateK line 10 reads List_D[ct_K - 1].Getb after
    line 3's increment.  Under the consistent reading (update t at List_D[t], the D^{-1} of Init
    at List_D[0]) that is the D^{-1} before this update, so with E2 repaired the t-th entry holds
    1/D_t - 1/D_(t-1); with the printed writes (update t at List_D[t - 1]) the second update reads
    List_D[1], which nothing wrote (the deleted ``return``, ``ct_K - 1`` -> ``ct_K + 1`` or
    ``- 2`` read other slots)."""
    from impl.literal import LiteralUndefinedRead

    Q, K, V = qkv(4, 2, seed=24)
    D = [np.exp(Q @ K.T).sum(axis=1)]
    K2 = K.copy()
    for i, j, delta in [(0, 0, 0.5), (1, 1, -0.5)]:
        K2[i, j] += delta
        D.append(np.exp(Q @ K2.T).sum(axis=1))
    for cls, defects in LITERALS:
        S = cls(Q, K, V, a=1.0, repairs=defects)
        S.update_k(0, 0, 0.5)
        S.update_k(1, 1, -0.5)
        assert [S.List_D[t].by for t in range(3)] == ["Init", "UpdateK 1", "UpdateK 2"]
        for t in (1, 2):
            np.testing.assert_allclose(S.List_D[t].a, 1 / D[t] - 1 / D[t - 1], rtol=1e-12)
            np.testing.assert_allclose(S.List_D[t].b, 1 / D[t], rtol=1e-12)
        S = cls(Q, K, V, a=1.0, repairs=defects, list_index="printed-writes")
        S.update_k(0, 0, 0.5)
        with pytest.raises(LiteralUndefinedRead, match=r"List_D\[1\] is read before anything wrote it"):
            S.update_k(1, 1, -0.5)


@pytest.mark.parametrize("cls,defects", LITERALS)
def test_literal_e2_line_13_as_printed(cls, defects, qkv):
    """literal/v1.py UpdateK lines 12-14 unrepaired (DA-E2): (Delta_D)_jj = (D_tmp)_jj^{-1} -
    D~_jj^{-1}, with D_tmp = D^{-1} and D~ = D + Delta_A: the transcription stores D - 1/(D +
    Delta_A) (mutants of that line change it); repaired, the change 1/(D + Delta_A) - 1/D."""
    Q, K, V = qkv(4, 2, seed=25)
    i, j, delta = 2, 1, 0.6
    A = np.exp(Q @ K.T)
    D = A.sum(axis=1)
    dA = A[:, i] * (np.exp(delta * Q[:, j]) - 1)
    for repairs, want in [(set(defects) - {"E2"}, D - 1 / (D + dA)), (set(defects), 1 / (D + dA) - 1 / D)]:
        S = cls(Q, K, V, a=1.0, repairs=repairs)
        S.update_k(i, j, delta)                      # the first update: slot 1 (consistent reading)
        np.testing.assert_allclose(S.List_D[1].a, want, rtol=1e-12)
        np.testing.assert_allclose(S.List_D[1].b, 1 / (D + dA), rtol=1e-12)
        np.testing.assert_allclose(S.List_C[1].a, dA, rtol=1e-12)
        np.testing.assert_array_equal(S.List_C[1].b, V[i])


@pytest.mark.parametrize("cls,defects", LITERALS)
@pytest.mark.parametrize("method", ["update_k", "update_v"])
def test_literal_deltas_are_validated(cls, defects, method, qkv, snapshot):
    """literal/v1.py: the deleted ``delta = as_scalar(delta, ...)`` of UpdateK/UpdateV (a boolean
    would be read as 1, a string or an infinity would be stored): refused, naming the argument,
    with the state unchanged."""
    S = cls(*qkv(4, 2, seed=26), a=1.0, repairs=defects)
    S.update_k(1, 1, 0.25)
    before = snapshot(S)
    for bad, error in [(True, TypeError), ("1", TypeError), (float("inf"), ValueError), (1j, TypeError)]:
        with pytest.raises(error, match="delta"):
            getattr(S, method)(0, 0, bad)
        assert snapshot(S) == before


@pytest.mark.parametrize("cls,defects", LITERALS)
def test_literal_printed_writes_leave_the_read_slots_unwritten(cls, defects, qkv):
    """literal/v1.py, the printed indices (DA-E1, DA-E3, DA-E8: one root cause): the writes print
    List[ct - 1], the reads List_D[ct_K] (Query line 4) and List_D[1 .. ct_K] (Recompute line 8).
    With the printed writes, a Query after one key update reads List_D[1], which nothing wrote;
    the Recompute's sum takes it as holding no update and folds a wrong D in.  With no key update
    pending the printed sum is empty and the Recompute that folds a value update in is right
    (``range(1, ct_K + 1)`` mutated)."""
    from impl.attention import attention
    from impl.literal import LiteralUndefinedRead

    Q, K, V = qkv(4, 2, seed=27)
    S = cls(Q, K, V, a=1.0, repairs=defects, list_index="printed-writes")
    S.update_k(0, 0, 0.5)
    with pytest.raises(LiteralUndefinedRead, match=r"List_D\[1\] is read before anything wrote it"):
        S.query(0, 0)
    S.recompute()
    K2 = K.copy()
    K2[0, 0] += 0.5
    assert S.ct_K == 0 and np.abs(S.output() - attention(Q, K2, V)).max() > 0.1
    for list_index in ("consistent", "printed-writes"):
        S = cls(Q, K, V, a=1.0, repairs=defects, list_index=list_index)
        S.update_v(2, 1, 0.5)
        S.recompute()
        V2 = V.copy()
        V2[2, 1] += 0.5
        assert (S.ct_K, S.ct_V) == (0, 0)
        np.testing.assert_allclose(S.output(), attention(Q, K, V2), rtol=1e-10)


def test_literal_e4_query_uses_the_c_of_the_last_recompute(qkv):
    """literal/v1.py Query line 9 unrepaired (DA-E4, DA arXiv v1): the answer is D~^{-1}_i C_ij with
    the C of Init, without the pending key update (the deleted ``return self.C[i, j]``)."""
    Q, K, V = qkv(4, 2, seed=28)
    A = np.exp(Q @ K.T)
    i, j, delta = 1, 0, 0.8
    dA = A[:, i] * (np.exp(delta * Q[:, j]) - 1)
    S = PaperV1Attention(Q, K, V, a=1.0, repairs=set(V1_DEFECTS) - {"E4"})
    S.update_k(i, j, delta)
    for r in range(4):
        for c in range(2):
            assert S.query(r, c) == pytest.approx((A @ V)[r, c] / (A.sum(axis=1) + dA)[r], rel=1e-12)


def test_slots_hold_ceil_n_to_the_a_entries_and_refuse_the_rest(qkv):
    """literal/slots.py: "List with size n^a" (Algorithm 1 lines 11-13) has ceil(n^a) slots
    (``__len__``), and one more for the base slot List_D[0] under the consistent reading; reading
    or writing outside them, below 0 included, is the undefined access of the printed text
    (``LiteralUndefinedRead``), never a wrap-around or numpy's IndexError."""
    from impl.literal import LiteralUndefinedRead
    from impl.literal.slots import Entry, Slots

    S = PaperV1Attention(*qkv(5, 2, seed=29), a=0.5)
    assert len(S.List_C) == len(S.List_D) == len(S.List_V) == S.threshold + 1 == 4
    S = PaperV1Attention(*qkv(5, 2, seed=29), a=0.5, list_index="printed-writes")
    assert len(S.List_C) == len(S.List_D) == len(S.List_V) == S.threshold == 3
    L = Slots("List_X", 2)
    L[0] = L[1] = Entry(1, 2)
    assert L[1] == Entry(1, 2)
    for k in (2, 3, -1):
        with pytest.raises(LiteralUndefinedRead, match=rf"List_X\[{k}\] is outside its 2 slots"):
            L[k]
        with pytest.raises(LiteralUndefinedRead, match=rf"List_X\[{k}\] is written outside its 2 slots"):
            L[k] = Entry(0, 0)
    assert L[0] == L[1] == Entry(1, 2)


def test_repairs_must_be_a_collection(qkv):
    """literal/repairs.py ``check_repairs``: a value that is no collection of names is a TypeError
    that says so (the deleted ``raise``)."""
    for bad in (5, None, 1.5):
        with pytest.raises(TypeError, match="repairs must be a collection"):
            PaperV1Attention(*qkv(), repairs=bad)
