"""General proofs (every n) of the decoding claims of DA's HMV reductions: DA (arXiv 2304.02207)
section 5.3, Lemma 5.5 with Claims 5.6 and 5.7, and section 5.4, Lemma 5.9 with Claims 5.10 and
5.11 (Lemma C.5, Claims C.6 and C.7 in the appendix of a later version), the corrected D~ of
Lemma 5.9 and its extension to every hint P.

Every claim is about one entry ``(j, i)`` and reduces to one per-term fact plus "a sum of
non-negative terms is zero iff every term is", proved by induction over the terms
(:class:`spec.sum_induction.SumInduction`: base and step are each a z3 query):

* inner sum, over ``l``: ``x_k = (M P)[j, k] = sum_l M[j, l] P[l, k]`` counts the ``l`` with
  ``M[j, l] = P[l, k] = 1``, so ``x_k >= 1`` iff some ``M[j, l] P[l, k] = 1``; alongside,
  ``y_k = ((1 - M) P)[j, k]`` and ``c_k = sum_l P[l, k]`` with ``x_k + y_k = c_k``;
* outer sum, over ``k``: ``Y = sum_k (exp(x_k) - 1) V[k, i]`` is ``>= 0``, and ``> 0`` iff some
  term is, i.e. iff ``x_k >= 1`` and ``V[k, i] = 1`` for some ``k``: the bit ``(M P V)[j, i]``
  of the Boolean product (DA Definition 5.2).  Alongside, ``S = sum_k exp(x_k) V[k, i]`` and
  ``sum_k V[k, i]`` with ``S - sum_k V[k, i] = Y``, and (Lemma 5.9's normalized instance) the row
  sum ``D~[j] = sum_k (exp(x_k) + exp(y_k))``.

The constructions are the paper's: OAMV ``Q~ = M``, ``K~^T = P``, ``V~ = V`` (logits ``M P``);
ODAMV ``Q~ = [[M, 1 - M], [0, 0]]``, ``K~^T = diag(P, P)``, ``V~ = [[V, 0], [0, 0]]`` (row
``j < n`` has logits ``(M P)[j, k]`` and ``((1 - M) P)[j, k]``); the extension adds a zero key
row whose value row is ``e_n``.  The proofs cover the mathematics of the decoding for every
``n`` and every Boolean ``M``, ``P``, ``V``; ``impl.reductions.hmv`` (the code that issues the
updates and queries) is checked by the ``/impl`` records' exhaustive and random checks, not here.
About ``exp`` they assume only :data:`spec.exp_facts.FACTS`, and ``e = exp(1)``.
"""

from __future__ import annotations

from typing import Any, Iterator

from spec.exp_facts import FACTS, ExpValues
from spec.registry import SmtProof
from spec.sum_induction import Claim, SumInduction, deduplicated

ENTRY = "all n >= 1, every Boolean M, P, V (any hint P), every entry (j, i)"
COLUMN = "all n >= 1, every Boolean M, V and every P with at most one non-zero per column"


def _z3() -> Any:
    import z3

    return z3


# ------------------------------------------------------------------------------ inner sum over l
def _inner_invariant(s: dict[str, Any]) -> Any:
    z3 = _z3()
    return z3.And(s["x"] >= 0, s["y"] >= 0, s["x"] + s["y"] == s["c"], (s["x"] >= 1) == s["hit"])


