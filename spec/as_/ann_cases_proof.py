"""General proofs (every n, d, t, beta) of the threshold steps of AS (arXiv 2302.13214) section
4.3, Lemma 4.7: Eq. (12) (``t~ >= eps_a``), Eq. (13) (``exp(0.25 beta eps t/d) = n^10 >= 8n``),
Case 2a (a near row gives ``u_i >= t~_0``) and Case 2b (a far row gives ``u_i < t~_0``).

Parameters (Eqs. (4)-(9), (12)): ``t = C_0 ln n``, ``d = C ln n``, ``C_b^2 = 40 C / (C_0 eps)``,
``beta = C_b^2 ln n``, ``C_a = 2 + C_b^2 (1 + C_0/C)``, ``eps_a = n^(-C_a)``,
``tau = e^(k beta)`` (``k = 1/2`` corrected, ``k = 1`` printed),
``t~ = exp(0.25 beta (1 - t/d)) / (6 n tau)``, ``t~_0 = 2 t~``; ``0 < t <= d``, ``eps > 0``.
z3 works with ``L = ln n`` as a real and with values of ``exp`` as reals under
:data:`spec.exp_facts.FACTS`; about logarithms it assumes ``ln`` is increasing (``n >= 2`` gives
``L >= ln 2``) and the decimal bounds ``0.6931 < ln 2 < 0.6932``, ``1.7917 < ln 6 < 1.7918``
(checked against ``math.log`` by the tests), and (Case 2b) ``exp(10 ln n) = n^10``.

Eq. (12) holds for every ``eps > 0`` once ``n >= 6``, and for ``n >= 2`` when ``eps <= 25``; it
fails for small ``n`` and large ``eps`` (n = 2, t = d, eps = 100: ``t~ = 2^(-0.4)/12 = 0.063`` <
``eps_a = 2^(-2.8) = 0.144``), which :func:`eq_12` with ``small_n_any_eps`` shows.
Cases 2a and 2b reuse the proofs of their first steps, of Eqs. (10), (11) and of the bounds on
``D`` (:mod:`spec.as_.ann_steps_proof`), whose claims each check lists as well.

The printed chains of equalities (after Eq. (12), Eq. (13), Case 2b's second step) are sympy
identities in the logarithms of both sides, with symbolic n, C, C_0, eps (and tau where it
appears); the last inequality of Case 2b (``3 t~ 2n / n^10 <= (3/4) t~``) is a z3 claim.
"""

from __future__ import annotations

from typing import Any, Iterator

from spec.as_ import ann_steps_proof as steps
from spec.exp_facts import FACTS, ExpValues
from spec.registry import SmtProof
from spec.sum_induction import Claim, SumInduction, deduplicated

LOGS = "ln increasing, 0.6931 < ln 2 < 0.6932, 1.7917 < ln 6 < 1.7918"


def _z3() -> Any:
    import z3

    return z3


def _abs(x: Any) -> Any:
    return _z3().If(x >= 0, x, -x)


def parameters() -> tuple[dict[str, Any], list[Any]]:
    """The reals of Eqs. (4)-(9) and the equations that define them (``q = t/d = C_0/C``)."""
    z3 = _z3()
    p = {x: z3.Real(x) for x in ("L", "C", "C0", "eps", "Cb2", "beta", "t", "d", "q", "Ca")}
    defs = [p["L"] > 0, p["C"] > 0, p["C0"] > 0, p["C0"] <= p["C"], p["eps"] > 0, p["Cb2"] > 0,
            p["Cb2"] * p["C0"] * p["eps"] == 40 * p["C"],        # Eq. (7)
            p["beta"] == p["Cb2"] * p["L"],                      # Eqs. (7), (9)
            p["t"] == p["C0"] * p["L"], p["d"] == p["C"] * p["L"],  # Eq. (4), d = C ln n
            p["q"] * p["d"] == p["t"],                           # q = t/d
            p["Ca"] * p["C"] == 2 * p["C"] + p["Cb2"] * (p["C"] + p["C0"])]  # Eq. (8)
    return p, defs


