"""The lemma catalogue (``docs/catalogue.md``), generated from the registry.

``python -m proofs_checks catalogue`` writes it; ``--check`` says whether the committed file is
up to date (the test suite runs that check).  The text depends only on the registry, so that it
is the same on every machine.
"""

from __future__ import annotations

from collections import Counter

from spec.registry import SEEDS, Lemma, load_all

PAPERS = {
    "DA": "van den Brand, Song, Zhou, *Algorithm and Hardness for Dynamic Attention Maintenance in "
          "Large Language Models* (arXiv 2304.02207)",
    "AS": "Alman, Song, *Fast Attention Requires Bounded Entries* (arXiv 2302.13214)",
}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _anchor(lemma_id: str) -> str:
    return "s-" + "".join(c if c.isalnum() else "-" for c in lemma_id.lower())


def _engines(lemma: Lemma) -> str:
    return ", ".join(sorted({c.engine for c in lemma.checks}))


def render_catalogue() -> str:
    lemmas = list(load_all().values())
    lines = [
        "# Lemma catalogue",
        "",
        "Generated from the registry (`spec/statements/`) by `python -m proofs_checks catalogue`; "
        "do not edit by hand. Every statement of the two papers that the code relies on, with where "
        "it is printed, what is expected of it (`holds`, or `erratum`: the printed form fails and "
        "the report shows the counterexample) and the engines that check it. The verdicts are in "
        "the report (`docs/report/`, `make report`); `python -m proofs_checks show ID --reproduce` "
        "re-runs one.",
        "",
    ]
    counts = Counter((l.paper, l.expect) for l in lemmas)
    lines += ["| paper | statements | expected to hold | errata |", "|---|---|---|---|"]
    for paper in PAPERS:
        total = counts[(paper, "holds")] + counts[(paper, "erratum")]
        lines.append(f"| {paper} | {total} | {counts[(paper, 'holds')]} | {counts[(paper, 'erratum')]} |")
    lines += ["", "Seeds (the paper texts the sources cite):", ""]
    lines += [f"- seed {key}: {_cell(text)}" for key, text in SEEDS.items()]
    for paper, cite in PAPERS.items():
        mine = [l for l in lemmas if l.paper == paper]
        if not mine:
            continue
        lines += ["", f"## {paper}: {cite}", "",
                  "| id | title | source | expect | engines | checks |", "|---|---|---|---|---|---|"]
        for l in mine:
            lines.append(f"| [{_cell(l.id)}](#{_anchor(l.id)}) | {_cell(l.title)} | {_cell(l.source.cite())} "
                         f"| {l.expect} | {_engines(l)} | {len(l.checks)} |")
        lines += ["", f"### {paper} statements in full"]
        for l in mine:
            lines += ["", f'<a id="{_anchor(l.id)}"></a>', "", f"#### {_cell(l.id)}: {_cell(l.title)}", "",
                      _cell(l.statement)]
            if l.literal:
                lines += ["", f"Printed: `{l.literal.replace('`', chr(39))}`"]
            rel = []
            if l.corrected_by:
                rel.append(f"corrected by [{_cell(l.corrected_by)}](#{_anchor(l.corrected_by)})")
            if l.corrects:
                rel.append(f"corrects [{_cell(l.corrects)}](#{_anchor(l.corrects)})")
            lines += ["", f"Source: {_cell(l.source.cite())}. Expect: {l.expect}"
                      + (f"; {'; '.join(rel)}" if rel else "") + "."]
            lines += ["", "Checks: " + "; ".join(f"{c.engine}: {_cell(c.name)}" for c in l.checks) + "."]
    return "\n".join(lines) + "\n"
