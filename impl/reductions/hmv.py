"""Hinted-MV reductions of the DA lower bound (DA arXiv v1, section 5; appendix C of a later version).

HMV (DA Definition 5.2, Boolean semiring, ``0 < tau <= 1``): phase 1 gives Boolean ``n x n``
matrices ``M`` and ``V``; phase 2 a Boolean ``n x n`` hint ``P`` with at most ``n^tau``
non-zeros; phase 3 an index ``i``, and the answer is the Boolean column ``(M P V)[:, i]``.

* :class:`OAMVReduction` -- DA Lemma 5.5 with Claims 5.6 and 5.7 (OAMV, Definition 5.4,
  ``exp(Q K^T) V`` without normalization): ``Q~ = M``, ``K~ = 0``, ``V~ = V``; one ``update_k``
  per non-zero of ``P`` sets ``K~^T = P``; ``n`` queries read column ``i`` of ``exp(M P) V``;
  bit ``j`` is 1 iff ``(exp(M P) V)[j, i] - sum_k V[k, i] > 0`` (the subtracted term is
  ``(1_{n x n} V)[j, i]``).
* :class:`ODAMVReduction` -- DA Lemma 5.9 with Claims 5.10 and 5.11 (ODAMV, Definition 5.8,
  normalized): ``Q~ = [[M, 1 - M], [0, 0]]``, ``K~ = 0``, ``V~ = [[V, 0], [0, 0]]`` (``2n x 2n``);
  ``2 nnz(P)`` updates set ``K~^T = diag(P, P)``; ``n`` queries (rows ``0 .. n-1``; the printed
  proof makes ``2n``, the lower rows carry no information).  Variants:

  - ``"corrected"``: ``D~[j] = 2n + nnz(P) (e - 1)`` for ``j < n`` (and ``2n`` below), valid when
    every column of ``P`` has at most one non-zero (the paper says ``P`` diagonal); bit ``j`` is
    the sign of ``D~[j] * answer - sum_k V[k, i]``.  Other ``P`` raise ``ValueError``.
  - ``"general"`` (not in the paper): one extra all-zero query/key row whose value row is
    ``e_n``, so that ``query(j, n) = 1 / D~[j]`` for any ``P``; ``2n`` queries.
  - ``"printed"``: the printed decoding, ``D~[j] = n^tau (e + 1)`` and subtracting
    ``(D~^{-1} V~)[j, i]``; ``"printed-D"``: printed ``D~`` with the corrected subtracted term;
    ``"printed-sub"``: the corrected ``D~`` with the printed subtracted term.  They are kept for
    the erratum records; an entry whose printed rule does not apply (a negative difference) is
    ``None``.

Element kinds: ``"sympy"`` (exact; ``>0``/``=0`` decided by :mod:`impl.reductions.exactsign`),
``"mpmath"`` (precision chosen from ``n``) and ``"float64"`` (refused when 53 bits are not
enough).  Floating decodes threshold at ``(e - 1)/2`` -- a positive decoded quantity is at least
``e - 1`` -- and raise ``ArithmeticError`` when a value falls in the band that the precision
cannot resolve, never returning a guessed bit.

Every answer comes from the dynamic structure's ``query`` (default
:class:`impl.dynamic.DynamicAttention`); the result records the number of ``update_k``,
``update_v``, ``update_q`` calls and queries made.  Indices are 0-based (the paper's are
1-based).

Operation counts: ``reduction.ledger`` (:class:`impl.ledger.Ledger`, or the one passed as
``ledger=``) records one call per phase, ``"phase1"``, ``"phase2"``, ``"phase3"``, each with the
structure calls it issued (``sub_calls``: ``init``, ``update_k``, ``query``; and ``sign``, the
'> 0' / '= 0' decisions), their counts as the structure's own ledger recorded them
(``sub_cost``, when the structure keeps one), the instance sizes (``sizes``: n, n_tilde,
d_tilde, nnz) and the reduction's own arithmetic (validation, construction, decoding) as
``mul_adds`` and ``words``.  Bounds: spec DA-5.5-cost and DA-5.9-cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Callable, cast

import mpmath
import numpy as np
import sympy

from impl.elements import as_index
from impl.ledger import Ledger
from impl.reductions import exactsign
from impl.reductions.hmv_inputs import boolean_matrix, default_structure, max_hint_nnz, tau_fraction, to_kind
from impl.reductions.hmv_quantities import oamv_quantities, odamv_quantities

__all__ = ["KINDS", "ODAMV_VARIANTS", "HMVResult", "OAMVReduction", "ODAMVReduction", "boolean_matrix",
           "max_hint_nnz", "oamv_hmv", "oamv_quantities", "odamv_hmv", "odamv_quantities",
           "tau_fraction"]

KINDS = ("sympy", "mpmath", "float64")
ODAMV_VARIANTS = ("corrected", "general", "printed", "printed-D", "printed-sub")
#: bits kept free of rounding error on top of the decoding need: 16 for the cancellation budget
#: of impl.expkernel, the rest for O(n) accumulated roundings.
GUARD_BITS = 24
_HALF_GAP = (math.e - 1) / 2


def _pairs(led: Ledger, rows: np.ndarray, cols: np.ndarray) -> list[tuple[int, int]]:
    """The (key row, column) entries of K~ to set: entry (l, k) of a hint becomes (k, l)."""
    led.touch(4 * rows.size)                # two indices read and two written a pair
    return [(int(k), int(row)) for row, k in zip(rows, cols)]


# ------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class HMVResult:
    """The decoded column and the cost accounting of one phase-3 call."""

    lemma: str
    variant: str
    index: int
    #: the Boolean column (M P V)[:, index]; ``None`` where a printed rule does not apply
    column: tuple[int | None, ...]
    n: int
    tau: str
    nnz_P: int
    max_nnz: int
    n_tilde: int
    d_tilde: int
    updates_k: int
    updates_v: int
    updates_q: int
    queries: int
    kind: str
    #: working precision in bits (None: exact)
    precision_bits: int | None
    #: bits a floating kind must resolve: log2(magnitude bound / half decoding gap) + guard
    bits_needed: int
    #: the quantities whose sign was decided (sympy expressions, mpf or float)
    quantities: tuple[Any, ...] = field(repr=False, compare=False)

    @property
    def complete(self) -> bool:
        return all(b is not None for b in self.column)

    @property
    def decoded(self) -> tuple[str, ...]:
        """The decided quantities as strings (exact for sympy)."""
        if self.kind == "mpmath":
            return tuple(mpmath.nstr(q, 12) for q in self.quantities)
        if self.kind == "float64":
            return tuple(repr(float(q)) for q in self.quantities)
        return tuple(str(q) for q in self.quantities)

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "quantities"}
        out["decoded"] = list(self.decoded)
        return out


# ------------------------------------------------------------------------------ base
class _HMVReduction:
    lemma = ""
    normalize = True

    def __init__(self, M: Any, V: Any, *, tau: Any = 1, kind: str = "sympy", a: float = 0.5,
                 prec: int | None = None, structure: Callable[..., Any] | None = None,
                 ledger: Ledger | None = None) -> None:
        """Phase 1: validate ``M``, ``V`` and initialize the dynamic structure.

        ``ledger``: where the phases' counts go (``self.ledger``; a new Ledger by default)."""
        self.ledger = ledger if ledger is not None else Ledger()
        self.ledger.begin("phase1")
        try:
            self._phase1(M, V, tau, kind, a, prec, structure)
        except BaseException:
            self.ledger.abort()
            raise
        self.ledger.end(self._space())

    def _space(self) -> int:
        """Words the reduction holds besides the structure: M, V, P (n x n each), the column sums."""
        n = self.n
        return 3 * n * n + n

    def _phase1(self, M: Any, V: Any, tau: Any, kind: str, a: float, prec: int | None,
                structure: Callable[..., Any] | None) -> None:
        led = self.ledger
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.M = boolean_matrix(M, "M", ledger=led)
        self.n = n = self.M.shape[0]
        self.V = boolean_matrix(V, "V", n, ledger=led)
        self.tau = tau_fraction(tau)
        self.max_nnz = max_hint_nnz(n, self.tau)
        self.kind = kind
        self.colsum = led.sum(self.V, axis=0)  # (1_{n x n} V)[j, i] = sum_k V[k, i], any j
        # magnitude of the decoded quantities: (A V~)[j, i] <= n e^{max logit}, logit <= nnz(P)
        self.log2_magnitude = math.log2(2 * n) + min(n, self.max_nnz) * math.log2(math.e)
        self.bits_needed = math.ceil(self.log2_magnitude - math.log2(_HALF_GAP)) + GUARD_BITS
        if kind == "float64":
            if self.bits_needed > 53:
                raise ValueError(f"kind='float64' resolves 53 bits but n={n} needs "
                                 f"{self.bits_needed}; use kind='mpmath' or 'sympy'")
            self.prec: int | None = 53
        elif kind == "mpmath":
            if prec is None:
                prec = max(self.bits_needed, 53)
            if isinstance(prec, bool) or not isinstance(prec, int) or prec < self.bits_needed:
                raise ValueError(f"prec must be an integer >= {self.bits_needed} bits for n={n}, "
                                 f"got {prec!r}")
            self.prec = prec
        else:
            self.prec = None
        self.counts = {"update_k": 0, "update_v": 0, "update_q": 0, "query": 0}
        self.P: np.ndarray | None = None
        Q0, K0, V0 = self._initial(led)
        self.n_tilde, self.d_tilde = Q0.shape
        factory = structure if structure is not None else default_structure()
        with self._precision():
            args = (to_kind(Q0, kind, led), to_kind(K0, kind, led), to_kind(V0, kind, led))
            self.structure = factory(*args, a=a, normalize=self.normalize)
        led.sub("init", 1, self._structure_cost(0))
        led.sizes(n=n, n_tilde=self.n_tilde, d_tilde=self.d_tilde)

    def construction(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The phase-1 matrices ``(Q~, K~, V~)`` given to the structure (0/1 integers)."""
        return self._initial(Ledger(enabled=False))

    def _structure_cost(self, start: int) -> tuple[int, int, int] | None:
        """The structure's own counts of its calls from index ``start`` on (None: no ledger)."""
        sled = getattr(getattr(self, "structure", None), "ledger", None)
        if not isinstance(sled, Ledger):
            return None
        return sled.since(start)

    def _structure_calls(self) -> int:
        sled = getattr(self.structure, "ledger", None)
        return len(sled.calls) if isinstance(sled, Ledger) else 0

    # -- hooks
    def _initial(self, led: Ledger) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _hint_updates(self, P: np.ndarray, led: Ledger) -> list[tuple[int, int]]:
        """The (key row, column) entries of ``K~`` set to 1 so that ``K~^T`` holds the hint."""
        raise NotImplementedError

    def _check_class(self, P: np.ndarray, led: Ledger) -> None:
        pass

    def _decode_column(self, i: int) -> list[tuple[int | None, Any]]:
        """``(bit, decided quantity)`` for every row ``j`` of column ``i``."""
        raise NotImplementedError

    # -- helpers
    def _precision(self) -> Any:
        if self.kind == "mpmath":
            return mpmath.workprec(self.prec)
        return _NullContext()

    def _query(self, j: int, i: int) -> Any:
        self.counts["query"] += 1
        return self.structure.query(j, i)

    def _column(self, i: int) -> np.ndarray:
        """Column ``i`` of the structure's answer, rows ``0 .. n-1``: ``n`` queries."""
        return np.array([self._query(j, i) for j in range(self.n)], dtype=object)

    def _bit(self, q: Any) -> int:
        """1 if the decoded quantity is > 0, 0 if it is 0 (it is never negative)."""
        self.ledger.sub("sign")
        if self.kind == "sympy":
            s = exactsign.sign(q)
            if s < 0:
                raise ArithmeticError(f"decoded quantity {q} is negative, which Claims 5.6/5.10 exclude")
            return s
        qf = float(q)
        prec = cast(int, self.prec)          # float64 and mpmath set it; sympy returned above
        tol = 2.0 ** (self.log2_magnitude - (prec - GUARD_BITS + 8))
        if abs(qf) <= tol:
            return 0
        if qf >= 2 * _HALF_GAP - tol:
            return 1
        raise ArithmeticError(f"decoded quantity {qf!r} is neither 0 nor >= e - 1 within {tol:.2e}: "
                              f"precision {self.prec} bits is not enough")

    # -- phases
    def phase2(self, P: Any) -> None:
        """Phase 2: the hint ``P`` (at most ``floor(n^tau)`` non-zeros), one update per entry."""
        if self.P is not None:
            raise RuntimeError("phase 2 was already run; the hint is given once (Definition 5.2)")
        led = self.ledger
        led.begin("phase2")
        try:
            self._phase2(P, led)
        except BaseException:
            led.abort()
            raise
        led.end(self._space())

    def _phase2(self, P: Any, led: Ledger) -> None:
        n = self.n
        Pa = boolean_matrix(P, "P", n, ledger=led)
        nnz = int(led.sum(Pa))
        if nnz > self.max_nnz:
            raise ValueError(f"P has {nnz} non-zeros but HMV allows at most floor(n^tau) = "
                             f"{self.max_nnz} (n={self.n}, tau={self.tau})")
        self._check_class(Pa, led)
        start = self._structure_calls()
        updates = self._hint_updates(Pa, led)
        with self._precision():
            for key, col in updates:
                self.structure.update_k(key, col, 1)
                self.counts["update_k"] += 1
        led.sub("update_k", len(updates), self._structure_cost(start))
        led.sizes(n=n, n_tilde=self.n_tilde, d_tilde=self.d_tilde, nnz=nnz)
        self.P, self.nnz = Pa, nnz

    def phase3(self, i: Any) -> HMVResult:
        """Phase 3: decode the column ``(M P V)[:, i]`` from ``n`` (or ``2n``) queries."""
        if self.P is None:
            raise RuntimeError("phase 3 needs the hint: call phase2(P) first")
        i = as_index(i, "i", self.n)
        led = self.ledger
        led.begin("phase3")
        before = dict(self.counts)
        start = self._structure_calls()
        try:
            with self._precision():
                bits, decoded = zip(*self._decode_column(i))
        except BaseException:
            led.abort()
            raise
        led.sub("query", self.counts["query"] - before["query"], self._structure_cost(start))
        led.touch(2 * self.n)                                 # the column and the quantities
        led.sizes(n=self.n, n_tilde=self.n_tilde, d_tilde=self.d_tilde, nnz=self.nnz)
        led.end(self._space())
        return HMVResult(
            lemma=self.lemma, variant=getattr(self, "variant", "corrected"), index=i,
            column=tuple(bits), n=self.n, tau=str(self.tau), nnz_P=self.nnz,
            max_nnz=self.max_nnz, n_tilde=self.n_tilde, d_tilde=self.d_tilde,
            updates_k=self.counts["update_k"], updates_v=self.counts["update_v"],
            updates_q=self.counts["update_q"], queries=self.counts["query"] - before["query"],
            kind=self.kind, precision_bits=self.prec, bits_needed=self.bits_needed,
            quantities=tuple(decoded))


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


# ------------------------------------------------------------------------------ Lemma 5.5
class OAMVReduction(_HMVReduction):
    """DA Lemma 5.5 (DA arXiv v1, section 5.3): HMV through OAMV, ``exp(Q K^T) V`` unnormalized."""

    lemma = "DA-5.5"
    normalize = False
    variant = "corrected"

    def _initial(self, led: Ledger) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.n
        return led.copy(self.M), np.zeros((n, n), dtype=np.int64), led.copy(self.V)

    def _hint_updates(self, P: np.ndarray, led: Ledger) -> list[tuple[int, int]]:
        # K~^T = P, i.e. K~[k, l] = P[l, k]: then (Q~ K~^T)[j, k] = (M P)[j, k]
        return _pairs(led, *led.nonzero(P))

    def _decode_column(self, i: int) -> list[tuple[int | None, Any]]:
        # ((exp(M P) - 1_{n x n}) V)[j, i] = (exp(M P) V)[j, i] - sum_k V[k, i]
        q = self.ledger.offset(self._column(i), -int(self.colsum[i]))
        return [(self._bit(x), x) for x in q]


def oamv_hmv(M: Any, V: Any, P: Any, i: Any, **kwargs: Any) -> HMVResult:
    """All three phases of DA Lemma 5.5 on one HMV instance."""
    red = OAMVReduction(M, V, **kwargs)
    red.phase2(P)
    return red.phase3(i)


# ------------------------------------------------------------------------------ Lemma 5.9
class ODAMVReduction(_HMVReduction):
    """DA Lemma 5.9 (DA arXiv v1, section 5.4; Lemma C.5 of a later version): HMV through normalized ODAMV."""

    lemma = "DA-5.9"
    normalize = True

    def __init__(self, M: Any, V: Any, *, variant: str = "corrected", **kwargs: Any) -> None:
        if variant not in ODAMV_VARIANTS:
            raise ValueError(f"variant must be one of {ODAMV_VARIANTS}, got {variant!r}")
        if variant.startswith("printed") and kwargs.get("kind", "sympy") != "sympy":
            raise ValueError(f"variant={variant!r} (the printed decoding, kept for the erratum "
                             "records) decides '> 0' / '= 0' exactly and needs kind='sympy'")
        self.variant = variant
        super().__init__(M, V, **kwargs)

    def _initial(self, led: Ledger) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.n
        rows = 2 * n + (1 if self.variant == "general" else 0)
        Q = np.zeros((rows, 2 * n), dtype=np.int64)
        led.assign(Q, (slice(0, n), slice(0, n)), self.M)
        # M bar, so that every row of [M, M bar] has n ones
        led.assign(Q, (slice(0, n), slice(n, 2 * n)), led.subtract_from(1, self.M))
        K = np.zeros((rows, 2 * n), dtype=np.int64)
        V = np.zeros((rows, 2 * n), dtype=np.int64)
        led.assign(V, (slice(0, n), slice(0, n)), self.V)
        if self.variant == "general":
            V[2 * n, n] = 1  # zero key row 2n has logit 0 for every query: A[j, 2n] = 1
        return Q, K, V

    def _check_class(self, P: np.ndarray, led: Ledger) -> None:
        if self.variant == "corrected":
            cols = led.sum(P, axis=0)
            if led.max(cols) > 1:
                k = int(np.argmax(cols > 1))
                raise ValueError(
                    f"P has {int(cols[k])} non-zeros in column {k}: the construction of DA Lemma 5.9 "
                    "knows D~ only when every column of P has at most one non-zero (the paper takes "
                    "P diagonal); use variant='general' for any P")

    def _hint_updates(self, P: np.ndarray, led: Ledger) -> list[tuple[int, int]]:
        n = self.n
        big = np.zeros((2 * n, 2 * n), dtype=np.int64)
        led.assign(big, (slice(0, n), slice(0, n)), P)
        led.assign(big, (slice(n, 2 * n), slice(n, 2 * n)), P)
        return _pairs(led, *led.nonzero(big))

    def _D(self) -> Any:
        """The diagonal entry D~[j] (any j < n) the decoding uses."""
        n, s = self.n, self.nnz
        E = self._e()
        if self.variant in ("printed", "printed-D"):
            ntau = self._ntau()
            return ntau * (E + 1)
        return 2 * n + s * (E - 1)

    def _e(self) -> Any:
        if self.kind == "sympy":
            return sympy.E
        if self.kind == "mpmath":
            return mpmath.e
        return math.e

    def _ntau(self) -> Any:
        p, q = self.tau.numerator, self.tau.denominator
        if self.kind == "sympy":
            return sympy.Integer(self.n) ** sympy.Rational(p, q)
        if self.kind == "mpmath":
            return mpmath.power(self.n, mpmath.mpf(p) / q)
        return float(self.n) ** (p / q)

    def _decode_column(self, i: int) -> list[tuple[int | None, Any]]:
        led = self.ledger
        value = self._column(i)  # (D~^{-1} exp(Q~ K~^T) V~)[j, i]
        colsum = int(self.colsum[i])
        if self.variant == "general":
            inv_d = self._column(self.n)  # (D~^{-1} A V~)[j, n] = A[j, 2n] / D~[j] = 1 / D~[j]
            q = led.subtract(value, led.scale(inv_d, colsum))
            if self.kind != "sympy":
                q = led.divide(q, inv_d)
            return [(self._bit(x), x) for x in q]
        D = self._D()                # D~[j], the same for every j < n
        if self.variant in ("printed", "printed-sub"):
            # printed: (D~^{-1} exp(..) V~)[j, i] - (D~^{-1} V~)[j, i]
            q = led.subtract(value, led.scale(self.V[:, i].astype(object), 1 / D))
        else:
            q = led.offset(led.scale(value, D), -colsum)
        if self.variant.startswith("printed"):
            out = []
            for x in q:
                led.sub("sign")
                s = exactsign.sign(x)  # the printed rule: > 0 -> 1, = 0 -> 0, nothing for < 0
                out.append(((None if s < 0 else s), x))
            return out
        return [(self._bit(x), x) for x in q]


def odamv_hmv(M: Any, V: Any, P: Any, i: Any, **kwargs: Any) -> HMVResult:
    """All three phases of DA Lemma 5.9 on one HMV instance."""
    red = ODAMVReduction(M, V, **kwargs)
    red.phase2(P)
    return red.phase3(i)
