"""Element kinds: the number systems the algorithms run on with the same code.

* ``float64``: numpy float64 arrays (the default).
* ``sympy``: object arrays of sympy numbers (Integer, Rational, exact expressions such as
  ``exp(3)``); arithmetic is exact.
* ``mpmath``: object arrays of ``mpmath.mpf``; arithmetic at mpmath's working precision.
* ``symbolic``: object arrays of sympy expressions in symbols that sympy knows to be real
  (declared ``real=True`` or ``positive=True``); ``exp`` stays symbolic.  Only an explicit request
  selects it (:func:`symbolic`): the exact kind keeps refusing symbols, so that a stray symbol
  never turns a numeric run into a symbolic one.

Every public entry point of ``impl`` converts its arrays with :func:`as_matrix`, which validates
them (shape, dtype, finiteness) and raises a ``TypeError``/``ValueError`` naming the argument.
Exactness is never lost silently: an object array that mixes sympy numbers (or fractions) with
Python or numpy numbers is exact, its other entries converted exactly, and a sympy Float becomes
its exact binary value; kinds that cannot be combined are refused by name.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Literal

import mpmath
import numpy as np
import sympy


@dataclass(frozen=True)
class Kind:
    """How to compute with one element kind."""

    name: str
    #: elementwise exp on an array of this kind
    exp: Callable[[np.ndarray], np.ndarray]
    #: convert one scalar to this kind (already validated as real and finite)
    scalar: Callable[[Any], Any]
    #: floating kinds keep per-row max shifts; exact kinds do not need them
    shifted: bool

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # kinds are compared by identity: a copied or unpickled structure keeps the same kind
        return _kind_named, (self.name,)

    def zeros(self, shape: tuple[int, ...], order: Literal["C", "F"] = "C") -> np.ndarray:
        if self.name == "float64":
            return np.zeros(shape, order=order)
        out = np.empty(shape, dtype=object)
        out.fill(self.scalar(0))
        return out


def _object_map(fn: Callable[[Any], Any]) -> Callable[[np.ndarray], np.ndarray]:
    vec = np.frompyfunc(fn, 1, 1)

    def apply(x: np.ndarray) -> np.ndarray:
        return np.asarray(vec(x), dtype=object)

    return apply


FLOAT64 = Kind("float64", np.exp, float, shifted=True)
SYMPY = Kind("sympy", _object_map(sympy.exp), sympy.sympify, shifted=False)
MPMATH = Kind("mpmath", _object_map(mpmath.exp), mpmath.mpf, shifted=False)
SYMBOLIC = Kind("symbolic", _object_map(sympy.exp), sympy.sympify, shifted=False)

KINDS = {kind.name: kind for kind in (FLOAT64, SYMPY, MPMATH, SYMBOLIC)}


def _kind_named(name: str) -> Kind:
    return KINDS[name]


#: the kinds whose arithmetic is exact (integers and fractions are read as sympy Rationals)
EXACT_KINDS = (SYMPY, SYMBOLIC)


class SymbolicMatrix:
    """A 2-D array of real sympy expressions, marked for the symbolic kind (:func:`symbolic`)."""

    __slots__ = ("entries",)

    def __init__(self, entries: Any) -> None:
        self.entries = entries


def symbolic(x: Any) -> SymbolicMatrix:
    """Mark a matrix of sympy expressions (a nested list, an object array, a sympy Matrix) as an
    argument of the symbolic kind; :func:`as_matrix` validates it."""
    return SymbolicMatrix(x)


def _element_kind(x: Any) -> Kind | None:
    if isinstance(x, mpmath.mpf):
        return MPMATH
    if isinstance(x, sympy.Basic):
        return SYMPY
    return None


def _is_real_number(x: Any) -> bool:
    return isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_))


def _is_exact_fraction(x: Any) -> bool:
    """A non-integer rational that is not a sympy number (``fractions.Fraction`` and the like)."""
    return isinstance(x, numbers.Rational) and not isinstance(x, numbers.Integral)


def _integers_only(arr: np.ndarray) -> bool:
    if arr.dtype.kind in "iu":
        return True
    return arr.dtype == object and all(
        isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_, sympy.Basic))
        for v in arr.flat)


def _convert(arr: np.ndarray, name: str, kind: Kind) -> np.ndarray:
    """An object array of ``arr``'s Python and numpy numbers read exactly in ``kind``."""
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = as_scalar(v, f"{name}{list(idx)}", kind)
    return out


