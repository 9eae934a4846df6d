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
        self.ledger = ledger if ledger is not None else Ledger(enabled=False)
        self.kind = kind
        self.scale = scale
        # key updates read column j of Q and write column i of M and A: float64 keeps those three
        # column-major, so that each such access is contiguous (row access is the rare case)
        self.Q = np.asfortranarray(Q) if kind is FLOAT64 else Q
        self.K = K
        with np.errstate(over="ignore", invalid="ignore"):
            M = (Q @ K.T) * scale
        if kind is FLOAT64 and not np.isfinite(M).all():
            raise ValueError("the logits scale * Q K^T overflow float64; rescale Q, K or scale")
        self.M = M
        n = Q.shape[0]
        self.s = M.max(axis=1) if kind.shifted else kind.zeros((n,))
        self.A = kind.exp(M - self.s[:, None]) if kind.shifted else kind.exp(M)
        if kind is FLOAT64:
            self.M, self.A = np.asfortranarray(self.M), np.asfortranarray(self.A)
        self.D = self.A.sum(axis=1)
        self.W = self.D.copy() if kind.shifted else None
        if kind is FLOAT64:
            self._zeros = np.zeros(n)                # read-only: the finiteness test's partner
        n, d = Q.shape
        led = self.ledger
        led.gemm(n, d, n)                          # M = scale Q K^T
        if kind.shifted:
            led.vec(n * n)                         # row maxima
            led.vec(n * n, 2)                      # M - s
        led.exp(n * n)                             # A
        led.vec(n * n)                             # D = A 1
        #: arrays with one row per query row, in the same shifted units as ``A`` (owners add theirs)
        self.row_scaled: list[np.ndarray] = []

    @property
    def n(self) -> int:
        return self.Q.shape[0]

    @property
    def space(self) -> int:
        """Words held: Q, K, M, A, s, D, W."""
        n, d = self.Q.shape
        return 2 * n * d + 2 * n * n + 3 * n

    # ---------------------------------------------------------------- key updates (one column)
    def propose_key(self, i: int, j: int, delta: object) -> KeyUpdate:
        """Validate ``K[i, j] += delta`` without changing anything.

        The new logit column is ``M[:, i] + scale * (K_new[i, j] - K[i, j]) * Q[:, j]`` (DA
        Algorithm 2 line 5 with the delta actually applied after rounding).
        """
        k_old = self.K[i, j]
        k_new = k_old + delta
        if self.kind is not FLOAT64:
            return KeyUpdate(i, j, k_new, self.M[:, i] + (self.scale * (k_new - k_old)) * self.Q[:, j])
        if not math.isfinite(k_new):
            raise ValueError(f"K[{i}, {j}] + delta overflows float64")
        with np.errstate(over="ignore", invalid="ignore"):
            m_col = np.multiply(self.Q[:, j], self.scale * (k_new - k_old))
            np.add(m_col, self.M[:, i], out=m_col)
        # one pass that is nan exactly when an entry is not finite (inf * 0 and nan * 0 are nan)
        with np.errstate(invalid="ignore"):
            finite = math.isfinite(np.dot(m_col, self._zeros))
        if not finite:
            raise ValueError(f"the update makes the logits of key {i} overflow float64")
        return KeyUpdate(i, j, k_new, m_col)

    def apply_key(self, upd: KeyUpdate, out: np.ndarray | None = None) -> np.ndarray:
        """Apply a proposed key update; return ``Delta_A`` (column ``i`` change, shifted units),
        written into ``out`` (an n-vector, e.g. the owner's next pending column) when given."""
        i = upd.i
        n = self.n
        if not self.kind.shifted:
            new_col = self.kind.exp(upd.m_col)
            delta_a = new_col - self.A[:, i]
            if out is not None:
                out[:] = delta_a
            # proposal: scale * Q[:, j], + M[:, i]; then n exponentials (Algorithm 2 line 7),
            # Delta_A (lines 10-11), D += Delta_A (lines 12-13); words: those passes plus storing
            # the K entry and the M and A columns
            # (words per element: 2 + 3, 2 for the exponentials, 3, 3, 2 stored + 1)
            self.ledger.charge(4 * n, n, 15 * n + 1)
            self._store_key(upd, new_col)
            self.D += delta_a
            return delta_a
        new_col = np.subtract(upd.m_col, self.s)
        if new_col.max() > HEADROOM:
            raised = np.flatnonzero(new_col > HEADROOM)
            self._rescale(raised, upd.m_col[raised])
            np.subtract(upd.m_col, self.s, out=new_col)
        np.exp(new_col, out=new_col)
        delta_a = out if out is not None else np.empty(n)
        np.subtract(new_col, self.A[:, i], out=delta_a)
        self._store_key(upd, new_col)
        self.D += delta_a
        np.abs(delta_a, out=new_col)
        self.W += new_col
        # proposal: scale * Q[:, j], + M[:, i], the finiteness pass; then the shift, the headroom
        # test, n exponentials (Algorithm 2 line 7), Delta_A (lines 10-11), D += Delta_A (lines
        # 12-13), |Delta_A| and W += |Delta_A|; words: those passes plus storing the K entry and
        # the M and A columns
        # (words per element: 2 + 3 + 3, 3 + 2, 2 for the exponentials, 3, 2 stored + 1, 3, 2 + 3)
        self.ledger.charge(9 * n, n, 28 * n + 1)
        return delta_a

    def _store_key(self, upd: KeyUpdate, new_col: np.ndarray) -> None:
        self.K[upd.i, upd.j] = upd.k_new
        self.M[:, upd.i] = upd.m_col
        self.A[:, upd.i] = new_col

    def _rescale(self, rows: np.ndarray, new_shift: np.ndarray) -> None:
        r = rows.size
        self.ledger.exp(r)
        self.ledger.vec(r * (self.n + 3 + sum(arr.shape[1] for arr in self.row_scaled)), 2)
        self.ledger.note(rows_rescaled=r)
        factor = np.exp(self.s[rows] - new_shift)
        self.s[rows] = new_shift
        self.A[rows] *= factor[:, None]
        self.D[rows] *= factor
        self.W[rows] *= factor
        for arr in self.row_scaled:
            arr[rows] *= factor[:, None]

    # ------------------------------------------------------------------- query updates (a row)
    def propose_query(self, i: int, j: int, delta: object) -> tuple[object, np.ndarray]:
        """Validate ``Q[i, j] += delta``; return the new entry and the new logit row."""
        q_new = self.Q[i, j] + delta
        if self.kind is FLOAT64 and not np.isfinite(q_new):
            raise ValueError(f"Q[{i}, {j}] + delta overflows float64")
        q_row = self.Q[i].copy()
        q_row[j] = q_new
        with np.errstate(over="ignore", invalid="ignore"):
            m_row = (self.K @ q_row) * self.scale
        if self.kind is FLOAT64 and not np.isfinite(m_row).all():
            raise ValueError(f"the update makes the logits of query {i} overflow float64")
        return q_new, m_row

    def apply_query(self, i: int, j: int, q_new: object, m_row: np.ndarray) -> None:
        self.ledger.gemm(1, self.Q.shape[1], self.n)   # the new logit row
        self.Q[i, j] = q_new
        self._set_rows(np.array([i]), m_row[None, :])

    # --------------------------------------------------------------------------- refreshing
    def stale_rows(self) -> np.ndarray:
        """Rows whose cancellation budget is spent (always empty for exact kinds)."""
        if self.W is None:
            return np.empty(0, dtype=np.intp)
        self.ledger.charge(3 * self.n, 0, 6 * self.n)
        ok = self.W <= REFRESH_RATIO * self.D
        if ok.all():
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(~ok)

    def refresh_rows(self, rows: np.ndarray) -> None:
        """Re-evaluate rows of ``M``, ``s``, ``A``, ``D``, ``W`` exactly from ``Q`` and ``K``."""
        self.ledger.gemm(rows.size, self.Q.shape[1], self.n)
        self.ledger.note(rows_refreshed=rows.size)
        self._set_rows(rows, (self.Q[rows] @ self.K.T) * self.scale)

    def _set_rows(self, rows: np.ndarray, m_rows: np.ndarray) -> None:
        cells = rows.size * self.n
        self.ledger.touch(cells)
        self.ledger.exp(cells)
        self.ledger.vec(3 * cells if self.kind.shifted else cells)
        self.M[rows] = m_rows
        if self.kind.shifted:
            self.s[rows] = m_rows.max(axis=1)
            self.A[rows] = self.kind.exp(m_rows - self.s[rows][:, None])
        else:
            self.A[rows] = self.kind.exp(m_rows)
        self.D[rows] = self.A[rows].sum(axis=1)
        if self.W is not None:
            self.W[rows] = self.D[rows]
