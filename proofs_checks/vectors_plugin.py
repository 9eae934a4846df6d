"""pytest plugin: parametrize another project's tests over this project's test vectors.

A test that takes the argument ``attention_vector`` runs once per dynamic vector (a program of
updates and queries with exact expected answers), one that takes ``approx_vector`` once per
vector of the bounded-entry regime (AS section 3)::

    def test_my_structure(attention_vector):
        attention_vector.check(MyAttention)      # MyAttention(Q, K, V, *, a, scale)

    def test_my_approximation(approx_vector):
        approx_vector.check(my_attention)        # my_attention(Q, K, V, *, scale)

``check`` fails with the vector's id, the operation and the expected and actual values, and
skips a vector that needs an operation the subject lacks.  The vectors come from
``--attention-vectors DIR`` (or the ini option ``attention_vectors``), a directory written by
``python -m proofs_checks vectors export DIR``; without one they are built in memory once per
session (a few seconds).  The plugin loads through the ``pytest11`` entry point of the installed
package, or with ``-p proofs_checks.vectors_plugin``.  docs/vectors.md has a worked example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ARGUMENTS = {"attention_vector": "dynamic", "approx_vector": "approx"}
_CACHE = pytest.StashKey[list]()


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("attention-vectors", "attention-proofs test vectors")
    group.addoption("--attention-vectors", dest="attention_vectors", metavar="DIR", default=None,
                    help="directory of test vectors (python -m proofs_checks vectors export DIR)")
    parser.addini("attention_vectors", "directory of attention-proofs test vectors, relative to the rootdir",
                  default="")


def _directory(config: Any) -> Path | None:
    option = config.getoption("attention_vectors")
    if option:
        return Path(config.invocation_params.dir, option)
    ini = config.getini("attention_vectors")
    return Path(config.rootpath, ini) if ini else None


def _vectors(config: Any) -> list:
    if _CACHE not in config.stash:
        from proofs_checks.conformance.vectors import Vector, build_vectors, default_report, load_vectors

        directory = _directory(config)
        if directory is not None:
            config.stash[_CACHE] = load_vectors(directory)
        else:
            config.stash[_CACHE] = [Vector(v) for v in build_vectors(default_report())]
    return config.stash[_CACHE]


def pytest_generate_tests(metafunc: Any) -> None:
    for argument, kind in ARGUMENTS.items():
        if argument in metafunc.fixturenames:
            chosen = [v for v in _vectors(metafunc.config) if v.type == kind]
            metafunc.parametrize(argument, chosen, ids=[v.id for v in chosen])
