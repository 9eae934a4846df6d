"""The erratum that four records of AS (arXiv 2302.13214) section 4.3, Lemma 4.7, share: Eq. (5)
sets tau := exp(beta), but the construction's right blocks are e^(beta/2) (AS-4.7-A/literal,
AS-4.7-D/literal, AS-4.7-2b/literal, AS-4.7/literal); one fix, tau := e^(beta/2), repairs all four."""

from __future__ import annotations

from spec.registry import Erratum

#: the one fix of Lemma 4.7's errata that follow from Eq. (5)
TAU = "AS-4.7-tau"

TAU_READINGS = (
    "tau := exp(beta) as Eq. (5) defines it, with Q, K as printed: the right-block logits are "
    "<sqrt(beta) 1_d, sqrt(beta) 1_d> / d~ = beta d / (2d) = beta / 2, so those entries are "
    "e^(beta/2) = tau^(1/2), not tau.",
    "d~ read as d in the exponent (so that the right blocks would be e^beta): Eq. (6) sets d~ := 2d "
    "and AAttC divides by its own dimension, so this contradicts the construction.",
    "tau as a mere upper bound on the entries (the text's 'intuitively ... tau will be an upper "
    "bound'): Eq. (10) then holds, but D_ii >= n tau (used by Case 2b) fails as soon as "
    "beta > 1.13, and the threshold t~_0 is e^(beta/2) too small, so far rows are decided near.",
)

#: the erratum description of each record that the tau fix repairs
TAU_ERRATUM = Erratum(severity="error", root_cause=TAU, readings=TAU_READINGS)
