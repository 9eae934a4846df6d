"""Gap-ANN through attention: AS Remark 4.4, Definition 4.5 and Lemma 4.7 (AS, section 4).

* :func:`balance` -- Remark 4.4: ``a -> [a, 1 - a]`` has ``d`` ones out of ``2d`` and doubles
  every Hamming distance.
* :func:`promise_classes` -- Definition 4.5, ``Gap-ANN(n, d, t, eps)``: row ``i`` is "near"
  (some ``||a_i - b_j||_0 < t``), "far" (every ``||a_i - b_j||_2^2 >= (1 + eps) t``) or "outside"
  the promise (then any answer is allowed, and results say so).
* :func:`gap_ann_lookup` -- Lemma 4.7, case ``t < c log n``: a lookup table of ``B`` and, for
  each ``a_i``, every vector at Hamming distance ``< t`` (counted lookups).
* :func:`gap_ann_attention` -- Lemma 4.7, case ``t >= c log n``: ``Q, K`` of the proof
  (``2n x 2d``, entries ``sqrt(beta)`` or 0), ``V`` with the single column ``[1_n; 0_n]``,
  ``A = exp(Q K^T / d~)``, one call of an approximate-attention ``oracle`` (error at most
  ``eps_a`` entrywise, AAttC, AS Definition 1.2), and ``u_i >= t~_0`` decides "near".
* :func:`gap_ann` -- the algorithm of Lemma 4.7: choose ``c`` from ``C`` and ``C_gamma``, then
  one of the two cases.

Parameters (Eqs. 4-9 and 12): ``C = d / ln n``, ``C_0 = t / ln n``,
``C_b = sqrt(40 C / (C_0 eps))``, ``B = C_b sqrt(ln n)``, ``C_a = 2 + C_b^2 (1 + C_0 / C)``,
``eps_a = n^(-C_a)``, ``beta = B^2``, ``t~ = exp(0.25 beta (1 - t/d)) / (6 n tau)``,
``t~_0 = 2 t~``.  ``tau`` is where the printed proof fails: it sets ``tau = e^beta`` and prints
``A`` with ``tau`` in its right block and zeros in its lower-left block, but the printed ``Q, K``
give ``exp(beta d / d~) = e^(beta / 2)`` and ``exp(0) = 1`` there.  Variant ``"corrected"``
(default) uses ``tau = e^(beta/2)``, which restores ``n tau <= D_ii <= 2 n tau`` and the
Case 2b bound; ``"printed"`` keeps ``tau = e^beta`` (for the erratum records: it answers "near"
on every "far" row).

``eps_a`` is about ``10^-37`` already for ``n = 2`` and ``tau`` overflows float64 from ``n = 16``:
everything runs in mpmath at ``precision_bits = ceil(C_a log2 n) + ceil(log2(2n * 2d))
+ ceil(log2(beta)) + 64``, i.e. 64 bits below ``eps_a`` on outputs of size at most 1.  Indices
are 0-based.

Operation counts: ``ledger=`` (an :class:`impl.ledger.Ledger`) receives one call per public call
(``"gap_ann_attention"``, ``"gap_ann_lookup"``, or ``"gap_ann"`` with the case's counts inside),
with ``sub_calls`` (``oracle``: the AAttC calls; ``insert`` / ``lookup``: the table operations
of case 1), ``sizes`` (n, d_input, d, n_tilde, d_tilde) and the reduction's own work on arrays
as ``mul_adds`` / ``words``, in parts "reduction" and "annotation" (the promise classes that
results carry for checking, an O(n^2 d) pass that Lemma 4.7's algorithm does not need).  Scalar
parameter arithmetic (Eqs. 4-9, 12, ``choose_c``) is O(1) and not counted.  Bounds: spec
AS-4.7-cost.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Callable

import mpmath
import numpy as np

from impl.attention import attention
from impl.ledger import Ledger
from impl.reductions.zero_one import zero_one_entries

VARIANTS = ("corrected", "printed")
NEAR, FAR, OUTSIDE = "near", "far", "outside"
GUARD_BITS = 64

Oracle = Callable[[np.ndarray, np.ndarray, np.ndarray, Any], Any]


# ------------------------------------------------------------------------------ validation
def binary_vectors(X: Any, name: str, ledger: Ledger | None = None) -> np.ndarray:
    """An ``n x d`` 0/1 matrix (one vector per row) as int64; TypeError/ValueError otherwise.
    ``ledger``: counts the object copy and the test and store of each entry."""
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"{name} must be an n x d array of 0/1 vectors, got {type(X).__name__}")
    try:
        arr = np.array(X, dtype=object)
    except Exception as exc:
        raise TypeError(f"{name} must be an n x d array of 0/1 vectors: {exc}") from None
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty n x d array, got shape {arr.shape}")
    return zero_one_entries(arr, name, "binary", _real_zero_one, ledger)


def _real_zero_one(v: Any) -> bool | None:
    if not isinstance(v, (bool, np.bool_, numbers.Real, np.number)):
        return None
    return bool(v == 0 or v == 1)


def _real(x: Any, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


def _instance(A: Any, B: Any, t: Any, eps: Any, led: Ledger | None = None
              ) -> tuple[np.ndarray, np.ndarray, float, float]:
    Aa = binary_vectors(A, "A", led)
    Ba = binary_vectors(B, "B", led)
    if Aa.shape != Ba.shape:
        raise ValueError(f"A and B must both be n x d (|A| = |B| = n), got {Aa.shape} and {Ba.shape}")
    tv = _real(t, "t")
    if not 0 < tv <= Aa.shape[1]:
        raise ValueError(f"t must lie in (0, d] = (0, {Aa.shape[1]}], got {t!r}")
    ev = _real(eps, "eps")
    if ev <= 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    return Aa, Ba, tv, ev


# ------------------------------------------------------------------------------ Remark 4.4, Def 4.5
def balance(X: Any, ledger: Ledger | None = None) -> np.ndarray:
    """Remark 4.4: every row ``a`` becomes ``[a, 1 - a]`` (``d`` ones out of ``2d``)."""
    led = ledger if ledger is not None else Ledger(enabled=False)
    Xa = binary_vectors(X, "X", ledger)
    return led.concatenate((Xa, led.subtract_from(1, Xa)), axis=1)


def is_balanced(X: np.ndarray, ledger: Ledger | None = None) -> bool:
    led = ledger if ledger is not None else Ledger(enabled=False)
    d = X.shape[1]
    return d % 2 == 0 and led.all(led.equal(led.sum(X, axis=1), d // 2))


def hamming(A: np.ndarray, B: np.ndarray, ledger: Ledger | None = None) -> np.ndarray:
    """``H[i, j] = ||a_i - b_j||_0`` (equal to ``||a_i - b_j||_2^2`` for binary vectors)."""
    led = ledger if ledger is not None else Ledger(enabled=False)
    return led.sum(led.not_equal(A[:, None, :], B[None, :, :]), axis=2)


def promise_classes(A: Any, B: Any, t: Any, eps: Any, ledger: Ledger | None = None
                    ) -> tuple[str, ...]:
    """Definition 4.5: "near" (Case 1), "far" (Case 2) or "outside" for each ``a_i``."""
    led = ledger if ledger is not None else Ledger(enabled=False)
    Aa, Ba, tv, ev = _instance(A, B, t, eps, ledger)
    low = led.min(hamming(Aa, Ba, ledger), axis=1)
    led.vec(2 * low.size)                           # each row's minimum against t and (1 + eps) t
    return tuple(NEAR if m < tv else FAR if m >= (1 + ev) * tv else OUTSIDE for m in low)


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class GapANNResult:
    """Decisions for every ``a_i`` with the promise class and the cost accounting."""

    case: str  # "lookup" (t < c log n) or "attention" (t >= c log n)
    near: tuple[bool, ...]
    classes: tuple[str, ...]
    n: int
    d_input: int
    t_input: float
    eps: float
    #: Remark 4.4 applied (the attention case needs balanced vectors)
    balanced: bool
    d: int
    t: float
    n_tilde: int
    d_tilde: int
    oracle_calls: int
    lookups: int
    precision_bits: int | None
    #: the attention outputs u_i (mpmath strings), empty for the lookup case
    u: tuple[str, ...]
    params: dict[str, Any] | None

    @property
    def correct(self) -> bool:
        """Every row inside the promise is decided as its class says."""
        return all(c == OUTSIDE or (c == NEAR) == x for c, x in zip(self.classes, self.near))

    @property
    def in_promise(self) -> tuple[bool, ...]:
        return tuple(c != OUTSIDE for c in self.classes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------ case t < c log n
def entropy(x: float) -> float:
    """Binary entropy in nats, ``H(x) = -x ln x - (1-x) ln(1-x)``."""
    if x <= 0 or x >= 1:
        return 0.0
    return -x * math.log(x) - (1 - x) * math.log(1 - x)


def f_bound(C: float, c: float) -> float:
    """``f(C, c) = C H(c/C)``: ``sum_{k <= c log n} binom(C log n, k) <= n^f`` for ``c <= C/2``."""
    return C * entropy(min(c / C, 0.5))


def choose_c(C: float, C_gamma: float) -> float:
    """The largest ``c <= C/2`` (to 1e-12) with ``f(C, c) < 1 - C_gamma`` (Lemma 4.7, case 1)."""
    C = _real(C, "C")
    C_gamma = _real(C_gamma, "C_gamma")
    if C <= 0:
        raise ValueError(f"C must be positive, got {C!r}")
    if not 0 < C_gamma < 0.1:
        raise ValueError(f"C_gamma must lie in (0, 0.1) (AS Lemma 4.7), got {C_gamma!r}")
    target = 1 - C_gamma
    if f_bound(C, C / 2) < target:
        return C / 2
    lo, hi = 0.0, C / 2  # f_bound(C, .) increases on (0, C/2]; invariant f(lo) < target <= f(hi)
    for _ in range(200):
        mid = (lo + hi) / 2
        if f_bound(C, mid) < target:
            lo = mid
        else:
            hi = mid
    return lo


def lookup_radius(t: float, strict: bool = True) -> int:
    """Largest Hamming radius enumerated: distances ``< t`` (strict) or ``<= t``."""
    return math.ceil(t) - 1 if strict else math.floor(t)


def _counted(led: Ledger | None, op: str, run: Callable[[Ledger], Any]) -> Any:
    """Run ``run(ledger)`` as one recorded call ``op`` (nothing recorded when it raises)."""
    L = led if led is not None else Ledger(enabled=False)
    L.begin(op)
    try:
        out = run(L)
    except BaseException:
        L.abort()
        raise
    L.end(result_space(out))
    return out


def result_space(res: "GapANNResult") -> int:
    """Words held by a run: copies of A and B, the balanced copies and Q, K, V (attention case),
    or the lookup table (case 1), and the n decisions."""
    if res.case == "lookup":
        return 3 * res.n * res.d + res.n
    balanced = 2 * res.n * res.d if res.balanced else 0
    return 2 * res.n * res.d_input + balanced + 3 * res.n_tilde * res.d_tilde + 2 * res.n


def _annotate(led: Ledger, Aa: np.ndarray, Ba: np.ndarray, tv: float, ev: float) -> tuple[str, ...]:
    """The promise classes carried by results, counted in part "annotation"."""
    led.part("annotation")
    out = promise_classes(Aa, Ba, tv, ev, led)
    led.part("reduction")
    return out


def gap_ann_lookup(A: Any, B: Any, t: Any, eps: Any, *, strict: bool = True,
                   early_exit: bool = True, ledger: Ledger | None = None) -> GapANNResult:
    """Lemma 4.7, case ``t < c log n``: store ``B`` in a lookup table and probe, for each
    ``a_i``, every vector within Hamming distance ``< t`` (``<= t`` with ``strict=False``, as
    printed: "at most t").  ``lookups`` counts the probes.  ``ledger``: one call
    ``"gap_ann_lookup"`` with ``sub_calls`` ``insert`` (n) and ``lookup`` (the probes)."""
    return _counted(ledger, "gap_ann_lookup",
                    lambda led: _lookup(A, B, t, eps, strict, early_exit, led))


def _lookup(A: Any, B: Any, t: Any, eps: Any, strict: bool, early_exit: bool,
            led: Ledger) -> GapANNResult:
    led.part("reduction")
    Aa, Ba, tv, ev = _instance(A, B, t, eps, led)
    n, d = Aa.shape
    table = {tuple(int(x) for x in b) for b in Ba}
    led.touch(2 * n * d)                        # B's rows as tuples (read + write), then hashed
    led.sub("insert", n)
    radius = min(lookup_radius(tv, strict), d)
    decisions, lookups, flipped = [], 0, 0
    for a in Aa:
        found = False
        for r in range(radius + 1):
            at_r = lookups
            for flips in itertools.combinations(range(d), r):
                probe = [int(x) for x in a]
                for p in flips:
                    probe[p] ^= 1
                lookups += 1
                if tuple(probe) in table:
                    found = True
                    if early_exit:
                        break
            flipped += r * (lookups - at_r)
            if found and early_exit:
                break
        decisions.append(found)
    led.touch(2 * d * lookups)                  # a_i copied into each probe
    led.vec(flipped)                            # the bits flipped (a read and a write each)
    led.touch(2 * d * lookups)                  # each probe made a tuple
    led.sub("lookup", lookups)
    led.touch(n)
    led.sizes(n=n, d_input=d, d=d, radius=radius, n_tilde=0, d_tilde=0)
    classes = _annotate(led, Aa, Ba, tv, ev)
    return GapANNResult(
        case="lookup", near=tuple(decisions), classes=classes, n=n,
        d_input=d, t_input=tv, eps=ev, balanced=False, d=d, t=tv, n_tilde=0, d_tilde=0,
        oracle_calls=0, lookups=lookups, precision_bits=None, u=(), params=None)


# ------------------------------------------------------------------------------ case t >= c log n
@dataclass(frozen=True)
class Lemma47Params:
    """The parameters of the proof of Lemma 4.7 (Eqs. 4-9, 12) as mpmath numbers."""

    variant: str
    n: int
    d: int
    t: float
    eps: float
    precision_bits: int
    C: Any
    C0: Any
    Cb2: Any
    B: Any
    Ca: Any
    eps_a: Any
    beta: Any
    tau: Any
    t_tilde: Any
    t0: Any

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"variant": self.variant, "n": self.n, "d": self.d, "t": self.t,
                               "eps": self.eps, "precision_bits": self.precision_bits}
        with mpmath.workprec(self.precision_bits):
            for name in ("C", "C0", "Cb2", "B", "Ca", "beta"):
                out[name] = float(getattr(self, name))
            for name in ("eps_a", "tau", "t_tilde", "t0"):
                out[f"log10_{name}"] = float(mpmath.log10(getattr(self, name)))
        return out


def lemma47_params(n: int, d: int, t: float, eps: float, variant: str = "corrected") -> Lemma47Params:
    """Parameters for balanced vectors of dimension ``d`` (``C = d / ln n``, ``C_0 = t / ln n``)."""
    try:
        return _params_cached(n, d, t, eps, variant)
    except TypeError:  # unhashable argument: validate and report below
        return _params(n, d, t, eps, variant)


@lru_cache(maxsize=256)
def _params_cached(n: Any, d: Any, t: Any, eps: Any, variant: Any) -> Lemma47Params:
    return _params(n, d, t, eps, variant)


def _params(n: Any, d: Any, t: Any, eps: Any, variant: Any) -> Lemma47Params:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (d = C log n needs log n > 0), got {n!r}")
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    t = _real(t, "t")
    eps = _real(eps, "eps")
    if not 0 < t <= d:
        raise ValueError(f"t must lie in (0, d] = (0, {d}], got {t!r}")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    # magnitudes first, in floats, to choose the precision
    Cb2_f = 40 * d / (t * eps)  # C_b^2 = 40 C / (C_0 eps) and C / C_0 = d / t
    Ca_f = 2 + Cb2_f * (1 + t / d)
    beta_f = Cb2_f * math.log(n)
    prec = (math.ceil(Ca_f * math.log2(n)) + math.ceil(math.log2(4 * n * d))
            + math.ceil(math.log2(beta_f + 1)) + GUARD_BITS)
    with mpmath.workprec(prec):
        ln_n = mpmath.log(n)
        C = mpmath.mpf(d) / ln_n
        C0 = mpmath.mpf(t) / ln_n
        Cb2 = 40 * C / (C0 * eps)
        B = mpmath.sqrt(Cb2 * ln_n)  # Eq. (7)
        Ca = 2 + Cb2 * (1 + C0 / C)  # Eq. (8)
        eps_a = mpmath.power(n, -Ca)
        beta = B * B  # Eq. (9)
        tau = mpmath.exp(beta) if variant == "printed" else mpmath.exp(beta / 2)  # Eq. (5)
        t_tilde = mpmath.exp(beta * (1 - mpmath.mpf(t) / d) / 4) / (6 * n * tau)  # Eq. (12)
        t0 = 2 * t_tilde
    return Lemma47Params(variant, int(n), int(d), t, eps, prec, C, C0, Cb2, B, Ca, eps_a, beta,
                         tau, t_tilde, t0)


def build_qkv(A: np.ndarray, B: np.ndarray, params: Lemma47Params, ledger: Ledger | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``Q, K`` of the proof of Lemma 4.7 and ``V`` with the single column ``v = [1_n; 0_n]``.

    ``Q = sqrt(beta) [[a_i, 1_d]; [0_d, 1_d]]``, ``K = sqrt(beta) [[b_j, 0_d]; [0_d, 1_d]]``
    (``2n x 2d`` mpmath arrays; the printed ``0_n`` blocks have ``d`` columns).
    """
    led = ledger if ledger is not None else Ledger(enabled=False)
    n, d = A.shape
    with mpmath.workprec(params.precision_bits):
        s = mpmath.sqrt(params.beta)
        zero = mpmath.mpf(0)
        Q, K, V = (np.full((2 * n, 2 * d), zero, dtype=object) for _ in range(3))
        led.touch(Q.size + K.size + V.size)         # filled with zeros
        for i in range(n):
            for k in range(d):
                Q[i, k] = s if A[i, k] else zero
                K[i, k] = s if B[i, k] else zero
        led.touch(2 * (A.size + B.size))            # each entry of A and B read, then written
        led.fill(Q, (slice(None), slice(d, None)), s)
        led.fill(K, (slice(n, None), slice(d, None)), s)
        led.fill(V, (slice(0, n), 0), mpmath.mpf(1))
    return Q, K, V


