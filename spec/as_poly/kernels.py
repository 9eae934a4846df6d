"""Pure-Python kernels with PEP 316 contracts for ``crosshair check`` (seed 002, section 3).

One row of the n x n matrices, ``n <= 3``.  ``A`` is the exact attention row (positive entries),
``At`` its approximation with ``|At_l - A_l| <= eps_a A_l``, ``D = sum(A)``.  The ``*_literal``
kernels state the printed claims that fail; crosshair is expected to find counterexamples there
and none in the corrected kernels.
"""

from __future__ import annotations


def lemma33_entry(q: list[float], k: list[float], B: float) -> float:
    """Lemma 3.3: ``|<q, k> / d| <= B^2`` when every entry is at most B in absolute value.

    pre: 1 <= len(q) <= 3 and len(k) == len(q)
    pre: B >= 1
    pre: all(-B <= x <= B for x in q) and all(-B <= x <= B for x in k)
    post: -B * B <= __return__ <= B * B
    """
    total = 0.0
    for a, b in zip(q, k):
        total += a * b
    return total / len(q)


def lemma35_row(a: list[float], at: list[float], eps: float) -> float:
    """Lemma 3.5: ``|D~ - D| <= eps D`` for ``D = sum(a)``, ``D~ = sum(at)``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a)
    pre: 0 < eps < 0.1
    pre: all(x > 0 for x in a)
    pre: all(-eps * x <= y - x <= eps * x for x, y in zip(a, at))
    post: -eps * sum(a) <= __return__ - sum(a) <= eps * sum(a)
    """
    total = 0.0
    for y in at:
        total += y
    return total


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


def lemma36_general(a: list[float], at: list[float], dt: float, v: list[float],
                    eps_a: float, eps_d: float, B: float) -> float:
    """Lemma 3.6 corrected for an arbitrary ``D~`` in the box: bound ``(eps_A + eps_D) B / (1 - eps_D)``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a) and len(v) == len(a)
    pre: 0 < eps_a < 0.1 and 0 < eps_d < 0.1 and B > 1
    pre: all(x > 0 for x in a)
    pre: all(-eps_a * x <= y - x <= eps_a * x for x, y in zip(a, at))
    pre: -eps_d * sum(a) <= dt - sum(a) <= eps_d * sum(a)
    pre: all(-B <= w <= B for w in v)
    post: -(eps_a + eps_d) * B <= __return__ * (1 - eps_d) <= (eps_a + eps_d) * B
    """
    return _row_error(a, at, dt, v)


def lemma36_consistent(a: list[float], at: list[float], v: list[float],
                       eps_a: float, eps_d: float, B: float) -> float:
    """Lemma 3.6 with ``D~ = diag(A~ 1)`` (as Algorithm 1 computes it): ``(eps_A + eps_D) B``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a) and len(v) == len(a)
    pre: 0 < eps_a < 0.1 and 0 < eps_d < 0.1 and B > 1
    pre: all(x > 0 for x in a)
    pre: all(-eps_a * x <= y - x <= eps_a * x for x, y in zip(a, at))
    pre: -eps_d * sum(a) <= sum(at) - sum(a) <= eps_d * sum(a)
    pre: all(-B <= w <= B for w in v)
    post: -(eps_a + eps_d) * B <= __return__ <= (eps_a + eps_d) * B
    """
    return _row_error(a, at, sum(at), v)


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


def theorem37_corrected(a: list[float], at: list[float], v: list[float], eps: float, B: float) -> float:
    """Theorem 3.7 as Lemmas 3.5 and 3.6 prove it: ``||T - Att||_inf <= 2 eps ||V||_inf``.

    pre: 1 <= len(a) <= 3 and len(at) == len(a) and len(v) == len(a)
    pre: 0 < eps < 0.1 and B > 1
    pre: all(x > 0 for x in a)
    pre: all(-eps * x <= y - x <= eps * x for x, y in zip(a, at))
    pre: all(-B <= w <= B for w in v)
    post: -2 * eps * B <= __return__ <= 2 * eps * B
    """
    return _row_error(a, at, sum(at), v)
