"""DA (arXiv 2304.02207) Theorem 1.3 (the upper bound, informal version of Theorem 4.1) and the
errata of its wording: the abstract's query unit (E12) and Theorem 4.1's "UpdateK updates an
entry of Q" (E13).

``looser_bounds``: z3 claims that Theorem 1.3's printed bounds are at least Theorem 4.1's under
the paper's assumption d = O(n) (naive products, as ``spec.da.amortization`` explains);
``column_reading``: the abstract's per-column reading of the query time.  The witnesses of the
errata are in ``spec.da.entry_witness`` and ``spec.da.wrong_matrix``.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.da.amortization import NAIVE, n, omega, tau, tmat
from spec.da.entry_witness import per_entry_reading_refuted
from spec.da.wrong_matrix import names_wrong_matrix
from spec.record_groups import RecordGroup
from spec.registry import Direct, SmtProof, Source, SympyProof


def looser_bounds() -> Iterator[tuple[str, Any, list[Any]]]:
    """z3 claims for DA-1.3: Theorem 1.3's Init O(T_mat(n, n, n)) and UpdateK
    O(T_mat(n, n^a, n) / n^a) are at least Theorem 4.1's T_mat(n, d, n) and Lemma 4.4's
    T_mat(n, n^a, d) / n^a when d <= n; the abstract's query time n^(1+tau) is at least Theorem
    4.1's n^a at a = tau (m = n^tau in [1, n])."""
    import z3

    N, D, M = z3.Reals("n d m")
    dims = [N >= 1, D >= 1, D <= N]
    yield ("Init: T_mat(n, n, n) >= T_mat(n, d, n) for 1 <= d <= n",
           tmat(N, N, N) >= tmat(N, D, N), dims)
    yield ("UpdateK: T_mat(n, n^a, n) / n^a >= T_mat(n, n^a, d) / n^a for 1 <= d <= n",
           tmat(N, M, N) / M >= tmat(N, M, D) / M, dims + [M >= 1, M <= N])
    yield ("Query: n^(1+tau) = n n^tau >= n^tau (m = n^tau >= 1)",
           N * M >= M, [N >= 1, M >= 1, M <= N])


def column_reading() -> Iterator[tuple[str, sympy.Expr, sympy.Expr]]:
    """The abstract's query times read per column of n entries (what the reductions' phase 3
    reads): n queries of Theorem 4.1's O(n^tau) cost n^(1+tau), the abstract's upper bound; n
    queries of Lemma 1.4's forbidden O(n^(tau - delta)) cost n^(1+tau-delta), the abstract's lower
    bound; and Lemma 1.4's update T_mat(n, n^tau, n) / n^(tau + delta) with T_mat(n, n^tau, n) =
    n^omega(1,1,tau) is the abstract's n^(omega - tau - delta)."""
    delta = sympy.Symbol("delta", positive=True)
    yield ("n queries of O(n^tau) = O(n^(1+tau)) (abstract, upper bound)", n * n**tau, n**(1 + tau))
    yield ("n queries of O(n^(tau-delta)) = O(n^(1+tau-delta)) (abstract, lower bound)",
           n * n**(tau - delta), n**(1 + tau - delta))
    yield ("update: n^omega(1,1,tau) / n^(tau+delta) = n^(omega-tau-delta)",
           n**omega / n**(tau + delta), n**(omega - tau - delta))


THEOREMS = RecordGroup("DA")

