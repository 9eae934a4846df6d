"""Statements of AS (J. Alman and Z. Song, "Fast Attention Requires Bounded Entries", arXiv
2302.13214): one module per lemma or group of lemmas printed together, each holding its records,
predicates, instance families and kernels, beside the general proofs (``*_proof.py``) they carry."""
