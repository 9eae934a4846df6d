"""The maintained exponential kernel ``A = exp(scale * Q K^T)`` and its row sums ``D = A 1``.

Shared by the corrected dynamic structure (DA Algorithm 2, lines 5-13) and the eager baseline.

float64 keeps every row ``r`` in shifted units, ``A[r] = exp(M[r] - s[r])`` with ``M`` the logits,
so that nothing overflows: the invariant is ``M[r, k] - s[r] <= HEADROOM`` for every ``k``.  When a
key update pushes a logit past it, the row's shift is raised and the row is rescaled by
``exp(s_old - s_new)``; owners register the arrays whose rows are in the same units
(``row_scaled``) and they are rescaled together.  Exact and mpmath kinds use ``s = 0``.

Row sums are maintained by additions, which can cancel: removing a dominant entry leaves a small
sum with the absolute error of the large one.  ``W[r]`` adds up the magnitudes of everything
added into row ``r`` since its last exact evaluation; when ``W[r] > REFRESH_RATIO * D[r]`` the
relative error of ``D[r]`` (and of the owner's ``C[r]``) may exceed ``REFRESH_RATIO * 2^-53``
and the row is re-evaluated exactly from ``Q`` and ``K`` (``refresh_rows``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np

from impl.elements import FLOAT64, Kind
from impl.ledger import Ledger

#: rows are rescaled when a logit exceeds the row shift by more than this (e^64 ~ 6e27).
HEADROOM = 64.0
#: re-evaluate a row when the magnitudes added into it exceed its sum by this factor (2^16), so
#: that cancellation costs at most 16 of float64's 53 bits.
REFRESH_RATIO = float(2**16)


@dataclass
class KeyUpdate:
    """A validated, not yet applied change of ``K[i, j]`` (see :meth:`ExpKernel.propose_key`)."""

    i: int
    j: int
    k_new: object
    m_col: np.ndarray


class ExpKernel:
    """``M = scale Q K^T``, ``A = exp(M - s)`` (row shifts ``s``), ``D = A 1`` and budgets ``W``."""

    def __init__(self, Q: np.ndarray, K: np.ndarray, scale: object, kind: Kind,
                 ledger: Ledger | None = None) -> None:
        self.ledger = led = ledger if ledger is not None else Ledger(enabled=False)
        self.kind = kind
        self.scale = scale
        # key updates read column j of Q and write column i of M and A: float64 keeps those three
        # column-major, so that each such access is contiguous (row access is the rare case)
        self.Q = led.copy(Q, order="F") if kind is FLOAT64 else Q
        self.K = K
        with np.errstate(over="ignore", invalid="ignore"):
            M = led.scale(led.matmul(Q, K.T), scale)
        if kind is FLOAT64 and not led.all(led.isfinite(M)):
            raise ValueError("the logits scale * Q K^T overflow float64; rescale Q, K or scale")
        n = Q.shape[0]
        self.s = led.max(M, axis=1) if kind.shifted else kind.zeros((n,))
        self.A = (led.exp(led.subtract(M, self.s[:, None]), fn=kind.exp) if kind.shifted
                  else led.exp(M, fn=kind.exp))
        self.M = M
        if kind is FLOAT64:
            self.M, self.A = led.copy(M, order="F"), led.copy(self.A, order="F")
        self.D = led.sum(self.A, axis=1)
        self.W = led.copy(self.D) if kind.shifted else None
        if kind is FLOAT64:
            self._zeros = np.zeros(n)                # read-only: the finiteness test's partner
        #: arrays with one row per query row, in the same shifted units as ``A`` (owners add theirs)
        self.row_scaled: list[np.ndarray] = []

    @property
    def n(self) -> int:
        return self.Q.shape[0]

    @property
    def space(self) -> int:
        """Words held: Q, K, M, A, s, D, W."""
        return (self.Q.size + self.K.size + self.M.size + self.A.size + self.s.size + self.D.size
                + (self.W.size if self.W is not None else 0))

    # ---------------------------------------------------------------- key updates (one column)
    def propose_key(self, i: int, j: int, delta: object) -> KeyUpdate:
        """Validate ``K[i, j] += delta`` without changing anything.

        The new logit column is ``M[:, i] + scale * (K_new[i, j] - K[i, j]) * Q[:, j]`` (DA
        Algorithm 2 line 5 with the delta actually applied after rounding).
        """
        led = self.ledger
        k_old = self.K[i, j]
        k_new = k_old + delta
        if self.kind is FLOAT64 and not math.isfinite(k_new):
            raise ValueError(f"K[{i}, {j}] + delta overflows float64")
        c = self.scale * (k_new - k_old)
        if self.kind is not FLOAT64:
            return KeyUpdate(i, j, k_new, led.axpy(c, self.Q[:, j], self.M[:, i]))
        with np.errstate(over="ignore", invalid="ignore"):
            m_col = led.axpy(c, self.Q[:, j], self.M[:, i])
        # one pass that is nan exactly when an entry is not finite (inf * 0 and nan * 0 are nan)
        with np.errstate(invalid="ignore"):
            finite = math.isfinite(led.matmul(m_col, self._zeros))
        if not finite:
            raise ValueError(f"the update makes the logits of key {i} overflow float64")
        return KeyUpdate(i, j, k_new, m_col)

    def apply_key(self, upd: KeyUpdate, out: np.ndarray | None = None) -> np.ndarray:
        """Apply a proposed key update; return ``Delta_A`` (column ``i`` change, shifted units),
        written into ``out`` (an n-vector, e.g. the owner's next pending column) when given.

        DA Algorithm 2: the new column of ``A`` (line 7), ``Delta_A`` (lines 10-11) and
        ``D += Delta_A`` (lines 12-13); float64 also keeps the row shifts and the budgets ``W``."""
        led = self.ledger
        i = upd.i
        if not self.kind.shifted:
            new_col = led.exp(upd.m_col, fn=self.kind.exp)
            delta_a = led.subtract(new_col, self.A[:, i])
            if out is not None:
                led.assign(out, slice(None), delta_a)
            self._store_key(upd, new_col)
            led.add(self.D, delta_a, out=self.D)
            return delta_a
        new_col = led.subtract(upd.m_col, self.s)
        if led.max(new_col) > HEADROOM:
            raised = led.flatnonzero(led.greater(new_col, HEADROOM))
            self._rescale(raised, led.take(upd.m_col, raised))
            led.subtract(upd.m_col, self.s, out=new_col)
        led.exp(new_col, out=new_col)
        delta_a = out if out is not None else np.empty(self.n)
        led.subtract(new_col, self.A[:, i], out=delta_a)
        self._store_key(upd, new_col)
        led.add(self.D, delta_a, out=self.D)
        led.absolute(delta_a, out=new_col)
        W = cast(np.ndarray, self.W)                 # the shifted (float64) kinds keep budgets
        led.add(W, new_col, out=W)
        return delta_a

    def _store_key(self, upd: KeyUpdate, new_col: np.ndarray) -> None:
        led = self.ledger
        self.K[upd.i, upd.j] = upd.k_new
        led.assign(self.M, (slice(None), upd.i), upd.m_col)
        led.assign(self.A, (slice(None), upd.i), new_col)

    def _rescale(self, rows: np.ndarray, new_shift: np.ndarray) -> None:
        """Raise the shifts of ``rows`` to ``new_shift``: every row-scaled array times
        ``exp(s_old - s_new)``."""
        led = self.ledger
        led.note(rows_rescaled=rows.size)
        factor = led.exp(led.subtract(led.take(self.s, rows), new_shift))
        led.assign(self.s, rows, new_shift)
        for arr in (self.D, cast(np.ndarray, self.W)):   # _rescale: the shifted kinds only
            led.assign(arr, rows, led.multiply(led.take(arr, rows), factor))
        for arr in (self.A, *self.row_scaled):
            led.assign(arr, rows, led.multiply(led.take(arr, rows), factor[:, None]))

    # ------------------------------------------------------------------- query updates (a row)
    def propose_query(self, i: int, j: int, delta: object) -> tuple[object, np.ndarray]:
        """Validate ``Q[i, j] += delta``; return the new entry and the new logit row."""
        led = self.ledger
        q_new = self.Q[i, j] + delta
        if self.kind is FLOAT64 and not np.isfinite(q_new):
            raise ValueError(f"Q[{i}, {j}] + delta overflows float64")
        q_row = led.copy(self.Q[i])
        q_row[j] = q_new
        with np.errstate(over="ignore", invalid="ignore"):
            m_row = led.scale(led.matmul(self.K, q_row), self.scale)
        if self.kind is FLOAT64 and not led.all(led.isfinite(m_row)):
            raise ValueError(f"the update makes the logits of query {i} overflow float64")
        return q_new, m_row

    def apply_query(self, i: int, j: int, q_new: object, m_row: np.ndarray) -> None:
        self.Q[i, j] = q_new
        self._set_rows(np.array([i]), m_row[None, :])

    # --------------------------------------------------------------------------- refreshing
    def stale_rows(self) -> np.ndarray:
        """Rows whose cancellation budget is spent (always empty for exact kinds)."""
        if self.W is None:
            return np.empty(0, dtype=np.intp)
        led = self.ledger
        if led.all_at_most(self.W, REFRESH_RATIO, self.D):
            return np.empty(0, dtype=np.intp)
        # rare (a spent budget): the test again, row by row
        return led.flatnonzero(led.logical_not(led.less_equal(self.W, led.scale(self.D, REFRESH_RATIO))))

    def refresh_rows(self, rows: np.ndarray) -> None:
        """Re-evaluate rows of ``M``, ``s``, ``A``, ``D``, ``W`` exactly from ``Q`` and ``K``."""
        led = self.ledger
        led.note(rows_refreshed=rows.size)
        self._set_rows(rows, led.scale(led.matmul(led.take(self.Q, rows), self.K.T), self.scale))

    def _set_rows(self, rows: np.ndarray, m_rows: np.ndarray) -> None:
        led = self.ledger
        led.assign(self.M, rows, m_rows)
        if self.kind.shifted:
            led.assign(self.s, rows, led.max(m_rows, axis=1))
            shifted = led.subtract(m_rows, led.take(self.s, rows)[:, None])
            led.assign(self.A, rows, led.exp(shifted, fn=self.kind.exp))
        else:
            led.assign(self.A, rows, led.exp(m_rows, fn=self.kind.exp))
        led.assign(self.D, rows, led.sum(led.take(self.A, rows), axis=1))
        if self.W is not None:
            led.assign(self.W, rows, led.take(self.D, rows))
