"""``check-approx MODULE:FUNCTION``: approximate attention ``f(Q, K, V, *, scale) -> n x e`` in the
bounded-entry regime of AS (arXiv 2302.13214) section 3: entries of Q and K in ``[-B, B]``,
``scale = 1/d`` by default (AS Definition 1.2 and Theorem 3.7 use ``exp(Q K^T / d)``).

For every input tried (a Hypothesis search steered towards large errors, and the corners of the
regime) the output must be finite, of shape n x e, leave the caller's arrays unchanged and lie in
each column's range of V: an attention output is a convex combination of V's rows, so
``min_j V_jc - slack <= out_ic <= max_j V_jc + slack`` with ``slack = eps max|V|`` (the claimed
accuracy, when there is one) plus ``RANGE_ROUNDING max|V|``.  With ``--eps`` the error
``max |out - Att| / max|V|`` against exact attention (mpmath, 60 digits: ``spec.da.oracle_mp``)
must stay within eps.  No check asks for a particular rank or radius: ``--rank`` only sets the
project's certified ``poly_attention`` (AS Algorithm 1) at a rank no larger beside the subject,
and a declared polynomial (``declared_poly``) passes with any radius that covers the logits.

The error distribution is measured on a fixed random sample (uniform entries, seeded), apart
from the search, so that it describes typical inputs rather than the search's worst ones.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

import numpy as np

from proofs_checks.conformance.check_records import timed_check
from proofs_checks.conformance.targets import UsageError, display_name, resolve
from spec.da.oracle_mp import attention_mp
from spec.profiles import get_profile
from spec.registry import Counterexample

#: rounding allowance of the range check, relative to max|V|: an output computed from r <= 1e4
#: features whose products are within a factor 1e3 of their sum errs by about r 1e3 u < 3e-9 in
#: the worst case and by far less in practice; 1e-8 is far below any kernel defect, which is O(1)
RANGE_ROUNDING = 1e-8
BUDGETS = {"quick": {"search": 150, "sample": 60}, "deep": {"search": 2000, "sample": 600}}
EPS_GRID = (0.5, 0.3, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12)


@dataclass(frozen=True)
class ApproxOptions:
    eps: float | None = None
    bound: float = 1.0
    scale: float | None = None
    n: int = 16
    d: int = 4
    e: int = 2
    rank: int | None = None
    coefficients: tuple[float, ...] | None = None
    radius: float | None = None
    profile: str = "quick"
    seed: int | None = None
    #: budgets that replace the profile's (tests use small ones)
    budget: dict[str, int] | None = None


def _validate(options: ApproxOptions) -> float:
    for name in ("n", "d", "e"):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"--{name} must be a positive integer, got {value!r}")
    if options.rank is not None and options.rank < 1:
        raise UsageError(f"--rank must be a positive integer, got {options.rank}")
    if (options.coefficients is None) != (options.radius is None):
        raise UsageError("--coefficients and --radius go together: the polynomial and the range it is claimed on")
    if options.eps is not None and not 0 < options.eps < 1:
        raise UsageError(f"--eps must lie in (0, 1), got {options.eps}")
    for name in ("bound", "scale", "radius"):
        value = getattr(options, name)
        if value is not None and not (value > 0 and math.isfinite(value)):
            raise UsageError(f"--{name} must be a positive finite number, got {value}")
    return 1.0 / options.d if options.scale is None else float(options.scale)


def _probe(f: Callable[..., Any], name: str, options: ApproxOptions, scale: float) -> None:
    rng = np.random.default_rng(0)
    Q, K = (rng.uniform(-options.bound, options.bound, (2, options.d)) for _ in range(2))
    V = rng.uniform(-1, 1, (2, options.e))
    try:
        f(Q, K, V, scale=scale)
    except TypeError as exc:
        raise UsageError(f"{name}(Q, K, V, scale={scale:g}) raised TypeError: {exc}; the protocol is "
                         "f(Q, K, V, *, scale) -> n x e") from None


def evaluate(f: Callable[..., Any], Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float,
             eps: float | None) -> float:
    """The subject's error on one input, relative to max|V|; raises Counterexample on a defect."""
    given = (Q.copy(), K.copy(), V.copy())
    where = {"input": {"Q": Q.tolist(), "K": K.tolist(), "V": V.tolist(), "scale": scale}}
    try:
        out = f(*given, scale=scale)
    except Exception as exc:  # noqa: BLE001 - a valid input refused or crashing is a finding
        raise Counterexample(f"the function raised {type(exc).__name__}: {exc}", **where) from None
    for name, now, before in zip("QKV", given, (Q, K, V)):
        if not np.array_equal(now, before):
            raise Counterexample(f"the caller's {name} was modified in place", **where)
    try:
        got = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise Counterexample(f"the output is not an array of real numbers: {type(out).__name__}", **where) from None
    if got.shape != (Q.shape[0], V.shape[1]):
        raise Counterexample(f"output has shape {got.shape}, expected {(Q.shape[0], V.shape[1])}", **where)
    if not np.isfinite(got).all():
        bad = [int(v) for v in np.argwhere(~np.isfinite(got))[0]]
        raise Counterexample(f"non-finite output {float(got[tuple(bad)])} at {bad}", entry=bad, **where)
    vmax = float(np.max(np.abs(V)))
    slack = ((eps or 0.0) + RANGE_ROUNDING) * vmax
    low, high = V.min(axis=0) - slack, V.max(axis=0) + slack
    outside = (got < low) | (got > high)
    if outside.any():
        by = np.maximum(V.min(axis=0) - got, got - V.max(axis=0)) / vmax
        r, c = (int(v) for v in np.unravel_index(np.argmax(np.where(outside, by, -np.inf)), got.shape))
        raise Counterexample(f"output {float(got[r, c])!r} at [{r}, {c}] lies outside column {c} of V, "
                             f"[{float(V[:, c].min())!r}, {float(V[:, c].max())!r}], by {float(by[r, c]):.3g} "
                             "x max|V|: no convex combination of V's rows gives it", entry=[r, c],
                             got=float(got[r, c]), outside_by=float(by[r, c]), **where)
    exact = attention_mp(Q, K, V, scale)
    err = float(np.max(np.abs(got - exact))) / vmax if vmax > 0 else 0.0
    if eps is not None and not err <= eps:
        r, c = (int(v) for v in np.unravel_index(np.argmax(np.abs(got - exact)), got.shape))
        raise Counterexample(f"error {err:.3g} x max|V| exceeds the claimed eps {eps:g}: expected "
                             f"{float(exact[r, c])!r}, got {float(got[r, c])!r} at [{r}, {c}]", error=err, eps=eps,
                             entry=[r, c], expected=float(exact[r, c]), got=float(got[r, c]), **where)
    return err


