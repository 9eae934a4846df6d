"""Exact attention as an engineer would run it on a CPU: XLA-fused through JAX, and numpy.

* :func:`xla_attention` -- ``softmax(scale Q K^T) V`` compiled by XLA (``jax.jit``) over row blocks
  of Q mapped with ``lax.map`` inside one compiled program: each block's logits, row maximum,
  exponentials, row sums and product with V are fused by XLA, and only a ``block x n`` tile of
  logits exists at a time.  float64 (``jax_enable_x64``) or float32.  Needs the ``[bench]`` extra.
* :func:`numpy_attention` -- the project's exact attention (impl.attention) in row blocks.

:func:`single_core` pins the process to one CPU before any thread pool starts, so that every
baseline runs on one core (XLA's CPU client otherwise starts a pool of its own whatever the
BLAS thread count); XLA_FLAGS also turns off Eigen's multi-threading.  Times are then CPU times
of one thread.  :func:`measure_on_one_core` runs a whole benchmark so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

#: XLA flags of every run (set before jax is imported)
XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
#: row blocks tried for XLA at calibration; the fastest is used for every n
XLA_BLOCKS = (128, 256, 512, 1024)


def single_core() -> tuple[int | None, set[int]]:
    """Pin the calling thread (and the threads it starts later, such as XLA's pool) to one CPU.
    Returns that CPU (None where the platform cannot pin) and the previous set, for
    :func:`restore_cores`."""
    os.environ.setdefault("XLA_FLAGS", XLA_FLAGS)
    if not hasattr(os, "sched_setaffinity"):
        return None, set()
    before = set(os.sched_getaffinity(0))
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    return cpu, before


def restore_cores(before: set[int]) -> None:
    if before and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, before)


def measure_on_one_core(out: Path, measure: Callable[[], dict[str, Any]],
                        sections: Callable[[dict[str, Any], dict[str, Any]], list[dict[str, Any]]]) -> None:
    """Run ``measure`` pinned to one core (:func:`single_core`) and write its ``sections`` to
    ``out``, with the machine they ran on (and the pinned core) and the raw results."""
    cpu, before = single_core()
    try:
        from benchmarks import log, machine, write_sections

        mach = machine()
        mach["pinned_cpu"] = cpu
        res = measure()
        write_sections(out, sections(res, mach), machine=mach, raw=res)
        log(f"wrote {out}")
    finally:
        restore_cores(before)


def xla_available() -> str | None:
    """None when JAX imports, else why not."""
    try:
        import jax  # noqa: F401
    except ImportError as exc:
        return f"jax is not installed ({exc}); install the [bench] extra: pip install -e '.[bench]'"
    return None


def xla_attention(dtype: str, block: int) -> Callable[..., Any]:
    """A function ``(Q, K, V, scale) -> softmax(scale Q K^T) V`` run by XLA in ``dtype``
    ("float64" or "float32"), row blocks of ``block`` (the last block padded with zero rows)."""
    os.environ.setdefault("XLA_FLAGS", XLA_FLAGS)
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    dt = {"float64": jnp.float64, "float32": jnp.float32}[dtype]

    @jax.jit
    def run(Qb: Any, K: Any, V: Any, scale: Any) -> Any:
        def one(q: Any) -> Any:
            s = (q @ K.T) * scale
            p = jnp.exp(s - s.max(axis=1, keepdims=True))
            return (p @ V) / p.sum(axis=1, keepdims=True)

        return lax.map(one, Qb)

    def call(Q: Any, K: Any, V: Any, scale: float) -> Any:
        n, d = Q.shape
        blocks = -(-n // block)
        Qp = np.zeros((blocks * block, d), dtype=Q.dtype)
        Qp[:n] = Q
        out = run(jnp.asarray(Qp.reshape(blocks, block, d), dt), jnp.asarray(K, dt), jnp.asarray(V, dt),
                  jnp.asarray(scale, dt))
        return np.asarray(out.block_until_ready(), dtype=np.float64).reshape(blocks * block, -1)[:n]

    return call


def numpy_attention(block: int = 1024) -> Callable[..., Any]:
    """impl.attention.attention in row blocks of ``block``."""
    from impl.attention import attention

    def call(Q: Any, K: Any, V: Any, scale: float) -> Any:
        return attention(Q, K, V, scale=scale, block_rows=block)

    return call


def jax_versions() -> dict[str, str]:
    try:
        import jax
        import jaxlib
    except ImportError:
        return {}
    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__}
