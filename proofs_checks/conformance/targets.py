"""Resolve ``MODULE:NAME`` targets and probe a dynamic structure's interface before any search.

A usage error (:class:`UsageError`: the target cannot be imported, a required method is missing,
the constructor refuses the protocol's keywords, an option asks for what the class cannot do) is
raised before anything is checked, so that it can never look like a counterexample.
"""

from __future__ import annotations

import importlib
import inspect
import numbers
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import sympy

REQUIRED = ("update_k", "update_v", "query", "output")
OPTIONAL = ("update_q", "recompute")
KINDS = ("float", "wide", "exact")
#: the project's own structures, by the names ``replay --structure`` has always accepted
BUILTIN = {"DynamicAttention": "impl.dynamic:DynamicAttention",
           "EagerAttention": "impl.baselines:EagerAttention",
           "NaiveAttention": "impl.baselines:NaiveAttention",
           "PaperV1Attention": "impl.literal:PaperV1Attention",
           "PaperAppendixAttention": "impl.literal:PaperAppendixAttention"}


class UsageError(Exception):
    """The command cannot run as asked (exit code 2); never a finding about the subject."""


def resolve(target: str) -> Any:
    """The object named by ``MODULE:NAME`` (``NAME`` may be dotted), or a built-in structure name.

    The current directory is importable, as for ``python -m``."""
    if not isinstance(target, str) or not target:
        raise UsageError("the target must be MODULE:NAME, e.g. impl.dynamic:DynamicAttention")
    if ":" not in target:
        if target in BUILTIN:
            target = BUILTIN[target]
        else:
            raise UsageError(f"target {target!r} is not MODULE:NAME (nor one of {', '.join(BUILTIN)})")
    module_name, _, attr = target.partition(":")
    if str(Path.cwd()) not in sys.path and "" not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure is the caller's to fix
        raise UsageError(f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UsageError(f"module {module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


def display_name(obj: Any, target: str) -> str:
    """The subject's own name (``module.Class``) for reports and messages."""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", None)
    return f"{module}.{name}" if name and module else target


def tiny_instance(kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 2 x 2 instance of the kind (wide: logits of about 1e3, beyond exp's float64 range)."""
    if kind == "exact":
        def mat(rows: list[list[int]]) -> np.ndarray:
            return np.array([[sympy.Integer(v) for v in row] for row in rows], dtype=object)
        return mat([[1, 0], [0, -1]]), mat([[1, 1], [-1, 0]]), mat([[1, 2], [-1, 0]])
    big = 32.0 if kind == "wide" else 1.0
    Q = np.array([[1.0, -0.5], [0.25, 1.0]]) * big
    K = np.array([[0.5, 1.0], [-1.0, 0.75]]) * big
    V = np.array([[1.0, -2.0], [0.5, 3.0]])
    return Q, K, V


def kind_scale(kind: str, scale: float) -> Any:
    """The scale in the kind's numbers (exact: a sympy integer; other scales are refused there)."""
    if kind != "exact":
        return float(scale)
    if not float(scale).is_integer():
        raise UsageError(f"--kinds exact needs an integer --scale (the exact check decides equality "
                         f"in powers of e), got {scale}")
    return sympy.Integer(int(scale))


@dataclass
class Interface:
    """What a dynamic structure offers, found by probing it."""

    factory: Callable[..., Any]
    name: str
    #: the protocol's operations it has (required ones and the optional ones present)
    ops: tuple[str, ...]
    #: kind -> None if accepted, else the refusal ("TypeError: ...")
    kinds: dict[str, str | None] = field(default_factory=dict)
    #: True when it offers ``maintained_state()`` (Lemma 4.8's view, spec.da.recompute_state)
    maintained_state: bool = False

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(k for k in KINDS if self.kinds.get(k) is None and k in self.kinds)


def probe_dynamic(target: str, scale: float) -> Interface:
    """Import the class, check its methods and its constructor's keywords, and probe each kind
    with a tiny instance: a TypeError or ValueError there means the kind is not accepted."""
    obj = resolve(target)
    if not callable(obj):
        raise UsageError(f"{target} is not a class or factory")
    name = display_name(obj, target)
    missing = [m for m in REQUIRED if not callable(getattr(obj, m, None))] if inspect.isclass(obj) else []
    if missing:
        raise UsageError(f"{name} lacks the required method(s) {', '.join(missing)} "
                         "(protocol: update_k, update_v, query, output; update_q, recompute optional)")
    iface = Interface(obj, name, ())
    for kind in KINDS:
        Q, K, V = tiny_instance(kind)
        try:
            s = kind_scale(kind, scale)
        except UsageError as exc:
            iface.kinds[kind] = str(exc)
            continue
        try:
            instance = obj(Q, K, V, a=0.5, scale=s)
        except (TypeError, ValueError) as exc:
            iface.kinds[kind] = f"{type(exc).__name__}: {exc}"
            if kind == "float":
                raise UsageError(f"{name}(Q, K, V, a=0.5, scale={s}) refuses a 2 x 2 float64 instance "
                                 f"({type(exc).__name__}: {exc}); the protocol is "
                                 "Class(Q, K, V, *, a, scale)") from None
            continue
        except Exception as exc:  # noqa: BLE001 - the constructor crashing on valid input
            if kind == "float":
                raise UsageError(f"{name}(Q, K, V, a=0.5, scale={s}) raised {type(exc).__name__}: {exc} "
                                 "on a 2 x 2 float64 instance") from None
            iface.kinds[kind] = f"{type(exc).__name__}: {exc}"
            continue
        if kind == "exact" and not _answers_exactly(instance):
            iface.kinds[kind] = "answers exact input in floating point"
            continue
        iface.kinds[kind] = None
        if kind == "float":
            present = [m for m in REQUIRED if not callable(getattr(instance, m, None))]
            if present:
                raise UsageError(f"{name} instances lack the required method(s) {', '.join(present)}")
            iface.ops = REQUIRED + tuple(m for m in OPTIONAL if _offers(instance, m))
            iface.maintained_state = callable(getattr(instance, "maintained_state", None))
    return iface


def _answers_exactly(instance: Any) -> bool:
    """True when ``output()`` of an exact instance holds exact numbers (sympy or rationals)."""
    try:
        out = np.asarray(instance.output(), dtype=object)
    except Exception:  # noqa: BLE001 - a failing output is for the search to report
        return True
    return all(isinstance(x, (sympy.Basic, numbers.Rational)) for x in out.flat)


def _offers(instance: Any, method: str) -> bool:
    """An optional method counts when present and not refusing a valid call outright."""
    fn = getattr(instance, method, None)
    if not callable(fn):
        return False
    try:
        fn(0, 0, 0.0) if method == "update_q" else fn()
    except NotImplementedError:
        return False
    except Exception:  # noqa: BLE001 - a failure on a valid call is for the search to report
        return True
    return True


def choose_kinds(iface: Interface, requested: list[str] | None) -> list[str]:
    """The kinds to check: those requested (each must be accepted), else every accepted one."""
    if requested is None:
        return list(iface.accepted)
    unknown = [k for k in requested if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    refused = [k for k in requested if iface.kinds.get(k) is not None]
    if refused:
        reasons = "; ".join(f"{k}: {iface.kinds[k]}" for k in refused)
        raise UsageError(f"{iface.name} does not accept kind(s) {', '.join(refused)} ({reasons})")
    return requested


def choose_ops(iface: Interface, requested: list[str] | None) -> tuple[str, ...]:
    if requested is None:
        return iface.ops
    missing = [op for op in requested if op not in iface.ops]
    if missing:
        raise UsageError(f"{iface.name} does not offer {', '.join(missing)} (it has {', '.join(iface.ops)})")
    return tuple(requested)
