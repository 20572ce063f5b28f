"""The graph as networkx sees it: one typed ``MultiDiGraph`` of the direct triples.

Analysts and apps think in entities and relations, not claim nodes. Each edge
is one direct triple ``(subject, claim property, object)``; the claims that back
it (one per source per assertion, rank not deprecated) are folded into the
edge's attributes, so the evidence travels with the edge. Everything in
the network view (:mod:`~iusgraph.network.explain`, :mod:`~iusgraph.network.agreement`,
:mod:`~iusgraph.network.structure`, :mod:`~iusgraph.network.interchange` and
:mod:`~iusgraph.network.draw`) starts from :func:`project`; nothing rebuilds the graph.

Node keys and attribute values are CURIEs under the project prefixes
(``ent:mirena``, ``src:ius-monograph``); concept-valued qualifiers are their
notation (``frequency: ["common"]``), so attributes read without a lookup.

>>> from iusgraph.curation.compile import build_graph
>>> net = project(build_graph())
>>> net.nodes["ent:mirena"]["label"], net.nodes["ent:mirena"]["category"]
('Mirena', 'ius:Device')
>>> edge = net.edges["ent:lng-ius", "ent:uterine-perforation", "ius:hasSideEffect"]
>>> edge["seriousness"], edge["frequency"], edge["sources"]
(['serious'], ['rare'], ['src:ius-monograph'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, cast

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from iusgraph.curation.ids import suggest
from iusgraph.curation.mappings import codes_of
from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import IUS, IUSV, OA, expand, shorten
from iusgraph.graph.vocabulary import Vocabulary, load_vocabulary

#: Ranks from best to worst (Wikidata's order); an edge carries its best claim's rank.
RANKS = ("preferred", "normal", "deprecated")


def project(graph: Graph, vocab: Vocabulary | None = None) -> nx.MultiDiGraph:
    """The direct triples of ``graph`` as a MultiDiGraph keyed by predicate CURIE.

    Nodes are every ``ius:Entity`` (whether or not a claim reaches it, so that
    structural QC can find the ones that none does) with ``label``, ``category``
    (the entity class), ``classes``, ``synonyms``, ``broader``, ``iri``, ``xref`` and
    ``equivalent_identifiers`` (HPO and MeSH CURIEs from ``skos:*Match``) and ``claims``
    (every claim naming the entity, as subject, object or qualifier). Edge
    attributes: ``predicate``, ``label``, ``negated``, ``claims``, ``sources``,
    ``source_count``, ``rank``, ``conflicts``, ``evidence`` (source, quote, start,
    end per span), and one sorted list per qualifier key the claims carry
    (``frequency``, ``seriousness``, ``action``, ``product``...).

    The graph-level attributes hold the sources (label, reliability) and the
    curated conflicts (kind, label, claims), which the edges refer to by CURIE.

    :param graph: a compiled iusgraph graph (ontology, entities, claims, conflicts)
    :param vocab: the ontology registry (default: the shipped ontology)
    """
    vocab = vocab or load_vocabulary()
    net = nx.MultiDiGraph(name="iusgraph")
    net.graph["sources"] = _sources(graph)
    conflicts, conflicts_of = _conflicts(graph)
    net.graph["conflicts"] = conflicts

    entity_classes = set(vocab.entity_classes.values())
    nodes: dict[str, dict[str, Any]] = {}
    for cls in entity_classes:
        for node in graph.subjects(RDF.type, cls):
            if isinstance(node, URIRef):
                nodes.setdefault(shorten(node), _node(graph, node, entity_classes))
    for claim, entity in _mentions(graph):
        if entity in nodes:
            nodes[entity]["claims"].append(claim)
    for key in sorted(nodes):
        nodes[key]["claims"] = sorted(set(nodes[key]["claims"]))
        net.add_node(key, **nodes[key])

    keys = qualifier_attributes(vocab)
    backing = _claims_by_triple(graph)
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    linking = {p for p in vocab.claim_properties.values() if p not in vocab.quantity_properties}
    for prop in linking:
        for s, o in graph.subject_objects(prop):
            claims = backing.get((s, prop, o), [])
            attrs = _edge(graph, prop, claims, keys, conflicts_of, vocab)
            edges.append((shorten(s), shorten(o), shorten(prop), attrs))
    for subject, obj, key, attrs in sorted(edges, key=lambda e: e[:3]):
        for end in (subject, obj):
            if end not in net:  # a triple whose end is not typed as an entity still shows
                net.add_node(
                    end,
                    label=end,
                    category="",
                    classes=[],
                    synonyms=[],
                    broader=[],
                    iri=str(expand(end)),
                    claims=[],
                    xref=[],
                    equivalent_identifiers=[],
                )
        net.add_edge(subject, obj, key=key, **attrs)
    return net


def _node(graph: Graph, node: URIRef, entity_classes: set[URIRef]) -> dict[str, Any]:
    classes = sorted(shorten(c) for c in graph.objects(node, RDF.type) if c in entity_classes)
    labels = sorted(str(v) for v in graph.objects(node, SKOS.prefLabel))
    codes = codes_of(graph, node)
    return {
        "label": labels[0] if labels else shorten(node),
        "category": classes[0] if classes else "",
        "classes": classes,
        "synonyms": sorted(str(v) for v in graph.objects(node, SKOS.altLabel)),
        "broader": sorted(shorten(v) for v in graph.objects(node, SKOS.broader)),
        "iri": str(node),
        "claims": [],
        # HPO and MeSH codes (data/mappings): every skos:*Match as a cross-reference, the
        # exact matches also as equivalent identifiers.
        "xref": sorted({curie for _, curie in codes}),
        "equivalent_identifiers": [curie for name, curie in codes if name == "exactMatch"],
    }


def _mentions(graph: Graph) -> list[tuple[str, str]]:
    """(claim, entity) for every claim naming an entity, as subject, object or qualifier."""
    out = []
    for claim in graph.subjects(RDF.type, IUS.Claim):
        for prop, value in graph.predicate_objects(claim):
            if isinstance(value, URIRef) and prop not in (
                RDF.type,
                PROV.wasDerivedFrom,
                IUS.claimPredicate,
                IUS.hasEvidence,
            ):
                out.append((shorten(claim), shorten(value)))
    return out


def _sources(graph: Graph) -> dict[str, dict[str, str]]:
    out = {}
    for source in sorted(cast("Iterator[URIRef]", graph.subjects(RDF.type, IUS.SourceDocument))):
        label = graph.value(source, SKOS.prefLabel)
        reliability = graph.value(graph.value(source, IUS.reliability), SKOS.notation)
        out[shorten(source)] = {
            "label": str(label or shorten(source)),
            "reliability": str(reliability or ""),
        }
    return out


def _conflicts(graph: Graph) -> tuple[dict[str, dict[str, Any]], dict[URIRef, list[str]]]:
    conflicts: dict[str, dict[str, Any]] = {}
    of_claim: dict[URIRef, list[str]] = defaultdict(list)
    for conflict in sorted(cast("Iterator[URIRef]", graph.subjects(RDF.type, IUS.Conflict))):
        key = shorten(conflict)
        claims = sorted(cast("Iterator[URIRef]", graph.objects(conflict, IUS.involvesClaim)))
        kind = graph.value(graph.value(conflict, IUS.conflictKind), SKOS.notation)
        label = graph.value(conflict, RDFS.label) or graph.value(conflict, SKOS.prefLabel)
        conflicts[key] = {
            "kind": str(kind or ""),
            "label": str(label or key),
            "claims": [shorten(c) for c in claims],
        }
        for claim in claims:
            of_claim[claim].append(key)
    return conflicts, of_claim


def qualifier_attributes(vocab: Vocabulary) -> dict[URIRef, str]:
    """The edge attribute of each qualifier property: its curation key (``frequency``,
    ``action``, ``confirmed_by``), except ``about`` (ius:productContext), named ``product``."""
    return {
        q.prop: "product" if q.prop == IUS.productContext else q.key.replace("-", "_")
        for q in sorted(vocab.qualifiers.values(), key=lambda q: q.prop)
        if q.prop != IUS.rank
    }


def entity_attributes(vocab: Vocabulary) -> set[str]:
    """The edge attributes whose values are entities a claim names (``example``, ``for``...);
    ``product`` aside, since every claim has one whether or not its source names it."""
    names = qualifier_attributes(vocab)
    return {
        names[q.prop]
        for q in vocab.qualifiers.values()
        if q.kind == IUS.EntityValue and q.prop != IUS.productContext
    }


def objects_of(net: nx.MultiDiGraph, predicate: str) -> set[str]:
    """The objects of every edge with ``predicate`` (a CURIE such as ``ius:hasSideEffect``)."""
    return {obj for _, obj, key in net.edges(keys=True) if key == predicate}


def _claims_by_triple(graph: Graph) -> dict[tuple[Any, Any, Any], list[URIRef]]:
    """Claims by the direct triple they back; deprecated claims back nothing."""
    deprecated = set(graph.subjects(IUS.rank, IUSV["rank-deprecated"]))
    index: dict[tuple[Any, Any, Any], list[URIRef]] = defaultdict(list)
    for claim in cast("Iterator[URIRef]", graph.subjects(RDF.type, IUS.Claim)):
        if claim in deprecated:
            continue
        triple = (
            graph.value(claim, IUS.claimSubject),
            graph.value(claim, IUS.claimPredicate),
            graph.value(claim, IUS.claimObject),
        )
        index[triple].append(claim)
    return index


def _value(graph: Graph, value: Any) -> str:
    """A concept's notation, an entity's CURIE, or a literal's lexical form."""
    if isinstance(value, Literal):
        return str(value)
    notation = graph.value(value, SKOS.notation)
    return str(notation) if notation is not None else shorten(value)


