"""Generic states of ``impl.dynamic.DynamicAttention`` that satisfy its invariant, and the
invariant itself as a predicate, on the symbolic element kind (``impl.elements.symbolic``).

The invariant (the docstring of ``impl.dynamic``, stated in full; ``Q``, ``K``, ``V`` the current
matrices, ``scale`` the structure's scale, ``T`` its threshold ``ceil(n^a)``):

* kernel: ``kernel.Q == Q``, ``kernel.K == K``, ``kernel.M == scale Q K^T``,
  ``kernel.A == exp(M)`` entrywise, ``kernel.D == A 1`` and ``kernel.s == 0`` (exact kinds keep
  no row shifts);
* counts: ``0 <= ck < T`` and ``0 <= cv < T``;
* pending key updates: for every ``t < ck`` some row ``key_t`` with ``PK_v[t] == V0[key_t]``, and
  ``C + PK_cols[:, :ck] PK_v[:ck] == A V0``;
* pending value updates: ``0 <= pv_rows[s] < n``, ``0 <= pv_cols[s] < d`` and
  ``V0 + sum_{s < cv} pv_delta[s] e_{pv_rows[s]} e_{pv_cols[s]}^T == V``.

A *shape* fixes the sizes, the threshold, the rows ``key_t`` and the cells of the pending value
updates.  The generic state of a shape is the structure after Init on real symbols ``Q``, ``K``,
``V0`` and a real symbol ``s`` for the scale, with the pending lists filled in: ``PK_cols[:, :ck]``
and the value deltas are fresh real symbols, ``PK_v`` and ``C`` are what the invariant then forces,
and ``V`` is the ``V0`` plus the deltas.  The list slots past the counts hold what earlier epochs
left there: fresh symbols for their values, and for their indices the cells the shape names
(``Shape.stale``; (0, 0), where Init leaves them, unless the family enumerates them).  Every
state that satisfies the invariant with that shape is an instance of it (substitute numbers for
the symbols).
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator

import numpy as np
import sympy

from impl.dynamic import DynamicAttention
from impl.elements import symbolic
from impl.threshold import lazy_threshold
from spec.da.symbolic_zero import equal, is_zero
from spec.registry import Counterexample


@dataclass(frozen=True)
class Shape:
    """Sizes, threshold and the index pattern of the pending updates of a state."""

    n: int
    d: int
    threshold: int
    #: the row of ``V0`` each pending key update recorded (``len(keys) = ck``)
    keys: tuple[int, ...] = ()
    #: the cell of each pending value update (``len(cells) = cv``)
    cells: tuple[tuple[int, int], ...] = ()
    #: the cells left in the value-update slots past ``cv`` by earlier epochs (empty: all
    #: (0, 0), as Init leaves them)
    stale: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "d": self.d, "threshold": self.threshold, "keys": list(self.keys),
                "cells": [list(c) for c in self.cells], "stale": [list(c) for c in self.stale]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Shape":
        return cls(data["n"], data["d"], data["threshold"], tuple(data["keys"]),
                   tuple((r, c) for r, c in data["cells"]),
                   tuple((r, c) for r, c in data.get("stale", ())))

    def stale_cell(self, t: int) -> tuple[int, int]:
        """The cell held by value-update slot ``t >= cv``."""
        return self.stale[t - len(self.cells)] if self.stale else (0, 0)


#: a matrix of sympy expressions: a 2-D numpy object array
Matrix = np.ndarray


@dataclass
class Truth:
    """The current ``Q``, ``K``, ``V`` (object arrays of sympy expressions) and scale that a state
    stands for."""

    Q: Matrix
    K: Matrix
    V: Matrix
    scale: sympy.Expr

    def copy(self) -> "Truth":
        return Truth(self.Q.copy(), self.K.copy(), self.V.copy(), self.scale)

    def parts(self) -> tuple[Matrix, Matrix, Matrix]:
        """``M = scale Q K^T``, ``A = exp(M)`` and the row sums ``A 1`` (read-only)."""
        return _kernel(_key(self.Q), _key(self.K), self.scale)

    def kernel(self) -> Matrix:
        """``A = exp(scale Q K^T)`` of the current matrices."""
        return self.parts()[1]

    def attention(self) -> tuple[Matrix, Matrix]:
        """``A V`` and the row sums ``A 1``: attention is ``(A V)[i, j] / (A 1)[i]``."""
        _, A, D = self.parts()
        return times(A, self.V), D


def _key(X: Matrix) -> tuple[tuple[Any, ...], ...]:
    return tuple(map(tuple, X))


@lru_cache(maxsize=4096)
def _kernel(Q: tuple[tuple[Any, ...], ...], K: tuple[tuple[Any, ...], ...], scale: sympy.Expr
            ) -> tuple[Matrix, Matrix, Matrix]:
    """``M = scale Q K^T``, ``A = exp(M)`` and ``A 1``, computed once per ``Q``, ``K``, scale
    (the steps from one shape share them); read-only."""
    M = product(np.array(Q, dtype=object), np.array(K, dtype=object).T) * scale
    A = exp(M)
    for X in (M, A):
        X.flags.writeable = False
    D = row_sums(A)
    D.flags.writeable = False
    return M, A, D


def times(A: Matrix, V: Matrix) -> Matrix:
    """``A V`` for a kernel ``A`` (cached like the kernel)."""
    return _times(_key(A), _key(V))


@lru_cache(maxsize=4096)
def _times(A: tuple[tuple[Any, ...], ...], V: tuple[tuple[Any, ...], ...]) -> Matrix:
    out = product(np.array(A, dtype=object), np.array(V, dtype=object))
    out.flags.writeable = False
    return out


def product(X: Matrix, Y: Matrix) -> Matrix:
    """``X Y``, each entry one sympy sum (numpy's object product adds term by term, and sympy
    re-flattens the growing sum at every step)."""
    out = np.empty((X.shape[0], Y.shape[1]), dtype=object)
    for r in range(X.shape[0]):
        for c in range(Y.shape[1]):
            out[r, c] = sympy.Add(*(X[r, k] * Y[k, c] for k in range(X.shape[1])))
    return out


def row_sums(X: Matrix) -> Matrix:
    return np.array([[sympy.Add(*row)] for row in X], dtype=object)


def exp(X: Matrix) -> Matrix:
    return np.vectorize(sympy.exp, otypes=[object])(X)


def zeros(rows: int, cols: int) -> Matrix:
    return np.full((rows, cols), sympy.Integer(0), dtype=object)


def real(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def real_matrix(prefix: str, rows: int, cols: int) -> Matrix:
    return np.array([[real(f"{prefix}{r}{c}") for c in range(cols)] for r in range(rows)],
                    dtype=object)


def thresholds(n: int) -> tuple[int, ...]:
    """Every value ``ceil(n^a)`` takes for ``a`` in (0, 1]: ``1`` for ``n = 1``, else ``2 .. n``
    (``n^a`` runs over (1, n])."""
    return (1,) if n == 1 else tuple(range(2, n + 1))


def exponent_for(n: int, threshold: int) -> float:
    """An ``a`` in (0, 1] with ``ceil(n^a) == threshold`` (checked against impl.threshold)."""
    a = 1.0 if threshold == n else math.log(threshold - 0.5) / math.log(n)
    if lazy_threshold(n, a) != threshold:
        raise ValueError(f"no exponent found for threshold {threshold} at n = {n}")
    return a


def shapes(n: int, d: int, threshold: int, every_stale: bool = False) -> Iterator[Shape]:
    """Every shape: pending key rows and value cells, each list shorter than the threshold;
    ``every_stale``: also every cell left in the value-update slots past the count (else (0, 0))."""
    cells = [(r, c) for r in range(n) for c in range(d)]
    for ck in range(threshold):
        for keys in itertools.product(range(n), repeat=ck):
            for cv in range(threshold):
                for pattern in itertools.product(cells, repeat=cv):
                    stales = (itertools.product(cells, repeat=threshold - cv) if every_stale
                              else [()])
                    for stale in stales:
                        yield Shape(n, d, threshold, keys, pattern, tuple(stale))


def init_state(n: int, d: int, threshold: int) -> tuple[DynamicAttention, Truth]:
    """Init (DA Algorithm 1) on real symbols: the base case of the induction."""
    truth = Truth(real_matrix("q", n, d), real_matrix("k", n, d), real_matrix("v", n, d), real("s"))
    S = DynamicAttention(symbolic(truth.Q), symbolic(truth.K), symbolic(truth.V),
                         a=exponent_for(n, threshold), scale=truth.scale)
    return S, truth


@lru_cache(maxsize=64)
def _generic(shape: Shape) -> tuple[DynamicAttention, Truth]:
    S, truth = init_state(shape.n, shape.d, shape.threshold)
    n, d, T = shape.n, shape.d, shape.threshold
    ck, cv = len(shape.keys), len(shape.cells)
    V0 = truth.V
    for t in range(T):
        for r in range(n):
            S.pk_cols[r, t] = real(f"p{r}{t}") if t < ck else real(f"stale_p{r}{t}")
        for c in range(d):
            S.pk_v[t, c] = V0[shape.keys[t], c] if t < ck else real(f"stale_w{t}{c}")
        S.pv_delta[t] = real(f"e{t}") if t < cv else real(f"stale_e{t}")
    for t in range(T):
        S.pv_rows[t], S.pv_cols[t] = shape.cells[t] if t < cv else shape.stale_cell(t)
    pending = product(S.pk_cols[:, :ck], S.pk_v[:ck]) if ck else zeros(n, d)
    C = times(truth.kernel(), V0) - pending
    for r in range(n):
        for c in range(d):
            S.C[r, c] = C[r, c]
    S.ck, S.cv = ck, cv
    V = V0.copy()
    for t, (r, c) in enumerate(shape.cells):
        V[r, c] += S.pv_delta[t]
    return S, Truth(truth.Q, truth.K, V, truth.scale)


def clone(S: Any, shared: Iterable[Any] = ()) -> Any:
    """A deep copy of a structure whose sympy entries are shared, not rebuilt (they are
    immutable), so that copying costs its arrays, not its expression trees.  The entries of its
    members and of its kernel's are shared, and those of the arrays in ``shared``."""
    memo: dict[int, Any] = {}
    values = [*vars(S).values(), *(vars(S.kernel).values() if hasattr(S, "kernel") else ()), *shared]
    for value in values:
        if isinstance(value, sympy.Basic):
            memo[id(value)] = value
        elif isinstance(value, np.ndarray) and value.dtype == object:
            memo.update((id(x), x) for x in value.flat)
    return copy.deepcopy(S, memo)


