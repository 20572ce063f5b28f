"""``iusgraph graph-qc``: structural checks that the graph view makes easy.

SHACL looks at one node at a time; some gaps only show in the whole network:
an entity no claim names, a cluster of entities cut off from the rest, an
effect for which no source says what to do. They are reported as findings in
the same :class:`~iusgraph.validation.report.Report` as ``validate``, so CI reads them the
same way.

Rules (severity):

- ``graph:unreached-entity`` (Warning): no claim names the entity as subject,
  object or qualifier; use it in a claim or remove it from ``data/entities/``.
- ``graph:disconnected-component`` (Warning): entities linked to each other but
  not to the main graph. An entity-valued qualifier (``example=``, ``for=``)
  links its entity to the ends of the edge it qualifies.
- ``graph:effect-without-action`` (Info): an effect (object of
  ``ius:hasSideEffect``) on no edge with a recommended action. The fix is
  never to invent one: add ``action=`` only where a source states it.
"""

from __future__ import annotations

import networkx as nx

from iusgraph.graph.vocabulary import load_vocabulary
from iusgraph.network.project import entity_attributes, objects_of
from iusgraph.validation.report import Finding, Report

UNREACHED = "graph:unreached-entity"
DISCONNECTED = "graph:disconnected-component"
NO_ACTION = "graph:effect-without-action"
RULES = (UNREACHED, DISCONNECTED, NO_ACTION)


def structural_report(net: nx.MultiDiGraph) -> Report:
    """Findings for every rule in :data:`RULES` (an empty report means none fired)."""
    report = Report(checks=list(RULES))
    report.stats = {"entities": net.number_of_nodes(), "edges": net.number_of_edges()}
    unreached = sorted(n for n, data in net.nodes(data=True) if not data.get("claims"))
    for node in unreached:
        report.add(
            _finding(
                net,
                "Warning",
                node,
                UNREACHED,
                "no claim names this entity (as subject, object or qualifier): "
                "use it in a claim or remove it from data/entities/",
            )
        )
    for members in _minor_components(net, set(unreached)):
        names = ", ".join(f"{net.nodes[m]['label']} ({m})" for m in members)
        what = (
            f"{len(members)} entities connected to each other but not to the main graph"
            if len(members) > 1
            else "no non-deprecated claim links this entity to the main graph"
        )
        report.add(
            _finding(
                net,
                "Warning",
                members[0],
                DISCONNECTED,
                f"{what}: {names}; link {'them' if len(members) > 1 else 'it'} "
                "with a claim if a source does",
            )
        )
    for effect in _effects_without_action(net):
        report.add(
            _finding(
                net,
                "Info",
                effect,
                NO_ACTION,
                "no claim about this effect gives a recommended action; add "
                "action= to a claim only where its source states one",
                path="ius:recommendedAction",
            )
        )
    return report


def _finding(
    net: nx.MultiDiGraph, severity: str, node: str, rule: str, message: str, path: str = ""
) -> Finding:
    data = net.nodes[node]
    return Finding(
        severity, str(data.get("iri", node)), str(data.get("label", node)), rule, message, path=path
    )


def _connections(net: nx.MultiDiGraph) -> nx.Graph:
    """Undirected links: every edge, and each entity-valued qualifier to its edge's ends."""
    qualifiers = entity_attributes(load_vocabulary())
    links = nx.Graph()
    links.add_nodes_from(net)
    for subject, obj, data in net.edges(data=True):
        links.add_edge(subject, obj)
        for name in sorted(qualifiers & set(data)):
            for value in data[name]:
                if value in net:
                    links.add_edge(value, subject)
                    links.add_edge(value, obj)
    return links


def _minor_components(net: nx.MultiDiGraph, skip: set[str]) -> list[list[str]]:
    """Every component but the largest, each as sorted members (unreached entities aside)."""
    links = _connections(net)
    links.remove_nodes_from(skip)
    components = sorted(
        (sorted(c) for c in nx.connected_components(links)), key=lambda c: (-len(c), c)
    )
    return components[1:]


def _effects_without_action(net: nx.MultiDiGraph) -> list[str]:
    effects = sorted(objects_of(net, "ius:hasSideEffect"))
    return [
        effect
        for effect in effects
        if not any(data.get("action") for *_, data in net.in_edges(effect, data=True))
        and not any(data.get("action") for *_, data in net.out_edges(effect, data=True))
    ]


__all__ = ["RULES", "structural_report"]
