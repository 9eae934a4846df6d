"""DA Algorithms 1-5 as printed in the appendix of a later DA version (section B).

Algorithms 1 (Init) and 3 (UpdateV) are printed identically to DA arXiv v1 and are inherited from
:class:`impl.literal.v1.PaperV1Attention`, as are its reading of the list indices (the printed
reads, with the write index ``List[ct_K - 1]`` read as ``List[ct_K]``) and its silenced float
warnings.  Algorithms 2, 4 and 5 differ and are transcribed here:

* Algorithm 2 line 4 updates ``K~`` from ``K~`` (``K~_{i,j} <- K~_{i,j} + delta``), line 9 updates
  ``A`` in place, and lines 22-24 read ``K <- K``, ``A <- A``, ``M <- M`` (no-ops as printed).  ``K``
  and ``M`` are never read for an output, so these change no answer; ``K~`` is taken to start as a
  copy of ``K`` (the text never initialises it), and ``M~`` (line 7, from ``M``) is kept as the
  member ``M_tilde`` from the first UpdateK on.
* Algorithm 4 line 8 adds the pending key updates ``(Delta_C,1 Delta_C,2)_{i,j}`` (DA-E4 fixed);
  line 4 says ``Getre``, read as ``Getb``.
* Algorithm 5 line 6 is ``C <- C + Delta_C,1 Delta_C,2 + A Delta_V,1 Delta_V,2`` (DA-E5 fixed);
  line 10 then reads ``C~``, which the later DA appendix never assigns: read as the ``C`` of line 6.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.literal.repairs import APPENDIX_DEFECTS
from impl.literal.v1 import PaperV1Attention


class PaperAppendixAttention(PaperV1Attention):
    """Seed 003, Algorithms 1-5, line by line."""

    DEFECTS: tuple[str, ...] = APPENDIX_DEFECTS

    def _init(self, Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> None:
        super()._init(Q, K, V)
        self.K_tilde = K.copy()

    @property
    def space(self) -> int:
        """Seed 000's words (:class:`PaperV1Attention`), plus ``K~`` (n d) and, from the first
        UpdateK on, ``M~`` (n^2)."""
        n, d = self.n, self.d
        return super().space + n * d + (n * n if hasattr(self, "M_tilde") else 0)

    # ------------------------------------------------------------- Algorithm 2: UpdateK
    def _update_k_lines(self, i: int, j: int, delta: Any) -> None:
        self.ct_K += 1                                                     # line 3
        self.K_tilde[i, j] = self.K_tilde[i, j] + delta                    # line 4 (K~ from K~)
        dM = (self.scale * delta) * self.Q[:, j]                           # line 4
        dA = self.A[:, i] * (self.kind.exp(dM) - 1)                        # line 6
        self.M_tilde = self.M.copy()
        self.M_tilde[:, i] = self.M_tilde[:, i] + dM                       # line 7 (M~ from M)
        self.A[:, i] = self.A[:, i] + dA                                   # line 9: A updated here
        D_tmp = self._previous_d_inverse()                                 # line 10
        D_t = 1 / D_tmp + dA                                               # line 10
        recording = self._record_key_update(i, dA, D_tmp, D_t)             # lines 11-16 ("List~_C")
        if not recording:
            self.recompute()                                               # lines 18-19
        # lines 22-24: K <- K, A <- A, M <- M: no-ops as printed (M~ and K~ are never stored back)

    # --------------------------------------------------------------- Algorithm 4: Query
    def _query_c(self, i: int, j: int) -> Any:
        """Line 8: (D_tmp)_i^{-1} (C_{i,j} + (Delta_C,1 Delta_C,2)_{i,j})."""
        return self.C[i, j] + self._pending_c_entry(i, j)

    # ------------------------------------------------------------ Algorithm 5: Recompute
    def _recompute_c(self, dC: np.ndarray, dV: np.ndarray) -> np.ndarray:
        """Line 6: C <- C + Delta_C,1 Delta_C,2 + A Delta_V,1 Delta_V,2 (and line 10's C~ is it)."""
        return self.C + dC + self._a_delta_v()
