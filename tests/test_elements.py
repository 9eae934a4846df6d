"""impl.elements: the element kinds (float64, sympy, mpmath), the validation of matrices and
scalars with errors that name the argument, and the conversion of scalars to a kind."""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention

STRUCTURES = [DynamicAttention, EagerAttention, NaiveAttention]


def test_object_arrays_of_plain_numbers_are_float64(qkv):
    """elements.py ``as_matrix``: an object array of Python or numpy numbers becomes float64
    (``or`` -> ``and``, the deleted ``astype`` and ``found = {FLOAT64}``), a huge integer is
    refused, mixed sympy and mpmath entries are refused, and lists work."""
    import mpmath
    import sympy

    from impl.attention import attention
    from impl.elements import FLOAT64, as_matrix

    Q, K, V = qkv(3, 2, seed=4)
    obj = lambda M: np.array([[float(v) if k % 2 else np.float32(v) for k, v in enumerate(r)] for r in M],
                             dtype=object)
    arr, kind = as_matrix(obj(Q), "Q")
    assert kind is FLOAT64 and arr.dtype == np.float64
    S = DynamicAttention(obj(Q), obj(K), V.tolist())
    assert S.kind is FLOAT64
    np.testing.assert_allclose(S.output(), attention(Q, K, V), rtol=1e-6)
    with pytest.raises(ValueError, match="too large"):
        as_matrix(np.array([[10 ** 400, 1]], dtype=object), "Q")
    with pytest.raises(TypeError, match="only sympy numbers or only mpmath"):
        as_matrix(np.array([[sympy.pi, mpmath.mpf(1)]], dtype=object), "Q")
    with pytest.raises(TypeError):
        as_matrix(np.array([[1.0, "x"]], dtype=object), "Q")


def test_ragged_input_is_a_type_error():
    """elements.py: the deleted ``raise TypeError`` for inputs numpy cannot make an array of."""
    from impl.elements import as_matrix

    with pytest.raises(TypeError, match="Q must be a 2-D array"):
        as_matrix([[1.0, 2.0], [3.0]], "Q")


def test_exact_callers_arrays_are_never_modified():
    """elements.py ``np.array(x, copy=True)`` -> ``copy=False`` aliases the caller's object
    arrays, which the structure then updates in place."""
    import sympy

    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    Q, K, V = o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), o([[1, 2], [3, 4]])
    keep = [M.copy() for M in (Q, K, V)]
    S = DynamicAttention(Q, K, V, a=1.0)
    S.update_k(0, 0, sympy.Integer(1))
    S.update_v(1, 1, sympy.Integer(2))
    S.update_q(1, 0, sympy.Integer(-1))
    S.recompute()
    for before, after in zip(keep, (Q, K, V)):
        assert (before == after).all()


def test_mpmath_rows_are_not_shifted():
    """elements.py ``MPMATH = Kind(..., shifted=False)`` -> ``True``: the float64 row shifts use
    numpy's exp, which mpmath numbers do not support; exact kinds need no shift."""
    import mpmath

    from impl.attention import attention

    m = lambda X: np.array([[mpmath.mpf(v) for v in r] for r in X], dtype=object)
    with mpmath.workdps(40):
        Qf = np.array([[1.0], [0.5]])
        Kf = np.array([[0.0], [0.0]])
        Vf = np.array([[1.0], [2.0]])
        S = DynamicAttention(m(Qf), m(Kf), m(Vf), a=1.0, normalize=False)
        S.update_k(0, 0, mpmath.mpf(100))           # logit 100 above the row's maximum
        Kf[0, 0] = 100.0
        expected = np.array([[mpmath.exp(x) for x in r] for r in m(Qf) @ m(Kf).T], dtype=object) @ m(Vf)
        got = S.output()
        assert max(abs(got[r, 0] / expected[r, 0] - 1) for r in range(2)) < mpmath.mpf(10) ** -30
        S2 = DynamicAttention(m(Qf), m(Kf), m(Vf), a=1.0)
        diff = S2.output() - attention(m(Qf), m(Kf), m(Vf))
        assert max(abs(x) for x in diff.flat) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("bad", ["oo", "I", "zoo", "x"])
