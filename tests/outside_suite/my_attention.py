"""An outside project's attention code, written without this project's modules: a structure with
the conformance protocol, and exact attention as its 'approximation'.  With the environment
variable OUTSIDE_BROKEN=1 a key update refreshes the wrong axis of A (rows, not columns), as a
public implementation did, so that the suite shows what a failure looks like."""

import os

import numpy as np


class MyAttention:
    def __init__(self, Q, K, V, *, a=0.5, scale=1.0):
        self.Q, self.K, self.V = (np.array(x, dtype=float) for x in (Q, K, V))
        self.scale = float(scale)
        self._refresh()

    def _refresh(self):
        M = self.scale * self.Q @ self.K.T
        self.A = np.exp(M - M.max(axis=1, keepdims=True))

    def update_k(self, i, j, delta):
        self.K[i, j] += delta
        if os.environ.get("OUTSIDE_BROKEN") == "1":
            self.A[i] = np.exp(self.scale * self.Q[i] @ self.K.T)
        else:
            self._refresh()

    def update_v(self, i, j, delta):
        self.V[i, j] += delta

    def query(self, i, j):
        return self.A[i] @ self.V[:, j] / self.A[i].sum()

    def output(self):
        return self.A @ self.V / self.A.sum(axis=1, keepdims=True)


def exact_attention(Q, K, V, *, scale):
    M = scale * np.asarray(Q) @ np.asarray(K).T
    A = np.exp(M - M.max(axis=1, keepdims=True))
    return A @ np.asarray(V) / A.sum(axis=1, keepdims=True)
