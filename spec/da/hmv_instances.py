"""HMV instances for DA (arXiv 2304.02207) section 5: the Boolean product the reductions must
reproduce, the exhaustive families, the Hypothesis strategy, and the check that the families
cover every answer bit.

Instances are JSON-friendly dicts ``{"M": rows, "V": rows, "P": rows, "tau": "p/q"}`` of 0/1
lists (0-based indices).  :func:`hmv_answer` is the Boolean-semiring product computed directly
by loops (DA Definition 5.2; it shares no code with ``impl``).

Instance families:

* :func:`full_instances` -- every ``(M, V, P)`` of size ``n`` with ``P`` in a class.
* :func:`cover_instances` -- for each ``P`` of the class, ``ceil(2^n / n)^2`` pairs ``(M, V)``
  whose rows (columns) run through all ``2^n`` Boolean vectors.  Bit ``(j, i)`` of ``M P V`` and
  entry ``(j, i)`` of ``exp(M P) V`` depend only on row ``j`` of ``M``, on ``P`` and on column ``i``
  of ``V``, so the family produces every answer bit of every HMV instance of size ``n`` (all
  ``2^(2 n^2)`` pairs ``(M, V)``) with ``n^2`` bits per run: 9 runs per hint for ``n = 3``
  (1 170 runs for the 130 hints with at most 3 non-zeros) instead of 2^18 pairs per hint.
  :func:`families_cover` checks that claim on the families themselves.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from math import comb
from typing import Any, Iterable, Iterator

from impl.reductions.hmv import max_hint_nnz
from spec.evidence import evidence, table
from spec.profiles import Profile
from spec.registry import Counterexample, Exhaustive, Property

Matrix = list[list[int]]
HINT_CLASSES = ("any", "column", "diagonal")


# ------------------------------------------------------------------------------ oracle
def hmv_answer(M: Matrix, P: Matrix, V: Matrix) -> Matrix:
    """``M P V`` over the Boolean semiring, by definition (DA Definition 5.2)."""
    n = len(M)
    return [[int(any(M[j][m] and P[m][k] and V[k][i] for m in range(n) for k in range(n)))
             for i in range(n)] for j in range(n)]


def nnz(P: Matrix) -> int:
    return sum(map(sum, P))


def in_class(P: Matrix, cls: str) -> bool:
    n = len(P)
    if cls == "any":
        return True
    if cls == "diagonal":
        return all(P[a][b] == 0 for a in range(n) for b in range(n) if a != b)
    if cls == "column":
        return all(sum(P[a][b] for a in range(n)) <= 1 for b in range(n))
    raise ValueError(f"unknown hint class {cls!r}")


# ------------------------------------------------------------------------------ enumeration
def all_matrices(n: int) -> Iterator[Matrix]:
    for bits in itertools.product((0, 1), repeat=n * n):
        yield [list(bits[r * n:(r + 1) * n]) for r in range(n)]


def hints(n: int, cls: str = "any", max_nnz: int | None = None) -> Iterator[Matrix]:
    """Every Boolean ``n x n`` hint of a class with at most ``max_nnz`` non-zeros, by nnz."""
    cells = [(a, b) for a in range(n) for b in range(n)]
    if cls == "diagonal":
        cells = [(a, a) for a in range(n)]
    top = len(cells) if max_nnz is None else min(max_nnz, len(cells))
    for k in range(top + 1):
        for chosen in itertools.combinations(cells, k):
            P = [[0] * n for _ in range(n)]
            for a, b in chosen:
                P[a][b] = 1
            if in_class(P, cls):
                yield P


def _cover_rows(n: int) -> list[Matrix]:
    """Matrices whose rows, together, are all ``2^n`` Boolean vectors (last one padded)."""
    vectors = [list(v) for v in itertools.product((0, 1), repeat=n)]
    out = []
    for start in range(0, len(vectors), n):
        rows = vectors[start:start + n]
        rows += vectors[: n - len(rows)]
        out.append(rows)
    return out


def cover_instances(n: int, cls: str = "any", *, tau: str = "1", bounded: bool = True
                    ) -> Iterator[dict[str, Any]]:
    max_nnz = max_hint_nnz(n, Fraction(tau)) if bounded else None
    Ms = _cover_rows(n)
    Vs = [[list(r) for r in zip(*cols)] for cols in _cover_rows(n)]  # columns run through all
    for P in hints(n, cls, max_nnz):
        for M in Ms:
            for V in Vs:
                yield {"M": M, "V": V, "P": P, "tau": tau}


def full_instances(n: int, cls: str = "any", *, tau: str = "1", bounded: bool = True
                   ) -> Iterator[dict[str, Any]]:
    max_nnz = max_hint_nnz(n, Fraction(tau)) if bounded else None
    for P in hints(n, cls, max_nnz):
        for M in all_matrices(n):
            for V in all_matrices(n):
                yield {"M": M, "V": V, "P": P, "tau": tau}


def family(profile: Profile, cls: str = "any", *, bounded: bool = True, max_n: int = 3
           ) -> Iterator[dict[str, Any]]:
    """The exhaustive family: quick = covers for n <= max_n; deep = every instance for
    n <= 2 and the cover for n = 3.  Ordered by n, then by nnz(P), so that a first
    counterexample is a smallest one."""
    for n in range(1, max_n + 1):
        if profile.deep and n <= 2:
            yield from full_instances(n, cls, bounded=bounded)
        else:
            yield from cover_instances(n, cls, bounded=bounded)


def printed_family(profile: Profile) -> Iterator[dict[str, Any]]:
    """Instances satisfying the printed proof's own assumptions for Lemma 5.9: P diagonal with
    nnz(P) = n^tau exactly (tau rational in (0, 1]); n <= 3 (full for n <= 2 in deep, covers
    otherwise) and n = 4 with tau = 1/2 (the smallest n with nnz(P) = n^tau < n)."""
    for n in (1, 2, 3, 4):
        taus = {s: tau_for(n, s) for s in range(1, n + 1)}
        taus = {s: t for s, t in taus.items() if t is not None and (n < 4 or t < 1)}
        for s, tau in sorted(taus.items(), key=lambda kv: -kv[0]):
            diag = [P for P in hints(n, "diagonal", s) if nnz(P) == s]
            full = profile.deep and n <= 2
            for P in diag:
                if full:
                    pairs = ((M, V) for M in all_matrices(n) for V in all_matrices(n))
                else:
                    pairs = ((M, [list(r) for r in zip(*Vc)]) for M in _cover_rows(n)
                             for Vc in _cover_rows(n))
                for M, V in pairs:
                    yield {"M": M, "V": V, "P": P, "tau": str(tau)}


def tau_for(n: int, s: int) -> Fraction | None:
    """``tau`` with ``n^tau = s`` when it is rational and in (0, 1] (n = 1: s must be 1)."""
    if s < 1 or s > n:
        return None
    if n == 1:
        return Fraction(1)
    for q in range(1, 7):
        for p in range(1, q + 1):
            if s**q == n**p:
                return Fraction(p, q)
    return None


# ------------------------------------------------------------------------------ strategies
TAUS = ("1", "1/2", "2/3", "1/3", "3/4")


def instance_strategy(n_max: int = 16, cls: str = "any", n_min: int = 1) -> Any:
    """Random HMV instances: n in [n_min, n_max], tau from :data:`TAUS`, P of the class with at
    most floor(n^tau) non-zeros."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        n = draw(st.integers(n_min, n_max))
        tau = draw(st.sampled_from(TAUS))
        cap = max_hint_nnz(n, Fraction(tau))
        bits = st.lists(st.lists(st.integers(0, 1), min_size=n, max_size=n), min_size=n, max_size=n)
        M, V = draw(bits), draw(bits)
        if cls == "diagonal":
            cells = [(a, a) for a in range(n)]
        elif cls == "column":
            rows = draw(st.lists(st.integers(-1, n - 1), min_size=n, max_size=n))
            cells = [(r, c) for c, r in enumerate(rows) if r >= 0]
        else:
            cells = [(a, b) for a in range(n) for b in range(n)]
        k = draw(st.integers(0, min(cap, len(cells))))
        chosen = draw(st.permutations(cells))[:k] if cells else []
        P = [[0] * n for _ in range(n)]
        for a, b in chosen:
            P[a][b] = 1
        return {"M": M, "V": V, "P": P, "tau": tau}

    return build()