def test_sympy_entries_must_be_finite_real_numbers(bad):
    """elements.py: ``v.is_real and v.is_finite and v.is_number`` (``and`` -> ``or``; the deleted
    ``raise``): infinity, the imaginary unit and symbols are refused."""
    import sympy

    from impl.elements import as_matrix

    value = sympy.Symbol("x") if bad == "x" else getattr(sympy, bad)
    with pytest.raises(ValueError, match="finite real number"):
        as_matrix(np.array([[sympy.Integer(1), value]], dtype=object), "Q")


def test_as_matrix_edge_cases():
    """elements.py ``as_matrix``: integer and float32 input become float64, a single non-finite
    entry is named, mpmath non-finite entries are refused, kinds cannot be mixed, and a dtype that
    is neither numeric nor complex is named as such."""
    import mpmath
    import sympy

    from impl.attention import attention
    from impl.elements import as_matrix

    for raw in (np.array([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]], dtype=np.float32)):
        arr, _ = as_matrix(raw, "Q")
        assert arr.dtype == np.float64
    Qi = np.array([[1, 0], [0, 1], [1, 1]])
    S = DynamicAttention(Qi, Qi, Qi, a=1.0)
    S.update_k(0, 0, 0.5)                           # an int K would truncate 1.5 to 1
    K = Qi.astype(float)
    K[0, 0] += 0.5
    np.testing.assert_allclose(S.output(), attention(Qi.astype(float), K, Qi.astype(float)), rtol=1e-13)
    Q32 = (np.arange(6, dtype=np.float32).reshape(3, 2) / 3).astype(np.float32)
    S32 = DynamicAttention(Q32, Q32, Q32)
    assert S32.kernel.Q.dtype == np.float64
    bad = np.ones((2, 2))
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"\(1, 0\)"):
        as_matrix(bad, "Q")
    with pytest.raises(ValueError, match="finite"):
        as_matrix(np.array([[mpmath.mpf(1), mpmath.mpf("inf")]], dtype=object), "Q")
    with pytest.raises(TypeError, match="holds sympy numbers but the others hold float64"):
        DynamicAttention(np.ones((2, 1)), np.array([[sympy.Integer(1)], [sympy.Integer(2)]], dtype=object),
                         np.ones((2, 1)))
    with pytest.raises(TypeError, match="got dtype"):
        as_matrix(np.array([["a", "b"]]), "Q")


def test_shapes_and_value_range_are_checked(qkv):
    """elements.py ``as_attention_inputs`` and ``as_qkv``: mismatched shapes, and float64 V entries
    above 1e250 (the dynamic structures' maintained sums would overflow)."""
    from impl.attention import attention

    Q, K, V = qkv(3, 2)
    with pytest.raises(ValueError, match="columns"):
        attention(Q, np.ones((3, 3)), V)
    with pytest.raises(ValueError, match="rows"):
        attention(Q, K, np.ones((4, 2)))
    V[1, 1] = 1e300
    for cls in STRUCTURES:
        with pytest.raises(ValueError, match="1e\\+250"):
            cls(Q, K, V)


@pytest.mark.parametrize("kind_name,value,error", [
    ("FLOAT64", float("inf"), ValueError), ("FLOAT64", np.array([0.5]), TypeError),
    ("SYMPY", "oo", TypeError), ("SYMPY", "I", TypeError), ("SYMPY", float("inf"), ValueError),
    ("SYMPY", "1", TypeError), ("MPMATH", float("inf"), ValueError), ("MPMATH", "1", TypeError),
])
def test_as_scalar_refuses(kind_name, value, error):
    """elements.py ``as_scalar``: the deleted raises and flipped conditions of each kind."""
    import sympy

    import impl.elements as el

    if kind_name == "SYMPY" and value in ("oo", "I"):
        value = getattr(sympy, value)
    with pytest.raises(error):
        el.as_scalar(value, "delta", getattr(el, kind_name))


