"""The invariant suite: every registered statement comes out as the registry expects.

Runs each record through its engines under the deterministic quick profile: statements expected
to hold must hold (or be proved), and every erratum must be confirmed with its counterexample.
"""

import pytest

from proofs_checks.runner import run_lemma
from spec.profiles import get_profile
from spec.registry import load_all

LEMMAS = load_all()


@pytest.mark.parametrize("lemma_id", sorted(LEMMAS))
def test_statement_as_expected(lemma_id):
    result = run_lemma(LEMMAS[lemma_id], get_profile("quick"))
    details = [(c["name"], c["status"], c["detail"], c["counterexample"]) for c in result["checks"]]
    assert result["ok"], f"{lemma_id}: {result['status']} (expected {result['expect']}): {details}"
