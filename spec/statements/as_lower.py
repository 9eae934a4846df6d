"""AS hardness (seed 002 section 4): Remark 4.4, Definition 4.5, Lemma 4.7 step by step.

Every decision comes from ``impl.reductions.ann`` (the attention case through
``impl.attention.attention`` on mpmath arrays, wrapped by the adversarial oracles of
``spec.reductions.ann``); the direct answer is ``spec.reductions.ann.classes``.
"""

from __future__ import annotations

from spec.profiles import Profile
from spec.reductions import ann as S
from spec.reductions import ann_smt as Z
from spec.registry import (Direct, Erratum, Exhaustive, Lemma, Property, SmtProof, Source, SympyProof,
                           register)

SEC = "4.3"
L47 = Source(seed="002", section=SEC, number="Lemma 4.7")
ENC = {"encode": S.encode, "decode": S.decode}
BAL = "balanced d = 2 (n = 2, 3; deep n <= 4), d = 4 (deep, n = 2), raw d = 1 (n = 2, 3)"
#: what the exhaustive families cover (spec.reductions.ann); decisions computed in mpmath at the
#: reduction's precision (>= 64 guard bits), comparisons with a margin of 2^-(precision - 64)
FAM_SCOPE = ("every instance of: balanced d = 2 with n in {2, 3}, (t, eps) in {(1, 1), (1, 1/2), "
             "(2, 1/2)}; raw d = 1 (balanced by Remark 4.4) with n = 2, (t, eps) in {(1, 1), "
             "(1/2, 1)}, and n = 3, (t, eps) = (1, 1); deep adds n = 4 and d = 4 (n = 2) and three "
             "more (t, eps) pairs; mpmath at the reduction's precision")
RAW_SCOPE = ("every instance with n = 2, raw d in {1, 2}, (t, eps) in {(1/2, 1), (1, 1), (3/2, 1/2), "
             "(2, 1/4)} with t <= d (deep: also n = 3, d = 2); exact integers")
PAIR_SCOPE = ("every balanced pair (a, b) of even dimension d <= 6 (deep 8), t = 1 .. d-1, "
              "eps in {1/4, 1/2, 1}; exact rationals")
SYMBOLIC = "all n, C, C_0, eps > 0 (logarithms of both sides, tau symbolic where it appears)"
COUNT_SCOPE = "n = 2, d = 1 .. 6 (deep 1 .. 10), t = 1 .. d (the count does not depend on the vectors)"
#: the one fix of Lemma 4.7's errata that follow from Eq. (5)
TAU = "AS-4.7-tau"
TAU_READINGS = (
    "tau := exp(beta) as Eq. (5) defines it, with Q, K as printed: the right-block logits are "
    "<sqrt(beta) 1_d, sqrt(beta) 1_d> / d~ = beta d / (2d) = beta / 2, so those entries are "
    "e^(beta/2) = tau^(1/2), not tau.",
    "d~ read as d in the exponent (so that the right blocks would be e^beta): Eq. (6) sets d~ := 2d "
    "and AAttC divides by its own dimension, so this contradicts the construction.",
    "tau as a mere upper bound on the entries (the text's 'intuitively ... tau will be an upper "
    "bound'): Eq. (10) then holds, but D_ii >= n tau (used by Case 2b) fails as soon as "
    "beta > 1.13, and the threshold t~_0 is e^(beta/2) too small, so far rows are decided near.",
)


def _exh(name: str, family, predicate, scope: str) -> Exhaustive:
    return Exhaustive(name=name, instances=family, predicate=predicate, scope=scope, **ENC)


def _fam(predicate) -> Exhaustive:
    return _exh(f"every instance: {BAL}", S.family, predicate, FAM_SCOPE)


def _pairs(profile: Profile):
    return S.pair_family(8 if profile.deep else 6)


