"""The theorem graph: support follows the weakest premise, assumptions are marked and carried,
unknown citations and cycles support nothing, and the svg links every node to its section."""

from __future__ import annotations

import re

from proofs_checks.theorem_graph import build_graph, render
from spec.registry import Assumption, Direct, Lemma, Source

SRC = Source("000", "5", "x")
CHECKS = (Direct("x", lambda profile: {}),)


def lemma(lemma_id, cites=(), kind="lemma"):
    return Lemma(lemma_id, "DA", lemma_id, "s", SRC, CHECKS, kind=kind, cites=cites)


def graph(lemmas, statuses, assumptions=()):
    assumed = {a: Assumption(a, "DA", a, "s", SRC) for a in assumptions}
    entries = {k: {"status": v} for k, v in statuses.items()}
    return build_graph({lem.id: lem for lem in lemmas}, assumed, entries)


def nodes(g):
    return {n["id"]: n for n in g["nodes"]}


def test_a_theorem_is_no_better_supported_than_its_weakest_premise():
    g = graph([lemma("T", ("A", "B"), "theorem"), lemma("A"), lemma("B", ("C",)), lemma("C")],
              {"T": "proved", "A": "proved", "B": "proved", "C": "holds"})
    n = nodes(g)
    assert n["T"]["own_status"] == "proved"
    assert n["T"]["status"] == "holds" and n["B"]["status"] == "holds" and n["A"]["status"] == "proved"
    assert sorted(map(tuple, g["edges"])) == [("B", "C"), ("T", "A"), ("T", "B")]


def test_assumptions_are_marked_never_proved_and_carried_upwards():
    g = graph([lemma("T", ("L",), "theorem"), lemma("L", ("HMV",))], {"T": "proved", "L": "proved"},
              assumptions=("HMV",))
    n = nodes(g)
    assert n["HMV"]["kind"] == "assumption" and n["HMV"]["status"] == "assumed"
    assert n["T"]["status"] == "proved" and n["T"]["assumes"] == ["HMV"]


def test_a_refuted_or_missing_premise_supports_nothing():
    g = graph([lemma("T", ("L", "GHOST"), "theorem"), lemma("L")], {"T": "proved", "L": "refuted"})
    n = nodes(g)
    assert n["L"]["status"] == "unsupported" and n["GHOST"]["kind"] == "missing"
    assert n["T"]["status"] == "unsupported"


def test_a_citation_cycle_supports_nothing():
    g = graph([lemma("T", ("A",), "theorem"), lemma("A", ("B",)), lemma("B", ("A",))],
              {"T": "proved", "A": "proved", "B": "proved"})
    assert nodes(g)["T"]["status"] == "unsupported"
    assert render(g)  # the layout copes with the cycle


def test_the_svg_links_every_node_to_its_section_and_is_deterministic():
    g = graph([lemma("T", ("A", "HMV"), "theorem"), lemma("A")], {"T": "proved", "A": "holds"},
              assumptions=("HMV",))
    svg = render(g).decode()
    links = set(re.findall(r'href="#([^"]+)"', svg))
    assert {"T", "A", "HMV"} <= links
    assert render(g) == render(g)
    assert render(g, "png")[:8] == b"\x89PNG\r\n\x1a\n"
