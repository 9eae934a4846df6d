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


@pytest.mark.parametrize("cls", STRUCTURES)
@pytest.mark.parametrize("method", ["update_k", "update_q"])
def test_a_logit_that_overflows_as_a_sum_is_refused(cls, method):
    """baselines.py ``other @ vec`` -> ``other * vec``: the new logits are sums of products, and a
    sum overflows although no product does (1e154 * 1e154 + 1e154 * 1e154 = 2e308 > float64 max).
    The update is refused and the state is unchanged (DESIGN: a failed call changes nothing)."""
    big = np.array([[1e154, 1e154], [0.0, 1.0]])
    half = np.array([[1e154, 0.0], [0.0, 1.0]])
    V = np.array([[1.0, 2.0], [3.0, 4.0]])
    Q, K = (big, half) if method == "update_k" else (half, big)
    S = cls(Q, K, V)                               # logits at most 1e308: finite
    before = state(S)
    with pytest.raises(ValueError, match="overflow"):
        getattr(S, method)(0, 1, 1e154)            # the logit of (0, 0) becomes 2e308
    assert same(state(S), before)
    assert np.isfinite(S.output()).all()


def test_naive_names_the_entry_that_overflows():
    """baselines.py ``NaiveAttention._edit``: the deleted ``raise`` for ``K[i, j] + delta`` beyond
    float64; the later logit check would refuse the update too, but without naming the argument
    (DESIGN: errors name the argument)."""
    Q = np.array([[0.0, 1.0], [0.0, 2.0]])
    K = np.array([[1e308, 0.5], [0.0, 1.0]])        # Q's column 0 is zero: every logit is finite
    S = NaiveAttention(Q, K, np.ones((2, 2)))
    before = state(S)
    with pytest.raises(ValueError, match=r"K\[0, 0\] \+ delta overflows float64"):
        S.update_k(0, 0, 1e308)
    assert same(state(S), before)


def test_naive_costs_follow_its_docstring():
    """baselines.py ``NaiveAttention``: an update only edits the entry (a key or query update also
    checks its n new logits, d n multiply-adds; a value update none: ``name != 'V'`` flipped), and
    ``recompute`` computes the result, so that the next query costs nothing (the deleted
    ``self._result = self._compute()``)."""
    n, d = 6, 3
    S = NaiveAttention(*qkv(n, d, seed=8), a=0.5)
    S.update_v(1, 1, 0.5)
    assert S.ledger.calls[-1].op == "update_v" and S.ledger.calls[-1].mul_adds == 1
    S.update_k(2, 0, 0.5)
    assert S.ledger.calls[-1].op == "update_k" and S.ledger.calls[-1].mul_adds == 1 + d * n
    S.recompute()
    assert S.ledger.calls[-1].mul_adds >= 2 * n * n * d     # Q K^T and A V, at least
    S.query(0, 0)
    assert S.ledger.calls[-1].op == "query" and S.ledger.calls[-1].mul_adds == 0
    S.update_q(0, 0, 0.5)
    S.query(0, 0)                                             # the first query after an update
    assert S.ledger.calls[-1].mul_adds >= 2 * n * n * d


@pytest.mark.parametrize("make", [PaperV1Attention, PaperAppendixAttention])
@pytest.mark.parametrize("n,d,a", [(5, 2, 0.5), (9, 4, 0.5), (3, 8, 1.0), (16, 3, 0.25)])
def test_literal_threshold_is_ceil_n_to_the_a(make, n, d, a):
    """literal/v1.py ``n = Qa.shape[0]`` -> ``shape[1]``: the lists hold ceil(n^a) slots for the
    n x d inputs (Algorithm 1 lines 11-13), the same threshold as the corrected structure; every
    other test has n = d or a threshold that d gives as well."""
    import math

    Q, K, V = qkv(n, d, seed=n)
    S = make(Q, K, V, a=a)
    assert S.threshold == math.ceil(round(n ** a, 9)) == DynamicAttention(Q, K, V, a=a).threshold