def eq_12(variant: str = "corrected", small_n_any_eps: bool = False) -> Iterator[Claim]:
    """``log t~ >= log eps_a``: with ``log t~ = 0.25 beta (1 - t/d) - k beta - ln 6 - ln n``
    (Eq. (12) in logarithms) and ``log eps_a = -C_a ln n``.  Two claims: ``n >= 6`` and any
    ``eps > 0``; ``n >= 2`` and ``eps <= 25``.  ``small_n_any_eps``: ``n >= 2`` and any
    ``eps > 0`` (false)."""
    z3 = _z3()
    p, defs = parameters()
    l2, l6 = z3.Reals("ln2 ln6")
    logs = [l2 > 0.6931, l2 < 0.6932, l6 > 1.7917, l6 < 1.7918]
    k = 1 if variant == "printed" else z3.RealVal(0.5)
    log_tt = 0.25 * p["beta"] * (1 - p["q"]) - k * p["beta"] - l6 - p["L"]
    claim = log_tt >= -p["Ca"] * p["L"]
    label = f"t~ >= eps_a (tau = e^({'beta' if variant == 'printed' else 'beta/2'}))"
    if small_n_any_eps:
        yield (f"{label}, n >= 2, every eps > 0", claim, [*defs, *logs, p["L"] >= l2])
        return
    yield (f"{label}, n >= 6, every eps > 0", claim, [*defs, *logs, p["L"] >= l6])
    yield (f"{label}, n >= 2, eps <= 25", claim, [*defs, *logs, p["L"] >= l2, p["eps"] <= 25])


def eq_12_both() -> Iterator[Claim]:
    yield from eq_12("corrected")
    yield from eq_12("printed")


def eq_13(n_min: int = 2) -> Iterator[Claim]:
    """Eq. (13): ``0.25 beta eps t/d = 10 ln n`` (so the exponential is ``n^10``), and
    ``n^10 >= 8n > 4n`` for ``n >= 2`` (``n_min=1``: false at n = 1)."""
    z3 = _z3()
    p, defs = parameters()
    yield ("Eq. (13): 0.25 beta eps t/d = 10 ln n", 0.25 * p["beta"] * p["eps"] * p["q"] == 10 * p["L"], defs)
    n = z3.Real("n")
    yield (f"Eq. (13): n^10 >= 8n > 4n for n >= {n_min}", z3.And(n**10 >= 8 * n, n**10 > 4 * n), [n >= n_min])


def _row(exps: ExpValues, bound: str) -> tuple[SumInduction, dict[str, Any]]:
    """Over the entries j < n of row i: ``S = sum_j A_ij`` (``v = [1_n; 0_n]`` keeps the left
    block), ``A_ij = exp(logit_j)``.  ``bound`` "near": the invariant ``found -> S >= X``;
    "far": ``S <= K Y``."""
    z3 = _z3()
    lam, x0, y0 = z3.Reals("logit_j x0 y0")
    near = z3.Bool("near_j")
    a = exps("A_ij", lam)
    X, Y = exps("exp_x0", x0), exps("exp_y0", y0)
    state = {"S": z3.Real("S"), "K": z3.Int("K"), "found": z3.Bool("found")}
    start = {"S": z3.RealVal(0), "K": z3.IntVal(0), "found": z3.BoolVal(False)}

    def step(s: dict[str, Any]) -> dict[str, Any]:
        return {"S": s["S"] + a, "K": s["K"] + 1, "found": z3.Or(s["found"], near)}

    if bound == "near":  # Case 2a, first step: a near j has logit >= x0
        facts = [z3.Implies(near, lam >= x0)]
        inv = lambda s: z3.And(s["S"] >= 0, z3.Implies(s["found"], s["S"] >= X))  # noqa: E731
    else:  # Case 2b, first step: every j is far, logit <= y0
        facts = [lam <= y0]
        inv = lambda s: z3.And(s["S"] >= 0, s["K"] >= 0, s["S"] <= z3.ToReal(s["K"]) * Y)  # noqa: E731
    ind = SumInduction(f"row i, entries j < n: S = sum_j A_ij ({bound} row)", state, start, step, inv,
                       term_facts=facts, context=exps.facts)
    return ind, {"X": X, "Y": Y, "x0": x0, "y0": y0}


@deduplicated
def case_2a(third: bool = True) -> Iterator[Claim]:
    """Case 2a: if some ``||a_i - b_j||^2 <= t`` then ``u_i = (D^{-1} A v)_i >= 3 t~`` and every
    output ``o`` with ``|o - u_i| <= eps_a <= t~`` is ``>= t~_0 = 2 t~``; only ``D_ii <= 2 n tau``
    is used, which holds for both taus.  ``third=False``: ``t~`` without the factor 1/3 of
    Eq. (12) (a broken claim)."""
    z3 = _z3()
    yield from steps.inner_product_step("2a")
    yield from steps.row_sums()
    p, defs = parameters()
    exps = ExpValues()
    row, v = _row(exps, "near")
    yield from row.claims()
    n = z3.Int("n")
    D, tau, tt, u, o, eps_a = z3.Reals("D tau t_tilde u o eps_a")
    six = 6 if third else 2
    yield row.conclude(
        "u_i >= 3 t~ and o >= t~_0 = 2 t~",
        lambda s: z3.And(u >= 3 * tt, o >= 2 * tt),
        row.state["found"], v["x0"] == 0.25 * p["beta"] * (1 - p["q"]), *defs, n >= 1, tau > 0, D > 0,
        D <= 2 * z3.ToReal(n) * tau, tt * six * z3.ToReal(n) * tau == v["X"], u * D == row.state["S"],
        _abs(o - u) <= eps_a, eps_a <= tt)


