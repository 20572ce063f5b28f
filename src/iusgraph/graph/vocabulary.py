"""The ontology and concept schemes, read once, as the compiler's registry.

Qualifier keys, claim properties and allowed values are declared in
``ontology/`` (``ius:curationKey``, ``ius:valueKind``, ``ius:valueScheme``);
this module reads them so that no list is repeated in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

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
            str(self.graph.value(c, SKOS.notation)): c  # type: ignore[misc]
            for c in self.graph.subjects(SKOS.inScheme, IUSV[scheme_id])
        }

    def label(self, node: URIRef) -> str:
        for pred in (SKOS.prefLabel, RDFS.label):
            for value in self.graph.objects(node, pred):
                return str(value)
        return str(node).rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology and the concept schemes as one graph (parsed once)."""
    graph = Graph()
    bind_prefixes(graph)
    for name in ONTOLOGY_FILES:
        graph.parse(ontology_dir() / name, format="turtle")
    return graph


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(ontology_dir() / "shapes.ttl", format="turtle")
    return graph


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    graph = ontology_graph()
    claim_classes = {
        IUS.ClaimProperty,
        IUS.NegativeProperty,
        IUS.QuantityProperty,
        IUS.TextProperty,
        IUS.EvidenceStatusProperty,
    }
    claim_properties: dict[str, URIRef] = {}
    for cls in claim_classes:
        for prop in graph.subjects(RDF.type, cls):
            claim_properties[local_name(prop)] = prop  # type: ignore[arg-type]
    negative = frozenset(graph.subjects(RDF.type, IUS.NegativeProperty))
    quantity = frozenset(graph.subjects(RDF.type, IUS.QuantityProperty))
    text = frozenset(graph.subjects(RDF.type, IUS.TextProperty))
    status = frozenset(graph.subjects(RDF.type, IUS.EvidenceStatusProperty))

    qualifiers: dict[str, Qualifier] = {}
    for prop in graph.subjects(RDF.type, IUS.QualifierProperty):
        key = str(graph.value(prop, IUS.curationKey))
        kind = graph.value(prop, IUS.valueKind)
        scheme = graph.value(prop, IUS.valueScheme)
        concepts: dict[str, URIRef] = {}
        if scheme is not None:
            for concept in graph.subjects(SKOS.inScheme, scheme):
                concepts[str(graph.value(concept, SKOS.notation))] = concept  # type: ignore[assignment]
        qualifiers[key] = Qualifier(key, prop, kind, scheme, concepts)  # type: ignore[arg-type]

    entity_classes = {
        local_name(cls): cls  # type: ignore[misc]
        for cls in graph.subjects(RDFS.subClassOf, IUS.Entity)
    }
    return Vocabulary(
        graph, claim_properties, negative, quantity, text, status, qualifiers, entity_classes
    )
