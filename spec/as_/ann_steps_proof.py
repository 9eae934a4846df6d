"""General proofs (every n and d) of the Gap-ANN statements of AS (arXiv 2302.13214): section
4.2, Remark 4.4 (balancing) and Definition 4.5 (the promise classes), and the steps of section
4.3, Lemma 4.7 that concern the vectors and the matrix ``A`` (the case 1 probe count, ``A``,
Eqs. (10) and (11), the bounds on ``D``, the first steps of Cases 2a and 2b).  The steps about
the thresholds (Eqs. (12), (13), Cases 2a and 2b) are in :mod:`spec.as_.ann_cases_proof`.

The z3 proofs are inductions over the coordinates of a vector pair or over the entries of a row
(:class:`spec.sum_induction.SumInduction`), with per-coordinate facts about bits; the sympy
proofs (the matrix ``A``, the probe count) have symbolic ``d``, ``beta`` and indices.  About
``exp`` the z3 proofs assume only :data:`spec.exp_facts.FACTS`.  Lemma 4.7's construction
(balanced ``a_i``, ``b_j`` in {0, 1}^d with ``d/2`` ones, ``d~ = 2d``):
``Q = sqrt(beta) [[a_i, 1_d]; [0_d, 1_d]]``, ``K = sqrt(beta) [[b_j, 0_d]; [0_d, 1_d]]``
(``2n x 2d``), ``A = exp(Q K^T / d~)``, ``tau = e^(beta/2)`` (corrected; printed ``e^beta``).
These proofs cover the mathematics; ``impl.reductions.ann`` is checked by the records' own
exhaustive checks.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy

from spec.exp_facts import FACTS, ExpValues
from spec.registry import SmtProof, SympyProof
from spec.sum_induction import Claim, SumInduction, deduplicated

Identity = tuple[str, Any, Any]


def _z3() -> Any:
    import z3

    return z3


def _bit(x: Any) -> Any:
    return _z3().If(x, 1, 0)


# ------------------------------------------------------------------------------ vector pairs
def pair_sums() -> SumInduction:
    """Over the coordinates of ``a``, ``b`` in {0, 1}^d: ``ip = <a, b>``, ``h = ||a - b||_0``,
    ``h2 = ||a - b||_2^2``, ``na = ||a||_0``, ``nb = ||b||_0``, ``K`` = coordinates seen."""
    z3 = _z3()
    a, b = z3.Bools("a_l b_l")
    names = ("ip", "h", "h2", "na", "nb", "K")
    state = {x: z3.Int(x) for x in names}
    start = {x: z3.IntVal(0) for x in names}

    def step(s: dict[str, Any]) -> dict[str, Any]:
        diff = _bit(a) - _bit(b)
        return {"ip": s["ip"] + _bit(z3.And(a, b)), "h": s["h"] + _bit(a != b), "h2": s["h2"] + diff * diff,
                "na": s["na"] + _bit(a), "nb": s["nb"] + _bit(b), "K": s["K"] + 1}

    def invariant(s: dict[str, Any]) -> Any:
        return z3.And(2 * s["ip"] == s["na"] + s["nb"] - s["h"], s["h"] == s["h2"], s["ip"] >= 0,
                      s["ip"] <= s["na"], s["na"] <= s["K"], s["nb"] <= s["K"], s["h"] >= 0)

    return SumInduction("sum over the coordinates l of a, b", state, start, step, invariant)


def _balanced(s: dict[str, Any], d: Any) -> list[Any]:
    """Remark 4.4's balance: d coordinates, d/2 ones in each vector."""
    return [s["K"] == d, 2 * s["na"] == d, 2 * s["nb"] == d, d >= 1]