def generic_state(shape: Shape) -> tuple[DynamicAttention, Truth]:
    """A private copy of the generic state of ``shape`` (module docstring) and what it stands for."""
    S, truth = _generic(shape)
    return clone(S), truth.copy()


# ------------------------------------------------------------------------------- the invariant
def broken(clause: str, **where: Any) -> Counterexample:
    return Counterexample(f"invariant broken: {clause}",
                          **{k: (str(v) if isinstance(v, sympy.Basic) else v) for k, v in where.items()})


def entries_equal(clause: str, got: Any, want: Matrix) -> None:
    got = np.asarray(got, dtype=object).reshape(want.shape)
    for idx in itertools.product(*(range(k) for k in want.shape)):
        if not equal(got[idx], want[idx]):
            raise broken(clause, entry=list(idx), got=got[idx], expected=want[idx])


def check_kernel(S: DynamicAttention, truth: Truth) -> Matrix:
    """The kernel clauses of the invariant; returns ``A``."""
    kern = S.kernel
    entries_equal("kernel.Q == Q", kern.Q, truth.Q)
    entries_equal("kernel.K == K", kern.K, truth.K)
    M, A, D = truth.parts()
    entries_equal("kernel.M == scale Q K^T", kern.M, M)
    entries_equal("kernel.A == exp(scale Q K^T)", kern.A, A)
    entries_equal("kernel.D == A 1", kern.D, D)
    entries_equal("kernel.s == 0", kern.s, zeros(A.shape[0], 1))
    if not equal(kern.scale, truth.scale):
        raise broken("kernel.scale == scale", got=kern.scale, expected=truth.scale)
    return A


