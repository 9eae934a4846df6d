"""General proof (every k, n, d, m) of DA (arXiv 2304.02207) section 2, Fact 2.1: for
``a_1..a_k`` in R^n and ``b_1..b_k`` in R^d, ``sum_t a_t b_t^T = A B^T`` where ``a_t``, ``b_t``
are the columns of ``A``, ``B``; and (Part 2) ``(A B^T) C = A (B^T C)`` for ``C`` in R^{d x m}.

Entries are stated with symbolic sizes and symbolic indices (sympy ``IndexedBase`` and ``Sum``
with symbolic bounds), and each part is an induction on the number ``k`` of outer products:

* Part 1: base ``k = 1`` (one outer product is a one-column product); step ``k -> k + 1``: the
  entry ``(r, c)`` of ``A_{k+1} B_{k+1}^T`` is that of ``A_k B_k^T`` plus ``A[r, k] B[c, k]``,
  the entry of the new outer product ``a_{k+1} b_{k+1}^T``;
* Part 2: base ``k = 1`` (``(a b^T) C = a (b^T C)``, a scalar pulled out of a sum); step: both
  sides grow by the same ``A[r, k] (B^T C)[k, c]`` when column ``k`` is added to ``A`` and ``B``.

sympy proves each identity (``proofs_checks.engines.sympy_proof.is_zero``).  The new term of a
step is written as the one-term sum over ``t = k..k``, which sympy joins to the sum over
``t = 0..k-1``; a separate identity proves that the one-term sum is the product itself.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.registry import Lemma, Source, SympyProof, register

Identity = tuple[str, Any, Any]


def _symbols() -> dict[str, Any]:
    k, n, d, m = sympy.symbols("k n d m", integer=True, positive=True)
    r, c, t, j = sympy.symbols("r c t j", integer=True, nonnegative=True)
    A, B, C = (sympy.IndexedBase(x) for x in ("A", "B", "C"))
    return {"k": k, "n": n, "d": d, "m": m, "r": r, "c": c, "t": t, "j": j, "A": A, "B": B, "C": C}


def part_1(drop_new_term: bool = False) -> Iterator[Identity]:
    """``sum_{t < k} a_t b_t^T = A B^T``, entry ``(r, c)``, by induction on ``k``.

    ``drop_new_term``: the step forgets the new outer product (a broken proof)."""
    s = _symbols()
    A, B, k, r, c, t = s["A"], s["B"], s["k"], s["r"], s["c"], s["t"]
    f = A[r, t] * B[c, t]
    yield ("Part 1, base k = 1: a_1 b_1^T = A B^T for one column", A[r, 0] * B[c, 0],
           sympy.Sum(f, (t, 0, 0)))
    product_k = sympy.Sum(f, (t, 0, k - 1))  # (A_k B_k^T)[r, c]; equals sum_{t<k} a_t b_t^T by the hypothesis
    new = 0 if drop_new_term else sympy.Sum(f, (t, k, k))
    yield ("Part 1, step k -> k + 1: (A_k B_k^T)[r, c] + (a_{k+1} b_{k+1}^T)[r, c] = "
           "(A_{k+1} B_{k+1}^T)[r, c]", product_k + new, sympy.Sum(f, (t, 0, k)))
    yield ("Part 1, the new outer product: sum over t = k..k of A[r, t] B[c, t] = A[r, k] B[c, k]",
           sympy.Sum(f, (t, k, k)), A[r, k] * B[c, k])


def part_2(transpose_slip: bool = False) -> Iterator[Identity]:
    """``(A B^T) C = A (B^T C)``, entry ``(r, c)``, by induction on the inner size ``k``.

    ``transpose_slip``: the right side reads ``B C`` for ``B^T C`` (a broken proof)."""
    s = _symbols()
    A, B, C, k, d, r, c, t, j = (s[x] for x in ("A", "B", "C", "k", "d", "r", "c", "t", "j"))

    def BtC(col: Any) -> Any:
        """(B^T C)[col, c]: or, with the slip, (B C)[col, c] (B read as k x d)."""
        if transpose_slip:
            return sympy.Sum(B[col, j] * C[j, c], (j, 0, d - 1))
        return sympy.Sum(B[j, col] * C[j, c], (j, 0, d - 1))

    yield ("Part 2, base k = 1: ((a b^T) C)[r, c] = (a (b^T C))[r, c]",
           sympy.Sum(A[r, 0] * B[j, 0] * C[j, c], (j, 0, d - 1)), A[r, 0] * BtC(0))
    S = sympy.IndexedBase("S")  # S = A_k B_k^T, any d x ... matrix: the step holds for every S
    left_k = sympy.Sum(S[r, j] * C[j, c], (j, 0, d - 1))
    left_next = sympy.Sum((S[r, j] + A[r, k] * B[j, k]) * C[j, c], (j, 0, d - 1))
    yield ("Part 2, step: ((A_{k+1} B_{k+1}^T) C)[r, c] - ((A_k B_k^T) C)[r, c] = "
           "A[r, k] (B^T C)[k, c]", left_next - left_k, A[r, k] * BtC(k))
    right_k = sympy.Sum(A[r, t] * BtC(t), (t, 0, k - 1))
    right_next = right_k + sympy.Sum(A[r, t] * BtC(t), (t, k, k))
    yield ("Part 2, step: (A_{k+1} (B_{k+1}^T C))[r, c] - (A_k (B_k^T C))[r, c] = "
           "A[r, k] (B^T C)[k, c]", right_next - right_k, A[r, k] * BtC(k))
    yield ("Part 2, step: A_{k+1} (B_{k+1}^T C) is the sum over t = 0..k",
           right_next, sympy.Sum(A[r, t] * BtC(t), (t, 0, k)))


def identities() -> Iterator[Identity]:
    yield from part_1()
    yield from part_2()


FACT_2_1 = SympyProof(
    "induction on the number k of outer products, symbolic k, n, d, m and indices", identities,
    scope="all k, n, d, m >= 1 (A n x k, B d x k, C d x m), every entry (r, c)", general=True)


register(Lemma(
    id="DA-2.1", paper="DA", title="Fact 2.1: sums of outer products are one matrix product",
    statement="For vectors a_1..a_k in R^n and b_1..b_k in R^d, sum_i a_i b_i^T = A B^T with a_i, "
              "b_i the columns of A, B; and (A B^T) C = A (B^T C) for C in R^{d x m} (Part 2).",
    source=Source("000", "section 2", "Fact 2.1"),
    checks=(FACT_2_1,),
))
