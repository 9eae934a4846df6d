"""Hostile input for every public entry point: the DA structures, ``impl.attention`` and
``impl.poly`` (``exp_polynomial``, ``poly_attention``).

Each generated call either computes the right answer or raises a documented exception
(``TypeError``, ``ValueError``, ``IndexError``; ``NotImplementedError`` for ``update_q`` of the
printed algorithms) and leaves the structure exactly as it was.  Anything else is a crash.  The
answers of the printed algorithms (repaired) are not checked here, only their clean acceptance
or refusal: they are not stabilised for float64 (see ``run_call``).

The structure receives arrays of its own; the survey keeps its mirror of Q, K, V apart and
compares the structure's arrays with copies taken before each call, so a structure that writes
into its caller's arrays is reported as such ("the caller's K was modified in place"), not as a
wrong answer.  An accepted call is judged by its answers: those of its numeric reading (indices
as Python reads them, a string of digits or an integral float included), or, for arguments with
no numeric reading (None as an index or a delta, an object), those of the unchanged matrices, as
such a call can mean no change.  :func:`subject_survey` runs the same calls on any
structure (``check-dynamic --strict-input``); its state is judged by its answers
(``output()`` before and after a refused call), as its attributes are its own business.
"""

from __future__ import annotations

import copy
import operator
from collections import Counter
from typing import Any, Callable

import numpy as np

from impl.attention import attention
from impl.baselines import EagerAttention, NaiveAttention
from impl.dynamic import DynamicAttention
from impl.literal import APPENDIX_DEFECTS, V1_DEFECTS, PaperAppendixAttention, PaperV1Attention
from impl.poly import exp_polynomial, poly_attention
from spec.da.oracle_mp import attention_mp
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample, Direct, Lemma, Source, register

DOCUMENTED = (TypeError, ValueError, IndexError)
N, D = 4, 2
TOL = 1e-9

STRUCTURES = {
    "DynamicAttention": DynamicAttention,
    "EagerAttention": EagerAttention,
    "NaiveAttention": NaiveAttention,
    "PaperV1Attention[repaired]": lambda *x, **k: PaperV1Attention(*x, repairs=V1_DEFECTS, **k),
    "PaperAppendixAttention[repaired]": lambda *x, **k: PaperAppendixAttention(*x, repairs=APPENDIX_DEFECTS, **k),
}
METHODS = ("update_k", "update_v", "update_q", "query", "output", "recompute", "init")


class _Opaque:
    def __repr__(self) -> str:
        return "<object>"


def hostile_scalars() -> Any:
    from hypothesis import strategies as st

    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 5e-324, 0.0, -0.0]),
        st.integers(-10**400, 10**400), st.booleans(), st.complex_numbers(),
        st.text(max_size=3), st.none(), st.just(_Opaque()), st.just([1.0]),
        st.sampled_from([np.float32(1.5), np.float16(-2), np.int64(3), np.uint8(7), np.bool_(True),
                         np.complex64(1j), np.float64("nan"), np.array(2.0), np.array([1.0, 2.0])]),
    )


def hostile_indices() -> Any:
    from hypothesis import strategies as st

    return st.one_of(st.integers(-6, 8), st.sampled_from([2**63, -2**63, 2**100]), st.booleans(),
                     st.floats(0, 3), st.sampled_from(["0", None, np.int64(1), np.uint8(2), np.int8(-1)]))


def hostile_matrices() -> Any:
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    def read_only(a: np.ndarray) -> np.ndarray:
        a = a.copy()
        a.flags.writeable = False
        return a

    good = arrays(np.float64, (N, D), elements=st.floats(-3, 3))
    return st.one_of(
        good, good.map(read_only),
        arrays(np.float64, (2 * N, 2 * D), elements=st.floats(-3, 3)).map(lambda a: a[::2, ::2]),
        arrays(np.float64, (N, D), elements=st.floats(allow_nan=True, allow_infinity=True)),
        arrays(np.float64, (N, D), elements=st.floats(-1e300, 1e300)),
        arrays(np.float64, st.sampled_from([(N,), (N, D + 1), (N + 1, D), (0, D), (N, D, 1)]),
               elements=st.floats(-3, 3)),
        arrays(st.sampled_from([np.int64, np.bool_, np.complex128, np.float32, np.uint8]), (N, D)),
        st.sampled_from([None, "abc", [[1.0, 2.0]] * N, [[1.0], [2.0, 3.0]], _Opaque(),
                         np.array([["a", "b"]] * N), np.array([[object()] * D] * N, dtype=object)]),
    )


