"""The fixed-size lists of the printed pseudocode (``List_C``, ``List_D``, ``List_V``: "List with
size n^a", DA Algorithm 1 lines 11-13) and what happens when the text reads a slot nothing wrote.

The printed algorithms index these lists both one past their last write and before their first
write.  The text does not say what an unwritten slot holds, so the most literal reading is that the
read is undefined: :class:`LiteralUndefinedRead` is raised, and the checks report it as a failure
of the printed algorithm.  Slots written in an earlier epoch (before a Recompute) keep their
values, as memory does: the text never clears them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LiteralUndefinedRead(RuntimeError):
    """The printed pseudocode read a list slot that no line of it has written."""


@dataclass(frozen=True)
class Entry:
    """One list entry ``(a, b)``; ``Geta``/``Getb`` in the text."""

    a: Any
    b: Any


class Slots:
    """A list of ``size`` slots, unwritten at first."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self._items: list[Entry | None] = [None] * size

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, k: int) -> Entry:
        if not 0 <= k < len(self._items):
            raise LiteralUndefinedRead(f"{self.name}[{k}] is outside its {len(self._items)} slots")
        item = self._items[k]
        if item is None:
            raise LiteralUndefinedRead(f"{self.name}[{k}] is read before anything wrote it")
        return item

    def __setitem__(self, k: int, entry: Entry) -> None:
        if not 0 <= k < len(self._items):
            raise LiteralUndefinedRead(f"{self.name}[{k}] is written outside its {len(self._items)} slots")
        self._items[k] = entry