def product_entry(printed_K: bool = False) -> SumInduction:
    """``x = (M P)[j, k]``, ``y = ((1 - M) P)[j, k]``, ``c = sum_l P[l, k]`` and
    ``hit = OR_l (M[j, l] and P[l, k])``, one ``l`` at a time.

    ``printed_K``: the proof of Claim 5.6 as printed ("K~ = P", so the logit is
    ``(M P^T)[j, k]``): ``x`` then counts ``M[j, l] P[k, l]`` while the bit still reads
    ``P[l, k]``, and the invariant ``x >= 1 iff hit`` is lost."""
    z3 = _z3()
    m, p, p_t = z3.Bools("M_jl P_lk P_kl")
    key = p_t if printed_K else p

    def step(s: dict[str, Any]) -> dict[str, Any]:
        return {"x": s["x"] + z3.If(z3.And(m, key), 1, 0),
                "y": s["y"] + z3.If(z3.And(z3.Not(m), key), 1, 0),
                "c": s["c"] + z3.If(key, 1, 0),
                "hit": z3.Or(s["hit"], z3.And(m, p))}

    state = {"x": z3.Int("x"), "y": z3.Int("y"), "c": z3.Int("c"), "hit": z3.Bool("hit")}
    start = {"x": z3.IntVal(0), "y": z3.IntVal(0), "c": z3.IntVal(0), "hit": z3.BoolVal(False)}
    return SumInduction("inner sum over l: (M P)[j, k], ((1 - M) P)[j, k], nnz of column k of P",
                        state, start, step, _inner_invariant)


def _term(exps: ExpValues, with_second_block: bool) -> tuple[dict[str, Any], list[Any]]:
    """One outer term k: the inner sums' final values (fresh constants under the inner
    invariant), the bit V[k, i] and exp of the logits."""
    z3 = _z3()
    t = {"x": z3.Int("x_k"), "y": z3.Int("y_k"), "c": z3.Int("c_k"), "hit": z3.Bool("hit_k"),
         "v": z3.Bool("V_ki")}
    t["E"] = exps("exp_x_k", t["x"])
    if with_second_block:
        t["F"] = exps("exp_y_k", t["y"])
    return t, [_inner_invariant(t)]


# ------------------------------------------------------------------------------ outer sum over k
def _entry_invariant(s: dict[str, Any]) -> Any:
    z3 = _z3()
    return z3.And(s["Y"] >= 0, (s["Y"] > 0) == s["bit"], s["S"] - s["SV"] == s["Y"], s["SV"] >= 0)


def _entry_step(s: dict[str, Any], t: dict[str, Any]) -> dict[str, Any]:
    z3 = _z3()
    return {"S": s["S"] + z3.If(t["v"], t["E"], 0),
            "SV": s["SV"] + z3.If(t["v"], 1, 0),
            "Y": s["Y"] + z3.If(t["v"], t["E"] - 1, 0),
            "bit": z3.Or(s["bit"], z3.And(t["hit"], t["v"]))}


