"""``iusgraph explain A B``: the shortest evidence-backed paths between two entities.

A reviewer asks "how does levonorgestrel lead to a lighter period?"; the answer
is a chain of direct triples, and each hop shows the sources and the quoted
spans that back it. Paths follow the edges' direction first; only when no
directed path exists are edges walked backwards too, and such hops say so.

>>> from iusgraph.curation.compile import build_graph
>>> from iusgraph.network.project import project
>>> found = explain(project(build_graph()), "levonorgestrel", "lighter menstrual flow")
>>> [step.node for step in found.paths[0]]
['ent:levonorgestrel', 'ent:endometrial-thinning', 'ent:reduced-menstrual-flow']
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

import networkx as nx

from iusgraph.network.project import resolve_node

#: Shortest paths enumerated before sorting; the graph is small, this only bounds hubs.
_ENUMERATE = 10_000


@dataclass(frozen=True)
class Edge:
    """One direct triple on a hop, as stored (``forward`` is False when walked backwards)."""

    subject: str
    predicate: str
    object: str
    label: str
    forward: bool
    negated: bool
    sources: list[str]
    conflicts: list[str]
    evidence: list[dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """An entity on a path and the edges that lead from it to the next entity."""

    node: str
    label: str
    edges: list[Edge] = field(default_factory=list)


@dataclass
class Explanation:
    """The shortest evidence-backed paths between two entities, up to ``--max-paths``."""

    start: str
    end: str
    directed: bool
    paths: list[list[Step]]
    labels: dict[str, str]
    total: int  # shortest paths found, before --max-paths

    def to_json(self) -> str:
        """The explanation as JSON: the ends, the hop count, the number of paths and each path."""
        return (
            json.dumps(
                {
                    "from": self.start,
                    "to": self.end,
                    "directed": self.directed,
                    "hops": len(self.paths[0]) - 1 if self.paths else None,
                    "total_paths": self.total,
                    "paths": [[asdict(step) for step in path] for path in self.paths],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def to_text(self) -> str:
        """The explanation for a reader: each path hop by hop, with sources, conflicts, quotes."""
        start, end = self.labels[self.start], self.labels[self.end]
        if not self.paths:
            return (
                f"no evidence-backed path between {start} ({self.start}) and {end} "
                f"({self.end}): no chain of claims connects them\n"
            )
        hops = len(self.paths[0]) - 1
        how = (
            "following the edges' direction"
            if self.directed
            else "no directed path, so some edges are walked backwards (marked <-)"
        )
        shown = (
            f"{len(self.paths)} of {self.total}"
            if self.total > len(self.paths)
            else str(self.total)
        )
        lines = [f"{start} -> {end}: {shown} shortest path(s) of {hops} hop(s), {how}"]
        for number, path in enumerate(self.paths, 1):
            lines.append("")
            for index, step in enumerate(path):
                lead = f"{number}." if index == 0 else " " * len(f"{number}.")
                lines.append(f"{lead} {step.label} ({step.node})")
                for edge in step.edges:
                    arrow = "->" if edge.forward else "<-"
                    pad = " " * (len(lead) + 3)
                    lines.append(f"{pad}{arrow} {edge.label}  [{', '.join(edge.sources)}]")
                    if edge.conflicts:
                        lines.append(f"{pad}     in conflict: {', '.join(edge.conflicts)}")
                    for span in edge.evidence:
                        where = (
                            f"{span.get('source', '')} {span.get('start', '?')}-"
                            f"{span.get('end', '?')}"
                        )
                        lines.append(f'{pad}     "{span.get("quote", "")}" ({where})')
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        """The explanation as JSON when ``fmt`` is ``json``, else as text."""
        return self.to_json() if fmt == "json" else self.to_text()


def explain(net: nx.MultiDiGraph, start: str, end: str, max_paths: int = 5) -> Explanation:
    """The shortest paths from ``start`` to ``end``, each hop with its sources and quotes.

    :param start: an entity id, CURIE, IRI or label (see :func:`network.resolve_node`)
    :param max_paths: how many of the shortest paths to show, in a stable order
    """
    source, target = resolve_node(net, start), resolve_node(net, end)
    labels = {n: str(net.nodes[n].get("label", n)) for n in (source, target)}
    directed = nx.has_path(net, source, target)
    view = net if directed else net.to_undirected(as_view=True)
    try:
        found = sorted(islice(nx.all_shortest_paths(view, source, target), _ENUMERATE))
    except nx.NetworkXNoPath:
        found = []
    paths = [_steps(net, nodes, directed) for nodes in found[:max_paths]]
    return Explanation(source, target, directed or not found, paths, labels, len(found))


def _steps(net: nx.MultiDiGraph, nodes: list[str], directed: bool) -> list[Step]:
    steps = []
    for here, there in zip(nodes, [*nodes[1:], None], strict=True):
        edges: list[Edge] = []
        if there is not None:
            edges = _edges(net, here, there, True)
            if not directed:
                edges += _edges(net, there, here, False)
        steps.append(Step(here, str(net.nodes[here].get("label", here)), edges))
    return steps


def _edges(net: nx.MultiDiGraph, subject: str, obj: str, forward: bool) -> list[Edge]:
    if not net.has_edge(subject, obj):
        return []
    return [
        Edge(
            subject,
            key,
            obj,
            data["label"],
            forward,
            data["negated"],
            data["sources"],
            data["conflicts"],
            data["evidence"],
        )
        for key, data in sorted(net[subject][obj].items())
    ]


__all__ = ["Edge", "Explanation", "Step", "explain"]
