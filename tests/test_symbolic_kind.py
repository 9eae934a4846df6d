"""impl.elements' symbolic kind: sympy expressions in real symbols, selected only by an explicit
``symbolic(...)``; DynamicAttention's own code runs on it, and the other kinds are unchanged."""

import copy
import pickle

import numpy as np
import pytest
import sympy

from impl.dynamic import DynamicAttention
from impl.elements import FLOAT64, MPMATH, SYMBOLIC, SYMPY, as_matrix, as_scalar, symbolic
from spec.da.symbolic_zero import equal

x, y, z = sympy.symbols("x y z", real=True)


def reals(prefix, n, d):
    return [[sympy.Symbol(f"{prefix}{r}{c}", real=True) for c in range(d)] for r in range(n)]


def attention_entry(Q, K, V, i, j, scale=1):
    A = [[sympy.exp(scale * sum(Q[r][c] * K[k][c] for c in range(len(Q[0])))) for k in range(len(K))]
         for r in range(len(Q))]
    return sum(A[i][k] * V[k][j] for k in range(len(V))) / sum(A[i])


def test_symbolic_matrices_select_the_symbolic_kind():
    arr, kind = as_matrix(symbolic([[x, 2], [sympy.exp(y), 0.5]]), "Q")
    assert kind is SYMBOLIC and arr.dtype == object
    assert arr[0, 1] == sympy.Integer(2) and arr[1, 1] == sympy.Rational(1, 2)
    assert arr[1, 0] == sympy.exp(y)


def test_symbols_without_the_symbolic_kind_are_still_refused():
    """The exact kind keeps its validation and its message: a stray symbol is an error."""
    with pytest.raises(ValueError, match="every sympy entry must be a finite real number"):
        as_matrix(np.array([[x, sympy.Integer(1)]], dtype=object), "Q")
    with pytest.raises(ValueError, match="every sympy entry must be a finite real number"):
        DynamicAttention(np.array([[x]], dtype=object), [[1]], [[1]])
    with pytest.raises(TypeError, match="delta must be a finite real sympy number"):
        as_scalar(x, "delta", SYMPY)


@pytest.mark.parametrize("bad", [sympy.Symbol("w"), sympy.I, x + sympy.I, sympy.oo, sympy.nan,
                                 1 / x])
def test_entries_sympy_cannot_show_real_are_refused_by_name(bad):
    with pytest.raises(TypeError, match=r"Q\[0, 1\] must be a sympy expression that sympy knows to be real"):
        as_matrix(symbolic([[x, bad]]), "Q")


@pytest.mark.parametrize("bad,error", [(True, TypeError), ("x", TypeError), (float("nan"), ValueError),
                                       (np.zeros(2), TypeError)])
def test_bad_scalars_are_refused_by_name(bad, error):
    with pytest.raises(error, match="delta"):
        as_scalar(bad, "delta", SYMBOLIC)


def test_other_kinds_join_or_are_refused_by_name():
    Q = symbolic([[x, y]])
    _, kind = as_matrix([[1, 2]], "K", kind=SYMBOLIC)                   # integers join
    assert kind is SYMBOLIC
    exact = np.array([[sympy.Rational(1, 3), sympy.Integer(2)]], dtype=object)
    arr, kind = as_matrix(exact, "K", kind=SYMBOLIC)                     # exact numbers join
    assert kind is SYMBOLIC and arr[0, 0] == sympy.Rational(1, 3)
    with pytest.raises(TypeError, match="K holds float64 numbers but the others hold symbolic"):
        DynamicAttention(Q, [[0.5, 1.5]], [[1, 2]])
    with pytest.raises(TypeError, match="K holds symbolic expressions but the others hold float64"):
        DynamicAttention([[0.5, 1.5]], Q, [[1, 2]])
    with pytest.raises(ValueError, match="Q must be 2-D"):
        as_matrix(symbolic([x, y]), "Q")


def test_kinds_survive_copy_and_pickle():
    for kind in (FLOAT64, SYMPY, MPMATH, SYMBOLIC):
        assert copy.copy(kind) is kind and copy.deepcopy(kind) is kind
        assert pickle.loads(pickle.dumps(kind)) is kind


def test_dynamic_attention_runs_on_symbols_and_answers_exactly():
    """The structure's own code on symbols: every answer equals exact attention, with exp kept
    symbolic (exp(x + delta) = exp(x) exp(delta) decided by spec.da.symbolic_zero)."""
    n, d = 2, 2
    Q, K, V = reals("q", n, d), reals("k", n, d), reals("v", n, d)
    s = sympy.Symbol("s", real=True)
    S = DynamicAttention(symbolic(Q), symbolic(K), symbolic(V), a=1.0, scale=s)
    assert S.kind is SYMBOLIC
    dk, dv, dq = sympy.symbols("dk dv dq", real=True)
    S.update_k(1, 0, dk)
    K[1][0] += dk
    S.update_v(0, 1, dv)
    V[0][1] += dv
    S.update_q(0, 0, dq)
    Q[0][0] += dq
    assert S.pending == (1, 1)
    for i in range(n):
        for j in range(d):
            assert equal(S.query(i, j), attention_entry(Q, K, V, i, j, s))
    S.update_k(0, 1, x)                          # reaches the threshold: recompute
    K[0][1] += x
    assert S.pending == (0, 0)
    out = S.output()
    assert all(equal(out[i, j], attention_entry(Q, K, V, i, j, s)) for i in range(n) for j in range(d))


def test_a_wrong_answer_is_not_equal():
    """The equality the proofs use can fail: a dropped pending key term is a real difference."""
    Q, K, V = reals("q", 2, 1), reals("k", 2, 1), reals("v", 2, 1)
    S = DynamicAttention(symbolic(Q), symbolic(K), symbolic(V), a=1.0)
    S.update_k(1, 0, x)
    K[1][0] += x
    right = S.query(0, 0)
    S.ck = 0                                     # the stale C alone (the printed Query, DA-E4)
    assert equal(right, attention_entry(Q, K, V, 0, 0))
    assert not equal(S.query(0, 0), attention_entry(Q, K, V, 0, 0))


def test_a_refused_delta_leaves_the_structure_unchanged():
    S = DynamicAttention(symbolic(reals("q", 2, 1)), symbolic(reals("k", 2, 1)),
                         symbolic(reals("v", 2, 1)), a=1.0)
    before = (S.kernel.K.copy(), S.C.copy(), S.pending)
    for op in (S.update_k, S.update_v, S.update_q):
        with pytest.raises(TypeError, match="delta"):
            op(0, 0, sympy.Symbol("w"))
    assert (S.kernel.K == before[0]).all() and (S.C == before[1]).all() and S.pending == before[2]