def _entry_state(z3: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = {"S": z3.Real("S"), "SV": z3.Real("SV"), "Y": z3.Real("Y"), "bit": z3.Bool("bit")}
    start = {"S": z3.RealVal(0), "SV": z3.RealVal(0), "Y": z3.RealVal(0), "bit": z3.BoolVal(False)}
    return state, start


def oamv_entry(printed_K: bool = False) -> tuple[SumInduction, list[SumInduction]]:
    """The outer sum of Lemma 5.5's instance (logits ``M P``) and the inner one it uses."""
    z3 = _z3()
    exps = ExpValues()
    t, facts = _term(exps, with_second_block=False)
    state, start = _entry_state(z3)
    outer = SumInduction(
        "sum over k: S = sum exp(x_k) V[k, i], Y = sum (exp(x_k) - 1) V[k, i], bit = (M P V)[j, i]",
        state, start, lambda s: _entry_step(s, t), _entry_invariant,
        term_facts=[*facts, *exps.facts])
    return outer, [product_entry(printed_K)]


def _odamv_invariant(column: bool) -> Any:
    z3 = _z3()

    def invariant(s: dict[str, Any]) -> Any:
        parts = [_entry_invariant(s), s["K"] >= 0, s["N"] >= 0, s["D"] >= 0,
                 z3.Implies(s["K"] >= 1, s["D"] > 0)]
        if column:
            parts.append(s["D"] == 2 * s["K"] + s["N"] * (s["e"] - 1))
        return z3.And(*parts)

    return invariant


def odamv_entry(column: bool, extra_column_facts: bool = True) -> tuple[SumInduction, list[SumInduction]]:
    """The outer sum of Lemma 5.9's instance, row ``j < n``: the entry sums of
    :func:`oamv_entry` plus ``D~[j] = sum_k (exp(x_k) + exp(y_k))``, the number ``K`` of terms
    and ``N = nnz`` of the columns seen.  ``column``: P has at most one non-zero per column
    (``c_k <= 1``), and the invariant states ``D~ = 2K + N (e - 1)``;
    ``extra_column_facts=False`` drops ``c_k <= 1`` (the printed claim for every hint)."""
    z3 = _z3()
    exps = ExpValues()
    e = exps("e", 1)
    t, facts = _term(exps, with_second_block=True)
    if column and extra_column_facts:
        facts.append(t["c"] <= 1)
    state, start = _entry_state(z3)
    state.update({"D": z3.Real("D"), "K": z3.Int("K"), "N": z3.Int("N"), "e": e})
    start.update({"D": z3.RealVal(0), "K": z3.IntVal(0), "N": z3.IntVal(0), "e": e})

    def step(s: dict[str, Any]) -> dict[str, Any]:
        return {**_entry_step(s, t), "D": s["D"] + t["E"] + t["F"], "K": s["K"] + 1,
                "N": s["N"] + t["c"], "e": s["e"]}

    label = "sum over k: the entry sums and D~[j] = sum_k (exp((M P)[j, k]) + exp(((1 - M) P)[j, k]))"
    outer = SumInduction(label, state, start, step, _odamv_invariant(column),
                         term_facts=[*facts, *exps.facts], context=[e >= 2])
    return outer, [product_entry()]


def _claims(outer: SumInduction, inner: list[SumInduction], *conclusions: Claim) -> Iterator[Claim]:
    for induction in inner:
        yield from induction.claims()
    yield from outer.claims()
    yield from conclusions


# ------------------------------------------------------------------------------ the statements
def lemma_5_5(wrong_sign: bool = False) -> Iterator[Claim]:
    """Lemma 5.5: bit ``(M P V)[j, i]`` is 1 iff ``(exp(Q~ K~^T) V~)[j, i] - sum_k V[k, i] > 0``
    (``wrong_sign``: decodes ``>= 0`` instead, which reads every bit as 1)."""
    outer, inner = oamv_entry()
    decoded = (lambda s: s["S"] - s["SV"] >= 0) if wrong_sign else (lambda s: s["S"] - s["SV"] > 0)
    yield from _claims(outer, inner, outer.conclude(
        "decoded bit [(exp(M P) V)[j, i] - sum_k V[k, i] > 0] = (M P V)[j, i]",
        lambda s: decoded(s) == s["bit"]))


def claim_5_6(printed_K: bool = False) -> Iterator[Claim]:
    """Claim 5.6: ``((exp(Q~ K~^T) - 1) V~)[j, i] > 0`` implies ``(M P V)[j, i] = 1``."""
    z3 = _z3()
    outer, inner = oamv_entry(printed_K)
    yield from _claims(outer, inner, outer.conclude(
        "Y > 0 implies (M P V)[j, i] = 1", lambda s: z3.Implies(s["Y"] > 0, s["bit"])))


def claim_5_7(wrong_direction: bool = False) -> Iterator[Claim]:
    """Claim 5.7: ``((exp(Q~ K~^T) - 1) V~)[j, i] = 0`` implies ``(M P V)[j, i] = 0``, and the
    entry is never negative (``wrong_direction``: claims ``= 0`` implies bit 1)."""
    z3 = _z3()
    outer, inner = oamv_entry()
    bit = (lambda s: s["bit"]) if wrong_direction else (lambda s: z3.Not(s["bit"]))
    yield from _claims(
        outer, inner,
        outer.conclude("Y = 0 implies (M P V)[j, i] = 0", lambda s: z3.Implies(s["Y"] == 0, bit(s))),
        outer.conclude("Y >= 0", lambda s: s["Y"] >= 0))


def lemma_5_9_D(printed: bool = False, every_hint: bool = False) -> Iterator[Claim]:
    """Lemma 5.9, corrected D~: for P with at most one non-zero per column, ``D~[j] = 2n +
    nnz(P) (e - 1)`` for ``j < n`` and ``D~[j] = 2n`` for ``j >= n``, whatever M is.

    ``printed``: the printed Eq. (2), ``D~[j] = nnz(P) (e + 1)`` (with ``nnz(P) = n^tau``);
    ``every_hint``: the corrected value claimed for every hint P (DA-5.9-class/literal)."""
    z3 = _z3()
    outer, inner = odamv_entry(column=True, extra_column_facts=not every_hint)
    n, nnz = z3.Ints("n nnz")
    e = outer.state["e"]
    want = nnz * (e + 1) if printed else 2 * n + nnz * (e - 1)
    yield from _claims(outer, inner, outer.conclude(
        "j < n: D~[j] = " + ("nnz(P) (e + 1)" if printed else "2n + nnz(P) (e - 1)"),
        lambda s: s["D"] == want, outer.state["K"] == n, outer.state["N"] == nnz, n >= 1))
    # rows j >= n of Q~ are zero: each of the 2n logits is 0
    exps = ExpValues()
    one = exps("exp_0", 0)
    lower = SumInduction("rows j >= n: D~[j] = sum over the 2n columns of exp(0)",
                         {"D": z3.Real("D"), "K": z3.Int("K")}, {"D": z3.RealVal(0), "K": z3.IntVal(0)},
                         lambda s: {"D": s["D"] + one, "K": s["K"] + 1},
                         lambda s: s["D"] == s["K"], term_facts=exps.facts)
    yield from lower.claims()
    yield lower.conclude("j >= n: D~[j] = 2n", lambda s: s["D"] == 2 * n, lower.state["K"] == 2 * n)


@deduplicated
def lemma_5_9(printed_D: bool = False) -> Iterator[Claim]:
    """Lemma 5.9, corrected: for P with at most one non-zero per column, bit ``(M P V)[j, i]``
    is the sign of ``D* query(j, i) - sum_k V[k, i]`` with the known ``D* = 2n + nnz(P)(e - 1)``
    (the decoding never reads D~).  ``printed_D``: decodes with the printed ``nnz(P) (e + 1)``."""
    z3 = _z3()
    outer, inner = odamv_entry(column=True)
    n, nnz = z3.Ints("n nnz")
    e, q = outer.state["e"], z3.Real("query_ji")
    known = nnz * (e + 1) if printed_D else 2 * n + nnz * (e - 1)
    yield from lemma_5_9_D()
    yield from _claims(outer, inner, outer.conclude(
        "decoded bit [D* query(j, i) - sum_k V[k, i] > 0] = (M P V)[j, i], query(j, i) = S / D~[j]",
        lambda s: (known * q - s["SV"] > 0) == s["bit"],
        outer.state["K"] == n, outer.state["N"] == nnz, n >= 1, q * outer.state["D"] == outer.state["S"]))


def _normalized_claim(positive: bool, wrong: bool = False, keep_one: bool = False) -> Iterator[Claim]:
    z3 = _z3()
    outer, inner = odamv_entry(column=False)
    w = z3.Real("w")  # (D~^{-1} (exp(Q~ K~^T) - 1) V~)[j, i]
    numerator = outer.state["S"] if keep_one else outer.state["Y"]
    if positive:
        concl = ("w > 0 implies (M P V)[j, i] = 1", lambda s: z3.Implies(w > 0, s["bit"]))
        extra: list[Claim] = []
    else:
        bit = (lambda s: s["bit"]) if wrong else (lambda s: z3.Not(s["bit"]))
        concl = ("w = 0 implies (M P V)[j, i] = 0", lambda s: z3.Implies(w == 0, bit(s)))
        extra = [outer.conclude("w >= 0", lambda s: w >= 0, w * outer.state["D"] == numerator,
                                outer.state["K"] >= 1)]
    yield from _claims(outer, inner, outer.conclude(
        concl[0], concl[1], w * outer.state["D"] == numerator, outer.state["K"] >= 1), *extra)


def claim_5_10(keep_one: bool = False) -> Iterator[Claim]:
    """Claim 5.10: ``(D~^{-1} (exp(Q~ K~^T) - 1) V~)[j, i] > 0`` implies ``(M P V)[j, i] = 1``
    for every Boolean P (``D~ > 0`` is all the step uses).  ``keep_one``: the quantity without
    the ``- 1`` (``D~^{-1} exp(Q~ K~^T) V~``), positive whenever column i of V is not zero."""
    yield from _normalized_claim(positive=True, keep_one=keep_one)


def claim_5_11(wrong_direction: bool = False) -> Iterator[Claim]:
    """Claim 5.11: ``(D~^{-1} (exp(Q~ K~^T) - 1) V~)[j, i] = 0`` implies ``(M P V)[j, i] = 0``;
    the entry is never negative."""
    yield from _normalized_claim(positive=False, wrong=wrong_direction)


def lemma_5_9_general(drop_extra_key: bool = False) -> Iterator[Claim]:
    """The extension of Lemma 5.9 to every hint P: with one more key (logit 0) whose value row
    is ``e_n``, ``query(j, n) = 1 / D'`` and bit ``(M P V)[j, i]`` is the sign of
    ``query(j, i) - sum_k V[k, i] query(j, n)``, with ``D' = D~[j] + exp(0)``.
    ``drop_extra_key``: ``query(j, n)`` read as ``1 / D~[j]`` without the extra key's term."""
    z3 = _z3()
    outer, inner = odamv_entry(column=False)
    exps = ExpValues()
    one = exps("exp_0", 0)
    D, Dp = outer.state["D"], z3.Real("D_prime")
    qi, qn = z3.Reals("query_ji query_jn")
    norm = D if drop_extra_key else Dp
    yield from _claims(outer, inner, outer.conclude(
        "decoded bit [query(j, i) - sum_k V[k, i] query(j, n) > 0] = (M P V)[j, i]",
        lambda s: (qi - s["SV"] * qn > 0) == s["bit"],
        outer.state["K"] >= 1, Dp == D + one, qi * Dp == outer.state["S"], qn * norm == 1,
        *exps.facts))


# ------------------------------------------------------------------------------ checks
_AX = f"; {FACTS} and e = exp(1); induction over the n terms of each sum"

LEMMA_5_5 = SmtProof("decoding (exp(M P) V - 1 V)[j, i] > 0 iff (M P V)[j, i] = 1, every n", lemma_5_5,
                     scope=ENTRY + _AX + "; the mathematics of the decoding, not impl.reductions.hmv")
CLAIM_5_6 = SmtProof("Y[j, i] > 0 implies (M P V)[j, i] = 1, every n", claim_5_6, scope=ENTRY + _AX)
CLAIM_5_7 = SmtProof("Y[j, i] = 0 implies (M P V)[j, i] = 0 and Y >= 0, every n", claim_5_7,
                     scope=ENTRY + _AX)
LEMMA_5_9_D = SmtProof("D~[j] = 2n + nnz(P)(e - 1) (j < n) and 2n (j >= n), every n", lemma_5_9_D,
                       scope=COLUMN + _AX)
LEMMA_5_9 = SmtProof("decoding with the known D~, every n", lemma_5_9,
                     scope=COLUMN + _AX + "; the mathematics of the decoding, not impl.reductions.hmv")
CLAIM_5_10 = SmtProof("(D~^-1 (exp - 1) V~)[j, i] > 0 implies bit 1, every n", claim_5_10,
                      scope=ENTRY + _AX)
CLAIM_5_11 = SmtProof("(D~^-1 (exp - 1) V~)[j, i] = 0 implies bit 0, never negative, every n",
                      claim_5_11, scope=ENTRY + _AX)
LEMMA_5_9_GENERAL = SmtProof("decoding with the extra key, every n and every hint P", lemma_5_9_general,
                             scope=ENTRY + _AX + "; the mathematics of the decoding, not impl.reductions.hmv")
