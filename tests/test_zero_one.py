"""impl.reductions.zero_one through the two input parsers that share it."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from impl.ledger import Ledger
from impl.reductions.ann import binary_vectors
from impl.reductions.hmv_inputs import boolean_matrix


def test_accepted_entries_become_int64_zero_one():
    got = boolean_matrix([[True, sympy.Integer(1)], [mpmath.mpf(0), np.float64(1.0)]], "M")
    assert got.dtype == np.int64 and got.tolist() == [[1, 1], [0, 1]]
    assert binary_vectors([[False, 1], [np.int8(0), 1.0]], "X").tolist() == [[0, 1], [0, 1]]


@pytest.mark.parametrize(("parse", "bad", "error", "message"), [
    (boolean_matrix, [[0, 2], [1, 0]], ValueError, r"M must be Boolean \(0/1\); M\[0, 1\] = 2"),
    (boolean_matrix, [[0, "1"], [1, 0]], TypeError, r"M\[0, 1\] must be 0 or 1, got str"),
    (boolean_matrix, [[0, sympy.Symbol("x")], [1, 0]], ValueError, r"M must be Boolean \(0/1\); M\[0, 1\] = x"),
    (binary_vectors, [[0, 1], [0.5, 0]], ValueError, r"M must be binary; M\[1, 0\] = 0.5"),
    (binary_vectors, [[0, 1], [None, 0]], TypeError, r"M\[1, 0\] must be 0 or 1, got NoneType"),
])
def test_a_bad_entry_is_named(parse, bad, error, message):
    with pytest.raises(error, match=message):
        parse(bad, "M")


def test_the_ledger_counts_the_copy_and_each_entry():
    led = Ledger()
    led.begin("parse")
    boolean_matrix([[0, 1, 1], [1, 0, 0], [0, 0, 1]], "M", ledger=led)
    led.end()
    call = led.calls[-1]
    assert (call.mul_adds, call.words) == (9, 2 * 9 + 2 * 9)