# ------------------------------------------------------------------------------ 4.4, 4.5
register(Lemma(
    id="AS-4.4", paper="AS", title="Remark 4.4: balancing with the complement",
    statement=("a~ = [a, 1 - a] has ||a~||_0 = d and ||a~ - b~||_0 = 2 ||a - b||_0, so Gap-ANN "
               "(A, B, t, eps) and (A~, B~, 2t, eps) have the same classes."),
    source=Source(seed="002", section="4.2", number="Remark 4.4"),
    checks=(_exh("every raw instance n = 2, d <= 2 (deep: n = 3)", S.raw_family, S.check_balance,
                 RAW_SCOPE),
            _fam(S.check_balance)),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.5", paper="AS", title="Definition 4.5: Gap-ANN promise classes",
    statement=("For each a_i: near if some ||a_i - b_j||_0 < t, far if every ||a_i - b_j||_2^2 >= "
               "(1 + eps) t, otherwise outside the promise (no answer is required; results mark "
               "such rows)."),
    source=Source(seed="002", section="4.2", number="Definition 4.5"),
    checks=(_exh("every raw instance n = 2, d <= 2 (deep: n = 3)", S.raw_family, S.check_promise,
                 RAW_SCOPE),),
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
    checks=(_exh("every raw instance n = 2, d <= 2 (deep: n = 3)", S.raw_family, S.check_lookup,
                 RAW_SCOPE),
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
                 S.check_lookup_count_literal, COUNT_SCOPE),),
    notes="The ball of radius t has sum_(k <= t) binom(d, k) points; asymptotically the same bound.",
    tags=("reduction", "ann"),
    erratum=Erratum(
        severity="slip", root_cause="AS-4.7-case1-ball",
        readings=(
            "binom(d, t) as shorthand for the ball binom(d, <= t) (the sentence before says 'at most "
            "t'): then the count is right, but the text counts 'binom(d, t) choices for the vector "
            "b'', and d = 1, t = 1 has 2 vectors within distance 1, not 1.",
            "As a running time O(n binom(d, t)): the ball is at most binom(d, t) (d - t + 1) / "
            "(d - 2t + 1), a constant factor while t <= d/3 but up to a factor ~ sqrt(d) near "
            "t = d/2; the lemma's n^(1 + f(C, c)) survives with f = C H(c/C) (AS-4.7-case1), so "
            "only the intermediate count changes.",
        )),
))