def corners(options: ApproxOptions) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Inputs at the edges of the regime: the largest logits of both signs, one dominant key, a
    row whose every logit is the most negative (with a constant V, whose column range is a
    point), and sign patterns."""
    n, d, e, B = min(options.n, 8), options.d, options.e, options.bound
    ones = np.ones((n, d))
    V_pos = np.linspace(0.25, 1.0, n * e).reshape(n, e)
    V_const = np.full((n, e), 0.75)     # the column range is one point: any weight error leaves it
    V_mixed = np.linspace(-1.0, 1.0, n * e).reshape(n, e)
    signs = np.where(np.arange(n * d).reshape(n, d) % 3 == 0, -1.0, 1.0)
    out = [("all logits +R", B * ones, B * ones, V_mixed),
           ("all logits -R, V > 0", B * ones, -B * ones, V_pos),
           ("all logits -R, V constant", B * ones, -B * ones, V_const),
           ("one dominant key", B * ones, np.vstack([B * ones[:1], -B * ones[1:]]), V_mixed),
           ("one dominant key, V > 0", B * ones, np.vstack([B * ones[:1], -B * ones[1:]]), V_pos),
           ("sign pattern", B * signs, B * signs[::-1], V_mixed),
           ("sign pattern, V > 0", B * signs, -B * signs, V_pos),
           ("zero queries", 0 * ones, B * signs, V_mixed)]
    return [(name, Q, K, V) for name, Q, K, V in out]


def _search(f: Callable[..., Any], options: ApproxOptions, scale: float, profile: Any, examples: int,
            worst: list[float]) -> int:
    from hypothesis import HealthCheck, given, target
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    B = options.bound
    entry = st.one_of(st.sampled_from([-B, B, 0.0, B / 2, -B / 2]),
                      st.floats(-B, B, allow_nan=False, allow_subnormal=False))
    value = st.one_of(st.sampled_from([-1.0, 1.0, 0.5, 0.0]), st.floats(-1, 1, allow_nan=False, allow_subnormal=False))
    count = [0]

    @st.composite
    def inputs(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = draw(st.integers(1, options.n), label="n")
        Q = draw(arrays(np.float64, (n, options.d), elements=entry), label="Q")
        K = draw(arrays(np.float64, (n, options.d), elements=entry), label="K")
        V = draw(arrays(np.float64, (n, options.e), elements=value), label="V")
        return Q, K, V

    # too_slow: each example runs the subject and a 60-digit reference
    @profile.hypothesis(examples, suppress_health_check=[HealthCheck.too_slow])
    @given(inputs())
    def search(qkv: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        count[0] += 1
        err = evaluate(f, *qkv, scale, options.eps)
        target(err, label="error relative to max|V|")
        worst[0] = max(worst[0], err)

    search()
    return count[0]


def _distribution(errors: list[float]) -> list[Any]:
    q = np.quantile(np.asarray(errors), [0.5, 0.9, 0.99, 1.0]) if errors else [math.nan] * 4
    return [len(errors), *(float(x) for x in q)]


def _sample(options: ApproxOptions, count: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20240401)
    B, n = options.bound, options.n
    return [(rng.uniform(-B, B, (n, options.d)), rng.uniform(-B, B, (n, options.d)), rng.uniform(-1, 1, (n, options.e)))
            for _ in range(count)]


def _poly_at_rank(rank: int, options: ApproxOptions, scale: float, sample: list) -> list[Any] | None:
    """The project's poly_attention at the smallest eps of EPS_GRID whose rank fits ``rank``."""
    from impl.poly import exp_polynomial, poly_attention_report
    from impl.poly.features import rank as poly_rank

    d, radius = options.d, abs(scale) * options.d * options.bound ** 2
    chosen = None
    for eps in EPS_GRID:
        if poly_rank(d, exp_polynomial(radius, eps).degree) > rank:
            break
        chosen = eps
    if chosen is None:
        return None
    errors, ranks, certified = [], [], 0.0
    for Q, K, V in sample:
        rep = poly_attention_report(Q, K, V, eps=chosen, B=options.bound, scale=scale)
        ranks.append(rep.rank)
        certified = max(certified, 2 * rep.poly.certified_error / (1 - rep.poly.certified_error))
        errors.append(float(np.max(np.abs(rep.output - attention_mp(Q, K, V, scale)))) / float(np.max(np.abs(V))))
    return [f"poly_attention (this project), eps = {chosen:g}", f"{max(ranks)} (at most {rank})",
            f"{certified:.3g}", *_distribution(errors)[1:]]