def inner_product_step(case: str = "2a", printed: bool = False, loose: bool = False) -> Iterator[Claim]:
    """Case 2a, first step: ``||a - b||^2 <= t`` implies ``beta <a, b>/d~ >= 0.25 beta (1 - t/d)``;
    Case 2b: ``||a - b||^2 >= (1 + eps) t`` implies ``beta <a, b>/d~ <= 0.25 beta (1 - (1+eps) t/d)``.

    ``printed`` (2b only): the printed ``beta <a, b>/d`` (no ``~``) under ``> (1 + eps) t``;
    ``loose`` (2a only): the hypothesis ``||a - b||^2 <= (1 + eps) t`` (a broken claim)."""
    z3 = _z3()
    pairs = pair_sums()
    yield from pairs.claims()
    d = z3.Int("d")
    beta, t, eps, lam = z3.Reals("beta t eps logit")  # logit = beta <a, b> / d~ (or / d printed)
    s = pairs.state
    h, ip = z3.ToReal(s["h"]), z3.ToReal(s["ip"])
    dr = z3.ToReal(d)
    hyps = [*_balanced(s, d), beta > 0, t > 0, eps > 0, t <= dr]
    if case == "2a":
        near = h <= (1 + eps) * t if loose else h <= t
        yield pairs.conclude("Case 2a: ||a - b||^2 <= t implies beta <a, b>/d~ >= 0.25 beta (1 - t/d)",
                             lambda _: lam * 4 * dr >= beta * (dr - t), *hyps, near, lam * 2 * dr == beta * ip)
        return
    divisor = dr if printed else 2 * dr
    gap = h > (1 + eps) * t if printed else h >= (1 + eps) * t
    yield pairs.conclude(
        "Case 2b: ||a - b||^2 >= (1 + eps) t implies beta <a, b>/d~ <= 0.25 beta (1 - (1 + eps) t/d)",
        lambda _: lam * 4 * dr <= beta * (dr - (1 + eps) * t), *hyps, gap, lam * divisor == beta * ip)


def _entry(balanced: bool) -> tuple[SumInduction, dict[str, Any], list[Any], list[Any]]:
    """``A_ij = exp(beta <a_i, b_j>/d~)`` with the exp values Eqs. (10), (11) compare it with."""
    z3 = _z3()
    pairs = pair_sums()
    d = z3.Int("d")
    beta, lam = z3.Reals("beta logit")
    exps = ExpValues()
    v = {"A": exps("A_ij", lam), "e4": exps("exp_beta_4", beta / 4), "e2": exps("exp_beta_2", beta / 2),
         "e1": exps("exp_beta", beta)}
    s = pairs.state
    common = [s["K"] == d, d >= 1, beta > 0, lam * 2 * z3.ToReal(d) == beta * z3.ToReal(s["ip"]), *exps.facts]
    return pairs, v, common, [*_balanced(s, d), *common]


def entry_upper_bounds(balanced: bool = True) -> Iterator[Claim]:
    """Eq. (10): ``A_ij <= exp(beta/4)`` for balanced vectors (so ``<= e^(beta/2) <= e^beta``,
    below both taus), and ``<= exp(beta/2) <= e^beta`` for any 0/1 vectors (the paper's
    argument).  ``balanced=False``: claims the balanced bound without the balance."""
    z3 = _z3()
    pairs, v, common, with_balance = _entry(balanced)
    yield from pairs.claims()
    yield pairs.conclude("Eq. (10), balanced: A_ij <= exp(beta/4) <= e^(beta/2) <= e^beta",
                         lambda _: z3.And(v["A"] <= v["e4"], v["e4"] <= v["e2"], v["e2"] <= v["e1"]),
                         *(with_balance if balanced else common))
    yield pairs.conclude("Eq. (10), any 0/1 vectors: A_ij <= exp(beta/2) <= e^beta",
                         lambda _: z3.And(v["A"] <= v["e2"], v["e2"] <= v["e1"]), *common)


def entry_lower_bound(strict: bool = False) -> Iterator[Claim]:
    """Eq. (11): ``A_ij >= 0``, in fact ``>= 1`` (the logits are ``>= 0``).  ``strict``: claims
    ``A_ij > 1`` (false when ``<a_i, b_j> = 0``)."""
    z3 = _z3()
    pairs, v, common, _ = _entry(True)
    yield from pairs.claims()
    lower = v["A"] > 1 if strict else z3.And(v["A"] >= 1, v["A"] >= 0)
    yield pairs.conclude("Eq. (11): A_ij >= 1 >= 0", lambda _: lower, *common)


