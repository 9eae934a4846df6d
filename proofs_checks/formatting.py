"""How values read in report.html and report.md: formulas in Unicode, numbers at a readable
precision, sources named by paper and arXiv id.  report.json keeps every value as computed.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import unicodeit

#: significant digits of a float in a table cell or a counterexample shown in html/md
DIGITS = 4
DIGITS_COUNTEREXAMPLE = 6

#: the arXiv record each paper text (spec.registry.SEEDS) is a version of
ARXIV = {"DA": "arXiv 2304.02207", "AS": "arXiv 2302.13214"}
SEED_VERSION = {"000": "v1", "001": "abstract page", "002": "", "003": "appendix of a later version"}

_MACRO = re.compile(r"\\[a-zA-Z]+|\\\|")
_ACCENT = re.compile(r"\\(?:widetilde|tilde)\s*(?:\{([A-Za-z])\}|([A-Za-z]))")
_SCRIPT = re.compile(r"([\^_])(\{([^{}]*)\}|([A-Za-z0-9])(?![A-Za-z0-9]))")
#: a super- or subscript that reads well in Unicode: digits and signs around at most one letter
_SIMPLE = re.compile(r"[0-9+\-=()]*[A-Za-z]?[0-9+\-=()]*")
_TILDE = re.compile(r"(?<=[A-Za-z])~")


def _script(match: re.Match[str]) -> str:
    body = match.group(3) if match.group(3) is not None else match.group(4)
    if not body or not _SIMPLE.fullmatch(body):
        return match.group(0)
    converted = unicodeit.replace(f"{match.group(1)}{{{body}}}")
    # a character without a Unicode super- or subscript form stays as written
    return converted if not re.search(r"[\^_{}A-Za-z0-9]", converted) else match.group(0)


def math_text(value: Any) -> str:
    """A formula in plain text, the way it reads on paper: ``D^{-1}`` as D⁻¹, ``A~`` as Ã,
    ``<=`` as ≤, LaTeX macros (``\\le``, ``\\epsilon``, ``\\sum``) as their symbols.  Scripts
    that have no clean Unicode form (``n^{1+tau}``, ``List_D``) stay as written."""
    text = "" if value is None else str(value)
    text = _ACCENT.sub(lambda m: (m.group(1) or m.group(2)) + "~", text)
    text = _MACRO.sub(lambda m: unicodeit.replace(m.group(0)), text)
    text = _TILDE.sub("\u0303", text)
    text = text.replace("<=", "≤").replace(">=", "≥").replace("!=", "≠")
    return _SCRIPT.sub(_script, text)


def number(value: Any, digits: int = DIGITS) -> str:
    """A table cell: floats to ``digits`` significant digits, everything else as it is."""
    if isinstance(value, bool) or not isinstance(value, float):
        return "" if value is None else str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.{digits}g}"


def rounded(value: Any, digits: int = DIGITS_COUNTEREXAMPLE) -> Any:
    """``value`` with every float rounded to ``digits`` significant digits (for display)."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, digits) for v in value]
    return value


def json_block(value: Any, indent: int = 0) -> str:
    """JSON for reading: floats rounded (:func:`rounded`), indented, with short lists (vectors,
    small matrices, operations) on one line."""
    if indent == 0:
        value = rounded(value)
    flat = json.dumps(value, sort_keys=True, default=str)
    pad = "  " * (indent + 1)
    if len(flat) + 2 * indent <= 100 or not isinstance(value, (dict, list)) or not value:
        return flat
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(str(k))}: {json_block(v, indent + 1)}"
                 for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    items = [f"{pad}{json_block(v, indent + 1)}" for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"


def paper_source(lemma: dict[str, Any]) -> str:
    """Where a statement is printed, by paper and arXiv id: "DA (arXiv 2304.02207v1), section 4,
    Lemma 4.6".  The seed file (the paper text the check was written from) is named in the
    environment section."""
    src = lemma.get("source", {})
    paper = lemma.get("paper", "")
    arxiv = ARXIV.get(paper, "")
    version = SEED_VERSION.get(src.get("seed", ""), "")
    if arxiv and version.startswith("v"):
        arxiv += version
    elif arxiv and version:
        arxiv += ", " + version
    section = str(src.get("section") or "")
    if section[:1].isdigit():
        section = "section " + section
    where = ", ".join(part for part in (section, str(src.get("number") or "")) if part)
    head = f"{paper} ({arxiv})" if arxiv else (paper or f"seed {src.get('seed', '?')}")
    return f"{head}, {where}" if where else head
