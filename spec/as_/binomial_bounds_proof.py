"""General proofs of the two bounds on binomial coefficients that AS (arXiv 2302.13214) uses:

* Lemma 3.2's printed rank ``r = C(2(g + d), 2g)`` bounds the number of features
  ``C(d + g, g)``: with ``a = d + g``, ``b = g``, the ratio ``f(a) = C(2a, 2b) / C(a, b)`` is 1 at
  ``a = b`` and ``f(a + 1) = f(a) (2a + 1) / (2a + 1 - 2b) >= f(a)`` (sympy proves the ratio for
  symbolic ``a``, ``b``; z3 proves base and step of ``f >= 1``);
* the "generic bound" of Theorem 3.8's proof, ``C(a, b) <= (e a / b)^b`` for ``1 <= b <= a``, in
  logarithms: ``ln C(a, b) <= b (1 + ln a - ln b)``, by induction on ``b``.  ``ln C(a, b + 1) =
  ln C(a, b) + ln(a - b) - ln(b + 1)`` (sympy proves ``C(a, b + 1) = C(a, b) (a - b) / (b + 1)``;
  the logarithm of a product is the sum of the logarithms, which is how the induction's state is
  defined).  z3 treats the logarithms as reals ``l`` with ``exp(l)`` given by
  :class:`spec.exp_facts.ExpValues` (only the facts of :data:`spec.exp_facts.FACTS`): the step
  needs ``ln(a - b) <= ln a`` (``exp`` increasing) and ``b (ln(b + 1) - ln b) <= 1``
  (``exp(x) >= 1 + x`` at ``x = ln((b + 1)/b)``).
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.exp_facts import FACTS, ExpValues
from spec.registry import SmtProof, SympyProof
from spec.sum_induction import Claim, SumInduction

Identity = tuple[str, Any, Any]


def rank_ratio(slip: bool = False) -> Iterator[Identity]:
    """Base and step ratio of ``f(a) = C(2a, 2b) / C(a, b)``, symbolic ``a``, ``b``.
    ``slip``: the step ratio with ``2a + 2`` for ``2a + 1`` in the numerator (a broken identity)."""
    a, b = sympy.symbols("a b", integer=True, nonnegative=True)
    B = sympy.binomial
    top = 2 * a + 2 if slip else 2 * a + 1
    yield ("base a = b: C(2b, 2b) / C(b, b) = 1", B(2 * b, 2 * b) / B(b, b), 1)
    yield ("step: f(a + 1) / f(a) = (2a + 1) / (2a + 1 - 2b)",
           B(2 * a + 2, 2 * b) * B(a, b) / (B(2 * a, 2 * b) * B(a + 1, b)), top / (2 * a + 1 - 2 * b))


def rank_bound(wrong_range: bool = False) -> Iterator[Claim]:
    """``f >= 1`` for every ``a >= b >= 0``, so ``C(a, b) <= C(2a, 2b)``.
    ``wrong_range``: the step allowed for ``a >= b - 1`` (a broken claim: the ratio turns negative)."""
    import z3

    f, rho = z3.Reals("f rho")
    a, b = z3.Ints("a b")
    ind = SumInduction(
        "f(a) = C(2a, 2b) / C(a, b) over a = b, b + 1, ...", {"f": f, "a": a}, {"f": z3.RealVal(1), "a": b},
        lambda s: {"f": s["f"] * rho, "a": s["a"] + 1},
        lambda s: z3.And(s["f"] >= 1, s["a"] >= (b - 1 if wrong_range else b)),
        term_facts=[rho * z3.ToReal(2 * a + 1 - 2 * b) == z3.ToReal(2 * a + 1)], context=[b >= 0])
    yield from ind.claims()
    c1, c2 = z3.Reals("C_a_b C_2a_2b")
    yield ind.conclude("C(a, b) <= C(2a, 2b), with a = d + g, b = g: C(d + g, g) <= C(2(g + d), 2g)",
                       lambda s: c1 <= c2, c1 > 0, c2 == f * c1)


def binomial_recurrence() -> Iterator[Identity]:
    a, b = sympy.symbols("a b", integer=True, positive=True)
    B = sympy.binomial
    yield ("C(a, 1) = a", B(a, 1), a)
    yield ("C(a, b + 1) = C(a, b) (a - b) / (b + 1)", B(a, b + 1), B(a, b) * (a - b) / (b + 1))


def generic_bound(without_e: bool = False) -> Iterator[Claim]:
    """``ln C(a, b) <= b (1 + ln a - ln b)`` for ``1 <= b <= a``, by induction on ``b``.
    ``without_e``: the bound ``(a / b)^b`` (a broken claim: ``C(4, 2) = 6 > (4/2)^2``; its
    induction step fails)."""
    import z3

    a = z3.Int("a")
    la, lab, lb1 = z3.Reals("ln_a ln_a_minus_b ln_b_plus_1")
    state = {"b": z3.Int("b"), "lc": z3.Real("ln_C"), "lb": z3.Real("ln_b")}
    one = 0 if without_e else 1
    exps = ExpValues()
    Ea = exps("exp_ln_a", la)
    Eb = exps("exp_ln_b", state["lb"])
    Eb1 = exps("exp_ln_b_plus_1", lb1)
    Eab = exps("exp_ln_a_minus_b", lab)
    Ed = exps("exp_ln_ratio", lb1 - state["lb"])
    exps.product(Eb, Ed, Eb1)
    ar, br = z3.ToReal(a), z3.ToReal(state["b"])
    ind = SumInduction(
        "ln C(a, b) over b = 1, 2, ..., a", state,
        {"b": z3.IntVal(1), "lc": la, "lb": z3.RealVal(0)},
        lambda s: {"b": s["b"] + 1, "lc": s["lc"] + lab - lb1, "lb": lb1},
        lambda s: z3.And(s["b"] >= 1, s["lc"] <= z3.ToReal(s["b"]) * (one + la - s["lb"])),
        term_facts=[state["b"] + 1 <= a, Eb == br, Eb1 == br + 1, Eab == ar - br, *exps.facts],
        context=[a >= 1, Ea == ar])
    yield from ind.claims()
    yield ind.conclude("C(a, b) <= (e a / b)^b for 1 <= b <= a (in logarithms)",
                       lambda s: s["lc"] <= z3.ToReal(s["b"]) * (one + la - s["lb"]), state["b"] <= a)


RANK_RATIO = SympyProof("ratio C(2a + 2, 2b) C(a, b) / (C(2a, 2b) C(a + 1, b)), symbolic a and b", rank_ratio,
                        scope="all integers a, b >= 0 (binomials as Gamma functions)", general=True)
RANK_BOUND = SmtProof("C(d + g, g) <= C(2(g + d), 2g) by induction on a = d + g", rank_bound,
                      scope="all integers g >= 0, d >= 0: induction over a from b = g, with the ratio "
                            "that the sympy check proves")
RECURRENCE = SympyProof("C(a, 1) = a and the recurrence in b, symbolic a and b", binomial_recurrence,
                        scope="all integers a, b >= 1 (binomials as Gamma functions)", general=True)
GENERIC_BOUND = SmtProof("ln C(a, b) <= b (1 + ln a - ln b) by induction on b", generic_bound,
                         scope="all integers 1 <= b <= a; logarithms as reals whose exp is a, b, b + 1, "
                               "a - b (ln 1 = 0); ln C(a, b + 1) = ln C(a, b) + ln(a - b) - ln(b + 1) by "
                               "the recurrence; " + FACTS)
