"""How Lemma 4.3 (Rubinstein's Gap-ANN hardness, an assumption) and Lemma 4.7 (the reduction)
compose into Theorem 4.6 of AS (arXiv 2302.13214), and Theorem 4.6 into its informal form
Theorem 1.3: the parameter algebra, proved by z3 over the reals for every value.

Reading of "requires Omega(n^(2 - q)) time" (Lemma 4.3, Theorem 4.6) and "no O(n^(2 - q)) time
algorithm" (Theorem 1.3): the usual fine-grained one, no algorithm runs in time O(n^(2 - q')) for
any q' > q; both hypotheses are quantified over every (sufficiently small) q, so the two forms
agree.  Times are compared by their exponents of n.

Theorem 4.6 from Lemmas 4.3 and 4.7: take ``q`` in (0, 0.1) and ``C_gamma`` in (q, 0.1) (this is
why q must be "sufficiently small": Lemma 4.7 needs ``C_gamma < 0.1``).  An AAttC algorithm in
time ``O(N^(2 - q'))``, ``q' > q``, on ``N = 2n`` gives Gap-ANN in ``O(n^(2 - q') + n^(2 - C_gamma))``,
whose exponent is below ``2 - q``: Lemma 4.3 (at q) forbids it.  The constants: Lemma 4.7's
``C_b^2 = 40 C / (C_0 eps)`` depends on the instance through ``t = C_0 ln n`` (``c <= C_0 <= C``
in its Case 2), so the theorem takes the worst case ``C_beta^2 = 40 C / (c eps)`` and
``C_alpha = 2 + 40 C / (c eps) + 40 / eps``, which bound every instance's ``B^2 / ln n`` and
``C_a``; ``C_beta > 1`` since ``C_b^2 >= 40`` (``C_0 <= C``, ``eps < 1``).  Sizes: the reduction's
``d~ = 2 C ln n`` is padded to ``d' = 2 C ln N`` with the rows of ``Q`` and ``K`` scaled by
``sqrt(d' / d~)`` (the logits ``Q K^T / d'`` are unchanged), which makes the squared entries exactly
``C_b^2 ln N``; ``n^(-C_a) >= N^(-C_a)``.  Rounding ``d'`` to an integer is ignored, as in the
paper.

Theorem 1.3 from Theorem 4.6: for every ``q > 0``, Theorem 4.6 at ``q_0 = min(q, 0.09) / 2``
forbids every exponent ``2 - q'`` with ``q' > q_0``, ``2 - q`` among them.  Lemma 4.7's parameter
algebra puts ``B^2 / ln n = C_b^2`` between ``40 / eps`` and ``40 C / (c eps)``: the lower bound
holds at ``B = Theta(sqrt(log n))``, the threshold of Theorem 1.3.
"""

from __future__ import annotations

from typing import Any, Iterator

from spec.registry import SmtProof
from spec.sum_induction import Claim


def _z3() -> Any:
    import z3

    return z3


