"""The printed cost claims of DA as sympy expressions, naive products T_mat(a, b, c) = a b c.

``amortization``: the algebra of Lemma 4.4 / 4.5 Part 2, symbolically in omega = omega(1,1,a)
and with naive products.  ``printed_pairs``: pairs of printed bounds for the same quantity that
ought to agree; the errata records expect the identity to fail.
"""

from __future__ import annotations

from typing import Iterator

import sympy

n, d, a, s, tau = sympy.symbols("n d a s tau", positive=True)
omega = sympy.Symbol("omega", positive=True)


def tmat(x: sympy.Expr, y: sympy.Expr, z: sympy.Expr) -> sympy.Expr:
    """T_mat(x, y, z) with naive multiplication."""
    return x * y * z


def amortization() -> Iterator[tuple[str, sympy.Expr, sympy.Expr]]:
    """Lemma 4.4 Part 2: (n (n^a - 1) + n^omega) / n^a = n^(omega - a) (1 + n^(-s) - n^(-a-s))
    for omega = 1 + a + s; the bracket lies in [1, 2] for n >= 1, s >= 0 (n^(-s) <= 1), so the
    amortized cost is O(n^(omega(1,1,a) - a)); omega(1,1,a) >= 1 + a holds since the product of an
    n x n^a and an n^a x n matrix has n^2 >= n^(1+a) entries.  With naive products and d columns
    the recompute is T_mat(n, n^a, d) and the amortized cost n d + n - n^(1-a) <= n (d + 1)."""
    lhs = (n * (n**a - 1) + n**omega) / n**a
    yield ("Lemma 4.4 Part 2, omega = 1 + a + s",
           lhs.subs(omega, 1 + a + s), n**(1 + s) * (1 + n**(-s) - n**(-a - s)))
    yield ("Lemma 4.4 Part 2, naive recompute T_mat(n, n^a, d)",
           (n * (n**a - 1) + tmat(n, n**a, d)) / n**a, n * d + n - n**(1 - a))
    yield ("Lemma 4.5 Part 2 is the same algebra", lhs, n**(omega - a) + n - n**(1 - a))


# (label, the printed bound, the bound it is printed against)
PRINTED = {
    "E9": ("Lemma 4.4 / 4.5 Part 1 state T_mat(n, n, n^a) but their proofs cite Lemma 4.9, T_mat(n, n^a, d)",
           tmat(n, n, n**a), tmat(n, n**a, d)),
    "E10": ("the abstract (seed 001) gives worst-case query time O(n^(1+tau)); Theorem 4.1 gives O(n^a)",
            n**(1 + tau), n**tau),
    "E11": ("Theorem 1.3 gives Init O(T_mat(n, n, n)); Theorem 4.1 gives O(T_mat(n, d, n))",
            tmat(n, n, n), tmat(n, d, n)),
    "E12": ("the abstract's lower bound forbids query O(n^(1+tau-Omega(1))); Lemma 1.4 forbids O(n^(tau-Omega(1)))",
            n**(1 + tau - s), n**(tau - s)),
}


def printed_pair(key: str) -> Iterator[tuple[str, sympy.Expr, sympy.Expr]]:
    label, printed, other = PRINTED[key]
    yield label, printed, other
