"""General proof (every dimension d and degree g) of AS (arXiv 2302.13214) section 3, Lemma 3.2:
for ``P(x) = sum_{k=0}^{g} c_k x^k``, the features ``phi_1(u)_alpha = c_|alpha| m(alpha) u^alpha``
and ``phi_2(v)_alpha = v^alpha`` over the multi-indices ``alpha`` in N^d with ``|alpha| <= g``
(``m(alpha) = |alpha|! / prod_i alpha_i!``) satisfy ``<phi_1(u), phi_2(v)> = P(<u, v>)``, and
there are ``C(d + g, g)`` of them.  This is the multinomial expansion; the proof is sympy
identities with symbolic ``d``, ``g``, ``k``, ``j`` (each decided by
``proofs_checks.engines.sympy_proof.is_zero``), assembled as follows.

1. Sum lemmas for *every* sequence ``f`` (an undefined sympy function): distributing a factor;
   adding two sums over one range; adjacent ranges join (``sum_{0..k} + sum_{k+1..k+1} =
   sum_{0..k+1}``); a one-term sum is its term; and the index shift ``sum_{j=0}^{K} f(j + 1) =
   sum_{j=1}^{K+1} f(j)``, by induction on ``K`` (base ``K = 0``; step: both sides grow by
   ``f(K + 2)``, via joined ranges).
2. Binomial theorem, ``B_k = sum_{j=0}^{k} C(k, j) z^j s^(k-j) = (s + z)^k``, by induction on
   ``k``: base ``k = 0``; step: ``(s + z) B_k`` splits into ``sum s T(j) + sum z T(j)`` (1, with
   ``T(j) = C(k, j) z^j s^(k-j)``); the second is ``sum_{j=1}^{k+1} z T(j - 1)`` (the shift);
   both extend to ``j = 0..k+1`` because the added terms ``s T(k + 1)`` and ``z T(-1)`` are 0;
   the two sums over ``0..k+1`` add termwise (1), and termwise ``s T(j) + z T(j - 1) =
   C(k + 1, j) z^j s^(k+1-j)`` (Pascal), so ``(s + z) B_k = B_{k+1}``.
3. Multinomial theorem, ``F_d(k) = sum_{|alpha| = k} m(alpha) z^alpha = (z_1 + ... + z_d)^k``
   for every ``k``, by induction on ``d``: base ``d = 1`` (``m((k)) = 1``); step: the
   multi-indices of length ``d + 1`` and size ``k`` are the pairs (``alpha'`` of length ``d`` and
   size ``k - j``, last exponent ``j`` in ``0..k``) -- the recursive definition of the index
   set -- and ``m((alpha', j)) = C(k, j) m(alpha')`` (factorials), so ``F_{d+1}(k) = sum_j C(k, j)
   z_{d+1}^j F_d(k - j)``, which by the hypothesis and 2 is ``(s_d + z_{d+1})^k``.
4. The features: regrouped by degree, ``<phi_1(u), phi_2(v)> = sum_k c_k sum_{|alpha|=k} m(alpha)
   u^alpha v^alpha``; ``u^alpha v^alpha = (u o v)^alpha`` coordinatewise, and 3 with
   ``z_i = u_i v_i`` gives ``sum_k c_k <u, v>^k = P(<u, v>)``.
5. Count: ``N_d(g) = #{alpha in N^d: |alpha| <= g} = C(d + g, g)``, by induction on ``d``
   (base ``g + 1 = C(1 + g, g)``; step ``N_{d+1}(g) = sum_{m=0}^{g} N_d(m)``, regrouped by the
   last exponent ``j = g - m``, and ``sum_{m=0}^{g} C(d + m, m) = C(d + 1 + g, g)`` by induction on ``g``:
   joined ranges and Pascal).

``s`` and ``z`` are non-zero symbols so that powers with negative exponents at the range ends
are defined; the binomial theorem is a polynomial identity, so it extends to ``s z = 0`` by
continuity.  The regroupings in 3, 4 and 5 (a sum over a set of multi-indices written as a sum
over the last exponent, or over the degree) are definitions of those sums, not machine-checked
steps.  The proof covers the mathematics of the lemma; ``impl.poly.features`` is checked by the
record's own sympy and float checks.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.registry import SympyProof

Identity = tuple[str, Any, Any]

B = sympy.binomial


def _sym() -> dict[str, Any]:
    k, K, a, g, d = sympy.symbols("k K a g d", integer=True, nonnegative=True)
    j, m = sympy.symbols("j m", integer=True)
    s, z = sympy.symbols("s z", real=True, nonzero=True)
    return {"k": k, "K": K, "a": a, "g": g, "d": d, "j": j, "m": m, "s": s, "z": z,
            "f": sympy.Function("f")}


def sum_lemmas() -> Iterator[Identity]:
    """1: identities about sums of an arbitrary sequence ``f``."""
    x = _sym()
    f, j, k, K, a, s, z = (x[v] for v in ("f", "j", "k", "K", "a", "s", "z"))
    S = sympy.Sum
    yield ("sum lemma, distributing: (s + z) sum_{0..k} f = sum s f + sum z f",
           (s + z) * S(f(j), (j, 0, k)), S(s * f(j), (j, 0, k)) + S(z * f(j), (j, 0, k)))
    yield ("sum lemma, joining at the top: sum_{0..k} f + sum_{k+1..k+1} f = sum_{0..k+1} f",
           S(f(j), (j, 0, k)) + S(f(j), (j, k + 1, k + 1)), S(f(j), (j, 0, k + 1)))
    yield ("sum lemma, joining at the bottom: sum_{0..0} f + sum_{1..k+1} f = sum_{0..k+1} f",
           S(f(j), (j, 0, 0)) + S(f(j), (j, 1, k + 1)), S(f(j), (j, 0, k + 1)))
    yield ("sum lemma, one term: sum_{a..a} f = f(a)", S(f(j), (j, a, a)), f(a))
    h = sympy.Function("h")
    yield ("sum lemma, adding: sum_{0..k} f + sum_{0..k} h = sum_{0..k} (f + h)",
           S(f(j), (j, 0, k)) + S(h(j), (j, 0, k)), S(f(j) + h(j), (j, 0, k)))
    yield ("shift, base K = 0: sum_{j=0}^{0} f(j + 1) = sum_{j=1}^{1} f(j)",
           S(f(j + 1), (j, 0, 0)), S(f(j), (j, 1, 1)))
    yield ("shift, step: sum_{j=0}^{K+1} f(j + 1) = sum_{j=0}^{K} f(j + 1) + sum_{j=K+1}^{K+1} f(j + 1)",
           S(f(j + 1), (j, 0, K)) + S(f(j + 1), (j, K + 1, K + 1)), S(f(j + 1), (j, 0, K + 1)))
    yield ("shift, step: sum_{j=1}^{K+2} f(j) = sum_{j=1}^{K+1} f(j) + sum_{j=K+2}^{K+2} f(j)",
           S(f(j), (j, 1, K + 1)) + S(f(j), (j, K + 2, K + 2)), S(f(j), (j, 1, K + 2)))
    yield ("shift, step: the two added terms are both f(K + 2)",
           S(f(j + 1), (j, K + 1, K + 1)), S(f(j), (j, K + 2, K + 2)))


def binomial_theorem(pascal_slip: bool = False) -> Iterator[Identity]:
    """2: base and step of ``sum_{j=0}^{k} C(k, j) z^j s^(k-j) = (s + z)^k``.

    ``pascal_slip``: the termwise step with ``C(k, j + 1)`` for ``C(k, j - 1)`` (a broken proof)."""
    x = _sym()
    j, k, s, z = x["j"], x["k"], x["s"], x["z"]

    def T(i: Any) -> Any:
        return B(k, i) * z**i * s**(k - i)

    yield ("binomial theorem, base k = 0: sum_{j=0}^{0} C(0, j) z^j s^(-j) = (s + z)^0",
           sympy.Sum(B(0, j) * z**j * s**(-j), (j, 0, 0)), (s + z)**0)
    yield ("binomial theorem, step: the added top term s T(k + 1) is 0", s * T(k + 1), 0)
    yield ("binomial theorem, step: the added bottom term z T(-1) is 0", z * T(-1), 0)
    low = T(j + 1) if pascal_slip else T(j - 1)
    yield ("binomial theorem, step (Pascal, termwise): s T(j) + z T(j - 1) = C(k + 1, j) z^j s^(k+1-j)",
           s * T(j) + z * low, B(k + 1, j) * z**j * s**(k + 1 - j))
    yield ("binomial theorem, step: (s + z)^(k+1) = (s + z) (s + z)^k", (s + z)**(k + 1), (s + z) * (s + z)**k)


def multinomial_theorem() -> Iterator[Identity]:
    """3: base ``d = 1`` and the coefficient split of the step ``d -> d + 1``."""
    x = _sym()
    j, k, z = x["j"], x["k"], x["z"]
    F = sympy.Symbol("F", positive=True)  # prod_i alpha'_i!, any positive value
    yield ("multinomial theorem, base d = 1: m((k)) z^k = z^k", sympy.factorial(k) / sympy.factorial(k) * z**k, z**k)
    yield ("multinomial theorem, step: m((alpha', j)) = C(k, j) m(alpha') with |alpha'| = k - j",
           sympy.factorial(k) / (F * sympy.factorial(j)), B(k, j) * sympy.factorial(k - j) / F)


def features(printed_upper_index: bool = False) -> Iterator[Identity]:
    """4: the feature inner product, regrouped by degree, is ``P(<u, v>)``.

    ``printed_upper_index``: the proof's printed ``P(x) = sum_{i=0}^{d} c_i x^i`` (AS-3.2/literal)."""
    x = _sym()
    a, g, d, k = x["a"], x["g"], x["d"], x["k"]
    u, v = sympy.symbols("u v", real=True)
    yield ("features: u_i^a v_i^a = (u_i v_i)^a (coordinatewise, so u^alpha v^alpha = (u o v)^alpha)",
           u**a * v**a, (u * v)**a)
    c = sympy.IndexedBase("c")
    ip = sympy.Symbol("ip", real=True)  # <u, v> = sum_i u_i v_i
    top = d if printed_upper_index else g
    # by 3 with z_i = u_i v_i, the degree-k part is <u, v>^k
    yield ("features: sum_{k=0}^{g} c_k (sum_{|alpha|=k} m(alpha) (u o v)^alpha) = P(<u, v>)",
           sympy.Sum(c[k] * ip**k, (k, 0, g)), sympy.Sum(c[k] * ip**k, (k, 0, top)))