@deduplicated
def row_sums(printed_tau: bool = False) -> Iterator[Claim]:
    """``n tau <= D_ii <= 2 n tau`` for every ``i`` in [2n], ``tau = e^(beta/2)``.

    Row ``i < n``: ``D_ii = sum_{j<n} A_ij + n e^(beta/2)`` with ``1 <= A_ij <= e^(beta/4)``
    (Eqs. (10), (11), whose claims are listed too); row ``i >= n``: ``D_ii = n exp(0) + n
    e^(beta/2)``; the block values ``e^(beta/2)`` and ``exp(0)`` are those :func:`attention_matrix`
    proves (a sympy check, :data:`MATRIX_A`).
    ``printed_tau``: ``tau = e^beta`` (AS-4.7-D/literal; the lower bound fails)."""
    z3 = _z3()
    yield from entry_upper_bounds()
    yield from entry_lower_bound()
    exps = ExpValues()
    beta, a = z3.Reals("beta A_ij")
    e4, e2, e1 = exps("exp_beta_4", beta / 4), exps("exp_beta_2", beta / 2), exps("exp_beta", beta)
    exps.product(e4, e4, e2)
    exps.product(e2, e2, e1)
    S, K = z3.Real("S"), z3.Int("K")
    left = SumInduction(
        "row i < n, left block: S = sum_{j<n} A_ij", {"S": S, "K": K}, {"S": z3.RealVal(0), "K": z3.IntVal(0)},
        lambda s: {"S": s["S"] + a, "K": s["K"] + 1},
        lambda s: z3.And(s["K"] >= 0, z3.ToReal(s["K"]) <= s["S"], s["S"] <= z3.ToReal(s["K"]) * e4),
        term_facts=[a >= 1, a <= e4], context=[beta > 0, *exps.facts])
    yield from left.claims()
    n = z3.Int("n")
    nr = z3.ToReal(n)
    tau = e1 if printed_tau else e2
    in_range = lambda D: z3.And(nr * tau <= D, D <= 2 * nr * tau)  # noqa: E731
    yield left.conclude("i < n: D_ii = S + n e^(beta/2) lies in [n tau, 2 n tau]",
                        lambda s: in_range(s["S"] + nr * e2), K == n, n >= 1)
    yield left.conclude("i >= n: D_ii = n exp(0) + n e^(beta/2) lies in [n tau, 2 n tau]",
                        lambda s: in_range(nr * 1 + nr * e2), n >= 1)


# ------------------------------------------------------------------------------ sympy: A, probes
def attention_matrix(printed: bool = False) -> Iterator[Identity]:
    """The blocks of ``A = exp(Q K^T / d~)``, entry by entry, symbolic ``d`` and ``beta``:
    ``exp(beta <a_i, b_j>/d~)``, ``e^(beta/2)`` (twice) and ``exp(0) = 1``.
    ``printed``: the printed blocks ``tau = e^beta`` and 0 (AS-4.7-A/literal)."""
    d = sympy.Symbol("d", integer=True, positive=True)
    beta = sympy.Symbol("beta", positive=True)
    ell = sympy.Symbol("l", integer=True, nonnegative=True)
    a, b = sympy.IndexedBase("a"), sympy.IndexedBase("b")
    r = sympy.sqrt(beta)

    def logit(q1: Any, q2: Any, k1: Any, k2: Any) -> Any:
        """<[q1, q2], [k1, k2]> / d~ for rows given by their two halves (coordinate l)."""
        return (sympy.Sum(q1 * k1, (ell, 0, d - 1)) + sympy.Sum(q2 * k2, (ell, 0, d - 1))) / (2 * d)

    tau = sympy.exp(beta) if printed else sympy.exp(beta / 2)
    inner = sympy.Sum(a[ell] * b[ell], (ell, 0, d - 1))
    yield ("A, i < n, j < n: exp(<sqrt(beta) [a_i, 1], sqrt(beta) [b_j, 0]> / 2d) = exp(beta <a_i, b_j> / d~)",
           sympy.exp(logit(r * a[ell], r, r * b[ell], 0)), sympy.exp(beta * inner / (2 * d)))
    yield ("A, i < n, j >= n: exp(<sqrt(beta) [a_i, 1], sqrt(beta) [0, 1]> / 2d) = tau",
           sympy.exp(logit(r * a[ell], r, 0, r)), tau)
    yield ("A, i >= n, j < n: exp(<sqrt(beta) [0, 1], sqrt(beta) [b_j, 0]> / 2d) = " + ("0" if printed else "1"),
           sympy.exp(logit(0, r, r * b[ell], 0)), 0 if printed else 1)
    yield ("A, i >= n, j >= n: exp(<sqrt(beta) [0, 1], sqrt(beta) [0, 1]> / 2d) = tau",
           sympy.exp(logit(0, r, 0, r)), tau)


