"""AS (arXiv 2302.13214) section 4.2: Remark 4.4 (balancing a vector with its complement) and
Definition 4.5 (the Gap-ANN promise classes).

Both are proved for every n and d (:mod:`spec.as_.ann_steps_proof`); AS-4.4/impl and AS-4.5/impl
check ``impl.reductions.ann`` (``balance``, ``promise_classes``) against the direct answer on every
instance of small families.
"""

from __future__ import annotations

from typing import Any

from impl.reductions import ann as R
from spec.as_.ann_instances import classes, distance, every_instance, every_raw_instance, fail
from spec.as_.ann_steps_proof import DEFINITION_4_5, REMARK_4_4
from spec.record_groups import RecordGroup
from spec.registry import Source

SRC42 = "4.2"


def check_balance(inst: dict[str, Any]) -> None:
    """Remark 4.4: ||a~||_0 = d and ||a~ - b~||_0 = 2 ||a - b||_0, and the Gap-ANN classes of
    (A, B, t) equal those of the balanced (A~, B~, 2t)."""
    A, B = inst["A"], inst["B"]
    d = len(A[0])
    At, Bt = R.balance(A).tolist(), R.balance(B).tolist()
    for a, at in zip(A + B, At + Bt):
        if len(at) != 2 * d or sum(at) != d:
            fail(f"balanced vector {at} of {a} does not have d = {d} ones out of 2d", inst)
    for a, at in zip(A, At):
        for b, bt in zip(B, Bt):
            if distance(at, bt) != 2 * distance(a, b):
                fail(f"||a~ - b~||_0 = {distance(at, bt)} but 2 ||a - b||_0 = {2 * distance(a, b)}",
                      inst, a=a, b=b)
    t, eps = float(inst["t"]), float(inst["eps"])
    if classes(At, Bt, 2 * t, eps) != classes(A, B, t, eps):
        fail("balancing changed a Gap-ANN class", inst)


def check_promise(inst: dict[str, Any]) -> None:
    """Definition 4.5: impl.promise_classes agrees with the classes computed by definition."""
    got = list(R.promise_classes(inst["A"], inst["B"], inst["t"], inst["eps"]))
    want = classes(inst["A"], inst["B"], float(inst["t"]), float(inst["eps"]))
    if got != want:
        fail(f"promise classes {got}, by definition {want}", inst)


BALANCING = RecordGroup("AS", tags=("reduction", "ann"))

BALANCE = BALANCING.register(
    id="AS-4.4", title="Remark 4.4: balancing with the complement",
    statement=("a~ = [a, 1 - a] has ||a~||_0 = d and ||a~ - b~||_0 = 2 ||a - b||_0, so Gap-ANN "
               "(A, B, t, eps) and (A~, B~, 2t, eps) have the same classes."),
    source=Source(seed="002", section=SRC42, number="Remark 4.4"),
    checks=(REMARK_4_4,),
)

BALANCING.implementation(
    BALANCE, "Remark 4.4: the implementation balance agrees",
    statement=("impl.reductions.ann.balance maps each vector a to [a, 1 - a] with d ones out of 2d, doubles "
               "every Hamming distance and keeps every Gap-ANN class (threshold doubled)."),
    checks=(every_raw_instance(check_balance), every_instance(check_balance)),
)

PROMISE = BALANCING.register(
    id="AS-4.5", title="Definition 4.5: Gap-ANN promise classes",
    statement=("For each a_i: near if some ||a_i - b_j||_0 < t, far if every ||a_i - b_j||_2^2 >= "
               "(1 + eps) t, otherwise outside the promise (no answer is required).  For 0/1 vectors "
               "||.||_0 = ||.||_2^2, and near and far exclude each other (t, eps > 0)."),
    source=Source(seed="002", section=SRC42, number="Definition 4.5"),
    checks=(DEFINITION_4_5,),
    notes="Typo: 'B = {b_1, ..., a_n}' should end in b_n.",
)

BALANCING.implementation(
    PROMISE, "Definition 4.5: the implementation promise_classes agrees",
    statement="impl.reductions.ann.promise_classes returns the classes computed by the definition (loops).",
    checks=(every_raw_instance(check_promise),),
)
