"""AS hardness (seed 002 section 4): Remark 4.4, Definition 4.5, Lemma 4.7 step by step.

Every decision comes from ``impl.reductions.ann`` (the attention case through
``impl.attention.attention`` on mpmath arrays, wrapped by the adversarial oracles of
``spec.reductions.ann``); the direct answer is ``spec.reductions.ann.classes``.
"""

from __future__ import annotations

from spec.profiles import Profile
from spec.reductions import ann as S
from spec.registry import Direct, Exhaustive, Lemma, Property, Source, SympyProof, register

SEC = "4.3"
L47 = Source(seed="002", section=SEC, number="Lemma 4.7")
ENC = {"encode": S.encode, "decode": S.decode}
BAL = "balanced d = 2 (n = 2, 3; deep n <= 4), d = 4 (deep, n = 2), raw d = 1 (n = 2, 3)"


def _exh(name: str, family, predicate) -> Exhaustive:
    return Exhaustive(name=name, instances=family, predicate=predicate, **ENC)


def _fam(predicate) -> Exhaustive:
    return _exh(f"every instance: {BAL}", S.family, predicate)


def _pairs(profile: Profile):
    return S.pair_family(8 if profile.deep else 6)


# ------------------------------------------------------------------------------ 4.4, 4.5
register(Lemma(
    id="AS-4.4", paper="AS", title="Remark 4.4: balancing with the complement",
    statement=("a~ = [a, 1 - a] has ||a~||_0 = d and ||a~ - b~||_0 = 2 ||a - b||_0, so Gap-ANN "
               "(A, B, t, eps) and (A~, B~, 2t, eps) have the same classes."),
    source=Source(seed="002", section="4.2", number="Remark 4.4"),
    checks=(_exh("every raw instance n = 2, d <= 2 (deep: n = 3)", S.raw_family, S.check_balance),
            _fam(S.check_balance)),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.5", paper="AS", title="Definition 4.5: Gap-ANN promise classes",
    statement=("For each a_i: near if some ||a_i - b_j||_0 < t, far if every ||a_i - b_j||_2^2 >= "
               "(1 + eps) t, otherwise outside the promise (no answer is required; results mark "
               "such rows)."),
    source=Source(seed="002", section="4.2", number="Definition 4.5"),
    checks=(_exh("every raw instance n = 2, d <= 2", S.raw_family, S.check_promise),),
    notes="Typo: 'B = {b_1, ..., a_n}' should end in b_n.",
    tags=("reduction", "ann"),
))

# ------------------------------------------------------------------------------ case 1
register(Lemma(
    id="AS-4.7-case1", paper="AS", title="Lemma 4.7, case t < c log n: lookup table",
    statement=("Storing B in a lookup table and probing every vector within Hamming distance < t "
               "of a_i decides every row inside the promise, with at most n sum_(k < t) binom(d, k) "
               "probes; with t < c log n and f(C, c) = C H(c/C) < 1 - C_gamma this is at most "
               "n^(1 + f) < n^(2 - C_gamma)."),
    source=L47,
    checks=(_exh("every raw instance n = 2, d <= 2 (deep: n = 3)", S.raw_family, S.check_lookup),
            _fam(S.check_lookup),
            Direct(name="c, f(C, c) and measured probes", run=S.case1_table, grade="holds")),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-case1-count/literal", paper="AS", title="Lemma 4.7, case 1: number of probes",
    statement=("As printed: iterating over all b' with Hamming distance at most t from a_i takes "
               "binom(d, t) choices per i, n binom(d, t) in total."),
    source=L47, expect="erratum",
    literal=("we iterate over all vectors b' in {0,1}^d which have Hamming distance at most t from "
             "a_i ... we need to iterate over binom(d, t) choices for the vector b'"),
    corrected_by="AS-4.7-case1-count",
    checks=(_exh("n = 2, d = 1..6 (deep 1..10), t = 1..d", S.lookup_count_family,
                 S.check_lookup_count_literal),),
    notes="The ball of radius t has sum_(k <= t) binom(d, k) points; asymptotically the same bound.",
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-case1-count", paper="AS", title="Lemma 4.7, case 1: number of probes, corrected",
    statement=("Probing radius r (r = ceil(t) - 1 for distances < t, floor(t) for <= t) costs "
               "exactly n sum_(k <= r) binom(d, k) probes (<= n e^(d H(r/d)) for r <= d/2)."),
    source=L47, corrects="AS-4.7-case1-count/literal",
    checks=(_exh("n = 2, d = 1..6 (deep 1..10), t = 1..d", S.lookup_count_family,
                 S.check_lookup_count),
            _fam(S.check_lookup_count)),
    tags=("reduction", "ann"),
))