def encode(inst: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, str) else [list(r) for r in v]) for k, v in inst.items()}


def decode(data: dict[str, Any]) -> dict[str, Any]:
    return encode(data)


# ------------------------------------------------------------------------------ checks over the families
#: what the exhaustive families cover: bit (j, i) of M P V and entry (j, i) of the reduction depend
#: only on row j of M, on P and on column i of V, so a cover of rows and columns answers every bit
#: of every instance (:func:`families_cover` checks it)
CLASSES = {"any": "every Boolean P", "column": "every P with at most one non-zero per column"}
PRINTED_SCOPE = ("n <= 3, and n = 4 with tau = 1/2: every diagonal P with nnz(P) = n^tau, (M, V) "
                 "through a cover of all rows and columns (deep: every (M, V) for n <= 2); exact")


def family_scope(cls: str) -> str:
    return (f"n <= 3, {CLASSES[cls]} with nnz(P) <= n: (M, V) whose rows and columns run through all "
            "2^n Boolean vectors, i.e. every (row of M, P, column of V) (deep: every (M, V, P) for "
            "n <= 2); exact sympy, signs decided with no tolerance")


def family_check(name: str, cls: str, predicate: Any, *, bounded: bool = True) -> Exhaustive:
    """An exhaustive check of ``predicate`` over :func:`family` of a hint class."""
    return Exhaustive(name=name, instances=lambda profile: family(profile, cls, bounded=bounded),
                      predicate=predicate, scope=family_scope(cls), encode=encode, decode=decode)


