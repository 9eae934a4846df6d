"""What the records of DA's printed pseudocode (arXiv 2304.02207v1 section 4, Algorithms 1-5,
and the later version's appendix B) share: the root causes of its errata, the charitable reading
every transcription uses, the operations, and the note on its float64 arithmetic."""

from __future__ import annotations

S4 = "section 4 (Algorithms 1-5)"

#: root causes of the errata of the printed pseudocode: the errata that one fix repairs share one
RC_LISTD = "DA-RC-listd-index"
RC_DELTA_D = "DA-RC-delta-d-mixes-d-and-dinv"
RC_QUERY = "DA-RC-query-omits-pending-keys"
RC_RECOMPUTE = "DA-RC-recompute-omits-pending-values"
RC_THRESHOLD = "DA-RC-threshold-update-unrecorded"

PRINTED_FLOAT = ("The printed lines are run on float64 as printed: exp, 1/x and long sums with no "
                 "shift or guard, so they overflow or divide by zero where the text does. Those "
                 "values are the answers compared here; impl.literal silences numpy's "
                 "RuntimeWarnings about them (np.errstate around the printed lines), so that a "
                 "log does not show them as failures of the code.")


def all_but(defects: tuple[str, ...], *left: str) -> frozenset[str]:
    """Every repair of ``defects`` except those ``left`` in place."""
    return frozenset(defects) - set(left)


ALL_OPS = ("update_k", "update_v", "update_q", "query", "output", "recompute")
PAPER_OPS = ("update_k", "update_v", "query", "output", "recompute")


#: how every transcription reads the printed text (impl.literal), in a record's readings
READING = ("The list indices are read as every printed read indexes them (update t at List[t], "
           "List_D[0] the D^{-1} of the last Init/Recompute: the inconsistency DA-E1, E3, E8 is "
           "resolved in the text's favour), Init's D as diag(A 1), the later appendix's C~, Getre and "
           "List~_C as C, Getb and List_C.")
