"""The dynamic attention structure of DA Theorem 4.1 (DA arXiv v1, section 4, Algorithms 1-5), corrected.

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
* The query adds the pending key updates (Algorithm 4 of DA arXiv v1 reads only the stale ``C``:
  DA-E4) and the recompute folds the pending value updates into ``C`` (Algorithm 5 of DA arXiv v1
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
from typing import Any, Callable, TypeVar

import numpy as np

from impl.elements import as_index, as_qkv, as_scalar, check_value_entry
from impl.expkernel import ExpKernel
from impl.ledger import Ledger
from impl.threshold import lazy_threshold, validate_a

R = TypeVar("R")


def abort_on_error(ledger: Ledger, call: Callable[..., R], *args: Any) -> R:
    """``call(*args)``, which checks an update before it changes anything: if it raises, the
    ledger's call is aborted (a refused update is not counted) and the error propagates."""
    try:
        return call(*args)
    except BaseException:
        ledger.abort()
        raise


class EntryIndexed:
    """An ``n x d`` structure (its ``shape``, fixed at Init) and the check of an entry ``(i, j)``
    against it, naming the argument: shared by :class:`DynamicAttention` and the baselines
    (``impl.baselines``), which take the same calls."""

    shape: tuple[int, int]

    @property
    def n(self) -> int:
        return self.shape[0]

    @property
    def d(self) -> int:
        return self.shape[1]

    def _indices(self, i: Any, j: Any) -> tuple[int, int]:
        # plain in-range ints (the common case) skip the general validation of impl.elements
        if type(i) is not int or not 0 <= i < self.n:
            i = as_index(i, "i", self.n)
        if type(j) is not int or not 0 <= j < self.d:
            j = as_index(j, "j", self.d)
        return i, j


