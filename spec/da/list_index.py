"""DA Algorithms 2, 4 and 5 (DA arXiv v1 section 4, the later DA appendix section B) index List_D in two ways.

The writes (Algorithm 2 lines 16-17: ``List_D[ct_K - 1] <- (Delta_D, D~^{-1})`` after line 3's
increment) put the t-th update of an epoch at ``List_D[t - 1]``.  The three reads need it at
``List_D[t]``:

* Algorithm 2 line 10 (``List_D[ct_K - 1].Getb``, after the increment): the D^{-1} before this
  update, i.e. after update ``ct_K - 1`` (for the first update, after Init or Recompute);
* Algorithm 4 line 4 (``List_D[ct_K].Getb``): the D^{-1} after the last update, update ``ct_K``;
* Algorithm 5 line 8 (``sum_{i=1}^{ct_K} List_D[i].Geta``): the Delta_D of updates 1 .. ct_K.

:func:`contradiction` exhibits this on the transcriptions themselves: it runs a few key updates
under each reading of ``impl.literal`` (``list_index``), asks the transcription's own read code
which slots a read names (the slots are wrapped to log every read), and compares what those slots
hold (each entry records the operation that wrote it) with what the read needs.  Under the
printed writes the read names a slot no line wrote, or one holding another update; under the
reads' own convention every read obtains what it needs.  That pair is the contradiction; it is
raised as the counterexample of errata DA-E1, DA-E3 and DA-E8.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

import numpy as np

from impl.literal import APPENDIX_DEFECTS, V1_DEFECTS, LiteralUndefinedRead, PaperAppendixAttention, PaperV1Attention
from impl.literal.slots import Entry, Slots
from spec.registry import Counterexample

#: the printed read of each erratum, with where it is printed
READS = {
    "E1": "Algorithm 2 line 10: D_tmp from List_D[ct_K - 1].Getb (after line 3's increment)",
    "E3": "Algorithm 4 line 4: (D_tmp)^{-1} from List_D[ct_K].Getb",
    "E8": "Algorithm 5 line 8: Delta_D <- sum_{i=1}^{ct_K} List_D[i].Geta",
}
WRITE = "Algorithm 2 line 17: List_D[ct_K - 1].(a, b) <- (Delta_D, D~^{-1}) after line 3's increment"

#: the instance: n = 4, a = 1, so n^a = 4 and the first three key updates of an epoch are
#: recorded; one key update (under the printed writes the second one's line 10 already reads a
#: slot no line wrote)
N, D, A, UPDATES = 4, 2, 1.0, 1
SUBJECTS = {"PaperV1Attention": (PaperV1Attention, V1_DEFECTS),
            "PaperAppendixAttention": (PaperAppendixAttention, APPENDIX_DEFECTS)}


class _LoggedSlots(Slots):
    """A copy of a list whose reads are logged as (slot, the writer of its entry or None)."""

    def __init__(self, slots: Slots) -> None:
        self.__dict__.update(copy.copy(slots).__dict__)
        self.log: list[tuple[int, str | None]] = []

    def peek(self, k: int) -> Entry | None:
        entry = super().peek(k)
        self.log.append((k, entry.by if entry is not None else None))
        return entry


def _after_updates(cls: type, repairs: tuple[str, ...], list_index: str) -> Any:
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, N, D))
    S = cls(Q, K, V, a=A, repairs=repairs, list_index=list_index)
    for t in range(UPDATES):
        S.update_k(t, 0, 0.5)
    return S


def _read(S: Any, site: str) -> tuple[list[tuple[int, str | None]], list[str], str]:
    """The slots the printed read of ``site`` names on ``S`` (with what they hold), what it needs,
    and what running the read gives (its value's source, or the undefined read)."""
    S = copy.deepcopy(S)
    S.List_D = _LoggedSlots(S.List_D)
    base = "Init"
    if site == "E1":
        S.ct_K += 1                                  # line 3 of the next UpdateK, then line 10
        needs = [f"UpdateK {S.ct_K - 1}" if S.ct_K > 1 else base]
        run: Callable[[], Any] = S._previous_d_inverse
    elif site == "E3":
        needs = [f"UpdateK {S.ct_K}" if S.ct_K else base]
        run = S._query_d_inverse
    else:
        needs = [f"UpdateK {t}" for t in range(1, S.ct_K + 1)]
        run = S._d_delta_sum
    try:
        run()
        got = [by for _, by in S.List_D.log if by is not None]
        outcome = f"it obtains the entries of {got}" if got else "it obtains no entry"
    except LiteralUndefinedRead as exc:
        outcome = f"LiteralUndefinedRead: {exc}"
    return S.List_D.log, needs, outcome


def _holdings(S: Any) -> dict[str, str]:
    return {f"List_D[{k}]": entry.by for k in range(len(S.List_D))
            if (entry := S.List_D.peek(k)) is not None}


def _describe(log: list[tuple[int, str | None]]) -> list[str]:
    return [f"List_D[{k}]: {by or 'nothing (no line wrote it)'}" for k, by in log]


def contradiction(site: str, profile: Any = None) -> dict[str, Any]:
    """Raise :class:`Counterexample` when, on both transcriptions, the printed write index
    (``list_index="printed-writes"``) gives the read of ``site`` a slot that does not hold what it
    needs while the reads' convention (``"consistent"``) gives it exactly that.  A reading under
    which the read fails too is an error of this check (RuntimeError), not a confirmation."""
    if site not in READS:
        raise ValueError(f"site must be one of {tuple(READS)}, got {site!r}")
    found: dict[str, Any] = {}
    for name, (cls, repairs) in SUBJECTS.items():
        log, needs, outcome = _read(_after_updates(cls, repairs, "consistent"), site)
        if [by for _, by in log] != needs:
            raise RuntimeError(f"{name}: under the reads' convention {READS[site]} obtains "
                               f"{_describe(log)}, not {needs}")
        printed = _after_updates(cls, repairs, "printed-writes")
        plog, pneeds, poutcome = _read(printed, site)
        if [by for _, by in plog] != pneeds:
            found[name] = {"needs": pneeds, "printed_writes_read": _describe(plog),
                           "printed_writes_hold": _holdings(printed), "running_it": poutcome,
                           "reads_convention_read": _describe(log)}
    if len(found) == len(SUBJECTS):
        first = found["PaperV1Attention"]
        raise Counterexample(
            f"{READS[site]} needs the entries of {first['needs']}; under the printed write ({WRITE}) it "
            f"reads {'; '.join(first['printed_writes_read'])}, while the writes put "
            f"{first['printed_writes_hold']}. Under the index every read uses (update t at "
            f"List_D[t], List_D[0] the D^{{-1}} of Init) it reads "
            f"{'; '.join(first['reads_convention_read'])}",
            site=READS[site], write=WRITE, n=N, d=D, a=A, key_updates=UPDATES, **found)
    return {"summary": f"no contradiction at {READS[site]} on {sorted(set(SUBJECTS) - set(found))}"}
