"""Mutants as tasks of a Dask distributed cluster (``--scheduler ADDRESS``).

The client packs the snapshot (the tree under test and this package) and sends it once to every
worker (``Client.scatter(..., broadcast=True)``); each task unpacks it on its worker if that was
not done yet (a directory named after its digest), imports the third-party packages once per
worker process, checks that its own enumeration of the module gives the same mutant, and runs
the mutant in a forked child with the timeout, as a local run does.  This module is sent by value
(cloudpickle), so workers need the Python packages of the ``verify`` and ``test`` extras and
``dask[distributed]``, not a checkout of the repository.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable


def _materialize(packed: dict[str, bytes], key: str) -> Path:
    """The snapshot on this machine (unpacked once; concurrent workers race to one rename)."""
    base = Path(tempfile.gettempdir()) / f"mutation-snapshot-{key}"
    if base.is_dir():
        return base
    tmp = Path(tempfile.mkdtemp(prefix=f"mutation-snapshot-{key}-"))
    for rel, data in packed.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        os.rename(tmp, base)
    except OSError:                      # another worker of this machine was first
        pass
    return base


def _task(packed: dict[str, bytes], key: str, targets: list[str], mutant: dict[str, Any],
          plan: dict[str, Any], profile: str, timeout: float, warm: list[str]) -> dict[str, Any]:
    """One mutant on a worker: ``{"result": ..., "seconds": ..., "worker": its address}``."""
    base = _materialize(packed, key)
    if sys.path[:1] != [str(base)]:
        sys.path.insert(0, str(base))
    loaded = sys.modules.get("tools.mutation")
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(str(base)):
        for name in [n for n in sys.modules if n == "tools.mutation" or n.startswith("tools.mutation.")]:
            del sys.modules[name]            # an earlier run's snapshot: use this one's code
    for name in warm:
        importlib.import_module(name)
    from tools.mutation.fork_pool import run_one
    from tools.mutation.killing_suite import Plan, run_mutant
    from tools.mutation.mutants import Mutant, enumerate_mutants
    from tools.mutation.snapshot import Snapshot

    sources = {rel: (base / rel).read_text() for rel in targets}
    m = Mutant(**mutant)
    mine = enumerate_mutants(m.module, sources[m.module])
    if m.index >= len(mine) or mine[m.index].key() != m.key():
        raise RuntimeError(f"the worker enumerates another mutant at {m.module} #{m.index}: "
                           "its Python parses the module differently from the client's")
    snap = Snapshot(base, None, sources)
    result, seconds = run_one(lambda: run_mutant(snap, m, Plan.from_json(plan), profile), timeout)
    from distributed import get_worker

    return {"result": result, "seconds": seconds, "worker": get_worker().address}


def run_distributed(address: str, base: Path, targets: list[str], mutants: list[Any], plan: Any,
                    profile: str, timeout: float, warm: tuple[str, ...],
                    done: Callable[[Any, dict[str, Any], float], None]) -> dict[str, int]:
    """Run ``mutants`` on the cluster at ``address``; ``done(mutant, result, seconds)`` as each
    ends; returns how many ran on each worker.  A task that fails on its worker (not a mutant:
    the machinery) stops the run."""
    import cloudpickle
    from distributed import Client, as_completed

    from tools.mutation.snapshot import digest, pack

    packed = pack(base)
    key = digest(packed)
    this = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(this)
    try:
        with Client(address) as client:
            blob = client.scatter(packed, broadcast=True)
            futures = {client.submit(_task, blob, key, targets, asdict(m), plan.to_json(), profile,
                                     timeout, list(warm), pure=False): m for m in mutants}
            workers: dict[str, int] = {}
            try:
                for fut in as_completed(futures):
                    out = fut.result()
                    workers[out["worker"]] = workers.get(out["worker"], 0) + 1
                    done(futures[fut], out["result"], out["seconds"])
            finally:
                client.cancel(list(futures))
    finally:
        cloudpickle.unregister_pickle_by_value(this)
    return workers
