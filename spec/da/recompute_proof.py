"""General proof (every n, d and any number of pending updates) of DA (arXiv 2304.02207)
section 4, Lemma 4.8 (Recompute, corrected Algorithm 5): after Recompute the maintained ``V``
equals the current ``V``, ``D`` equals ``diag(A 1)`` and ``C`` equals ``A V`` (so ``B = D^{-1} C``).

The notation is that of :mod:`spec.da.query_proof`; the proof reuses its key and value
inductions and adds, entry ``(i, j)`` with symbolic ``n``, ``d``, ``i``, ``j``:

* ``C~ = C + Delta_C,1 Delta_C,2 + A Delta_V`` equals ``(A V)_ij`` for the current ``A``
  (both hypotheses substituted);
* ``V0 + Delta_V`` is the current ``V``: induction on the number of value updates;
* ``D^{-1}`` telescopes: the list keeps ``Delta_D(t) = D_t^{-1} - D_{t-1}^{-1}`` per key update,
  and ``D_0^{-1} + sum_t Delta_D(t) = D_k^{-1}`` by induction on ``k`` (base ``k = 0``; step: one
  more term, with ``D_{k+1}[i] = D_k[i] + delta[i] (u^T 1)`` the row sum of the updated ``A``).

The proof covers the algebra of the lemma; ``impl.dynamic.DynamicAttention``'s code is checked
by the record's state-machine checks.
"""

from __future__ import annotations

from typing import Any, Iterator

from spec.da import query_proof
from spec.registry import SympyProof

Identity = tuple[str, Any, Any]


def new_C(s: dict[str, Any], drop_value_term: bool = False) -> Identity:
    """``C + Delta_C,1 Delta_C,2 + A Delta_V = (A (V0 + Delta_V))_ij``.

    ``drop_value_term``: DA section 4, Algorithm 5 line 6 as printed (v1), ``C~ <- C + Delta_C,1
    Delta_C,2`` (erratum E5)."""
    A0, V0, Ak, dV = s["A0"], s["V0"], s["A_k"], s["Delta_V"]
    i, j, ell, S = s["i"], s["j"], s["l"], s["sum"]
    C = S(A0[i, ell] * V0[ell, j])
    K = S(Ak[i, ell] * V0[ell, j]) - C  # hypothesis of the key induction
    T = 0 if drop_value_term else S(Ak[i, ell] * dV[ell, j])  # hypothesis of the value induction
    return ("C~ = C + Delta_C,1 Delta_C,2 + A Delta_V = (A V)_ij", C + K + T,
            S(Ak[i, ell] * (V0[ell, j] + dV[ell, j])))


def maintained_V(s: dict[str, Any]) -> Iterator[Identity]:
    """``V_q = V0 + Delta_V_q``: base ``q = 0`` and step (one more value update)."""
    V0, dV, w, z, gamma, ell, j = (s[x] for x in ("V0", "Delta_V", "w", "z", "gamma", "l", "j"))
    yield ("V, base q = 0: V0 + 0 = V0", V0[ell, j] + 0, V0[ell, j])
    # hypothesis: V_q = V0 + Delta_V_q; both get gamma w z^T
    yield ("V, step q -> q + 1: (V0 + Delta_V) + gamma w z^T = V0 + (Delta_V + gamma w z^T)",
           (V0[ell, j] + dV[ell, j]) + gamma * w[ell] * z[j], V0[ell, j] + (dV[ell, j] + gamma * w[ell] * z[j]))


def telescoped_D(s: dict[str, Any], printed: bool = False) -> Iterator[Identity]:
    """``D_0^{-1} + sum_{t<k} Delta_D(t) = D_k^{-1}`` per row ``i``, by induction on ``k``.

    ``printed``: DA section 4, Algorithm 2 line 13 as printed (v1), ``(Delta_D)_jj = (D_tmp)_jj -
    D~_jj^{-1}`` (a D mixed with a D^{-1}; erratum E2)."""
    Ak, A0, u, delta, i, ell, S = (s[x] for x in ("A_k", "A0", "u", "delta", "i", "l", "sum"))
    yield ("D^{-1}, base k = 0: D_0^{-1} + (no term) = ((A_0 1)_i)^{-1}", 1 / S(A0[i, ell]) + 0, 1 / S(A0[i, ell]))
    D_k = S(Ak[i, ell])
    D_next = D_k + delta[i] * S(u[ell])  # row sums after the update (query_proof.row_sums)
    total_k = 1 / D_k  # hypothesis
    term = (D_k - 1 / D_next) if printed else (1 / D_next - 1 / D_k)
    yield ("D^{-1}, step k -> k + 1: D_k^{-1} + Delta_D(k + 1) = D_{k+1}^{-1}", total_k + term, 1 / D_next)


def identities(drop_value_term: bool = False, printed_D: bool = False) -> Iterator[Identity]:
    s = query_proof.symbols()
    yield from query_proof.key_updates(s)
    yield from query_proof.value_updates(s, s["A_k"])
    yield new_C(s, drop_value_term)
    yield from maintained_V(s)
    yield from query_proof.row_sums(s)
    yield from telescoped_D(s, printed_D)


RECOMPUTE_GENERAL = SympyProof(
    "rank-1 inductions over pending updates and the telescoped D^{-1}, symbolic n, d, i, j",
    identities,
    scope="all n, d >= 1, every entry (i, j), any number k of pending key updates and q of "
          "pending value updates (rank-1 updates delta u^T, gamma w z^T), row sums non-zero",
    general=True)
