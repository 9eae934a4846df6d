"""Operation counts of every public call: multiply-adds, exponentials, words touched, space held.

Counts are exact integers computed from the shapes of the numpy operations an algorithm really
performs, at the place it performs them (one formula per numpy call, not per element), so the
ledger is cheap enough to stay on: it adds 2.9% to 10,000 DynamicAttention operations at n = 1024
(``benchmarks/ledger_overhead.py``, docs/benchmarks.md).  Conventions:

* ``gemm(m, k, n)``: an (m x k) by (k x n) product: ``m k n`` multiply-adds, ``m k + k n + m n``
  words touched.
* ``vec(count, reads)``: an elementwise or reducing operation over ``count`` elements reading
  ``reads`` arrays: ``count`` multiply-adds (additions, comparisons and divisions count as one),
  ``count (reads + 1)`` words.
* ``exp(count)``: ``count`` exponentials, ``2 count`` words.
* ``touch(count)``: copies, gathers and scatters: ``count`` words.

A call made inside another (a recompute triggered by an update) is charged to the outer call.

Two additions for the one-shot algorithms and the reductions (all optional, off the DA path):

* ``part(name)``: from now on the open call's counts also go to the named part
  (``CallCost.parts[name] = [mul_adds, exps, words]``): poly_attention splits its counts into the
  steps of AS Algorithm 1 (features, D, products) although they share numpy calls and loops.
  Implemented by snapshots at each switch, so the counting methods stay as cheap as before.
* ``sub(op, count, cost)``: calls made to another structure or oracle (a reduction's
  ``update_k``/``query``/oracle calls), by name, with their own counts when they keep a ledger
  (``CallCost.sub_calls``, ``CallCost.sub_cost``); ``sizes(**kw)`` records the instance sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: slots per call in ``Ledger._flat``
STRIDE = 7


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

    # Optional extras, set on an instance only when used (class attributes, not dataclass fields,
    # so that creating a CallCost on the DynamicAttention path costs nothing more):
    #: named parts of this call's own counts, {part: [mul_adds, exps, words]} (``Ledger.part``)
    parts = None        # dict[str, list[int]] | None
    #: calls made to another structure or oracle during this call, {op: count} (``Ledger.sub``)
    sub_calls = None    # dict[str, int] | None
    #: [mul_adds, exps, words] of those calls as their own ledgers recorded them
    sub_cost = None     # list[int] | None
    #: sizes of the instance (``Ledger.sizes``), e.g. {"n": 8, "r": 36}
    sizes = None        # dict[str, int] | None

    def part(self, name: str) -> list[int]:
        """``[mul_adds, exps, words]`` of a named part (zeros when the call has no such part)."""
        return list((self.parts or {}).get(name, (0, 0, 0)))

    def extras(self) -> dict:
        """The optional extras that are set: parts, sub_calls, sub_cost, sizes."""
        return {k: v for k in ("parts", "sub_calls", "sub_cost", "sizes")
                if (v := getattr(self, k)) is not None}


@dataclass(slots=True)
class Ledger:
    enabled: bool = True
    #: calls recorded and not read yet, flat, ``STRIDE`` slots each: op, mul_adds, exps, words,
    #: space, pending key and value updates (a call with extras: its CallCost in the op slot).
    #: They become CallCost objects when read (``calls``).  An object or tuple per call would be
    #: tracked by Python's cyclic garbage collector until a gen-0 collection had scanned it: a list
    #: of tuples cost 0.15 us more per call than this list (timeit, garbage collector on), as much
    #: as all the counting of a 10 us operation.  Numbers and strings are not tracked.
    _flat: list = field(default_factory=list)
    #: the calls already read, as CallCost objects
    _read: list = field(default_factory=list)
    #: calls open (0: none, and always 0 when the ledger is off)
    _depth: int = 0
    #: the open call: its name (None: no call open), pending updates and counts so far, kept as
    #: plain attributes (no object per call); ``_open``: its CallCost once it has extras
    #: (parts, sub-calls, sizes, or recomputes and refreshed rows noted: all rare on the DA path)
    _op: str | None = None
    _pending: tuple[int, int] = (0, 0)
    _m: int = 0
    _e: int = 0
    _w: int = 0
    _open: CallCost | None = None
    #: the part being counted and the open call's totals when it started (``part``)
    _part: str | None = None
    _snap: tuple[int, int, int] = (0, 0, 0)

    # ------------------------------------------------------------------ call bracketing
    # (begin, end and record run once or twice per DA operation of about 10 us: each line here
    # is a measurable share of the ledger's overhead, benchmarks/ledger_overhead.py)
    def begin(self, op: str, pending: tuple[int, int] = (0, 0)) -> None:
        if not self.enabled:
            return
        if self._depth:
            self._depth += 1
            return
        self._depth = 1
        self._op = op
        self._pending = pending
        self._m = self._e = self._w = 0

    def end(self, space: int = 0, mul_adds: int = 0, exps: int = 0, words: int = 0) -> None:
        """Close a call; ``mul_adds``, ``exps``, ``words``: a last charge, as :meth:`charge`."""
        depth = self._depth
        if depth != 1:
            if depth:                               # an inner call: its counts go to the outer one
                self._depth = depth - 1
                self._m += mul_adds
                self._e += exps
                self._w += words
            return                                  # depth 0: off, or no call open
        self._depth = 0
        if self._open is None:
            pending = self._pending
            self._flat.extend((self._op, self._m + mul_adds, self._e + exps, self._w + words, space,
                               pending[0], pending[1]))
        else:
            self._m += mul_adds
            self._e += exps
            self._w += words
            if self._part is not None:
                self._close_part()
            c = self._open
            c.mul_adds, c.exps, c.words, c.space = self._m, self._e, self._w, space
            self._flat.extend((c, 0, 0, 0, 0, 0, 0))
            self._open = None
        self._op = None

    def record(self, op: str, pending: tuple[int, int], mul_adds: int, exps: int, words: int,
               space: int) -> None:
        """``begin``, ``charge`` and ``end`` in one, for a call that makes no calls of its own (a
        query, a value update that triggers no recompute)."""
        if self._depth:                             # made inside an open call: charged to it
            self._m += mul_adds
            self._e += exps
            self._w += words
        elif self.enabled:
            self._flat.extend((op, mul_adds, exps, words, space, pending[0], pending[1]))

    def abort(self) -> None:
        """A rejected call: nothing is recorded."""
        self._depth = 0
        self._op = self._open = self._part = None

    # ------------------------------------------------------------------ parts, sub-calls
    def _extras(self) -> CallCost | None:
        """The open call's CallCost, made when an extra is first set (None: no call open)."""
        if self._op is None:
            return None
        if self._open is None:
            self._open = CallCost(self._op, pending=self._pending)
        return self._open

    def _close_part(self) -> None:
        m0, e0, w0 = self._snap
        acc = self._open.parts.setdefault(self._part, [0, 0, 0])
        acc[0] += self._m - m0
        acc[1] += self._e - e0
        acc[2] += self._w - w0
        self._part = None

    def part(self, name: str) -> None:
        """Count what follows (until the next ``part`` or the end of the call) also in ``name``."""
        c = self._extras()
        if c is None:
            return
        if c.parts is None:
            c.parts = {}
        if self._part is not None:
            self._close_part()
        self._part = name
        self._snap = (self._m, self._e, self._w)

    def sub(self, op: str, count: int = 1, cost: tuple[int, int, int] | None = None) -> None:
        """``count`` calls ``op`` of another structure or oracle; ``cost``: their counts."""
        c = self._extras()
        if c is None:
            return
        if c.sub_calls is None:
            c.sub_calls = {}
        c.sub_calls[op] = c.sub_calls.get(op, 0) + count
        if cost is not None:
            if c.sub_cost is None:
                c.sub_cost = [0, 0, 0]
            c.sub_cost[0] += cost[0]
            c.sub_cost[1] += cost[1]
            c.sub_cost[2] += cost[2]

    def sizes(self, **sizes: int) -> None:
        """Record the instance sizes of the open call."""
        c = self._extras()
        if c is not None:
            c.sizes = {**(c.sizes or {}), **sizes}

    # ----------------------------------------------------------------------- counting
    def charge(self, mul_adds: int, exps: int = 0, words: int = 0) -> None:
        """Several operations' counts at once (their formulas summed by the caller)."""
        if self._op is not None:
            self._m += mul_adds
            self._e += exps
            self._w += words

    def gemm(self, m: int, k: int, n: int) -> None:
        if self._op is not None:
            self._m += m * k * n
            self._w += m * k + k * n + m * n

    def vec(self, count: int, reads: int = 1) -> None:
        if self._op is not None:
            self._m += count
            self._w += count * (reads + 1)

    def exp(self, count: int) -> None:
        if self._op is not None:
            self._e += count
            self._w += 2 * count

    def touch(self, count: int) -> None:
        if self._op is not None:
            self._w += count

    def note(self, *, recomputes: int = 0, rows_rescaled: int = 0, rows_refreshed: int = 0) -> None:
        c = self._extras()
        if c is not None:
            c.recomputes += recomputes
            c.rows_rescaled += rows_rescaled
            c.rows_refreshed += rows_refreshed

    # ------------------------------------------------------------------------ reading
    @property
    def calls(self) -> list[CallCost]:
        """Every recorded call, oldest first."""
        flat, read = self._flat, self._read
        for k in range(0, len(flat), STRIDE):
            op = flat[k]
            if type(op) is str:
                read.append(CallCost(op, *flat[k + 1:k + 5], pending=(flat[k + 5], flat[k + 6])))
            else:
                read.append(op)
        flat.clear()
        return read

    def last(self) -> CallCost:
        return self.calls[-1]

    def of(self, op: str) -> list[CallCost]:
        return [c for c in self.calls if c.op == op]

    def clear(self) -> None:
        self._flat.clear()
        self._read.clear()

    def since(self, start: int) -> tuple[int, int, int]:
        """``(mul_adds, exps, words)`` summed over the calls recorded from index ``start`` on."""
        m = e = w = 0
        for c in self.calls[start:]:
            m += c.mul_adds
            e += c.exps
            w += c.words
        return m, e, w
