"""The network as files other tools open: GraphML, node-link JSON and KGX TSV.

Every format starts from :func:`iusgraph.network.project.project`, so the three agree
with each other and with the RDF graph, and each is byte-identical across runs.

* **GraphML** (:func:`to_graphml`) is for Gephi and Cytoscape. GraphML holds only
  scalars, so :func:`flatten` turns a list of strings into one ``|``-joined
  string (the values are CURIEs or notations, which hold no ``|``), the evidence
  spans and the graph-level ``sources`` and ``conflicts`` into JSON strings, and
  keeps booleans and integers typed. An empty list is *omitted*: GraphML has no
  null, and an absent value is what Gephi and Cytoscape show as an empty cell.
  Each edge's GraphML id is unique (:func:`edge_id`): readers that key edges by
  id (graphology-graphml, cytoscape.js) refuse a file where two edges share one.
* **Node-link JSON** (:func:`to_node_link`) is for D3 and web apps: networkx's
  own node-link layout with the edges under ``"edges"``; lists stay lists.
* **KGX TSV** (:func:`to_kgx`) is the Biolink Model exchange format, a nodes
  file and an edges file. Node categories and edge predicates are the Biolink
  terms the ontology aligns our classes and properties to with
  ``skos:exactMatch`` or ``skos:closeMatch``; ``skos:relatedMatch`` is too loose
  to be used, and anything unaligned becomes ``biolink:NamedThing`` or
  ``biolink:related_to``. A negative property (``ius:NegativeProperty``) is an
  edge with ``negated`` true, and its predicate is the Biolink predicate the
  ontology names with ``ius:negatedMatch`` (``ius:notIndicatedFor`` is
  ``biolink:treats`` negated), or else ``biolink:related_to``: a positive
  alignment on a negative property is never used, since without the flag it
  would invert the meaning.

  KGX (the reference tool) keys an edge by subject, Biolink predicate and
  object, and its graph store keeps one record per key, so there is one row per
  key, carrying every ius triple and every source document behind it: a row per
  (triple, source) lost all sources but one, and a row per triple lost the ius
  properties that map to one Biolink predicate on one pair (the unaligned ones,
  all ``related_to``: a device inserted, removed and stored by a healthcare
  professional). ``ius_predicates`` lists the row's ius properties, and Biolink's
  single-valued ``original_predicate`` holds the property when there is one and is
  empty when there are several. ``negated`` is one value per row, so a key whose
  triples differ in polarity cannot be written: :func:`to_kgx` refuses it and
  names the ontology alignment that would tell them apart. ``publications``
  lists the row's source documents; Biolink allows one
  ``primary_knowledge_source``, so it is the first of them.
  Our source documents are not in the Information Resource Registry, so
  ``primary_knowledge_source`` and ``publications`` hold the documents' own CURIEs
  (``src:ius-monograph``), which resolve in this graph; ``infores:iusgraph``
  names this graph as the aggregator and as the provider of every node. The row
  ``id`` is the first CURIE of the claims behind its triples, so it is stable and
  leads back to the evidence. Curators wrote every claim from the text, hence
  ``knowledge_assertion`` and ``manual_agent``. ``negated`` is ``true`` or empty:
  KGX reads any non-empty cell, ``false`` included, as true.
  Multi-valued cells are ``|``-joined (KGX's list delimiter); tabs and line
  breaks in a cell become spaces and a ``|`` inside one value becomes ``/``.
  The CURIE prefixes of our own identifiers (``ent``, ``claim``, ``src``,
  ``ius``) are not in Biolink's JSON-LD context, which is all ``kgx validate``
  knows; :data:`KGX_PREFIXES` declares them, and a KGX TSV file has no place for
  a prefix map, so the README says how to hand them to kgx.

No code path here touches the network.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import BIOLINK, IUS, PREFIXES, expand
from iusgraph.graph.vocabulary import ontology_graph

#: The information resource that stands for this graph in KGX files.
INFORES = "infores:iusgraph"
#: Biolink's catch-alls for an unaligned class and an unaligned or negative property.
NAMED_THING = "biolink:NamedThing"
RELATED_TO = "biolink:related_to"
#: The ontology's link from a negative property to the Biolink predicate it negates.
NEGATED_MATCH = IUS.negatedMatch
#: Curators assert every claim by hand from a source's text.
KNOWLEDGE_LEVEL = "knowledge_assertion"
AGENT_TYPE = "manual_agent"
#: KGX's list delimiter, and GraphML's for the lists it cannot hold.
DELIMITER = "|"
#: The prefixes of the CURIEs this graph mints, which the KGX files use and Biolink's
#: context does not define (``infores``, ``biolink``, ``HP`` and ``MESH`` it does).
KGX_PREFIXES: dict[str, str] = {p: PREFIXES[p] for p in ("claim", "ent", "ius", "src")}

NODE_COLUMNS = (
    "id",
    "category",
    "name",
    "provided_by",
    "synonym",
    "iri",
    "xref",
    "equivalent_identifiers",
)
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "aggregator_knowledge_source",
    "negated",
    "original_predicate",
    "supporting_text",
    "publications",
    "ius_predicates",
)


# --------------------------------------------------------------------------- GraphML


def _flat_value(value: Any) -> Any:
    """A GraphML scalar for ``value``, or None to omit it (an empty list, a None)."""
    if value is None or (isinstance(value, (list, tuple, dict)) and not value):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return DELIMITER.join(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _flat_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    flat = {key: _flat_value(value) for key, value in attrs.items()}
    return {key: value for key, value in flat.items() if value is not None}


def edge_id(subject: str, obj: str, key: str, attrs: dict[str, Any]) -> str:
    """The GraphML id of the edge ``subject -key-> obj``: the CURIE of its first claim.

    A claim backs exactly one direct triple, so the first (smallest) of an edge's
    ``claims`` names no other edge, is the same on every run, and leads to the
    evidence; it is also the KGX ``id`` of the edge's row.
    An edge no live claim backs (its claims all deprecated) is named by its triple,
    ``subject--key--object``: CURIEs are XML name tokens, and so is that.

    :param subject: the edge's source node
    :param obj: the edge's target node
    :param key: the edge's key in the projection, its predicate CURIE
    :param attrs: the edge's attributes in the projection (``claims`` a list of CURIEs)
    """
    claims = attrs.get("claims") or []
    if claims:
        return str(min(claims))
    return f"{subject}--{key}--{obj}"


def flatten(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``net`` whose attributes are GraphML scalars, as :func:`to_graphml` writes.

    Lists of strings are ``|``-joined, other lists and dicts (evidence, the graph's
    sources and conflicts) become JSON strings, empty lists are omitted, and
    booleans, integers and strings stay as they are. Every node has a ``label``
    (its CURIE if it had none), the attribute Gephi shows. Every edge is keyed by
    its :func:`edge_id`, which networkx writes as the GraphML edge id; the
    projection's key, the predicate, stays in the ``predicate`` attribute.

    :param net: a projection from :func:`iusgraph.network.project.project`
    :raises IusgraphError: if two edges would get the same id (two edges backed by
        one claim, which a projection never has)
    """
    flat = nx.MultiDiGraph()
    flat.graph.update(_flat_attrs(dict(net.graph)))
    for node, attrs in net.nodes(data=True):
        flat.add_node(node, **{"label": node, **_flat_attrs(attrs)})
    named: dict[str, tuple[str, str, str]] = {}
    for subject, obj, key, attrs in net.edges(keys=True, data=True):
        ident = edge_id(subject, obj, key, attrs)
        if ident in named:
            first = " ".join(named[ident])
            raise IusgraphError(
                f"GraphML edge id {ident} names two edges, {first} and "
                f"{subject} {key} {obj}: one claim backs both"
            )
        named[ident] = (subject, key, obj)
        flat.add_edge(subject, obj, key=ident, **{"predicate": key, **_flat_attrs(attrs)})
    return flat


