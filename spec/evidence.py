"""The evidence a :class:`spec.registry.Direct` check returns when it passes: a summary, tables
(and other fields the report shows, such as ``examples``, the number of inputs checked, and
``plots``), in the report's sections format."""

from __future__ import annotations

from typing import Any


def table(title: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    """One table of the report: a row per entry of ``rows``, a cell per column."""
    return {"title": title, "columns": columns, "rows": rows}


def evidence(summary: str, *tables: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A Direct check's evidence: ``summary``, the ``tables`` (:func:`table`) and ``fields``."""
    return {"summary": summary, **fields, "tables": list(tables)}
