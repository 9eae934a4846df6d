"""Low-rank attention baselines for the comparison with AS's polynomial method.

* FAVOR+ (Choromanski et al., *Rethinking Attention with Performers*, ICLR 2021): positive
  orthogonal random features.  ``exp(<x, y>) = E_w[exp(w.x - |x|^2/2) exp(w.y - |y|^2/2)]`` for
  ``w ~ N(0, I_d)``; the ``m`` features ``phi(x)_i = exp(w_i . x - |x|^2 / 2) / sqrt(m)`` use
  orthogonal directions (blocks of ``d`` Haar-orthogonal rows, independent between blocks) with
  lengths drawn as norms of independent ``N(0, I_d)`` vectors, so each ``w_i`` is marginally
  ``N(0, I_d)`` and the estimator stays unbiased.  ``exp(scale q.k)`` uses ``x = sqrt(scale) q``,
  ``y = sqrt(scale) k``.  The random matrix is drawn once from a fixed seed.
* The second-order Taylor map of Based (Arora et al. 2024) and fla's ``based`` kernels:
  ``phi(x) = [1, x, vec(x x^T) / sqrt(2)]`` of rank ``1 + d + d^2`` with
  ``phi(q) . phi(k) = 1 + s + s^2 / 2``, ``s = q . k``; again ``x = sqrt(scale) q``.  ``1 + s + s^2/2``
  is positive for every ``s``, so the row sums never vanish.

Both compute ``D~^{-1} phi(Q) (phi(K)^T V)`` in row blocks: time O(n m (d + e)), memory O(block m).
"""

from __future__ import annotations

import math

import numpy as np

#: float64 entries per feature block (rows x features)
BLOCK_ENTRIES = 1 << 18


def orthogonal_gaussian(m: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """``m x d`` matrix whose rows are marginally ``N(0, I_d)`` and orthogonal within blocks of ``d``."""
    blocks = math.ceil(m / d)
    G = rng.standard_normal((blocks, d, d))
    Qm, R = np.linalg.qr(G)
    # Haar measure: fix the signs of R's diagonal
    Qm = Qm * np.sign(np.diagonal(R, axis1=1, axis2=2))[:, None, :]
    directions = Qm.transpose(0, 2, 1).reshape(blocks * d, d)[:m]  # rows of each Q^T: orthonormal
    lengths = np.linalg.norm(rng.standard_normal((m, d)), axis=1)
    return directions * lengths[:, None]


def iid_gaussian(m: int, d: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal((m, d))


def favor_features(X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Positive random features ``exp(W x - |x|^2/2) / sqrt(m)``, one row per row of ``X``."""
    m = W.shape[0]
    logits = X @ W.T
    logits -= 0.5 * np.einsum("ij,ij->i", X, X)[:, None]
    return np.exp(logits) / math.sqrt(m)


def taylor_features(X: np.ndarray) -> np.ndarray:
    """``[1, x, vec(x x^T) / sqrt(2)]``: ``phi(x) . phi(y) = 1 + x.y + (x.y)^2 / 2``."""
    n, d = X.shape
    out = np.empty((n, 1 + d + d * d))
    out[:, 0] = 1.0
    out[:, 1:1 + d] = X
    out[:, 1 + d:] = (X[:, :, None] * X[:, None, :]).reshape(n, d * d) / math.sqrt(2.0)
    return out


def taylor_rank(d: int) -> int:
    return 1 + d + d * d


def _linear_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, feat, r: int,
                      block_rows: int | None) -> np.ndarray:
    step = block_rows or max(1, BLOCK_ENTRIES // max(r, 1))
    e = V.shape[1]
    ones_V = np.hstack([np.ones((K.shape[0], 1)), V])
    KV = np.zeros((r, 1 + e))
    for lo in range(0, K.shape[0], step):
        KV += feat(K[lo:lo + step]).T @ ones_V[lo:lo + step]
    out = np.empty((Q.shape[0], e))
    for lo in range(0, Q.shape[0], step):
        Z = feat(Q[lo:lo + step]) @ KV
        if not (np.all(np.isfinite(Z[:, 0])) and np.all(Z[:, 0] > 0)):
            raise ValueError("a row sum of the feature attention is not positive and finite")
        out[lo:lo + step] = Z[:, 1:] / Z[:, :1]
    return out


def favor_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, W: np.ndarray, *, scale: float,
                    block_rows: int | None = None) -> np.ndarray:
    """FAVOR+ estimate of ``D^{-1} exp(scale Q K^T) V`` with the random matrix ``W`` (m x d)."""
    if scale <= 0:
        raise ValueError("FAVOR+ here needs scale > 0")
    c = math.sqrt(scale)
    return _linear_attention(c * np.asarray(Q, float), c * np.asarray(K, float), np.asarray(V, float),
                             lambda X: favor_features(X, W), W.shape[0], block_rows)


def taylor_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, *, scale: float,
                     block_rows: int | None = None) -> np.ndarray:
    """``D~^{-1} A~ V`` with ``A~_ij = 1 + s_ij + s_ij^2 / 2``, ``s = scale q_i . k_j`` (rank 1 + d + d^2)."""
    if scale <= 0:
        raise ValueError("the Taylor map here needs scale > 0")
    c = math.sqrt(scale)
    Q, K = c * np.asarray(Q, float), c * np.asarray(K, float)
    return _linear_attention(Q, K, np.asarray(V, float), taylor_features, taylor_rank(Q.shape[1]), block_rows)
