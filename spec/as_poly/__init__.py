"""Pure helpers for the Alman & Song (seed 002) upper-bound statements: predicates, strategies,
oracles and crosshair kernels."""