def _edge(
    graph: Graph,
    prop: URIRef,
    claims: list[URIRef],
    keys: dict[URIRef, str],
    conflicts_of: dict[URIRef, list[str]],
    vocab: Vocabulary,
) -> dict[str, Any]:
    sources: set[str] = set()
    ranks: set[str] = set()
    qualifiers: dict[str, set[str]] = defaultdict(set)
    conflicts: set[str] = set()
    evidence: list[dict[str, Any]] = []
    for claim in sorted(claims):
        sources.update(shorten(s) for s in graph.objects(claim, PROV.wasDerivedFrom))
        rank = graph.value(claim, IUS.rank)
        ranks.add(_value(graph, rank) if rank is not None else "normal")
        for qualifier, key in keys.items():
            qualifiers[key].update(_value(graph, v) for v in graph.objects(claim, qualifier))
        conflicts.update(conflicts_of.get(claim, []))
        evidence.extend(_evidence(graph, claim))
    attrs: dict[str, Any] = {
        "predicate": shorten(prop),
        "label": vocab.label(prop),
        "negated": prop in vocab.negative_properties,
        "claims": [shorten(c) for c in sorted(claims)],
        "sources": sorted(sources),
        "source_count": len(sources),
        "rank": next((r for r in RANKS if r in ranks), "normal"),
        "conflicts": sorted(conflicts),
        "evidence": evidence,
    }
    attrs.update({key: sorted(values) for key, values in sorted(qualifiers.items()) if values})
    return attrs