def _least_denominator(lo, hi):
    """The fraction of least denominator in [lo, hi], by trying q = 1, 2, ... (the definition)."""
    import math
    from fractions import Fraction

    q = 1
    while True:
        p = math.ceil(lo * q)
        if Fraction(p, q) <= hi:
            return Fraction(p, q)
        q += 1


def test_simplest_fraction_is_the_least_denominator():
    """threshold.py ``simplest_fraction`` against its definition, on intervals that end on
    integers, that hold an integer, that lie between two integers, and that are one point."""
    from fractions import Fraction
    from itertools import product

    from impl.threshold import simplest_fraction

    ends = sorted({Fraction(p, q) for p, q in product(range(-3, 12), range(1, 8))})
    for lo, hi in product(ends, ends):
        if lo <= hi:
            assert simplest_fraction(lo, hi) == _least_denominator(lo, hi), (lo, hi)
    assert simplest_fraction(Fraction(355, 113) - Fraction(1, 10**7), Fraction(355, 113)) == Fraction(355, 113)


def test_a_is_read_as_the_simplest_fraction_within_1e15():
    """threshold.py ``read_exponent`` (module docstring): 0.1 is 1/10, 1/3 is 1/3, a fraction with a
    denominator above 10^6 is found too, and the 1e-15 is a sharp bound: 1/3 + 0.5e-15 reads as
    1/3, 1/3 + 1.5e-15 does not (10^30^(1/3) = 10^10 exactly, and n^a a little above it has the
    ceiling 10^10 + 1)."""
    from fractions import Fraction

    from impl.threshold import lazy_threshold, read_exponent

    for p, q in [(1, 10), (1, 3), (2, 3), (3, 4), (1, 1), (500, 1001), (750001, 1500001)]:
        assert read_exponent(p / q) == Fraction(p, q), (p, q)
    assert read_exponent(1e-300) == 0
    assert lazy_threshold(10 ** 30, 1 / 3) == 10 ** 10
    assert lazy_threshold(10 ** 30, 1 / 3 + 0.5e-15) == 10 ** 10
    assert lazy_threshold(10 ** 30, 1 / 3 + 1.5e-15) == 10 ** 10 + 1
    assert lazy_threshold(10 ** 30, 1 / 3 - 1.5e-15) == 10 ** 10
    assert lazy_threshold(7, 1e-300) == 1                 # a below 1e-15 reads as 0