def exact_oracle(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: Any) -> np.ndarray:
    """Attention ``D^{-1} exp(scale Q K^T) V`` by :func:`impl.attention.attention` (error 0 up to
    the working precision, which the caller sets)."""
    return attention(Q, K, V, scale=scale)


def gap_ann_attention(A: Any, B: Any, t: Any, eps: Any, *, oracle: Oracle | None = None,
                      variant: str = "corrected", ledger: Ledger | None = None) -> GapANNResult:
    """Lemma 4.7, case ``t >= c log n`` (the decision itself is valid for any ``t > 0``).

    Balances the vectors by Remark 4.4 unless they already have half their entries 1 (then
    ``d`` and ``t`` double), builds ``Q, K, V``, calls ``oracle(Q, K, V, scale=1/d~)`` once at
    the working precision of the parameters, and decides "near" iff ``u_i >= t~_0``.
    ``ledger``: one call ``"gap_ann_attention"`` with ``sub_calls`` ``oracle`` (1) and the
    oracle's instance size ``n_tilde x d_tilde``.
    """
    return _counted(ledger, "gap_ann_attention",
                    lambda led: _attention_case(A, B, t, eps, oracle, variant, led))


def _attention_case(A: Any, B: Any, t: Any, eps: Any, oracle: Oracle | None, variant: str,
                    led: Ledger) -> GapANNResult:
    led.part("reduction")
    Aa, Ba, tv, ev = _instance(A, B, t, eps, led)
    n, d_in = Aa.shape
    classes = _annotate(led, Aa, Ba, tv, ev)
    if n < 2:
        raise ValueError("n must be at least 2 (d = C log n needs log n > 0)")
    applied = not (is_balanced(Aa, led) and is_balanced(Ba, led))  # Remark 4.4 needed
    if applied:
        Aa, Ba = balance(Aa, led), balance(Ba, led)
    d = Aa.shape[1]
    tb = 2 * tv if applied else tv
    params = lemma47_params(n, d, tb, ev, variant)
    if params.t_tilde < params.eps_a:
        raise ValueError("parameters outside the range of Lemma 4.7: t~ < eps_a, so an AAttC error "
                         "of eps_a can cross the threshold t~_0")
    Q, K, V = build_qkv(Aa, Ba, params, led)
    use = oracle if oracle is not None else exact_oracle
    with mpmath.workprec(params.precision_bits):
        scale = mpmath.mpf(1) / (2 * d)  # A = exp(Q K^T / d~), d~ = 2d (Eq. 6)
        T = np.asarray(use(Q, K, V, scale), dtype=object)
        led.sub("oracle", 1)
        if T.shape != (2 * n, 2 * d):
            raise ValueError(f"the oracle must return a {2 * n} x {2 * d} matrix, got shape {T.shape}")
        u = [mpmath.mpf(T[i, 0]) for i in range(n)]
        if not all(mpmath.isfinite(x) for x in u):
            raise ValueError("the oracle returned a non-finite entry")
        near = tuple(bool(x >= params.t0) for x in u)
        led.touch(2 * n)                        # u read out of T
        led.vec(2 * n)                          # finiteness, u_i >= t~_0
        led.part("annotation")
        us = tuple(mpmath.nstr(x, 15) for x in u)
        led.touch(2 * n)
    led.sizes(n=n, d_input=d_in, d=d, n_tilde=2 * n, d_tilde=2 * d)
    return GapANNResult(
        case="attention", near=near, classes=classes, n=n, d_input=d_in, t_input=tv, eps=ev,
        balanced=applied, d=d, t=tb, n_tilde=2 * n, d_tilde=2 * d, oracle_calls=1, lookups=0,
        precision_bits=params.precision_bits, u=us, params=params.to_json())


