"""Instances of AS (arXiv 2302.13214) section 4: Gap-ANN instance families, strategies, their JSON
encodings, the direct answer, and the adversarial approximate-attention oracles.

An instance is ``{"A": rows, "B": rows, "t": t, "eps": eps}`` (0/1 lists, JSON-friendly).  The
direct answer (:func:`classes`) computes Hamming distances by loops, independently of ``impl``.

"Any approximate algorithm" (AAttC, AS Definition 1.2: ``||T - D^{-1} A V||_inf <= eps_a``) is
modelled by oracles that compute the exact attention through :func:`impl.attention.attention`
and displace it by exactly ``eps_a`` with a sign pattern:

* ``"exact"``: no displacement;
* ``"worst"``: each decision row pushed towards the wrong side (``-eps_a`` on "near" rows,
  ``+eps_a`` on the others).  As the decision is a per-row threshold, monotone in ``u_i``, this
  pattern is the worst case of *every* displacement of size at most ``eps_a``;
* ``"plus"``, ``"minus"``: every entry ``+eps_a`` / ``-eps_a``;
* ``"bits:<k>"``: row ``i`` gets ``+eps_a`` iff bit ``i`` of ``k`` is 1 (all ``2^n`` patterns in
  the deep profile for small ``n``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable, Iterator

import mpmath
import numpy as np

from impl.attention import attention
from impl.reductions import ann as R
from spec.profiles import Profile
from spec.registry import Counterexample, Exhaustive

NEAR, FAR, OUTSIDE = R.NEAR, R.FAR, R.OUTSIDE


# ------------------------------------------------------------------------------ direct answer
def distance(a: list[int], b: list[int]) -> int:
    return sum(1 for x, y in zip(a, b) if x != y)


def classes(A: list[list[int]], B: list[list[int]], t: float, eps: float) -> list[str]:
    """Definition 4.5 by loops: near (some distance < t), far (all >= (1+eps) t), outside."""
    out = []
    for a in A:
        m = min(distance(a, b) for b in B)
        out.append(NEAR if m < t else FAR if m >= (1 + eps) * t else OUTSIDE)
    return out


def balanced_dims(inst: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, int, float]:
    """The vectors, dimension and threshold the attention case works with (Remark 4.4 applied
    unless every vector already has half its entries 1)."""
    A = np.array(inst["A"], dtype=np.int64)
    B = np.array(inst["B"], dtype=np.int64)
    if not (R.is_balanced(A) and R.is_balanced(B)):
        return R.balance(A), R.balance(B), 2 * A.shape[1], 2 * float(inst["t"])
    return A, B, A.shape[1], float(inst["t"])


def params_for(inst: dict[str, Any], variant: str = "corrected") -> R.Lemma47Params:
    A, _, d, t = balanced_dims(inst)
    return R.lemma47_params(len(A), d, t, float(inst["eps"]), variant)


def fail(message: str, inst: dict[str, Any], **extra: Any) -> None:
    raise Counterexample(message, instance=inst, **extra)


def decisions_ok(res: R.GapANNResult, want: list[str], inst: dict[str, Any], label: str) -> None:
    """The result's promise classes are the direct answer's, and every row inside the promise is
    decided as its class says."""
    if list(res.classes) != want:
        fail(f"{label}: result classes {list(res.classes)} differ from the definition {want}", inst)
    for i, (c, near) in enumerate(zip(want, res.near)):
        if c != OUTSIDE and (c == NEAR) != near:
            fail(f"{label}: row {i} is {c} but was decided {'near' if near else 'far'}", inst,
                 row=i, u=list(res.u), t0=(res.params or {}).get("log10_t0"))


# ------------------------------------------------------------------------------ adversaries
def adversary(inst: dict[str, Any], pattern: str) -> Callable[..., np.ndarray]:
    """An AAttC oracle: exact attention (impl) displaced by ``eps_a`` in the given pattern."""
    n = len(inst["A"])
    eps_a = params_for(inst).eps_a  # eps_a does not depend on the variant
    truth = classes(inst["A"], inst["B"], float(inst["t"]), float(inst["eps"]))

    def sign(row: int) -> int:
        if pattern == "exact":
            return 0
        if pattern == "plus":
            return 1
        if pattern == "minus":
            return -1
        if pattern == "worst":
            return -1 if row < n and truth[row] == NEAR else 1
        if pattern.startswith("bits:"):
            return 1 if row >= n or (int(pattern[5:]) >> row) & 1 else -1
        raise ValueError(f"unknown pattern {pattern!r}")

    def oracle(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: Any) -> np.ndarray:
        T = exact_attention(Q, K, V, scale)
        for r in range(T.shape[0]):
            s = sign(r)
            if s:
                for c in range(T.shape[1]):
                    T[r, c] = T[r, c] + s * eps_a
        return T

    return oracle


_EXACT: dict[tuple[Any, ...], np.ndarray] = {}


def exact_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: Any) -> np.ndarray:
    """:func:`impl.attention.attention` at the working precision, memoized on the inputs (the
    oracles of one instance share it); returns a fresh copy."""
    def raw(X: np.ndarray) -> tuple[Any, ...]:
        return (X.shape, tuple(mpmath.mpf(x)._mpf_ for x in X.flat))

    key = (mpmath.mp.prec, mpmath.mpf(scale)._mpf_, raw(Q), raw(K), raw(V))
    if key not in _EXACT:
        if len(_EXACT) > 64:
            _EXACT.clear()
        _EXACT[key] = attention(Q, K, V, scale=scale)
    return _EXACT[key].copy()


def patterns(profile: Profile | str | None, n: int) -> list[str]:
    """The adversarial oracle outputs tried; ``profile``: a profile or its name (an instance
    records the name, so that a replayed counterexample uses the same patterns)."""
    name = profile if isinstance(profile, str) or profile is None else profile.name
    base = ["exact", "worst", "plus", "minus"]
    if name == "deep" and n <= 4:
        base += [f"bits:{k}" for k in range(2**n)]
    return base


# ------------------------------------------------------------------------------ enumeration
def balanced_vectors(d: int) -> list[list[int]]:
    return [list(v) for v in itertools.product((0, 1), repeat=d) if sum(v) * 2 == d]


def all_vectors(d: int) -> list[list[int]]:
    return [list(v) for v in itertools.product((0, 1), repeat=d)]


def instances(vectors: list[list[int]], n: int, grid: list[tuple[float, float]]
              ) -> Iterator[dict[str, Any]]:
    for t, eps in grid:
        for A in itertools.product(vectors, repeat=n):
            for B in itertools.product(vectors, repeat=n):
                yield {"A": [list(a) for a in A], "B": [list(b) for b in B], "t": t, "eps": eps}


GRID_D2 = [(1.0, 1.0), (1.0, 0.5), (2.0, 0.5), (0.5, 1.0), (1.5, 0.25), (2.0, 1.0)]


GRID_D4 = [(1.0, 1.0), (2.0, 0.5), (3.0, 0.25), (1.5, 1.0)]


def family(profile: Profile) -> Iterator[dict[str, Any]]:
    """Every balanced instance for d = 2 (n = 2, 3; deep: n <= 4) and d = 4 (n = 2, deep only),
    and every raw instance for d = 1 (n = 2, 3), which goes through Remark 4.4; smallest first."""
    quick = not profile.deep
    grid2 = GRID_D2[:3] if quick else GRID_D2
    yield from instances(balanced_vectors(2), 2, grid2)
    yield from instances(all_vectors(1), 2, [(1.0, 1.0), (0.5, 1.0)])
    yield from instances(balanced_vectors(2), 3, grid2)
    yield from instances(all_vectors(1), 3, [(1.0, 1.0)])
    if not quick:
        yield from instances(balanced_vectors(2), 4, grid2)
        yield from instances(balanced_vectors(4), 2, GRID_D4)


def family_with_patterns(profile: Profile) -> Iterator[dict[str, Any]]:
    """:func:`family`, each instance tagged with the profile that chooses its oracle patterns."""
    for inst in family(profile):
        yield {**inst, "patterns": profile.name}


def pair_family(d_max: int) -> Iterator[dict[str, Any]]:
    """Balanced pairs (a, b) for even d <= d_max with thresholds t in 1..d-1 and eps in a grid."""
    for d in range(2, d_max + 1, 2):
        vs = balanced_vectors(d)
        for t in range(1, d):
            for eps in (0.25, 0.5, 1.0):
                for a in vs:
                    for b in vs:
                        yield {"a": a, "b": b, "d": d, "t": float(t), "eps": eps}


def raw_family(profile: Profile) -> Iterator[dict[str, Any]]:
    """Every instance with n = 2 and raw (unbalanced) vectors of dimension d <= 2 (deep: n = 3,
    d = 2 as well), thresholds and gaps from a grid, for the lookup case and Remark 4.4."""
    grid = [(0.5, 1.0), (1.0, 1.0), (1.5, 0.5), (2.0, 0.25)]
    for d in (1, 2):
        yield from instances(all_vectors(d), 2, [(t, e) for t, e in grid if t <= d])
    if profile.deep:
        yield from instances(all_vectors(2), 3, grid)


# ------------------------------------------------------------------------------ strategies
def instance_strategy(n_max: int = 16, d_max: int = 6) -> Any:
    """Random Gap-ANN instances: n in [2, n_max], raw dimension d in [1, d_max] (balanced by
    Remark 4.4 when needed), t a multiple of 1/2 in (0, d], eps in {1/4, 1/2, 1, 2}."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        n = draw(st.integers(2, n_max))
        d = draw(st.integers(1, d_max))
        vec = st.lists(st.integers(0, 1), min_size=d, max_size=d)
        A = draw(st.lists(vec, min_size=n, max_size=n))
        if draw(st.booleans()):  # plant near neighbours so that "near" rows are common
            B = [list(a) for a in A]
            for row in B:
                for k in range(d):
                    if draw(st.integers(0, 3)) == 0:
                        row[k] ^= 1
            B = draw(st.permutations(B))
        else:
            B = draw(st.lists(vec, min_size=n, max_size=n))
        t = draw(st.integers(1, d)) / 2  # t <= d/2: "far" rows stay possible
        eps = draw(st.sampled_from([0.25, 0.5, 1.0, 2.0]))
        return {"A": A, "B": [list(b) for b in B], "t": t, "eps": eps}

    return build()


