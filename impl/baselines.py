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
from impl.dynamic import EntryIndexed, abort_on_error
from impl.elements import FLOAT64, as_qkv, as_scalar, check_value_entry
from impl.expkernel import ExpKernel
from impl.ledger import Ledger
from impl.threshold import validate_a


def _validated(Q: Any, K: Any, V: Any, a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    Qa, Ka, Va, kind = as_qkv(Q, K, V)
    validate_a(a)
    return Qa, Ka, Va, kind


class EagerAttention(EntryIndexed):
    """Eager rank-1 maintenance of ``C = A V`` and ``D = A 1``; ``a`` is accepted and unused."""

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 ledger: bool = True) -> None:
        Qa, Ka, Va, kind = _validated(Q, K, V, a)
        self.kind = kind
        self.threshold = 1
        scale = as_scalar(scale, "scale", kind)
        self.ledger = led = Ledger(enabled=ledger)
        led.begin("init")
        self.kernel = ExpKernel(Qa, Ka, scale, kind, led)   # a failed init leaves no object
        self.V = Va
        self.shape = Va.shape
        self.C = led.matmul(self.kernel.A, Va)
        self.kernel.row_scaled.append(self.C)
        led.end(self.space)

    @property
    def space(self) -> int:
        return self.kernel.space + self.V.size + self.C.size

    def update_k(self, i: int, j: int, delta: Any) -> None:
        i, j = self._indices(i, j)
        delta = as_scalar(delta, "delta", self.kind)
        led = self.ledger
        led.begin("update_k")
        upd = abort_on_error(led, self.kernel.propose_key, i, j, delta)
        delta_a = self.kernel.apply_key(upd)
        # the rank-1 update C += Delta_A V[i]
        led.add(self.C, led.multiply(delta_a[:, None], self.V[i][None, :]), out=self.C)
        rows = self.kernel.stale_rows()
        if rows.size:
            self.kernel.refresh_rows(rows)
            led.assign(self.C, rows, led.matmul(led.take(self.kernel.A, rows), self.V))
        led.end(self.space)

    def update_v(self, i: int, j: int, delta: Any) -> None:
        i, j = self._indices(i, j)
        value = as_scalar(delta, "delta", self.kind)
        led = self.ledger
        new = self.V[i, j] + value
        check_value_entry(new, f"V[{i}, {j}] + delta", self.kind)
        led.begin("update_v")
        column = self.C[:, j]                          # a view: the update writes into C
        led.axpy(new - self.V[i, j], self.kernel.A[:, i], column, out=column)
        self.V[i, j] = new
        led.end(self.space)

    def update_q(self, i: int, j: int, delta: Any) -> None:
        i, j = self._indices(i, j)
        delta = as_scalar(delta, "delta", self.kind)
        led = self.ledger
        led.begin("update_q")
        q_new, m_row = abort_on_error(led, self.kernel.propose_query, i, j, delta)
        self.kernel.apply_query(i, j, q_new, m_row)
        led.assign(self.C, i, led.matmul(self.kernel.A[i], self.V))
        led.end(self.space)

    def query(self, i: int, j: int) -> Any:
        i, j = self._indices(i, j)
        self.ledger.begin("query")
        self.ledger.end(self.space)
        return self.C[i, j] / self.kernel.D[i]

    def output(self) -> np.ndarray:
        led = self.ledger
        led.begin("output")
        out = led.divide(self.C, self.kernel.D[:, None])
        led.end(self.space)
        return out

    def recompute(self) -> None:
        """Nothing is pending in the eager structure."""


class NaiveAttention(EntryIndexed):
    """Recompute-from-scratch: updates edit Q, K, V; a query after an update recomputes all."""

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 ledger: bool = True) -> None:
        self.Q, self.K, self.V, self.kind = _validated(Q, K, V, a)
        self.shape = self.V.shape
        self.scale = as_scalar(scale, "scale", self.kind)
        self.threshold = 1
        self.ledger = Ledger(enabled=ledger)
        self.ledger.begin("init")
        self._result: np.ndarray | None = self._compute()   # None while an update is pending
        self.ledger.end(self.space)

    @property
    def space(self) -> int:
        held = self._result.size if self._result is not None else 0
        return self.Q.size + self.K.size + self.V.size + held

    def _compute(self) -> np.ndarray:
        """``impl.attention.attention`` of the current matrices.  It keeps no ledger, so its main
        passes are counted here from the shapes, one call per pass."""
        n, d = self.n, self.d
        led = self.ledger
        led.gemm(n, d, n)                          # Q K^T
        led.vec(n * n, 2)                          # the row maxima subtracted
        led.exp(n * n)
        led.vec(n * n)                             # the row sums
        led.gemm(n, n, d)                          # A V
        led.vec(n * d, 2)                          # the division by the row sums
        return attention(self.Q, self.K, self.V, scale=self.scale)

    def _edit(self, M: np.ndarray, name: str, i: Any, j: Any, delta: Any) -> None:
        i, j = self._indices(i, j)
        value = as_scalar(delta, "delta", self.kind)
        led = self.ledger
        led.begin(f"update_{name.lower()}")
        new = abort_on_error(led, self._checked_entry, M, name, i, j, value)
        M[i, j] = new
        self._result = None
        led.end(self.space)

    def _checked_entry(self, M: np.ndarray, name: str, i: int, j: int, value: Any) -> Any:
        """``M[i, j] + value``, refused by name when it or the logits it changes leave float64."""
        led = self.ledger
        with np.errstate(over="ignore"):          # an overflow is refused by name below
            new = M[i, j] + value
        if name == "V":
            check_value_entry(new, f"V[{i}, {j}] + delta", self.kind)
        if self.kind is FLOAT64:
            if not np.isfinite(new):
                raise ValueError(f"{name}[{i}, {j}] + delta overflows float64")
            if name != "V":
                vec = led.copy(M[i])
                vec[j] = new
                other = self.Q if name == "K" else self.K
                with np.errstate(over="ignore", invalid="ignore"):
                    logits = led.scale(led.matmul(other, vec), self.scale)
                if not led.all(led.isfinite(logits)):
                    raise ValueError("the update makes the logits scale * Q K^T overflow float64")
        return new

    def update_k(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.K, "K", i, j, delta)

    def update_v(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.V, "V", i, j, delta)

    def update_q(self, i: int, j: int, delta: Any) -> None:
        self._edit(self.Q, "Q", i, j, delta)

    def query(self, i: int, j: int) -> Any:
        i, j = self._indices(i, j)
        self.ledger.begin("query")
        if self._result is None:
            self._result = self._compute()
        self.ledger.end(self.space)
        return self._result[i, j]

    def output(self) -> np.ndarray:
        led = self.ledger
        led.begin("output")
        if self._result is None:
            self._result = self._compute()
        out = led.copy(self._result)
        led.end(self.space)
        return out

    def recompute(self) -> None:
        self.ledger.begin("recompute")
        self._result = self._compute()
        self.ledger.end(self.space)
