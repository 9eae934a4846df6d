"""Exactness is never lost silently: mixed exact inputs stay exact or are refused by name, and no
path of an exact kind returns a float."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from impl.attention import attention
from impl.dynamic import DynamicAttention
from impl.elements import MPMATH, SYMPY, as_matrix
from spec.da.hostile import STRUCTURES
from spec.da.program import exact_zero

R = sympy.Rational


def mixed(rows):
    return np.array(rows, dtype=object)


#: the same 2 x 2 matrices, once as sympy numbers and once mixed with Python ints, Fractions,
#: floats, numpy integers and a sympy Float
Q_EXACT = mixed([[R(1, 2), sympy.Integer(1)], [sympy.Integer(0), sympy.Integer(-1)]])
K_EXACT = mixed([[sympy.Integer(1), sympy.Integer(0)], [R(1, 4), sympy.Integer(2)]])
V_EXACT = mixed([[R(1, 3), sympy.Integer(2)], [sympy.Integer(-1), R(1, 2)]])
Q_MIXED = mixed([[R(1, 2), 1], [np.int64(0), -1]])
K_MIXED = mixed([[1, 0], [0.25, sympy.Float(2.0)]])
V_MIXED = mixed([[Fraction(1, 3), 2], [sympy.Integer(-1), 0.5]])


def assert_exact(values):
    for x in np.asarray(values, dtype=object).flat:
        assert isinstance(x, sympy.Basic), (type(x), x)
        assert not x.atoms(sympy.Float), x


@pytest.mark.parametrize("M, want", [(Q_MIXED, Q_EXACT), (K_MIXED, K_EXACT), (V_MIXED, V_EXACT)])
def test_mixed_object_arrays_become_exact(M, want):
    arr, kind = as_matrix(M, "Q")
    assert kind is SYMPY
    assert_exact(arr)
    assert (arr == want).all()


def test_fractions_alone_are_exact_and_ints_alone_stay_float64():
    arr, kind = as_matrix(mixed([[Fraction(1, 3), 1]]), "Q")
    assert kind is SYMPY and arr[0, 0] == R(1, 3)
    arr, kind = as_matrix(mixed([[1, 2]]), "Q")
    assert kind.name == "float64" and arr.dtype == np.float64


def test_a_sympy_float_becomes_its_exact_binary_value():
    arr, _ = as_matrix(mixed([[sympy.Float(0.1), sympy.Float(0.5) * sympy.pi]]), "Q")
    assert arr[0, 0] == R(3602879701896397, 36028797018963968)
    assert arr[0, 1] == sympy.pi / 2
    assert_exact(arr)


def test_integer_matrices_join_an_exact_kind():
    S = DynamicAttention(Q_EXACT, np.array([[1, 0], [0, 2]]), [[1, 2], [3, 4]], a=1.0)
    assert S.kind is SYMPY
    assert_exact(S.output())


@pytest.mark.parametrize("bad, error, words", [
    (mixed([[sympy.Integer(1), mpmath.mpf(1)]]), TypeError, r"V: object arrays must hold only sympy"),
    (mixed([[sympy.Integer(1), float("nan")]]), ValueError, r"V\[0, 1\] must be finite"),
    (mixed([[Fraction(1, 2), float("inf")]]), ValueError, r"V\[0, 1\] must be finite"),
    (mixed([[sympy.Integer(1), "1"]]), TypeError, r"V: object arrays must hold only sympy"),
    (mixed([[sympy.Integer(1), True]]), TypeError, r"V: object arrays must hold only sympy"),
])
def test_what_cannot_stay_exact_is_refused_by_name(bad, error, words):
    with pytest.raises(error, match=words):
        as_matrix(bad, "V")


def test_a_float_matrix_beside_exact_ones_is_refused_by_name():
    with pytest.raises(TypeError, match="K holds float64 numbers but the others hold sympy"):
        DynamicAttention(Q_EXACT, np.eye(2), V_EXACT)


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_every_structure_answers_mixed_input_exactly(name):
    """query, output and answers after update_k, update_v (int, Fraction, float deltas) and
    recompute: sympy expressions with no Float, equal to exact attention."""
    S = STRUCTURES[name](Q_MIXED, K_MIXED, V_MIXED, a=1.0)
    assert S.kind is SYMPY
    K, V = K_EXACT.copy(), V_EXACT.copy()
    answers = [(S.query(0, 1), (0, 1)), (S.output(), None)]
    for op, i, j, delta in [("update_k", 0, 1, 1), ("update_v", 1, 0, Fraction(1, 3)),
                            ("update_k", 1, 0, 0.5), ("update_v", 0, 1, -2)]:
        getattr(S, op)(i, j, delta)
        (K if op == "update_k" else V)[i, j] += R(delta)
        answers.append((S.query(1, 1), (1, 1)))
    S.recompute()
    answers.append((S.output(), None))
    want = attention(Q_EXACT, K, V)
    for got, at in answers[-2:]:
        assert_exact(got)
        cells = [at] if at else [(r, c) for r in range(2) for c in range(2)]
        for r, c in cells:
            assert exact_zero((got if at else got[r, c]) - want[r, c])
    for got, _ in answers:
        assert_exact(got)


def test_attention_of_mixed_input_is_exact():
    got = attention(Q_MIXED, K_MIXED, V_MIXED, scale=0.5)
    assert_exact(got)
    want = attention(Q_EXACT, K_EXACT, V_EXACT, scale=R(1, 2))
    assert all(exact_zero(g - w) for g, w in zip(got.flat, want.flat))


def test_mpmath_mixed_with_plain_numbers_stays_mpmath():
    M = mixed([[mpmath.mpf(1), 2], [Fraction(1, 3), 0.5]])
    arr, kind = as_matrix(M, "Q")
    assert kind is MPMATH and all(isinstance(x, mpmath.mpf) for x in arr.flat)
    with mpmath.workdps(30):
        arr, _ = as_matrix(M, "Q")
        assert abs(arr[1, 0] - mpmath.mpf(1) / 3) < mpmath.mpf(10) ** -29
    out = DynamicAttention(M, M, M, a=1.0).output()
    assert all(isinstance(x, mpmath.mpf) for x in out.flat)
