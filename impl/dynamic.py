"""The dynamic attention structure of DA Theorem 4.1 (seed 000, section 4, Algorithms 1-5), corrected.

Maintains ``B = D^{-1} A V`` with ``A = exp(scale * Q K^T)`` and ``D = diag(A 1)`` under
single-entry updates, lazily: updates are recorded in pending lists and folded in by one matrix
product when ``threshold = ceil(n^a)`` updates of one kind have accumulated.

Invariants between recomputes (``V0`` is ``V`` at the last recompute, ``A`` and ``D`` current)::

    C + PK_cols[:, :ck] @ PK_v[:ck]  ==  A @ V0,   PK_v[t] == V0[key_t]   (pending key updates)
    V0 + sum_s delta_s e_{row_s} e_{col_s}^T ==  V               (pending value updates)

so that ``(D^{-1} A V)[i, j] = (C[i, j] + PK_cols[i] . PK_v[:, j] + sum_{s: col_s = j}
A[i, row_s] delta_s) / D[i]`` costs O(ck + cv) (Lemma 4.6, corrected).

Corrections to the printed pseudocode (each is an erratum record DA-E1 ... in the report, with a
counterexample; ``impl.literal`` keeps the printed versions):

* The update that reaches the threshold is recorded before the recompute (Algorithms 2 and 3
  drop it: DA-E6, DA-E7).
* The query adds the pending key updates (Algorithm 4 of seed 000 reads only the stale ``C``:
  DA-E4) and the recompute folds the pending value updates into ``C`` (Algorithm 5 of seed 000
  omits ``A Delta_V``: DA-E5).
* ``List_D`` collapses to its last entry: Recompute only needs the telescoped sum of the
  ``Delta_D`` entries, which is the current ``D^{-1}``; keeping the current row sums ``D``
  removes the off-by-one reads of DA-E1, DA-E3, DA-E8 and the mixed ``D``/``D^{-1}`` of DA-E2.

Indices are 0-based (the paper's are 1-based).  Not in the paper: ``update_q`` (one entry of
``Q`` changes a whole row of ``A``; that row is re-evaluated in O(n d)), ``output()``,
``normalize=False`` (``exp(scale Q K^T) V`` without ``D^{-1}``, as DA Definition 5.4 asks), and
float64 stability (per-row shifts and exact row refresh, ``impl.expkernel``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from impl.elements import as_index, as_qkv, as_scalar, check_value_entry
from impl.expkernel import ExpKernel
from impl.ledger import Ledger
from impl.threshold import lazy_threshold, validate_a


class DynamicAttention:
    """DA Theorem 4.1: Init, UpdateK, UpdateV, Query, Recompute (Algorithms 1-5), corrected."""

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 normalize: bool = True, ledger: bool = True) -> None:
        """Init (Algorithm 1): ``A = exp(scale Q K^T)``, ``D = A 1``, ``C = A V``.

        ``ledger=False`` turns the operation counts (``self.ledger``, ``impl.ledger``) off.
        """
        Qa, Ka, Va, kind = as_qkv(Q, K, V)
        if not isinstance(normalize, bool):
            raise TypeError(f"normalize must be a bool, got {type(normalize).__name__}")
        self.a = validate_a(a)
        n, d = Qa.shape
        self.kind = kind
        self.normalize = normalize
        self.threshold = lazy_threshold(n, self.a)
        scale = as_scalar(scale, "scale", kind)
        self.ledger = Ledger(enabled=ledger)
        self.ledger.begin("init")
        self.kernel = ExpKernel(Qa, Ka, scale, kind, self.ledger)   # a failed init leaves no object
        self.V0 = Va
        # column-major in float64: a recompute adds a pending value update to a column of C
        self.C = np.asfortranarray(self.kernel.A @ Va) if kind.shifted else self.kernel.A @ Va
        self.ledger.gemm(n, n, d)
        self.ledger.touch(3 * n * d)
        T = self.threshold
        self.pk_cols = kind.zeros((n, T), order="F")   # a column per pending key update
        # the row V0[key] of each pending key update (V0 only changes at a recompute), column-major
        # so that a query reads a column
        self.pk_v = kind.zeros((T, d), order="F")
        self.ck = 0
        self.pv_rows = np.zeros(T, dtype=np.intp)
        self.pv_cols = np.zeros(T, dtype=np.intp)
        self.pv_delta = kind.zeros((T,))
        self.cv = 0
        self.kernel.row_scaled += [self.C, self.pk_cols]
        #: words held: the kernel (Q, K, M, A, s, D, W), V0, C and the pending buffers, all
        #: allocated here, so the space never changes afterwards
        self.space = self.kernel.space + 2 * n * d + n * T + T * d + 3 * T
        self.ledger.end(self.space)

    # ------------------------------------------------------------------------------ attributes
    @property
    def n(self) -> int:
        return self.V0.shape[0]

    @property
    def d(self) -> int:
        return self.V0.shape[1]

    @property
    def pending(self) -> tuple[int, int]:
        """Numbers of pending key and value updates (``ct_K``, ``ct_V``)."""
        return self.ck, self.cv

    # --------------------------------------------------------------------------------- updates
    def update_k(self, i: int, j: int, delta: Any) -> None:
        """UpdateK (Algorithm 2): ``K[i, j] += delta``; O(n) unless it triggers a recompute."""
        i, j = self._indices(i, j)
        upd = self.kernel.propose_key(i, j, self._delta(delta))
        self.ledger.begin("update_k", (self.ck, self.cv))
        # Delta_A goes straight into the next pending column (column-major: contiguous)
        self.kernel.apply_key(upd, out=self.pk_cols[:, self.ck])
        self.pk_v[self.ck] = self.V0[i]
        self.ck += 1
        self._refresh_stale_rows()
        if self.ck == self.threshold:
            self.recompute()
        self.ledger.end(self.space, words=2 * self.d)     # the row of V0 copied into PK_v

    def update_v(self, i: int, j: int, delta: Any) -> None:
        """UpdateV (Algorithm 3): ``V[i, j] += delta``; O(1) unless it triggers a recompute."""
        i, j = self._indices(i, j)
        value = self._delta(delta)
        check_value_entry(self._current_v(i, j) + value, f"V[{i}, {j}] + delta", self.kind)
        ck, cv = self.ck, self.cv
        self.pv_rows[cv] = i
        self.pv_cols[cv] = j
        self.pv_delta[cv] = value
        self.cv = cv + 1
        # the overflow check over the pending entries, then three stores
        mul_adds, words = 3 * cv + 1, 9 * cv + 6
        if self.cv < self.threshold:
            self.ledger.record("update_v", (ck, cv), mul_adds, 0, words, self.space)
            return
        self.ledger.begin("update_v", (ck, cv))
        self.recompute()
        self.ledger.end(self.space, mul_adds, 0, words)

    def update_q(self, i: int, j: int, delta: Any) -> None:
        """``Q[i, j] += delta`` (not in the paper): row ``i`` of ``A`` and ``C`` re-evaluated, O(n d)."""
        i, j = self._indices(i, j)
        q_new, m_row = self.kernel.propose_query(i, j, self._delta(delta))
        self.ledger.begin("update_q", self.pending)
        self.kernel.apply_query(i, j, q_new, m_row)
        self._rebuild_rows(np.array([i]))
        self.ledger.end(self.space)

    # --------------------------------------------------------------------------------- queries
    def query(self, i: int, j: int) -> Any:
        """Query (Algorithm 4, corrected): entry ``(i, j)`` of the current result, O(ck + cv)."""
        i, j = self._indices(i, j)
        ck, cv = self.ck, self.cv
        acc = self.C[i, j]
        if ck:
            acc = acc + self.pk_cols[i, :ck] @ self.pk_v[:ck, j]
        hits = 0
        if cv:
            hit = np.flatnonzero(self.pv_cols[:cv] == j)
            hits = hit.size
            if hits:
                acc = acc + self.kernel.A[i, self.pv_rows[hit]] @ self.pv_delta[hit]
        # C_ij, the pending key terms (a row of PK_cols against a column of PK_v), the test of
        # which pending values hit column j, their terms (gathering rows, deltas and A entries),
        # and the division by D_i
        self.ledger.record("query", (ck, cv), ck + cv + hits + 1, 0, 3 * ck + 3 * cv + 5 * hits + 4,
                           self.space)
        return self._finish(acc, i)

    def output(self) -> np.ndarray:
        """The whole current ``n x d`` result, O(n (ck d + cv)); the structure is unchanged."""
        self.ledger.begin("output", self.pending)
        C = self.C.copy(order="K")
        self.ledger.touch(2 * self.n * self.d)
        self._add_pending(C)
        self.ledger.vec(self.n * self.d, 2)       # the division by D (or the shift)
        self.ledger.end(self.space)
        if self.normalize:
            return C / self.kernel.D[:, None]
        return C * self.kernel.kind.exp(self.kernel.s)[:, None] if self.kind.shifted else C

    def recompute(self) -> None:
        """Recompute (Algorithm 5, corrected): fold all pending updates into ``C`` and ``V0``.

        ``C += PK_cols V0[keys] + A Delta_V``: one product of an ``n x ck`` and a ``ck x d``
        matrix, T_mat(n, n^a, d) (Lemma 4.9), and, since ``Delta_V`` has one nonzero per pending
        value update, one scaled column of ``A`` added to a column of ``C`` per update (n each,
        within the n^a d of the printed product).
        """
        self.ledger.begin("recompute", self.pending)
        self.ledger.note(recomputes=1)
        self._add_pending(self.C)
        cv = self.cv
        np.add.at(self.V0, (self.pv_rows[:cv], self.pv_cols[:cv]), self.pv_delta[:cv])
        self.ledger.vec(cv, 2)                    # V0 += Delta_V
        self.ck = 0
        self.cv = 0
        self.ledger.end(self.space)

    # -------------------------------------------------------------------------------- helpers
    def _add_pending(self, target: np.ndarray) -> None:
        """``target += PK_cols[:, :ck] PK_v[:ck] + A Delta_V`` (Fact 2.1 applied to the lists)."""
        ck, cv = self.ck, self.cv
        n, d = self.n, self.d
        if ck:
            # computed transposed, so that the product comes out column-major like C (adding a
            # row-major product into a column-major C would cost more than the product)
            target += (self.pk_v[:ck].T @ self.pk_cols[:, :ck].T).T
            self.ledger.gemm(n, ck, d)
            self.ledger.vec(n * d, 2)
        A = self.kernel.A
        for t in range(cv):
            column = target[:, self.pv_cols[t]]       # a view: the addition writes into target
            column += self.pv_delta[t] * A[:, self.pv_rows[t]]
        # per pending value update: n multiply-adds (read the A column, scale, add to the column)
        self.ledger.charge(n * cv, 0, 4 * n * cv + 3 * cv)

    def _current_v(self, i: int, j: int) -> Any:
        cv = self.cv
        hit = (self.pv_rows[:cv] == i) & (self.pv_cols[:cv] == j)
        return self.V0[i, j] + self.pv_delta[:cv][hit].sum()

    def _indices(self, i: Any, j: Any) -> tuple[int, int]:
        # plain in-range ints (the common case) skip the general validation of impl.elements
        if type(i) is not int or not 0 <= i < self.n:
            i = as_index(i, "i", self.n)
        if type(j) is not int or not 0 <= j < self.d:
            j = as_index(j, "j", self.d)
        return i, j

    def _delta(self, delta: Any) -> Any:
        if type(delta) is float and self.kind.shifted and math.isfinite(delta):
            return delta
        return as_scalar(delta, "delta", self.kind)

    def _finish(self, acc: Any, i: int) -> Any:
        if self.normalize:
            return acc / self.kernel.D[i]
        return acc * np.exp(self.kernel.s[i]) if self.kind.shifted else acc

    def _refresh_stale_rows(self) -> None:
        rows = self.kernel.stale_rows()
        if rows.size:
            self.kernel.refresh_rows(rows)
            self._rebuild_rows(rows)

    def _rebuild_rows(self, rows: np.ndarray) -> None:
        """Rows whose ``A`` was re-evaluated: ``C[r] = A[r] V0`` and no pending key terms."""
        self.ledger.gemm(rows.size, self.n, self.d)
        self.ledger.touch(rows.size * self.ck)
        self.C[rows] = self.kernel.A[rows] @ self.V0
        self.pk_cols[rows, : self.ck] = 0
