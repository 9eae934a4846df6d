"""Subjects with one planted defect each, which the conformance kit must catch (and a correct
reference beside them, which it must pass).

Dynamic structures (``check-dynamic benchmarks.peers.planted:NAME``), each a small eager
maintenance of ``A = exp(scale Q K^T - shift)``, ``D = A 1`` (DA section 4's quantities) with
one defect:

* :class:`Correct`: no defect;
* :class:`WrongAxis`: a key update ``K[i] += ..`` re-evaluates row ``i`` of ``A`` instead of
  column ``i`` (the defect the kit found in a public implementation);
* :class:`NoShift`: ``exp`` of unshifted logits: logits near 700 give inf, then NaN;
* :class:`Aliasing`: keeps the caller's K and V and updates them in place;
* :class:`DroppedThreshold`: lazy with threshold ``ceil(n^a)``; the update that reaches the
  threshold is lost (DA-E6/E7's construct).

Approximate attention (``check-approx benchmarks.peers.planted:NAME``):

* :func:`negative_taylor3`: the feature map of ``P(x) = 1 + x + x^2/2 + x^3/6``, which is
  negative for ``x < -1.596``: inside ``[-R, R]`` once the regime's logits pass that;
* :func:`poly_attention_1e6`: the project's certified ``poly_attention`` at ``eps = 1e-6``
  (output error at most ``2 eps / (1 - eps)`` times max|V|, AS Lemmas 3.5-3.6, plus rounding).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from impl.poly import poly_attention


class Correct:
    """Eager maintenance of ``A`` and ``D`` with per-row max shifts; O(n d) per key update."""

    shift = True

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: float = 1.0) -> None:
        self.Q, self.K, self.V = self._take(Q), self._take(K), self._take(V)
        if self.Q.ndim != 2 or self.K.shape != self.Q.shape or self.V.shape[0] != self.K.shape[0]:
            raise ValueError("Q, K must be n x d and V n x e")
        if not 0 < a <= 1:
            raise ValueError(f"a must lie in (0, 1], got {a}")
        self.scale = float(scale)
        self.threshold = max(1, math.ceil(self.Q.shape[0] ** a - 1e-12))
        self._refresh()

    def _take(self, X: Any) -> np.ndarray:
        return np.array(X, dtype=np.float64)

    def _refresh(self) -> None:
        M = self.scale * (self.Q @ self.K.T)
        self.m = M.max(axis=1) if self.shift else np.zeros(M.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            self.A = np.exp(M - self.m[:, None])

    def _key_column(self, i: int) -> None:
        col = self.scale * (self.Q @ self.K[i])
        # a row whose maximum rises, or whose maximum sat in this column, needs a new shift
        if self.shift and np.any((col > self.m) | (self.A[:, i] == 1.0)):
            self._refresh()
            return
        with np.errstate(over="ignore", invalid="ignore"):
            self.A[:, i] = np.exp(col - self.m)

    def update_k(self, i: int, j: int, delta: float) -> None:
        self.K[i, j] += delta
        self._key_column(i)

    def update_v(self, i: int, j: int, delta: float) -> None:
        self.V[i, j] += delta

    def update_q(self, i: int, j: int, delta: float) -> None:
        self.Q[i, j] += delta
        self._refresh()

    def query(self, i: int, j: int) -> float:
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(self.A[i] @ self.V[:, j] / self.A[i].sum())

    def output(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.A @ self.V) / self.A.sum(axis=1)[:, None]

    def recompute(self) -> None:
        self._refresh()


class WrongAxis(Correct):
    """A key update re-evaluates row ``i`` of ``A`` (the rows are queries, the columns keys)."""

    def _key_column(self, i: int) -> None:
        self._refresh_row_instead(i)

    def _refresh_row_instead(self, i: int) -> None:
        row = self.scale * (self.Q[i] @ self.K.T)
        if np.any(row > self.m[i]):
            self.m[i] = row.max()
        self.A[i] = np.exp(row - self.m[i])


class NoShift(Correct):
    """``exp(scale Q K^T)`` without the row maxima."""

    shift = False


class Aliasing(Correct):
    """Keeps the caller's K and V and writes the updates into them."""

    def _take(self, X: Any) -> np.ndarray:
        return X if isinstance(X, np.ndarray) and X.dtype == np.float64 else np.array(X, dtype=np.float64)


class DroppedThreshold(Correct):
    """Counts updates; the one that brings the count to ``ceil(n^a)`` triggers the recompute and
    is not applied (DA Algorithms 2-3 as printed, DA-E6 and DA-E7)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count = 0

    def _counted(self) -> bool:
        self.count += 1
        if self.count < self.threshold:
            return True
        self.count = 0
        self._refresh()
        return False

    def update_k(self, i: int, j: int, delta: float) -> None:
        if self._counted():
            super().update_k(i, j, delta)

    def update_v(self, i: int, j: int, delta: float) -> None:
        if self._counted():
            super().update_v(i, j, delta)


#: monomial coefficients of the third-order Taylor polynomial of exp
TAYLOR3 = (1.0, 1.0, 0.5, 1.0 / 6.0)


def _features(X: np.ndarray, order: int) -> np.ndarray:
    """[1, x, x (x) x / sqrt(2!), x (x) x (x) x / sqrt(3!)] up to ``order``: their inner products
    give ``sum_k <x, y>^k / k!``."""
    parts = [np.ones((X.shape[0], 1))]
    power = np.ones((X.shape[0], 1))
    for k in range(1, order + 1):
        power = np.einsum("ni,nj->nij", power, X).reshape(X.shape[0], -1)
        parts.append(power / math.sqrt(math.factorial(k)))
    return np.hstack(parts)


def negative_taylor3(Q: Any, K: Any, V: Any, *, scale: float | None = None) -> np.ndarray:
    """Linear attention with the feature map of ``1 + x + x^2/2 + x^3/6`` (negative below
    ``x = -1.596``); scale 1/d by default, as in AS."""
    Q, K, V = (np.asarray(X, dtype=np.float64) for X in (Q, K, V))
    s = 1.0 / Q.shape[1] if scale is None else float(scale)
    phi_q, phi_k = _features(Q * s, 3), _features(K, 3)
    return (phi_q @ (phi_k.T @ V)) / (phi_q @ phi_k.sum(axis=0))[:, None]


def poly_attention_1e6(Q: Any, K: Any, V: Any, *, scale: float | None = None) -> np.ndarray:
    """The project's AS Algorithm 1 at ``eps = 1e-6`` (declare ``--eps 3e-6``)."""
    return poly_attention(Q, K, V, eps=1e-6, scale=scale)
