"""Running work in forked children of a process that has already imported the heavy packages:
each child starts warm, cannot disturb its parent, and is killed when it exceeds its time."""

from __future__ import annotations

import json
import os
import select
import signal
import time
from dataclasses import dataclass, field
from typing import Any, Callable

Work = Callable[[], dict[str, Any]]


@dataclass
class Running:
    pid: int
    rfd: int
    start: float
    tag: Any
    buf: bytearray = field(default_factory=bytearray)


def spawn(work: Work, tag: Any = None) -> Running:
    """Fork; the child runs ``work()`` and sends back its JSON-friendly result (a crash is a
    result too: ``{"ok": False, "killer": "crash: ..."}``)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child
        os.close(rfd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the parent's handler is for the parent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001 - a mutant that breaks the import is killed
            result = {"ok": False, "killer": f"crash: {type(exc).__name__}: {str(exc)[:200]}"}
        data = (json.dumps(result) + "\n").encode()
        while data:
            data = data[os.write(wfd, data):]
        os.close(wfd)
        os._exit(0)
    os.close(wfd)
    return Running(pid, rfd, time.monotonic(), tag)


def collect(run: Running) -> dict[str, Any]:
    """Read the child's result to the end and reap it."""
    while chunk := os.read(run.rfd, 65536):
        run.buf.extend(chunk)
    os.close(run.rfd)
    os.waitpid(run.pid, 0)
    try:
        return json.loads(run.buf.decode() or "{}") or {"ok": False, "killer": "crash: no result"}
    except ValueError:
        return {"ok": False, "killer": "crash: unreadable result"}


def kill(run: Running) -> None:
    try:
        os.kill(run.pid, signal.SIGKILL)
        os.waitpid(run.pid, 0)
    except OSError:
        pass
    try:
        os.close(run.rfd)
    except OSError:
        pass


def timed_out(timeout: float) -> dict[str, Any]:
    return {"ok": False, "killer": f"exceeded {timeout:g} s", "timeout": True}


def run_one(work: Work, timeout: float) -> tuple[dict[str, Any], float]:
    """``work()`` in one child; its result and seconds (the child is killed after ``timeout``)."""
    run = spawn(work)
    ready, _, _ = select.select([run.rfd], [], [], timeout)
    if not ready:
        kill(run)
        return timed_out(timeout), round(time.monotonic() - run.start, 2)
    return collect(run), round(time.monotonic() - run.start, 2)


def run_pool(tasks: list[tuple[Any, Work]], jobs: int, timeout: float,
             done: Callable[[Any, dict[str, Any], float], None]) -> None:
    """Run ``(tag, work)`` tasks, ``jobs`` children at a time; ``done(tag, result, seconds)`` as
    each ends.  An interruption (Ctrl-C, SIGTERM) kills the children still running."""
    queue = list(tasks)
    running: dict[int, Running] = {}
    try:
        while queue or running:
            while queue and len(running) < jobs:
                tag, work = queue.pop(0)
                r = spawn(work, tag)
                running[r.rfd] = r
            ready, _, _ = select.select(list(running), [], [], 1.0)
            for fd in ready:
                r = running.pop(fd)
                result = collect(r)
                done(r.tag, result, round(time.monotonic() - r.start, 2))
            now = time.monotonic()
            for fd, r in list(running.items()):
                if now - r.start > timeout:
                    kill(r)
                    del running[fd]
                    done(r.tag, timed_out(timeout), round(now - r.start, 2))
    finally:
        for r in running.values():
            kill(r)
