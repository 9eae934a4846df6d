"""Render the plots that checks return as evidence (and the status overview) to PNG bytes."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: the same colours as the status badges of report.html
STATUS_COLOURS = {"proved": "#1b7837", "proved-bounded": "#2f8f4a", "certified": "#4d9f5c",
                  "holds": "#5aae61", "evidence": "#7a7a7a", "erratum-confirmed": "#e08214",
                  "partly-confirmed": "#b35806", "refuted": "#b2182b", "error": "#762a83"}


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def status_overview(counts: dict[str, int]) -> bytes:
    fig, ax = plt.subplots(figsize=(6.5, 0.4 + 0.35 * max(1, len(counts))))
    names = list(counts)
    ax.barh(names, [counts[k] for k in names], color=[STATUS_COLOURS.get(k, "grey") for k in names])
    for y, k in enumerate(names):
        ax.text(counts[k], y, f" {counts[k]}", va="center")
    ax.set_xlabel("statements")
    ax.invert_yaxis()
    ax.set_title("Statements by status")
    return _png(fig)


def line_plot(spec: dict[str, Any]) -> bytes:
    """``spec``: title, xlabel, ylabel, x, series {label: ys}, optional logx/logy/x_by_series."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for label, ys in spec.get("series", {}).items():
        xs = spec.get("x_by_series", {}).get(label, spec.get("x", list(range(len(ys)))))
        pts = [(x, y) for x, y in zip(xs, ys) if y is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, label=str(label))
    if spec.get("logx"):
        ax.set_xscale("log", base=2 if spec.get("base2") else 10)
    if spec.get("logy"):
        ax.set_yscale("log")
    ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""))
    ax.set_title(spec.get("title", ""))
    ax.grid(True, alpha=0.3)
    if spec.get("series"):
        ax.legend(fontsize=8)
    return _png(fig)
