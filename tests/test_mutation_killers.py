"""Tests added to kill surviving mutants of ``make mutation`` (tools/mutation.py).

Each test says which mutants it was written for; the equivalent survivors are explained in
``tools/mutation.py`` (``EQUIVALENT``) and listed, with these, in the report's mutation section.
"""

import numpy as np
import pytest

from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.literal import APPENDIX_DEFECTS, V1_DEFECTS, PaperAppendixAttention, PaperV1Attention

STRUCTURES = [DynamicAttention, EagerAttention, NaiveAttention]
REPAIRED = [lambda *a, **k: PaperV1Attention(*a, repairs=V1_DEFECTS, **k),
            lambda *a, **k: PaperAppendixAttention(*a, repairs=APPENDIX_DEFECTS, **k)]


def qkv(n=4, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(3, n, d))


def state(S):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(S).items()
            if isinstance(v, (np.ndarray, int, float))}


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_normalize_must_be_a_bool():
    """dynamic.py: the deleted ``raise TypeError`` of ``normalize`` (1 is not True)."""
    with pytest.raises(TypeError, match="normalize"):
        DynamicAttention(*qkv(), normalize=1)


@pytest.mark.parametrize("cls", STRUCTURES)
def test_overflowing_logits_are_refused_at_init(cls):
    """dynamic.py / baselines.py: the re-raise after ``ledger.abort()`` in Init deleted."""
    Q, K, V = qkv()
    Q[0, 0], K[0, 0] = 1e200, 1e200
    with pytest.raises(ValueError, match="overflow"):
        cls(Q, K, V)


@pytest.mark.parametrize("cls", STRUCTURES + REPAIRED)
@pytest.mark.parametrize("method,args,error", [
    ("update_k", (0, -1, 0.5), IndexError), ("update_k", (0, 1.0, 0.5), TypeError),
    ("update_v", (-1, 0, 0.5), IndexError), ("update_v", (0, -1, 0.5), IndexError),
    ("update_v", (0, 1.0, 0.5), TypeError), ("update_v", (1.0, 0, 0.5), TypeError),
    ("update_q", (0, -1, 0.5), IndexError), ("update_q", (-1, 0, 0.5), IndexError),
    ("query", (0, 3, ), IndexError), ("query", (0, -1), IndexError), ("query", (-1, 0), IndexError),
])
def test_every_index_is_validated(cls, method, args, error):
    """``j = as_index(j, ...) -> pass`` and the like: numpy would wrap -1 or index with 1.0."""
    S = cls(*qkv(), a=1.0)
    S.update_k(1, 1, 0.25)
    before = state(S)
    if method == "update_q" and cls in REPAIRED:
        error = NotImplementedError  # the printed algorithms have no update of Q
    with pytest.raises(error):
        getattr(S, method)(*args)
    assert same(state(S), before)


@pytest.mark.parametrize("cls", STRUCTURES)
def test_value_update_that_overflows_is_refused(cls):
    """The float64 range check of update_v: ``+`` flipped to ``-`` or its ``not`` dropped.

    V entries are limited to 1e250 in magnitude (impl.elements.V_LIMIT) so that A V stays finite:
    1e250 + 1e250 is refused, 1e250 - 1e250 accepted."""
    Q, K, V = qkv()
    V[0, 0] = 1e250
    S = cls(Q, K, V)
    before = state(S)
    with pytest.raises(ValueError):
        S.update_v(0, 0, 1e250)
    assert same(state(S), before)
    S.update_v(0, 0, -1e250)          # back to 0: accepted
    assert np.isfinite(S.output()).all()


def test_unnormalized_float64_output_and_query():
    """dynamic.py output()/query() with ``normalize=False`` in float64, where the rows are kept in
    shifted units: ``C * exp(s)`` flipped to ``C / exp(s)`` (DA Definition 5.4's exp(QK^T) V)."""
    Q, K, V = qkv(5, 3, seed=7)
    Q[:, 0] = [1.0, 1.0, 0.5, -1.0, 0.2]
    S = DynamicAttention(Q, K, V, a=0.5, normalize=False)

    def expected():
        return np.exp(Q @ K.T) @ V

    np.testing.assert_allclose(S.output(), expected(), rtol=1e-12)
    assert S.query(2, 1) == pytest.approx(expected()[2, 1], rel=1e-12)
    # a key update that pushes a logit far above its row's shift (a rescale), then a value update
    S.update_k(0, 0, 80.0)             # logits of rows 0, 1 rise by 80 > HEADROOM = 64
    K[0, 0] += 80.0
    S.update_v(3, 2, 0.5)
    V[3, 2] += 0.5
    np.testing.assert_allclose(S.output(), expected(), rtol=1e-9)
    for i in range(5):
        assert S.query(i, 2) == pytest.approx(expected()[i, 2], rel=1e-9)


