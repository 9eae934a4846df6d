"""General proofs (every n and d) of AS (arXiv 2302.13214) section 3: Lemma 3.3 (bounded entries
of ``Q K^T / d``), Lemma 3.5 (from ``A`` to ``D``) and Lemma 3.6 (from ``A`` and ``D`` to the
attention output; corrected, in both of its forms).

Each is a statement about one row ``i`` (and one column of ``V``): sums over ``n`` (or ``d``)
terms, proved by induction over the terms (:class:`spec.sum_induction.SumInduction`: base and
step are z3 queries over the reals) and a conclusion z3 derives from the invariant:

* Lemma 3.3: ``|sum_{l<m} q_l k_l| <= m B^2`` when every ``|q_l|, |k_l| <= B``; with ``m = d``,
  ``|<q, k>| / d <= B^2`` (no ``B >= 1`` needed);
* Lemma 3.5: ``|D~_m - D_m| <= eps_A D_m`` for the partial row sums, when every
  ``|A~_j - A_j| <= eps_A A_j``;
* Lemma 3.6: the partial sums ``D = sum A_j``, ``S~ = sum A~_j``, ``N = sum A_j v_j``,
  ``N~ = sum A~_j v_j`` keep ``|N~ - N| <= eps_A D ||v||``, ``|N| <= D ||v||``,
  ``|N~| <= S~ ||v||``; then (i) with ``D~ = S~`` (= ``diag(A~ 1)``) and ``|D~ - D| <= eps_D D``,
  ``|N~/D~ - N/D| <= (eps_A + eps_D) ||v||``; (ii) with any ``D~`` such that
  ``|D~ - D| <= eps_D D``, ``eps_D < 1``: ``<= (eps_A + eps_D) ||v|| / (1 - eps_D)``.

Hypotheses as in the paper: ``A_j > 0`` (entries of ``exp``), ``0 <= eps_A < 1`` (so that
``A~_j >= 0`` and ``D~ = sum_j A~_j > 0``), ``||v|| = max_j |v_j|``.  The printed Lemma 3.6
(bound ``(eps_A + eps_D) B`` for any ``D~`` in the box) is refuted by the same engine
(AS-3.6/literal; the z3 model satisfies the invariant, the record's n = 1 example is concrete).
"""

from __future__ import annotations

from typing import Any, Iterator

from spec.registry import SmtProof
from spec.sum_induction import Claim, SumInduction, deduplicated


def _z3() -> Any:
    import z3

    return z3


def _abs(x: Any) -> Any:
    return _z3().If(x >= 0, x, -x)


def lemma_3_3(printed_power: int = 2) -> Iterator[Claim]:
    """``||Q||_inf, ||K||_inf <= B`` implies ``|<q, k>| / d <= B^2`` for every ``d >= 1``.

    ``printed_power=1``: the bound ``B`` instead of ``B^2`` (a broken claim)."""
    z3 = _z3()
    q, k, B = z3.Reals("q_l k_l B")
    S, m = z3.Real("S"), z3.Int("m")
    ind = SumInduction(
        "sum over l of q_l k_l", {"S": S, "m": m}, {"S": z3.RealVal(0), "m": z3.IntVal(0)},
        lambda s: {"S": s["S"] + q * k, "m": s["m"] + 1},
        lambda s: z3.And(s["m"] >= 0, _abs(s["S"]) <= z3.ToReal(s["m"]) * B * B),
        term_facts=[_abs(q) <= B, _abs(k) <= B], context=[B >= 0])
    yield from ind.claims()
    d, x = z3.Int("d"), z3.Real("entry")  # entry = <q, k> / d
    bound = B * B if printed_power == 2 else B
    yield ind.conclude(f"|<q, k>| / d <= B^{printed_power} (d >= 1 terms)", lambda s: _abs(x) <= bound,
                       m == d, d >= 1, x * z3.ToReal(d) == S)


def lemma_3_5(factor: float = 1.0) -> Iterator[Claim]:
    """``|A~_j - A_j| <= eps_A A_j`` for all ``j`` implies ``|D~ - D| <= eps_A D``.

    ``factor``: claims ``factor * eps_A D`` instead (``1/2``: a broken claim)."""
    z3 = _z3()
    a, at, eps = z3.Reals("A_j At_j eps_A")
    D, Dt = z3.Reals("D Dt")
    bound = eps if factor == 1 else z3.RealVal(factor) * eps
    ind = SumInduction(
        "sum over j of A_j and A~_j", {"D": D, "Dt": Dt}, {"D": z3.RealVal(0), "Dt": z3.RealVal(0)},
        lambda s: {"D": s["D"] + a, "Dt": s["Dt"] + at},
        lambda s: _abs(s["Dt"] - s["D"]) <= bound * s["D"],
        term_facts=[a > 0, _abs(at - a) <= eps * a], context=[eps >= 0])
    yield from ind.claims()
    yield ind.conclude("|D~ - D| <= eps_A D (every n)",
                       lambda s: _abs(s["Dt"] - s["D"]) <= bound * s["D"])


