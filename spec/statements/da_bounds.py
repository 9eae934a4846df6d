"""DA bound bookkeeping (seed 000 section 4, seed 001 abstract): costs counted and checked."""

from __future__ import annotations

from functools import partial

from spec.da import bound_algebra
from spec.da.bound_fits import exponents_match
from spec.da.bounds import bounds_hold, operation_sequences
from spec.da.wrong_matrix import names_wrong_matrix
from spec.registry import Direct, Lemma, Property, Source, SympyProof, register

S4 = "section 4"

register(Lemma(
    id="DA-4.9", paper="DA",
    title="Lemmas 4.3, 4.4, 4.5, 4.7, 4.9 and Theorem 4.1's space, with explicit constants",
    statement="For DynamicAttention, counted by impl.ledger (naive products): Init <= 2n^2 d + 3n^2 "
              "multiply-adds and n^2 exponentials (Lemma 4.3); update_k <= 12n + S + R (Lemma 4.4); "
              "update_v <= 3cv + 1 + R (Lemma 4.5); update_q <= 2nd + 3n; query <= ck + 2cv + 3 "
              "(Lemma 4.7: O(n^a)); recompute <= n(ck + cv)d + nd + cv (Lemma 4.9: T_mat(n, n^a, d)); "
              "space <= 2n^2 + 4nd + nT + Td + 3n + 3T (Theorem 4.1: O(n^2)); and over any sequence the "
              "updates cost at most (12n + 2nd + 1) per key update, (3T + 2nd + 1) per value update, "
              "(2nd + 3n) per query update, plus S (Lemmas 4.4, 4.5 Part 2: T_mat(n, n^a, d)/n^a). "
              "R is the recompute an update triggers, S the float64 stabilisation work "
              "(r_s (n + d + T + 3) + r_f (2nd + 3n) for r_s rows rescaled and r_f re-evaluated).",
    source=Source("000", S4, "Lemmas 4.3-4.9, Theorem 4.1"),
    checks=(
        Property("arbitrary operation sequences, n <= 40, d <= 6", operation_sequences, bounds_hold,
                 encode=lambda x: [x[0], x[1], x[2], x[3], [list(o) for o in x[4]]],
                 decode=lambda x: (x[0], x[1], x[2], x[3], [tuple(o) for o in x[4]])),
        Direct("fitted exponents, n = 2^6 ... 2^12 (quick: 2^10), a in {0.25, 0.5, 0.75, 1}",
               exponents_match, grade="holds"),
    ),
))

register(Lemma(
    id="DA-4.4", paper="DA", title="The amortization algebra of Lemmas 4.4 and 4.5",
    statement="(n(n^a - 1) + n^omega)/n^a = n^(omega - a)(1 + n^(-s) - n^(-a-s)) with omega(1,1,a) = "
              "1 + a + s, s >= 0: O(n^(omega(1,1,a) - a)); with naive products and d columns it is "
              "nd + n - n^(1-a) <= n(d + 1).",
    source=Source("000", S4, "Lemma 4.4 and Lemma 4.5, Part 2"),
    checks=(SympyProof("symbolic in n, a, omega", bound_algebra.amortization),),
))

_ERRATA = {
    "E9": ("Lemmas 4.4 and 4.5, Part 1", "T_mat(n, n, n^a) time in the worst case",
           "the worst case is the recompute of Lemma 4.9, T_mat(n, n^a, d): the printed bound is "
           "larger by a factor n/d (equal only when d = Theta(n))"),
    "E10": ("abstract (seed 001)", "O(n^{1+tau}) worst-case query time",
            "Theorem 4.1 and Lemma 4.7 give O(n^a): the abstract's bound is a factor n larger"),
    "E11": ("Theorem 1.3", "Init(Q, K, V) runs in O(T_mat(n, n, n)) time",
            "Theorem 4.1 and Lemma 4.3 give O(T_mat(n, d, n)); they agree only when d = Theta(n)"),
    "E12": ("abstract (seed 001) and Lemma 1.4", "no algorithm with ... O(n^{1+tau-Omega(1)}) worst query time",
            "Lemma 1.4 and Lemma 5.9 rule out query time O(n^(tau - Omega(1))), matching Theorem 4.1; "
            "the abstract's n^(1+tau) bounds are a factor n off on both sides"),
}
for key, (where, printed, correction) in _ERRATA.items():
    seed = "001" if "abstract" in where else "000"
    register(Lemma(
        id=f"DA-{key}", paper="DA", expect="erratum", corrected_by="DA-4.9",
        title=f"Erratum {key}: the printed bounds disagree ({where})",
        statement=f"Correction: {correction}.", literal=printed,
        source=Source(seed, "abstract" if seed == "001" else "section 1 / section 4", where),
        tags=("erratum", "bounds"),
        checks=(SympyProof("the two printed bounds as expressions (naive products)",
                           partial(bound_algebra.printed_pair, key)),),
    ))

register(Lemma(
    id="DA-E13", paper="DA", expect="erratum", corrected_by="DA-4.1",
    title="Erratum E13: Theorem 4.1 says UpdateK updates an entry of Q",
    statement="Correction: UpdateK(i, j, delta) updates K[i, j] (Algorithm 2 changes column i of A). "
              "Running Algorithm 2 and comparing with attention after changing Q[i, j] instead fails.",
    literal="UpdateK(i in [n], j in [d], delta in R). This operation updates one entry in Q",
    source=Source("000", S4, "Theorem 4.1 (and Theorem 1.3)"), tags=("erratum",),
    checks=(Direct("Algorithm 2 against a Q update", names_wrong_matrix, grade="holds"),),
))
