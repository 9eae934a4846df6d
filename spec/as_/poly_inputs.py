"""Inputs of the AS (arXiv 2302.13214) section 2-3 statements: the (radius, eps) grid, the Hypothesis
strategies for attention inputs and for one row in the relative-error box, and their JSON
encodings (for the report and ``show ID --reproduce``)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

GRID_RADII = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
GRID_EPS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)


# ------------------------------------------------------------------------------------------
# strategies
# ------------------------------------------------------------------------------------------

def bounded_matrix(draw, st, n: int, d: int, bound: float) -> np.ndarray:
    """Entries in [-bound, bound]; a third of them pushed to the corners +-bound."""
    vals = draw(st.lists(st.one_of(
        st.floats(-bound, bound, allow_nan=False, allow_infinity=False),
        st.sampled_from([-bound, bound])), min_size=n * d, max_size=n * d))
    return np.array(vals, dtype=np.float64).reshape(n, d)


#: the entry bounds B :func:`attention_inputs` draws by default (B^2 <= 8)
B_VALUES = (0.5, 1.0, math.sqrt(2.0), 2.0, 2.8)


def attention_inputs(max_n: int = 8, max_d: int = 4, b_values=B_VALUES, v_bounds=(1.0, 2.0, 10.0)):
    """Draws ``dict(Q, K, V, B, eps)`` with ``||Q||, ||K|| <= B`` (B from ``b_values``; the default
    B^2 <= 8), ``|V| <=`` one of ``v_bounds`` and eps on the grid."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_n))
        m = draw(st.integers(1, max_n))
        d = draw(st.integers(1, max_d))
        e = draw(st.integers(1, 3))
        B = draw(st.sampled_from(b_values))
        eps = draw(st.sampled_from(GRID_EPS))
        Vb = draw(st.sampled_from(v_bounds))
        return {"Q": bounded_matrix(draw, st, n, d, B), "K": bounded_matrix(draw, st, m, d, B),
                "V": bounded_matrix(draw, st, m, e, Vb), "B": B, "eps": eps}

    return build()


def encode_attention(ex: dict) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in ex.items()}


def decode_attention(js: dict) -> dict:
    return {k: (np.array(v, dtype=np.float64) if isinstance(v, list) else v) for k, v in js.items()}


def relative_box(max_n: int = 3):
    """Draws ``dict(A, At, eps_a, Dt, eps_d, V)``: one row of positive A (exact Fractions), At in
    the relative box around A (corners +-eps_a half of the time), Dt in the box around D = sum A."""
    from hypothesis import strategies as st

    frac = st.fractions(min_value=Fraction(1, 1000), max_value=1000, max_denominator=1000)
    unit = st.one_of(st.sampled_from([Fraction(-1), Fraction(1)]),
                     st.fractions(min_value=-1, max_value=1, max_denominator=100))

    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_n))
        eps_a = draw(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(99, 1000), max_denominator=1000))
        eps_d = draw(st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(99, 1000), max_denominator=1000))
        A = [draw(frac) for _ in range(n)]
        At = [a * (1 + draw(unit) * eps_a) for a in A]
        D = sum(A)
        Dt = D * (1 + draw(unit) * eps_d)
        Bv = draw(st.fractions(min_value=1, max_value=10, max_denominator=10))
        V = [draw(unit) * Bv for _ in range(n)]
        return {"A": A, "At": At, "eps_a": eps_a, "Dt": Dt, "eps_d": eps_d, "V": V, "B": Bv}

    return build()


def encode_box(ex: dict) -> dict:
    return {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in ex.items()}


def decode_box(js: dict) -> dict:
    return {k: ([Fraction(x) for x in v] if isinstance(v, list) else Fraction(v)) for k, v in js.items()}
