"""DA (arXiv 2304.02207) section 4, Lemmas 4.4 and 4.5: the amortization algebra and Part 1's bound.

``amortization``: the identities of Lemma 4.4 / 4.5 Part 2, symbolic in n, a, s, d and
omega = omega(1,1,a) (sympy).  ``amortization_bounds``: the inequalities that turn those
identities into O() bounds, and the proof that Part 1's printed worst case is at least Lemma
4.9's under the paper's assumption d = O(n), as z3 claims over the reals.  Powers n^a are named by a
variable m with 1 <= m <= n (n >= 1, 0 < a <= 1): z3 decides polynomial arithmetic, not real
exponents, and the substitution is the monotonicity of t -> n^t.  Products are naive,
T_mat(x, y, z) = x y z; for fast products T_mat is non-decreasing in each dimension (pad with
zeros), which gives the same inequalities.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.registry import Lemma, SmtProof, Source, SympyProof, register

n, d, a, s, tau = sympy.symbols("n d a s tau", positive=True)
omega = sympy.Symbol("omega", positive=True)


def tmat(x: Any, y: Any, z: Any) -> Any:
    """T_mat(x, y, z) with naive multiplication."""
    return x * y * z


def amortization() -> Iterator[tuple[str, sympy.Expr, sympy.Expr]]:
    """Lemma 4.4 Part 2: (n (n^a - 1) + n^omega) / n^a = n^(omega - a) (1 + n^(-s) - n^(-a-s))
    for omega = 1 + a + s; with naive products and d columns the recompute is T_mat(n, n^a, d)
    and the amortized cost n d + n - n^(1-a).  ``amortization_bounds`` bounds both."""
    lhs = (n * (n**a - 1) + n**omega) / n**a
    yield ("Lemma 4.4 Part 2, omega = 1 + a + s",
           lhs.subs(omega, 1 + a + s), n**(1 + s) * (1 + n**(-s) - n**(-a - s)))
    yield ("Lemma 4.4 Part 2, naive recompute T_mat(n, n^a, d)",
           (n * (n**a - 1) + tmat(n, n**a, d)) / n**a, n * d + n - n**(1 - a))
    yield ("Lemma 4.5 Part 2 is the same algebra", lhs, n**(omega - a) + n - n**(1 - a))


def _z3() -> Any:
    import z3

    return z3


def amortization_bounds() -> Iterator[tuple[str, Any, list[Any]]]:
    """z3 claims for DA-4.4: the bracket of ``amortization`` lies in [1, 2] (x = n^-s,
    y = n^(-a-s)), the naive amortized cost is at most n (d + 1), and Lemmas 4.4 / 4.5 Part 1's
    printed worst case T_mat(n, n, n^a) is at least Lemma 4.9's T_mat(n, n^a, d) when d <= n."""
    z3 = _z3()
    N, D, M, X, Y, Z = z3.Reals("n d m x y z")
    yield ("1 <= 1 + n^-s - n^(-a-s) <= 2 (x = n^-s in (0, 1], y = n^(-a-s) in (0, x])",
           z3.And(1 <= 1 + X - Y, 1 + X - Y <= 2), [X > 0, X <= 1, Y > 0, Y <= X])
    yield ("n d + n - n^(1-a) <= n (d + 1) (z = n^(1-a) > 0)",
           N * D + N - Z <= N * (D + 1), [N >= 1, D >= 1, Z > 0])
    yield ("Part 1: T_mat(n, n, n^a) >= T_mat(n, n^a, d) for 1 <= d <= n (m = n^a in [1, n])",
           tmat(N, N, M) >= tmat(N, M, D), [N >= 1, D >= 1, D <= N, M >= 1, M <= N])
    yield ("Part 1 amortized: T_mat(n, n, n^a) / n^a >= T_mat(n, n^a, d) / n^a",
           tmat(N, N, M) / M >= tmat(N, M, D) / M, [N >= 1, D >= 1, D <= N, M >= 1, M <= N])


#: what the z3 claims over naive products cover
NAIVE = ("naive products T_mat(x, y, z) = x y z; every real n >= 1, 1 <= d <= n, 1 <= m = n^a <= n "
         "(m names the power: monotonicity of t -> n^t)")

register(Lemma(
    id="DA-4.4", paper="DA", title="Lemmas 4.4 and 4.5: the amortization algebra and Part 1's bound",
    statement="(n(n^a - 1) + n^omega)/n^a = n^(omega - a)(1 + n^(-s) - n^(-a-s)) with omega(1,1,a) = "
              "1 + a + s, s >= 0, and the bracket lies in [1, 2]: O(n^(omega(1,1,a) - a)); with naive "
              "products and d columns it is nd + n - n^(1-a) <= n(d + 1).  Part 1's printed worst "
              "case T_mat(n, n, n^a) (and Part 2's T_mat(n, n, n^a)/n^a) is at least Lemma 4.9's "
              "T_mat(n, n^a, d) (/n^a) when d <= n.",
    source=Source("000", "section 4", "Lemma 4.4 and Lemma 4.5, Parts 1 and 2"),
    cites=("DA-4.9", "omega-facts"),
    checks=(
        SympyProof("symbolic in n, a, s, d, omega", amortization, general=True,
                   scope="all n, a, s, d, omega > 0 (identities of expressions)"),
        SmtProof("the bracket, the naive bound, Part 1 against Lemma 4.9 (z3)",
                 amortization_bounds,
                 scope=NAIVE + "; bracket: every x = n^-s in (0, 1], y = n^(-a-s) in (0, x]"),
    ),
    notes=("Lemmas 4.4 and 4.5 Part 1 print T_mat(n, n, n^a) for the worst case, which their proofs "
           "take from Lemma 4.9, T_mat(n, n^a, d): a valid but looser bound (equal up to a constant "
           "when d = Theta(n)); formerly recorded as erratum DA-E9, it is not an error."),
))
