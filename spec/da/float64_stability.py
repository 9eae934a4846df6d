"""DA (arXiv 2304.02207) Theorem 4.1 in float64: static attention and the dynamic structures under
logits up to 1e4 in magnitude, against mpmath on the same inputs.  The papers compute exp(QK^T)
as if numbers were real; this record states what float64 must do."""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.attention import attention
from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from spec.da.oracle_mp import attention_mp
from spec.da.program import FLOAT_TOL
from spec.record_groups import RecordGroup
from spec.registry import Counterexample, Property, Source, Stateful


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


OPS = ("update_k", "update_v", "update_q", "query", "output", "recompute")

#: Theorem 4.1 read in float64: what the structures must keep when exp overflows (here and in
#: spec.da.drift)
FLOAT64_READING = RecordGroup("DA", Source("000", "section 4", "Theorem 4.1 (float64 reading)"),
                              cites=("DA-4.1",))

FLOAT64_READING.register(
    id="DA-4.1/float64",
    title="Theorem 4.1 in float64 for logits up to 1e4: stable, nothing non-finite stored",
    statement="For float64 Q, K with |logit| <= 1e4 (entries in [-50, 50], d <= 4) and any sequence "
              "of updates, queries and recomputes, every answer of DynamicAttention, EagerAttention, "
              "NaiveAttention and impl.attention is within 1e-9 * max|V| of the exact value of the "
              "same float64 inputs (mpmath, 60 digits), and no stored float array holds inf or nan. "
              "(exp overflows float64 past 709: the structures keep per-row shifts.)",
    checks=(
        Property("impl.attention, wide logits", wide_matrices, attention_is_stable,
                 encode=lambda x: [m.tolist() for m in x],
                 decode=lambda x: tuple(np.array(m) for m in x)),
        Stateful("DynamicAttention, wide logits", DynamicAttention, "DynamicAttention", kind="wide",
                 ops=OPS, n_max=10),
        Stateful("EagerAttention, wide logits", EagerAttention, "EagerAttention", kind="wide",
                 ops=OPS, n_max=10, weight=0.5),
        Stateful("NaiveAttention, wide logits", NaiveAttention, "NaiveAttention", kind="wide",
                 ops=OPS, n_max=10, weight=0.5),
    ),
)
