"""Pure-Python kernels with PEP 316 contracts for ``crosshair check``: the row error of Algorithm 1
as two printed claims of AS (arXiv 2302.13214) state it, section 3.6 (Lemma 3.6) and section 3.7
(Theorem 3.7's proof).  Both claims fail; CrossHair is expected to find the counterexamples.

One row of the n x n matrices, ``n <= 3``: ``a`` is the exact attention row (positive entries),
``at`` its approximation with ``|at_l - a_l| <= eps_a a_l``, ``D = sum(a)``.  The corrected
claims are proved for every n in :mod:`spec.as_.error_lemmas_proof`; this module is kept free of
imports so that CrossHair loads it quickly.
"""

from __future__ import annotations


def _row_error(a: list[float], at: list[float], dt: float, v: list[float]) -> float:
    num_t = 0.0
    num = 0.0
    D = 0.0
    for x, y, w in zip(a, at, v):
        num_t += y * w
        num += x * w
        D += x
    return num_t / dt - num / D


def lemma36_literal(a: list[float], at: list[float], dt: float, v: list[float],
                    eps_a: float, eps_d: float, B: float) -> float:
    """Lemma 3.6 as printed: ``|D~^{-1} A~ V - D^{-1} A V| <= (eps_A + eps_D) B`` for ANY diagonal
    ``D~`` with ``|D~ - D| <= eps_D D`` (here even with ``D = diag(A 1)``).  Fails: n = 1,
    ``A = 1, A~ = 1 + eps_A, D~ = 1 - eps_D, V = B`` gives ``(eps_A + eps_D) B / (1 - eps_D)``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a) and len(v) == len(a)
    pre: 0 < eps_a < 0.1 and 0 < eps_d < 0.1 and B > 1
    pre: all(x > 0 for x in a)
    pre: all(-eps_a * x <= y - x <= eps_a * x for x, y in zip(a, at))
    pre: -eps_d * sum(a) <= dt - sum(a) <= eps_d * sum(a)
    pre: all(-B <= w <= B for w in v)
    post: -(eps_a + eps_d) * B <= __return__ <= (eps_a + eps_d) * B
    """
    return _row_error(a, at, dt, v)


def theorem37_literal(a: list[float], at: list[float], v: list[float], eps: float, B: float) -> float:
    """Theorem 3.7's inference as printed: with ``A~`` an (eps, r)-approximation of ``A`` and
    ``D~ = diag(A~ 1)``, Lemmas 3.5 and 3.6 give ``||T - Att||_inf <= eps`` (AAttC with eps_a = eps).
    They give ``2 eps B``; ``A = (1, 1), A~ = (1 + eps, 1 - eps), V = (B, -B)`` has error ``eps B``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a) and len(v) == len(a)
    pre: 0 < eps < 0.1 and B > 1
    pre: all(x > 0 for x in a)
    pre: all(-eps * x <= y - x <= eps * x for x, y in zip(a, at))
    pre: all(-B <= w <= B for w in v)
    post: -eps <= __return__ <= eps
    """
    return _row_error(a, at, sum(at), v)
