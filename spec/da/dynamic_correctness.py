"""DA (arXiv 2304.02207v1) section 4, Theorem 4.1: the corrected structure answers every query
exactly, proved by induction on the operation sequence at bounded sizes
(``spec.da.correctness_induction``) and searched at larger sizes and in float64; the printed
Algorithms 1-5 (and appendix B of a later version) do not, and with every repair they do in exact
arithmetic (proved the same way) but not always within the float64 allowance; each printed
defect alone is in pseudocode_errata."""

from __future__ import annotations

from functools import partial

from impl.dynamic import DynamicAttention
from impl.literal import PaperAppendixAttention, PaperV1Attention
from impl.literal.repairs import APPENDIX_DEFECTS, V1_DEFECTS
from spec.da.correctness_induction import (
    SUBJECTS,
    Step,
    encode,
    induction_instances,
    prove_step,
    replay_or_report,
    scope_text,
)
from spec.da.printed_pseudocode import ALL_OPS, PAPER_OPS, PRINTED_FLOAT, RC_DELTA_D, RC_QUERY, READING, S4
from spec.registry import Erratum, Exhaustive, Lemma, Source, Stateful, register

THEOREM = ("After Init and any sequence of UpdateK, UpdateV, Query and Recompute (and, for "
           "DynamicAttention, update_q and output), every query(i, j) and output() equals the "
           "exact D^{-1} exp(Q K^T) V of the current Q, K, V.")


def induction(subject: str) -> Exhaustive:
    """The bounded induction of ``subject`` as an Exhaustive check (one instance per step)."""
    return Exhaustive(f"{subject}: induction on the operation sequence, symbolic (sympy)",
                      induction_instances(subject), replay_or_report(prove_step), encode=encode,
                      decode=Step.from_json, scope=scope_text(subject))


INDUCTION_NOTE = (
    "Proof (spec.da.correctness_induction): the invariant of the structure (spec.da.symbolic_states "
    "states it in full: kernel, counts below the threshold, pending key and value lists against "
    "V0 and the current Q, K, V) holds after Init on symbols; from the generic state of every "
    "shape each operation, run through the class's own code on the symbolic element kind "
    "(impl.elements.symbolic; exp kept symbolic, equality decided with exp(x + y) = exp(x) "
    "exp(y), spec.da.symbolic_zero), leaves a state that satisfies it for the new Q, K, V, and "
    "query and output equal D^{-1} exp(scale Q K^T) V there; every reachable state satisfies "
    "it, so by induction on the length every answer of every operation sequence is exact at "
    "the sizes enumerated. The scope says where the value-update slots past the count hold "
    "every stale cell and where only (0, 0). Not covered here: float64 (its row shifts and "
    "refresh, impl.expkernel) and n, d beyond the scope, which the searches of DA-4.1/search "
    "cover; normalize=False (DA Definition 5.4's unnormalized output); invalid arguments "
    "(DA-4.1/hostile-input); the operation counts (DA-4.9).")

register(Lemma(
    id="DA-4.1", paper="DA", kind="theorem", title="Theorem 4.1, correctness of DynamicAttention",
    statement=THEOREM, source=Source("000", S4, "Theorem 4.1"), corrects="DA-4.1/v1",
    cites=("DA-4.6", "DA-4.8", "DA-4.4", "DA-4.9"),
    tags=("mutation-suite",),
    checks=(induction("DynamicAttention"),),
    notes=INDUCTION_NOTE,
))
register(Lemma(
    id="DA-4.1/search", paper="DA",
    title="Theorem 4.1 searched beyond the proof: state machines in float64 and exact arithmetic",
    statement=THEOREM + " Searched on random programs at n <= 12, d <= 4, in float64 (within "
              "1e-9 max|V|) and in exact sympy arithmetic with integer logits.",
    source=Source("000", S4, "Theorem 4.1"), cites=("DA-4.1",),
    tags=("mutation-suite",),
    checks=(
        Stateful("float64, n <= 12, d <= 4", DynamicAttention, "DynamicAttention", ops=ALL_OPS),
        Stateful("exact sympy, integer logits, n <= 12, d <= 4", DynamicAttention,
                 "DynamicAttention", kind="exact", ops=ALL_OPS, weight=0.3),
    ),
))
register(Lemma(
    id="DA-4.1/v1", paper="DA", expect="erratum", corrected_by="DA-4.1",
    title="Theorem 4.1 for the printed Algorithms 1-5 of DA arXiv v1",
    statement=THEOREM + " (for the pseudocode of DA arXiv v1 as printed)",
    literal="Algorithms 1-5 of DA arXiv v1", source=Source("000", S4, "Theorem 4.1, Algorithms 1-5"),
    erratum=Erratum("error", RC_QUERY, (
        READING + " Read so, the algorithms still answer wrongly for four root causes, each "
        "shown alone by its erratum: DA-E2 (Delta_D), DA-E4 (Query), DA-E5 (Recompute), DA-E6 "
        "and DA-E7 (the update at the threshold). No one fix repairs this record; it is filed "
        "under the root cause of its shortest counterexample in the quick profile, a key "
        "update followed by output, which the repair of DA-E4 alone makes right.",
    )),
    checks=(Stateful("PaperV1Attention, float64", PaperV1Attention, "PaperV1Attention",
                     ops=PAPER_OPS, max_ops=6),),
    notes=PRINTED_FLOAT,
    tags=("mutation-suite",),
))
register(Lemma(
    id="DA-B.1/appendix", paper="DA", expect="erratum", corrected_by="DA-4.1",
    title="Theorem B.1 for the printed Algorithms 1-5 of the later DA appendix",
    statement=THEOREM + " (for the pseudocode of the later DA appendix as printed)",
    literal="Algorithms 1-5 of the later DA appendix", source=Source("003", "section B", "Theorem B.1, Algorithms 1-5"),
    erratum=Erratum("error", RC_DELTA_D, (
        READING + " Seed 003 fixes DA-E4 and DA-E5; read so, its algorithms still answer "
        "wrongly for two root causes, each shown alone by its erratum: DA-E2 (Delta_D) and "
        "DA-E6, DA-E7 (the update at the threshold). No one fix repairs this record; it is "
        "filed under the root cause of its shortest counterexample in the quick profile, a zero "
        "key update, Recompute and output, which the repair of DA-E2 alone makes right.",
    )),
    checks=(Stateful("PaperAppendixAttention, float64", PaperAppendixAttention,
                     "PaperAppendixAttention", ops=PAPER_OPS, max_ops=6),),
    notes=PRINTED_FLOAT,
    tags=("mutation-suite",),
))
REPAIRED = ("PaperV1Attention with repairs E2, E4, E5, E6, E7 and PaperAppendixAttention with "
            "repairs E2, E6, E7, both with the consistent List_D reading (update t at List[t], "
            "List_D[0] the D^{-1} of the last Init/Recompute)")
