"""Pure helpers for the reduction statements: direct answers, instance families, strategies.

* :mod:`spec.reductions.hmv` -- HMV (DA seed 000, section 5): the Boolean product ``M P V``,
  enumerations, the predicates of Lemmas 5.5, 5.9 and Claims 5.6, 5.7, 5.10, 5.11.
* :mod:`spec.reductions.ann` -- Gap-ANN (AS seed 002, section 4): exact distances, promise
  classes, enumerations, adversarial approximate-attention oracles and the Lemma 4.7 predicates.
"""
