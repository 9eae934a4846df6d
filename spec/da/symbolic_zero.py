"""Deciding that an expression of the symbolic element kind is identically zero.

The dynamic structures run on sympy symbols (``impl.elements.symbolic``) and their entries are
rational functions of real symbols and of ``exp`` of polynomials in them.  ``exp`` stays symbolic,
so ``exp(x + delta)`` and ``exp(x) exp(delta)`` are different sympy trees; equality is decided
after rewriting every ``exp(c_1 m_1 + ... + c_r m_r)`` (monomials ``m``, rational ``c``) as
``E_{m_1}^{c_1} ... E_{m_r}^{c_r}`` with one fresh positive symbol ``E_m`` per monomial, which is
``exp(x + y) = exp(x) exp(y)`` and ``exp(c x) = exp(x)^c`` applied throughout.

Soundness: the rewrite is an identity, so if the rewritten expression is the zero rational
function then the original is zero at every real point where its denominators do not vanish
(``E_m = exp(m)`` is one choice of values).  Only that direction is relied on: a proof step
passes only when every difference it checks rewrites to zero, and nothing is ever rounded.  (A
non-zero rewrite is a real difference too, as the ``exp`` of distinct non-constant monomials are
algebraically independent over the rational functions, but no verdict depends on it.)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy


@lru_cache(maxsize=None)
def _exp_symbol(monomial: sympy.Expr) -> sympy.Symbol:
    return sympy.Symbol(f"E[{monomial}]", positive=True)


@lru_cache(maxsize=1 << 16)
def exp_free(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every ``exp`` atom replaced by a product of powers of the ``E_m``."""
    replace = {}
    for atom in expr.atoms(sympy.exp):
        product = sympy.Integer(1)
        for term in sympy.Add.make_args(sympy.expand(atom.args[0])):
            coeff, monomial = term.as_coeff_Mul()
            product *= _exp_symbol(monomial) ** coeff
        replace[atom] = product
    return expr.xreplace(replace) if replace else expr


@lru_cache(maxsize=1 << 16)
def _is_zero(expr: sympy.Expr) -> bool:
    rewritten = exp_free(expr)
    if sympy.expand(rewritten) == 0:
        return True
    numerator, _ = sympy.fraction(sympy.together(rewritten))
    return sympy.expand(numerator) == 0


def is_zero(x: Any) -> bool:
    """Whether ``x`` (a sympy expression or a number) is identically zero (module docstring)."""
    return _is_zero(sympy.sympify(x))


def equal(a: Any, b: Any) -> bool:
    """Whether ``a - b`` is identically zero (the same tree first: the common case, and cheap)."""
    a, b = sympy.sympify(a), sympy.sympify(b)
    return a == b or is_zero(a - b)
