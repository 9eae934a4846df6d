"""One check of the conformance kit as the record its report shows: name, kind, status (passed,
failed, error), detail, counterexample and seconds."""

from __future__ import annotations

import time
from typing import Any, Callable

from spec.registry import Counterexample


def timed_check(name: str, kind: str | None, run: Callable[[], dict[str, Any]],
                failure_detail: Callable[[Counterexample], str] = lambda ce: ce.message) -> dict[str, Any]:
    """Run one check: ``run()`` returns the record's fields (status "passed" unless it says
    otherwise) or raises.  A Counterexample makes it "failed" with ``failure_detail(ce)`` as its
    detail; any other exception is an "error" (a check that cannot run is reported, never passed)."""
    t0 = time.perf_counter()
    record: dict[str, Any] = {"name": name, "kind": kind}
    try:
        record.update(run())
        record.setdefault("status", "passed")
    except Counterexample as ce:
        record.update(status="failed", detail=failure_detail(ce),
                      counterexample={"message": ce.message, "values": ce.values})
    except Exception as exc:  # noqa: BLE001 - a check that cannot run is reported, never passed
        record.update(status="error", detail=f"{type(exc).__name__}: {exc}")
    record["seconds"] = round(time.perf_counter() - t0, 3)
    return record
