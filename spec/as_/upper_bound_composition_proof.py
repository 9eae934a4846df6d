"""How the lemmas of AS (arXiv 2302.13214) section 3 compose into Theorems 3.7, 3.8 and 1.4: the
parameter algebra, proved for every value of the parameters (z3 over the reals, sympy limits).

The lemmas themselves are other records (AS-3.4, AS-3.5, AS-3.6, AS-binomial); here their
conclusions are hypotheses, and what is proved is that they give the theorem with the parameters
as printed (or as corrected where a record says so).

Theorem 3.7 (Algorithm 1): per entry of the output, Lemma 3.5 gives ``|D~ - D| <= eps_A D``,
which is Lemma 3.6's hypothesis with ``eps_D = eps_A``, so (i) gives ``2 eps_A ||V||``; the
accuracy ``eps_A = min(eps / (2B), 1/20)`` keeps ``eps_A`` in (0, 0.1) (the range of Lemma 3.5 and
Corollary 2.2) and the error below ``eps`` (the printed ``eps_A = eps`` gives ``2 eps B``,
AS-3.7/literal).  Running time: the line costs of Algorithm 1 (naive products, section 2:
``T_mat(a, b, c) = a b c``) add up to at most ``6 (T_mat(n, r, d) + n r g)``.

Theorem 3.8 and its informal form Theorem 1.4, read asymptotically: ``L = ln n -> infinity``,
``eps = n^(-k)`` (``1/poly(n)``, ``k > 0`` fixed), ``d <= C_d L``, ``B > 1`` with ``B^2 = L / h``
where ``h = L / B^2 -> infinity`` (``B = o(sqrt(log n))``), ``g <= K max{T_1, B^2}`` (Theorem
3.7's Theta, upper constant ``K``), ``T_1 = log(1/eps_A) / log(log(1/eps_A)/B^2)`` (Lemma 3.4 as
corrected; the printed ``/B`` gives a smaller ``T_1``, bounded the same way), ``eps_A = eps/(2B)``.
Then ``g / L <= K max{(k + 1) / ln(k h), 1 / h}`` and ``ln r / L <= phi(g / L)`` with
``phi(x) = 2x (1 + ln(1 + C_d / x))`` (from the generic bound, AS-binomial); sympy proves that
both bounds tend to 0 (``h -> infinity``, ``x -> 0+``, ``phi`` increasing), so ``g = o(log n)``
and ``r = n^(o(1))``, and the time ``n r (d + g)`` is ``n^(1 + o(1))``.  Conversely ``g >=
K_lo B^2 = K_lo L / h`` (lower constant ``K_lo``): ``g = o(log n)`` only if ``B = o(sqrt(log n))``,
the threshold of Theorem 1.4.

Logarithms are reals ``l`` whose ``exp`` is given (:class:`spec.exp_facts.ExpValues`).
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.exp_facts import FACTS, ExpValues
from spec.registry import SmtProof, SympyProof
from spec.sum_induction import Claim

Identity = tuple[str, Any, Any]


def _z3() -> Any:
    import z3

    return z3


def _abs(x: Any) -> Any:
    return _z3().If(x >= 0, x, -x)


# ------------------------------------------------------------------------------ Theorem 3.7
def theorem_3_7(printed_accuracy: bool = False) -> Iterator[Claim]:
    """Correctness and running time of Algorithm 1 from Lemmas 3.4, 3.5 and 3.6.
    ``printed_accuracy``: line 4 at ``eps_A = eps`` (a broken claim, AS-3.7/literal)."""
    z3 = _z3()
    eA, eD, eps, B, Vn, D, Dt, x, y = z3.Reals("eps_A eps_D eps B norm_V D Dt approx exact")
    lemma_3_5 = _abs(Dt - D) <= eA * D
    lemma_3_6 = z3.Implies(z3.And(eD >= 0, _abs(Dt - D) <= eD * D), _abs(x - y) <= (eA + eD) * Vn)
    yield ("Lemmas 3.5 and 3.6 (i) compose: |T_ij - Att_ij| <= 2 eps_A ||V||",
           _abs(x - y) <= 2 * eA * Vn, [eA >= 0, D > 0, Vn >= 0, lemma_3_5, lemma_3_6, eD == eA])
    choice = eps if printed_accuracy else z3.If(eps / (2 * B) < z3.RealVal("1/20"), eps / (2 * B), z3.RealVal("1/20"))
    yield ("eps_A = min(eps / (2B), 1/20) lies in (0, 0.1) and 2 eps_A ||V|| <= eps when ||V|| <= B",
           z3.And(eA > 0, eA < z3.RealVal("1/10"), 2 * eA * Vn <= eps),
           [eps > 0, B > 1, Vn >= 0, Vn <= B, eA == choice])
    n, r, d, g, K = z3.Reals("n r d g K")
    lines = g * n * r + n * r + n + r * n * d + n * r * d + n * d  # lines 6, 7, 8, 9, 10, 11
    yield ("Algorithm 1: K (n r g + n r + n + T_mat(r, n, d) + T_mat(n, r, d) + n d) <= "
           "6 K (T_mat(n, r, d) + n r g)",
           K * lines <= 6 * K * (n * r * d + n * r * g), [n >= 1, r >= 1, d >= 1, g >= 0, K >= 0])


def printed_ranks() -> Iterator[Identity]:
    """Theorem 3.7 prints ``r = C(2(g + d), 2d)``, Lemma 3.4 ``C(2(g + d), 2g)``: the same number."""
    g, d = sympy.symbols("g d", positive=True, integer=True)
    lhs = sympy.binomial(2 * (g + d), 2 * d)
    rhs = sympy.binomial(2 * (g + d), 2 * g)
    yield ("C(2(g+d), 2d) = C(2(g+d), 2g) (as Gamma functions)",
           sympy.gammasimp(lhs.rewrite(sympy.gamma)), sympy.gammasimp(rhs.rewrite(sympy.gamma)))


# ------------------------------------------------------------------------------ Theorem 3.8
def theorem_3_8(drop_log_term: bool = False) -> Iterator[Claim]:
    """The bounds on ``g / L`` and ``ln r`` (see the module docstring).  ``drop_log_term``: claims
    ``log(1/eps_A) <= k L``, forgetting the ``ln(2B)`` that the accuracy ``eps / (2B)`` adds (a
    broken claim)."""
    z3 = _z3()
    L, k, h, B, ell, K, g = z3.Reals("L k h B log_1_over_eps_A K g")
    l2B, lT, lTp, lkh = z3.Reals("ln_2B ln_ell_over_B2 ln_ell_over_B ln_kh")
    exps = ExpValues()
    E0 = exps("exp_0", 0)
    E2B = exps("exp_ln_2B", l2B)
    ET, ETp, Ekh = exps("exp_ln_ell_over_B2", lT), exps("exp_ln_ell_over_B", lTp), exps("exp_ln_kh", lkh)
    regime = [L > 0, k > 0, h >= 1, k * h > 1, B > 1, B * B * h == L, E2B == 2 * B,
              ell == k * L + l2B, ET * B * B == ell, ETp * B == ell, Ekh == k * h, E0 == 1, *exps.facts]
    top = k * L if drop_log_term else (k + 1) * L
    yield ("log(1/eps_A) = k L + ln(2B) lies in [k L, (k + 1) L]", z3.And(k * L <= ell, ell <= top), regime)
    yield ("ln(log(1/eps_A)/B^2) >= ln(k h) > 0, and ln(log(1/eps_A)/B) >= ln(k h) (the printed /B)",
           z3.And(lT >= lkh, lTp >= lkh, lkh > 0), regime)
    yield ("T_1 = log(1/eps_A) / ln(log(1/eps_A)/B^2) <= (k + 1) L / ln(k h), and so is the printed /B form",
           z3.And(ell * lkh <= (k + 1) * L * lT, ell * lkh <= (k + 1) * L * lTp),
           [L > 0, k > 0, ell >= 0, ell <= (k + 1) * L, lT >= lkh, lTp >= lkh, lkh > 0])
    T1 = z3.Real("T_1")
    yield ("g <= K max{T_1, B^2} gives g / L <= K max{(k + 1) / ln(k h), 1 / h}",
           z3.And(g * lkh * h <= K * z3.If((k + 1) * h >= lkh, (k + 1) * h, lkh) * L),
           [L > 0, K > 0, h >= 1, lkh > 0, B * B * h == L, T1 * lkh <= (k + 1) * L, T1 > 0,
            g <= K * z3.If(T1 >= B * B, T1, B * B)])
    # ln r with r = C(2(d + g), 2g) <= (e 2(d + g) / 2g)^(2g) (AS-binomial at a = 2(d + g), b = 2g)
    d, Cd, lr, la, lb, lQ = z3.Reals("d C_d ln_r ln_a ln_b ln_1_plus_Cd_L_over_g")
    ex2 = ExpValues()
    Ea, Eb, Eq, EQ = ex2("exp_ln_a", la), ex2("exp_ln_b", lb), ex2("exp_ln_a_over_b", la - lb), ex2("exp_ln_Q", lQ)
    ex2.product(Eb, Eq, Ea)
    yield ("ln r <= 2g (1 + ln(2(d + g)) - ln(2g)) <= 2g (1 + ln(1 + C_d L / g)) = L phi(g / L)",
           lr <= 2 * g * (1 + lQ),
           [g >= 1, d >= 0, L > 0, Cd > 0, d <= Cd * L, Ea == 2 * (d + g), Eb == 2 * g, EQ * g == g + Cd * L,
            lr <= 2 * g * (1 + la - lb), *ex2.facts])


def threshold_1_4(upper_only: bool = False) -> Iterator[Claim]:
    """Theorem 3.7's degree is at least ``K_lo B^2``: ``g / L >= K_lo / h``, so ``g = o(log n)`` only if
    ``h -> infinity``, and at ``B = Theta(sqrt(log n))`` (``h <= H``) ``g >= (K_lo / H) L``.
    ``upper_only``: without the lower Theta constant (a broken claim)."""
    z3 = _z3()
    L, h, H, B, g, Klo = z3.Reals("L h H B g K_lo")
    hyps = [L > 0, h > 0, Klo > 0, B * B * h == L, B > 1, g >= 1]
    if not upper_only:
        hyps.append(g >= Klo * B * B)
    yield ("g >= K_lo B^2 gives g / L >= K_lo / h: g = o(log n) forces h -> infinity, B = o(sqrt(log n))",
           g * h >= Klo * L, hyps)
    yield ("B = Theta(sqrt(log n)), h <= H: g >= (K_lo / H) L, not o(log n)", g * H >= Klo * L, hyps + [h <= H])


def theorem_3_8_limits(slow_degree: bool = False) -> Iterator[Identity]:
    """The bounds tend to 0.  ``slow_degree``: ``g`` a constant fraction of ``L`` (``x = 1/2``
    fixed), whose ``phi`` does not vanish (a broken claim: at ``B = Theta(sqrt(log n))``)."""
    k, h, x, Cd, L = sympy.symbols("k h x C_d L", positive=True)
    phi = 2 * x * (1 + sympy.log(1 + Cd / x))
    yield ("(k + 1) / ln(k h) -> 0 as h -> oo", sympy.limit((k + 1) / sympy.log(k * h), h, sympy.oo), 0)
    yield ("1 / h -> 0 as h -> oo", sympy.limit(1 / h, h, sympy.oo), 0)
    yield ("phi'(x) = 2 ln(1 + C_d / x) + 2x / (x + C_d) (>= 0: phi increasing)",
           sympy.diff(phi, x), 2 * sympy.log(1 + Cd / x) + 2 * x / (x + Cd))
    at = phi.subs(x, sympy.Rational(1, 2)) if slow_degree else sympy.limit(phi, x, 0, "+")
    yield ("phi(x) = 2x (1 + ln(1 + C_d / x)) -> 0 as x -> 0+", at, 0)
    yield ("ln((C_d + 1) L) / L -> 0 as L -> oo (time n r (d + g) = n^(1 + o(1)))",
           sympy.limit(sympy.log((Cd + 1) * L) / L, L, sympy.oo), 0)


READING = ("read as n -> infinity with L = ln n: eps = n^(-k) (k > 0 fixed), d <= C_d L, B > 1 with "
           "h = L / B^2 (B = o(sqrt(log n)) means h -> infinity), g <= K max{T_1, B^2} and g >= K_lo B^2 "
           "(Theorem 3.7's Theta), eps_A = eps/(2B), o(1) a quantity tending to 0")

THEOREM_3_7 = SmtProof("Lemmas 3.5 and 3.6 compose; the accuracy eps/(2B) and Algorithm 1's line costs",
                       theorem_3_7,
                       scope="all real eps > 0, B > 1, eps_A, D > 0, ||V|| <= B, every entry; every n, r, "
                             "d >= 1, g >= 0 and O-constant K (naive T_mat, line 4 not counted)")
PRINTED_RANKS = SympyProof("the two printed r agree", printed_ranks, general=True,
                           scope="all positive integers g, d (binomials as Gamma functions)")
THEOREM_3_8 = SmtProof("g / L and ln r / L bounded by functions of h and g / L alone", theorem_3_8,
                       scope="all real L > 0, k > 0, h >= 1 with k h > 1, B > 1, g >= 1, C_d, K > 0; "
                             + READING + "; logarithms as reals with their exp values; " + FACTS)
THRESHOLD_1_4 = SmtProof("the degree is o(log n) only if B = o(sqrt(log n))", threshold_1_4,
                         scope="all real L > 0, h, H > 0, B > 1, g >= 1, K_lo > 0; " + READING)
THEOREM_3_8_LIMITS = SympyProof("the bounds tend to 0: limits in h, x and L", theorem_3_8_limits,
                                general=True, scope="all k, C_d > 0 (sympy limits); " + READING)
