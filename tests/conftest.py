"""Hypothesis profiles: ci (fast, deterministic), dev, deep, symbolic (CrossHair backend); and the
fixtures the unit tests share: random inputs (``qkv``), a deep copy of a structure's state
(``snapshot``), to check that a refused call changes nothing, and the checks of the registry's
theorem graph (``acyclic_citations``) and of a z3 claim's assumptions (``not_vacuous``)."""

import copy
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=30, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("deep", max_examples=3000, deadline=None)
settings.register_profile("symbolic", backend="crosshair", max_examples=50, deadline=None,
                          database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _draw_qkv(n: int = 4, d: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(3, n, d))


def _snapshot(obj: object) -> object:
    def walk(x: object) -> object:
        if isinstance(x, np.ndarray):
            return ("array", x.dtype.str, x.shape, x.tolist())
        if hasattr(x, "__dict__") and not isinstance(x, type):
            return {k: walk(v) for k, v in vars(x).items()}
        if isinstance(x, (list, tuple)):
            return [walk(v) for v in x]
        return copy.deepcopy(x)
    return walk(obj)


@pytest.fixture
def qkv():
    """``qkv(n=4, d=3, seed=0)``: Q, K, V as one ``3 x n x d`` array of standard normal entries."""
    return _draw_qkv


@pytest.fixture
def snapshot():
    """``snapshot(obj)``: every attribute of ``obj``, recursively (arrays, nested objects such as
    the kernel and the ledger), as plain values that compare equal when nothing changed."""
    return _snapshot


def _acyclic_citations(lemmas: dict, roots) -> None:
    def visit(lid: str, path: tuple[str, ...]) -> None:
        assert lid not in path, f"citation cycle {path + (lid,)}"
        for cited in lemmas[lid].cites if lid in lemmas else ():
            visit(cited, path + (lid,))

    for lid in roots:
        visit(lid, ())


@pytest.fixture
def acyclic_citations():
    """``acyclic_citations(lemmas, roots)``: no record reached from ``roots`` by citations cites
    itself (an assumption, absent from ``lemmas``, ends a path)."""
    return _acyclic_citations


def _not_vacuous(label: str, claim: object, assumptions) -> None:
    import z3

    solver = z3.Solver()
    solver.set("timeout", 20_000)
    solver.add(*assumptions)
    assert solver.check() == z3.sat, f"assumptions of {label!r} are contradictory"
    solver.add(claim)
    assert solver.check() == z3.sat, f"{label!r} is false whenever its assumptions hold"


@pytest.fixture
def not_vacuous():
    """``not_vacuous(label, claim, assumptions)``: a z3 claim proved from unsatisfiable
    assumptions would prove anything, so the assumptions must have a model, and so must they
    together with the claim."""
    return _not_vacuous