def gap_ann(A: Any, B: Any, t: Any, eps: Any, *, C_gamma: float = 0.05, c: float | None = None,
            oracle: Oracle | None = None, variant: str = "corrected",
            ledger: Ledger | None = None) -> GapANNResult:
    """The algorithm of Lemma 4.7: lookup table if ``t < c log n``, attention otherwise.

    ``C = d / ln n`` for the input dimension; ``c`` defaults to :func:`choose_c` (``f(C, c) <
    1 - C_gamma``).  ``ledger``: one call ``"gap_ann"`` holding the chosen case's counts."""
    return _counted(ledger, "gap_ann",
                    lambda led: _gap_ann(A, B, t, eps, C_gamma, c, oracle, variant, led))


def _gap_ann(A: Any, B: Any, t: Any, eps: Any, C_gamma: float, c: float | None,
             oracle: Oracle | None, variant: str, led: Ledger) -> GapANNResult:
    led.part("reduction")
    Aa, Ba, tv, ev = _instance(A, B, t, eps, led)
    n, d = Aa.shape
    if n < 2:
        raise ValueError("n must be at least 2 (d = C log n needs log n > 0)")
    C = d / math.log(n)
    cc = choose_c(C, C_gamma) if c is None else _real(c, "c")
    if cc <= 0:
        raise ValueError(f"c must be positive, got {c!r}")
    if tv < cc * math.log(n):
        return gap_ann_lookup(Aa, Ba, tv, ev, ledger=led)
    return gap_ann_attention(Aa, Ba, tv, ev, oracle=oracle, variant=variant, ledger=led)