@deduplicated
def case_2b(printed_tau: bool = False) -> Iterator[Claim]:
    """Case 2b: if every ``||a_i - b_j||^2 >= (1 + eps) t`` then ``u_i <= (3/4) t~`` and every
    output ``o`` with ``|o - u_i| <= eps_a <= t~`` is ``< t~_0``; with ``tau = e^(beta/2)``
    (``D_ii >= n tau``) and ``exp(0.25 beta eps t/d) = n^10 >= 8n`` (Eq. (13), ``n >= 2``).

    ``printed_tau``: ``tau = e^beta`` in ``t~``, with the true ``D_ii >= n + n e^(beta/2)``
    (AS-4.7-2b/literal)."""
    z3 = _z3()
    yield from steps.inner_product_step("2b")
    yield from steps.row_sums()
    yield from eq_13()
    p, defs = parameters()
    exps = ExpValues()
    row, v = _row(exps, "far")
    yield from row.claims()
    w0 = z3.Real("w0")
    W = exps("exp_w0", w0)
    e2, e1 = exps("exp_beta_2", p["beta"] / 2), exps("exp_beta", p["beta"])
    exps.product(v["Y"], W, v["X"])
    exps.product(e2, e2, e1)
    n = z3.Int("n")
    nr = z3.ToReal(n)
    D, tt, u, o, eps_a = z3.Reals("D t_tilde u o eps_a")
    tau = e1 if printed_tau else e2
    d_low = D >= nr + nr * e2 if printed_tau else D >= nr * tau
    yield row.conclude(
        "u_i <= (3/4) t~ and o < t~_0 = 2 t~",
        lambda s: z3.And(u <= 0.75 * tt, o < 2 * tt),
        row.state["K"] == n, n >= 2, *defs, *exps.facts,
        v["x0"] == 0.25 * p["beta"] * (1 - p["q"]), v["y0"] == 0.25 * p["beta"] * (1 - (1 + p["eps"]) * p["q"]),
        w0 == 0.25 * p["beta"] * p["eps"] * p["q"], W == nr**10, D > 0, d_low,
        tt * 6 * nr * tau == v["X"], u * D == row.state["S"], _abs(o - u) <= eps_a, eps_a <= tt)


# ------------------------------------------------------------------------------ sympy: the printed chains
def _symbols() -> dict[str, Any]:
    import sympy

    n, C, C0, eps = sympy.symbols("n C C_0 epsilon", positive=True)
    Cb2 = 40 * C / (C0 * eps)  # Eq. (7)
    ln = sympy.log(n)
    return {"sympy": sympy, "n": n, "C": C, "C0": C0, "eps": eps, "Cb2": Cb2, "ln": ln,
            "beta": Cb2 * ln, "t": C0 * ln, "d": C * ln, "Ca": 2 + Cb2 * (1 + C0 / C)}


def eq12_chain(variant: str) -> Iterator[tuple[str, Any, Any]]:
    """The equalities after Eq. (12), each as an identity (tau = e^beta printed, e^(beta/2)
    corrected), and the closing ratio t~ / eps_a = n^E / 6."""
    s = _symbols()
    sp, n, beta, t, d, ln = s["sympy"], s["n"], s["beta"], s["t"], s["d"], s["ln"]
    C, C0, Cb2, Ca = s["C"], s["C0"], s["Cb2"], s["Ca"]
    q = sp.Rational(1, 4)
    k = 1 if variant == "printed" else sp.Rational(1, 2)
    tau = sp.exp(k * beta)
    tt = sp.Rational(1, 3) * sp.exp(q * beta * (1 - t / d)) / (2 * n * tau)
    steps = [
        ("1/(6n) exp(beta (1 - t/d)/4 - log tau)", sp.exp(q * beta * (1 - t / d) - k * beta) / (6 * n)),
        ("1/(6n) exp(-(k - 1/4) beta - beta t/(4d))", sp.exp(-(k - q) * beta - q * beta * t / d) / (6 * n)),
        ("t/d = C_0/C", sp.exp(-(k - q) * beta - q * beta * C0 / C) / (6 * n)),
        ("1/n = exp(-log n)", sp.exp(-(k - q) * beta - q * beta * C0 / C - ln) / 6),
        ("beta = C_b^2 log n", sp.exp(-(k - q) * Cb2 * ln - q * Cb2 * (C0 / C) * ln - ln) / 6),
    ]
    for label, rhs in steps:
        yield (label, sp.expand_log(sp.log(tt), force=True), sp.expand_log(sp.log(rhs), force=True))
    E = Ca - (k - q) * Cb2 - q * Cb2 * C0 / C - 1
    yield ("t~ / eps_a = n^E / 6", sp.expand_log(sp.log(tt / n ** (-Ca)), force=True),
           sp.expand_log(sp.log(n ** E / 6), force=True))


