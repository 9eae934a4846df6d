"""AS Lemma 4.7 (seed 002 section 4.3): the inequalities after Eqs. (12) and (13) as z3 claims.

The sympy chains of ``spec.reductions.ann`` prove the equalities (t~ / eps_a = n^E / 6, the Case 2b
step, exp(0.25 beta eps t / d) = n^10) for every value of n, C, C_0, eps; what they leave are the
inequalities, proved here over the reals.  A claim is ``(label, claim, assumptions)``.
"""

from __future__ import annotations

from typing import Any, Iterator

QUARTER = "1/4"


def _exponent(z3: Any, C: Any, C0: Any, eps: Any, k: Any) -> Any:
    """E with t~ / eps_a = n^E / 6 (``spec.reductions.ann.eq12_chain``): C_b^2 = 40 C / (C_0 eps)
    (Eq. 7), C_a = 2 + C_b^2 (1 + C_0 / C) (Eq. 8), tau = e^(k beta)."""
    Cb2 = 40 * C / (C0 * eps)
    Ca = 2 + Cb2 * (1 + C0 / C)
    q = z3.RealVal(QUARTER)
    return Ca - (k - q) * Cb2 - q * Cb2 * C0 / C - 1


def eq12_margin() -> Iterator[tuple[str, Any, list[Any]]]:
    """t~ >= eps_a: E > 1 for every C, C_0, eps > 0 (so n^E / 6 >= 1 once n >= 6), and E >= 11
    when t <= d (C_0 <= C) and eps <= 1 (so n^E / 6 >= 2^11 / 6 > 1 for every n >= 2); both for
    tau = e^beta (printed, k = 1) and tau = e^(beta/2) (corrected, k = 1/2)."""
    import z3

    C, C0, eps = z3.Reals("C C_0 epsilon")
    for label, k in (("tau = e^beta", z3.RealVal(1)), ("tau = e^(beta/2)", z3.RealVal("1/2"))):
        E = _exponent(z3, C, C0, eps, k)
        yield (f"E > 1 ({label})", E > 1, [C > 0, C0 > 0, eps > 0])
        yield (f"E >= 11 when C_0 <= C and eps <= 1 ({label})", E >= 11,
               [C > 0, C0 > 0, C0 <= C, eps > 0, eps <= 1])


def eq13_bound() -> Iterator[tuple[str, Any, list[Any]]]:
    """Eq. (13)'s last step, and the 8n that the corrected Case 2b needs: n^10 >= 8n > 4n, n >= 2."""
    import z3

    n = z3.Real("n")
    yield ("n^10 >= 8n > 4n for n >= 2", z3.And(n**10 >= 8 * n, 8 * n > 4 * n), [n >= 2])


def case_2b_margin() -> Iterator[tuple[str, Any, list[Any]]]:
    """The corrected Case 2b's last inequality: 3 t~ * 2n / n^10 <= (3/4) t~ for n >= 2, t~ > 0."""
    import z3

    n, tt = z3.Reals("n t_tilde")
    yield ("3 t~ 2n / n^10 <= (3/4) t~ for n >= 2",
           3 * tt * 2 * n <= z3.RealVal("3/4") * tt * n**10, [n >= 2, tt > 0])
