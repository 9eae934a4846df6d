"""Running the steps of a bounded induction in forked worker processes.

The steps are independent, so a family of thousands of symbolic steps is split into ``jobs``
interleaved shards, each run by a forked child that sends back one JSON outcome per step.  Forked
children rather than a ``multiprocessing`` pool, for two reasons: the runner's own worker
processes are daemonic and ``multiprocessing`` refuses them children, and a child must see the
parent's modules as they are in memory (the mutation tool serves mutated ``impl`` modules from
memory; a fresh interpreter would import the unmutated files and prove the wrong code).

A shard stops at its first failing step; outcomes come back in step order, up to and including
the first failure over all shards (every step before it ran, in some shard, and passed), so the
result does not depend on ``jobs``.
"""

from __future__ import annotations

import json
import os
import signal
from typing import Any, Callable, Sequence

#: the outcome of one step: None when it passed, else a JSON-friendly failure
Outcome = dict[str, Any] | None


def _run_shard(steps: Sequence[Any], run: Callable[[Any], Outcome], shard: int,
               jobs: int) -> list[tuple[int, Outcome]]:
    done = []
    for index in range(shard, len(steps), jobs):
        outcome = run(steps[index])
        done.append((index, outcome))
        if outcome is not None:
            break
    return done


def _fork(steps: Sequence[Any], run: Callable[[Any], Outcome], shard: int, jobs: int
          ) -> tuple[int, int]:
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child: run the shard, send, exit
        os.close(rfd)
        code = 0
        try:
            data = json.dumps(_run_shard(steps, run, shard, jobs)).encode()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as the shard's error
            data = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
            code = 1
        with os.fdopen(wfd, "wb") as out:
            out.write(data)
        os._exit(code)
    os.close(wfd)
    return pid, rfd


def _collect(pid: int, rfd: int) -> list[tuple[int, Outcome]]:
    try:
        with os.fdopen(rfd, "rb") as inp:
            data = inp.read()
    finally:
        os.waitpid(pid, 0)
    decoded = json.loads(data.decode() or '{"error": "the worker died without a result"}')
    if isinstance(decoded, dict):
        raise RuntimeError(f"an induction worker failed: {decoded['error']}")
    return [(index, outcome) for index, outcome in decoded]


def run_steps(steps: Sequence[Any], run: Callable[[Any], Outcome], jobs: int
              ) -> list[tuple[int, Outcome]]:
    """``run`` on every step (in ``jobs`` forked children when ``jobs > 1``): the outcomes in step
    order, up to and including the first failure."""
    if jobs <= 1 or len(steps) < 2:
        return _run_shard(steps, run, 0, 1)
    children = [_fork(steps, run, shard, jobs) for shard in range(min(jobs, len(steps)))]
    merged: dict[int, Outcome] = {}
    pending = list(children)
    try:
        while pending:
            pid, rfd = pending.pop(0)
            merged.update(_collect(pid, rfd))      # reads, closes and reaps, even on an error
    finally:
        for pid, rfd in pending:                   # an error above: stop the other children
            os.close(rfd)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    ordered: list[tuple[int, Outcome]] = []
    for index in sorted(merged):
        if index != len(ordered):
            raise RuntimeError(f"step {len(ordered)} has no outcome")
        ordered.append((index, merged[index]))
        if merged[index] is not None:
            break
    return ordered