def check_invariant(S: DynamicAttention, truth: Truth) -> None:
    """Raise :class:`spec.Counterexample` naming the first clause of the invariant (module
    docstring) that ``S`` breaks for the current ``truth``."""
    A = check_kernel(S, truth)
    n, d, T = S.n, S.d, S.threshold
    ck, cv = S.ck, S.cv
    if not (0 <= ck < T and 0 <= cv < T):
        raise broken("0 <= ck, cv < threshold", ck=ck, cv=cv, threshold=T)
    V0 = S.V0
    for t in range(ck):
        if not any(all(equal(S.pk_v[t, c], V0[r, c]) for c in range(d)) for r in range(n)):
            raise broken("PK_v[t] == V0[key_t] for some row key_t", t=t,
                        pk_v=[str(x) for x in S.pk_v[t]])
    pending = product(S.pk_cols[:, :ck], S.pk_v[:ck]) if ck else zeros(n, d)
    entries_equal("C + PK_cols[:, :ck] PK_v[:ck] == A V0", S.C + pending, times(A, V0))
    V = V0.copy()
    for t in range(cv):
        r, c = int(S.pv_rows[t]), int(S.pv_cols[t])
        if not (0 <= r < n and 0 <= c < d):
            raise broken("pending value cells in range", t=t, row=r, col=c)
        V[r, c] += S.pv_delta[t]
    entries_equal("V0 + sum_s delta_s e_row_s e_col_s^T == V", V, truth.V)


def check_answer(got: Any, truth: Truth, i: int, j: int, what: str) -> None:
    """``got`` is entry ``(i, j)`` of ``D^{-1} exp(scale Q K^T) V`` for the current matrices."""
    AV, D = truth.attention()
    if not is_zero(sympy.sympify(got) * D[i, 0] - AV[i, j]):
        raise Counterexample(f"{what} differs from exact attention at ({i}, {j})",
                             got=str(got), expected=str(AV[i, j] / D[i, 0]))
