"""The printed cost claims of DA (seed 000 sections 1 and 4, seed 001 abstract) as algebra.

``amortization``: the identities of Lemma 4.4 / 4.5 Part 2, symbolic in n, a, s, d and
omega = omega(1,1,a) (sympy).  ``amortization_bounds``, ``looser_bounds``: the inequalities that
turn those identities into O() bounds, and the proof that the looser printed bounds (Lemmas 4.4 /
4.5 Part 1, Theorem 1.3's Init and UpdateK, the abstract's query time) are at least the tight ones
under the paper's assumption d = O(n), as z3 claims over the reals.  Powers n^a are named by a
variable m with 1 <= m <= n (n >= 1, 0 < a <= 1): z3 decides polynomial arithmetic, not real
exponents, and the substitution is the monotonicity of t -> n^t.  Products are naive,
T_mat(x, y, z) = x y z; for fast products T_mat is non-decreasing in each dimension (pad with
zeros), which gives the same inequalities.  ``column_reading``: the abstract's per-column reading of
the query time (DA-1.3, DA-E12).
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

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


def looser_bounds() -> Iterator[tuple[str, Any, list[Any]]]:
    """z3 claims for DA-1.3: Theorem 1.3's Init O(T_mat(n, n, n)) and UpdateK
    O(T_mat(n, n^a, n) / n^a) are at least Theorem 4.1's T_mat(n, d, n) and Lemma 4.4's
    T_mat(n, n^a, d) / n^a when d <= n; the abstract's query time n^(1+tau) is at least Theorem
    4.1's n^a at a = tau (m = n^tau in [1, n])."""
    z3 = _z3()
    N, D, M = z3.Reals("n d m")
    dims = [N >= 1, D >= 1, D <= N]
    yield ("Init: T_mat(n, n, n) >= T_mat(n, d, n) for 1 <= d <= n",
           tmat(N, N, N) >= tmat(N, D, N), dims)
    yield ("UpdateK: T_mat(n, n^a, n) / n^a >= T_mat(n, n^a, d) / n^a for 1 <= d <= n",
           tmat(N, M, N) / M >= tmat(N, M, D) / M, dims + [M >= 1, M <= N])
    yield ("Query: n^(1+tau) = n n^tau >= n^tau (m = n^tau >= 1)",
           N * M >= M, [N >= 1, M >= 1, M <= N])


def column_reading() -> Iterator[tuple[str, sympy.Expr, sympy.Expr]]:
    """The abstract's query times read per column of n entries (what the reductions' phase 3
    reads): n queries of Theorem 4.1's O(n^tau) cost n^(1+tau), the abstract's upper bound; n
    queries of Lemma 1.4's forbidden O(n^(tau - delta)) cost n^(1+tau-delta), the abstract's lower
    bound; and Lemma 1.4's update T_mat(n, n^tau, n) / n^(tau + delta) with T_mat(n, n^tau, n) =
    n^omega(1,1,tau) is the abstract's n^(omega - tau - delta)."""
    delta = sympy.Symbol("delta", positive=True)
    yield ("n queries of O(n^tau) = O(n^(1+tau)) (abstract, upper bound)", n * n**tau, n**(1 + tau))
    yield ("n queries of O(n^(tau-delta)) = O(n^(1+tau-delta)) (abstract, lower bound)",
           n * n**(tau - delta), n**(1 + tau - delta))
    yield ("update: n^omega(1,1,tau) / n^(tau+delta) = n^(omega-tau-delta)",
           n**omega / n**(tau + delta), n**(omega - tau - delta))
