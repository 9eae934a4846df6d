"""The quantities of DA Claims 5.6/5.7 and 5.10/5.11, computed exactly through the structure for
any Boolean hint (diagnostics of ``impl.reductions.hmv``: no class or sparsity check)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from impl.reductions.hmv_inputs import boolean_matrix, default_structure, to_kind


def odamv_quantities(M: Any, V: Any, P: Any, *, structure: Callable[..., Any] | None = None
                     ) -> dict[str, Any]:
    """The quantities of Claims 5.10/5.11 and of the D~ statement, exactly, through the structure.

    Builds the ODAMV instance of Lemma 5.9 for any Boolean ``P`` (no class or sparsity check),
    with a ones column appended to ``V~`` at column ``n`` (free in the construction), runs the
    unnormalized structure and reads ``E = exp(Q~ K~^T) V~`` (columns ``< n``) and
    ``D~ = exp(Q~ K~^T) 1`` (column ``n``).  Returns sympy matrices ``AV`` (2n x n), ``D``
    (length 2n) and ``X = D~^{-1} (exp(Q~ K~^T) - 1) V~`` restricted to the first ``n`` columns.
    """
    Mb = boolean_matrix(M, "M")
    n = Mb.shape[0]
    Vb = boolean_matrix(V, "V", n)
    Pb = boolean_matrix(P, "P", n)
    Q = np.zeros((2 * n, 2 * n), dtype=np.int64)
    Q[:n, :n] = Mb
    Q[:n, n:] = 1 - Mb
    Vt = np.zeros((2 * n, 2 * n), dtype=np.int64)
    Vt[:n, :n] = Vb
    Vt[:, n] = 1
    factory = structure if structure is not None else default_structure()
    st = factory(to_kind(Q, "sympy"), to_kind(np.zeros_like(Q), "sympy"), to_kind(Vt, "sympy"),
                 normalize=False)
    big = np.zeros((2 * n, 2 * n), dtype=np.int64)
    big[:n, :n] = Pb
    big[n:, n:] = Pb
    updates = 0
    for row, k in zip(*np.nonzero(big)):
        st.update_k(int(k), int(row), 1)
        updates += 1
    AV = [[st.query(j, i) for i in range(n)] for j in range(2 * n)]
    D = [st.query(j, n) for j in range(2 * n)]
    colsum = Vb.sum(axis=0)
    X = [[(AV[j][i] - int(colsum[i])) / D[j] for i in range(n)] for j in range(2 * n)]
    return {"AV": AV, "D": D, "X": X, "updates_k": updates, "queries": 2 * n * (n + 1)}


def oamv_quantities(M: Any, V: Any, P: Any, *, structure: Callable[..., Any] | None = None
                    ) -> dict[str, Any]:
    """``Y = (exp(Q~ K~^T) - 1_{n x n}) V~`` of Claims 5.6/5.7 for any Boolean ``P``, exactly."""
    Mb = boolean_matrix(M, "M")
    n = Mb.shape[0]
    Vb = boolean_matrix(V, "V", n)
    Pb = boolean_matrix(P, "P", n)
    factory = structure if structure is not None else default_structure()
    st = factory(to_kind(Mb, "sympy"), to_kind(np.zeros_like(Mb), "sympy"), to_kind(Vb, "sympy"),
                 normalize=False)
    for row, k in zip(*np.nonzero(Pb)):
        st.update_k(int(k), int(row), 1)
    out = st.output()
    colsum = Vb.sum(axis=0)
    Y = [[out[j, i] - int(colsum[i]) for i in range(n)] for j in range(n)]
    return {"AV": [[out[j, i] for i in range(n)] for j in range(n)], "Y": Y}