# ------------------------------------------------------------------------------ the matrix A, D
register(Lemma(
    id="AS-4.7-A/literal", paper="AS", title="Lemma 4.7: the printed attention matrix A",
    statement=("As printed: A = exp(Q K^T / d~) has exp(beta <a_i, b_j>/d~) in the upper-left "
               "block, tau = e^beta in both right blocks and 0 in the lower-left block."),
    source=L47, expect="erratum",
    literal="A = [[exp(beta <a_i, b_j>/d~) ..., tau ... tau], [0 ... 0, tau ... tau]]",
    corrected_by="AS-4.7-A",
    checks=(_fam(S.check_A_literal),),
    notes=("The printed Q and K give <sqrt(beta) 1_d, sqrt(beta) 1_d> / d~ = beta d / (2d) = beta/2 "
           "in the right blocks and exp(0) = 1 in the lower-left block."),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-A", paper="AS", title="Lemma 4.7: the attention matrix A, corrected",
    statement=("A = exp(Q K^T / d~) has exp(beta <a_i, b_j>/d~) in the upper-left block, "
               "e^(beta/2) (the corrected tau) in both right blocks and 1 in the lower-left block."),
    source=L47, corrects="AS-4.7-A/literal",
    checks=(_fam(S.check_A_corrected),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-eq10", paper="AS", title="Lemma 4.7, Eq. (10): A_ij <= tau",
    statement=("A_ij = exp(beta <a_i, b_j>/d~) <= exp(beta) for i, j < n; for balanced vectors "
               "even <= exp(beta/4), so also below the corrected tau = e^(beta/2)."),
    source=L47,
    checks=(_fam(S.check_eq10),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-eq11", paper="AS", title="Lemma 4.7, Eq. (11): A_ij >= 0",
    statement="A_ij >= 0 for i, j < n (in fact >= 1, the logits being >= 0).",
    source=L47,
    checks=(_fam(S.check_eq11),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-D/literal", paper="AS", title="Lemma 4.7: n tau <= D_ii <= 2 n tau as printed",
    statement="As printed, with tau = e^beta: n tau <= (A 1)_i = D_ii <= 2 n tau for every i in [2n].",
    source=L47, expect="erratum",
    literal="n tau <= D_{i,i} <= 2 n tau, for all i in [n~]",
    corrected_by="AS-4.7-D",
    checks=(_fam(S.check_D("printed")),),
    notes=("D_ii <= n e^(beta/4) + n e^(beta/2) < n e^beta as soon as beta > 1.13; the upper bound "
           "holds, the lower bound (used by Case 2b) fails on every instance of the lemma."),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-D", paper="AS", title="Lemma 4.7: bounds on D, corrected",
    statement="With tau = e^(beta/2): n tau <= D_ii <= 2 n tau for every i in [2n].",
    source=L47, corrects="AS-4.7-D/literal",
    checks=(_fam(S.check_D("corrected")),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-eq12", paper="AS", title="Lemma 4.7, Eq. (12) and t~ >= eps_a",
    statement=("t~ = exp(0.25 beta (1 - t/d)) / (6 n tau) and the chain of equalities after Eq. (12); "
               "t~ >= eps_a = n^(-C_a), for tau = e^beta as printed and for tau = e^(beta/2)."),
    source=L47,
    checks=(SympyProof(name="chain, tau = e^beta (printed)", identities=lambda: S.eq12_chain("printed")),
            SympyProof(name="chain, tau = e^(beta/2)", identities=lambda: S.eq12_chain("corrected")),
            Exhaustive(name="t~ >= eps_a exactly, grid of n, d, t, eps (both tau)",
                       instances=lambda profile: S.eq12_grid(),
                       predicate=S.check_eq12_both)),
    notes=("The proof's step list is misnumbered ('the second step follows from choice of beta "
           "(Eq. (7))' twice); each equality holds."),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-eq13", paper="AS", title="Lemma 4.7, Eq. (13): exp(0.25 beta eps t/d) = n^10 > 4n",
    statement=("With C_b^2 = 40 C/(C_0 eps): exp(0.25 beta eps t / d) = n^10, and n^10 > 4n (even "
               ">= 8n, which the corrected Case 2b needs) for n >= 2."),
    source=L47,
    checks=(SympyProof(name="exp(0.25 beta eps t/d) = n^10", identities=S.eq13_identities),
            Exhaustive(name="n^10 >= 8n > 4n for n = 2..199 (deep ..999)", instances=S.eq13_family,
                       predicate=S.check_eq13_bound)),
    notes="n = 1 (n^10 = 1 < 4) is outside the lemma: d = C log n needs n >= 2.",
    tags=("reduction", "ann"),
))

# ------------------------------------------------------------------------------ Case 2a, 2b
register(Lemma(
    id="AS-4.7-2a-ip", paper="AS", title="Case 2a, first step",
    statement="||a - b||^2 <= t implies beta <a, b>/d~ >= 0.25 beta (1 - t/d) (balanced a, b).",
    source=L47,
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2a_ip),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2a", paper="AS", title="Case 2a: a near row is decided near",
    statement=("If some ||a_i - b_j||^2 <= t then (D^{-1} A v)_i >= exp(0.25 beta (1 - t/d))/(2 n tau) "
               "= 3 t~ and any output within eps_a <= t~ is >= t~_0 = 2 t~ (both tau: the step "
               "only uses D_ii <= 2 n tau, which holds)."),
    source=L47,
    checks=(_fam(S.check_case_2a("printed")), _fam(S.check_case_2a("corrected"))),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b-ip/literal", paper="AS", title="Case 2b, first step as printed",
    statement="As printed: ||a - b||^2 > t(1 + eps) implies beta <a, b>/d <= 0.25 beta (1 - t(1+eps)/d).",
    source=L47, expect="erratum",
    literal="beta <a_i, b_j>/d <= 0.25 beta (1 - t(1+eps)/d)",
    corrected_by="AS-4.7-2b-ip",
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2b_ip_literal),),
    notes="The left side should be divided by d~ = 2d (as in Case 2a), not by d.",
    tags=("reduction", "ann", "typo"),
))

register(Lemma(
    id="AS-4.7-2b-ip", paper="AS", title="Case 2b, first step corrected",
    statement=("||a - b||^2 >= t(1 + eps) implies beta <a, b>/d~ <= 0.25 beta (1 - t(1+eps)/d) "
               "(non-strict, so Definition 4.5's boundary ||a - b||^2 = (1+eps) t is covered)."),
    source=L47, corrects="AS-4.7-2b-ip/literal",
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2b_ip),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b-step/literal", paper="AS", title="Case 2b, second step as printed",
    statement=("As printed: n exp(0.25 beta (1 - (1+eps) t/d))/(n tau) = exp(0.25 beta (1 - t/d))/"
               "(2 n tau) * (n / exp(0.25 beta eps t/d))."),
    source=L47, expect="erratum",
    literal="(n exp(0.25 beta (1-(1+eps)t/d)))/(n tau) = exp(0.25 beta (1-t/d))/(2 n tau) * (n/exp(0.25 beta eps t/d))",
    corrected_by="AS-4.7-2b-step",
    checks=(SympyProof(name="log of both sides", identities=lambda: S.case_2b_step("printed")),),
    notes="Off by a factor 2: the factor is 2n; Eq. (13) then needs exp(..) >= 8n, still true for n >= 2.",
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b-step", paper="AS", title="Case 2b, second step corrected",
    statement=("n exp(0.25 beta (1 - (1+eps) t/d))/(n tau) = exp(0.25 beta (1 - t/d))/(2 n tau) * "
               "(2n / exp(0.25 beta eps t/d)) = 3 t~ * 2n / n^10 <= (3/4) t~ for n >= 2."),
    source=L47, corrects="AS-4.7-2b-step/literal",
    checks=(SympyProof(name="log of both sides", identities=lambda: S.case_2b_step("corrected")),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b/literal", paper="AS", title="Case 2b as printed: a far row is decided far",
    statement=("As printed (tau = e^beta): if every ||a_i - b_j||^2 >= (1+eps) t then "
               "(D^{-1} A v)_i <= (3/4) t~ and every output within eps_a is < t~_0."),
    source=L47, expect="erratum",
    literal="u_i < (n exp(0.25 beta (1-(1+eps)t/d)))/(n tau) + t~ ... <= 3 t~ / 4 + t~ = 2 t~ = t~_0",
    corrected_by="AS-4.7-2b",
    checks=(_fam(S.check_case_2b("printed")),),
    notes=("The first step divides by D_ii >= n tau (AS-4.7-D/literal); the true D_ii is about "
           "n e^(beta/2), so (D^{-1} A v)_i >= 1/(2 e^(beta/2)), far above t~_0 ~ e^(-0.75 beta)/n."),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b", paper="AS", title="Case 2b corrected",
    statement=("With tau = e^(beta/2): if every ||a_i - b_j||^2 >= (1+eps) t then (D^{-1} A v)_i "
               "<= 3 t~ * 2n / n^10 <= (3/4) t~, and every output within eps_a <= t~ is < t~_0."),
    source=L47, corrects="AS-4.7-2b/literal",
    checks=(_fam(S.check_case_2b("corrected")),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-goal/literal", paper="AS", title="Lemma 4.7: the goal stated before Case 2a",
    statement=("As printed: the algorithm determines for each i whether some ||a_i - b_j||^2 <= t or "
               "all are >= (1 + eps_a) t."),
    source=L47, expect="erratum",
    literal=("Recall that our goal is to determine, for each i, whether there is a j such that "
             "||a_i - b_j||^2 <= t, or whether ||a_i - b_j||^2 >= (1 + eps_a) t for all j"),
    corrected_by="AS-4.7",
    checks=(_exh("balanced d = 2, n = 2, t in {1.5, 1.75, 1.9}, eps = 1", S.goal_family,
                 S.check_goal_literal),),
    notes="eps_a (the attention error) stands where Definition 4.5's gap eps belongs.",
    tags=("reduction", "ann", "typo"),
))

# ------------------------------------------------------------------------------ end to end
register(Lemma(
    id="AS-4.7/literal", paper="AS", title="Lemma 4.7 as printed (tau = e^beta)",
    statement=("The printed reduction: Q, K, v as printed, one AAttC(2n, 2d, B, eps_a) call, and "
               "u_i >= t~_0 = exp(0.25 beta (1 - t/d))/(3 n e^beta) decides near, for every "
               "approximate output within eps_a."),
    source=L47, expect="erratum",
    literal=("We will show next that we can distinguish these two cases by seeing whether u_i is "
             "greater than or less than the value t~_0 := 2 t~."),
    corrected_by="AS-4.7",
    checks=(_fam(S.check_attention("printed")),),
    notes="Every far row is decided near: the threshold is e^(beta/2) times too small.",
    tags=("reduction", "ann"),
))


register(Lemma(
    id="AS-4.7", paper="AS", title="Lemma 4.7: Gap-ANN through approximate attention, corrected",
    statement=("For t >= c log n: balance (Remark 4.4), build Q, K (2n x 2d, entries sqrt(beta) or "
               "0) and V = [v, 0] with v = [1_n; 0_n], call any AAttC(2n, 2d, B, eps_a) algorithm "
               "once with A = exp(Q K^T / d~), and decide near iff u_i >= t~_0 = 2 t~ where t~ = "
               "exp(0.25 beta (1 - t/d))/(6 n tau) with tau = e^(beta/2).  For t < c log n the "
               "lookup table decides (AS-4.7-case1)."),
    source=L47, corrects="AS-4.7/literal",
    checks=(
        Exhaustive(name=("every instance, oracles exact / worst / +eps_a / -eps_a (deep: and every "
                         f"sign pattern for n <= 4): {BAL}"),
                   instances=S.family_with_patterns, predicate=S.check_attention("corrected"), **ENC),
        Property(name="random instances n <= 16 (exact and worst-case oracle)",
                 strategy=lambda: S.instance_strategy(), predicate=S.check_attention_quick,
                 weight=0.1, **ENC),
        Direct(name="Hypothesis batch (2000 in deep)", run=S.hypothesis_batch, grade="holds"),
        Direct(name="sizes, calls, precision and magnitudes", run=S.cost_table, grade="holds"),
    ),
    notes=("Also typos without computational content: Q's and K's blocks '0_n' have d columns "
           "(0_d), and 'V a matrix with one row v' is one column v."),
    tags=("reduction", "ann"),
))
