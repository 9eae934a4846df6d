"""How the printed DA pseudocode (DA arXiv v1 and its later appendix, Algorithms 1-5) is read, and the named
one-line repairs of what still fails under that reading.

``LIST_INDEX`` names the two readings of the list indices.  The reads at Algorithm 2 line 10
(``List_D[ct_K - 1]`` after the increment), Algorithm 4 line 4 (``List_D[ct_K]``) and Algorithm 5
line 8 (``sum_{i=1}^{ct_K} List_D[i]``) agree with each other on 1-based lists whose slot 0 holds
the D^{-1} of the last Init or Recompute; the writes at Algorithm 2 lines 16-17 and Algorithm 3
line 5 (``List[ct - 1]``) are the one place that disagrees.  The transcriptions follow the reads
by default ("consistent"); "printed-writes" keeps the printed write index, only to exhibit that
contradiction (errata DA-E1, DA-E3, DA-E8 of the report).

``PaperV1Attention(..., repairs=...)`` and ``PaperAppendixAttention(..., repairs=...)`` apply the
named repairs and are otherwise the printed text under the chosen reading; the default is no
repair.  Each key is the id of the erratum record (DA-E2 ... DA-E7) that shows, with a shrunk
program, that leaving only that defect in place gives a wrong answer.
"""

from __future__ import annotations

from typing import Iterable

LIST_INDEX: dict[str, str] = {
    "consistent": "the t-th update of an epoch is written at List[t] (1-based, as every printed "
                  "read indexes), and List_D[0] holds the D^{-1} of the last Init or Recompute, "
                  "an implicit base case like the D that Init never assigns",
    "printed-writes": "the t-th update is written at List[t - 1], as Algorithm 2 lines 16-17 and "
                      "Algorithm 3 line 5 print; List_D[0] holds the D^{-1} of the last Init or "
                      "Recompute until the first update overwrites it",
}

REPAIRS: dict[str, str] = {
    "E2": "UpdateK line 13 sets (Delta_D)_jj = (D_tmp)_jj^{-1} - D~_jj^{-1}, mixing D and D^{-1} "
          "(D_tmp holds D^{-1}); use the change of D^{-1}: D~_jj^{-1} - (D_tmp)_jj",
    "E4": "Query (DA arXiv v1) uses only the C of the last Recompute; add the pending key updates "
          "(Delta_C,1 Delta_C,2)_ij, as the later DA appendix does",
    "E5": "Recompute (DA arXiv v1) sets C~ = C + Delta_C,1 Delta_C,2 and drops A Delta_V,1 Delta_V,2; "
          "add it with the current A (DA arXiv v1 refreshes A only after the Recompute call, so the "
          "refresh moves before it)",
    "E6": "UpdateK: the update with ct_K >= n^a takes the else branch and is never recorded in "
          "List_C/List_D; record it, then Recompute",
    "E7": "UpdateV: the update with ct_V >= n^a takes the else branch and is never recorded in "
          "List_V, so it is lost; record it, then Recompute",
}

V1_DEFECTS = ("E2", "E4", "E5", "E6", "E7")
APPENDIX_DEFECTS = ("E2", "E6", "E7")


def check_repairs(repairs: Iterable[str], allowed: tuple[str, ...], who: str) -> frozenset[str]:
    if isinstance(repairs, str):
        raise TypeError("repairs must be a collection of repair names, not a string")
    try:
        chosen = frozenset(repairs)
    except TypeError:
        raise TypeError(f"repairs must be a collection of names from {allowed}") from None
    unknown = chosen - set(allowed)
    if unknown:
        raise ValueError(f"{who} has no defect {sorted(unknown)}; its defects are {allowed}")
    return chosen


def check_list_index(list_index: object) -> str:
    if not isinstance(list_index, str) or list_index not in LIST_INDEX:
        raise ValueError(f"list_index must be one of {tuple(LIST_INDEX)}, got {list_index!r}")
    return list_index