def _object_array(arr: np.ndarray, name: str) -> tuple[np.ndarray, Kind]:
    """The kind of an object array, with every entry converted to it.

    An array with any mpmath number is of kind mpmath, its other entries converted by
    :func:`as_scalar`.  Otherwise an array that holds any sympy number or any fraction is exact
    (kind sympy): its Python and numpy integers become sympy Integers, fractions Rationals, and
    floats (Python, numpy or sympy Float) their exact binary values, as :func:`as_scalar` reads
    them, so that no entry of an exact kind is a float.  Only Python and numpy numbers: float64.
    sympy and mpmath numbers together, and anything that is not a real number, are refused.
    """
    kinds = {_element_kind(v) for v in arr.flat}
    plain = [v for v in arr.flat if _element_kind(v) is None]
    if not all(_is_real_number(v) for v in plain) or (SYMPY in kinds and MPMATH in kinds):
        raise TypeError(f"{name}: object arrays must hold only sympy numbers or only mpmath mpf "
                        "numbers (with Python or numpy numbers, converted to them)")
    if MPMATH in kinds:
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            if isinstance(v, mpmath.mpf):
                if not mpmath.isfinite(v):
                    raise ValueError(f"{name}: every entry must be finite, got {v}")
                out[idx] = v
            else:
                out[idx] = as_scalar(v, f"{name}{list(idx)}", MPMATH)
        return out, MPMATH
    if SYMPY in kinds or any(_is_exact_fraction(v) for v in plain):
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            if isinstance(v, sympy.Basic):
                if not (v.is_real and v.is_finite and v.is_number):
                    raise ValueError(f"{name}: every sympy entry must be a finite real number, got {v}")
                out[idx] = _without_floats(v)
            else:
                out[idx] = as_scalar(v, f"{name}{list(idx)}", SYMPY)
        return out, SYMPY
    try:
        return arr.astype(np.float64), FLOAT64
    except OverflowError:
        raise ValueError(f"{name} has an entry too large for float64") from None


def _without_floats(x: sympy.Basic) -> sympy.Basic:
    """``x`` with every sympy Float replaced by its exact binary value (exact arithmetic stays
    exact: a Float would make every result it touches a Float)."""
    floats = x.atoms(sympy.Float)
    return x.xreplace({f: sympy.Rational(f) for f in floats}) if floats else x


def _symbolic_array(arr: np.ndarray, name: str) -> np.ndarray:
    """``arr``'s entries as real sympy expressions: a sympy entry must be one that sympy knows to
    be real (symbols declared real or positive, and expressions in them), Python and numpy numbers
    are read exactly (:func:`as_scalar`), and sympy Floats become their exact binary values."""
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = as_scalar(v, f"{name}{list(idx)}", SYMBOLIC)
    return out


def as_matrix(x: Any, name: str, *, kind: Kind | None = None) -> tuple[np.ndarray, Kind]:
    """Validate a 2-D real matrix argument and return a private copy with its kind.

    Raises ``TypeError`` for non-arrays, booleans, complex or non-numeric entries, and
    ``ValueError`` for wrong dimensionality, empty arrays or non-finite entries.  The caller's
    array is never modified (a copy is returned).  A :class:`SymbolicMatrix` is of the symbolic
    kind; with symbolic matrices, integer and exact sympy matrices join that kind.
    """
    symbolic_request = isinstance(x, SymbolicMatrix)
    if symbolic_request:
        if kind is not None and kind is not SYMBOLIC:
            raise TypeError(f"{name} holds symbolic expressions but the others hold {kind.name}")
        x = x.entries
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a 2-D array of real numbers, got {type(x).__name__}")
    try:
        arr = np.array(x, dtype=object if symbolic_request else None, copy=True)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a 2-D array of real numbers: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n x d), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be non-empty, got shape {arr.shape}")
    if symbolic_request:
        return _symbolic_array(arr, name), SYMBOLIC
    if kind is not None and kind is not FLOAT64 and _integers_only(arr):
        # integers are exact: with matrices of an exact kind they join that kind
        return _convert(arr, name, kind), kind
    if arr.dtype == object:
        arr, elem_kind = _object_array(arr, name)
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
        elem_kind = FLOAT64
    elif arr.dtype.kind == "f":
        arr = arr.astype(np.float64)
        elem_kind = FLOAT64
    elif arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans")
    elif arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, not complex numbers")
    else:
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if elem_kind is FLOAT64 and not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{name} has a non-finite entry at {bad}: {arr[bad]}")
    if kind is SYMBOLIC and elem_kind is SYMPY:
        return arr, kind                       # exact numbers are constant expressions
    if kind is not None and elem_kind is not kind:
        raise TypeError(f"{name} holds {elem_kind.name} numbers but the others hold {kind.name}")
    return arr, elem_kind


def power_of_two_scale(V: np.ndarray) -> float:
    """A power of two ``m`` with ``1 <= max|V| / m < 2`` (1.0 for V = 0): dividing by it is exact,
    and ``m`` stays finite even for ``max|V|`` near the float64 limit (2^1023 <= m is avoided)."""
    top = float(np.max(np.abs(V)))
    if top == 0.0:
        return 1.0
    _, exponent = math.frexp(top)          # top = mantissa * 2^exponent, mantissa in [0.5, 1)
    return math.ldexp(1.0, exponent - 1)


