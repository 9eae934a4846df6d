"""General proof (every n, d and any number of pending updates) of DA (arXiv 2304.02207)
section 4, Lemma 4.8 (Recompute, corrected Algorithm 5): after Recompute the maintained ``V``
equals the current ``V``, ``D`` equals ``diag(A 1)`` and ``C`` equals ``A V`` (so ``B = D^{-1} C``).

The notation is that of :mod:`spec.da.query_lemma`; the proof reuses its key and value
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

from functools import partial
from typing import Any, Iterator

from impl.dynamic import DynamicAttention
from impl.literal import PaperV1Attention
from impl.literal.repairs import V1_DEFECTS
from spec.da import query_lemma
from spec.da.bounded_identities import lemma_4_8
from spec.da.printed_pseudocode import PRINTED_FLOAT, RC_RECOMPUTE, S4, all_but
from spec.record_groups import RecordGroup
from spec.registry import Source, Stateful, SympyProof

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
    D_next = D_k + delta[i] * S(u[ell])  # row sums after the update (query_lemma.row_sums)
    total_k = 1 / D_k  # hypothesis
    term = (D_k - 1 / D_next) if printed else (1 / D_next - 1 / D_k)
    yield ("D^{-1}, step k -> k + 1: D_k^{-1} + Delta_D(k + 1) = D_{k+1}^{-1}", total_k + term, 1 / D_next)


def identities(drop_value_term: bool = False, printed_D: bool = False) -> Iterator[Identity]:
    s = query_lemma.symbols()
    yield from query_lemma.key_updates(s)
    yield from query_lemma.value_updates(s, s["A_k"])
    yield new_C(s, drop_value_term)
    yield from maintained_V(s)
    yield from query_lemma.row_sums(s)
    yield from telescoped_D(s, printed_D)


RECOMPUTE_GENERAL = SympyProof(
    "rank-1 inductions over pending updates and the telescoped D^{-1}, symbolic n, d, i, j",
    identities,
    scope="all n, d >= 1, every entry (i, j), any number k of pending key updates and q of "
          "pending value updates (rank-1 updates delta u^T, gamma w z^T), row sums non-zero",
    general=True)

LEMMA_48 = RecordGroup("DA", Source("000", S4, "Lemma 4.8"), tags=("mutation-suite",), cites=("DA-2.1",))

RECOMPUTE = LEMMA_48.register(
    id="DA-4.8", title="Recompute correctness (corrected Algorithm 5)",
    statement="After Recompute the maintained V equals the current V, D equals diag(A 1) and C "
              "equals A V (so B = D^{-1} C): C <- C + Delta_C,1 Delta_C,2 + A Delta_V,1 Delta_V,2 "
              "with the current A, and D^{-1} plus the telescoped changes of D^{-1} is the "
              "current D^{-1}.",
    corrects="DA-4.8/v1",
    checks=(RECOMPUTE_GENERAL,),
)
LEMMA_48.implementation(
    RECOMPUTE, "Lemma 4.8: DynamicAttention's state after every recompute agrees",
    statement="After every recompute of impl.dynamic.DynamicAttention (triggered or called), its "
              "maintained V equals the current V, D equals diag(A 1) and C equals A V (in float64 "
              "to 1e-9 relative, in exact arithmetic exactly), for any sequence of operations.",
    checks=(
        Stateful("DynamicAttention state after every recompute, float64", DynamicAttention,
                 "DynamicAttention", invariant="recompute"),
        Stateful("DynamicAttention state after every recompute, exact", DynamicAttention,
                 "DynamicAttention", kind="exact", invariant="recompute", n_max=5, d_max=3,
                 weight=0.3),
    ),
)
LEMMA_48.at(S4, "Lemma 4.8, Algorithm 5").erratum(
    id="DA-4.8/v1", corrected_by="DA-4.8",
    title="Recompute correctness as printed in DA arXiv v1 (Algorithm 5)",
    statement="Lemma 4.8 claims Algorithm 5 of DA arXiv v1 correctly recomputes D, C, B, V; its "
              "line 6 sets C~ <- C + Delta_C,1 Delta_C,2.",
    literal="C~ <- C + Delta_{C,1} Delta_{C,2}; V~ <- V + Delta_{V,1} Delta_{V,2}",
    severity="error", root_cause=RC_RECOMPUTE,
    readings=(
        "With the consistent List_D reading (DA-E1) and Algorithm 2's Delta_D repaired (DA-E2, "
        "a separate root cause), D, V and B come out right, and C~ = C + Delta_C,1 Delta_C,2 is "
        "A V0 for the current A while V~ = V0 + Delta_V: the term A Delta_V,1 Delta_V,2 is "
        "missing. Lemma 4.8's proof of C (Part 3) says only 'similar to V'.",
        "The pending value updates carried into C elsewhere: Query's answer_2 adds "
        "A Delta_V only while they are pending, and Recompute resets ct_V, so after it no line "
        "holds them. Seed 003 adds the term at this line.",
    ),
    checks=(
        SympyProof("the printed line 6, symbolic n = d = 2",
                   lambda: lemma_4_8(max_k=1, max_v=1, literal=True, parts=("C",)),
                   scope=("n = d = 2, 0-1 pending key update and 0-1 pending value update at every "
                          "choice of their positions, symbolic entries")),
        Stateful("PaperV1Attention state after recompute, every other line repaired",
                 partial(PaperV1Attention, repairs=all_but(V1_DEFECTS, "E5")),
                 "PaperV1Attention[all but E5]", ops=("update_k", "update_v", "recompute"),
                 invariant="recompute"),
    ),
    notes=PRINTED_FLOAT,
)
