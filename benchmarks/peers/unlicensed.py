"""Protocol adapters for two public dynamic attention structures that carry no licence: their code
is not copied into this repository.  Each adapter reads the original file from a snapshot of its
repository (a bare git mirror, ``$PEER_MIRROR/<owner>+<name>/repo``, default ``/work/.mirror``)
at the recorded commit, executes it as a module, and maps the kit's protocol onto its methods:

* davidangularme/DynamicAttention, commit 06d64ed870eba66819f8f494f6d3289b52797697, file
  dynamicattention.py: ``DynamicAttention(Q, K, V, lazy_threshold=10)`` keeps ``A = exp(Q K^T)``
  (no scale, no max shift), ``D`` and ``D^{-1} A V``; ``lazy_update_K(list of (i, j, delta))``
  and ``lazy_update_V`` queue updates and apply them when 10 are pending or at the next
  ``query``/``get_attention_matrix``; applying a key update recomputes row ``i`` of ``A`` and
  ``D[i, i]``; it stores the caller's Q, K, V and adds the updates into them.
* davidangularme/EnhancedDynamicAttention, commit c269cc518c6fd0d0442e6740d02be283dbcbca6a,
  file enhanceddynamicattention.py: the same algorithm with ``A`` and ``D`` as scipy sparse
  matrices, key updates computed in a ``multiprocessing.Pool`` and an adaptive threshold.

The adapters: ``update_k(i, j, delta)`` is ``lazy_update_K([(i, j, delta)])``, ``update_v`` the
same, ``query`` is ``query``, ``output()`` is ``get_attention_matrix()``; the caller's arrays are
passed through as a user of the original would; ``a`` is ignored (the original's threshold of 10
stands) and a scale other than 1 is refused, as the original has none.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

SOURCES = {
    "DynamicAttention": ("davidangularme+DynamicAttention", "06d64ed870eba66819f8f494f6d3289b52797697",
                         "dynamicattention.py"),
    "EnhancedDynamicAttention": ("davidangularme+EnhancedDynamicAttention",
                                 "c269cc518c6fd0d0442e6740d02be283dbcbca6a", "enhanceddynamicattention.py"),
}


@lru_cache(maxsize=None)
def original(name: str) -> types.ModuleType:
    """The original module, executed from the repository snapshot (ImportError if absent)."""
    mirror, commit, path = SOURCES[name]
    git_dir = Path(os.environ.get("PEER_MIRROR", "/work/.mirror")) / mirror / "repo"
    try:
        source = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ImportError(f"no snapshot of {mirror} at {git_dir} (set PEER_MIRROR): {exc}") from None
    module = types.ModuleType(f"peer_{name}")
    module.__file__ = f"{mirror}@{commit[:7]}/{path}"
    # registered so that pickle finds its classes: the enhanced version sends bound methods to a
    # multiprocessing.Pool (forked workers inherit the registration)
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - the subject under test
    return module


class _Adapter:
    original_class = "DynamicAttention"

    def __init__(self, Q: Any, K: Any, V: Any, *, a: float = 0.5, scale: float = 1.0) -> None:
        if scale != 1:
            raise ValueError(f"the original computes exp(Q K^T): scale must be 1, got {scale}")
        del a
        module = original(self.original_class)
        self.inner = getattr(module, self.original_class)(Q, K, V, **self.options(module))

    def options(self, module: types.ModuleType) -> dict[str, Any]:
        return {}

    def update_k(self, i: int, j: int, delta: float) -> None:
        self.inner.lazy_update_K([(i, j, delta)])

    def update_v(self, i: int, j: int, delta: float) -> None:
        self.inner.lazy_update_V([(i, j, delta)])

    def query(self, i: int, j: int) -> float:
        return self.inner.query(i, j)

    def output(self) -> np.ndarray:
        return np.asarray(self.inner.get_attention_matrix())


class DavidDynamicAttention(_Adapter):
    original_class = "DynamicAttention"


class DavidEnhancedDynamicAttention(_Adapter):
    original_class = "EnhancedDynamicAttention"


class DavidEnhancedAdaptive(DavidEnhancedDynamicAttention):
    """With the module's own ``adaptive_threshold`` as its ``main()`` passes it: the default, a
    lambda, cannot be pickled for the pool, so every key update fails at the next query."""

    def options(self, module: types.ModuleType) -> dict[str, Any]:
        return {"adaptive_threshold_func": module.adaptive_threshold}
