"""The main theorems of AS (arXiv 2302.13214): Theorem 4.6 (the lower bound) and the informal
Theorems 1.3 and 1.4 of section 1.1, with the outside results the lower bound rests on.

Each theorem checks what can be checked: that the statements it cites compose with its
parameters as printed (:mod:`spec.as_.upper_bound_composition_proof`,
:mod:`spec.as_.lower_bound_composition_proof`), including that the thresholds B = o(sqrt(log n))
and B = Theta(sqrt(log n)) follow from Theorem 3.7's and Lemma 4.7's parameter algebra.  What the
composition does not check is carried by the cited records and by the assumptions, SETH and
Rubinstein's hardness of approximate nearest neighbour search, which are never checked here.
Theorems 3.7 and 3.8 are in :mod:`spec.as_.algorithm_one` and :mod:`spec.as_.almost_linear_time`.
"""

from __future__ import annotations

from spec.as_ import lower_bound_composition_proof as lower
from spec.as_ import upper_bound_composition_proof as upper
from spec.record_groups import RecordGroup
from spec.registry import Assumption, Source, register_assumption

register_assumption(Assumption(
    id="SETH", paper="AS", title="Strong Exponential Time Hypothesis",
    statement=("For every eps > 0 there is a positive integer k >= 3 such that k-SAT on formulas with n "
               "variables cannot be solved in O(2^((1 - eps) n)) time, even by a randomized algorithm."),
    source=Source(seed="002", section="4.1", number="Hypothesis 4.1"),
    reference="R. Impagliazzo and R. Paturi, On the complexity of k-SAT, JCSS 62(2), 2001 ([17] of AS)",
))

register_assumption(Assumption(
    id="Rubinstein-GapANN", paper="AS",
    title="Hardness of approximate Hamming nearest neighbour search (Rubinstein), and of Gap-ANN",
    statement=("Assuming SETH, for every q > 0 there are eps in (0, 1) and C > 0 such that (1 + eps)-"
               "approximate Hamming nearest neighbour search for n vectors of dimension d = C log n requires "
               "Omega(n^(2 - q)) time (Lemma 4.3); and so does Gap-ANN(n, d = C log n, t, eps), since "
               "log(nd) calls of a Gap-ANN algorithm binary-search the answer (the paper's remark after "
               "Definition 4.5, not checked here)."),
    source=Source(seed="002", section="4.2", number="Lemma 4.3 (and the remark after Definition 4.5)"),
    reference="A. Rubinstein, Hardness of approximate nearest neighbor search, STOC 2018 ([23] of AS)",
))

MAIN_THEOREMS = RecordGroup("AS")

MAIN_THEOREMS.theorem(
    "AS-4.6", "4.3", "Theorem 4.6", title="Theorem 4.6: the lower bound for B = Theta(sqrt(log n))",
    statement=("Assuming SETH, for every sufficiently small q > 0 there are constants C > 0, C_alpha > 0 and "
               "C_beta > 1 such that AAttC(n, d = C log n, B = C_beta sqrt(log n), eps_a = n^(-C_alpha)) "
               "requires Omega(n^(2 - q)) time.  Checked: that Lemma 4.3 and Lemma 4.7 compose with these "
               "parameters (exponents, constants, sizes), under the reading of the scope."),
    checks=(lower.THEOREM_4_6,),
    notes=("'Sufficiently small' is q < 0.1: Lemma 4.7 needs C_gamma in (q, 0.1).  Lemma 4.7's C_b^2 = "
           "40 C/(C_0 eps) depends on the instance through t = C_0 log n; read charitably, the theorem "
           "takes the worst case C_0 = c (c <= C_0 <= C in Case 2), whose constants dominate every "
           "instance's.  The reduction's AAttC instance has n~ = 2n and d~ = 2C log n (4C log n for "
           "unbalanced input, AS-4.7-size/literal); padding to 2C log n~ with rescaled rows gives the "
           "form of the theorem with C_beta = C_b.  Lemma 4.7 is checked on the implementation and "
           "its steps in general; Lemma 4.3 and SETH are assumptions."),
    cites=("Rubinstein-GapANN", "AS-4.7", "SETH"),
)

MAIN_THEOREMS.theorem(
    "AS-1.3", "1.1", "Theorem 1.3", title="Theorem 1.3: lower bound (informal version of Theorem 4.6)",
    statement=("Assuming SETH, for every q > 0 there are constants C, C_a, C_b > 0 such that there is no "
               "O(n^(2 - q)) time algorithm for AAttC(n, d = C log n, B = C_b sqrt(log n), eps_a = "
               "n^(-C_a)).  Checked: that Theorem 4.6 gives it for every q > 0, and that Lemma 4.7's "
               "parameters put B at Theta(sqrt(log n))."),
    checks=(lower.THEOREM_1_3,),
    notes=("Theorem 1.3 says 'for every q > 0', Theorem 4.6 'for every sufficiently small q > 0': "
           "Theorem 4.6 at a smaller q_0 gives it."),
    cites=("AS-4.6", "SETH"),
)

MAIN_THEOREMS.theorem(
    "AS-1.4", "1.1", "Theorem 1.4", title="Theorem 1.4: upper bound (informal version of Theorem 3.8)",
    statement=("Algorithm 1 solves AAttC(n, d = O(log n), B = o(sqrt(log n)), eps_a = 1/poly(n)) in time "
               "n^(1 + o(1)).  Checked: that the threshold is where Theorem 3.7's algebra puts it: its "
               "degree g (at least K_lo B^2) is o(log n) only if B = o(sqrt(log n)); Theorem 3.8 (cited) "
               "has the converse and the time."),
    checks=(upper.THRESHOLD_1_4,),
    notes=("The same parameters as Theorem 3.8.  The threshold claim is about Theorem 3.7's degree: at "
           "B = Theta(sqrt(log n)) the degree is Theta(log n), so the rank bound of Theorem 3.8's proof "
           "no longer gives n^(o(1)); Theorem 1.3 shows no algorithm does, assuming SETH."),
    cites=("AS-3.8",),
)
