"""Port to numpy of FAVOR+ (positive orthogonal random features) with linear attention, from
idiap/fast-transformers.

Source: https://github.com/idiap/fast-transformers, commit
2ad36b97e64cb93862937bd21fcc9568d989561f, files fast_transformers/feature_maps/fourier_features.py
(``orthogonal_random_matrix_``, ``Favor``) and fast_transformers/attention/linear_attention.py
(``LinearAttention.forward``, and ``elu_feature_map`` of feature_maps/base.py).  Copyright (c)
2020 Idiap Research Institute, MIT licence (text in LICENSE.fast-transformers).

Kept as in the original: ``softmax_temp`` is the attention scale (the original's default
``1/sqrt(d)``; the kit passes its own), ``n_dims = d`` features by default (``d // 2`` random
directions, each giving ``exp(u - offset)`` and ``exp(-u - offset)``), orthogonal directions with
chi-distributed norms, no stabilisation (``stabilize = False``), and ``eps = 1e-6`` added to the
denominator.  One change: torch draws fresh random directions at every call (``redraw = 1``);
the port draws them from ``numpy.random.default_rng(seed)`` with a fixed seed, so that a shrunk
input fails again when replayed.  The original claims an unbiased estimate of the softmax kernel,
no accuracy bound.
"""

from __future__ import annotations

from math import log, sqrt
from typing import Any

import numpy as np

EPS = 1e-6


def orthogonal_random_matrix(rows: int, columns: int, rng: np.random.Generator) -> np.ndarray:
    """Columns orthogonal in groups of ``rows``, with the norms of N(0, I_rows) vectors."""
    w = np.zeros((rows, columns))
    start = 0
    while start < columns:
        end = min(start + rows, columns)
        block = rng.standard_normal((rows, rows))
        norms = np.sqrt(np.einsum("ab,ab->a", block, block))
        Qm, _ = np.linalg.qr(block)
        w[:, start:end] = Qm[:, :end - start] * norms[None, :end - start]
        start += rows
    return w


def favor_features(x: np.ndarray, omega: np.ndarray, softmax_temp: float, n_dims: int) -> np.ndarray:
    x = x * sqrt(softmax_temp)
    norm_x_squared = np.einsum("...d,...d->...", x, x)[..., None]
    u = x @ omega
    offset = norm_x_squared * 0.5 + 0.5 * log(n_dims)
    return np.concatenate([np.exp(u - offset), np.exp(-u - offset)], axis=-1)


def linear_attention(phi_q: np.ndarray, phi_k: np.ndarray, V: np.ndarray, eps: float = EPS) -> np.ndarray:
    """``LinearAttention.forward`` on one head with no mask."""
    kv = phi_k.T @ V
    Z = 1.0 / (phi_q @ phi_k.sum(axis=0) + eps)
    return (phi_q @ kv) * Z[:, None]


def favor_attention(Q: Any, K: Any, V: Any, *, scale: float | None = None, n_dims: int | None = None,
                    seed: int = 0) -> np.ndarray:
    """``f(Q, K, V, *, scale)``: Favor (the original's defaults) inside LinearAttention."""
    q, k, v = (np.asarray(X, dtype=np.float64) for X in (Q, K, V))
    d = q.shape[1]
    temp = 1 / sqrt(d) if scale is None else scale
    m = n_dims or d
    omega = orthogonal_random_matrix(d, m // 2, np.random.default_rng(seed))
    return linear_attention(favor_features(q, omega, temp, m), favor_features(k, omega, temp, m), v)


def favor_attention_256(Q: Any, K: Any, V: Any, *, scale: float | None = None) -> np.ndarray:
    """The same with ``n_dims = 256`` features (rank 256), a common configuration."""
    return favor_attention(Q, K, V, scale=scale, n_dims=256)


def elu_linear_attention(Q: Any, K: Any, V: Any, *, scale: float | None = None) -> np.ndarray:
    """LinearAttention's default feature map ``elu(x) + 1`` (it takes no scale: the argument is
    accepted and unused, as the original has none); rank d, not an approximation of exp."""
    del scale
    q, k, v = (np.asarray(X, dtype=np.float64) for X in (Q, K, V))

    def elu1(x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0))) + 1

    return linear_attention(elu1(q), elu1(k), v)
