"""What a user would pick instead of the lazy structure, with the same interface.

* :class:`EagerAttention` keeps ``C = A V`` current after every update (rank-1 maintenance):
  O(n d) per key update, O(n) per value update, O(1) per query.
* :class:`NaiveAttention` stores Q, K, V and recomputes the whole result from scratch
  (``impl.attention``) the first time it is queried after an update: O(n^2 d) per such query.

Both share the validation and the float64 stability of :class:`impl.dynamic.DynamicAttention`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.attention import attention
from impl.elements import FLOAT64, as_index, as_qkv, as_scalar, check_value_entry
from impl.expkernel import ExpKernel
from impl.ledger import Ledger
from impl.threshold import validate_a


def _validated(Q: Any, K: Any, V: Any, a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    Qa, Ka, Va, kind = as_qkv(Q, K, V)
    validate_a(a)
    return Qa, Ka, Va, kind


class EagerAttention:
    """Eager rank-1 maintenance of ``C = A V`` and ``D = A 1``; ``a`` is accepted and unused."""

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 ledger: bool = True) -> None:
        Qa, Ka, Va, kind = _validated(Q, K, V, a)
        self.kind = kind
        self.threshold = 1
        scale = as_scalar(scale, "scale", kind)
        self.ledger = Ledger(enabled=ledger)
        self.ledger.begin("init")
        self.kernel = ExpKernel(Qa, Ka, scale, kind, self.ledger)   # a failed init leaves no object
        self.V = Va
        self.C = self.kernel.A @ Va
        self.kernel.row_scaled.append(self.C)
        n, d = Va.shape
        self.ledger.gemm(n, n, d)
        self.ledger.end(self.space)

    @property
    def space(self) -> int:
        return self.kernel.space + 2 * self.n * self.d

    @property
    def n(self) -> int:
        return self.V.shape[0]

    @property
    def d(self) -> int:
        return self.V.shape[1]

    def update_k(self, i: int, j: int, delta: Any) -> None:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        upd = self.kernel.propose_key(i, j, as_scalar(delta, "delta", self.kind))
        self.ledger.begin("update_k")
        delta_a = self.kernel.apply_key(upd)
        self.C += np.outer(delta_a, self.V[i])
        self.ledger.vec(2 * self.n * self.d, 2)    # rank-1 update of C
        rows = self.kernel.stale_rows()
        if rows.size:
            self.kernel.refresh_rows(rows)
            self.C[rows] = self.kernel.A[rows] @ self.V
            self.ledger.gemm(rows.size, self.n, self.d)
        self.ledger.end(self.space)

    def update_v(self, i: int, j: int, delta: Any) -> None:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        value = as_scalar(delta, "delta", self.kind)
        new = self.V[i, j] + value
        check_value_entry(new, f"V[{i}, {j}] + delta", self.kind)
        self.ledger.begin("update_v")
        self.C[:, j] += self.kernel.A[:, i] * (new - self.V[i, j])
        self.V[i, j] = new
        self.ledger.vec(2 * self.n, 2)
        self.ledger.end(self.space)

    def update_q(self, i: int, j: int, delta: Any) -> None:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        q_new, m_row = self.kernel.propose_query(i, j, as_scalar(delta, "delta", self.kind))
        self.ledger.begin("update_q")
        self.kernel.apply_query(i, j, q_new, m_row)
        self.C[i] = self.kernel.A[i] @ self.V
        self.ledger.gemm(1, self.n, self.d)
        self.ledger.end(self.space)

    def query(self, i: int, j: int) -> Any:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        self.ledger.begin("query")
        self.ledger.vec(1, 2)
        self.ledger.end(self.space)
        return self.C[i, j] / self.kernel.D[i]

    def output(self) -> np.ndarray:
        self.ledger.begin("output")
        self.ledger.vec(self.n * self.d, 2)
        self.ledger.end(self.space)
        return self.C / self.kernel.D[:, None]

    def recompute(self) -> None:
        """Nothing is pending in the eager structure."""


class NaiveAttention:
    """Recompute-from-scratch: updates edit Q, K, V; a query after an update recomputes all."""

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 ledger: bool = True) -> None:
        self.Q, self.K, self.V, self.kind = _validated(Q, K, V, a)
        self.scale = as_scalar(scale, "scale", self.kind)
        self.threshold = 1
        self.ledger = Ledger(enabled=ledger)
        self.ledger.begin("init")
        self._result: np.ndarray | None = self._compute()   # None while an update is pending
        self.ledger.end(self.space)

    @property
    def space(self) -> int:
        return 4 * self.n * self.d

    @property
    def n(self) -> int:
        return self.V.shape[0]

    @property
    def d(self) -> int:
        return self.V.shape[1]

    def _compute(self) -> np.ndarray:
        n, d = self.n, self.d
        self.ledger.gemm(n, d, n)
        self.ledger.vec(3 * n * n, 2)              # row maxima, shift, row sums
        self.ledger.exp(n * n)
        self.ledger.gemm(n, n, d)
        self.ledger.vec(n * d, 2)
        return attention(self.Q, self.K, self.V, scale=self.scale)

    def _edit(self, M: np.ndarray, name: str, i: Any, j: Any, delta: Any) -> None:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        with np.errstate(over="ignore"):          # an overflow is refused by name below
            new = M[i, j] + as_scalar(delta, "delta", self.kind)
        if name == "V":
            check_value_entry(new, f"V[{i}, {j}] + delta", self.kind)
        if self.kind is FLOAT64:
            if not np.isfinite(new):
                raise ValueError(f"{name}[{i}, {j}] + delta overflows float64")
            if name != "V":
                vec = M[i].copy()
                vec[j] = new
                other = self.Q if name == "K" else self.K
                with np.errstate(over="ignore", invalid="ignore"):
                    logits = self.scale * (other @ vec)
                if not np.isfinite(logits).all():
                    raise ValueError(f"the update makes the logits scale * Q K^T overflow float64")
        self.ledger.begin(f"update_{name.lower()}")
        self.ledger.vec(1, 1)                      # the entry itself
        if name != "V":
            self.ledger.gemm(1, self.d, self.n)    # the overflow check of the changed logits
        M[i, j] = new
        self._result = None
        self.ledger.end(self.space)

    def update_k(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.K, "K", i, j, delta)

    def update_v(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.V, "V", i, j, delta)

    def update_q(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.Q, "Q", i, j, delta)

    def query(self, i: int, j: int) -> Any:
        i = as_index(i, "i", self.n)
        j = as_index(j, "j", self.d)
        self.ledger.begin("query")
        if self._result is None:
            self._result = self._compute()
        self.ledger.end(self.space)
        return self._result[i, j]

    def output(self) -> np.ndarray:
        self.ledger.begin("output")
        if self._result is None:
            self._result = self._compute()
        self.ledger.touch(self.n * self.d)
        self.ledger.end(self.space)
        return self._result.copy()

    def recompute(self) -> None:
        self.ledger.begin("recompute")
        self._result = self._compute()
        self.ledger.end(self.space)