#: the maintained sums C = A V of the dynamic structures hold up to n e^64 |V| (impl.expkernel
#: keeps A <= e^64), so float64 value entries are limited to this magnitude there
V_LIMIT = 1e250


def check_value_entry(x: Any, name: str, kind: Kind) -> None:
    if kind is FLOAT64 and not abs(x) <= V_LIMIT:
        raise ValueError(f"{name} must be at most {V_LIMIT:g} in magnitude (the maintained sums "
                         f"A V must stay finite in float64), got {x!r}")


def _one_kind(Q: Any, K: Any, V: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, Kind]:
    """Q, K, V validated in Q's kind: integer matrices join an exact kind exactly, anything else
    of another kind is refused by name."""
    Qa, kind = as_matrix(Q, "Q")
    Ka, _ = as_matrix(K, "K", kind=kind)
    Va, _ = as_matrix(V, "V", kind=kind)
    return Qa, Ka, Va, kind


def as_qkv(Q: Any, K: Any, V: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, Kind]:
    """Validate the three ``n x d`` matrices of a dynamic structure (private copies, one kind)."""
    Qa, Ka, Va, kind = _one_kind(Q, K, V)
    if Qa.shape != Ka.shape or Ka.shape != Va.shape:
        raise ValueError(f"Q, K and V must all be n x d, got {Qa.shape}, {Ka.shape}, {Va.shape}")
    if kind is FLOAT64:
        check_value_entry(float(np.max(np.abs(Va))), "every entry of V", kind)
    return Qa, Ka, Va, kind


def as_attention_inputs(Q: Any, K: Any, V: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, Kind]:
    """Validate ``Q`` (n x d), ``K`` (m x d), ``V`` (m x e) for static attention (private copies)."""
    Qa, Ka, Va, kind = _one_kind(Q, K, V)
    if Qa.shape[1] != Ka.shape[1]:
        raise ValueError(f"Q and K must have the same number of columns, got {Qa.shape} and {Ka.shape}")
    if Ka.shape[0] != Va.shape[0]:
        raise ValueError(f"K and V must have the same number of rows, got {Ka.shape} and {Va.shape}")
    return Qa, Ka, Va, kind


def as_scalar(x: Any, name: str, kind: Kind) -> Any:
    """Validate a real, finite scalar argument (a delta, a scale) and convert it to ``kind``.

    Real numbers are Python and numpy integers and floats, fractions, real sympy numbers and mpmath
    numbers (or a 0-d array of one), and for the symbolic kind sympy expressions known to be real;
    booleans, complex numbers, arrays and anything else raise ``TypeError``, infinities and NaN
    ``ValueError``.  float64 takes the nearest float; the exact
    kinds keep integers and fractions exact and read a float as its exact binary value (a sympy
    expression such as ``exp(3)`` stays as it is).
    """
    if isinstance(x, np.ndarray):
        if x.ndim != 0:
            raise TypeError(f"{name} must be a scalar, got an array of shape {x.shape}")
        x = x.item()
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, not a boolean")
    if kind is SYMPY and isinstance(x, sympy.Basic):
        if x.is_number and x.is_real and x.is_finite:
            return _without_floats(x)
        raise TypeError(f"{name} must be a finite real sympy number, got {x!r}")
    if kind is SYMBOLIC and isinstance(x, sympy.Basic):
        # sympy's real excludes the infinities: a real symbol stands for a finite number
        if isinstance(x, sympy.Expr) and x.is_real is True:
            return _without_floats(x)
        raise TypeError(f"{name} must be a sympy expression that sympy knows to be real (symbols "
                        f"declared real=True or positive=True), got {x!r}")
    if not _is_real_number(x):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    if kind is FLOAT64:
        try:
            value = float(x)
        except OverflowError:
            raise ValueError(f"{name} is too large for float64") from None
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {x!r}")
        return value
    if isinstance(x, numbers.Rational):        # int, numpy int, Fraction, sympy Integer/Rational
        p, q = int(x.numerator), int(x.denominator)
        return sympy.Rational(p, q) if kind in EXACT_KINDS else mpmath.mpf(p) / q
    if isinstance(x, np.floating):
        x = float(x)                           # mpmath reads Python floats only
    value = mpmath.mpf(x)                      # a float exactly, an mpf or sympy Float at mp.prec
    if not mpmath.isfinite(value):
        raise ValueError(f"{name} must be finite, got {x!r}")
    if kind is MPMATH:
        return value
    return sympy.Rational(*mpmath.libmp.to_rational(value._mpf_))


def as_index(x: Any, name: str, size: int) -> int:
    """Validate a 0-based index in ``[0, size)`` (negative indices are rejected, not wrapped)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an integer index, got {type(x).__name__}")
    value = int(x)
    if not 0 <= value < size:
        raise IndexError(f"{name}={value} is out of range [0, {size})")
    return value
