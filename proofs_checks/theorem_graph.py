"""The theorem graph: each main theorem, the statements its proof cites (transitively), and the
assumptions they rest on, with each node's support computed from its own checks and its premises.

Nodes come from the registry (``Lemma(kind="theorem")``, ``Lemma.cites``, ``Assumption``) and
their own status from a run's report entries; edges point from a statement to what its proof
cites.  A node is no better supported than its weakest premise: its ``status`` is the weakest of
its own status and its premises' statuses (order below).  Assumptions are marked ``assumed``:
they are never checked here and never weaken or strengthen a node; the statements that rest on
them list them in ``assumes`` (transitively), so a lower bound reads "proved, assuming HMV".

Layout: layers by longest path from the theorems (networkx's topological order of the citation
graph); within a layer, nodes are ordered by the mean position of the nodes that cite them (one
downward sweep), which keeps edges short.  Rendering: matplotlib, SVG with a link from every node
to its section of the report.
"""

from __future__ import annotations

import io
from typing import Any

from spec.registry import GRADES, Assumption, Lemma

#: support, strongest first; a node whose premise is refuted, errs or is missing is "unsupported"
SUPPORT = GRADES + ("unsupported",)
#: node colours: the status badges of report.html
COLOURS = {"proved": "#1b7837", "proved-bounded": "#2f8f4a", "certified": "#4d9f5c",
           "holds": "#5aae61", "evidence": "#7a7a7a", "unsupported": "#d6604d",
           "assumed": "#fee08b"}


def _own_status(entry: dict[str, Any] | None) -> str:
    """The node's own status: its statement's status in this run, "not run" when it did not run."""
    return "not run" if entry is None else entry["status"]


def _support(own: str) -> str:
    return own if own in GRADES else "unsupported"