class DynamicAttention(EntryIndexed):
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
        self.shape = (n, d)
        self.kind = kind
        self.normalize = normalize
        self.threshold = lazy_threshold(n, self.a)
        scale = as_scalar(scale, "scale", kind)
        self.ledger = led = Ledger(enabled=ledger)
        led.begin("init")
        self.kernel = ExpKernel(Qa, Ka, scale, kind, led)   # a failed init leaves no object
        self.V0 = Va
        AV = led.matmul(self.kernel.A, Va)
        # column-major in float64: a recompute adds a pending value update to a column of C
        self.C = led.copy(AV, order="F") if kind.shifted else AV
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
        self.space = self.kernel.space + sum(x.size for x in (
            self.V0, self.C, self.pk_cols, self.pk_v, self.pv_rows, self.pv_cols, self.pv_delta))
        led.end(self.space)

    # ------------------------------------------------------------------------------ attributes
    @property
    def pending(self) -> tuple[int, int]:
        """Numbers of pending key and value updates (``ct_K``, ``ct_V``)."""
        return self.ck, self.cv

    # --------------------------------------------------------------------------------- updates
    def update_k(self, i: int, j: int, delta: Any) -> None:
        """UpdateK (Algorithm 2): ``K[i, j] += delta``; O(n) unless it triggers a recompute."""
        i, j = self._indices(i, j)
        delta = self._delta(delta)
        led = self.ledger
        pending = (self.ck, self.cv)
        upd = abort_on_error(led, self.kernel.propose_key, i, j, delta)
        # Delta_A goes straight into the next pending column (column-major: contiguous)
        self.kernel.apply_key(upd, out=self.pk_cols[:, self.ck])
        led.assign(self.pk_v, self.ck, self.V0[i])
        self.ck += 1
        self._refresh_stale_rows()
        self._close_update("update_k", pending)

    def update_v(self, i: int, j: int, delta: Any) -> None:
        """UpdateV (Algorithm 3): ``V[i, j] += delta``; O(cv) unless it triggers a recompute."""
        i, j = self._indices(i, j)
        value = self._delta(delta)
        led = self.ledger
        ck, cv = self.ck, self.cv
        abort_on_error(led, lambda: check_value_entry(self._current_v(i, j) + value, f"V[{i}, {j}] + delta",
                                                      self.kind))
        self.pv_rows[cv] = i
        self.pv_cols[cv] = j
        self.pv_delta[cv] = value
        self.cv = cv + 1
        self._close_update("update_v", (ck, cv))

    def update_q(self, i: int, j: int, delta: Any) -> None:
        """``Q[i, j] += delta`` (not in the paper): row ``i`` of ``A`` and ``C`` re-evaluated, O(n d)."""
        i, j = self._indices(i, j)
        delta = self._delta(delta)
        led = self.ledger
        led.begin("update_q", self.pending)
        q_new, m_row = abort_on_error(led, self.kernel.propose_query, i, j, delta)
        self.kernel.apply_query(i, j, q_new, m_row)
        self._rebuild_rows(np.array([i]))
        led.end(self.space)

    # --------------------------------------------------------------------------------- queries
    def query(self, i: int, j: int) -> Any:
        """Query (Algorithm 4, corrected): entry ``(i, j)`` of the current result, O(ck + cv).

        ``C_ij``, plus the pending key terms (a row of ``PK_cols`` against a column of ``PK_v``),
        plus ``A[i, row_s] delta_s`` for the pending value updates that hit column ``j``, over
        ``D_i``."""
        i, j = self._indices(i, j)
        led = self.ledger
        ck, cv = self.ck, self.cv
        acc = self.C[i, j]
        if ck:
            acc = acc + led.matmul(self.pk_cols[i, :ck], self.pk_v[:ck, j])
        if cv:
            hit = led.where_equal(self.pv_cols[:cv], j)
            if hit.size:
                a_row = led.take(self.kernel.A[i], led.take(self.pv_rows, hit))
                acc = acc + led.matmul(a_row, led.take(self.pv_delta, hit))
        led.record("query", (ck, cv), self.space)
        return self._finish(acc, i)

    def output(self) -> np.ndarray:
        """The whole current ``n x d`` result, O(n (ck d + cv)); the structure is unchanged."""
        led = self.ledger
        led.begin("output", self.pending)
        C = led.copy(self.C)
        self._add_pending(C)
        if self.normalize:
            out = led.divide(C, self.kernel.D[:, None])
        elif self.kind.shifted:
            out = led.multiply(C, led.exp(self.kernel.s)[:, None])
        else:
            out = C
        led.end(self.space)
        return out

    def recompute(self) -> None:
        """Recompute (Algorithm 5, corrected): fold all pending updates into ``C`` and ``V0``.

        ``C += PK_cols V0[keys] + A Delta_V``: one product of an ``n x ck`` and a ``ck x d``
        matrix, T_mat(n, n^a, d) (Lemma 4.9), and, since ``Delta_V`` has one nonzero per pending
        value update, one scaled column of ``A`` added to a column of ``C`` per update (n each,
        within the n^a d of the printed product).
        """
        led = self.ledger
        led.begin("recompute", self.pending)
        led.note(recomputes=1)
        self._add_pending(self.C)
        cv = self.cv
        led.add_at(self.V0, (self.pv_rows[:cv], self.pv_cols[:cv]), self.pv_delta[:cv])
        self.ck = 0
        self.cv = 0
        led.end(self.space)

    # -------------------------------------------------------------------------------- helpers
    def _close_update(self, op: str, pending: tuple[int, int]) -> None:
        """Record an update; the one that fills its list of pending updates (Algorithms 2 and 3:
        ``ct = n^a``) also pays the recompute it triggers."""
        led = self.ledger
        if self.ck < self.threshold and self.cv < self.threshold:
            led.record(op, pending, self.space)
            return
        led.begin(op, pending)
        self.recompute()
        led.end(self.space)

    def _add_pending(self, target: np.ndarray) -> None:
        """``target += PK_cols[:, :ck] PK_v[:ck] + A Delta_V`` (Fact 2.1 applied to the lists)."""
        led = self.ledger
        ck, cv = self.ck, self.cv
        if ck:
            # computed transposed, so that the product comes out column-major like C (adding a
            # row-major product into a column-major C would cost more than the product)
            led.add(target, led.matmul(self.pk_v[:ck].T, self.pk_cols[:, :ck].T).T, out=target)
        A = self.kernel.A
        for t in range(cv):
            column = target[:, self.pv_cols[t]]       # a view: the addition writes into target
            led.axpy(self.pv_delta[t], A[:, self.pv_rows[t]], column, out=column)

    def _current_v(self, i: int, j: int) -> Any:
        """``V[i, j]``: ``V0[i, j]`` plus the pending value updates of that entry."""
        led = self.ledger
        cv = self.cv
        same_row = led.where_equal(self.pv_rows[:cv], i)
        if not same_row.size:
            return self.V0[i, j]
        hit = led.take(same_row, led.equal(led.take(self.pv_cols, same_row), j))
        return self.V0[i, j] + led.sum(led.take(self.pv_delta, hit))

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
        led = self.ledger
        led.assign(self.C, rows, led.matmul(led.take(self.kernel.A, rows), self.V0))
        led.fill(self.pk_cols, (rows, slice(0, self.ck)), 0)