def test_lazy_threshold_is_exact_at_and_near_perfect_powers():
    """threshold.py ``lazy_threshold``: ceil(n^(p/q)) is r^p for n = r^q, r^p + 1 just above and
    r^p just below (integers, never floats), also where float64 or 80 digits cannot tell
    (10^120 + 1 to the 1/20 is 10^6 + 5e-116), and mpmath's precision is left as it was."""
    import math

    import mpmath

    from impl.threshold import integer_root, lazy_threshold

    for r in range(2, 7):
        for q in range(1, 8):
            for p in range(1, q + 1):
                if math.gcd(p, q) != 1:
                    continue
                got = [lazy_threshold(r ** q + k, p / q) for k in (-1, 0, 1)]
                below = r ** p if q > 1 else r - 1      # (r^q - 1)^(p/q) lies in (r^p - 1, r^p)
                assert got == [below, r ** p, r ** p + 1] and all(type(m) is int for m in got), (r, p, q)
                if q > 1:
                    assert integer_root(r ** q + 1, q) == r and integer_root(r ** q - 1, q) == r - 1
    saved = mpmath.iv.prec, mpmath.mp.prec
    for p, k, want in [(1, 1, 10 ** 6 + 1), (1, 0, 10 ** 6), (1, -1, 10 ** 6), (3, 1, 10 ** 18 + 1),
                       (3, -1, 10 ** 18), (19, 1, 10 ** 114 + 1)]:
        assert lazy_threshold(10 ** 120 + k, p / 20) == want, (p, k)
    assert (mpmath.iv.prec, mpmath.mp.prec) == saved
    mpmath.iv.prec = 77
    try:
        lazy_threshold(10 ** 30, 2 / 3)
        assert mpmath.iv.prec == 77
    finally:
        mpmath.iv.prec = saved[0]
    for n in (2 ** 64 + 1, 3 ** 40, 10 ** 30 + 7):
        for p, q in [(1, 2), (2, 3), (5, 7), (1, 12)]:
            m = lazy_threshold(n, p / q)
            assert m ** q >= n ** p and (m - 1) ** q < n ** p, (n, p, q)
    for bad, error in [((0, 0.5), ValueError), ((-3, 0.5), ValueError), ((4, 0.0), ValueError),
                       ((4, 1.5), ValueError), ((4, 10 ** 400), ValueError), ((4, True), TypeError),
                       ((4, "0.5"), TypeError)]:
        with pytest.raises(error):
            lazy_threshold(*bad)


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
    """elements.py ``as_scalar``: the value in the structure's own kind (DESIGN: the same code on
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
    """elements.py ``as_scalar``: every refusal names the argument and the reason (DESIGN), a
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
def test_exact_structures_take_fractions_and_numpy_numbers(kind_name):
    """elements.py ``as_scalar`` through a structure of an exact kind: a Fraction update is exact,
    a numpy float32 update is its value, an infinite update is refused and changes nothing."""
    from fractions import Fraction

    import mpmath
    import sympy

    import impl.elements as el

    conv = sympy.Integer if kind_name == "SYMPY" else mpmath.mpf
    o = lambda rows: np.array([[conv(v) for v in r] for r in rows], dtype=object)
    S = DynamicAttention(o([[1, 0], [0, 1]]), o([[0, 1], [1, 0]]), o([[1, 2], [3, 4]]), a=1.0)
    S.update_v(0, 0, Fraction(1, 3))
    S.update_v(1, 1, np.float32(0.5))
    before = state(S)
    with pytest.raises(ValueError):
        S.update_k(0, 0, np.float32("inf"))
    assert same(state(S), before)
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