def test_value_overflow_check_counts_the_pending_updates():
    """dynamic.py ``_current_v``: the pending value updates of the same entry, and only those,
    are added to V0 before the range check (``==`` -> ``!=``, ``&`` -> ``|``, ``+`` -> ``-``)."""
    Q, K, V = qkv(6, 2, seed=3)
    V[0, 0] = 1e250
    S = DynamicAttention(Q, K, V, a=1.0)           # threshold 6: nothing is folded in below
    S.update_v(0, 0, -1e250)                        # V[0, 0] = 0 (pending)
    S.update_v(1, 0, 1e250)                         # same column, other row
    S.update_v(0, 1, 1e250)                         # same row, other column
    S.update_v(0, 0, 1e250)                         # V[0, 0] = 1e250: within range, accepted
    assert S.pending == (0, 4)
    with pytest.raises(ValueError):
        S.update_v(0, 0, 1e250)                     # 2e250: refused


def test_rows_stay_within_the_headroom_after_a_key_update():
    """expkernel.py: ``M[r, k] - s[r] <= HEADROOM = 64`` after every update (the documented
    invariant that keeps exp from overflowing); a logit raised 64.5 above its shift rescales."""
    Q = np.array([[1.0], [0.5]])
    K = np.array([[0.0], [0.0]])
    V = np.array([[1.0], [2.0]])
    S = DynamicAttention(Q, K, V, a=1.0)
    S.update_k(0, 0, 64.5)
    k = S.kernel
    assert (k.M - k.s[:, None] <= 64.0).all()
    assert k.s[0] == 64.5


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_cancelled_rows_are_re_evaluated(scale):
    """expkernel.py: a row whose added magnitudes exceed 2^16 times its sum is re-evaluated
    exactly (REFRESH_RATIO = 2**16 -> 3**16 or 2**17 lets a 1e5-fold cancellation through), from
    the scaled logits (``refresh_rows``: ``* scale`` -> ``/ scale``)."""
    R = 5e4
    Q = np.array([[1.0], [1.0]])
    K = np.array([[0.0], [-np.log(R) / scale]])
    V = np.array([[1.0], [2.0]])
    S = DynamicAttention(Q, K, V, a=1.0, scale=scale)
    S.update_k(0, 0, -40.0 / scale)   # A[r, 0]: 1 -> e^-40; D: 1 + 1/R -> about 1/R, W about 2
    k = S.kernel
    assert (k.W <= 2.0 ** 16 * k.D).all()
    K2 = K.copy()
    K2[0, 0] -= 40.0 / scale
    fresh = DynamicAttention(Q, K2, V, a=1.0, scale=scale).kernel
    np.testing.assert_array_equal(k.D * np.exp(k.s), fresh.D * np.exp(fresh.s))
    from impl.attention import attention
    np.testing.assert_allclose(S.output(), attention(Q, K2, V, scale=scale), rtol=1e-13)


def test_exact_kinds_never_refresh():
    """expkernel.py ``stale_rows``: always empty for exact kinds (``np.empty(0)`` -> ``np.empty(1)``
    would return an uninitialised row index)."""
    import sympy

    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    S = DynamicAttention(o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), o([[1, 2], [3, 4]]), a=1.0)
    S.update_k(0, 0, sympy.Integer(1))
    assert S.kernel.stale_rows().size == 0


@pytest.mark.parametrize("cls", STRUCTURES)
def test_query_update_that_overflows_the_logits_is_refused(cls):
    """expkernel.py ``propose_query``: the deleted ``raise`` for non-finite logits."""
    Q, K, V = qkv(3, 2, seed=5)
    K[:, 0] = 1e10
    Q[:, 0] = 1.0
    S = cls(Q, K, V)
    before = state(S)
    with pytest.raises(ValueError):
        S.update_q(0, 0, 1e300)       # Q[0, 0] = 1e300 is finite, its logits 1e310 are not
    assert same(state(S), before)


def test_attention_block_rows():
    """attention.py: ``block_rows`` must be a positive int, and every block size gives the same
    result (``not isinstance(block_rows, int)`` and ``block_rows < 1`` mutated)."""
    from impl.attention import attention

    Q, K, V = qkv(5, 3, seed=2)
    full = attention(Q, K, V)
    for rows in (1, 2, 3, 5, 8):
        np.testing.assert_allclose(attention(Q, K, V, block_rows=rows), full, rtol=1e-14)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="block_rows"):
            attention(Q, K, V, block_rows=bad)


@pytest.mark.parametrize("cls", STRUCTURES)
def test_scale_multiplies_the_logits(cls):
    """expkernel.py ``(Q @ K.T) * scale`` -> ``/ scale``: every other test uses scale = 1."""
    from impl.attention import attention

    Q, K, V = qkv(5, 3, seed=11)
    S = cls(Q, K, V, a=0.5, scale=0.25)
    np.testing.assert_allclose(S.output(), attention(Q, K, V, scale=0.25), rtol=1e-12)
    np.testing.assert_allclose(S.output(), attention(Q * 0.25, K, V), rtol=1e-12)
    S.update_k(1, 2, 1.5)
    S.update_q(0, 1, -0.5)
    K[1, 2] += 1.5
    Q[0, 1] -= 0.5
    np.testing.assert_allclose(S.output(), attention(Q * 0.25, K, V), rtol=1e-12)


