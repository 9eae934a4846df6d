"""AS (arXiv 2302.13214) section 4.3, Lemma 4.7: the attention matrix ``A = exp(Q K^T / d~)`` of the
reduction, Eqs. (10) and (11) on its entries, and the bounds ``n tau <= D_ii <= 2 n tau`` on its
row sums.

Each is proved for every n, d and beta (:mod:`spec.as_.ann_steps_proof`); the /impl records check
``impl.reductions.ann`` (``build_qkv``) with ``impl.expkernel.ExpKernel`` in mpmath on every
instance of the families; the printed forms (tau = e^beta) keep their counterexamples.
"""

from __future__ import annotations

from typing import Any, Callable

import mpmath
import numpy as np

from impl.elements import MPMATH
from impl.expkernel import ExpKernel
from impl.reductions import ann as R
from spec.as_.ann_instances import balanced_dims, every_instance, fail
from spec.as_.ann_record_group import LEMMA_47
from spec.as_.ann_steps_proof import D_BOUNDS, EQ_10, EQ_11, MATRIX_A
from spec.as_.ann_tau_erratum import TAU_ERRATUM


def _kernel(inst: dict[str, Any], variant: str) -> tuple[R.Lemma47Params, np.ndarray, np.ndarray, ExpKernel]:
    A, B, d, t = balanced_dims(inst)
    p = R.lemma47_params(len(A), d, t, float(inst["eps"]), variant)
    Q, K, V = R.build_qkv(A, B, p)
    with mpmath.workprec(p.precision_bits):
        ker = ExpKernel(Q, K, mpmath.mpf(1) / (2 * d), MPMATH)
    return p, A, B, ker


def _rel_equal(x: Any, y: Any, prec: int) -> bool:
    return abs(x - y) <= abs(y) * mpmath.mpf(2) ** (-(prec - R.GUARD_BITS)) + mpmath.mpf(2) ** (-prec)


def check_A_literal(inst: dict[str, Any]) -> None:
    """As printed: A = exp(Q K^T / d~) has exp(beta <a_i, b_j> / d~) in its upper-left block, tau =
    e^beta in its right blocks and 0 in its lower-left block."""
    _check_A(inst, "printed")


def check_A_corrected(inst: dict[str, Any]) -> None:
    """Corrected: the right blocks are e^(beta/2) (= tau of the corrected variant) and the
    lower-left block is exp(0) = 1."""
    _check_A(inst, "corrected")


def _check_A(inst: dict[str, Any], variant: str) -> None:
    p, A, B, ker = _kernel(inst, variant)
    n, d = A.shape
    with mpmath.workprec(p.precision_bits):
        for i in range(2 * n):
            for j in range(2 * n):
                if i < n and j < n:
                    want = mpmath.exp(p.beta * int(A[i] @ B[j]) / (2 * d))
                elif j >= n:
                    want = p.tau
                else:
                    want = mpmath.mpf(0) if variant == "printed" else mpmath.mpf(1)
                if not _rel_equal(ker.A[i, j], want, p.precision_bits):
                    fail(f"A[{i}, {j}] = {mpmath.nstr(ker.A[i, j], 8)}, {variant} form says "
                          f"{mpmath.nstr(want, 8)}", inst, i=i, j=j, variant=variant,
                          log10_tau=float(mpmath.log10(p.tau)))


def check_eq10(inst: dict[str, Any]) -> None:
    """Eq. (10): A_ij <= exp(beta) for i, j < n (and, tighter, <= exp(beta/4) for balanced
    vectors, below the corrected tau = e^(beta/2))."""
    p, A, B, ker = _kernel(inst, "corrected")
    n = A.shape[0]
    with mpmath.workprec(p.precision_bits):
        for i in range(n):
            for j in range(n):
                if ker.A[i, j] > mpmath.exp(p.beta / 4) * (1 + mpmath.mpf(2) ** -64):
                    fail(f"A[{i}, {j}] exceeds exp(beta/4) <= tau", inst, i=i, j=j)


def check_eq11(inst: dict[str, Any]) -> None:
    """Eq. (11): A_ij >= 0 for i, j < n (in fact >= 1: the logits are >= 0)."""
    p, A, B, ker = _kernel(inst, "corrected")
    n = A.shape[0]
    for i in range(n):
        for j in range(n):
            if ker.A[i, j] < 1:
                fail(f"A[{i}, {j}] = {ker.A[i, j]} < 1", inst, i=i, j=j)


def check_D(variant: str) -> Callable[[dict[str, Any]], None]:
    """n tau <= D_ii <= 2 n tau for every i in [2n] (tau of the variant)."""

    def predicate(inst: dict[str, Any]) -> None:
        p, A, B, ker = _kernel(inst, variant)
        n = A.shape[0]
        with mpmath.workprec(p.precision_bits):
            for i in range(2 * n):
                Dii = ker.D[i]
                if Dii < n * p.tau or Dii > 2 * n * p.tau:
                    fail(f"D[{i}, {i}] = {mpmath.nstr(Dii, 8)} outside [n tau, 2 n tau] = "
                          f"[{mpmath.nstr(n * p.tau, 8)}, {mpmath.nstr(2 * n * p.tau, 8)}]", inst,
                          i=i, variant=variant, log10_D=float(mpmath.log10(Dii)),
                          log10_n_tau=float(mpmath.log10(n * p.tau)))

    predicate.__name__ = f"check_D_{variant}"
    return predicate


