"""Static attention under logits up to 1e4 in magnitude, against mpmath on the same inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.attention import attention
from spec.da.oracle_mp import attention_mp
from spec.da.program import FLOAT_TOL
from spec.registry import Counterexample


def wide_matrices() -> Any:
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    wide = st.one_of(st.floats(-50, 50, allow_nan=False, allow_subnormal=False), st.sampled_from([-50.0, 50.0]))
    small = st.floats(-3, 3, allow_nan=False, allow_subnormal=False)

    def triple(shape: tuple[int, int]) -> Any:
        return st.tuples(arrays(np.float64, shape, elements=wide), arrays(np.float64, shape, elements=wide),
                         arrays(np.float64, shape, elements=small))

    return st.tuples(st.integers(1, 10), st.integers(1, 4)).flatmap(triple)


def attention_is_stable(example: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    Q, K, V = example
    got = attention(Q, K, V)
    if not np.isfinite(got).all():
        raise Counterexample("attention returned inf or nan", Q=Q.tolist(), K=K.tolist(), V=V.tolist())
    err = float(np.max(np.abs(got - attention_mp(Q, K, V))))
    bound = FLOAT_TOL * float(np.max(np.abs(V)))
    if not err <= bound:
        raise Counterexample("attention differs from the mpmath value", error=err, bound=bound,
                             Q=Q.tolist(), K=K.tolist(), V=V.tolist())