def check_approx(target: str, options: ApproxOptions = ApproxOptions()) -> dict[str, Any]:
    """Probe the target (``UsageError`` if it cannot be checked), run every check, return the
    conformance record."""
    scale = _validate(options)
    f = resolve(target)
    if not callable(f):
        raise UsageError(f"{target} is not callable")
    name = display_name(f, target)
    _probe(f, name, options, scale)
    profile = get_profile(options.profile, options.seed)
    budget = {**BUDGETS[options.profile], **(options.budget or {})}
    started, checks, tables, notes = time.time(), [], [], []
    worst = [0.0]
    sample = _sample(options, budget["sample"])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        checks.append(timed_check("corners of the regime", None, lambda: _corners(f, options, scale, worst)))
        search = partial(_search, f, options, scale, profile, budget["search"], worst)
        checks.append(timed_check("search (Hypothesis, steered to large errors)", None,
                                  lambda: _searched(search(), options)))
        errors: list[float] = []
        checks.append(timed_check("error distribution on a random sample", None,
                                  lambda: _measure(f, sample, scale, options, errors)))
        rows = [[name, "" if options.rank is None else str(options.rank),
                 "claimed " + ("none" if options.eps is None else f"{options.eps:g}"), *_distribution(errors)[1:]]]
        if options.rank is not None:
            beside = _poly_at_rank(options.rank, options, scale, sample)
            if beside is None:
                notes.append(f"rank {options.rank}: no certified poly_attention of degree >= 1 fits at d = {options.d}")
            else:
                rows.append(beside)
        tables.append({"title": f"Error |out - Att| / max|V| on {len(sample)} random inputs "
                                f"(n = {options.n}, d = {options.d}, entries of Q, K uniform in [-B, B], V in [-1, 1])",
                       "columns": ["method", "rank", "accuracy bound", "median", "90%", "99%", "max"], "rows": rows})
        if options.coefficients is not None:
            checks.append(timed_check("declared polynomial", None, lambda: _declared(options, scale, tables, notes)))
    failed = [c for c in checks if c["status"] == "failed"]
    errored = [c for c in checks if c["status"] == "error"]
    return {"command": "check-approx", "target": target, "subject": name,
            "options": {"eps": options.eps, "bound": options.bound, "scale": scale, "n": options.n, "d": options.d,
                        "e": options.e, "rank": options.rank, "coefficients": options.coefficients,
                        "radius": options.radius, "profile": options.profile, "seed": profile.seed},
            "checks": checks, "tables": tables,
            "notes": notes + [_worst_note(checks[:2], worst[0])],
            "verdict": "defect" if failed else ("error" if errored else "conforming"),
            "duration_s": round(time.time() - started, 2)}


