"""Induction over the terms of a finite sum, stated as z3 claims for ``spec.SmtProof``.

Many statements are about a sum, a count or an "or" over ``n`` terms for every ``n``: the entry
``((exp(M P) - 1) V)[j, i] = sum_k (exp((M P)[j, k]) - 1) V[k, i]`` of DA Claim 5.6, a row sum
``D_ii`` of AS Lemma 3.5, a Hamming distance of AS Remark 4.4.  z3 cannot quantify over the
length of a sum, but it proves the two halves of an induction for symbolic values:

* base: the invariant holds for the start state (no term yet);
* step: from *any* state that satisfies the invariant, adding *any* term that satisfies the
  term's facts gives a state that satisfies the invariant again.

Both together prove the invariant after every number of terms; a conclusion that z3 derives from
the invariant alone (plus the statement's hypotheses) then holds for every ``n``.  Each of the
three is one claim ``(label, claim, assumptions)``; the engine proves it by the unsatisfiability
of ``assumptions and not claim``, and records the query (SMT-LIB) as the proof object.

A nested sum (the entry ``(M P)[j, k] = sum_l M[j, l] P[l, k]`` inside the sum over ``k``) is an
inner induction whose invariant, stated for fresh constants, becomes one of the outer term's
facts: the inner induction proves it for the inner sum's final value, whatever its length.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

Claim = tuple[str, Any, list[Any]]
State = dict[str, Any]


@dataclass(frozen=True)
class SumInduction:
    """An invariant over a state that one term at a time updates.

    ``state``: the state's z3 constants by name (free: "any state"); ``start``: the state before
    the first term; ``step(state)``: the state after one more term, built from the constants of
    ``state`` and the term's own constants; ``term_facts``: what is known about one term (its
    constants are free, so the step holds for every term that meets them); ``invariant(state)``:
    a z3 boolean; ``context``: hypotheses on the statement's parameters, shared by every part.
    """

    label: str
    state: State
    start: State
    step: Callable[[State], State]
    invariant: Callable[[State], Any]
    term_facts: Sequence[Any] = ()
    context: Sequence[Any] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if set(self.start) != set(self.state):
            raise ValueError(f"{self.label}: start must give every state variable "
                             f"{sorted(self.state)}, got {sorted(self.start)}")

    def claims(self) -> Iterator[Claim]:
        """The base (no term yet) and the step (one more term), each one claim."""
        yield (f"{self.label}: base, n = 0 terms", self.invariant(self.start), list(self.context))
        after = self.step(self.state)
        if set(after) != set(self.state):
            raise ValueError(f"{self.label}: step must give every state variable "
                             f"{sorted(self.state)}, got {sorted(after)}")
        yield (f"{self.label}: step, n -> n + 1 terms", self.invariant(after),
               [self.invariant(self.state), *self.term_facts, *self.context])

    def conclude(self, label: str, claim: Callable[[State], Any], *extra: Any) -> Claim:
        """A claim about the state after any number of terms, from the invariant alone (and the
        extra hypotheses ``extra`` about the final state, e.g. its count equals ``n``)."""
        return (f"{self.label}: {label}", claim(self.state),
                [self.invariant(self.state), *self.context, *extra])


def distinct(claims: Iterator[Claim]) -> Iterator[Claim]:
    """``claims`` without repeats: a proof that reuses a lemma's claims (one induction serving
    several conclusions) lists each claim once.  The same label with different content is an
    error, not a repeat."""
    seen: dict[str, str] = {}
    for label, claim, assumptions in claims:
        text = claim.sexpr() + "".join(a.sexpr() for a in assumptions)
        if label in seen:
            if seen[label] != text:
                raise ValueError(f"two different claims are labelled {label!r}")
            continue
        seen[label] = text
        yield label, claim, assumptions


def deduplicated(claims_of: Callable[..., Iterator[Claim]]) -> Callable[..., Iterator[Claim]]:
    """Decorator: the claims of ``claims_of(...)`` through :func:`distinct`."""
    @functools.wraps(claims_of)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Claim]:
        return distinct(claims_of(*args, **kwargs))

    return wrapper
