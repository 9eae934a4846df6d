"""DA Theorem 4.1 (and B.1 of seed 003's earlier text) says UpdateK "updates one entry in Q".

If UpdateK (Algorithm 2: a change of column i of A) really applied the change to Q, the maintained
answer would differ from attention on the updated Q: shown on every instance run here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.attention import attention
from impl.literal import V1_DEFECTS, PaperV1Attention
from spec.registry import Counterexample
from spec.profiles import Profile


def names_wrong_matrix(profile: Profile) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, 3, 2))
    S = PaperV1Attention(Q, K, V, a=1.0, repairs=V1_DEFECTS)
    S.update_k(0, 1, 0.5)                       # Algorithm 2 with its repairs
    as_k = K.copy(); as_k[0, 1] += 0.5
    as_q = Q.copy(); as_q[0, 1] += 0.5
    got = S.output()
    err_k = float(np.max(np.abs(got - attention(Q, as_k, V))))
    err_q = float(np.max(np.abs(got - attention(as_q, K, V))))
    if err_q > 1e-9 and err_k <= 1e-9:
        raise Counterexample("UpdateK changes K, not Q as Theorem 4.1 says",
                             answer_vs_K_updated=err_k, answer_vs_Q_updated=err_q,
                             Q=Q.tolist(), K=K.tolist(), V=V.tolist(), update=[0, 1, 0.5])
    return {"summary": f"error against K updated {err_k:.2e}, against Q updated {err_q:.2e}"}