# ------------------------------------------------------------------------------ records
LEMMA_47.erratum(
    "AS-4.7-A/literal", "Lemma 4.7: the printed attention matrix A",
    statement=("As printed: A = exp(Q K^T / d~) has exp(beta <a_i, b_j>/d~) in the upper-left "
               "block, tau = e^beta in both right blocks and 0 in the lower-left block."),
    literal="A = [[exp(beta <a_i, b_j>/d~) ..., tau ... tau], [0 ... 0, tau ... tau]]",
    corrected_by="AS-4.7-A",
    checks=(every_instance(check_A_literal),),
    notes=("The printed Q and K give <sqrt(beta) 1_d, sqrt(beta) 1_d> / d~ = beta d / (2d) = beta/2 "
           "in the right blocks and exp(0) = 1 in the lower-left block.  The check fails at the "
           "first right-block entry (tau); the lower-left 0 is a harmless typo (rows n+1 .. 2n are "
           "never read: v is zero there and the decision uses rows 1 .. n)."),
    erratum=TAU_ERRATUM,
)

MATRIX = LEMMA_47.register(
    "AS-4.7-A", "Lemma 4.7: the attention matrix A, corrected",
    statement=("A = exp(Q K^T / d~) has exp(beta <a_i, b_j>/d~) in the upper-left block, "
               "e^(beta/2) (the corrected tau) in both right blocks and 1 in the lower-left block."),
    corrects="AS-4.7-A/literal",
    checks=(MATRIX_A,),
)
LEMMA_47.implementation(
    MATRIX, "Lemma 4.7, the matrix A: the implementation build_qkv agrees",
    statement=("exp(Q K^T / d~) of impl.reductions.ann.build_qkv's Q, K (ExpKernel, mpmath) has the blocks of "
               "AS-4.7-A on every instance."),
    checks=(every_instance(check_A_corrected),),
)

# Eqs. (10) and (11): a bound on the upper-left block, proved in general and run on build_qkv
for equation, bound, claim, proof, implementation_claim, predicate in (
        ("10", "A_ij <= tau",
         ("A_ij = exp(beta <a_i, b_j>/d~) <= exp(beta) for i, j < n; for balanced vectors even <= "
          "exp(beta/4), so also below the corrected tau = e^(beta/2)."), EQ_10,
         "The upper-left block of the implementation's A is at most exp(beta/4) on every instance.",
         check_eq10),
        ("11", "A_ij >= 0", "A_ij >= 0 for i, j < n (in fact >= 1, the logits being >= 0).", EQ_11,
         "The upper-left block of the implementation's A is at least 1 on every instance.", check_eq11)):
    LEMMA_47.implementation(
        LEMMA_47.register(f"AS-4.7-eq{equation}", f"Lemma 4.7, Eq. ({equation}): {bound}", claim,
                          checks=(proof,), cites=("AS-4.7-A",)),
        f"Lemma 4.7, Eq. ({equation}): the implementation build_qkv agrees", implementation_claim,
        checks=(every_instance(predicate),))

LEMMA_47.erratum(
    "AS-4.7-D/literal", "Lemma 4.7: n tau <= D_ii <= 2 n tau as printed",
    statement="As printed, with tau = e^beta: n tau <= (A 1)_i = D_ii <= 2 n tau for every i in [2n].",
    literal="n tau <= D_{i,i} <= 2 n tau, for all i in [n~]",
    corrected_by="AS-4.7-D",
    checks=(every_instance(check_D("printed")),),
    notes=("D_ii <= n e^(beta/4) + n e^(beta/2) < n e^beta as soon as beta > 1.13; the upper bound "
           "holds, the lower bound (used by Case 2b) fails on every instance of the lemma."),
    erratum=TAU_ERRATUM,
    cites=("AS-4.7-A/literal", "AS-4.7-eq10", "AS-4.7-eq11"),
)

LEMMA_47.implementation(
    LEMMA_47.register(
        "AS-4.7-D", "Lemma 4.7: bounds on D, corrected",
        statement="With tau = e^(beta/2): n tau <= D_ii <= 2 n tau for every i in [2n].",
        corrects="AS-4.7-D/literal",
        checks=(D_BOUNDS,),
        cites=("AS-4.7-A", "AS-4.7-eq10", "AS-4.7-eq11"),
    ),
    "Lemma 4.7, bounds on D: the implementation build_qkv agrees",
    statement="The row sums of the implementation's A lie in [n tau, 2 n tau], tau = e^(beta/2), on every instance.",
    checks=(every_instance(check_D("corrected")),),
)
