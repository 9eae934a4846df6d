"""The printed Query of DA (arXiv 2304.02207v1, section 4, Algorithm 4) as a pure-Python kernel
with PEP 316 contracts, for CrossHair (n <= 3): it must find the missing pending-key term.

Both sides of the query decomposition share the denominator ``D_i``, so the kernels compare
numerators in integer arithmetic: one pending key update (column ``delta`` added to column
``key`` of ``A``) and one pending value update (``gamma`` added to ``V[vrow][vcol]``).
"""

from __future__ import annotations


def _truth(a0: list[list[int]], v0: list[list[int]], key: int, delta: list[int], vrow: int,
           vcol: int, gamma: int, i: int, j: int) -> int:
    n = len(a0)
    total = 0
    for k in range(n):
        a_ik = a0[i][k] + (delta[i] if k == key else 0)
        v_kj = v0[k][j] + (gamma if (k == vrow and j == vcol) else 0)
        total += a_ik * v_kj
    return total


def _c0(a0: list[list[int]], v0: list[list[int]], i: int, j: int) -> int:
    return sum(a0[i][k] * v0[k][j] for k in range(len(a0)))


def query_numerator_v1(a0: list[list[int]], v0: list[list[int]], key: int, delta: list[int],
                       vrow: int, vcol: int, gamma: int, i: int, j: int) -> bool:
    """Seed 000 Algorithm 4 line 9-11: C_ij + A_cur[i][vrow] gamma [vcol == j] (no pending keys).

    pre: 1 <= len(a0) <= 3 and all(len(row) == len(a0) for row in a0)
    pre: len(v0) == len(a0) and 1 <= len(v0[0]) <= 2 and all(len(row) == len(v0[0]) for row in v0)
    pre: len(delta) == len(a0)
    pre: 0 <= key < len(a0) and 0 <= vrow < len(a0) and 0 <= i < len(a0)
    pre: 0 <= vcol < len(v0[0]) and 0 <= j < len(v0[0])
    post: __return__
    """
    a_cur = a0[i][vrow] + (delta[i] if vrow == key else 0)
    got = _c0(a0, v0, i, j) + (a_cur * gamma if vcol == j else 0)
    return got == _truth(a0, v0, key, delta, vrow, vcol, gamma, i, j)
