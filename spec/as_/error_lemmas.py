"""AS (arXiv 2302.13214) sections 3.3, 3.5 and 3.6: the bounded entries of ``Q K^T / d`` (Lemma
3.3), the error of ``D`` from the error of ``A`` (Lemma 3.5), and of the attention output from
both (Lemma 3.6, corrected; the printed form fails, AS-3.6/literal).

Lemmas 3.3, 3.5 and 3.6 are proved for every n and d (:mod:`spec.as_.error_lemmas_proof`: z3
inductions over the terms of a row).  Their statements are about matrices, not about impl, so
they have no /impl record: Algorithm 1's use of them is checked by AS-3.7/impl.  The printed
Lemma 3.6 keeps its concrete counterexamples (exact rationals, a CrossHair kernel).
"""

from __future__ import annotations

from fractions import Fraction

from spec.as_ import row_error_kernels
from spec.as_.error_lemmas_proof import LEMMA_3_3, LEMMA_3_5, LEMMA_3_6
from spec.as_.poly_inputs import decode_box, encode_box, relative_box
from spec.profiles import Profile
from spec.record_groups import RecordGroup
from spec.registry import Counterexample, Crosshair, Direct, Property

ERROR_LEMMAS = RecordGroup("AS")
LEMMA_36 = ERROR_LEMMAS.at("3.6", "Lemma 3.6")


# ------------------------------------------------------------------------------ Lemma 3.6 on rationals
def _row_error(A, At, Dt, V) -> Fraction:
    D = sum(A)
    return sum(a * v for a, v in zip(At, V)) / Dt - sum(a * v for a, v in zip(A, V)) / D


def check_lemma36_literal(ex: dict) -> None:
    """Lemma 3.6 as printed: any D~ with ``|D~ - D| <= eps_D D``; bound ``(eps_A + eps_D) B``."""
    err = _row_error(ex["A"], ex["At"], ex["Dt"], ex["V"])
    bound = (ex["eps_a"] + ex["eps_d"]) * ex["B"]
    if abs(err) > bound:
        raise Counterexample("Lemma 3.6 bound (eps_A + eps_D) B exceeded", error=str(err), bound=str(bound),
                             **encode_box(ex))


def check_lemma36_general(ex: dict) -> None:
    """Corrected Lemma 3.6, any D~ in the box: ``(eps_A + eps_D) ||V|| / (1 - eps_D)``."""
    err = _row_error(ex["A"], ex["At"], ex["Dt"], ex["V"])
    Vn = max(abs(v) for v in ex["V"])
    bound = (ex["eps_a"] + ex["eps_d"]) * Vn / (1 - ex["eps_d"])
    if abs(err) > bound:
        raise Counterexample("corrected Lemma 3.6 bound exceeded", error=str(err), bound=str(bound))


def lemma36_minimal_counterexample(profile: Profile) -> dict:
    """n = 1: A = 1, A~ = 21/20, D = 1, D~ = 19/20, V = 2 = B, eps_A = eps_D = 1/20."""
    ex = {"A": [Fraction(1)], "At": [Fraction(21, 20)], "Dt": Fraction(19, 20), "V": [Fraction(2)],
          "eps_a": Fraction(1, 20), "eps_d": Fraction(1, 20), "B": Fraction(2)}
    check_lemma36_general(ex)
    check_lemma36_literal(ex)  # raises: error 4/19 > 1/5
    return {"summary": "no counterexample"}


# ------------------------------------------------------------------------------ records
ERROR_LEMMAS.at("3.3", "Lemma 3.3").register(
    id="AS-3.3", title="Q K^T / d has bounded entries",
    statement="||Q||_inf, ||K||_inf <= B implies ||Q K^T / d||_inf <= B^2.",
    checks=(LEMMA_3_3,),
    notes="The hypothesis B >= 1 is not needed.",
)

ERROR_LEMMAS.at("3.5", "Lemma 3.5").register(
    id="AS-3.5", title="From A to D",
    statement=("A_ij > 0 and |A~_ij - A_ij| <= eps_A A_ij for all j imply |D~_ii - D_ii| <= eps_A D_ii "
               "(D = diag(A 1), D~ = diag(A~ 1))."),
    checks=(LEMMA_3_5,),
    notes="The proof needs eps_A >= 0 only (printed: eps_A in (0, 0.1)).",
)

LEMMA_36.erratum(
    id="AS-3.6/literal", title="Lemma 3.6 as printed (any D~ in the relative box)",
    statement=("For any diagonal D, D~ > 0 with |D~ - D| <= eps_D D: "
               "||D~^-1 A~ V - D^-1 A V||_inf <= (eps_A + eps_D) B."),
    literal="\\|\\widetilde D^{-1}\\widetilde A V - D^{-1} A V\\|_\\infty \\le (\\epsilon_A+\\epsilon_D) B",
    checks=(
        Direct(name="minimal counterexample n = 1", run=lemma36_minimal_counterexample),
        # weight 4: the quick budget of 60 examples misses the violating corner (it appears near
        # example 130 under derandomized generation)
        Property(name="exact rationals, box corners", strategy=relative_box,
                 predicate=check_lemma36_literal, encode=encode_box, decode=decode_box,
                 weight=4.0),
        Crosshair(name="kernel n <= 3", target=row_error_kernels.lemma36_literal, expect="counterexample"),
    ),
    notes=("n = 1, A = 1, A~ = 21/20, D = 1, D~ = 19/20, V = B = 2, eps_A = eps_D = 1/20: error 4/19 > 1/5. "
           "The proof's step sum_l D~^-1 A~_il = 1 needs D~ = diag(A~ 1); with D arbitrary (as printed) "
           "the second step (which uses D = diag(A 1)) fails as well."),
    severity="slip", root_cause="AS-3.6-arbitrary-D",
    readings=(
        "D = diag(A 1), D~ = diag(A~ 1) as in Lemma 3.5, which the proof uses (its fifth step needs "
        "sum_l D~^-1 A~_il = 1, its last 'the definition of D_ii'): the bound then holds (AS-3.6 "
        "(i)), but the statement says 'any diagonal matrices with positive entries', so this "
        "reading contradicts the printed hypothesis.",
        "As printed, any D, D~ in the relative box: n = 1, A = 1, A~ = 21/20, D = 1, D~ = 19/20, "
        "V = B = 2, eps_A = eps_D = 1/20 gives 4/19 > 1/5.  With the constant (eps_A + eps_D) B / "
        "(1 - eps_D) it holds and is tight (AS-3.6 (ii)); Theorem 3.7, which has D~ = diag(A~ 1), "
        "is unaffected.",
    ),
)

LEMMA_36.correction(
    id="AS-3.6", title="From A and D to the attention output (corrected)",
    statement=("With D = diag(A 1), A > 0, |A~ - A| <= eps_A A entrywise, 0 <= eps_A < 1: (i) D~ = diag(A~ 1) "
               "with |D~ - D| <= eps_D D gives ||D~^-1 A~ V - D^-1 A V|| <= (eps_A + eps_D) ||V||; (ii) any "
               "D~ with |D~ - D| <= eps_D D, eps_D < 1, gives (eps_A + eps_D) ||V|| / (1 - eps_D) (tight "
               "at n = 1)."),
    checks=(LEMMA_3_6,),
    notes="Tightness of (ii): the n = 1 example of AS-3.6/literal meets it with equality.",
)
