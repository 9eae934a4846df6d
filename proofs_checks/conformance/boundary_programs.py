"""Deterministic operation programs at the places where dynamic structures break.

* Threshold boundaries (DA Algorithms 2-3, section 4: a recompute when ``ct = ceil(n^a)`` updates
  are pending): for each size and ``a``, runs of ``2 T + 1`` updates (``T = ceil(n^a)``) of keys,
  of values, mixed, and around an explicit recompute, with a query of the entry just updated and
  the whole output after every update, so that the update that reaches the threshold, and the
  next one, are both observed (DA-E6, DA-E7 lose exactly that update).
* Large logits: logits near 700 (``exp`` overflows float64 past 709.78) and near 1e4, above and
  below zero, and updates that carry a logit across 709.78; kind "wide" (mpmath reference).

Every matrix entry and every delta is a multiple of 1/8, so that programs and test vectors hold
exact decimal numbers.  A program is a dict in the format of ``spec.da.program`` with ``scale``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from impl.threshold import lazy_threshold

SIZES = ((1, 1), (2, 1), (3, 2), (4, 2), (5, 1), (9, 2))
A_VALUES = (0.25, 0.5, 0.75, 1.0)
DELTAS = (0.5, -0.75, 0.25, -1.0, 1.25, -0.375)
PATTERNS = ("keys", "values", "mixed", "recompute")


def _dyadic(rng: np.random.Generator, shape: tuple[int, int], high: float = 2.0) -> np.ndarray:
    return np.round(rng.uniform(-high, high, size=shape) * 8) / 8


def _program(kind: str, a: float, scale: float, Q: np.ndarray, K: np.ndarray, V: np.ndarray,
             ops: list[list[Any]]) -> dict[str, Any]:
    return {"kind": kind, "a": a, "scale": scale, "n": Q.shape[0], "d": Q.shape[1],
            "Q": Q.tolist(), "K": K.tolist(), "V": V.tolist(), "ops": ops}


def _observe(t: int, n: int, d: int) -> list[list[Any]]:
    return [["query", t % n, t % d], ["output"]]


def threshold_programs(ops: tuple[str, ...], scale: float = 1.0) -> list[tuple[str, dict[str, Any]]]:
    """(id, program) for every size, ``a`` and pattern whose operations ``ops`` allows."""
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[tuple[int, int, int, str]] = set()
    for n, d in SIZES:
        for a in A_VALUES:
            T = lazy_threshold(n, a)
            for p_index, pattern in enumerate(PATTERNS):
                if (n, d, T, pattern) in seen:
                    continue      # the same threshold at another a: the same program
                seen.add((n, d, T, pattern))
                updates = _pattern_updates(pattern, ops, 2 * T + 1, T)
                if updates is None:
                    continue
                rng = np.random.default_rng([n, d, T, p_index])
                Q, K, V = (_dyadic(rng, (n, d)) for _ in range(3))
                program_ops: list[list[Any]] = [["output"]]
                for t, name in enumerate(updates):
                    if name == "recompute":
                        program_ops += [["recompute"], ["output"]]
                        continue
                    program_ops.append([name, t % n, (t // n) % d, DELTAS[t % len(DELTAS)]])
                    program_ops += _observe(t, n, d)
                out.append((f"threshold-n{n}-d{d}-T{T}-{pattern}", _program("float", a, scale, Q, K, V, program_ops)))
    return out


def _pattern_updates(pattern: str, ops: tuple[str, ...], count: int, T: int) -> list[str] | None:
    if pattern == "keys":
        return ["update_k"] * count
    if pattern == "values":
        return ["update_v"] * count
    if pattern == "mixed":
        cycle = [op for op in ("update_k", "update_v", "update_q") if op in ops]
        return [cycle[t % len(cycle)] for t in range(count)]
    if "recompute" not in ops:
        return None
    return ["update_k"] * max(T - 1, 1) + ["recompute"] + ["update_v"] * (T + 1)


def large_logit_programs(ops: tuple[str, ...], scale: float = 1.0) -> list[tuple[str, dict[str, Any]]]:
    """(id, program) of kind "wide": logits near 700 and 1e4 of both signs (at ``scale`` 1; other
    scales divide the entries by sqrt(scale) so that the logits stay where they are)."""
    r = 1.0 / np.sqrt(scale) if scale > 0 else 1.0
    out = []
    cases: dict[str, tuple[np.ndarray, np.ndarray, list[list[Any]]]] = {
        # logits 702.25 and 689 in row 0, -702.25 and -687 in row 1; the update carries 702.25 to
        # 715.53, past exp's float64 range
        "logits-700": (np.array([[26.5, 0.0], [-26.5, 1.0]]), np.array([[26.5, 0.0], [26.0, 2.0]]),
                       [["update_k", 0, 0, 0.5], ["update_v", 1, 1, -0.75], ["update_k", 1, 1, -4.0]]),
        # a row whose every logit is near -800: exp underflows to 0 in every column
        "logits-minus-800": (np.array([[28.25, 0.0], [1.0, 1.0]]), np.array([[-28.25, 0.0], [-28.5, 0.5]]),
                             [["update_v", 0, 0, 1.5], ["update_k", 0, 1, 0.25]]),
        # logits of 1e4 in magnitude
        "logits-1e4": (np.array([[100.0], [-100.0], [50.0]]), np.array([[100.0], [99.5], [-100.0]]),
                       [["update_k", 2, 0, 200.0], ["update_v", 0, 0, 0.5], ["update_k", 0, 0, -0.5]]),
    }
    for name, (Q, K, updates) in cases.items():
        Q, K = Q * r, K * r
        V = np.round(np.linspace(-1.5, 2.0, Q.shape[0] * Q.shape[1]).reshape(Q.shape) * 8) / 8
        program_ops: list[list[Any]] = [["output"]]
        for t, (op, i, j, delta) in enumerate(updates):
            if op == "update_k":
                delta = float(delta) * r
            program_ops.append([op, i, j, delta])
            program_ops += _observe(t, Q.shape[0], Q.shape[1])
        if "update_q" in ops:
            program_ops += [["update_q", 0, 0, 0.25 * r], ["output"]]
        if "recompute" in ops:
            program_ops += [["recompute"], ["output"]]
        out.append((name, _program("wide", 0.5, scale, Q, K, V, program_ops)))
    return out
