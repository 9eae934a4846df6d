"""Port to numpy of the non-causal Taylor-series linear attention of lucidrains/taylor-series-linear-attention.

Source: https://github.com/lucidrains/taylor-series-linear-attention, commit
4d99e804d4492b2dec3f2348459493039e5acf26 (version 0.1.12), file
taylor_series_linear_attention/attention.py: ``second_taylor_expansion`` and the non-causal
branch of ``TaylorSeriesLinearAttn.forward`` (no mask, one head, no projections).  Copyright (c)
2023 Phil Wang, MIT licence (text in LICENSE.taylor-series-linear-attention).

Kept as in the original: queries are multiplied by the scale before the expansion (the original
uses ``dim_head ** -0.5``; the kit passes its own), both sides are expanded to
``[1, x, x (x) x / sqrt(2)]`` so that ``phi(q) . phi(k) = 1 + s q.k + (s q.k)^2 / 2`` (the
second-order Taylor polynomial of ``exp``, positive everywhere), the duplicated even-power terms
are kept (``remove_even_power_dups = False``: rank ``1 + d + d^2``), and the denominator is
clamped below at ``eps = 1e-5``.  The original claims no accuracy bound.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

EPS = 1e-5


def second_taylor_expansion(x: np.ndarray, remove_even_power_dups: bool = False) -> np.ndarray:
    """[1, x, x (x) x * 0.5 ** 0.5] per row (optionally the upper triangle only)."""
    x0 = np.ones((x.shape[0], 1))
    x2 = np.einsum("ni,nj->nij", x, x) * (0.5 ** 0.5)
    if remove_even_power_dups:
        diagonal = np.diagonal(x2, axis1=1, axis2=2)
        upper = x2[:, np.triu(np.ones(x2.shape[1:], dtype=bool), 1)] * math.sqrt(2)
        x2 = np.concatenate([diagonal, upper], axis=1)
    return np.concatenate([x0, x, x2.reshape(x.shape[0], -1)], axis=1)


def taylor_linear_attention(Q: Any, K: Any, V: Any, *, scale: float | None = None,
                            remove_even_power_dups: bool = False) -> np.ndarray:
    """``f(Q, K, V, *, scale)``: the original's non-causal forward on one head."""
    q, k, v = (np.asarray(X, dtype=np.float64) for X in (Q, K, V))
    s = q.shape[1] ** -0.5 if scale is None else scale
    q = q * s
    q, k = second_taylor_expansion(q, remove_even_power_dups), second_taylor_expansion(k, remove_even_power_dups)
    kv = k.T @ v
    qk_inv = 1.0 / np.maximum(q @ k.sum(axis=0), EPS)
    return (q @ kv) * qk_inv[:, None]


def taylor_linear_attention_dedup(Q: Any, K: Any, V: Any, *, scale: float | None = None) -> np.ndarray:
    """The original's ``remove_even_power_dups = True``: rank ``1 + d + d (d + 1) / 2 = C(d + 2, 2)``."""
    return taylor_linear_attention(Q, K, V, scale=scale, remove_even_power_dups=True)