def test_literal_transcription_on_mpmath_numbers():
    """literal/v1.py with every repair on mpmath numbers (DESIGN: the same code on every kind):
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
def test_literal_members_follow_the_printed_lines(cls, defects, left):
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
def test_literal_recomputes_when_the_counter_reaches_n_to_the_a(cls, defects):
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


def test_literal_e5_repair_recomputes_with_the_updated_a():
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


def test_literal_e1_reads_the_slot_it_is_about_to_write():
    """literal/v1.py ``_previous_d_inverse`` unrepaired (DA-E1): line 10 reads List_D[ct_K - 1],
    which the first UpdateK writes only at line 17, so the read is undefined (the deleted
    ``return``, ``ct_K - 1`` -> ``ct_K + 1`` or ``- 2`` read other slots)."""
    from impl.literal import LiteralUndefinedRead

    for cls, defects in LITERALS:
        S = cls(*qkv(4, 2, seed=24), a=1.0, repairs=set(defects) - {"E1"})
        with pytest.raises(LiteralUndefinedRead, match=r"List_D\[0\] is read before anything wrote it"):
            S.update_k(0, 0, 0.5)


@pytest.mark.parametrize("cls,defects", LITERALS)
def test_literal_e2_line_13_as_printed(cls, defects):
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
        S.update_k(i, j, delta)
        np.testing.assert_allclose(S.List_D[0].a, want, rtol=1e-12)
        np.testing.assert_allclose(S.List_D[0].b, 1 / (D + dA), rtol=1e-12)
        np.testing.assert_allclose(S.List_C[0].a, dA, rtol=1e-12)
        np.testing.assert_array_equal(S.List_C[0].b, V[i])


@pytest.mark.parametrize("cls,defects", LITERALS)
@pytest.mark.parametrize("method", ["update_k", "update_v"])
def test_literal_deltas_are_validated(cls, defects, method):
    """literal/v1.py: the deleted ``delta = as_scalar(delta, ...)`` of UpdateK/UpdateV (a boolean
    would be read as 1, a string or an infinity would be stored): refused, naming the argument,
    with the state unchanged (DESIGN)."""
    S = cls(*qkv(4, 2, seed=26), a=1.0, repairs=defects)
    S.update_k(1, 1, 0.25)
    before = state(S)
    for bad, error in [(True, TypeError), ("1", TypeError), (float("inf"), ValueError), (1j, TypeError)]:
        with pytest.raises(error, match="delta"):
            getattr(S, method)(0, 0, bad)
        assert same(state(S), before)


@pytest.mark.parametrize("cls,defects", LITERALS)
def test_literal_e3_and_e8_read_unwritten_slots(cls, defects):
    """literal/v1.py, the printed indices (DA-E3, DA-E8): Query line 4 reads List_D[ct_K], one past
    the last write, and Recompute line 8 sums List_D[1 .. ct_K]; after two key updates (slots 0
    and 1 written) both read List_D[2]."""
    from impl.literal import LiteralUndefinedRead

    Q, K, V = qkv(4, 2, seed=27)
    for left, call in [("E3", lambda S: S.query(0, 0)), ("E8", lambda S: S.recompute())]:
        S = cls(Q, K, V, a=1.0, repairs=set(defects) - {left})
        S.update_k(0, 0, 0.5)
        S.update_k(1, 1, -0.5)
        with pytest.raises(LiteralUndefinedRead, match=r"List_D\[2\] is read before anything wrote it"):
            call(S)
    # E8 with one key update pending reads List_D[1]; with none the printed sum is empty and the
    # Recompute that folds a value update in is right (``range(1, ct_K + 1)`` mutated)
    from impl.attention import attention

    S = cls(Q, K, V, a=1.0, repairs=set(defects) - {"E8"})
    S.update_k(0, 0, 0.5)
    with pytest.raises(LiteralUndefinedRead, match=r"List_D\[1\] is read before anything wrote it"):
        S.recompute()
    S = cls(Q, K, V, a=1.0, repairs=set(defects) - {"E8"})
    S.update_v(2, 1, 0.5)
    S.recompute()
    V2 = V.copy()
    V2[2, 1] += 0.5
    assert (S.ct_K, S.ct_V) == (0, 0)
    np.testing.assert_allclose(S.output(), attention(Q, K, V2), rtol=1e-10)


def test_literal_e4_query_uses_the_c_of_the_last_recompute():
    """literal/v1.py Query line 9 unrepaired (DA-E4, seed 000): the answer is D~^{-1}_i C_ij with
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


def test_slots_hold_ceil_n_to_the_a_entries_and_refuse_the_rest():
    """literal/slots.py: "List with size n^a" (Algorithm 1 lines 11-13) has ceil(n^a) slots
    (``__len__``); reading or writing outside them, below 0 included, is the undefined access of
    the printed text (``LiteralUndefinedRead``), never a wrap-around or numpy's IndexError."""
    from impl.literal import LiteralUndefinedRead
    from impl.literal.slots import Entry, Slots

    S = PaperV1Attention(*qkv(5, 2, seed=29), a=0.5)
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


def test_repairs_must_be_a_collection():
    """literal/repairs.py ``check_repairs``: a value that is no collection of names is a TypeError
    that says so (the deleted ``raise``)."""
    for bad in (5, None, 1.5):
        with pytest.raises(TypeError, match="repairs must be a collection"):
            PaperV1Attention(*qkv(), repairs=bad)


@pytest.mark.parametrize("top", [np.finfo(float).max, -np.finfo(float).max])
def test_attention_of_the_largest_floats_stays_finite(top):
    """attention.py: every output entry is a convex combination of its column of V, so with V
    at the largest float64 everywhere the answer is exactly V; rounding in the weighted mean used
    to step an ulp past it and overflow to inf (DA-4.1/hostile-input, deep profile, seed
    208326134).  Mixed columns stay within their ranges."""
    from impl.attention import attention

    Q = np.array([[2.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    K = np.array([[0.0625, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    V = np.full((4, 2), top)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(attention(Q, K, V), V)
    V[:, 1] = [top, top / 2, 0.0, -top / 4]
    out = attention(Q, K, V)
    assert np.isfinite(out).all()
    assert (out.min(axis=0) >= V.min(axis=0)).all() and (out.max(axis=0) <= V.max(axis=0)).all()
