"""The inputs of the hinted-MV reductions (``impl.reductions.hmv``): Boolean matrices, the hint
exponent ``tau`` and its non-zero budget ``floor(n^tau)`` (DA Definition 5.2), and the 0/1
matrices in an element kind."""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Callable

import mpmath
import numpy as np
import sympy

from impl.ledger import Ledger
from impl.reductions.zero_one import zero_one_entries


def boolean_matrix(x: Any, name: str, n: int | None = None, ledger: Ledger | None = None) -> np.ndarray:
    """A square 0/1 matrix as an int64 array; TypeError/ValueError naming ``name`` otherwise.
    ``ledger``: counts the object copy and the test and store of each entry."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a Boolean (0/1) matrix, got {type(x).__name__}")
    try:
        arr = np.array(x, dtype=object)
    except Exception as exc:  # ragged input
        raise TypeError(f"{name} must be a Boolean (0/1) matrix: {exc}") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must be {n} x {n} like M, got shape {arr.shape}")
    return zero_one_entries(arr, name, "Boolean (0/1)", _exact_zero_one, ledger)


def _exact_zero_one(v: Any) -> bool | None:
    """Booleans, real numbers, mpmath and sympy numbers (an entry of an exact kind)."""
    if isinstance(v, (bool, np.bool_)):
        return True
    if isinstance(v, sympy.Basic):
        return bool(v.is_number and v in (sympy.Integer(0), sympy.Integer(1)))
    if isinstance(v, (numbers.Real, np.number, mpmath.mpf)):
        return bool(v == 0 or v == 1)
    return None


def tau_fraction(tau: Any) -> Fraction:
    """``tau`` in (0, 1] as a fraction (the simplest within 1e-15 of a float: 0.1 -> 1/10)."""
    if isinstance(tau, (bool, np.bool_)) or not isinstance(tau, (numbers.Real, Fraction)):
        raise TypeError(f"tau must be a real number in (0, 1], got {type(tau).__name__}")
    if isinstance(tau, (Fraction, numbers.Rational)):
        frac = Fraction(tau)
    else:
        value = float(tau)
        if not math.isfinite(value):
            raise ValueError(f"tau must lie in (0, 1], got {tau!r}")
        frac = Fraction(value).limit_denominator(10**6)
        if abs(float(frac) - value) > 1e-15:
            frac = Fraction(value)
    if not 0 < frac <= 1:
        raise ValueError(f"tau must lie in (0, 1] (DA Definition 5.2), got {tau!r}")
    return frac


def max_hint_nnz(n: int, tau: Any) -> int:
    """``floor(n^tau)``, exactly: the most non-zeros a phase-2 hint may have (Definition 5.2)."""
    frac = tau_fraction(tau)
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    p, q = frac.numerator, frac.denominator
    with mpmath.workdps(80):
        x = mpmath.power(n, mpmath.mpf(p) / q)
        m = int(mpmath.nint(x))
        near = abs(x - m) < mpmath.mpf(10) ** -60
        floor = int(mpmath.floor(x))
    if near and q <= 1024:
        return m if m**q <= n**p else m - 1
    return floor


def to_kind(A: np.ndarray, kind: str, ledger: Ledger | None = None) -> np.ndarray:
    """``A`` in the element kind (``ledger``: every entry read and written)."""
    if ledger is not None:
        ledger.touch(2 * A.size)
    if kind == "float64":
        return A.astype(np.float64)
    conv = sympy.Integer if kind == "sympy" else mpmath.mpf
    out = np.empty(A.shape, dtype=object)
    for idx, v in np.ndenumerate(A):
        out[idx] = conv(int(v))
    return out


def default_structure() -> Callable[..., Any]:
    """The dynamic structure the reductions run on unless told otherwise."""
    from impl.dynamic import DynamicAttention

    return DynamicAttention
