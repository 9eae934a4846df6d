"""The fixed-size lists of the printed pseudocode (``List_C``, ``List_D``, ``List_V``: "List with
size n^a", DA Algorithm 1 lines 11-13), and how a read of a slot nothing wrote is taken.

Which slot holds which update is a reading of the text (``impl.literal.v1``, ``LIST_INDEX``); the
lists themselves only store entries.  Two kinds of read:

* a single ``Getb`` (Algorithm 2 line 10, Algorithm 4 line 4) needs one D^{-1}; a slot nothing
  wrote has none to give, so :class:`LiteralUndefinedRead` is raised;
* a sum or stack over the list (Algorithm 5 lines 3-5 and 8, Query's ``Delta_V``) counts a slot
  nothing wrote as holding no update (:meth:`Slots.peek` gives None): the most favourable reading
  of "the rectangular matrix obtained from the list", whose columns are the updates recorded.

Slots written in an earlier epoch (before a Recompute) keep their values, as memory does: the text
never clears them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LiteralUndefinedRead(RuntimeError):
    """The printed pseudocode read a list slot that no line of it has written."""


@dataclass(frozen=True)
class Entry:
    """One list entry ``(a, b)``; ``Geta``/``Getb`` in the text.  ``by`` names the operation that
    wrote it ("Init", "Recompute", "UpdateK 2" for the second key update of the epoch), so that a
    check can say which entry a printed read obtains."""

    a: Any
    b: Any
    by: str = ""


class Slots:
    """A list of ``size`` slots (indices ``0 .. size - 1``), unwritten at first."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self._items: list[Entry | None] = [None] * size

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, k: int) -> Entry:
        item = self.peek(k)
        if item is None:
            raise LiteralUndefinedRead(f"{self.name}[{k}] is read before anything wrote it")
        return item

    def peek(self, k: int) -> Entry | None:
        """The entry at ``k``, or None when nothing wrote it; outside the list is undefined."""
        if not 0 <= k < len(self._items):
            raise LiteralUndefinedRead(f"{self.name}[{k}] is outside its {len(self._items)} slots")
        return self._items[k]

    def __setitem__(self, k: int, entry: Entry) -> None:
        if not 0 <= k < len(self._items):
            raise LiteralUndefinedRead(f"{self.name}[{k}] is written outside its {len(self._items)} slots")
        self._items[k] = entry
