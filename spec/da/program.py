"""Operation programs over a dynamic attention structure, and the check of each answer.

A *program* is the JSON-friendly record of a run: the element kind, ``a``, the initial Q, K, V
and a list of operations ``["update_k", i, j, delta]``, ``["update_v", ...]``,
``["update_q", ...]``, ``["query", i, j]``, ``["output"]``, ``["recompute"]``.  The Hypothesis
state machine builds programs step by step through :class:`ProgramRunner`; a failing program is
the counterexample of the report, and :func:`replay` re-runs it (``show ID --reproduce``).

Every answer is compared with exact attention on the current matrices (DA Theorem 4.1's claim);
a wrong answer is a :class:`Counterexample` that carries ``expected``, ``got`` and their ``gap``.
An exception of the structure is a counterexample too ("update_k raised"), except
``impl.literal.LiteralUndefinedRead``: the printed algorithms are read so that every list read
names a written slot, so such a read is a defect of the transcription and propagates as an error
of the check, never as the confirmation of an erratum.

* kind "exact": sympy numbers, integer logits, so every entry of ``exp(Q K^T)`` is a power of
  ``e``.  ``got - expected`` is a rational function of ``e`` with rational coefficients; as ``e``
  is transcendental it vanishes iff it vanishes identically with ``e`` replaced by a symbol
  ``t``, which ``sympy.cancel`` decides.  No tolerance.
* kind "wide": float64 with logits up to 1e4 in magnitude (issue: numerical stability); the
  expected value is computed by mpmath at 60 digits on the same float64 inputs, the tolerance is
  the float one below, and after every operation no stored float array may hold inf or nan.
* kind "float": float64, ``|got - expected| <= FLOAT_TOL * max|V|``.  Justification: every answer
  is a convex combination of entries of ``V``; a structure that refreshes a row once its
  cancellation budget reaches 2^16 (``impl.expkernel``) keeps each maintained sum within
  ``2^16 * 2^-53 ~ 7e-12`` relative of its exact value, plus O(n eps) per product at n <= 12;
  1e-9 leaves a factor > 100 above that and is far below any algorithmic defect, which is O(1).
  ``tol`` replaces 1e-9 for a subject checked at another tolerance (``check-dynamic --tol``).
  The printed algorithms (``impl.literal``, repaired or not) keep ``A``, ``D`` and ``C`` by
  additions and never re-evaluate a row, so that argument does not hold for them: a row whose
  sum is the small remainder of large terms loses ``kappa u`` of relative accuracy, with
  ``kappa = W / D`` the ratio of everything ever added into the row (the initial row sum and
  every ``|Delta A|``) to the current row sum and ``u = 2^-53``.  Their float answers get
  ``8 (s + n + d) u kappa max_hist|V|`` on top of the 1e-9 (``s`` operations so far; recursive
  summation of ``s`` terms errs by at most ``(s - 1) u`` times the sum of magnitudes, and each
  step of the printed updates rounds a handful of times), computed by the runner from the exact
  history of ``Q`` and ``K`` (:class:`AdditiveRounding`).  A defect still shows as an O(1) error
  unless ``kappa`` exceeds about 1e13.  Found by the deep profile (seed 208326134): n = 1, logits
  1 -> 4 -> -5 -> -11 through three key updates, kappa = 6.5e6, error 2.6e-9 on an answer that
  is exactly 1.

A subject from outside the project (``check-dynamic``) is built as ``factory(Q, K, V, a=a,
scale=scale)`` from arrays of its own (``watch_inputs``): after its constructor and after every
operation those arrays are compared with copies taken before, and a change is the defect "the
caller's K was modified in place", never a wrong answer.  Its stored arrays are its own business:
``stored_finite=False`` judges it by its answers alone.  ``scale`` (DA uses 1) is recorded in the
program, and ``replay`` passes it on.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import sympy

from impl.attention import attention
from impl.literal import LiteralUndefinedRead, PaperV1Attention
from spec.da.oracle_mp import attention_mp, stored_arrays
from spec.registry import Counterexample

FLOAT_TOL = 1e-9
#: structures that keep A, D and C by additions and never re-evaluate a row (the printed
#: algorithms; PaperAppendixAttention is a subclass)
ADDITIVE = (PaperV1Attention,)
_T = sympy.Symbol("t", positive=True)

UPDATES = ("update_k", "update_v", "update_q")


# ------------------------------------------------------------------------------ encoding
def encode_number(x: Any) -> Any:
    if isinstance(x, sympy.Basic):
        return int(x) if x.is_Integer else str(x)
    return float(x)


def expected_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, kind: str, scale: Any = None) -> np.ndarray:
    if scale is None:
        return attention_mp(Q, K, V) if kind == "wide" else attention(Q, K, V)
    return attention_mp(Q, K, V, scale) if kind == "wide" else attention(Q, K, V, scale=scale)


def decode_number(x: Any, kind: str) -> Any:
    if kind == "exact":
        return sympy.Rational(x) if isinstance(x, str) else sympy.Integer(x)
    return float(x)


def encode_matrix(M: np.ndarray) -> list[list[Any]]:
    return [[encode_number(v) for v in row] for row in M]


def decode_matrix(rows: list[list[Any]], kind: str) -> np.ndarray:
    dtype = object if kind == "exact" else np.float64
    return np.array([[decode_number(v, kind) for v in row] for row in rows], dtype=dtype)


# -------------------------------------------------------------------------------- checks
def exact_zero(x: Any) -> bool:
    """Decide ``x == 0`` for an expression in powers of ``e`` with rational coefficients."""
    return sympy.cancel(sympy.sympify(x).subs(sympy.E, _T)) == 0


def check_value(got: Any, expected: Any, V: np.ndarray, kind: str, where: dict[str, Any],
                rounding: float = 0.0, tol: float = FLOAT_TOL) -> None:
    """Raise :class:`Counterexample` unless ``got`` equals ``expected`` (see module docstring);
    ``rounding``: the allowance of a structure that keeps its sums by additions; ``tol``: the
    float tolerance relative to max|V|."""
    if kind == "exact":
        # a float next to a rational expected value would pass sympy's comparison at the float's
        # precision: an exact check accepts exact numbers only
        if isinstance(got, (float, np.floating)) or (isinstance(got, sympy.Basic) and got.has(sympy.Float)):
            raise Counterexample(f"answer is not exact: expected {expected}, got the floating-point {got!r}",
                                 expected=str(expected), got=repr(got), **where)
        try:
            equal = exact_zero(got - expected)
        except (TypeError, ValueError, sympy.SympifyError):
            raise Counterexample(f"answer is not a number: expected {expected}, got {got!r}",
                                 expected=str(expected), got=repr(got), **where) from None
        if not equal:
            gap = sympy.N(got - expected, 15)
            raise Counterexample(f"answer differs from exact attention: expected {expected}, got "
                                 f"{got}, gap {gap}", expected=str(expected), got=str(got),
                                 gap=str(gap), **where)
        return
    bound = tol * float(np.max(np.abs(V))) + rounding
    try:
        value = float(got)
    except (TypeError, ValueError, OverflowError):
        raise Counterexample(f"answer is not a real number: expected {float(expected)!r}, got {got!r}",
                             expected=float(expected), got=repr(got), **where) from None
    err = abs(value - float(expected))
    if not err <= bound:
        extra = {"rounding_allowance": rounding} if rounding else {}
        raise Counterexample(f"answer differs from exact attention: expected {float(expected)!r}, "
                             f"got {value!r}, gap {err:.3g} (allowed {bound:.3g})",
                             expected=float(expected), got=value, gap=err, bound=bound,
                             **extra, **where)


class AdditiveRounding:
    """The rounding a structure that maintains its sums by additions may show (module docstring).

    Tracks ``W`` (per row: the initial row sum of ``exp(Q K^T)`` plus every ``|Delta A|`` a key
    update added) and the largest ``|V|`` entry so far, from the runner's mirror of Q, K, V.
    """

    def __init__(self, Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> None:
        self.W = np.exp(Q @ K.T).sum(axis=1)
        self.v_max = float(np.max(np.abs(V)))

    def key_update(self, Q: np.ndarray, column_before: np.ndarray, column_after: np.ndarray) -> None:
        self.W += np.abs(np.exp(Q @ column_after) - np.exp(Q @ column_before))

    def value_update(self, value: float) -> None:
        self.v_max = max(self.v_max, abs(float(value)))

    def allowance(self, Q: np.ndarray, K: np.ndarray, steps: int) -> float:
        n, d = Q.shape
        kappa = float(np.max(self.W / np.exp(Q @ K.T).sum(axis=1)))
        return 8 * (steps + n + d) * 2.0**-53 * kappa * self.v_max


# --------------------------------------------------------------------------------- runner
@dataclass
class ProgramRunner:
    """Drives a structure and a mirror of the current Q, K, V through operations, checking."""

    factory: Callable[..., Any]
    kind: str
    a: float
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    #: optional extra check after each recompute (Lemma 4.8), given (subject, Q, K, V, kind)
    after_recompute: Callable[..., None] | None = None
    ops: list[list[Any]] = field(default_factory=list)
    #: passed to the factory as ``scale=`` and recorded in the program; None: not passed (DA's 1)
    scale: Any = None
    #: float tolerance relative to max|V| (module docstring)
    tol: float = FLOAT_TOL
    #: compare the arrays handed to the factory with copies taken before, after every step
    watch_inputs: bool = False
    #: kind "wide": no stored float array of the subject may hold inf or nan (reads its attributes)
    stored_finite: bool = True

    def __post_init__(self) -> None:
        self.initial = (encode_matrix(self.Q), encode_matrix(self.K), encode_matrix(self.V))
        self.Q, self.K, self.V = self.Q.copy(), self.K.copy(), self.V.copy()
        #: the arrays the subject receives, and what they held before it did
        self.given = (self.Q.copy(), self.K.copy(), self.V.copy())
        self.pristine = tuple(x.copy() for x in self.given)
        kwargs: dict[str, Any] = {"a": self.a}
        if self.scale is not None:
            kwargs["scale"] = self.scale
        try:
            self.subject = self.factory(*self.given, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure of the subject is a finding
            raise self._failure("init raised", exc) from exc
        self._check_inputs()
        #: float answers of the printed algorithms get the rounding of their additive sums
        self.rounding = (AdditiveRounding(self.Q, self.K, self.V)
                         if self.kind == "float" and isinstance(self.subject, ADDITIVE) else None)

    def program(self) -> dict[str, Any]:
        Q, K, V = self.initial
        program = {"kind": self.kind, "a": self.a, "n": len(Q), "d": len(Q[0]), "Q": Q, "K": K,
                   "V": V, "ops": copy.deepcopy(self.ops)}
        if self.scale is not None:
            program["scale"] = encode_number(self.scale)
        return program

    def _failure(self, message: str, exc: BaseException) -> Counterexample:
        return Counterexample(message, error=f"{type(exc).__name__}: {exc}", program=self.program())

    def _check_inputs(self) -> None:
        """The caller's arrays must be as they were before the subject saw them."""
        if not self.watch_inputs:
            return
        for name, now, before in zip("QKV", self.given, self.pristine):
            same = now == before if now.dtype == object else np.equal(now, before) | (np.isnan(now) & np.isnan(before))
            if not np.all(same):
                entry = [int(v) for v in np.argwhere(~np.asarray(same, dtype=bool))[0]]
                raise Counterexample(f"the caller's {name} was modified in place", array=name, entry=entry,
                                     before=str(before[tuple(entry)]), after=str(now[tuple(entry)]),
                                     step=len(self.ops), program=self.program())

    def step(self, op: list[Any]) -> None:
        self.ops.append([op[0], *[encode_number(x) if isinstance(x, (float, sympy.Basic)) else x
                                  for x in op[1:]]])
        name = op[0]
        try:
            result = getattr(self.subject, name)(*op[1:])
        except LiteralUndefinedRead:
            # the transcription read a list slot that its reading leaves unwritten: a defect of
            # the reading, not an answer of the printed algorithm, so never a counterexample
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._failure(f"{name} raised", exc) from exc
        self._check_inputs()
        if name in UPDATES:
            i, j, delta = op[1:]
            rounding = self.rounding
            key_before = self.K[i].copy() if rounding is not None and name == "update_k" else None
            {"update_k": self.K, "update_v": self.V, "update_q": self.Q}[name][i, j] += delta
            if rounding is not None and key_before is not None:
                rounding.key_update(self.Q, key_before, self.K[i])
            elif rounding is not None and name == "update_v":
                rounding.value_update(self.V[i, j])
        try:
            if self.kind == "wide" and self.stored_finite:
                self._check_finite()
            if name not in UPDATES:
                self._check(name, op, result)
        except Counterexample as ce:
            ce.values["step"] = len(self.ops)
            ce.values["program"] = self.program()
            raise

    def _check_finite(self) -> None:
        for name, arr in stored_arrays(self.subject):
            if not np.isfinite(arr).all():
                bad = [int(v) for v in np.argwhere(~np.isfinite(arr))[0]]
                raise Counterexample("a stored array holds inf or nan", array=name, entry=bad,
                                     value=str(arr[tuple(bad)]))

    def _check(self, name: str, op: list[Any], result: Any) -> None:
        rounding = 0.0 if self.rounding is None else self.rounding.allowance(self.Q, self.K, len(self.ops))
        if name == "query":
            i, j = op[1:]
            expected = expected_attention(self.Q, self.K, self.V, self.kind, self.scale)[i, j]
            check_value(result, expected, self.V, self.kind, {"entry": [i, j]}, rounding, self.tol)
        elif name == "output":
            expected = expected_attention(self.Q, self.K, self.V, self.kind, self.scale)
            got = np.asarray(result, dtype=object if self.kind == "exact" else None)
            if got.shape != expected.shape:
                raise Counterexample(f"output has shape {got.shape}, expected {expected.shape}",
                                     shape=list(got.shape), expected_shape=list(expected.shape))
            for (r, c), value in np.ndenumerate(got):
                check_value(value, expected[r, c], self.V, self.kind, {"entry": [r, c]}, rounding, self.tol)
        elif name == "recompute" and self.after_recompute is not None:
            returned = self.after_recompute(self.subject, self.Q, self.K, self.V, self.kind, {})
            if returned is not None:   # a check fails by raising; a returned False is no pass
                raise TypeError(f"the after-recompute check returned {returned!r} instead of None")


def replay(program: dict[str, Any], factory: Callable[..., Any],
           after_recompute: Callable[..., None] | None = None, *, tol: float = FLOAT_TOL,
           watch_inputs: bool = False, stored_finite: bool = True) -> None:
    """Re-run a recorded program; raises :class:`Counterexample` where an answer is wrong.

    A program that records ``scale`` passes it to the factory (DA's scale 1 otherwise)."""
    kind = program["kind"]
    scale = decode_number(program["scale"], kind) if "scale" in program else None
    runner = ProgramRunner(factory, kind, program["a"], decode_matrix(program["Q"], kind),
                           decode_matrix(program["K"], kind), decode_matrix(program["V"], kind),
                           after_recompute, scale=scale, tol=tol, watch_inputs=watch_inputs,
                           stored_finite=stored_finite)
    for op in program["ops"]:
        runner.step([op[0], *[decode_number(x, kind) if k == 2 else x
                              for k, x in enumerate(op[1:])]])