def test_as_scalar_accepts_zero_dimensional_arrays(qkv):
    """elements.py ``as_scalar``: a 0-d array is a scalar (``x.ndim != 0`` flipped, ``x.item()``
    deleted)."""
    import impl.elements as el

    assert el.as_scalar(np.array(0.5), "delta", el.FLOAT64) == 0.5
    S = DynamicAttention(*qkv())
    S.update_v(0, 0, np.array(0.25))
    S.update_k(0, 0, np.float32(0.25))


def test_power_of_two_scale():
    """elements.py ``power_of_two_scale``: ``1 <= max|V| / m < 2``, and 1.0 for V = 0."""
    from impl.elements import power_of_two_scale

    assert power_of_two_scale(np.zeros((2, 2))) == 1.0
    for top in (1.0, 1.5, 3.0, 1e-300, 1e308, 2.0 ** 1023 * 1.999):
        m = power_of_two_scale(np.array([[top, -top / 3]]))
        assert 1 <= top / m < 2 and np.isfinite(m)


@pytest.mark.parametrize("kind_name,value,want", [
    ("FLOAT64", 3, 3.0), ("FLOAT64", "Fraction(1, 3)", 1 / 3), ("FLOAT64", "Integer(2)", 2.0),
    ("FLOAT64", "float32(1.5)", 1.5), ("FLOAT64", "mpf(2)", 2.0), ("FLOAT64", "array(2.5)", 2.5),
    ("SYMPY", 3, "Integer(3)"), ("SYMPY", 10 ** 400 + 1, "Integer(10 ** 400 + 1)"),
    ("SYMPY", "int64(-4)", "Integer(-4)"), ("SYMPY", "Fraction(1, 3)", "Rational(1, 3)"),
    ("SYMPY", 0.1, "Rational(3602879701896397, 36028797018963968)"), ("SYMPY", -0.5, "Rational(-1, 2)"),
    ("SYMPY", "float32(1.5)", "Rational(3, 2)"), ("SYMPY", "mpf(0.1)", "Rational(0.1)"),
    ("SYMPY", "exp(3)", "exp(3)"), ("SYMPY", "array(2.5)", "Rational(5, 2)"),
    ("MPMATH", 3, "mpf(3)"), ("MPMATH", "Fraction(1, 3)", "mpf(1) / 3"), ("MPMATH", "float32(1.5)", "mpf(1.5)"),
    ("MPMATH", 0.1, "mpf(0.1)"), ("MPMATH", "Integer(2)", "mpf(2)"), ("MPMATH", "int64(-4)", "mpf(-4)"),
])
def test_as_scalar_converts_to_the_kind(kind_name, value, want):
    """elements.py ``as_scalar``: the value in the structure's own kind (the same code on
    float64, sympy and mpmath), integers and fractions exactly in the exact kinds and a float as
    its exact binary value; before, an exact kind read a Fraction through float64 (sympy) or
    refused it without naming the argument (mpmath)."""
    from fractions import Fraction

    import mpmath
    import sympy
    from numpy import array, float32, int64

    import impl.elements as el

    names = dict(Fraction=Fraction, Integer=sympy.Integer, Rational=sympy.Rational, exp=sympy.exp,
                 mpf=mpmath.mpf, float32=float32, int64=int64, array=array)
    value = eval(value, names) if isinstance(value, str) else value
    want = eval(want, names) if isinstance(want, str) else want
    got = el.as_scalar(value, "delta", getattr(el, kind_name))
    assert got == want
    assert {"FLOAT64": type(got) is float, "SYMPY": isinstance(got, sympy.Basic),
            "MPMATH": isinstance(got, mpmath.mpf)}[kind_name]