def probe_count(printed: bool = False) -> Iterator[Identity]:
    """Case 1: the vectors at Hamming distance exactly ``k`` from ``a`` in {0, 1}^d number
    ``C(d, k)`` (induction on ``d``: the last coordinate is kept or flipped, so
    ``N_{d+1}(k) = N_d(k) + N_d(k - 1)``), and the ball of radius ``r`` is the union of the spheres
    ``k = 0..r``: ``sum_{k<=r} C(d, k)`` probes per ``a_i``.
    ``printed``: the printed count ``C(d, t)`` for the ball of radius ``t``."""
    d, k, r = sympy.symbols("d k r", integer=True, nonnegative=True)
    yield ("sphere, base d = 1: N_1(0) = 1 = C(1, 0)", 1, sympy.binomial(1, 0))
    yield ("sphere, base d = 1: N_1(1) = 1 = C(1, 1)", 1, sympy.binomial(1, 1))
    yield ("sphere, base d = 1: N_1(k + 2) = 0 = C(1, k + 2)", 0, sympy.binomial(1, k + 2))
    yield ("sphere, step: N_d(k) + N_d(k - 1) = C(d, k) + C(d, k - 1) = C(d + 1, k)",
           sympy.binomial(d, k) + sympy.binomial(d, k - 1), sympy.binomial(d + 1, k))
    ball = sympy.Sum(sympy.binomial(d, k), (k, 0, r))
    claimed = sympy.binomial(d, r) if printed else sympy.Sum(sympy.binomial(d, k), (k, 0, r))
    yield ("ball of radius r: sum_{k=0}^{r} N_d(k) probes = " + ("C(d, r)" if printed else "sum_{k<=r} C(d, k)"),
           ball, claimed)


# ------------------------------------------------------------------------------ 4.4, 4.5
def balancing(double_threshold: bool = True) -> Iterator[Claim]:
    """Remark 4.4: ``a~ = [a, 1 - a]`` has ``||a~||_0 = d`` and ``||a~ - b~||_0 = 2 ||a - b||_0``;
    so the classes of (A, B, t) and (A~, B~, 2t) agree for every row (induction over j).
    ``double_threshold=False``: compares with (A~, B~, t) (a broken claim)."""
    z3 = _z3()
    a, b = z3.Bools("a_l b_l")
    names = ("ones", "h_bal", "h", "K")
    coords = SumInduction(
        "sum over the coordinates l of a~ = [a, 1 - a], b~", {x: z3.Int(x) for x in names},
        {x: z3.IntVal(0) for x in names},
        lambda s: {"ones": s["ones"] + _bit(a) + _bit(z3.Not(a)),
                   "h_bal": s["h_bal"] + _bit(a != b) + _bit(z3.Not(a) != z3.Not(b)),
                   "h": s["h"] + _bit(a != b), "K": s["K"] + 1},
        lambda s: z3.And(s["ones"] == s["K"], s["h_bal"] == 2 * s["h"], s["h"] >= 0))
    yield from coords.claims()
    d = z3.Int("d")
    yield coords.conclude("||a~||_0 = d and ||a~ - b~||_0 = 2 ||a - b||_0",
                          lambda s: z3.And(s["ones"] == d, s["h_bal"] == 2 * s["h"]), coords.state["K"] == d)
    t, eps = z3.Reals("t eps")
    h, hb = z3.Ints("h_j h_bal_j")
    t_bal = 2 * t if double_threshold else t
    names = ("near", "near_bal", "far", "far_bal")
    rows = SumInduction(
        "over j: near (some distance < t) and far (all >= (1 + eps) t), raw and balanced",
        {x: z3.Bool(x) for x in names},
        {"near": z3.BoolVal(False), "near_bal": z3.BoolVal(False), "far": z3.BoolVal(True),
         "far_bal": z3.BoolVal(True)},
        lambda s: {"near": z3.Or(s["near"], z3.ToReal(h) < t),
                   "near_bal": z3.Or(s["near_bal"], z3.ToReal(hb) < t_bal),
                   "far": z3.And(s["far"], z3.ToReal(h) >= (1 + eps) * t),
                   "far_bal": z3.And(s["far_bal"], z3.ToReal(hb) >= (1 + eps) * t_bal)},
        lambda s: z3.And(s["near"] == s["near_bal"], s["far"] == s["far_bal"]),
        term_facts=[hb == 2 * h, h >= 0], context=[t > 0, eps > 0])
    yield from rows.claims()


