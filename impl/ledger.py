"""Operation counts of every public call: multiply-adds, exponentials, words touched, space held.

The algorithms compute through the ledger's helpers (``impl.counted_ops``), each of which performs
one numpy operation and counts it from the shape of what it computed, on the line that does the
work::

    m_col = led.axpy(c, Q[:, j], M[:, i])      # c Q[:, j] + M[:, i], counted as n multiply-adds
    new_col = led.exp(new_col, out=new_col)    # n exponentials

so a count cannot drift from the computation it describes, and a change of the computation
changes its count with it.  Conventions, for an operation whose result has ``r`` elements:

* elementwise arithmetic, comparisons and tests (``add``, ``subtract``, ``multiply``,
  ``divide``, ``scale``, ``offset``, ``subtract_from``, ``absolute``, ``equal``, ``not_equal``,
  ``less_equal``, ``greater``, ``logical_and``, ``logical_not``, ``isfinite``, the fused ``axpy``
  ``alpha x + y``): ``r`` multiply-adds, and
  ``r`` words written plus ``r`` read from each array operand (broadcast or not: a word per
  result element) and one for a scalar operand; ``where_equal(a, v)`` (the indices where
  ``a == v``): a comparison per element of ``a``, then the scan that writes the indices;
* ``matmul(a, b)``: ``r k`` multiply-adds for an inner dimension ``k`` (``m k n`` for an
  ``(m x k)`` by ``(k x n)`` product, ``k`` for a dot product); each operand read once;
* reductions (``sum``, ``max``, ``min``, ``all``): a multiply-add per element read, the results
  written;
  ``all_at_most(x, factor, y)``: the three passes of ``(x <= factor * y).all()``;
* ``exp``: ``r`` exponentials, ``2 r`` words; ``add_at``: a multiply-add per value added;
* data movement (``copy``, ``take``, ``assign``, ``fill``, ``concatenate``, ``nonzero``,
  ``flatnonzero``): words only.

The helpers count operations on arrays.  Arithmetic on single entries (a query's final
division, an update's new entry ``K[i, j] + delta``) is O(1) per call, written with plain
operators and not counted.  A call's counts are those of the helpers run since the previous call
of the ledger ended; a call made inside another (a recompute triggered by an update) is charged
to the outer call.

The older count-only methods (``gemm(m, k, n)``, ``vec(count, reads)``, ``exp(count)``,
``touch(count)``, ``charge``) remain for code that counts a whole loop at once; they count inside
an open call only.  Two additions for the one-shot algorithms and the reductions:

* ``part(name)``: from now on the open call's counts also go to the named part
  (``CallCost.parts[name] = [mul_adds, exps, words]``): poly_attention splits its counts into the
  steps of AS Algorithm 1 (features, D, products) although they share numpy calls and loops.
* ``sub(op, count, cost)``: calls made to another structure or oracle (a reduction's
  ``update_k``/``query``/oracle calls), by name, with their own counts when they keep a ledger
  (``CallCost.sub_calls``, ``CallCost.sub_cost``); ``sizes(**kw)`` records the instance sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from impl.call_cost import CallCost
from impl.counted_ops import CountedOps

__all__ = ["CallCost", "Ledger"]

#: slots per call in ``Ledger._flat``: the op (or the call's CallCost when it has extras), the
#: space, the pending updates, then the seven running counters (``_m`` to ``_exps``, in the order
#: of their fields) as they stood when the call ended
STRIDE = 10


def _combined(m: int, e: int, w: int, b: int, u: int, r: int, x: int) -> tuple[int, int, int]:
    """``(mul_adds, exps, words)`` of the counters: an elementwise helper counts the elements of
    its result (binary: a multiply-add and 3 words each, unary: 1 and 2, reductions: 1 and 1,
    exponentials: an exponential and 2 words)."""
    return m + b + u + r, e + x, w + 3 * b + 2 * u + r + 2 * x


@dataclass(slots=True)
class Ledger(CountedOps):
    enabled: bool = True
    #: calls recorded and not read yet, flat, ``STRIDE`` slots each.  They become CallCost
    #: objects when read (``calls``): numbers and strings are not tracked by Python's cyclic
    #: garbage collector (nor is the caller's pending pair once a collection has seen that it
    #: holds only numbers), an object per call would be rescanned by it.
    _flat: list = field(default_factory=list)
    #: the calls already read, as CallCost objects
    _read: list = field(default_factory=list)
    #: the counters when the last call read or cleared ended (the start of ``_flat``'s first call)
    _base: tuple = (0, 0, 0, 0, 0, 0, 0)
    #: calls open (0: none, and always 0 when the ledger is off)
    _depth: int = 0
    #: the open call: its name and pending updates (plain attributes, no object per call);
    #: ``_open``: its CallCost once it has extras (parts, sub-calls, sizes, or recomputes and
    #: refreshed rows noted: all rare on the DA path)
    _op: str | None = None
    _pending: tuple[int, int] = (0, 0)
    _open: CallCost | None = None
    #: running counters, never reset (a call's counts are their growth since the previous call
    #: ended, taken when the calls are read): multiply-adds, exponentials and words of the general
    #: helpers ...
    _m: int = 0
    _e: int = 0
    _w: int = 0
    #: the part being counted and the open call's counts when it started (``part``)
    _part: str | None = None
    _snap: tuple[int, int, int] = (0, 0, 0)
    #: ... and the result elements of the elementwise ones, whose words follow from their kind
    #: (``_combined``), so that a helper makes one update
    _binary: int = 0
    _unary: int = 0
    _reduced: int = 0
    _exps: int = 0

    # ------------------------------------------------------------------ call bracketing
    # (begin, end and record run once or twice per DA operation of a few microseconds: they
    # store the counters as they stand and leave the arithmetic to ``calls``)
    def begin(self, op: str, pending: tuple[int, int] = (0, 0)) -> None:
        """Open a call ``op``; the counts made since the last call ended are part of it."""
        if not self.enabled:
            return
        if self._depth:
            self._depth += 1
            return
        self._depth = 1
        self._op = op
        self._pending = pending
        if self._open is not None:                  # extras set before begin (rare)
            self._open.op, self._open.pending = op, pending

    def end(self, space: int = 0) -> None:
        """Close a call; ``space``: the words the structure holds after it."""
        depth = self._depth
        if depth != 1:
            if depth:                               # an inner call: its counts stay in the outer one
                self._depth = depth - 1
            return                                  # depth 0: off, or no call open
        self._depth = 0
        c = self._open
        if c is None:
            self._flat.extend((self._op, space, self._pending, self._m, self._e, self._w,
                               self._binary, self._unary, self._reduced, self._exps))
        else:
            if self._part is not None:
                self._close_part()
            c.mul_adds, c.exps, c.words = self._totals()
            c.space = space
            self._flat.extend((c, space, c.pending, self._m, self._e, self._w,
                               self._binary, self._unary, self._reduced, self._exps))
            self._open = None
        self._op = None                             # _pending is read only inside a call: begin sets it

    def record(self, op: str, pending: tuple[int, int], space: int) -> None:
        """A call that opens no call of its own (a query): the helpers' counts since the last call
        ended, recorded without ``begin`` (inside an open call they stay in that call)."""
        if self._depth or not self.enabled:
            return
        if self._open is None:
            self._flat.extend((op, space, pending, self._m, self._e, self._w,
                               self._binary, self._unary, self._reduced, self._exps))
            return
        self._op, self._pending, self._depth = op, pending, 1      # a call with extras: as end()
        self._open.op, self._open.pending = op, pending
        self.end(space)

    def abort(self) -> None:
        """A rejected call: nothing is recorded, and the ledger is as it was before it."""
        self._depth = 0
        self._op = self._open = self._part = None
        self._pending = (0, 0)
        (self._m, self._e, self._w, self._binary, self._unary, self._reduced,
         self._exps) = self._last_end()

    def _last_end(self) -> tuple:
        """The counters when the last call ended."""
        return tuple(self._flat[-7:]) if self._flat else self._base

    def _totals(self) -> tuple[int, int, int]:
        """``(mul_adds, exps, words)`` counted so far in this call."""
        m, e, w = _combined(self._m, self._e, self._w, self._binary, self._unary, self._reduced,
                            self._exps)
        m0, e0, w0 = _combined(*self._last_end())
        return m - m0, e - e0, w - w0

    # ------------------------------------------------------------------ parts, sub-calls
    def _extras(self) -> CallCost | None:
        """The CallCost of the call being made, made when an extra is first set (None: the
        ledger is off); a call recorded by ``record`` gets its name then."""
        if not self.enabled:
            return None
        if self._open is None:
            self._open = CallCost(self._op or "", pending=self._pending)
        return self._open

    def _close_part(self) -> None:
        m0, e0, w0 = self._snap
        m, e, w = self._totals()
        call, part = self._open, self._part
        assert call is not None and call.parts is not None and part is not None    # set by part()
        acc = call.parts.setdefault(part, [0, 0, 0])
        acc[0] += m - m0
        acc[1] += e - e0
        acc[2] += w - w0
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
        self._snap = self._totals()

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

    def note(self, *, recomputes: int = 0, rows_rescaled: int = 0, rows_refreshed: int = 0) -> None:
        c = self._extras()
        if c is not None:
            c.recomputes += recomputes
            c.rows_rescaled += rows_rescaled
            c.rows_refreshed += rows_refreshed

    # --------------------------------------------------------------- count-only (older form)
    def charge(self, mul_adds: int, exps: int = 0, words: int = 0) -> None:
        """Several operations' counts at once, computed by the caller."""
        if self._op is not None:
            self._m += mul_adds
            self._e += exps
            self._w += words

    def gemm(self, m: int, k: int, n: int) -> None:
        """An (m x k) by (k x n) product computed elsewhere."""
        if self._op is not None:
            self._m += m * k * n
            self._w += m * k + k * n + m * n

    def vec(self, count: int, reads: int = 1) -> None:
        """An elementwise or reducing operation over ``count`` elements reading ``reads`` arrays."""
        if self._op is not None:
            self._m += count
            self._w += count * (reads + 1)

    def touch(self, count: int) -> None:
        """``count`` words copied, gathered or scattered."""
        if self._op is not None:
            self._w += count

    # ------------------------------------------------------------------------ reading
    @property
    def calls(self) -> list[CallCost]:
        """Every recorded call, oldest first."""
        flat, read = self._flat, self._read
        m0, e0, w0 = _combined(*self._base)
        for k in range(0, len(flat), STRIDE):
            m, e, w = _combined(*flat[k + 3:k + STRIDE])
            op = flat[k]
            read.append(CallCost(op, m - m0, e - e0, w - w0, flat[k + 1], pending=flat[k + 2])
                        if type(op) is str else op)
            m0, e0, w0 = m, e, w
        if flat:
            self._base = tuple(flat[-7:])
            flat.clear()
        return read

    def last(self) -> CallCost:
        return self.calls[-1]

    def of(self, op: str) -> list[CallCost]:
        return [c for c in self.calls if c.op == op]

    def clear(self) -> None:
        self._base = self._last_end()
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