register(Lemma(
    id="AS-4.7-case1-count", paper="AS", title="Lemma 4.7, case 1: number of probes, corrected",
    statement=("Probing radius r (r = ceil(t) - 1 for distances < t, floor(t) for <= t) costs "
               "exactly n sum_(k <= r) binom(d, k) probes (<= n e^(d H(r/d)) for r <= d/2)."),
    source=L47, corrects="AS-4.7-case1-count/literal",
    checks=(_exh("n = 2, d = 1..6 (deep 1..10), t = 1..d", S.lookup_count_family,
                 S.check_lookup_count, COUNT_SCOPE),
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
           "in the right blocks and exp(0) = 1 in the lower-left block.  The check fails at the "
           "first right-block entry (tau); the lower-left 0 is a harmless typo (rows n+1 .. 2n are "
           "never read: v is zero there and the decision uses rows 1 .. n)."),
    tags=("reduction", "ann"),
    erratum=Erratum(severity="error", root_cause=TAU, readings=TAU_READINGS),
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
    erratum=Erratum(severity="error", root_cause=TAU, readings=TAU_READINGS),
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
    statement=("t~ = exp(0.25 beta (1 - t/d)) / (6 n tau) and the chain of equalities after Eq. (12): "
               "t~ / eps_a = n^E / 6 with E = C_a - (k - 1/4) C_b^2 - C_b^2 C_0 / (4C) - 1 (tau = "
               "e^(k beta)); t~ >= eps_a = n^(-C_a) for every n >= 6, and for every n >= 2 when t <= d "
               "and eps <= 1 (Lemma 4.3's eps < 1), for tau = e^beta as printed and for tau = e^(beta/2)."),
    source=L47,
    checks=(SympyProof(name="chain, tau = e^beta (printed)", identities=lambda: S.eq12_chain("printed"),
                       general=True, scope=SYMBOLIC),
            SympyProof(name="chain, tau = e^(beta/2)", identities=lambda: S.eq12_chain("corrected"),
                       general=True, scope=SYMBOLIC),
            SmtProof(name="E > 1, and E >= 11 when C_0 <= C, eps <= 1 (z3, both tau)",
                     claims=Z.eq12_margin,
                     scope=("all real C, C_0, eps > 0 (E > 1), resp. C_0 <= C, eps <= 1 (E >= 11); "
                            "then n^E / 6 >= 1 for n >= 6, resp. n >= 2, as n^E grows with E"))),
    notes=("The proof's step list is misnumbered ('the second step follows from choice of beta "
           "(Eq. (7))' twice); each equality holds.  An exact check on a grid of n, d, t, eps "
           "(spec.reductions.ann.check_eq12_both) is kept in the tests; the z3 claims cover it."),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-eq13", paper="AS", title="Lemma 4.7, Eq. (13): exp(0.25 beta eps t/d) = n^10 > 4n",
    statement=("With C_b^2 = 40 C/(C_0 eps): exp(0.25 beta eps t / d) = n^10, and n^10 > 4n (even "
               ">= 8n, which the corrected Case 2b needs) for n >= 2."),
    source=L47,
    checks=(SympyProof(name="exp(0.25 beta eps t/d) = n^10", identities=S.eq13_identities,
                       general=True, scope=SYMBOLIC),
            SmtProof(name="n^10 >= 8n > 4n for n >= 2 (z3)", claims=Z.eq13_bound,
                     scope="every real n >= 2")),
    notes="n = 1 (n^10 = 1 < 4) is outside the lemma: d = C log n needs n >= 2.",
    tags=("reduction", "ann"),
))

# ------------------------------------------------------------------------------ Case 2a, 2b
register(Lemma(
    id="AS-4.7-2a-ip", paper="AS", title="Case 2a, first step",
    statement="||a - b||^2 <= t implies beta <a, b>/d~ >= 0.25 beta (1 - t/d) (balanced a, b).",
    source=L47,
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2a_ip,
                 PAIR_SCOPE),),
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
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2b_ip_literal,
                 PAIR_SCOPE),),
    notes="The left side should be divided by d~ = 2d (as in Case 2a), not by d.",
    tags=("reduction", "ann", "typo"),
    erratum=Erratum(
        severity="typo", root_cause="AS-4.7-2b-ip-dtilde",
        readings=(
            "/d as /d~ (Case 2a's first step, two paragraphs above, divides by d~ = 2d): then the step "
            "holds (AS-4.7-2b-ip); the intent is plain.",
            "As printed, /d: <a, b>/d = 1/2 - ||a - b||^2/(2d) is twice <a, b>/d~, and d = 4, a = 0011, "
            "b = 0101, t = 1, eps = 1/4 gives 1/4 > (1 - 5/16)/4.",
        )),
))

register(Lemma(
    id="AS-4.7-2b-ip", paper="AS", title="Case 2b, first step corrected",
    statement=("||a - b||^2 >= t(1 + eps) implies beta <a, b>/d~ <= 0.25 beta (1 - t(1+eps)/d) "
               "(non-strict, so Definition 4.5's boundary ||a - b||^2 = (1+eps) t is covered)."),
    source=L47, corrects="AS-4.7-2b-ip/literal",
    checks=(_exh("balanced pairs, even d <= 6 (deep 8), t = 1..d-1", _pairs, S.check_2b_ip,
                 PAIR_SCOPE),),
    tags=("reduction", "ann"),
))

