"""Hypothesis profiles: ci (fast, deterministic), dev, deep, symbolic (CrossHair backend); and the
fixtures the unit tests share: random inputs (``qkv``) and a deep copy of a structure's state
(``snapshot``), to check that a refused call changes nothing."""

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