def _evidence(graph: Graph, claim: URIRef) -> list[dict[str, Any]]:
    spans = []
    for annotation in sorted(cast("Iterator[URIRef]", graph.objects(claim, IUS.hasEvidence))):
        span: dict[str, Any] = {
            "claim": shorten(claim),
            "source": shorten(graph.value(annotation, OA.hasSource)),
        }
        for selector in graph.objects(annotation, OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                span["quote"] = str(exact)
            start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
            if start is not None and end is not None:
                span["start"], span["end"] = int(cast(Literal, start)), int(cast(Literal, end))
        spans.append(span)
    return spans


def resolve_node(net: nx.MultiDiGraph, name: str) -> str:
    """The node a user means by ``name``: a CURIE, a full IRI, a bare id or a label.

    >>> from iusgraph.curation.compile import build_graph
    >>> net = project(build_graph())
    >>> [resolve_node(net, n) for n in ("mirena", "ent:mirena", "Mirena")]
    ['ent:mirena', 'ent:mirena', 'ent:mirena']
    """

    if name in net:
        return name
    candidates = [shorten(URIRef(name))] if "://" in name else []
    for candidate in [*candidates, f"ent:{name}"]:
        if candidate in net:
            return candidate
    wanted = name.strip().lower()
    matches: list[str] = sorted(
        n
        for n, data in net.nodes(data=True)
        if wanted == str(data.get("label", "")).lower()
        or wanted in (s.lower() for s in data.get("synonyms", []))
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise IusgraphError(
            f"{name!r} names {len(matches)} entities ({', '.join(matches)}): give one of these ids"
        )
    ids = [n.partition(":")[2] for n in net]
    raise IusgraphError(
        f"no entity {name!r} in the graph{suggest(name, ids)}; give an id "
        "(mirena), a CURIE (ent:mirena), an IRI or a label"
    )


__all__ = [
    "RANKS",
    "entity_attributes",
    "objects_of",
    "project",
    "qualifier_attributes",
    "resolve_node",
]
