"""DA Definition 1.1 evaluated the simplest way, entry by entry, to check ``impl.attention``.

Att(Q, K, V) = D^{-1} A V with A = exp(Q K^T) and D = diag(A 1_n) (DA arXiv v1, section 1).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from impl.attention import attention
from spec.registry import Counterexample, Lemma, Property, Source, register

#: both sides are float64 evaluations of a convex combination of V's entries with |logit| <= 48:
#: each has relative error O(n d eps) ~ 1e-14 at n, d <= 8; 1e-12 * max|V| leaves room.
TOL = 1e-12


def small_matrices() -> Any:
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    def triple(shape: tuple[int, int]) -> Any:
        entries = st.floats(-3, 3, allow_nan=False, allow_subnormal=False)
        return st.tuples(*(arrays(np.float64, shape, elements=entries) for _ in range(3)))

    return st.tuples(st.integers(1, 8), st.integers(1, 8)).flatmap(triple)


def by_definition(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> np.ndarray:
    n, d = Q.shape
    out = np.empty(V.shape)
    for i in range(n):
        A = [math.exp(math.fsum(Q[i, t] * K[k, t] for t in range(d))) for k in range(K.shape[0])]
        D = math.fsum(A)
        for j in range(V.shape[1]):
            out[i, j] = math.fsum(A[k] * V[k, j] for k in range(K.shape[0])) / D
    return out


def attention_matches_definition(example: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    Q, K, V = example
    got = attention(Q, K, V)
    want = by_definition(Q, K, V)
    err = float(np.max(np.abs(got - want)))
    bound = TOL * max(float(np.max(np.abs(V))), 0.0)
    if not err <= bound:
        raise Counterexample("impl.attention differs from the definition", error=err, bound=bound,
                             Q=Q.tolist(), K=K.tolist(), V=V.tolist())


register(Lemma(
    id="DA-1.1", paper="DA", title="Attention as defined (the oracle)",
    statement="impl.attention.attention(Q, K, V) equals D^{-1} A V with A = exp(Q K^T) and "
              "D = diag(A 1), evaluated entry by entry from the definition without any shift.",
    source=Source("000", "section 1", "Definition 1.1"),
    tags=("mutation-suite",),
    checks=(Property("float64 matrices against the definition", small_matrices,
                     attention_matches_definition, encode=lambda x: [m.tolist() for m in x]),),
))