register(Lemma(
    id="DA-4.1/repaired", paper="DA",
    title="The printed algorithms, read consistently and with every DA-E repair, satisfy Theorem 4.1",
    statement=THEOREM + " Here for " + REPAIRED + ", in exact arithmetic: the errata list is "
              "complete for these operations.",
    source=Source("000", S4, "Theorem 4.1"),
    tags=("mutation-suite",),
    checks=tuple(induction(name) for name in SUBJECTS if name.startswith("Paper")),
    notes="Proof as for DA-4.1 (spec.da.correctness_induction), with the invariant of the printed "
          "state (spec.da.symbolic_printed_states: A, the telescoped List_D, List_C against C and "
          "V0, List_V against V). Each repair is needed: with any one of them left out the "
          "induction fails (tests/test_correctness_induction.py). Not covered: list slots past "
          "the counts that nothing ever wrote (the generic states hold an entry of fresh symbols "
          "there; Query and Recompute skip an empty slot, Algorithm 2 line 10 raises on one); "
          "float64, which is DA-4.1/repaired-float.",
))
register(Lemma(
    id="DA-4.1/repaired-float", paper="DA",
    title="The repaired printed algorithms in float64: Theorem 4.1 within a rounding allowance",
    statement=THEOREM + " Here for " + REPAIRED + ", run in float64, within 1e-9 plus the "
              "additive rounding allowance of spec.da.program.",
    source=Source("000", S4, "Theorem 4.1"), cites=("DA-4.1/repaired",),
    tags=("mutation-suite",),
    checks=(
        Stateful("PaperV1Attention + all repairs, float64",
                 partial(PaperV1Attention, repairs=V1_DEFECTS), "PaperV1Attention[E2,E4-E7]",
                 ops=PAPER_OPS),
        Stateful("PaperAppendixAttention + all repairs, float64",
                 partial(PaperAppendixAttention, repairs=APPENDIX_DEFECTS),
                 "PaperAppendixAttention[E2,E6,E7]", ops=PAPER_OPS),
    ),
    notes="Repaired, the printed algorithms are right in exact arithmetic (DA-4.1/repaired) but not "
          "stable in "
          "float64: they keep A, D and C by additions and never re-evaluate a row, so a row sum "
          "that is the small remainder of large terms loses kappa u of relative accuracy "
          "(kappa: everything ever added into the row over its current sum). The deep profile "
          "found n = 1, logits 1 -> 4 -> -5 -> -11 in three key updates: kappa = 6.5e6 and an "
          "error of 2.6e-9 on an answer that is exactly 1, above the 1e-9 DynamicAttention meets "
          "with its row refresh (impl.expkernel). Their float answers are therefore checked "
          "against 1e-9 plus 8 (s + n + d) u kappa max|V| (spec.da.program). Known gap: on 2 "
          "of 3,000 random programs (n <= 6, 20 operations, entries uniform in [-3, 3]) both "
          "repaired transcriptions exceed that allowance (n = 1, kappa = 7.2e4: gap 2.95e-9, "
          "2.23e-9 allowed), while the same transcription in mpmath at 60 digits is exact to "
          "2e-16: the rounding compounds through D_tmp^{-1} + Delta_A faster than the linear "
          "model assumes. The allowance is not widened to hide it, so a deep run may report "
          "this statement refuted with such a program. " + PRINTED_FLOAT,
))