def feature_count() -> Iterator[Identity]:
    """5: ``#{alpha in N^d : |alpha| <= g} = C(d + g, g)``."""
    x = _sym()
    g, d, m = x["g"], x["d"], x["m"]
    yield ("count, base d = 1: g + 1 = C(1 + g, g)", g + 1, B(1 + g, g))
    yield ("count, hockey stick base g = 0: C(d, 0) = C(d + 1, 0)", B(d, 0), B(d + 1, 0))
    yield ("count, hockey stick step: sum_{m=0}^{g+1} C(d + m, m) = sum_{m=0}^{g} C(d + m, m) + "
           "C(d + g + 1, g + 1) (joined ranges)",
           sympy.Sum(B(d + m, m), (m, 0, g + 1)),
           sympy.Sum(B(d + m, m), (m, 0, g)) + sympy.Sum(B(d + m, m), (m, g + 1, g + 1)))
    yield ("count, hockey stick step: C(d + 1 + g, g) + C(d + g + 1, g + 1) = C(d + 1 + (g + 1), g + 1)",
           B(d + 1 + g, g) + B(d + g + 1, g + 1), B(d + 1 + g + 1, g + 1))


def identities() -> Iterator[Identity]:
    yield from sum_lemmas()
    yield from binomial_theorem()
    yield from multinomial_theorem()
    yield from features()
    yield from feature_count()


FEATURE_EXPANSION_GENERAL = SympyProof(
    "multinomial expansion by induction (binomial theorem on k, multinomial on d), symbolic d, g",
    identities,
    scope="all d >= 1, g >= 0, real u, v and coefficients c_0..c_g: <phi_1(u), phi_2(v)> = "
          "P(<u, v>) with C(d + g, g) features (sums over multi-indices regrouped by their last "
          "exponent or degree, as defined)",
    general=True)