def printed_family_check(predicate: Any) -> Exhaustive:
    """An exhaustive check over :func:`printed_family` (the printed proof's own assumptions)."""
    return Exhaustive(name="n <= 4, diagonal P with nnz(P) = n^tau as the proof assumes (exact)",
                      instances=printed_family, predicate=predicate, scope=PRINTED_SCOPE, encode=encode,
                      decode=decode)


def random_check(name: str, cls: str, predicate: Any, weight: float, n_max: int = 16) -> Property:
    """A Hypothesis search over :func:`instance_strategy` up to ``n_max``."""
    return Property(name=name, strategy=lambda: instance_strategy(n_max, cls), predicate=predicate,
                    weight=weight, encode=encode, decode=decode)


def implementation_checks(predicate: Any, n_max: int, cls: str = "any") -> tuple[Exhaustive, Property]:
    """How an ``/impl`` record runs the reduction's quantities: every instance of :func:`family`
    of the hint class ``cls`` (a key of :data:`CLASSES`) up to n = 3, then random instances up to
    ``n_max``."""
    return (family_check("n <= 3 (exact)", cls, predicate),
            random_check(f"random up to n = {n_max} (exact)", cls, predicate, 0.3, n_max))


# ------------------------------------------------------------------------------ cover
def expected_hints(n: int, cls: str) -> int:
    """Boolean n x n hints of a class with at most floor(n^1) = n non-zeros (tau = 1): any P
    (sum_k C(n^2, k)), or at most one non-zero per column ((n + 1)^n, all within the cap)."""
    cap = max_hint_nnz(n, Fraction(1))
    if cls == "any":
        return sum(comb(n * n, k) for k in range(cap + 1))
    return (n + 1) ** n


def _coverage(instances: Iterable[dict[str, Any]]) -> dict[tuple[int, str], set]:
    seen: dict[tuple[int, str], set] = {}
    for inst in instances:
        M, V = inst["M"], inst["V"]
        n = len(M)
        pairs = seen.setdefault((n, json.dumps(inst["P"])), set())
        columns = [tuple(r[i] for r in V) for i in range(n)]
        for row in M:
            for col in columns:
                pairs.add((tuple(row), col))
    return seen


def families_cover(profile: Profile) -> dict[str, Any]:
    """Raises Counterexample when a family misses a (row, column) pair for some hint, or a hint."""
    rows = []
    for label, cls, fam in (("any P (DA-5.5, 5.6, 5.7, 5.10, 5.11, 5.9-general: /impl)", "any",
                             family(profile, "any")),
                            ("<= 1 non-zero per column (DA-5.9/impl, 5.9-D/impl)", "column",
                             family(profile, "column")),
                            ("diagonal, nnz(P) = n^tau (printed DA-5.9 records)", None,
                             printed_family(profile))):
        seen = _coverage(fam)
        for n in sorted({k[0] for k in seen}):
            hints = {p: v for (m, p), v in seen.items() if m == n}
            short = [p for p, v in hints.items() if len(v) != 4 ** n]
            if short:
                raise Counterexample(f"the {label} family misses (row, column) pairs", n=n,
                                     hint=json.loads(short[0]), covered=len(hints[short[0]]),
                                     needed=4 ** n)
            want = expected_hints(n, cls) if cls else None
            if want is not None and len(hints) != want:
                raise Counterexample(f"the {label} family has {len(hints)} hints for n = {n}, not "
                                     f"every one of the class ({want})", n=n)
            rows.append([label, n, len(hints), want if want is not None else "-", 4 ** n])
    return evidence(
        "For every n and every hint P of each family, every pair (row of M, column of V) of {0,1}^n occurs in "
        "some run, and the 'any' and 'column' families hold every hint of their class with nnz(P) <= n: the "
        "exhaustive checks answer every bit of every HMV instance of those sizes.",
        table("exhaustive HMV families: coverage",
              ["family", "n", "hints", "hints in the class", "(row, column) pairs covered per hint"], rows),
        examples=len(rows))