def theorem_4_6(gap_at_q: bool = False) -> Iterator[Claim]:
    """``gap_at_q``: ``C_gamma = q`` allowed (a broken claim: the lookup case then costs
    ``n^(2 - q)`` and Lemma 4.3 is not contradicted)."""
    z3 = _z3()
    q, qp, Cg = z3.Reals("q q_prime C_gamma")
    gap = Cg >= q if gap_at_q else Cg > q
    yield ("a C_gamma in (q, 0.1) exists for every q in (0, 0.1): C_gamma = (q + 0.1) / 2",
           z3.And(q < (q + z3.RealVal("1/10")) / 2, (q + z3.RealVal("1/10")) / 2 < z3.RealVal("1/10")),
           [q > 0, q < z3.RealVal("1/10")])
    yield ("AAttC in O(N^(2 - q')), q' > q, and Lemma 4.7: Gap-ANN in O(n^(2 - q') + n^(2 - C_gamma)), "
           "exponent < 2 - q",
           z3.If(2 - qp >= 2 - Cg, 2 - qp, 2 - Cg) < 2 - q,
           [q > 0, qp > q, gap, Cg < z3.RealVal("1/10")])
    l2 = z3.Real("ln_2")
    yield ("N = 2n: N^(2 - q') = 2^(2 - q') n^(2 - q') <= 4 n^(2 - q')", (2 - qp) * l2 <= 2 * l2,
           [qp > 0, l2 > 0])
    C, c, C0, eps, Cb2, Cbeta2, Calpha = z3.Reals("C c C_0 eps C_b2 C_beta2 C_alpha")
    consts = [C > 0, c > 0, c <= C0, C0 <= C, eps > 0, eps < 1, Cb2 * C0 * eps == 40 * C,
              Cbeta2 * c * eps == 40 * C, Calpha * c * eps == 2 * c * eps + 40 * C + 40 * c]
    Ca = 2 + Cb2 * (1 + C0 / C)
    yield ("worst-case constants: C_b^2 <= C_beta^2 = 40 C / (c eps), C_a <= C_alpha, and C_beta^2 >= "
           "C_b^2 >= 40 > 1", z3.And(Cb2 <= Cbeta2, Ca <= Calpha, Cb2 >= 40, Cbeta2 > 1), consts)
    L, LN, d_t, d_p, beta, Ca_ = z3.Reals("ln_n ln_N d_tilde d_pad beta C_a")
    sizes = [L > 0, l2 > 0, LN == L + l2, d_t == 2 * C * L, d_p == 2 * C * LN, C > 0, Cb2 > 0,
             Cbeta2 >= Cb2, beta == Cb2 * L, Ca_ > 0]
    yield ("padding d~ = 2C ln n to d' = 2C ln N: d' >= d~, squared entries beta d'/d~ <= C_beta^2 ln N, "
           "and n^(-C_a) >= N^(-C_a)",
           z3.And(d_p >= d_t, beta * d_p <= Cbeta2 * LN * d_t, -Ca_ * L >= -Ca_ * LN), sizes)


def theorem_1_3(q0_equal_q: bool = False) -> Iterator[Claim]:
    """``q0_equal_q``: Theorem 4.6 applied at ``q_0 = q`` itself (a broken claim: ``q`` may exceed
    the "sufficiently small" range)."""
    z3 = _z3()
    q, q0 = z3.Reals("q q_0")
    choice = q if q0_equal_q else z3.If(q < z3.RealVal("9/100"), q, z3.RealVal("9/100")) / 2
    yield ("q_0 = min(q, 0.09) / 2 lies in (0, 0.1) and q_0 < q: Theorem 4.6 at q_0 forbids O(n^(2 - q))",
           z3.And(q0 > 0, q0 < z3.RealVal("1/10"), q0 < q), [q > 0, q0 == choice])
    C, c, C0, eps, Cb2 = z3.Reals("C c C_0 eps C_b2")
    yield ("B^2 / ln n = C_b^2 lies between 40 / eps and 40 C / (c eps): B = Theta(sqrt(log n))",
           z3.And(Cb2 * eps >= 40, Cb2 * c * eps <= 40 * C, Cb2 > 0),
           [C > 0, c > 0, c <= C0, C0 <= C, eps > 0, eps < 1, Cb2 * C0 * eps == 40 * C])


READING = ("'requires Omega(n^(2 - q))' and 'no O(n^(2 - q)) algorithm' read as: no algorithm in time "
           "O(n^(2 - q')) for any q' > q; times compared by their exponents of n")

THEOREM_4_6 = SmtProof("Lemmas 4.3 and 4.7 compose: exponents, worst-case constants, padded sizes",
                       theorem_4_6,
                       scope="all real q in (0, 0.1), q' > q, C_gamma in (q, 0.1), C, c <= C_0 <= C, eps in "
                             "(0, 1), ln n > 0; " + READING + "; d rounded to an integer not modelled")
THEOREM_1_3 = SmtProof("Theorem 4.6 for every q > 0, and B = Theta(sqrt(log n)) from Lemma 4.7's constants",
                       theorem_1_3, scope="all real q > 0, C, c <= C_0 <= C, eps in (0, 1); " + READING)
