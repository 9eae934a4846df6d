"""Run statements as tasks on a Dask distributed cluster (``run --scheduler ADDRESS``).

Each statement is one task, ``proofs_checks.runner._run_job((id, profile, seed))``, submitted
slowest first; results come back as they finish.  The workers import the code themselves, so
every worker must run the same code as the client: before submitting anything this module
compares a fingerprint of the installed ``impl``, ``spec`` and ``proofs_checks`` sources on every
worker with the client's and refuses to start, naming the workers that differ.

Ctrl-C (KeyboardInterrupt) cancels the tasks not yet finished and leaves the cluster running.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterator

#: the packages whose sources must be identical on the client and every worker
PACKAGES = ("impl", "spec", "proofs_checks")


def code_fingerprint() -> str:
    """SHA-256 over the path and bytes of every .py file of :data:`PACKAGES`."""
    import importlib

    digest = hashlib.sha256()
    for name in PACKAGES:
        root = Path(importlib.import_module(name).__file__ or "").parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as exc:  # the verify extra brings it
        raise ValueError("--scheduler needs dask[distributed]: pip install 'attention-proofs[verify]'") from exc
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"--scheduler {address}: cannot reach a Dask scheduler there ({exc})") from None


def check_workers(client: Any) -> int:
    """The number of workers; raises ValueError when there are none or their code differs."""
    mine = code_fingerprint()
    theirs = client.run(code_fingerprint)
    if not theirs:
        raise ValueError("the Dask cluster has no workers")
    differ = sorted(worker for worker, fp in theirs.items() if fp != mine)
    if differ:
        raise ValueError(f"these Dask workers run other code than this client (impl, spec, proofs_checks "
                         f"differ): {', '.join(differ)}; install the same version on every worker")
    return len(theirs)


def run_on_cluster(address: str, jobs: list[tuple[str, str, int | None]]) -> Iterator[dict[str, Any]]:
    """Yield the report entry of each job as its task finishes on the cluster at ``address``."""
    from distributed import as_completed

    from proofs_checks.runner import _run_job

    client = _client(address)
    futures: list[Any] = []
    try:
        check_workers(client)
        # one task per statement, never merged with an equal one (pure=False) and never retried
        # on another worker after a crash (a crash is a finding, not noise)
        futures = [client.submit(_run_job, job, key=f"statement-{job[0]}-{k}", pure=False, retries=0)
                   for k, job in enumerate(jobs)]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pending = [f for f in futures if not f.done()]
        if pending:
            client.cancel(pending)
        client.close()