def test_rescaled_row_keeps_its_other_entries():
    """expkernel.py ``_rescale``: ``A[rows] *= factor`` -> ``/=`` is hidden by the refresh when
    the updated entry dominates; here it does not (its old value is e^-300), and a pending value
    update reads the other entry of the rescaled row."""
    Q = np.array([[1.0], [1.0]])
    K = np.array([[-300.0], [0.0]])
    V = np.array([[1.0], [2.0]])
    S = DynamicAttention(Q, K, V, a=1.0)         # threshold 2: nothing is folded in below
    S.update_v(1, 0, 1.0)
    S.update_k(0, 0, 400.0)                      # logit 100 > HEADROOM above the shift 0
    V[1, 0] += 1.0
    K[0, 0] += 400.0
    assert S.pending == (1, 1)
    from impl.attention import attention
    expected = attention(Q, K, V)
    assert S.query(0, 0) == pytest.approx(expected[0, 0], rel=1e-12)
    assert S.query(1, 0) == pytest.approx(expected[1, 0], rel=1e-12)


def test_attention_against_the_softmax_formula():
    """attention.py: every row is computed (``range(0, ...)`` -> ``range(1, ...)`` leaves row 0
    uninitialised, which a previous call of the same shape may have filled with the same values),
    and the exact kinds multiply the logits by ``scale``."""
    import sympy

    from impl.attention import attention

    rng = np.random.default_rng(9)
    for _ in range(3):
        Q, K, V = rng.normal(size=(3, 4, 2))
        attention(Q + 5.0, K, V * 7.0)               # leaves other values in freed memory
        M = Q @ K.T * 0.5
        W = np.exp(M - M.max(axis=1, keepdims=True))
        np.testing.assert_allclose(attention(Q, K, V, scale=0.5), (W / W.sum(axis=1, keepdims=True)) @ V,
                                   rtol=1e-13)
    o = lambda rows: np.array([[sympy.Integer(v) for v in r] for r in rows], dtype=object)
    got = attention(o([[1]]), o([[1], [0]]), o([[1], [0]]), scale=sympy.Integer(2))
    assert sympy.simplify(got[0, 0] - sympy.exp(2) / (sympy.exp(2) + 1)) == 0


def test_object_arrays_of_plain_numbers_are_float64():
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


def test_lazy_threshold_exact_cases():
    """threshold.py: ``ceil(n^a)`` where mpmath's 80-digit power lands above an exact integer
    (3125^(1/5) = 5), a denominator above 60 (``10 ** 6`` -> ``10 * 6``), an ``a`` that is no
    simple fraction (the deleted ``frac = Fraction(a)``), and the argument checks."""
    from fractions import Fraction

    from impl.threshold import lazy_threshold

    for n, p, q in [(3125, 1, 5), (7776, 1, 5), (243, 2, 5), (1024, 2, 5), (32768, 2, 5), (4096, 3, 4)]:
        assert lazy_threshold(n, p / q) == round(n ** Fraction(p, q)), (n, p, q)
    assert lazy_threshold(2 ** 61, 1 / 61) == 2
    assert lazy_threshold(4, 0.5 + 2 ** -40) == 3        # 4^a is a little above 2
    for n in range(1, 100):
        for p, q in [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 1)]:
            m = lazy_threshold(n, p / q)
            assert m ** q >= n ** p and (m - 1) ** q < n ** p, (n, p, q, m)
    with pytest.raises(ValueError):
        lazy_threshold(0, 0.5)
    with pytest.raises(ValueError):
        lazy_threshold(4, 1.5)
    with pytest.raises(TypeError):
        lazy_threshold(4, True)


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


def test_shapes_and_value_range_are_checked():
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


def test_as_scalar_accepts_zero_dimensional_arrays():
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


@pytest.mark.parametrize("cls", STRUCTURES)
def test_parameters_of_every_structure_are_validated(cls):
    """baselines.py: the deleted ``validate_a(a)`` and ``as_scalar(scale, ...)`` of the baselines
    (a boolean scale would silently act as 1)."""
    Q, K, V = qkv()
    for kwargs, error in [(dict(a=1.5), ValueError), (dict(a=0.0), ValueError), (dict(a=True), TypeError),
                          (dict(scale=True), TypeError), (dict(scale="2"), TypeError),
                          (dict(scale=np.array([1.0, 2.0])), TypeError)]:
        with pytest.raises(error):
            cls(Q, K, V, **kwargs)


@pytest.mark.parametrize("cls", [EagerAttention, NaiveAttention])
def test_baselines_have_no_pending_updates(cls):
    """baselines.py ``self.threshold = 1``: the interface attribute of the baselines, which fold
    every update in at once (the dynamic structure's is ceil(n^a))."""
    S = cls(*qkv(), a=0.5)
    assert S.threshold == 1
