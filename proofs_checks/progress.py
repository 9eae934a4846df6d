"""Progress of a run: a live bar in a terminal, one line per finished statement in a log.

A redirected or piped standard output (``make report > log``, CI) gets a plain line, flushed at
once, per finished statement: its position, id, status, whether that was expected, and seconds.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_line(done: int, total: int, res: dict[str, Any]) -> str:
    mark = "as expected" if res["ok"] else "NOT AS EXPECTED"
    return f"[{done}/{total}] {res['id']}: {res['status']} ({mark}) {res['seconds']:.1f} s"


class RunProgress:
    """``with RunProgress(total, label) as progress: ... progress.done(result)``."""

    def __init__(self, total: int, label: str, stream: IO[str] | None = None, live: bool | None = None) -> None:
        self.total, self.label, self.count = total, label, 0
        self.stream = stream if stream is not None else sys.stdout
        self.live = live if live is not None else (self.stream.isatty() and sys.stderr.isatty())
        self._bar: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> RunProgress:
        if self.live:
            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[last]}"),
                                 console=Console(stderr=True), transient=False)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, last="")
        else:
            print(f"{self.label}: {self.total} statements", file=self.stream, flush=True)
        return self

    def done(self, res: dict[str, Any]) -> None:
        self.count += 1
        if self._bar is not None:
            mark = "ok" if res["ok"] else "NOT AS EXPECTED"
            self._bar.update(self._task, advance=1, last=f"{res['id']}: {res['status']} ({mark})")
        else:
            print(progress_line(self.count, self.total, res), file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, tb)