def _snapshot(obj: Any) -> Any:
    def walk(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            return ("array", x.dtype.str, x.shape, x.tobytes() if x.dtype != object else x.tolist())
        if hasattr(x, "__dict__") and not isinstance(x, type) and not callable(x):
            return {k: walk(v) for k, v in vars(x).items()}
        if isinstance(x, (list, tuple)):
            return [walk(v) for v in x]
        return copy.deepcopy(x)
    return walk(obj)


def _base() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return tuple(rng.normal(size=(N, D)) for _ in range(3))  # type: ignore[return-value]


def run_call(call: dict[str, Any], tally: Counter, structures: dict[str, Callable[..., Any]] | None = None,
             observable: bool = False, scale: Any = None) -> None:
    """Perform one hostile call; count it; raise Counterexample on a crash.

    ``structures``: the factories by target name (default :data:`STRUCTURES`); ``observable``:
    judge a refused call by the structure's answers instead of its attributes; ``scale``: passed
    to the factories (not passed when None)."""
    target, method = call["target"], call["method"]
    tally["tried"] += 1
    if target == "exp_polynomial":
        _run_exp_polynomial(call, tally)
        return
    if target == "poly_attention":
        _run_poly_attention(call, tally)
        return
    if target == "attention":
        got = _guarded(lambda: attention(*call["matrices"]), call, tally)
        if got is None:
            return
        Q, K, V = (np.asarray(m, dtype=np.float64) for m in call["matrices"])
        # float64 logits q.k carry an absolute error up to (d + 2) u sum_t |q_t k_t| (u = 2^-53),
        # which moves each softmax weight by that much relatively: the answer can be no closer
        # than twice that (times max|V|) to the exact value of the same inputs
        logit_error = (Q.shape[1] + 2) * 2.0**-53 * float(np.max(np.abs(Q) @ np.abs(K).T))
        if not np.isfinite(got).all() or not _relative_error(got, attention_mp(Q, K, V), V) <= TOL + 2 * logit_error:
            tally["crashed"] += 1
            raise Counterexample("attention accepted the input but answered wrongly", call=repr(call))
        tally["accepted"] += 1
        return
    factories: dict[str, Any] = STRUCTURES if structures is None else structures
    factory: Callable[..., Any] = factories[target]
    extra = {} if scale is None else {"scale": scale}
    if method == "init":
        if _guarded(lambda: factory(*call["matrices"], a=call["a"], **extra), call, tally) is not None:
            tally["accepted"] += 1
        return
    Q, K, V = _base()
    given = (Q.copy(), K.copy(), V.copy())
    pristine = tuple(x.copy() for x in given)
    S = factory(*given, a=0.5, **extra)
    S.update_k(1, 0, 0.25)
    K[1, 0] += 0.25
    S.update_v(2, 1, -0.5)
    V[2, 1] += -0.5
    _check_caller_arrays(given, pristine, call, tally)
    before = S.output() if observable else _snapshot(S)
    args = call["args"]
    allowed = DOCUMENTED + ((NotImplementedError,) if method == "update_q" and "Paper" in target else ())
    try:
        result = getattr(S, method)(*args)
    except allowed:
        _check_caller_arrays(given, pristine, call, tally)
        after = S.output() if observable else _snapshot(S)
        if not _same_state(after, before, observable):
            tally["crashed"] += 1
            raise Counterexample("a rejected call changed the state", call=repr(call)) from None
        tally["rejected"] += 1
        return
    except Exception as exc:  # noqa: BLE001
        tally["crashed"] += 1
        raise Counterexample(f"{method} crashed", call=repr(call), error=f"{type(exc).__name__}: {exc}") from exc
    _check_caller_arrays(given, pristine, call, tally)
    # accepted: the answer (or the state after the update) must be right.  The printed algorithms
    # exponentiate unshifted logits and update D^{-1} by differences (no float64 stabilisation):
    # a large accepted update can cost them accuracy, which is a numerical property of the printed
    # pseudocode, not an input-handling fault; their answers are checked on moderate inputs by
    # DA-4.1/repaired, so here they only have to accept or refuse cleanly.
    if "Paper" in target:
        tally["accepted"] += 1
        return
    # (expected answer, the V it was computed with): the tolerance is relative to that V
    if method.startswith("update"):
        result = S.output()
        expected = [(_attention_or_none(q, k, v, scale), v) for q, k, v in _update_readings(method, args, Q, K, V)]
    elif method == "query":
        expected = [(_attention_or_none(Q, K, V, scale, idx), V) for idx in _index_readings(args)]
    else:
        result, expected = S.output(), [(_attention_or_none(Q, K, V, scale), V)]
    if not any(e is not None and _close(result, e, v) for e, v in expected):
        tally["crashed"] += 1
        raise Counterexample(f"{method} accepted the input but answered wrongly", call=repr(call))
    tally["accepted"] += 1


def _check_caller_arrays(given: tuple, pristine: tuple, call: dict[str, Any], tally: Counter) -> None:
    for name, now, before in zip("QKV", given, pristine):
        if not np.array_equal(now, before, equal_nan=True):
            tally["crashed"] += 1
            raise Counterexample(f"the caller's {name} was modified in place", call=repr(call))


def _same_state(after: Any, before: Any, observable: bool) -> bool:
    if observable:
        a, b = np.asarray(after, dtype=float), np.asarray(before, dtype=float)
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return after == before


def _as_index(x: Any) -> int | None:
    """The integer an index argument means (an integral float or a string of digits included),
    or None when it has no integer reading."""
    try:
        return operator.index(x)
    except TypeError:
        pass
    if isinstance(x, (float, np.floating)) and np.isfinite(x) and float(x).is_integer():
        return int(x)
    if isinstance(x, str):
        try:
            return int(x)
        except ValueError:
            return None
    return None


def _as_real(x: Any) -> float | None:
    """The real number a delta argument means (a one-element array included), or None."""
    try:
        value = np.asarray(x).item() if isinstance(x, np.ndarray) and x.size == 1 else x
        if isinstance(value, (complex, np.complexfloating)):
            return float(value.real) if value.imag == 0 else None
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _index_readings(args: tuple) -> list[tuple[int, int]]:
    i, j = _as_index(args[0]), _as_index(args[1])
    return [] if i is None or j is None else [(i, j)]


def _update_readings(method: str, args: tuple, Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> list[tuple]:
    """(Q, K, V) after an accepted update: its numeric reading if it has one (indices as Python
    reads them, negative ones from the end), else the unchanged matrices: a call that means no
    number can only be answered as a call that changed nothing."""
    i, j, delta = _as_index(args[0]), _as_index(args[1]), _as_real(args[2])
    if i is None or j is None or delta is None:
        return [(Q, K, V)]
    changed = [Q.copy(), K.copy(), V.copy()]
    try:
        changed[{"update_q": 0, "update_k": 1, "update_v": 2}[method]][i, j] += delta
    except IndexError:
        return [(Q, K, V)]
    return [tuple(changed)]


def _attention_or_none(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: Any = None,
                       entry: tuple[int, int] | None = None) -> Any:
    """Exact attention of a reading (float64, max-shifted), or None where it is undefined."""
    try:
        out = attention(Q, K, V) if scale is None else attention(Q, K, V, scale=scale)
        return out if entry is None else out[entry]
    except (ValueError, IndexError):
        return None


def _close(result: Any, expected: Any, V: np.ndarray) -> bool:
    try:
        got = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(expected) and bool(np.all(np.abs(got - expected) <= TOL * np.max(np.abs(V))))


def _relative_error(got: Any, expected: Any, V: np.ndarray) -> float:
    """max |got - expected| / max|V| (computed without underflow for subnormal V; 0 / 0 = 0)."""
    scale = float(np.max(np.abs(V)))
    diff = float(np.max(np.abs(np.asarray(got, dtype=float) - np.asarray(expected, dtype=float))))
    if scale == 0.0:
        return 0.0 if diff == 0.0 else float("inf")
    return diff / scale


def _guarded(fn: Any, call: dict[str, Any], tally: Counter) -> Any:
    """Run ``fn``; a documented exception counts as a clean refusal (returns None)."""
    try:
        return fn()
    except DOCUMENTED:
        tally["rejected"] += 1
        return None
    except Exception as exc:  # noqa: BLE001
        tally["crashed"] += 1
        raise Counterexample(f"{call['target']} crashed", call=repr(call),
                             error=f"{type(exc).__name__}: {exc}") from exc


def _run_exp_polynomial(call: dict[str, Any], tally: Counter) -> None:
    poly = _guarded(lambda: exp_polynomial(*call["args"]), call, tally)
    if poly is None:
        return
    radius, eps = (float(np.asarray(x).item()) for x in call["args"])
    if not (poly.certified_error <= eps and poly.positive):
        tally["crashed"] += 1
        raise Counterexample("exp_polynomial accepted but its certificate misses eps", call=repr(call))
    tally["accepted"] += 1


def _run_poly_attention(call: dict[str, Any], tally: Counter) -> None:
    # B = 3 bounds the valid matrices drawn here: the certificate radius is then fixed (and
    # memoized), and larger entries must be refused with a message naming B
    got = _guarded(lambda: poly_attention(*call["matrices"], B=3.0), call, tally)
    if got is None:
        return
    Q, K, V = (np.asarray(m, dtype=np.float64) for m in call["matrices"])
    exact = attention(Q, K, V, scale=1.0 / Q.shape[1])
    # AS Lemmas 3.5-3.6 with eps = 1e-6 (the default): error <= 2 eps / (1 - eps) ||V|| < 3e-6 ||V||;
    # float64 rounding at these sizes is below 1e-10 ||V|| (docs/poly.md, measured floor)
    if not (np.isfinite(got).all() and _relative_error(got, exact, V) <= 3e-6 + 1e-10):
        tally["crashed"] += 1
        raise Counterexample("poly_attention accepted but its answer is off", call=repr(call))
    tally["accepted"] += 1


def calls() -> Any:
    from hypothesis import strategies as st

    structure = st.sampled_from(sorted(STRUCTURES))
    updates = st.builds(lambda t, m, i, j, x: {"target": t, "method": m, "args": (i, j, x)}, structure,
                        st.sampled_from(["update_k", "update_v", "update_q"]), hostile_indices(),
                        hostile_indices(), hostile_scalars())
    queries = st.builds(lambda t, i, j: {"target": t, "method": "query", "args": (i, j)}, structure,
                        hostile_indices(), hostile_indices())
    others = st.builds(lambda t, m: {"target": t, "method": m, "args": ()}, structure,
                       st.sampled_from(["output", "recompute"]))
    inits = st.builds(lambda t, q, k, v, a: {"target": t, "method": "init", "matrices": (q, k, v), "a": a},
                      structure, hostile_matrices(), hostile_matrices(), hostile_matrices(),
                      st.one_of(st.floats(allow_nan=True), hostile_scalars()))
    att = st.builds(lambda q, k, v: {"target": "attention", "method": "call", "matrices": (q, k, v)},
                    hostile_matrices(), hostile_matrices(), hostile_matrices())
    poly = st.builds(lambda q, k, v: {"target": "poly_attention", "method": "call", "matrices": (q, k, v)},
                     hostile_matrices(), hostile_matrices(), hostile_matrices())
    # exp_polynomial: special values and non-numbers; random large radii would only exercise the
    # (slow, correct) degree search before the refusal that AS-2.2 already checks
    odd = st.one_of(st.text(max_size=3), st.none(), st.just(_Opaque()), st.booleans(),
                    st.complex_numbers(), st.integers(-10**400, 10**400).filter(lambda x: abs(x) > 10**300),
                    st.sampled_from([np.float32(1.5), np.int64(3), np.bool_(True), np.array([1.0, 2.0])]))
    radius = st.one_of(odd, st.sampled_from([float("nan"), float("inf"), -float("inf"), 0.0, -1.0,
                                             5e-324, 1e308, 0.25, 1.0, 2.0, 4.0]))
    eps = st.one_of(odd, st.sampled_from([float("nan"), 0.0, 1.0, 1.5, -0.1, 5e-324, 0.5, 1e-2, 1e-6]))
    expoly = st.builds(lambda r, e: {"target": "exp_polynomial", "method": "call", "args": (r, e)},
                       radius, eps)
    return st.one_of(updates, queries, others, inits, att, poly, expoly)


def hostile_input_survey(profile: Profile) -> dict[str, Any]:
    from hypothesis import HealthCheck, given

    tally: Counter = Counter()
    examples = 3000 if not profile.deep else 30000

    # too_slow: each hostile call builds a structure and may run exact attention: slow by design
    @profile.hypothesis(examples, suppress_health_check=[HealthCheck.too_slow])
    @given(calls())
    def survey(call: dict[str, Any]) -> None:
        run_call(call, tally)

    survey()
    summary = (f"{tally['tried']:,} hostile calls: {tally['accepted']:,} accepted and answered "
               f"correctly, {tally['rejected']:,} rejected with a documented exception and the state "
               f"unchanged, {tally['crashed']} crashed.")
    return evidence(summary, table("Hostile input", ["tried", "accepted (correct)", "rejected cleanly", "crashed"],
                                   [[tally["tried"], tally["accepted"], tally["rejected"], tally["crashed"]]]),
                    examples=tally["tried"])


def structure_calls(target: str, methods: tuple[str, ...]) -> Any:
    """Hostile calls of one structure: its constructor and the ``methods`` it has (update_k,
    update_v, update_q, query, output, recompute)."""
    from hypothesis import strategies as st

    updates = [m for m in methods if m.startswith("update")]
    others = [m for m in methods if m in ("output", "recompute")]
    parts = [st.builds(lambda q, k, v, a: {"target": target, "method": "init", "matrices": (q, k, v), "a": a},
                       hostile_matrices(), hostile_matrices(), hostile_matrices(),
                       st.one_of(st.floats(allow_nan=True), hostile_scalars()))]
    if updates:
        parts.append(st.builds(lambda m, i, j, x: {"target": target, "method": m, "args": (i, j, x)},
                               st.sampled_from(updates), hostile_indices(), hostile_indices(), hostile_scalars()))
    if "query" in methods:
        parts.append(st.builds(lambda i, j: {"target": target, "method": "query", "args": (i, j)},
                               hostile_indices(), hostile_indices()))
    if others:
        parts.append(st.builds(lambda m: {"target": target, "method": m, "args": ()}, st.sampled_from(others)))
    return st.one_of(*parts)


def subject_survey(factory: Callable[..., Any], methods: tuple[str, ...], profile: Profile, examples: int,
                   scale: Any = None) -> Counter:
    """The hostile calls of :func:`structure_calls` on any structure (``check-dynamic
    --strict-input``), judged by its answers; raises Counterexample at the first failure (after
    Hypothesis shrank it) and returns the tally otherwise."""
    from hypothesis import HealthCheck, given

    tally: Counter = Counter()
    structures = {"subject": factory}

    # too_slow: each call builds a structure and computes exact attention: slow by design
    @profile.hypothesis(examples, suppress_health_check=[HealthCheck.too_slow])
    @given(structure_calls("subject", methods))
    def survey(call: dict[str, Any]) -> None:
        run_call(call, tally, structures, observable=True, scale=scale)

    survey()
    return tally


register(Lemma(
    id="DA-4.1/hostile-input", paper="DA",
    title="Every public entry point answers correctly or refuses cleanly",
    statement="For NaN, infinities, huge and subnormal numbers, huge integers, booleans, complex "
              "numbers, strings, None, arbitrary objects, numpy scalar types, wrong shapes, wrong "
              "dtypes, non-contiguous and read-only arrays, negative and overflowing indices passed "
              "to impl.attention and to the constructors, updates, queries, output and recompute of "
              "DynamicAttention, EagerAttention, NaiveAttention and the (repaired) printed "
              "algorithms: each call either returns the right answer or raises TypeError, "
              "ValueError or IndexError and leaves the structure exactly as it was.",
    source=Source("000", "section 4", "Algorithms 1-5 (their interface)"),
    cites=("DA-4.1",),
    checks=(Direct("hostile calls generated by Hypothesis", hostile_input_survey, grade="holds"),),
))