def encode(inst: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(inst))


def decode(data: dict[str, Any]) -> dict[str, Any]:
    return encode(data)


# ------------------------------------------------------------------------------ exhaustive checks
#: the families of :func:`family` and :func:`raw_family`, as the records' scopes state them
BAL = "balanced d = 2 (n = 2, 3; deep n <= 4), d = 4 (deep, n = 2), raw d = 1 (n = 2, 3)"
#: what the exhaustive families cover; decisions computed in mpmath at the
#: reduction's precision (>= 64 guard bits), comparisons with a margin of 2^-(precision - 64)
FAM_SCOPE = ("every instance of: balanced d = 2 with n in {2, 3}, (t, eps) in {(1, 1), (1, 1/2), "
             "(2, 1/2)}; raw d = 1 (balanced by Remark 4.4) with n = 2, (t, eps) in {(1, 1), "
             "(1/2, 1)}, and n = 3, (t, eps) = (1, 1); deep adds n = 4 and d = 4 (n = 2) and three "
             "more (t, eps) pairs; mpmath at the reduction's precision")
RAW_SCOPE = ("every instance with n = 2, raw d in {1, 2}, (t, eps) in {(1/2, 1), (1, 1), (3/2, 1/2), "
             "(2, 1/4)} with t <= d (deep: also n = 3, d = 2); exact integers")
ENC = {"encode": encode, "decode": decode}


def exhaustive(name: str, family_of: Callable[[Profile], Iterator[Any]], predicate: Callable[[Any], None],
               scope: str) -> Exhaustive:
    return Exhaustive(name=name, instances=family_of, predicate=predicate, scope=scope, **ENC)


def every_instance(predicate: Callable[[Any], None], variant: str = "") -> Exhaustive:
    """``predicate`` on every instance of :func:`family`; ``variant`` tells apart two checks of one
    record in the check's name."""
    return exhaustive(f"every instance{', ' + variant if variant else ''}: {BAL}", family, predicate, FAM_SCOPE)


def every_raw_instance(predicate: Callable[[Any], None]) -> Exhaustive:
    """``predicate`` on every instance of :func:`raw_family`."""
    return exhaustive("every raw instance n = 2, d <= 2 (deep: n = 3)", raw_family, predicate, RAW_SCOPE)
