"""Generic states of the printed DA algorithms with every repair (``impl.literal``:
``PaperV1Attention`` with E2, E4-E7 for DA arXiv v1, ``PaperAppendixAttention`` with E2, E6, E7 for
the later DA appendix, both under the consistent list reading), and their invariant, on the symbolic kind.

The invariant (``Q``, ``K``, ``V`` the current matrices; ``V0`` the member ``V``, which only a
Recompute changes; ``T = ceil(n^a)``; lists 1-based, slot 0 of ``List_D`` the base):

* kernel: ``Q == Q``, ``A == exp(scale Q K^T)``; DA arXiv v1 also keeps ``K == K`` and
  ``M == scale Q K^T``; the later DA appendix keeps ``K~ == K`` (its ``K`` and ``M`` are never written back:
  Algorithm 2 lines 22-24 print ``K <- K``, and nothing reads them);
* counts: ``0 <= ct_K < T`` and ``0 <= ct_V < T``;
* ``List_D[ct_K].b == 1 / (A 1)`` (the current ``D^{-1}``) and
  ``1 / D + sum_{t=1}^{ct_K} List_D[t].a == List_D[ct_K].b`` (the telescoped ``Delta_D`` that
  Recompute adds to the ``D`` of the last Init or Recompute);
* ``List_C[t]`` written for ``t <= ct_K`` with ``.b == V0[key_t]`` for some row ``key_t``, and
  ``C + sum_t List_C[t].a List_C[t].b^T == A V0``;
* ``List_V[t]`` written for ``t <= ct_V``, in range, and ``V0 + sum_t delta_t e_row e_col^T == V``.

The generic state of a shape (``spec.da.symbolic_states.Shape``) is Init on real symbols with the
lists filled in: the ``List_C[t].a``, the ``List_D[t].a`` for ``t < ct_K`` and the value deltas
are fresh real symbols, the ``D`` of the last Recompute is fresh positive symbols (when
``ct_K >= 1``; it is ``A 1`` otherwise), and ``C``, ``List_D[ct_K]`` and the ``List_C[t].b`` are
what the invariant forces.  Slots that nothing reads (``List_D[t].b`` for ``t < ct_K``, the base
slot once ``ct_K >= 1``, slots past the counts, the later appendix's ``K``, ``M`` and ``M~``) hold fresh
symbols, and the stale ``List_V`` slots the cells the shape names (``Shape.stale``); a slot past
the counts is always written (a slot nothing wrote, which Query and Recompute skip, is not
generated).
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any, Callable

import numpy as np
import sympy

from impl.elements import symbolic
from impl.literal import PaperAppendixAttention, PaperV1Attention
from impl.literal.repairs import APPENDIX_DEFECTS, V1_DEFECTS
from impl.literal.slots import Entry
from spec.da.symbolic_states import (
    Matrix,
    Shape,
    Truth,
    broken,
    clone,
    entries_equal,
    equal,
    exponent_for,
    real,
    real_matrix,
    row_sums,
    times,
)

#: the subjects: each printed algorithm with every repair of its defects
V1_REPAIRED = partial(PaperV1Attention, repairs=V1_DEFECTS)
APPENDIX_REPAIRED = partial(PaperAppendixAttention, repairs=APPENDIX_DEFECTS)


def positive(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, positive=True)


def _column(prefix: str, n: int) -> np.ndarray:
    return np.array([real(f"{prefix}{r}") for r in range(n)], dtype=object)


def _inverse(x: np.ndarray) -> np.ndarray:
    return np.array([1 / v for v in x.flat], dtype=object)


def printed_init(factory: Callable[..., Any], n: int, d: int, threshold: int
                 ) -> tuple[Any, Truth]:
    """Init (Algorithm 1) of a printed subject on real symbols."""
    truth = Truth(real_matrix("q", n, d), real_matrix("k", n, d), real_matrix("v", n, d), real("s"))
    S = factory(symbolic(truth.Q), symbolic(truth.K), symbolic(truth.V),
                a=exponent_for(n, threshold), scale=truth.scale)
    return S, truth


@lru_cache(maxsize=64)
def _generic(factory: Callable[..., Any], shape: Shape) -> tuple[Any, Truth]:
    n, d, T = shape.n, shape.d, shape.threshold
    S, truth = printed_init(factory, n, d, T)
    ck, cv = len(shape.keys), len(shape.cells)
    V0 = truth.V
    _, A, rows = truth.parts()
    current_inverse = _inverse(rows)
    C = times(A, V0).copy()
    for t in range(1, T + 1):
        if t <= ck:
            a, b = _column(f"p{t}_", n), V0[shape.keys[t - 1]].copy()
            C = C - np.outer(a, b)
        else:
            a, b = _column(f"stale_p{t}_", n), _column(f"stale_w{t}_", d)
        S.List_C[t] = Entry(a, b, "generic")
    S.C = C
    if ck == 0:
        S.D = rows[:, 0].copy()
        S.List_D[0] = Entry(None, current_inverse, "generic")
    else:
        S.D = np.array([positive(f"D{r}") for r in range(n)], dtype=object)
        S.List_D[0] = Entry(None, np.array([positive(f"stale_b0_{r}") for r in range(n)],
                                           dtype=object), "generic")
        telescoped = _inverse(S.D)
        for t in range(1, ck):
            a = _column(f"dd{t}_", n)
            telescoped = telescoped + a
            S.List_D[t] = Entry(a, np.array([positive(f"stale_b{t}_{r}") for r in range(n)],
                                            dtype=object), "generic")
        S.List_D[ck] = Entry(current_inverse - telescoped, current_inverse, "generic")
    for t in range(ck + 1, T + 1):
        S.List_D[t] = Entry(_column(f"stale_a{t}_", n), _column(f"stale_b{t}_", n), "generic")
    V = V0.copy()
    for t in range(1, T + 1):
        if t <= cv:
            r, c = shape.cells[t - 1]
            delta = real(f"e{t}")
            V[r, c] += delta
        else:
            (r, c), delta = shape.stale_cell(t - 1), real(f"stale_e{t}")
        S.List_V[t] = Entry(r, (c, delta), "generic")
    if isinstance(S, PaperAppendixAttention):
        S.K_tilde = truth.K.copy()
        S.K, S.M, S.M_tilde = real_matrix("stale_K", n, d), real_matrix("stale_M", n, n), \
            real_matrix("stale_Mt", n, n)
    S.ct_K, S.ct_V = ck, cv
    return S, Truth(truth.Q, truth.K, V, truth.scale)


def printed_generic(factory: Callable[..., Any], shape: Shape) -> tuple[Any, Truth]:
    """A private copy of the generic state of ``shape`` (module docstring)."""
    S, truth = _generic(factory, shape)
    return _clone(S), truth.copy()


def _clone(S: Any) -> Any:
    # the list entries hold arrays (and sympy numbers) too: share their entries like the members'
    held = []
    for name in ("List_C", "List_D", "List_V"):
        slots = getattr(S, name)
        for k in range(len(slots)):
            entry = slots.peek(k)
            if entry is not None:
                held += [entry.a, entry.b, *(entry.b if isinstance(entry.b, tuple) else ())]
    return clone(S, held)


def _written(S: Any, name: str, t: int) -> Entry:
    entry = getattr(S, name).peek(t)
    if entry is None:
        raise broken(f"{name}[{t}] written for t <= the count", t=t)
    return entry


def check_printed_invariant(S: Any, truth: Truth) -> None:
    """Raise :class:`spec.Counterexample` naming the first clause (module docstring) ``S``
    breaks for the current ``truth``."""
    M, A, rows = truth.parts()
    entries_equal("Q == Q", S.Q, truth.Q)
    if isinstance(S, PaperAppendixAttention):
        entries_equal("K~ == K", S.K_tilde, truth.K)
    else:
        entries_equal("K == K", S.K, truth.K)
        entries_equal("M == scale Q K^T", S.M, M)
    entries_equal("A == exp(scale Q K^T)", S.A, A)
    if not equal(S.scale, truth.scale):
        raise broken("scale == scale", got=S.scale, expected=truth.scale)
    n, d, T = S.n, S.d, S.threshold
    ck, cv = S.ct_K, S.ct_V
    if not (0 <= ck < T and 0 <= cv < T):
        raise broken("0 <= ct_K, ct_V < threshold", ct_K=ck, ct_V=cv, threshold=T)
    current = _written(S, "List_D", ck)
    entries_equal("List_D[ct_K].b == (A 1)^-1", current.b, _inverse(rows).reshape(n, 1))
    telescoped = _inverse(S.D)
    for t in range(1, ck + 1):
        telescoped = telescoped + _written(S, "List_D", t).a
    entries_equal("D^-1 + sum_t List_D[t].a == List_D[ct_K].b", telescoped, current.b.reshape(n, 1))
    V0 = S.V
    C: Matrix = S.C.copy()
    for t in range(1, ck + 1):
        entry = _written(S, "List_C", t)
        if not any(all(equal(entry.b[c], V0[r, c]) for c in range(d)) for r in range(n)):
            raise broken("List_C[t].b == V0[key_t] for some row key_t", t=t)
        C = C + np.outer(entry.a, entry.b)
    entries_equal("C + sum_t List_C[t].a List_C[t].b^T == A V0", C, times(A, V0))
    V = V0.copy()
    for t in range(1, cv + 1):
        entry = _written(S, "List_V", t)
        r, (c, delta) = entry.a, entry.b
        if not (0 <= r < n and 0 <= c < d):
            raise broken("List_V cells in range", t=t, row=r, col=c)
        V[r, c] += delta
    entries_equal("V0 + sum_t delta_t e_row e_col^T == V", V, truth.V)


__all__ = ["APPENDIX_REPAIRED", "V1_REPAIRED", "check_printed_invariant", "printed_generic",
           "printed_init", "row_sums"]