@pytest.mark.parametrize("kind_name", ["FLOAT64", "SYMPY", "MPMATH"])
def test_as_scalar_refusals_say_why(kind_name):
    """elements.py ``as_scalar``: every refusal names the argument and the reason , a
    boolean is refused as such (Python would read True as 1), and no infinity gets through: before,
    the exact kinds read a numpy float32 or mpmath infinity as 0 (``sympy.Rational(inf)``)."""
    import mpmath
    import sympy

    import impl.elements as el

    kind = getattr(el, kind_name)
    cases = [(True, TypeError, "not a boolean"), (np.bool_(False), TypeError, "not a boolean"),
             (np.array(True), TypeError, "not a boolean"), (float("inf"), ValueError, "finite"),
             (np.float32("inf"), ValueError, "finite"), (mpmath.mpf("-inf"), ValueError, "finite"),
             (float("nan"), ValueError, "finite"), ("1", TypeError, "real number"),
             (1j, TypeError, "real number"), (None, TypeError, "real number"),
             (np.array([1.0]), TypeError, "scalar")]
    if kind is el.SYMPY:
        cases += [(v, TypeError, "finite real sympy number") for v in (sympy.oo, sympy.zoo, sympy.I,
                                                                       sympy.Symbol("x"), sympy.nan)]
    else:
        cases += [(sympy.oo, TypeError, "real number"), (10 ** 400, ValueError, "too large")
                  if kind is el.FLOAT64 else (sympy.pi, TypeError, "real number")]
    for value, error, reason in cases:
        with pytest.raises(error, match=f"delta .*{reason}"):
            el.as_scalar(value, "delta", kind)


@pytest.mark.parametrize("kind_name", ["SYMPY", "MPMATH"])
def test_exact_structures_take_fractions_and_numpy_numbers(kind_name, snapshot):
    """elements.py ``as_scalar`` through a structure of an exact kind: a Fraction update is exact,
    a numpy float32 update is its value, an infinite update is refused and changes nothing."""
    from fractions import Fraction

    import mpmath
    import sympy


    conv = sympy.Integer if kind_name == "SYMPY" else mpmath.mpf
    o = lambda rows: np.array([[conv(v) for v in r] for r in rows], dtype=object)
    S = DynamicAttention(o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), o([[1, 2], [3, 4]]), a=1.0)
    S.update_v(0, 0, Fraction(1, 3))
    S.update_v(1, 1, np.float32(0.5))
    before = snapshot(S)
    with pytest.raises(ValueError):
        S.update_k(0, 0, np.float32("inf"))
    assert snapshot(S) == before
    V = o([[1, 2], [3, 4]])
    V[0, 0] += sympy.Rational(1, 3) if kind_name == "SYMPY" else mpmath.mpf(1) / 3
    V[1, 1] += conv(1) / 2
    from impl.attention import attention
    want = attention(o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), V)
    got = S.output()
    if kind_name == "SYMPY":
        assert all(sympy.simplify(g - w) == 0 for g, w in zip(got.flat, want.flat))
        assert V[0, 0] == sympy.Rational(4, 3)
    else:
        assert max(abs(g - w) for g, w in zip(got.flat, want.flat)) < mpmath.mpf(10) ** -12


def test_zeros_of_each_kind():
    """elements.py ``Kind.zeros`` (the deleted ``out.fill(self.scalar(0))``, ``0 -> 1``): zeros of
    the kind itself; the dynamic structure overwrites its zero-initialised pending columns before
    reading them, but the literal transcriptions sum into them."""
    import mpmath
    import sympy

    import impl.elements as el

    assert el.FLOAT64.zeros((2, 3), order="F").flags.f_contiguous
    for kind, cls in [(el.FLOAT64, np.floating), (el.SYMPY, sympy.Integer), (el.MPMATH, mpmath.mpf)]:
        Z = kind.zeros((2, 3))
        assert Z.shape == (2, 3) and all(isinstance(z, cls) and z == 0 for z in Z.flat)
