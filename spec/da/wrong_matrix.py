"""DA Theorem 4.1 (and Theorem 1.3) say UpdateK(i, j, delta) "updates one entry in Q".

Algorithm 2 changes column i of A = exp(Q K^T), which is what a change of K[i, j] does; a change of
Q[i, j] changes row i.  Run here on the corrected structure (``impl.dynamic.DynamicAttention``,
Algorithms 1-5 with the pseudocode's errata repaired) for every entry (i, j) of a few random
instances: the answer after update_k must equal attention with K updated and differ from attention
with Q updated.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.attention import attention
from impl.dynamic import DynamicAttention
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample

#: the answer must match the K update this closely, and miss the Q update by more than this
TOL = 1e-9


def names_wrong_matrix(profile: Profile) -> dict[str, Any]:
    rows = []
    seeds = range(3) if not profile.deep else range(12)
    for seed in seeds:
        rng = np.random.default_rng(seed)
        Q, K, V = rng.normal(size=(3, 3, 2))
        for i in range(3):
            for j in range(2):
                S = DynamicAttention(Q, K, V, a=1.0)
                S.update_k(i, j, 0.5)
                as_k = K.copy()
                as_k[i, j] += 0.5
                as_q = Q.copy()
                as_q[i, j] += 0.5
                got = S.output()
                rows.append([seed, i, j, float(np.max(np.abs(got - attention(Q, as_k, V)))),
                             float(np.max(np.abs(got - attention(as_q, K, V))))])
    k_match = all(r[3] <= TOL for r in rows)
    q_miss = all(r[4] > TOL for r in rows)
    cases = table("UpdateK(i, j, 0.5) against attention with K[i, j] or Q[i, j] updated",
                  ["seed", "i", "j", "error vs K updated", "error vs Q updated"], rows)
    if k_match and q_miss:
        raise Counterexample("UpdateK changes K, not Q as Theorem 4.1 says: on every entry the "
                             "answer equals attention with K updated and misses the Q update",
                             cases=len(rows), smallest_miss_of_Q=min(r[4] for r in rows),
                             largest_error_vs_K=max(r[3] for r in rows))
    return evidence(f"K update matched everywhere: {k_match}; Q update missed everywhere: {q_miss}", cases)