def build_graph(lemmas: dict[str, Lemma], assumptions: dict[str, Assumption],
                entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The graph of the main theorems: ``{"nodes": [...], "edges": [[from, to], ...]}``.

    ``entries``: report entries by statement id (statuses of this run).  A citation of an id that
    is neither a statement nor an assumption is kept as a node of kind "missing", so a typo in
    ``cites`` shows instead of vanishing.
    """
    roots = [lid for lid, lem in lemmas.items() if lem.kind == "theorem"]
    seen: list[str] = []
    edges: list[list[str]] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.append(node)
        for cited in (lemmas[node].cites if node in lemmas else ()):
            edges.append([node, cited])
            if cited not in seen:
                stack.append(cited)
    support: dict[str, str] = {}
    assumes: dict[str, set[str]] = {}

    def resolve(node: str, path: tuple[str, ...] = ()) -> tuple[str, set[str]]:
        if node in support:
            return support[node], assumes[node]
        if node in assumptions:
            support[node], assumes[node] = "assumed", {node}
            return "assumed", {node}
        if node not in lemmas or node in path:
            # unknown id, or a citation cycle: neither can support anything
            return "unsupported", set()
        status = _support(_own_status(entries.get(node)))
        rests: set[str] = set()
        for cited in lemmas[node].cites:
            child, child_assumes = resolve(cited, path + (node,))
            rests |= child_assumes
            if child != "assumed" and SUPPORT.index(child) > SUPPORT.index(status):
                status = child
        support[node], assumes[node] = status, rests
        return status, rests

    nodes = []
    for node in seen:
        status, rests = resolve(node)
        if node in assumptions:
            a = assumptions[node]
            nodes.append({"id": node, "kind": "assumption", "title": a.title, "status": "assumed",
                          "own_status": "assumed", "assumes": [], "reference": a.reference})
        elif node in lemmas:
            lem = lemmas[node]
            nodes.append({"id": node, "kind": lem.kind, "title": lem.title, "status": status,
                          "own_status": _own_status(entries.get(node)), "assumes": sorted(rests)})
        else:
            nodes.append({"id": node, "kind": "missing", "title": "not a registered statement",
                          "status": "unsupported", "own_status": "unsupported", "assumes": []})
    return {"nodes": nodes, "edges": edges}


def _positions(graph: dict[str, Any]) -> dict[str, tuple[float, float]]:
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(n["id"] for n in graph["nodes"])
    g.add_edges_from((a, b) for a, b in graph["edges"] if a != b)
    if not nx.is_directed_acyclic_graph(g):
        g = nx.DiGraph(e for e in g.edges if e[0] < e[1])   # drop back edges of a cycle
        g.add_nodes_from(n["id"] for n in graph["nodes"])
    layer = {}
    for depth, generation in enumerate(nx.topological_generations(g)):
        for node in generation:
            layer[node] = depth
    # longest path from a root: a node sits below everything that cites it
    for node in nx.topological_sort(g):
        for child in g.successors(node):
            layer[child] = max(layer[child], layer[node] + 1)
    order: dict[str, float] = {}
    for depth in range(max(layer.values(), default=0) + 1):
        members = [n for n in layer if layer[n] == depth]
        def key(n: str) -> tuple[float, str]:
            parents = [order[p] for p in g.predecessors(n) if p in order]
            return (sum(parents) / len(parents) if parents else 0.0, n)
        for rank, n in enumerate(sorted(members, key=key)):
            order[n] = rank - (len(members) - 1) / 2
    widths = {d: sum(1 for n in layer if layer[n] == d) for d in set(layer.values())}
    width = max(widths.values(), default=1)
    return {n: (order[n] / max(width - 1, 1), -float(layer[n])) for n in g.nodes}


def render(graph: dict[str, Any], fmt: str = "svg", link_prefix: str = "#") -> bytes:
    """The graph as SVG (each node links to ``link_prefix + id``) or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    matplotlib.rcParams["svg.fonttype"] = "none"     # text stays text in the svg
    matplotlib.rcParams["svg.hashsalt"] = "theorem-graph"
    pos = _positions(graph)
    layers = sorted({round(y, 6) for _, y in pos.values()})
    width = max((sum(1 for p in pos.values() if round(p[1], 6) == y) for y in layers), default=1)
    fig, ax = plt.subplots(figsize=(max(8.0, 1.6 * width), max(3.0, 1.1 * len(layers))))
    ax.set_axis_off()
    by_id = {n["id"]: n for n in graph["nodes"]}
    for a, b in graph["edges"]:
        if a in pos and b in pos and a != b:
            ax.add_patch(FancyArrowPatch(pos[a], pos[b], arrowstyle="-|>", mutation_scale=8,
                                         color="#777777", lw=0.6, shrinkA=11, shrinkB=11, zorder=1))
    for node_id, (x, y) in pos.items():
        node = by_id[node_id]
        style = "round,pad=0.3" if node["kind"] != "assumption" else "sawtooth,pad=0.3"
        weight = "bold" if node["kind"] == "theorem" else "normal"
        ink = "black" if node["status"] == "assumed" else "white"
        text = ax.text(x, y, node_id, ha="center", va="center", fontsize=7, fontweight=weight,
                       color=ink, zorder=3, bbox={"boxstyle": style, "fc": COLOURS.get(node["status"], "#ffffff"),
                                       "ec": "#333333", "lw": 0.6})
        text.set_url(f"{link_prefix}{node_id}")
    ax.set_xlim(-0.6 - 0.5 / max(width, 1), 0.6 + 0.5 / max(width, 1))
    ys = [y for _, y in pos.values()] or [0.0]
    ax.set_ylim(min(ys) - 0.3, max(ys) + 0.3)
    handles = [plt.Line2D([], [], marker="s", ls="", color=c, label=s) for s, c in COLOURS.items()]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(handles),
              fontsize=7, frameon=False)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight", dpi=110, metadata=_metadata(fmt))
    plt.close(fig)
    return buf.getvalue()


def _metadata(fmt: str) -> dict[str, Any]:
    """No creation dates or software versions, so that two runs give the same file."""
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    if fmt == "png":
        return {"Software": None}
    return {}