def _row_sums() -> tuple[SumInduction, dict[str, Any]]:
    """The partial sums of Lemma 3.6 over the entries ``j`` of one row."""
    z3 = _z3()
    a, at, v = z3.Reals("A_j At_j v_j")
    p = {"eps_A": z3.Real("eps_A"), "Vn": z3.Real("norm_v")}
    state = {x: z3.Real(x) for x in ("D", "St", "N", "Nt")}
    state["K"] = z3.Int("K")
    start = {x: z3.RealVal(0) for x in ("D", "St", "N", "Nt")}
    start["K"] = z3.IntVal(0)

    def step(s: dict[str, Any]) -> dict[str, Any]:
        return {"D": s["D"] + a, "St": s["St"] + at, "N": s["N"] + a * v, "Nt": s["Nt"] + at * v,
                "K": s["K"] + 1}

    def invariant(s: dict[str, Any]) -> Any:
        e, Vn = p["eps_A"], p["Vn"]
        return z3.And(s["K"] >= 0, s["D"] >= 0, z3.Implies(s["K"] >= 1, s["D"] > 0), s["St"] >= 0,
                      _abs(s["Nt"] - s["N"]) <= e * s["D"] * Vn, _abs(s["N"]) <= s["D"] * Vn,
                      _abs(s["Nt"]) <= s["St"] * Vn, _abs(s["St"] - s["D"]) <= e * s["D"])

    ind = SumInduction(
        "sum over j of A_j, A~_j, A_j v_j, A~_j v_j", state, start, step, invariant,
        term_facts=[a > 0, _abs(at - a) <= p["eps_A"] * a, _abs(v) <= p["Vn"]],
        context=[p["eps_A"] >= 0, p["eps_A"] < 1, p["Vn"] >= 0])
    return ind, p


def lemma_3_6(form: str = "consistent") -> Iterator[Claim]:
    """Corrected Lemma 3.6 for one entry of ``D~^{-1} A~ V - D^{-1} A V``.

    ``form``: "consistent" (i): ``D~ = diag(A~ 1)``, bound ``(eps_A + eps_D) ||v||``;
    "general" (ii): any ``D~`` in the box, bound ``(eps_A + eps_D) ||v|| / (1 - eps_D)``;
    "printed": any ``D~`` in the box with the printed bound ``(eps_A + eps_D) ||v||`` (false)."""
    z3 = _z3()
    ind, p = _row_sums()
    yield from ind.claims()
    s = ind.state
    eps_d, Dt, x, y = z3.Reals("eps_D Dt approx exact")  # approx = N~ / D~, exact = N / D
    box = [eps_d >= 0, _abs(Dt - s["D"]) <= eps_d * s["D"], s["K"] >= 1,
           x * Dt == s["Nt"], y * s["D"] == s["N"]]
    total = (p["eps_A"] + eps_d) * p["Vn"]
    if form == "consistent":
        yield ind.conclude("(i) D~ = diag(A~ 1): |N~/D~ - N/D| <= (eps_A + eps_D) ||v||",
                           lambda st: _abs(x - y) <= total, Dt == s["St"], *box)
    elif form == "general":
        yield ind.conclude("(ii) any D~ in the box: |N~/D~ - N/D| <= (eps_A + eps_D) ||v|| / (1 - eps_D)",
                           lambda st: _abs(x - y) * (1 - eps_d) <= total, eps_d < 1, *box)
    elif form == "printed":
        yield ind.conclude("printed: any D~ in the box: |N~/D~ - N/D| <= (eps_A + eps_D) ||v||",
                           lambda st: _abs(x - y) <= total, eps_d < 1, *box)
    else:
        raise ValueError(f"form must be consistent, general or printed, not {form!r}")


@deduplicated
def lemma_3_6_both() -> Iterator[Claim]:
    yield from lemma_3_6("consistent")
    yield from lemma_3_6("general")


ROW = "every row and column: induction over the n entries of the row (every n >= 1)"

LEMMA_3_3 = SmtProof("|<q, k>| / d <= B^2 by induction over the d coordinates", lemma_3_3,
                     scope="all d >= 1 and real q, k with |q_l|, |k_l| <= B (B >= 1 not needed)")
LEMMA_3_5 = SmtProof("|D~ - D| <= eps_A D by induction over the n entries of a row", lemma_3_5,
                     scope="all n >= 1, A_j > 0, eps_A >= 0, real A~ with |A~_j - A_j| <= eps_A A_j")
LEMMA_3_6 = SmtProof("(i) D~ = diag(A~ 1) and (ii) any D~ in the box, induction over the row", lemma_3_6_both,
                     scope=ROW + "; A_j > 0, 0 <= eps_A < 1, |A~_j - A_j| <= eps_A A_j, |v_j| <= ||v||, "
                           "|D~ - D| <= eps_D D (ii: eps_D < 1)")