def to_graphml(net: nx.MultiDiGraph) -> str:
    """GraphML of :func:`flatten` ``(net)``, written by networkx, for Gephi and Cytoscape.

    networkx writes the XML (with its declaration); nothing here builds XML by hand.
    Edge ids are the unique :func:`edge_id` s, so ``read_graphml(...,
    force_multigraph=True)`` gives back the ``(u, v, key)`` edges of :func:`flatten`.

    :param net: a projection from :func:`iusgraph.network.project.project`
    :raises IusgraphError: as :func:`flatten`
    """
    buffer = io.BytesIO()
    nx.write_graphml(flatten(net), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


# --------------------------------------------------------------------------- node-link


def to_node_link(net: nx.MultiDiGraph) -> str:
    """Node-link JSON (edges under ``"edges"``) for D3 and web apps; lists stay lists.

    :param net: a projection from :func:`iusgraph.network.project.project`
    """
    data = nx.node_link_data(net, edges="edges")
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- KGX


def _biolink_match(
    ontology: Graph,
    term: URIRef,
    parent: URIRef,
    matches: tuple[URIRef, ...] = (SKOS.exactMatch, SKOS.closeMatch),
) -> str | None:
    """The Biolink CURIE ``term`` is aligned to, or else its nearest ius ancestor is.

    ``skos:exactMatch`` wins over ``skos:closeMatch``; ``skos:relatedMatch`` is too
    loose to count. Ancestors (along ``parent``, ``rdfs:subClassOf`` or
    ``rdfs:subPropertyOf``) are tried level by level, so a subclass added later
    inherits its parent's alignment.

    :param ontology: the ontology graph
    :param term: an ius class or property
    :param parent: the property that leads to its parents
    :param matches: the alignment properties, strongest first
    """
    level, seen = [term], {term}
    while level:
        for node in level:
            for match in matches:
                found = sorted(
                    str(t) for t in ontology.objects(node, match) if str(t).startswith(str(BIOLINK))
                )
                if found:
                    return "biolink:" + found[0][len(str(BIOLINK)) :]
        parents = {
            p
            for node in level
            for p in ontology.objects(node, parent)
            if isinstance(p, URIRef) and str(p).startswith(str(IUS)) and p not in seen
        }
        seen |= parents
        level = sorted(parents)
    return None


def _categories(ontology: Graph, attrs: dict[str, Any]) -> list[str]:
    """The Biolink classes of a node's ius classes; NamedThing only when none is aligned."""
    classes = list(attrs.get("classes") or []) or [attrs.get("category") or ""]
    found = {_biolink_match(ontology, expand(c), RDFS.subClassOf) for c in classes if c}
    categories = sorted(c for c in found if c)
    return categories or [NAMED_THING]


def _predicate(ontology: Graph, curie: str, negated: bool) -> tuple[str, bool]:
    """The Biolink slot for an ius property and whether the row is negated.

    A negative property (the edge says so, or the ontology types it
    ``ius:NegativeProperty``) is negated, and its slot is its ``ius:negatedMatch``
    or else ``related_to``; its skos alignments, if any, are never used, since a
    positive Biolink predicate would invert its meaning.

    :param ontology: the ontology graph
    :param curie: the ius property (the edge key)
    :param negated: the edge's own ``negated`` flag
    """
    prop = expand(curie)
    if negated or (prop, RDF.type, IUS.NegativeProperty) in ontology:
        negative = _biolink_match(ontology, prop, RDFS.subPropertyOf, (NEGATED_MATCH,))
        return negative or RELATED_TO, True
    return _biolink_match(ontology, prop, RDFS.subPropertyOf) or RELATED_TO, False


def _cell(value: str) -> str:
    """One TSV cell: tabs and line breaks would split the row, so each run of whitespace
    becomes one space."""
    return " ".join(value.replace("\t", " ").replace("\r", " ").replace("\n", " ").split())


def _multi(values: Iterable[str]) -> str:
    """A multi-valued cell; a ``|`` inside one value would split it, so it becomes ``/``."""
    seen: list[str] = []
    for value in values:
        cell = _cell(value).replace(DELIMITER, "/")
        if cell and cell not in seen:
            seen.append(cell)
    return DELIMITER.join(seen)


def _tsv(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(sorted(rows))
    return buffer.getvalue()


def _node_rows(net: nx.MultiDiGraph, ontology: Graph) -> list[list[str]]:
    rows = []
    for node, attrs in net.nodes(data=True):
        rows.append(
            [
                _cell(node),
                _multi(_categories(ontology, attrs)),
                _cell(str(attrs.get("label") or node)),
                INFORES,
                _multi(attrs.get("synonyms") or []),
                _cell(str(attrs.get("iri") or "")),
                _multi(attrs.get("xref") or []),
                _multi(attrs.get("equivalent_identifiers") or []),
            ]
        )
    return rows


def _edge_rows(net: nx.MultiDiGraph, ontology: Graph) -> list[list[str]]:
    """One row per KGX key (subject, Biolink predicate, object), carrying every ius
    triple and source behind it (see the module docstring).

    :raises IusgraphError: if a triple has a source without evidence from it, or if
        triples of both polarities share one key
    """
    groups: dict[tuple[str, str, str], list[tuple[str, bool, list[str], list[dict[str, Any]]]]]
    groups = {}
    for subject, obj, key, attrs in net.edges(keys=True, data=True):
        predicate, negated = _predicate(ontology, key, bool(attrs.get("negated")))
        evidence = attrs.get("evidence") or []
        sources = sorted(attrs.get("sources") or [])
        if not sources:
            continue
        spans = []
        for source in sources:
            from_source = [span for span in evidence if span.get("source") == source]
            if not any(span.get("claim") for span in from_source):
                raise IusgraphError(
                    f"edge {subject} {key} {obj}: no claim of {source} has "
                    "evidence from it; validate the graph (iusgraph validate)"
                )
            spans += from_source
        groups.setdefault((subject, predicate, obj), []).append((key, negated, sources, spans))
    rows = []
    for (subject, predicate, obj), triples in groups.items():
        polarity = {negated for _, negated, _, _ in triples}
        if len(polarity) > 1:
            names = " and ".join(sorted(key for key, _, _, _ in triples))
            raise IusgraphError(
                f"KGX: {subject} {names} {obj} are all {predicate}, some negated and some "
                "not, and a KGX row holds one polarity: align one of the properties to a "
                "Biolink predicate in ontology/ (skos:closeMatch, or ius:negatedMatch on "
                "a negative property)"
            )
        keys = sorted(key for key, _, _, _ in triples)
        sources = sorted({s for _, _, found, _ in triples for s in found})
        spans = [span for _, _, _, found in sorted(triples) for span in found]
        claims = sorted({span["claim"] for span in spans if span.get("claim")})
        rows.append(
            [
                _cell(claims[0]),
                _cell(subject),
                predicate,
                _cell(obj),
                _cell(sources[0]),
                KNOWLEDGE_LEVEL,
                AGENT_TYPE,
                INFORES,
                "true" if polarity == {True} else "",
                _cell(keys[0]) if len(keys) == 1 else "",
                _multi(span["quote"] for span in spans if span.get("quote")),
                _multi(sources),
                _multi(keys),
            ]
        )
    return rows


def to_kgx(net: nx.MultiDiGraph, *, ontology: Graph | None = None) -> tuple[str, str]:
    """KGX TSV: the nodes file and the edges file, rows sorted (see the module docstring).

    :param net: a projection from :func:`iusgraph.network.project.project`
    :param ontology: where the Biolink alignments are read (default: the shipped ontology)
    :returns: the text of ``iusgraph_nodes.tsv`` and of ``iusgraph_edges.tsv``
    """
    if ontology is None:
        ontology = ontology_graph()
    return (
        _tsv(NODE_COLUMNS, _node_rows(net, ontology)),
        _tsv(EDGE_COLUMNS, _edge_rows(net, ontology)),
    )


__all__ = [
    "KGX_PREFIXES",
    "edge_id",
    "flatten",
    "to_graphml",
    "to_kgx",
    "to_node_link",
]