def _searched(count: int, options: ApproxOptions) -> dict[str, Any]:
    return {"examples": count, "detail": f"{count} inputs, 1 <= n <= {options.n}, d = {options.d}, "
                                         f"entries of Q, K in [-{options.bound:g}, {options.bound:g}]"}


def _worst_note(searches: list[dict[str, Any]], worst: float) -> str:
    if all(c["status"] == "passed" for c in searches):
        return f"largest error the search and the corners reached: {worst:.3g} x max|V|"
    return (f"the corners or the search stopped at a defect; the largest error of the inputs that passed "
            f"before it: {worst:.3g} x max|V|")


def _corners(f: Callable[..., Any], options: ApproxOptions, scale: float, worst: list[float]) -> dict[str, Any]:
    cases = corners(options)
    for label, Q, K, V in cases:
        try:
            worst[0] = max(worst[0], evaluate(f, Q, K, V, scale, options.eps))
        except Counterexample as ce:
            ce.values["corner"] = label
            raise
    return {"examples": len(cases), "detail": ", ".join(label for label, *_ in cases)}


def _declared(options: ApproxOptions, scale: float, tables: list, notes: list) -> dict[str, Any]:
    from proofs_checks.conformance.declared_poly import declared_polynomial

    assert options.coefficients is not None and options.radius is not None
    result = declared_polynomial(options.coefficients, options.radius, scale, options.d, options.bound, options.eps)
    tables.append(result.pop("table"))
    notes += result.pop("notes")
    return result


def _measure(f: Callable[..., Any], sample: list, scale: float, options: ApproxOptions,
             errors: list[float]) -> dict[str, Any]:
    for Q, K, V in sample:
        errors.append(evaluate(f, Q, K, V, scale, options.eps))
    return {"examples": len(sample), "detail": "error of every input: see the table"}