def promise_classes(allow_negative_gap: bool = False) -> Iterator[Claim]:
    """Definition 4.5: for 0/1 vectors ``||a - b||_0 = ||a - b||_2^2`` (the definition mixes the
    two), and "near" and "far" never both hold (t > 0, eps > 0), so every row is exactly one of
    near, far, outside.  ``allow_negative_gap``: eps > -1 only (a broken claim)."""
    z3 = _z3()
    pairs = pair_sums()
    yield from pairs.claims()
    yield pairs.conclude("||a - b||_0 = ||a - b||_2^2 for 0/1 vectors", lambda s: s["h"] == s["h2"])
    t, eps = z3.Reals("t eps")
    h = z3.Int("h_j")
    rows = SumInduction(
        "over j: near (some ||a_i - b_j||_0 < t), far (all ||a_i - b_j||_2^2 >= (1 + eps) t)",
        {"near": z3.Bool("near"), "far": z3.Bool("far")},
        {"near": z3.BoolVal(False), "far": z3.BoolVal(True)},
        lambda s: {"near": z3.Or(s["near"], z3.ToReal(h) < t),
                   "far": z3.And(s["far"], z3.ToReal(h) >= (1 + eps) * t)},
        lambda s: z3.Not(z3.And(s["near"], s["far"])),
        term_facts=[h >= 0], context=[t > 0, eps > -1 if allow_negative_gap else eps > 0])
    yield from rows.claims()


# ------------------------------------------------------------------------------ checks
_PAIRS = "all d >= 1 (balanced: d/2 ones in each vector), induction over the d coordinates"

REMARK_4_4 = SmtProof("||a~||_0 = d, ||a~ - b~||_0 = 2 ||a - b||_0, classes kept, every n and d", balancing,
                      scope="all n, d >= 1, 0/1 vectors, t > 0, eps > 0; inductions over coordinates and rows")
DEFINITION_4_5 = SmtProof("||.||_0 = ||.||_2^2 on 0/1 vectors, near and far disjoint, every n and d",
                          promise_classes, scope="all n, d >= 1, 0/1 vectors, t > 0, eps > 0; the "
                          "definition's consistency, not impl.reductions.ann.promise_classes")
CASE_1_COUNT = SympyProof("sphere sizes C(d, k) by induction on d (Pascal), symbolic d, k, r", probe_count,
                          scope="all d >= 1, radius r >= 0: n sum_{k<=r} C(d, k) probes (sphere of a "
                                "(d+1)-vector split by its last coordinate, as defined)", general=True)
MATRIX_A = SympyProof("blocks of exp(Q K^T / d~), symbolic d, beta and coordinates", attention_matrix,
                      scope="all d >= 1, beta > 0, every entry of the four blocks", general=True)
EQ_10 = SmtProof("A_ij <= exp(beta/4) (balanced), <= e^(beta/2) (any 0/1 vectors), every d",
                 entry_upper_bounds, scope=_PAIRS + "; beta > 0; " + FACTS)
EQ_11 = SmtProof("A_ij >= 1 >= 0, every d", entry_lower_bound, scope="all d >= 1, 0/1 vectors, beta > 0; " + FACTS)
D_BOUNDS = SmtProof("n tau <= D_ii <= 2 n tau, tau = e^(beta/2), every n and d", row_sums,
                    scope="all n, d >= 1, every row i in [2n], beta > 0; " + FACTS)
CASE_2A_STEP_1 = SmtProof("beta <a, b>/d~ >= 0.25 beta (1 - t/d) when ||a - b||^2 <= t, every d",
                          lambda: inner_product_step("2a"), scope=_PAIRS + "; beta > 0, 0 < t <= d")
CASE_2B_STEP_1 = SmtProof("beta <a, b>/d~ <= 0.25 beta (1 - (1 + eps) t/d) when ||a - b||^2 >= (1 + eps) t",
                          lambda: inner_product_step("2b"), scope=_PAIRS + "; beta > 0, 0 < t <= d, eps > 0")
