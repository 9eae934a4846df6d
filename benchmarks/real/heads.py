"""Per-layer, per-head figures of real attention inputs (from ``MiniLM.attention_inputs``).

For each head: the entry bounds ``B_q = max|Q|``, ``B_k = max|K|``, ``B = max(B_q, B_k)``,
``B_v = max|V|``; the logit radius ``max |scale * q_i . k_j|``; and the largest absolute error of a
plain numpy ``softmax(scale Q K^T) V`` against ``impl.attention.attention(Q, K, V, scale=scale)``.
Masked-out keys (rows of K and V) are dropped before anything is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from impl.attention import attention


@dataclass(frozen=True)
class HeadStats:
    layer: int
    head: int
    n: int
    B_q: float
    B_k: float
    B_v: float
    logit_radius: float
    attention_max_error: float

    @property
    def B(self) -> float:
        """Entry bound of Q and K together."""
        return max(self.B_q, self.B_k)


def numpy_head_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float) -> np.ndarray:
    """``softmax(scale Q K^T) V`` for one head, row-max shifted."""
    M = scale * (Q @ K.T)
    P = np.exp(M - M.max(axis=1, keepdims=True))
    return (P / P.sum(axis=1, keepdims=True)) @ V


def head_stats(layers: Sequence[dict[str, Any]]) -> list[HeadStats]:
    """One :class:`HeadStats` per (layer, head), in layer-major order."""
    out = []
    for li, layer in enumerate(layers):
        keep = np.asarray(layer["mask"], dtype=bool)
        scale = float(layer["scale"])
        for h in range(layer["Q"].shape[0]):
            Q, K, V = layer["Q"][h], layer["K"][h][keep], layer["V"][h][keep]
            err = np.abs(numpy_head_attention(Q, K, V, scale) - attention(Q, K, V, scale=scale)).max()
            out.append(HeadStats(
                layer=li,
                head=h,
                n=Q.shape[0],
                B_q=float(np.abs(Q).max()),
                B_k=float(np.abs(K).max()),
                B_v=float(np.abs(V).max()),
                logit_radius=float(np.abs(scale * (Q @ K.T)).max()),
                attention_max_error=float(err),
            ))
    return out
