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


def engine_labels(lemma: Lemma) -> list[str]:
    """The engines that discharge the statement's checks, as the report names them."""
    from proofs_checks.engines import engine_for

    return sorted({engine_for(c).label_for(c) for c in lemma.checks})


def _engines(lemma: Lemma) -> str:
    return ", ".join(engine_labels(lemma))


def render_catalogue() -> str:
    from proofs_checks.engines import engine_for

    lemmas = list(load_all().values())
    lines = [
        "# Lemma catalogue",
        "",
        "Generated from the registry (`spec/da/`, `spec/as_/`) by `python -m proofs_checks catalogue`; "
        "do not edit by hand. Every statement of the two papers that the code relies on, with where "
        "it is printed, what is expected of it (`holds`, or `erratum`: the printed form fails and "
        "the report shows the counterexample) and the engines that check it. The verdicts are in "
        "the report (`docs/report/`, `make report`); `python -m proofs_checks show ID --reproduce` "
        "re-runs one.",
        "",
    ]
    counts: Counter[tuple[str, str]] = Counter((lem.paper, lem.expect) for lem in lemmas)
    lines += ["| paper | statements | expected to hold | errata |", "|---|---|---|---|"]
    for paper in PAPERS:
        total = counts[(paper, "holds")] + counts[(paper, "erratum")]
        lines.append(f"| {paper} | {total} | {counts[(paper, 'holds')]} | {counts[(paper, 'erratum')]} |")
    lines += ["", "Seeds (the paper texts the sources cite):", ""]
    lines += [f"- seed {key}: {_cell(text)}" for key, text in SEEDS.items()]
    for paper, cite in PAPERS.items():
        mine = [lem for lem in lemmas if lem.paper == paper]
        if not mine:
            continue
        lines += ["", f"## {paper}: {cite}", "",
                  "| id | title | source | expect | engines | checks |", "|---|---|---|---|---|---|"]
        for lem in mine:
            lines.append(f"| [{_cell(lem.id)}](#{_anchor(lem.id)}) | {_cell(lem.title)} | {_cell(lem.source.cite())} "
                         f"| {lem.expect} | {_engines(lem)} | {len(lem.checks)} |")
        lines += ["", f"### {paper} statements in full"]
        for lem in mine:
            lines += ["", f'<a id="{_anchor(lem.id)}"></a>', "", f"#### {_cell(lem.id)}: {_cell(lem.title)}", "",
                      _cell(lem.statement)]
            if lem.literal:
                lines += ["", f"Printed: `{lem.literal.replace('`', chr(39))}`"]
            rel = []
            if lem.corrected_by:
                rel.append(f"corrected by [{_cell(lem.corrected_by)}](#{_anchor(lem.corrected_by)})")
            if lem.corrects:
                rel.append(f"corrects [{_cell(lem.corrects)}](#{_anchor(lem.corrects)})")
            lines += ["", f"Source: {_cell(lem.source.cite())}. Expect: {lem.expect}"
                      + (f"; {'; '.join(rel)}" if rel else "") + "."]
            checks = "; ".join(f"{engine_for(c).label_for(c)}: {_cell(c.name)}" for c in lem.checks)
            lines += ["", f"Checks: {checks}."]
    return "\n".join(lines) + "\n"
