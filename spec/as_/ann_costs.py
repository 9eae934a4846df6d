"""Bound bookkeeping for AS (arXiv 2302.13214) section 4.3, Lemma 4.7: the calls the Gap-ANN
reduction issues, their sizes and the reduction's own arithmetic, counted by its ledger
(``impl.ledger``).

Gap-ANN (AS Lemma 4.7; n vectors of raw dimension d_in, balanced dimension d = d_in when every
vector has half its entries 1, else 2 d_in by Remark 4.4):

    t >= c log n: exactly one AAttC oracle call, on an n~ x d~ = 2n x 2d instance; own work
                  <= 2 n~ d~ + 6n multiply-adds and <= 13 n~ d~ + 15 n words
    t <  c log n: n table inserts and L = n sum_(k <= r) binom(d, k) probes (r the radius);
                  own work <= 2 n d + r L multiply-adds and <= 10 n d + (4 d + 2 r) L + n words
    gap_ann (either case) adds its own validation, 2 n d_in multiply-adds and 8 n d_in words

The promise classes that results carry (part "annotation": 2 n^2 d + n^2 + 2 n d + 2 n
multiply-adds) are for checking and not part of the algorithm; they are excluded.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from impl.ledger import CallCost, Ledger
from impl.reductions import ann as R
from spec.profiles import Profile
from spec.registry import Counterexample


class RecordingOracle:
    """An AAttC oracle that records the shapes it is called with and returns zeros: the counts of
    Lemma 4.7 do not depend on the oracle's answers (the decisions do, and AS-4.7 checks them)."""

    def __init__(self) -> None:
        self.shapes: list[tuple[int, int]] = []

    def __call__(self, Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: Any) -> np.ndarray:
        self.shapes.append(tuple(Q.shape))
        return np.full(Q.shape, mpmath.mpf(0), dtype=object)


def _reduction_part(c: CallCost) -> list[int]:
    return c.part("reduction")


def ann_attention_bound(n: int, d: int) -> tuple[int, int]:
    nt, dt = 2 * n, 2 * d
    return 2 * nt * dt + 6 * n, 13 * nt * dt + 15 * n


def ann_lookup_bound(n: int, d: int, radius: int, lookups: int) -> tuple[int, int]:
    return 2 * n * d + radius * lookups, 10 * n * d + (4 * d + 2 * radius) * lookups + n


def check_ann_costs(inst: dict[str, Any]) -> None:
    """AS Lemma 4.7: one oracle call of size 2n x 2d (attention case), n inserts and
    n sum_(k <= r) binom(d, k) probes (lookup case), own arithmetic within its bounds, and
    gap_ann recording the case it chose."""
    A, B, t, eps = inst["A"], inst["B"], inst["t"], inst["eps"]
    n, d_in = len(A), len(A[0])
    led = Ledger()
    oracle = RecordingOracle()
    res = R.gap_ann_attention(A, B, t, eps, oracle=oracle, ledger=led)
    c = led.last()
    d = res.d
    if d != (d_in if not res.balanced else 2 * d_in):
        raise Counterexample("balanced dimension is neither d_in nor 2 d_in", d=d, d_in=d_in)
    if c.sub_calls != {"oracle": 1} or oracle.shapes != [(2 * n, 2 * d)]:
        raise Counterexample("Lemma 4.7: not exactly one AAttC call of size 2n x 2d", sub_calls=c.sub_calls,
                             shapes=[list(s) for s in oracle.shapes], n=n, d=d)
    sizes = c.sizes or {}
    if (sizes.get("n_tilde"), sizes.get("d_tilde")) != (2 * n, 2 * d) or c.exps:
        raise Counterexample("recorded sizes differ from the call", sizes=dict(sizes))
    own = _reduction_part(c)
    mb, wb = ann_attention_bound(n, d)
    if own[0] > mb or own[2] > wb:
        raise Counterexample("attention case: own arithmetic above 2 n~ d~ + 6n / 13 n~ d~ + 15n",
                             mul_adds=own[0], bound=mb, words=own[2], word_bound=wb, n=n, d=d)
    ann = c.part("annotation")
    if own[0] + ann[0] != c.mul_adds:
        raise Counterexample("parts do not add up", parts={k: list(v) for k, v in (c.parts or {}).items()})
    # case 1
    res1 = R.gap_ann_lookup(A, B, t, eps, ledger=led, early_exit=False)
    c1 = led.last()
    r = R.lookup_radius(float(t))
    want = n * sum(math.comb(d_in, k) for k in range(min(r, d_in) + 1))
    if c1.sub_calls != {"insert": n, "lookup": want} or res1.lookups != want:
        raise Counterexample("case 1: not n inserts and n sum_(k<=r) binom(d, k) probes",
                             sub_calls=c1.sub_calls, expected=want)
    mb, wb = ann_lookup_bound(n, d_in, min(r, d_in), want)
    own = _reduction_part(c1)
    if own[0] > mb or own[2] > wb:
        raise Counterexample("lookup case: own arithmetic above its bound", mul_adds=own[0], bound=mb,
                             words=own[2], word_bound=wb)
    # the dispatcher: one call holding the chosen case (its validation added)
    res2 = R.gap_ann(A, B, t, eps, oracle=RecordingOracle(), ledger=led)
    c2 = led.last()
    wanted = {"oracle"} if res2.case == "attention" else {"insert", "lookup"}
    if c2.op != "gap_ann" or set(c2.sub_calls or {}) != wanted:
        raise Counterexample("gap_ann records the wrong calls", op=c2.op, sub_calls=c2.sub_calls,
                             case=res2.case)
    extra = 2 * n * d_in
    own2 = _reduction_part(c2)
    if res2.case == "attention":
        mb, wb = ann_attention_bound(n, res2.d)
    else:
        rr = min(R.lookup_radius(float(t)), d_in)
        mb, wb = ann_lookup_bound(n, d_in, rr, res2.lookups)
    if own2[0] > mb + extra or own2[2] > wb + 4 * extra:
        raise Counterexample("gap_ann: own arithmetic above its bound", mul_adds=own2[0], bound=mb + extra,
                             words=own2[2], word_bound=wb + 4 * extra, case=res2.case)


def check_ann_size_literal(inst: dict[str, Any]) -> None:
    """As printed: Gap-ANN(n, d) is solved with one AAttC call of size 2n x 2d."""
    oracle = RecordingOracle()
    A, B = inst["A"], inst["B"]
    n, d_in = len(A), len(A[0])
    R.gap_ann_attention(A, B, inst["t"], inst["eps"], oracle=oracle)
    if oracle.shapes != [(2 * n, 2 * d_in)]:
        raise Counterexample(
            f"Gap-ANN(n = {n}, d = {d_in}) with unbalanced vectors: the proof's reduction (Remark 4.4, "
            f"then Q, K) calls AAttC on {oracle.shapes[0][0]} x {oracle.shapes[0][1]}, not 2n x 2d = "
            f"{2 * n} x {2 * d_in}", shapes=[list(s) for s in oracle.shapes], n=n, d=d_in)


def size_family(profile: Profile) -> list[dict[str, Any]]:
    """A balanced instance (2n x 2d holds) first, then the smallest unbalanced ones."""
    return [{"A": [[0, 1], [1, 0]], "B": [[0, 1], [0, 1]], "t": 1.0, "eps": 1.0},
            {"A": [[0], [1]], "B": [[0], [0]], "t": 1.0, "eps": 1.0},
            {"A": [[0, 0], [1, 1]], "B": [[0, 1], [1, 1]], "t": 1.0, "eps": 1.0}]