register(Lemma(
    id="AS-4.7-2b-step/literal", paper="AS", title="Case 2b, second step as printed",
    statement=("As printed: n exp(0.25 beta (1 - (1+eps) t/d))/(n tau) = exp(0.25 beta (1 - t/d))/"
               "(2 n tau) * (n / exp(0.25 beta eps t/d))."),
    source=L47, expect="erratum",
    literal="(n exp(0.25 beta (1-(1+eps)t/d)))/(n tau) = exp(0.25 beta (1-t/d))/(2 n tau) * (n/exp(0.25 beta eps t/d))",
    corrected_by="AS-4.7-2b-step",
    checks=(SympyProof(name="log of both sides", identities=lambda: S.case_2b_step("printed"),
                       general=True, scope=SYMBOLIC),),
    notes="Off by a factor 2: the factor is 2n; Eq. (13) then needs exp(..) >= 8n, still true for n >= 2.",
    tags=("reduction", "ann"),
    erratum=Erratum(
        severity="slip", root_cause="AS-4.7-2b-factor-2",
        readings=(
            "As printed, an identity: log of the left side minus log of the right side is log 2 for "
            "every n, C, C_0, eps, tau (sympy), so the equality fails by the factor 2 that t~'s "
            "definition (1/(2 n tau) inside 3 t~) introduces.",
            "As an inequality (<=) with the printed factor n: false too, the left side is twice the "
            "right.  With the factor 2n the step holds, and Eq. (13)'s n^10 >= 8n (n >= 2) keeps the "
            "conclusion <= (3/4) t~: a constant changes, the lemma survives.",
        )),
))

register(Lemma(
    id="AS-4.7-2b-step", paper="AS", title="Case 2b, second step corrected",
    statement=("n exp(0.25 beta (1 - (1+eps) t/d))/(n tau) = exp(0.25 beta (1 - t/d))/(2 n tau) * "
               "(2n / exp(0.25 beta eps t/d)) = 3 t~ * 2n / n^10 <= (3/4) t~ for n >= 2."),
    source=L47, corrects="AS-4.7-2b-step/literal",
    checks=(SympyProof(name="log of both sides", identities=lambda: S.case_2b_step("corrected"),
                       general=True, scope=SYMBOLIC),
            SmtProof(name="3 t~ 2n / n^10 <= (3/4) t~ for n >= 2 (z3)", claims=Z.case_2b_margin,
                     scope="every real n >= 2, t~ > 0")),
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
    erratum=Erratum(severity="error", root_cause=TAU, readings=TAU_READINGS),
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
                 S.check_goal_literal, "every balanced instance n = 2, d = 2, t in {3/2, 7/4, 19/10}, "
                 "eps = 1"),),
    notes="eps_a (the attention error) stands where Definition 4.5's gap eps belongs.",
    tags=("reduction", "ann", "typo"),
    erratum=Erratum(
        severity="typo", root_cause="AS-4.7-goal-eps_a",
        readings=(
            "eps_a read as eps (Definition 4.5's gap, which Case 2b uses: '> t(1 + eps)'): then the "
            "goal is Gap-ANN's and the corrected reduction meets it (AS-4.7); the intent is plain.",
            "As printed, (1 + eps_a) t with eps_a = n^(-C_a) tiny: rows at distance 2 with t = 7/4 "
            "are 'far' for the printed goal but inside Definition 4.5's gap, and the reduction (any "
            "threshold between t and (1 + eps) t) decides them near.",
        )),
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
    erratum=Erratum(severity="error", root_cause=TAU, readings=TAU_READINGS + (
        "With tau := e^(beta/2) (the one fix) and the Case 2b factor 2n (a slip, "
        "AS-4.7-2b-factor-2), every row inside the promise is decided correctly (AS-4.7).",)),
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
                   instances=S.family_with_patterns, predicate=S.check_attention("corrected"),
                   scope=FAM_SCOPE + "; each with the oracle patterns listed", **ENC),
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
