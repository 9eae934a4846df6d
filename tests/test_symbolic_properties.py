"""Property tests of pure-Python code, written to run on Hypothesis's CrossHair backend too.

    HYPOTHESIS_PROFILE=symbolic .venv/bin/python -m pytest tests/test_symbolic_properties.py

runs them with ``backend="crosshair"`` (``tests/conftest.py``): CrossHair drives the inputs
symbolically (an SMT solver picks the branches) instead of drawing random ones.  Under every other
profile they are ordinary, cheap Hypothesis tests.  The inputs are plain ints and lists, which
CrossHair keeps symbolic; code that calls numpy or mpmath makes it concretize, so the kernels here
are the pure-Python ones: DA Lemma 4.6's query numerators (the printed one from
``spec.da.query_kernels``, the corrected one below; Lemma 4.6 itself has a general proof), the printed lists
of the pseudocode (``impl.literal.slots``), index validation (``impl.elements.as_index``), the
repair names (``impl.literal.repairs``) and the lazy threshold ``ceil(n^a)``.
"""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from impl.elements import as_index
from impl.literal.repairs import APPENDIX_DEFECTS, V1_DEFECTS, check_repairs
from impl.literal.slots import Entry, LiteralUndefinedRead, Slots
from impl.threshold import lazy_threshold
from spec.da.query_kernels import _c0, _truth, query_numerator_v1


def query_numerator(a0: list[list[int]], v0: list[list[int]], key: int, delta: list[int],
                    vrow: int, vcol: int, gamma: int, i: int, j: int) -> bool:
    """Corrected Algorithm 4: C_ij + delta_i V0[key][j] + A_cur[i][vrow] gamma [vcol == j], on
    the inputs of :func:`pending_updates` (the domain of ``query_numerator_v1``'s contract)."""
    a_cur = a0[i][vrow] + (delta[i] if vrow == key else 0)
    got = _c0(a0, v0, i, j) + delta[i] * v0[key][j] + (a_cur * gamma if vcol == j else 0)
    return got == _truth(a0, v0, key, delta, vrow, vcol, gamma, i, j)


SMALL = st.integers(-20, 20)


@st.composite
def pending_updates(draw):
    """A Lemma 4.6 instance: n <= 3, d <= 2, one pending key and one pending value update."""
    n = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2))
    a0 = [[draw(SMALL) for _ in range(n)] for _ in range(n)]
    v0 = [[draw(SMALL) for _ in range(d)] for _ in range(n)]
    delta = [draw(SMALL) for _ in range(n)]
    ints = [draw(st.integers(0, n - 1)) for _ in range(3)]   # key, vrow, i
    cols = [draw(st.integers(0, d - 1)) for _ in range(2)]   # vcol, j
    return a0, v0, ints[0], delta, ints[1], cols[0], draw(SMALL), ints[2], cols[1]


@given(pending_updates())
def test_corrected_query_decomposition_is_exact(args):
    assert query_numerator(*args)


@given(pending_updates())
def test_printed_query_is_right_exactly_when_no_pending_key_term(args):
    """Seed 000's Algorithm 4 drops delta_i V0[key, j] (DA-E4): it is right iff that term is 0."""
    a0, v0, key, delta, vrow, vcol, gamma, i, j = args
    assert query_numerator_v1(*args) == (delta[i] * v0[key][j] == 0)


@given(st.integers(-50, 50), st.integers(1, 40))
def test_as_index_accepts_exactly_the_range(x, size):
    if 0 <= x < size:
        assert as_index(x, "i", size) == x
    else:
        with pytest.raises(IndexError, match="out of range"):
            as_index(x, "i", size)


@given(st.integers(1, 6), st.lists(st.tuples(st.booleans(), st.integers(-2, 7), SMALL), max_size=12))
def test_slots_read_what_was_last_written(size, ops):
    """A slot reads back its last write; unwritten and out-of-range slots are undefined reads."""
    slots = Slots("List_D", size)
    model: dict[int, int] = {}
    for write, k, value in ops:
        if not 0 <= k < size:
            with pytest.raises(LiteralUndefinedRead):
                slots[k] = Entry(value, value) if write else slots[k]
            continue
        if write:
            slots[k] = Entry(value, -value)
            model[k] = value
        elif k in model:
            assert slots[k] == Entry(model[k], -model[k])
        else:
            with pytest.raises(LiteralUndefinedRead, match="before anything wrote it"):
                slots[k]
    assert len(slots) == size


@given(st.sets(st.sampled_from(V1_DEFECTS + ("E9", "X"))))
def test_repair_names_are_checked(names):
    bad = names - set(APPENDIX_DEFECTS)
    if bad:
        with pytest.raises(ValueError, match="has no defect"):
            check_repairs(names, APPENDIX_DEFECTS, "PaperAppendixAttention")
    else:
        assert check_repairs(names, APPENDIX_DEFECTS, "PaperAppendixAttention") == frozenset(names)


@settings(max_examples=40)
@given(st.integers(1, 5000), st.integers(1, 4), st.integers(1, 4))
def test_lazy_threshold_is_the_integer_ceiling(n, p, q):
    """ceil(n^(p/q)) is the least m with m^q >= n^p (integers only: no float rounding)."""
    assume(p <= q)
    m = lazy_threshold(n, p / q)
    assert m ** q >= n ** p and (m - 1) ** q < n ** p
