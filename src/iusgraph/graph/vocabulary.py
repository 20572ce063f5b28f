"""The ontology and concept schemes, read once, as the compiler's registry.

Qualifier keys, claim properties and allowed values are declared in
``ontology/`` (``ius:curationKey``, ``ius:valueKind``, ``ius:valueScheme``);
this module reads them so that no list is repeated in code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from iusgraph.graph.namespaces import IUS, IUSV, bind_prefixes, local_name
from iusgraph.graph.resources import ontology_dir

ONTOLOGY_FILES = ("iusgraph.ttl", "schemes.ttl")


@dataclass(frozen=True)
class Qualifier:
    """A qualifier key a curator may write, and how its value compiles."""

    key: str
    prop: URIRef
    #: One of ius:ConceptValue, ius:EntityValue, ius:DurationValue, ius:DecimalValue and
    #: ius:ClaimValue.
    kind: URIRef
    scheme: URIRef | None
    concepts: dict[str, URIRef]  # notation -> concept, for concept-valued keys


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology declares for compiling: claim properties by kind, qualifier keys
    and entity classes, with the ontology graph itself for concept schemes and labels."""

    graph: Graph
    claim_properties: dict[str, URIRef]  # local name -> property
    negative_properties: frozenset[URIRef]
    quantity_properties: frozenset[URIRef]
    text_properties: frozenset[URIRef]  # value: the source's words (ius:claimValue)
    evidence_status_properties: frozenset[URIRef]  # caveats: no direct triple
    qualifiers: dict[str, Qualifier]
    entity_classes: dict[str, URIRef]  # local name -> class (subclasses of ius:Entity)

    def scheme(self, scheme_id: str) -> dict[str, URIRef]:
        """The concepts of ``iusv:<scheme_id>`` by notation."""
        return {
            str(self.graph.value(c, SKOS.notation)): c
            for c in _subjects(self.graph, SKOS.inScheme, IUSV[scheme_id])
        }

    def label(self, node: URIRef) -> str:
        """The ``skos:prefLabel`` or ``rdfs:label`` of ``node``, else its last IRI segment."""
        for pred in (SKOS.prefLabel, RDFS.label):
            for value in self.graph.objects(node, pred):
                return str(value)
        return str(node).rsplit("/", 1)[-1]


def _subjects(graph: Graph, pred: URIRef, obj: Node) -> Iterator[URIRef]:
    """The subjects of ``pred obj``: IRIs, since the ontology files name every one."""
    return cast("Iterator[URIRef]", graph.subjects(pred, obj))


@lru_cache(maxsize=4)
def ontology_graph(folder: Path | None = None) -> Graph:
    """The ontology and the concept schemes as one graph (parsed once), from
    :func:`~iusgraph.graph.resources.ontology_dir` or another ``folder`` (the ontology at
    a git revision, :mod:`iusgraph.curation.revision`)."""
    graph = Graph()
    bind_prefixes(graph)
    for name in ONTOLOGY_FILES:
        graph.parse((folder or ontology_dir()) / name, format="turtle")
    return graph


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes (``ontology/shapes.ttl``) as a graph (parsed once)."""
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(ontology_dir() / "shapes.ttl", format="turtle")
    return graph


@lru_cache(maxsize=4)
def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """The :class:`Vocabulary` read from :func:`ontology_graph` (read once), of the
    ontology in use or of the one in ``folder``."""
    graph = ontology_graph(folder)
    claim_classes = {
        IUS.ClaimProperty,
        IUS.NegativeProperty,
        IUS.QuantityProperty,
        IUS.TextProperty,
        IUS.EvidenceStatusProperty,
    }
    claim_properties: dict[str, URIRef] = {}
    for cls in claim_classes:
        for prop in _subjects(graph, RDF.type, cls):
            claim_properties[local_name(prop)] = prop
    negative = frozenset(_subjects(graph, RDF.type, IUS.NegativeProperty))
    quantity = frozenset(_subjects(graph, RDF.type, IUS.QuantityProperty))
    text = frozenset(_subjects(graph, RDF.type, IUS.TextProperty))
    status = frozenset(_subjects(graph, RDF.type, IUS.EvidenceStatusProperty))

    qualifiers: dict[str, Qualifier] = {}
    for prop in _subjects(graph, RDF.type, IUS.QualifierProperty):
        key = str(graph.value(prop, IUS.curationKey))
        # IRIs in the ontology; every qualifier property declares its ius:valueKind.
        kind = cast("URIRef", graph.value(prop, IUS.valueKind))
        scheme = cast("URIRef | None", graph.value(prop, IUS.valueScheme))
        concepts: dict[str, URIRef] = {}
        if scheme is not None:
            for concept in _subjects(graph, SKOS.inScheme, scheme):
                concepts[str(graph.value(concept, SKOS.notation))] = concept
        qualifiers[key] = Qualifier(key, prop, kind, scheme, concepts)

    entity_classes = {local_name(cls): cls for cls in _subjects(graph, RDFS.subClassOf, IUS.Entity)}
    return Vocabulary(
        graph, claim_properties, negative, quantity, text, status, qualifiers, entity_classes
    )
