"""Named one-line repairs of the printed DA pseudocode (seed 000 and seed 003, Algorithms 1-5).

``PaperV1Attention(..., repairs=...)`` and ``PaperAppendixAttention(..., repairs=...)`` apply the
named repairs and are otherwise the printed text.  The default is no repair.  Each key is the id
of the erratum record (DA-E1 ... DA-E8) that shows, with a shrunk counterexample, that leaving
only that defect in place makes the algorithm fail.
"""

REPAIRS: dict[str, str] = {
    "E1": "UpdateK line 10 reads List_D[ct_K - 1], the slot this call writes at line 17; read the "
          "previous entry List_D[ct_K - 2] (or the D^{-1} of the last Init/Recompute when ct_K = 1)",
    "E2": "UpdateK line 13 sets (Delta_D)_jj = (D_tmp)_jj^{-1} - D~_jj^{-1}, mixing D and D^{-1} "
          "(D_tmp holds D^{-1}); use the change of D^{-1}: D~_jj^{-1} - (D_tmp)_jj",
    "E3": "Query line 4 reads List_D[ct_K], one past the last entry written; read List_D[ct_K - 1] "
          "(or the D^{-1} of the last Init/Recompute when ct_K = 0)",
    "E4": "Query (seed 000) uses only the C of the last Recompute; add the pending key updates "
          "(Delta_C,1 Delta_C,2)_ij, as seed 003 does",
    "E5": "Recompute (seed 000) sets C~ = C + Delta_C,1 Delta_C,2 and drops A Delta_V,1 Delta_V,2; "
          "add it with the current A (seed 000 refreshes A only after the Recompute call, so the "
          "refresh moves before it)",
    "E6": "UpdateK: the update with ct_K >= n^a takes the else branch and is never recorded in "
          "List_C/List_D; record it, then Recompute",
    "E7": "UpdateV: the update with ct_V >= n^a takes the else branch and is never recorded in "
          "List_V, so it is lost; record it, then Recompute",
    "E8": "Recompute line 8 sums List_D[i] for i = 1..ct_K while the entries were written at "
          "List_D[0..ct_K - 1]; sum those",
}

V1_DEFECTS = ("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8")
APPENDIX_DEFECTS = ("E1", "E2", "E3", "E6", "E7", "E8")


def check_repairs(repairs: object, allowed: tuple[str, ...], who: str) -> frozenset[str]:
    if isinstance(repairs, str):
        raise TypeError("repairs must be a collection of repair names, not a string")
    try:
        chosen = frozenset(repairs)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"repairs must be a collection of names from {allowed}") from None
    unknown = chosen - set(allowed)
    if unknown:
        raise ValueError(f"{who} has no defect {sorted(unknown)}; its defects are {allowed}")
    return chosen