def eq13_identities() -> Iterator[tuple[str, Any, Any]]:
    """Eq. (13): exp(0.25 beta eps t / d) = exp(10 log n) = n^10 (with C_b^2 = 40 C/(C_0 eps))."""
    s = _symbols()
    sp = s["sympy"]
    lhs = sp.Rational(1, 4) * s["beta"] * s["eps"] * s["t"] / s["d"]
    yield ("0.25 beta eps t / d = 10 log n", sp.simplify(lhs), 10 * s["ln"])


def case_2b_step(variant: str) -> Iterator[tuple[str, Any, Any]]:
    """Case 2b, second step: n exp(0.25 beta (1 - (1+eps) t/d)) / (n tau) equals
    exp(0.25 beta (1 - t/d)) / (2 n tau) * (n / exp(0.25 beta eps t / d)) as printed; the
    corrected factor is 2n."""
    s = _symbols()
    sp, n, beta, t, d, eps = s["sympy"], s["n"], s["beta"], s["t"], s["d"], s["eps"]
    tau = sp.Symbol("tau", positive=True)
    q = sp.Rational(1, 4)
    lhs = n * sp.exp(q * beta * (1 - (1 + eps) * t / d)) / (n * tau)
    factor = n if variant == "printed" else 2 * n
    rhs = sp.exp(q * beta * (1 - t / d)) / (2 * n * tau) * (factor / sp.exp(q * beta * eps * t / d))
    yield ("log: n exp(..)/(n tau) = 3 t~ * (factor / exp(0.25 beta eps t/d))",
           sp.expand(sp.expand_log(sp.log(lhs), force=True)),
           sp.expand(sp.expand_log(sp.log(rhs), force=True)))


def case_2b_margin() -> Iterator[tuple[str, Any, list[Any]]]:
    """The corrected Case 2b's last inequality: 3 t~ * 2n / n^10 <= (3/4) t~ for n >= 2, t~ > 0."""
    import z3

    n, tt = z3.Reals("n t_tilde")
    yield ("3 t~ 2n / n^10 <= (3/4) t~ for n >= 2",
           3 * tt * 2 * n <= z3.RealVal("3/4") * tt * n**10, [n >= 2, tt > 0])


OUTPUT = "any output o with |o - u_i| <= eps_a <= t~ (AAttC, AS Definition 1.2)"

EQ_12 = SmtProof("t~ >= eps_a in logarithms, both taus", eq_12_both,
                 scope="n >= 6 and every eps > 0, or n >= 2 and 0 < eps <= 25; 0 < t <= d; both "
                       "tau = e^beta and e^(beta/2); " + LOGS)
EQ_13 = SmtProof("0.25 beta eps t / d equals 10 ln n, and n^10 >= 8n > 4n", eq_13,
                 scope="all n >= 2 (real), C, C_0, eps > 0 with the parameters of Eqs. (4)-(9)")
CASE_2A = SmtProof("near row: u_i >= 3 t~, output >= t~_0, every n and d", case_2a,
                   scope="all n, d >= 1 (balanced), 0 < t <= d, beta > 0, either tau with D_ii <= 2 n "
                         "tau (AS-4.7-D), " + OUTPUT + "; " + FACTS)
CASE_2B = SmtProof("far row: u_i <= (3/4) t~, output < t~_0, every n and d (tau = e^(beta/2))", case_2b,
                   scope="all n >= 2, d >= 1 (balanced), 0 < t <= d, eps > 0, C, C_0 > 0 with the "
                         "parameters of Eqs. (4)-(9), tau = e^(beta/2) with D_ii >= n tau (AS-4.7-D), "
                         + OUTPUT + "; " + FACTS + "; exp(10 ln n) = n^10")
CASE_2B_MARGIN = SmtProof("3 t~ 2n / n^10 <= (3/4) t~ for n >= 2 (z3)", case_2b_margin,
                          scope="every real n >= 2, t~ > 0")
