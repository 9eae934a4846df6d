"""check-approx: a kernel that goes negative in its regime is flagged, a correct approximation
passes within its declared eps, no rank or radius formula is demanded, and every defect the
evaluation names (changed caller arrays, non-finite values, leaving V's column range) can fire."""

import numpy as np
import pytest

from benchmarks.peers.planted import poly_attention_1e6
from impl.poly import exp_polynomial
from proofs_checks.conformance.approx_check import ApproxOptions, check_approx, corners, evaluate
from proofs_checks.conformance.declared_poly import declared_polynomial, negativity_witness
from proofs_checks.conformance.targets import UsageError
from spec.registry import Counterexample

SMALL = {"search": 25, "sample": 8}
P = "benchmarks.peers.planted:"
T = "tests.test_conformance_approx:"
TAYLOR3 = (1.0, 1.0, 0.5, 1.0 / 6.0)


def exact(Q, K, V, *, scale):
    M = scale * np.asarray(Q) @ np.asarray(K).T
    A = np.exp(M - M.max(axis=1, keepdims=True))
    return A @ np.asarray(V) / A.sum(axis=1, keepdims=True)


def writes_v(Q, K, V, *, scale):
    V *= 1.0
    V[0, 0] += 1.0
    return exact(Q, K, V - 0, scale=scale)


def no_scale(Q, K, V):
    return exact(Q, K, V, scale=1.0)


def test_negative_kernel_is_flagged_by_the_search():
    record = check_approx(P + "negative_taylor3", ApproxOptions(bound=2.0, budget=SMALL))
    assert record["verdict"] == "defect"
    failed = [c for c in record["checks"] if c["status"] == "failed"]
    assert failed and all("outside column" in c["counterexample"]["message"] for c in failed)
    shrunk = failed[0]["counterexample"]["values"]["input"]
    got = np.asarray(__import__("benchmarks.peers.planted").peers.planted.negative_taylor3(
        shrunk["Q"], shrunk["K"], shrunk["V"], scale=shrunk["scale"]))
    assert not np.all((got >= np.min(shrunk["V"], axis=0)) & (got <= np.max(shrunk["V"], axis=0)))


def test_negative_kernel_is_flagged_by_its_certificate():
    record = check_approx(P + "negative_taylor3", ApproxOptions(bound=2.0, budget=SMALL, coefficients=TAYLOR3,
                                                                 radius=4.0))
    declared = next(c for c in record["checks"] if c["name"] == "declared polynomial")
    values = declared["counterexample"]["values"]
    assert declared["status"] == "failed" and -4.0 <= values["x"] <= -1.59 and values["P_x"] <= 0


def test_correct_approximation_passes_within_its_eps():
    record = check_approx(P + "poly_attention_1e6", ApproxOptions(eps=3e-6, rank=15, budget=SMALL))
    assert record["verdict"] == "conforming", record["checks"]
    table = record["tables"][0]
    assert table["rows"][0][-1] <= 3e-6                       # the subject's largest sampled error
    # beside it: poly_attention of degree 2 (C(6, 2) = 15 features), far less accurate
    assert table["rows"][1][0].startswith("poly_attention") and "(at most 15)" in table["rows"][1][1]
    assert table["rows"][1][-1] > 100 * table["rows"][0][-1]


def test_exact_attention_passes_with_any_declared_rank():
    # rank 21 is no C(d + g, g) at d = 4: a rank is never demanded, only used for the comparison
    record = check_approx(T + "exact", ApproxOptions(eps=1e-12, rank=21, budget=SMALL))
    assert record["verdict"] == "conforming"


def test_a_claimed_eps_that_is_too_small_fails():
    _, Q, K, V = next(c for c in corners(ApproxOptions()) if c[0] == "sign pattern")
    with pytest.raises(Counterexample, match="exceeds the claimed eps 1e-12"):
        evaluate(poly_attention_1e6, Q, K, V, 0.25, 1e-12)
    assert evaluate(poly_attention_1e6, Q, K, V, 0.25, 3e-6) <= 3e-6


def test_any_covering_radius_is_valid():
    coefficients = exp_polynomial(4.0, 1e-6).coefficients
    scale, d, B = 0.25, 4, 2.0                                # the regime's logits reach 4
    assert declared_polynomial(coefficients, 4.0, scale, d, B, 3e-6)["status"] == "passed"
    wider = exp_polynomial(8.0, 1e-6).coefficients
    assert declared_polynomial(wider, 8.0, scale, d, B, None)["status"] == "passed"
    with pytest.raises(Counterexample, match="does not cover"):
        declared_polynomial(exp_polynomial(2.0, 1e-6).coefficients, 2.0, scale, d, B, None)


def test_positivity_not_established_is_never_a_pass():
    # 1 + x + x^2/2 is positive, but its relative error on [-4, 4] is above 1: no proof, no witness
    result = declared_polynomial((1.0, 1.0, 0.5), 4.0, 0.25, 4, 2.0, None)
    assert result["status"] == "inconclusive" and "neither proved nor refuted" in result["detail"]
    assert negativity_witness((1.0, 1.0, 0.5), 4.0) is None
    assert negativity_witness(TAYLOR3, 4.0) is not None


def test_evaluate_names_each_defect():
    rng = np.random.default_rng(1)
    Q, K, V = rng.uniform(-1, 1, (3, 4, 2))
    assert evaluate(exact, Q, K, V, 0.25, 1e-12) <= 1e-12
    with pytest.raises(Counterexample, match="the caller's V was modified in place"):
        evaluate(writes_v, Q, K, V, 0.25, None)
    with pytest.raises(Counterexample, match="non-finite"):
        evaluate(lambda Q, K, V, *, scale: exact(Q, K, V, scale=scale) * np.nan, Q, K, V, 0.25, None)
    with pytest.raises(Counterexample, match="shape"):
        evaluate(lambda Q, K, V, *, scale: exact(Q, K, V, scale=scale).T, Q, K, V, 0.25, None)


@pytest.mark.parametrize("target, options, words", [
    (T + "no_scale", ApproxOptions(budget=SMALL), "scale"),
    (T + "exact", ApproxOptions(coefficients=TAYLOR3, budget=SMALL), "--radius"),
    (T + "exact", ApproxOptions(eps=2.0, budget=SMALL), "--eps"),
    ("no_such_module_xyz:f", ApproxOptions(budget=SMALL), "cannot import"),
])
def test_usage_errors(target, options, words):
    with pytest.raises(UsageError, match=words):
        check_approx(target, options)