THEOREMS.register(
    id="DA-1.3", kind="theorem",
    title="Theorem 1.3 (upper bound): its bounds are looser, valid forms of Theorem 4.1's",
    statement="Theorem 1.3: for any constant a in (0, 1] and d = O(n) there is a dynamic data "
              "structure with O(n^2) space, Init in O(T_mat(n, n, n)), UpdateK (of K; see DA-E13) "
              "and UpdateV in O(T_mat(n, n^a, n)/n^a) amortized time and Query in O(n^a) worst-case "
              "time.  Each bound is at least the one Theorem 4.1's lemmas give: Init from Lemma 4.3's "
              "T_mat(n, d, n); UpdateK from Lemma 4.4's T_mat(n, n^a, d)/n^a; the abstract's "
              "O(n^(1+tau)) query time from Lemma 4.7's O(n^a) at a = tau, a factor n loose for one "
              "entry and exact for a column of n entries.",
    source=Source("000", "section 1 (and the abstract)", "Theorem 1.3; abstract"),
    cites=("DA-4.1", "DA-4.4", "DA-4.9", "omega-facts"),
    corrects="DA-E12",
    checks=(
        SmtProof("the printed bounds are at least Theorem 4.1's (z3)", looser_bounds,
                 scope=NAIVE),
        SympyProof("the abstract's bounds read per column of n entries", column_reading,
                   general=True, scope="all n, tau, delta, omega > 0 (identities of expressions)"),
    ),
    notes=("Formerly errata DA-E10 (the abstract's O(n^(1+tau)) query time against Theorem 4.1's "
           "O(n^a)) and DA-E11 (Theorem 1.3's Init O(T_mat(n, n, n)) against Theorem 4.1's "
           "O(T_mat(n, d, n))): both are valid upper bounds, looser by a factor n / d or n, so they "
           "are not errors.  Their old check (sympy: the two expressions differ) would pass for any "
           "two different bounds and is gone.  The abstract's unit (per column) is DA-E12."),
    tags=("bounds",),
)

THEOREMS.erratum(
    id="DA-E12", corrected_by="DA-1.3",
    title="Erratum E12: the abstract's query times are per column, its query per entry",
    statement="As printed, a query answers one entry (i, j) and no algorithm has both "
              "O(n^(omega(1,1,tau)-tau-Omega(1))) amortized update and O(n^(1+tau-Omega(1))) worst "
              "query time.  Read per entry this is false (an explicit O(n)/O(n) algorithm meets both); "
              "the bounds are those of Lemma 1.4 and Theorem 4.1 for a column of n queries.",
    literal=("In the query stage, we receive (i,j) in [n] x [d] as input, and want to answer "
             "(D^{-1} A V)_{i,j} ... there is no algorithm that can use both "
             "O(n^{omega(1,1,tau)-tau-Omega(1)}) amortized update time, and O(n^{1+tau-Omega(1)}) "
             "worst query time."),
    source=Source("001", "abstract", "abstract (lower bound; cf. Lemma 1.4)"),
    cites=("DA-1.4", "omega-facts"),
    tags=("erratum", "bounds"),
    checks=(Direct("per-entry reading against an explicit-kernel algorithm (counted, z3 on the "
                   "exponents)", per_entry_reading_refuted, grade="holds"),),
    severity="typo", root_cause="DA-abstract-query-unit",
    readings=(
        "Per column (most charitable): 'query time' is the cost of reading a column of n entries, "
        "as the reduction's phase 3 does; then n^(1+tau) is n times Theorem 4.1's O(n^tau) and "
        "the lower bound is n times Lemma 1.4's O(n^(tau-Omega(1))), update bounds equal (d = n): "
        "upper and lower bound agree with the body, and only the unit is unstated.",
        "Per entry (the abstract's own definition of the query stage): false for every tau in "
        "(0, 1): keeping A and D explicitly gives O(n) worst-case updates of K or V and O(n) "
        "entry queries, within both forbidden bounds since omega(1,1,tau) >= 2 (the check).",
    ),
)

THEOREMS.erratum(
    id="DA-E13", corrected_by="DA-4.1",
    title="Erratum E13: Theorem 4.1 says UpdateK updates an entry of Q",
    statement="Correction: UpdateK(i, j, delta) updates K[i, j] (Algorithm 2 changes column i of A). "
              "Running Algorithm 2 and comparing with attention after changing Q[i, j] instead fails.",
    literal="UpdateK(i in [n], j in [d], delta in R). This operation updates one entry in Q",
    source=Source("000", "section 4", "Theorem 4.1 (and Theorem 1.3)"), tags=("erratum",),
    cites=("DA-4.4", "DA-4.6", "DA-4.8", "DA-4.9"),
    checks=(Direct("Algorithm 2 against a Q update, every entry of n = 3, d = 2", names_wrong_matrix,
                   grade="holds"),),
    severity="typo", root_cause="DA-4.1-UpdateK-Q",
    readings=(
        "UpdateK updates K (its name, Algorithm 2 and Lemma 4.4 say so): then Theorem 4.1 holds; "
        "the 'Q' of the text (and UpdateV's 'same amortized time as Q update') is a slip of the "
        "pen whose intent is plain.",
        "As printed, the operation changes Q[i, j]: Algorithm 2 then answers attention with K "
        "updated, not Q (the check, every entry of three random instances).",
    ),
)
