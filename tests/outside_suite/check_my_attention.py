"""The outside project's tests: each runs once per attention-proofs test vector."""

from my_attention import MyAttention, exact_attention


def test_structure_matches_the_vectors(attention_vector):
    attention_vector.check(MyAttention)


def test_approximation_matches_the_vectors(approx_vector):
    approx_vector.check(exact_attention)
