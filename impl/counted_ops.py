"""The ledger's helpers: numpy operations that count themselves (``impl.ledger`` for the
conventions).  Each runs once per numpy call of a DA operation of a few microseconds, so the
elementwise ones make one counter update from their result's size (``Ledger._totals`` turns
those into multiply-adds and words)."""

# The fields these helpers update are slots of the dataclass that mixes them in (Ledger); mypy
# checks each assignment against this mixin's own empty __slots__ and cannot see them.
# mypy: disable-error-code="misc"

from __future__ import annotations

from typing import Any, Literal

import numpy as np


class CountedOps:
    """Mixed into :class:`impl.ledger.Ledger`, whose fields the helpers update when it is on."""

    __slots__ = ()
    enabled: bool
    _m: int
    _e: int
    _w: int
    _binary: int
    _unary: int
    _reduced: int
    _exps: int
    _op: str | None

    def add(self, a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        r = a + b if out is None else np.add(a, b, out=out)
        if self.enabled:
            self._binary += r.size
        return r

    def subtract(self, a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        r = a - b if out is None else np.subtract(a, b, out=out)
        if self.enabled:
            self._binary += r.size
        return r

    def multiply(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = a * b
        if self.enabled:
            self._binary += r.size
        return r

    def divide(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = a / b
        if self.enabled:
            self._binary += r.size
        return r

    def less_equal(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = a <= b
        if self.enabled:
            self._binary += r.size
        return r

    def not_equal(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = a != b
        if self.enabled:
            self._binary += r.size
        return r

    def logical_and(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = a & b
        if self.enabled:
            self._binary += r.size
        return r

    def axpy(self, alpha: Any, x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None
             ) -> np.ndarray:
        """``alpha x + y`` for a scalar ``alpha`` (into ``out``, which may be ``y`` itself): one
        multiply-add per element."""
        if out is None:
            r = x * alpha
            r += y
        else:
            r = np.add(y, x * alpha, out=out)
        if self.enabled:
            self._binary += r.size
        return r

    def scale(self, x: np.ndarray, alpha: Any) -> np.ndarray:
        """``x * alpha`` for a scalar ``alpha``."""
        r = x * alpha
        if self.enabled:
            self._unary += r.size
        return r

    def offset(self, x: np.ndarray, value: Any) -> np.ndarray:
        """``x + value`` for a scalar ``value``."""
        r = x + value
        if self.enabled:
            self._unary += r.size
        return r

    def subtract_from(self, value: Any, x: np.ndarray) -> np.ndarray:
        """``value - x`` for a scalar ``value`` (``1 - M``)."""
        r = value - x
        if self.enabled:
            self._unary += r.size
        return r

    def greater(self, x: np.ndarray, value: Any) -> np.ndarray:
        """``x > value`` for a scalar ``value``."""
        r = x > value
        if self.enabled:
            self._unary += r.size
        return r

    def equal(self, x: np.ndarray, value: Any) -> np.ndarray:
        """``x == value`` for a scalar ``value``."""
        r = x == value
        if self.enabled:
            self._unary += r.size
        return r

    def absolute(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        r = np.abs(x, out=out)
        if self.enabled:
            self._unary += r.size
        return r

    def isfinite(self, x: np.ndarray) -> np.ndarray:
        r = np.isfinite(x)
        if self.enabled:
            self._unary += r.size
        return r

    def logical_not(self, x: np.ndarray) -> np.ndarray:
        r = ~x
        if self.enabled:
            self._unary += r.size
        return r

    def where_equal(self, x: np.ndarray, value: Any) -> np.ndarray:
        """The indices ``k`` with ``x[k] == value`` (a scalar): a comparison per element of ``x``,
        then the scan of the comparisons, which writes the indices."""
        r = np.flatnonzero(x == value)
        if self.enabled:
            n = x.size
            self._unary += n
            self._w += n + r.size
        return r

    def matmul(self, a: np.ndarray, b: np.ndarray) -> Any:
        """``a @ b`` of 1-D or 2-D arrays (a dot product is a scalar): each operand read once."""
        r = a @ b
        if self.enabled:
            if r.__class__ is np.ndarray:
                s = r.size
                self._m += s * a.shape[-1]
                self._w += a.size + b.size + s
            else:                                   # a dot product: k multiply-adds, 2k + 1 words
                k = a.size
                self._m += k
                self._w += k + b.size + 1
        return r

    def exp(self, x: Any, out: np.ndarray | None = None, fn: Any = np.exp) -> Any:
        """``fn(x)`` elementwise (``np.exp``, or an element kind's exp), into ``out`` if given.

        An integer ``x`` counts that many exponentials computed elsewhere (the count-only form).
        """
        if isinstance(x, (int, np.integer)):
            if self._op is not None:
                self._e += int(x)
                self._w += 2 * int(x)
            return None
        r = fn(x) if out is None else fn(x, out=out)
        if self.enabled:
            self._exps += r.size if r.__class__ is np.ndarray else 1
        return r

    def _reduction(self, x: np.ndarray, r: Any, axis: int | None) -> Any:
        """A reduction: a multiply-add per element read; the results written (one: O(1))."""
        if self.enabled:
            self._reduced += x.size
            if axis is not None:
                self._w += r.size
        return r

    def sum(self, x: np.ndarray, axis: int | None = None) -> Any:
        return self._reduction(x, x.sum(axis=axis), axis)

    def max(self, x: np.ndarray, axis: int | None = None) -> Any:
        return self._reduction(x, x.max(axis=axis), axis)

    def min(self, x: np.ndarray, axis: int | None = None) -> Any:
        return self._reduction(x, x.min(axis=axis), axis)

    def all(self, x: np.ndarray) -> bool:
        r = bool(x.all())
        if self.enabled:
            self._reduced += x.size
        return r

    def all_at_most(self, x: np.ndarray, factor: Any, y: np.ndarray) -> bool:
        """Whether ``x <= factor * y`` everywhere: the product, the comparison and the test, one
        multiply-add each per element."""
        r = bool((x <= y * factor).all())
        if self.enabled:
            n = x.size
            self._unary += n                       # y * factor: y read, the product written
            self._binary += n                       # x <= ...: both read, the comparison written
            self._reduced += n                       # all(): the comparisons read
        return r

    def add_at(self, target: np.ndarray, index: tuple[np.ndarray, ...], values: np.ndarray) -> None:
        """``target[index] += values`` with repeated indices accumulated (``np.add.at``), for a
        tuple of index arrays: per value, the indices and the value read, the cell read and
        written."""
        np.add.at(target, index, values)
        if self.enabled:
            n = values.size
            self._m += n
            self._w += n * (3 + len(index))

    def copy(self, x: np.ndarray, order: Literal["K", "A", "C", "F"] = "K") -> np.ndarray:
        r = x.copy(order=order)
        if self.enabled:
            self._w += 2 * r.size
        return r

    def take(self, x: np.ndarray, index: Any) -> Any:
        """``x[index]`` (a gather): every element read and written, and the index read."""
        r = x[index]
        if self.enabled:
            self._w += getattr(index, "size", 1) + 2 * getattr(r, "size", 1)
        return r

    def assign(self, target: np.ndarray, index: Any, value: np.ndarray) -> None:
        """``target[index] = value`` for a ``value`` of the shape of ``target[index]`` (a store or
        a scatter): every element read and written."""
        target[index] = value
        if self.enabled:
            self._w += 2 * value.size

    def fill(self, target: np.ndarray, index: Any, value: Any) -> None:
        """``target[index] = value`` for a scalar ``value``: the value read, the cells written."""
        region = target[index]
        if self.enabled:
            self._w += 1 + region.size
        target[index] = value

    def concatenate(self, arrays: tuple[np.ndarray, ...], axis: int = 0) -> np.ndarray:
        r = np.concatenate(arrays, axis=axis)
        if self.enabled:
            self._w += 2 * r.size
        return r

    def nonzero(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        """The indices of the non-zero entries, one array per axis: the scan, and the indices
        written."""
        r = np.nonzero(x)
        if self.enabled:
            self._w += x.size + len(r) * r[0].size
        return r

    def flatnonzero(self, mask: np.ndarray) -> np.ndarray:
        r = np.flatnonzero(mask)
        if self.enabled:
            self._w += mask.size + r.size
        return r
