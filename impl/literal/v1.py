"""DA Algorithms 1-5 exactly as printed in DA arXiv v1 (arXiv 2304.02207v1, section 4), defects kept.

Line numbers in comments are the printed ones.  Representation choices that do not change the
meaning: diagonal matrices are stored as their diagonal vectors; ``List_V`` entries
``(e_i, delta e_j)`` are stored as ``(i, (j, delta))``.  Where a printed line is ambiguous the most
literal reading is taken and the comment says which.  ``repairs`` (names from
``impl.literal.repairs.REPAIRS``) switch single lines to their corrected form; the default is the
printed text.  Indices are 0-based at the interface (the paper's are 1-based); the lists are
indexed exactly as printed (``List[ct - 1]`` is written first, so the printed lists are 0-based).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np

from impl.elements import as_index, as_qkv, as_scalar
from impl.ledger import Ledger
from impl.literal.repairs import V1_DEFECTS, check_list_index, check_repairs
from impl.literal.slots import Entry, Slots
from impl.threshold import lazy_threshold, validate_a

T = TypeVar("T")


def printed_arithmetic() -> np.errstate:
    """numpy error state for the printed lines: overflow, division by zero and inf - inf give
    inf or nan silently (module docstring: they are the printed algorithm's values)."""
    return np.errstate(over="ignore", divide="ignore", invalid="ignore")


class PaperV1Attention:
    """Seed 000, Algorithms 1-5, line by line."""

    DEFECTS: tuple[str, ...] = V1_DEFECTS

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: Any = 1.0,
                 repairs: Iterable[str] = (), list_index: str = "consistent") -> None:
        Qa, Ka, Va, kind = as_qkv(Q, K, V)
        self.a = validate_a(a)
        self.repairs = check_repairs(repairs, self.DEFECTS, type(self).__name__)
        self.list_index = check_list_index(list_index)
        self.kind = kind
        self.scale = as_scalar(scale, "scale", kind)
        n = Qa.shape[0]
        #: the printed comparisons `ct < n^a` use the real number n^a
        self.na = float(n) ** self.a
        self.threshold = lazy_threshold(n, self.a)
        # Algorithm 1 lines 11-13: "List with size n^a" (ceil(n^a) slots), 1-based under the
        # consistent reading with List_D[0] as the base slot.  List_V is used by Algorithms 3-5
        # but not declared among the members; it is declared here the same way.
        size = self.threshold + (1 if self.consistent else 0)
        self.List_C = Slots("List_C", size)
        self.List_D = Slots("List_D", size)
        self.List_V = Slots("List_V", size)
        self.ledger = Ledger()
        self.ledger.begin("init")
        with printed_arithmetic():
            self._init(Qa, Ka, Va)
        self.ledger.end(self.space)

    @property
    def consistent(self) -> bool:
        return self.list_index == "consistent"

    def _slot(self, t: int) -> int:
        """Where the t-th update of an epoch is written (Algorithm 2 lines 16-17, Algorithm 3
        line 5 print ``List[ct - 1]``; the printed reads need ``List[ct]``)."""
        return t if self.consistent else t - 1

    def _write_base(self, Dinv: np.ndarray, by: str) -> None:
        """List_D[0].Getb = the D^{-1} of the last Init/Recompute: the implicit base case that the
        reads at Algorithm 2 line 10 and Algorithm 4 line 4 need when ct_K = 1 and 0 (no line
        writes it, as no line assigns D; both readings get the same charity)."""
        self.List_D[0] = Entry(None, Dinv, by)

    @property
    def space(self) -> int:
        """Words held: Q, K, V, M, A, C, B, D and the three lists (List_D holds two n-vectors a
        slot, and under the consistent reading the base slot's D^{-1})."""
        n, d, T = self.n, self.d, self.threshold
        base = n if self.consistent else 0
        return 5 * n * d + 2 * n * n + n + T * (n + d) + T * 2 * n + 3 * T + base

    # ------------------------------------------------------------------ Algorithm 1: Init
    def _init(self, Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> None:
        self.Q, self.K, self.V = Q, K, V                      # line 18
        self.n, self.d = V.shape     # no operation changes the sizes
        n, d = Q.shape
        self.ledger.gemm(n, d, n)
        self.ledger.exp(n * n)
        self.ledger.gemm(n, n, d)
        self.ledger.vec(n * n + n * d, 2)
        self.M = (Q @ K.T) * self.scale                        # line 19
        self.A = self.kind.exp(self.M)                         # line 19
        self.C = self.A @ V                                    # line 20
        # line 21: B <- D^{-1} A V.  Init never assigns D; the member is "the diagonal matrix"
        # D = diag(A 1) of the problem definition, so that is what line 21 reads.
        self.D = self.A.sum(axis=1)
        self.B = self.C / self.D[:, None]
        self._write_base(1 / self.D, "Init")
        self.ct_K = 0                                          # line 22
        self.ct_V = 0                                          # line 23

    def _check(self, i: Any, j: Any) -> tuple[int, int]:
        return as_index(i, "i", self.n), as_index(j, "j", self.d)

    def _printed(self, lines: Callable[..., T], *args: Any) -> T:
        """Run the printed lines of one call with :func:`printed_arithmetic`; the call's ledger
        entry (begun by the caller) ends even when a line raises."""
        try:
            with printed_arithmetic():
                return lines(*args)
        finally:
            self.ledger.end(self.space)

    # ------------------------------------------------------------- Algorithm 2: UpdateK
    def update_k(self, i: Any, j: Any, delta: Any) -> None:
        i, j = self._check(i, j)
        delta = as_scalar(delta, "delta", self.kind)
        self.ledger.begin("update_k", (self.ct_K, self.ct_V))
        n = self.n
        self.ledger.touch(n * self.d + 2 * n * n)    # K~, M~, A~ written as whole new matrices
        self.ledger.exp(n)
        self.ledger.vec(8 * n, 2)                    # lines 5-13
        self._printed(self._update_k_lines, i, j, delta)

    def _update_k_lines(self, i: int, j: int, delta: Any) -> None:
        self.ct_K += 1                                                     # line 3
        K_t = self.K.copy()
        K_t[i, j] = self.K[i, j] + delta                                   # line 4
        dM = (self.scale * delta) * self.Q[:, j]                           # line 5
        dA = self.A[:, i] * (self.kind.exp(dM) - 1)                        # line 7
        M_t = self.M.copy()
        M_t[:, i] = M_t[:, i] + dM                                         # line 8
        A_t = self.A.copy()
        A_t[:, i] = A_t[:, i] + dA                                         # line 9
        D_tmp = self._previous_d_inverse()                                 # line 10
        # line 11: D~ <- D_tmp^{-1} + diag(Delta_A)_{*,i}; D_tmp is what Getb returns, which line 17
        # stores as D~^{-1}, so D_tmp^{-1} is the previous D.
        D_t = 1 / D_tmp + dA
        recording = self._record_key_update(i, dA, D_tmp, D_t)             # lines 12-17
        if "E5" in self.repairs:
            self._refresh(K_t, A_t, M_t)    # E5's repair needs the current A in Recompute
        if not recording:
            self.recompute()                                               # lines 18-19
        self._refresh(K_t, A_t, M_t)                                       # lines 21-24

    def _record_key_update(self, i: int, dA: np.ndarray, D_tmp: np.ndarray, D_t: np.ndarray) -> bool:
        """Algorithm 2 lines 12-17 (the later DA appendix: lines 11-16, printed the same): Delta_D <- D_tmp^{-1}
        - D~^{-1} (E2's repair: D~^{-1} - D_tmp), and while ct_K < n^a (line 15) List_C[ct_K] <-
        (Delta_A, V_{i,*}) and List_D[ct_K] <- (Delta_D, D~^{-1}).  Returns whether the update was
        recorded (when not, the caller recomputes: lines 18-19)."""
        if "E2" in self.repairs:
            dD = 1 / D_t - D_tmp                                           # repaired line 13
        else:
            dD = 1 / D_tmp - 1 / D_t                                       # lines 12-14
        recording = self.ct_K < self.na                                    # line 15
        if recording or "E6" in self.repairs:
            by = f"UpdateK {self.ct_K}"
            self.List_C[self._slot(self.ct_K)] = Entry(dA, self.V[i].copy(), by)   # line 16
            self.List_D[self._slot(self.ct_K)] = Entry(dD, 1 / D_t, by)            # line 17
        return recording

    def _previous_d_inverse(self) -> np.ndarray:
        """Line 10: "Obtain diagonal vector D_tmp from List_D[ct_K - 1].Getb" (after line 3's
        increment: the D^{-1} after the previous update, or the base slot's for the first)."""
        return self.List_D[self.ct_K - 1].b

    def _refresh(self, K_t: np.ndarray, A_t: np.ndarray, M_t: np.ndarray) -> None:
        self.K = K_t                                                       # line 22
        self.A = A_t                                                       # line 23
        self.M = M_t                                                       # line 24

    # ------------------------------------------------------------- Algorithm 3: UpdateV
    def update_v(self, i: Any, j: Any, delta: Any) -> None:
        i, j = self._check(i, j)
        delta = as_scalar(delta, "delta", self.kind)
        self.ledger.begin("update_v", (self.ct_K, self.ct_V))
        self.ledger.touch(3)
        self._printed(self._update_v_lines, i, j, delta)

    def _update_v_lines(self, i: int, j: int, delta: Any) -> None:
        self.ct_V += 1                                                     # line 3
        recording = self.ct_V < self.na                                    # line 4
        if recording or "E7" in self.repairs:
            self.List_V[self._slot(self.ct_V)] = Entry(i, (j, delta), f"UpdateV {self.ct_V}")  # line 5
        if not recording:
            self.recompute()                                               # lines 6-7

    def update_q(self, i: Any, j: Any, delta: Any) -> None:
        raise NotImplementedError("the printed algorithms have no update of Q")

    # --------------------------------------------------------------- Algorithm 4: Query
    def query(self, i: Any, j: Any) -> Any:
        i, j = self._check(i, j)
        self.ledger.begin("query", (self.ct_K, self.ct_V))
        self.ledger.vec(2 * (self.ct_K + self.ct_V) + 3, 2)
        return self._printed(self._query_lines, i, j)

    def _query_lines(self, i: int, j: int) -> Any:
        Dinv = self._query_d_inverse()                                     # line 4
        answer1 = Dinv[i] * self._query_c(i, j)                            # line 9
        answer2 = Dinv[i] * self._a_times_delta_v(i, j)                    # line 11
        return answer1 + answer2                                           # line 12

    def _query_d_inverse(self) -> np.ndarray:
        """Line 4: "(D_tmp)_i^{-1} ... obtained from List_D[ct_K].Getb" (the inverse itself)."""
        return self.List_D[self.ct_K].b

    def _query_c(self, i: int, j: int) -> Any:
        """Line 9 uses C_{i,j} alone (DA arXiv v1)."""
        if "E4" in self.repairs:
            return self.C[i, j] + self._pending_c_entry(i, j)
        return self.C[i, j]

    def _recorded(self, lst: Slots, count: int) -> Iterator[Entry]:
        """The entries of updates 1 .. ``count`` of this epoch that the list holds (an update that
        was not recorded contributes nothing: module docstring of ``impl.literal.slots``)."""
        for t in range(1, count + 1):
            entry = lst.peek(self._slot(t))
            if entry is not None:
                yield entry

    def _pending_c_entry(self, i: int, j: int) -> Any:
        """``(Delta_C,1 Delta_C,2)_{i,j}`` over the recorded List_C entries, in O(ct_K)."""
        total = self.kind.zeros(())[()]
        for entry in self._recorded(self.List_C, self.ct_K):
            total = total + entry.a[i] * entry.b[j]
        return total

    def _a_times_delta_v(self, i: int, j: int) -> Any:
        """``A_{i,*} Delta_V,1 (Delta_V,2)_{*,j}`` over the recorded List_V entries."""
        total = self.kind.zeros(())[()]
        for entry in self._recorded(self.List_V, self.ct_V):
            col, delta = entry.b
            if col == j:
                total = total + self.A[i, entry.a] * delta
        return total

    def output(self) -> np.ndarray:
        """Every entry through Query (the printed interface answers one entry at a time); the
        ledger records the n d queries."""
        out = self.kind.zeros((self.n, self.d))
        for r in range(self.n):
            for c in range(self.d):
                out[r, c] = self.query(r, c)
        return out

    # ------------------------------------------------------------ Algorithm 5: Recompute
    def _pending_c(self) -> np.ndarray:
        """``Delta_C,1 Delta_C,2`` stacked from the recorded List_C entries (Fact 2.1)."""
        total = self.kind.zeros((self.n, self.d))
        for entry in self._recorded(self.List_C, self.ct_K):
            total = total + np.outer(entry.a, entry.b)
        return total

    def _pending_v(self) -> np.ndarray:
        """``Delta_V,1 Delta_V,2`` stacked from the recorded List_V entries (Fact 2.1)."""
        total = self.kind.zeros((self.n, self.d))
        for entry in self._recorded(self.List_V, self.ct_V):
            col, delta = entry.b
            total[entry.a, col] = total[entry.a, col] + delta
        return total

    def _a_delta_v(self) -> np.ndarray:
        """``A Delta_V,1 Delta_V,2``: each column of Delta_V,1 is 1-sparse, so this adds
        ``A[:, row] * delta`` to column ``col`` per List_V entry: T_mat(n, ct_V, d) at most."""
        total = self.kind.zeros((self.n, self.d))
        for entry in self._recorded(self.List_V, self.ct_V):
            col, delta = entry.b
            total[:, col] = total[:, col] + self.A[:, entry.a] * delta
        self.ledger.vec(self.ct_V * self.n, 2)
        return total

    def _recompute_c(self, dC: np.ndarray, dV: np.ndarray) -> np.ndarray:
        """Line 6: C~ <- C + Delta_C,1 Delta_C,2."""
        if "E5" in self.repairs:
            return self.C + dC + self._a_delta_v()
        return self.C + dC

    def _d_delta_sum(self) -> np.ndarray:
        """Line 8: Delta_D <- sum_{i=1}^{ct_K} Delta_D(i), Delta_D(i) = List_D[i].Geta, with the
        printed indices (a slot nothing wrote holds no update)."""
        total = self.kind.zeros((self.n,))
        for k in range(1, self.ct_K + 1):
            entry = self.List_D.peek(k)
            if entry is not None:
                total = total + entry.a
        return total

    def recompute(self) -> None:
        self.ledger.begin("recompute", (self.ct_K, self.ct_V))
        self.ledger.note(recomputes=1)
        n, d = self.n, self.d
        self.ledger.gemm(n, self.ct_K, d)            # Delta_C,1 Delta_C,2
        self.ledger.vec(3 * n * d + (self.ct_K + 3) * n, 2)
        self._printed(self._recompute_lines)

    def _recompute_lines(self) -> None:
        dC = self._pending_c()                                             # line 3
        dV = self._pending_v()                                             # line 4
        C_t = self._recompute_c(dC, dV)                                    # line 6
        V_t = self.V + dV                                                  # line 7
        dD = self._d_delta_sum()                                           # line 8
        Dinv_t = 1 / self.D + dD                                           # line 9
        B_t = Dinv_t[:, None] * C_t                                        # line 10
        self.D, self.C, self.B, self.V = 1 / Dinv_t, C_t, B_t, V_t         # line 12
        self._write_base(Dinv_t, "Recompute")
        self.ct_K, self.ct_V = 0, 0                                        # line 14
