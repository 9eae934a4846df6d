"""Operation counts of every public call: multiply-adds, exponentials, words touched, space held.

Counts are exact integers computed from the shapes of the numpy operations an algorithm really
performs, at the place it performs them (one formula per numpy call, not per element), so the
ledger is cheap enough to stay on.  Conventions:

* ``gemm(m, k, n)``: an (m x k) by (k x n) product: ``m k n`` multiply-adds, ``m k + k n + m n``
  words touched.
* ``vec(count, reads)``: an elementwise or reducing operation over ``count`` elements reading
  ``reads`` arrays: ``count`` multiply-adds (additions, comparisons and divisions count as one),
  ``count (reads + 1)`` words.
* ``exp(count)``: ``count`` exponentials, ``2 count`` words.
* ``touch(count)``: copies, gathers and scatters: ``count`` words.

A call made inside another (a recompute triggered by an update) is charged to the outer call.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CallCost:
    op: str
    mul_adds: int = 0
    exps: int = 0
    words: int = 0
    #: words held by the structure after the call
    space: int = 0
    #: recomputes performed inside the call; rows rescaled or re-evaluated for float64 stability
    recomputes: int = 0
    rows_rescaled: int = 0
    rows_refreshed: int = 0
    #: pending key and value updates when the call started
    pending: tuple[int, int] = (0, 0)


@dataclass
class Ledger:
    enabled: bool = True
    calls: list[CallCost] = field(default_factory=list)
    _open: CallCost | None = None
    _depth: int = 0

    # ------------------------------------------------------------------ call bracketing
    def begin(self, op: str, pending: tuple[int, int] = (0, 0)) -> None:
        if not self.enabled:
            return
        if self._depth == 0:
            self._open = CallCost(op, pending=pending)
        self._depth += 1

    def end(self, space: int = 0) -> None:
        if not self.enabled or self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0 and self._open is not None:
            self._open.space = space
            self.calls.append(self._open)
            self._open = None

    def abort(self) -> None:
        """A rejected call: nothing is recorded."""
        self._depth = 0
        self._open = None

    # ----------------------------------------------------------------------- counting
    def charge(self, mul_adds: int, exps: int = 0, words: int = 0) -> None:
        """Several operations' counts at once (their formulas summed by the caller)."""
        if self._open is not None:
            self._open.mul_adds += mul_adds
            self._open.exps += exps
            self._open.words += words

    def gemm(self, m: int, k: int, n: int) -> None:
        if self._open is not None:
            self._open.mul_adds += m * k * n
            self._open.words += m * k + k * n + m * n

    def vec(self, count: int, reads: int = 1) -> None:
        if self._open is not None:
            self._open.mul_adds += count
            self._open.words += count * (reads + 1)

    def exp(self, count: int) -> None:
        if self._open is not None:
            self._open.exps += count
            self._open.words += 2 * count

    def touch(self, count: int) -> None:
        if self._open is not None:
            self._open.words += count

    def note(self, *, recomputes: int = 0, rows_rescaled: int = 0, rows_refreshed: int = 0) -> None:
        if self._open is not None:
            self._open.recomputes += recomputes
            self._open.rows_rescaled += rows_rescaled
            self._open.rows_refreshed += rows_refreshed

    # ------------------------------------------------------------------------ reading
    def last(self) -> CallCost:
        return self.calls[-1]

    def of(self, op: str) -> list[CallCost]:
        return [c for c in self.calls if c.op == op]

    def clear(self) -> None:
        self.calls.clear()
