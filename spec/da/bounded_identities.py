"""DA section 4, Lemmas 4.6 and 4.8 at fixed sizes, as exact sympy identities: what the PRINTED
Algorithms 4 and 5 compute against what they should (the erratum records DA-4.6/v1, DA-4.8/v1
and DA-E2 use them; the corrected lemmas have general proofs in query_lemma and recompute_lemma).

Symbols stand for arbitrary reals: ``A0`` (n x n, positive), ``V0`` (n x d), pending key updates
``t`` (column ``delta_t`` added to column ``key_t`` of ``A``) and pending value updates ``s``
(``gamma_s`` added to ``V[row_s, col_s]``).  Each identity is stated for every choice of the
indices at the given sizes.
"""

from __future__ import annotations

import itertools
from typing import Iterator

import sympy

Identity = tuple[str, sympy.Matrix, sympy.Matrix]


def _pending_cases(n: int, d: int, max_k: int, max_v: int):
    keys = [c for p in range(max_k + 1) for c in itertools.product(range(n), repeat=p)]
    cells = [(r, c) for r in range(n) for c in range(d)]
    vups = [c for q in range(max_v + 1) for c in itertools.product(cells, repeat=q)]
    return itertools.product(keys, vups)


def _state(n: int, d: int, keys: tuple[int, ...], vups: tuple[tuple[int, int], ...]):
    A0 = sympy.Matrix(n, n, lambda r, c: sympy.Symbol(f"A_{r}_{c}", positive=True))
    V0 = sympy.Matrix(n, d, lambda r, c: sympy.Symbol(f"V_{r}_{c}"))
    deltas = [sympy.Matrix(n, 1, lambda r, _, t=t: sympy.Symbol(f"delta{t}_{r}")) for t in range(len(keys))]
    A = A0.copy()
    for t, k in enumerate(keys):
        A[:, k] += deltas[t]
    dV = sympy.zeros(n, d)
    for s, (r, c) in enumerate(vups):
        dV[r, c] += sympy.Symbol(f"gamma{s}")
    pending_k = sympy.zeros(n, d)
    for t, k in enumerate(keys):
        pending_k += deltas[t] * V0[k, :]
    return A0, V0, A, dV, pending_k


def _label(keys, vups) -> str:
    return f"pending keys {list(keys)}, pending values {[list(c) for c in vups]}"


def lemma_4_6(n: int = 2, d: int = 2, max_k: int = 2, max_v: int = 2, literal: bool = False) -> Iterator[Identity]:
    """Query (corrected): ``D^{-1} (C + Delta_C,1 Delta_C,2 + A Delta_V)`` equals ``D^{-1} A V``.

    ``literal=True`` states DA arXiv v1's Algorithm 4 instead: ``D^{-1} (C + A Delta_V)``, without
    the pending key updates.
    """
    for keys, vups in _pending_cases(n, d, max_k, max_v):
        A0, V0, A, dV, pending_k = _state(n, d, keys, vups)
        Dinv = sympy.diag(*[1 / sum(A[r, :]) for r in range(n)])
        C = A0 * V0
        kept = sympy.zeros(n, d) if literal else pending_k
        yield _label(keys, vups), Dinv * (C + kept + A * dV), Dinv * A * (V0 + dV)


def lemma_4_8(n: int = 2, d: int = 2, max_k: int = 2, max_v: int = 2, literal: bool = False,
              parts: tuple[str, ...] = ("C", "D")) -> Iterator[Identity]:
    """Recompute (corrected): ``C + Delta_C,1 Delta_C,2 + A Delta_V`` equals ``A V`` (part "C")
    and the telescoped ``D^{-1} + sum_t Delta_D(t)`` equals the current ``D^{-1}`` (part "D").

    ``literal=True`` states the printed lines instead: for "C" DA arXiv v1's Algorithm 5 line 6
    (``C + Delta_C,1 Delta_C,2``, DA-E5), for "D" Algorithm 2 line 13
    (``Delta_D = D_prev - D_new^{-1}``, DA-E2).
    """
    for keys, vups in _pending_cases(n, d, max_k, max_v):
        A0, V0, A, dV, pending_k = _state(n, d, keys, vups)
        if "C" in parts:
            C = A0 * V0 + pending_k + (sympy.zeros(n, d) if literal else A * dV)
            yield _label(keys, vups) + ": C", C, A * (V0 + dV)
        if "D" not in parts or not keys or vups:
            continue    # the D part depends on the key updates only: stated once per key list
        # D^{-1} after the pending key updates, one at a time
        A_t = A0.copy()
        Dinv = sympy.Matrix([1 / sum(A_t[r, :]) for r in range(n)])
        total = Dinv.copy()
        for t, k in enumerate(keys):
            prev = Dinv
            A_t[:, k] += sympy.Matrix(n, 1, lambda r, _, t=t: sympy.Symbol(f"delta{t}_{r}"))
            Dinv = sympy.Matrix([1 / sum(A_t[r, :]) for r in range(n)])
            step = (prev.applyfunc(lambda x: 1 / x) - Dinv) if literal else (Dinv - prev)
            total += step
        yield _label(keys, vups) + ": D^{-1}", total, Dinv
