"""Values of ``exp`` in z3 queries, with the facts every real exponential satisfies.

z3 decides real arithmetic but has no exponential function.  A proof that needs ``exp(x)`` uses
a fresh real for each value it mentions and assumes only these facts, true for every real
argument (and so sound for any value the query's free variables take):

* ``exp(x) > 0`` and ``exp(x) >= 1 + x`` (the tangent line at 0), and ``exp(x) (1 - x) <= 1``
  for ``x < 1`` (``exp(-x) >= 1 - x``), which keeps a counterexample's values near the real ones;
* ``exp(0) = 1``;
* strictly increasing: ``x <= y`` implies ``exp(x) <= exp(y)``, ``x < y`` implies
  ``exp(x) < exp(y)`` (stated for every pair of values the query mentions);
* ``exp(a + b) = exp(a) exp(b)``, where a proof asks for it (:meth:`ExpValues.product`).

A proof's scope names these facts; nothing else about ``exp`` is assumed.
"""

from __future__ import annotations

from typing import Any

#: the sentence a proof's scope quotes for the facts it may assume
FACTS = ("exp(x) > 0, exp(x) >= 1 + x, exp(x) (1 - x) <= 1 for x < 1, exp(0) = 1, exp strictly "
         "increasing, exp(a + b) = exp(a) exp(b) (as axioms)")


class ExpValues:
    """Fresh z3 reals standing for ``exp`` of given arguments; ``facts`` lists the axioms about
    every value created so far (pairwise monotonicity included)."""

    def __init__(self) -> None:
        self.facts: list[Any] = []
        self._values: list[tuple[Any, Any]] = []

    def __call__(self, name: str, x: Any) -> Any:
        """A real standing for ``exp(x)``; ``x`` is a z3 arithmetic term or a number."""
        import z3

        value = z3.Real(name)
        arg = z3.ToReal(x) if z3.is_int(x) else (z3.RealVal(x) if isinstance(x, (int, float)) else x)
        self.facts += [value > 0, value >= 1 + arg, z3.Implies(arg < 1, value * (1 - arg) <= 1),
                       z3.Implies(arg == 0, value == 1)]
        for other, other_arg in self._values:
            self.facts += [z3.Implies(arg <= other_arg, value <= other),
                           z3.Implies(other_arg <= arg, other <= value),
                           z3.Implies(arg < other_arg, value < other),
                           z3.Implies(other_arg < arg, other < value)]
        self._values.append((value, arg))
        return value

    def product(self, a: Any, b: Any, c: Any) -> None:
        """Assume ``exp(x_a + x_b) = exp(x_a) exp(x_b)`` for values ``a``, ``b``, ``c`` of
        arguments ``x_a``, ``x_b``, ``x_c``: ``x_c = x_a + x_b`` implies ``c = a b``."""
        import z3

        args = {id(v): x for v, x in self._values}
        for v in (a, b, c):
            if id(v) not in args:
                raise ValueError(f"{v} is not a value of this ExpValues")
        self.facts.append(z3.Implies(args[id(c)] == args[id(a)] + args[id(b)], c == a * b))
