"""Hypothesis profiles: ci (fast, deterministic), dev, deep, symbolic (CrossHair backend)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=30, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("deep", max_examples=3000, deadline=None)
settings.register_profile("symbolic", backend="crosshair", max_examples=50, deadline=None,
                          database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
