"""Writing the graph: Turtle, N-Triples, JSON-LD and RDF/XML, byte-identical across runs.

Every file is written to a temporary file and renamed, so a failed run never
leaves a half-written export.
"""

from __future__ import annotations

import json

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import Node

from iusgraph.graph.namespaces import (
    HP,
    IUS,
    MESH,
    PREFIXES,
    SEMAPV,
    SH,
    SSSOM,
    bind_prefixes,
    local_name,
)
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph

CONTEXT_FILE = "context.jsonld"
#: The prefixes of the mapping targets and of SSSOM, so codes read HP:0000716, MESH:D016912.
#: HP's IRI ends in '_', not a gen-delim, so JSON-LD 1.1 needs "@prefix": true to use it.
MAPPING_PREFIXES: dict[str, object] = {
    "HP": {"@id": str(HP), "@prefix": True},
    "MESH": str(MESH),
    "semapv": str(SEMAPV),
    "sssom": str(SSSOM),
}


#: Terms from other vocabularies that the graph uses, as plain keys. Values of
#: ``@id`` terms are IRIs (written as CURIEs); ``@set`` terms are always arrays.
_EXTERNAL_TERMS: dict[str, dict[str, str]] = {
    "label": {"@id": "rdfs:label", "@language": "en"},
    "comment": {"@id": "rdfs:comment", "@language": "en"},
    "prefLabel": {"@id": "skos:prefLabel", "@language": "en"},
    # No "@set" with "@language": rdflib's compaction would then not use the term.
    "altLabel": {"@id": "skos:altLabel", "@language": "en"},
    "definition": {"@id": "skos:definition", "@language": "en"},
    "notation": {"@id": "skos:notation"},
    "broader": {"@id": "skos:broader", "@type": "@id", "@container": "@set"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "hasTopConcept": {"@id": "skos:hasTopConcept", "@type": "@id", "@container": "@set"},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "hasSource": {"@id": "oa:hasSource", "@type": "@id"},
    "hasSelector": {"@id": "oa:hasSelector", "@type": "@id", "@container": "@set"},
    "exact": {"@id": "oa:exact"},
    # Text units and sections of the coverage ledger.
    "isPartOf": {"@id": "dcterms:isPartOf", "@type": "@id"},
    "title": {"@id": "dcterms:title"},
    "note": {"@id": "skos:note", "@language": "en"},
    # The Web Annotation model's type for selector offsets.
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    # HPO and MeSH codes of the entities (data/mappings), and the SSSOM rows behind them.
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id", "@container": "@set"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id", "@container": "@set"},
    "broadMatch": {"@id": "skos:broadMatch", "@type": "@id", "@container": "@set"},
    "narrowMatch": {"@id": "skos:narrowMatch", "@type": "@id", "@container": "@set"},
    "relatedMatch": {"@id": "skos:relatedMatch", "@type": "@id", "@container": "@set"},
    "mappings": {"@id": "sssom:mappings", "@type": "@id", "@container": "@set"},
    "annotatedSource": {"@id": "owl:annotatedSource", "@type": "@id"},
    "annotatedProperty": {"@id": "owl:annotatedProperty", "@type": "@id"},
    "annotatedTarget": {"@id": "owl:annotatedTarget", "@type": "@id"},
    "subject_label": {"@id": "sssom:subject_label"},
    "object_label": {"@id": "sssom:object_label"},
    "mapping_justification": {"@id": "sssom:mapping_justification", "@type": "@id"},
    "confidence": {"@id": "sssom:confidence", "@type": "xsd:double"},
    "object_source_version": {"@id": "sssom:object_source_version"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
}


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context that gives apps plain keys (``hasSideEffect``, ``prefLabel``).

    Built from the ontology, not kept by hand: ``@vocab`` is the ontology
    namespace, so its classes and properties are plain names; every ius object
    property holds an array of IRIs (CURIEs); an ius datatype property whose
    shapes name one ``sh:datatype`` has its literals written as plain strings;
    English labels are plain strings.
    ``id`` and ``type`` stand for ``@id`` and ``@type``. Written beside every
    export as ``context.jsonld`` and served by ``iusgraph serve`` at
    ``https://w3id.org/iusgraph/context.jsonld``.
    """

    context: dict[str, object] = {
        prefix: iri for prefix, iri in sorted(PREFIXES.items()) if prefix not in ("sh", "shape")
    }
    context.update(MAPPING_PREFIXES)
    context.update({"@vocab": str(IUS), "id": "@id", "type": "@type"})
    ontology = ontology_graph()
    datatypes = _shape_datatypes(shapes_graph())
    terms: dict[str, dict[str, str]] = {}
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)):
        if str(prop).startswith(str(IUS)):
            terms[local_name(prop)] = {
                "@id": f"ius:{local_name(prop)}",
                "@type": "@id",
                "@container": "@set",
            }
    for prop in set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        if str(prop).startswith(str(IUS)) and len(datatypes.get(prop, ())) == 1:
            (datatype,) = datatypes[prop]
            if datatype == XSD.string:  # plain strings compact to plain keys already
                continue
            if datatype == RDF.langString:  # the shapes allow English only, as for labels
                terms[local_name(prop)] = {"@id": f"ius:{local_name(prop)}", "@language": "en"}
                continue
            terms[local_name(prop)] = {
                "@id": f"ius:{local_name(prop)}",
                "@type": f"xsd:{str(datatype)[len(str(XSD)) :]}",
            }
    terms.update(_EXTERNAL_TERMS)
    context.update(sorted(terms.items()))
    return context


def context_document() -> str:
    """``context.jsonld``: the context alone, for apps that reference it by URL."""
    return json.dumps({"@context": jsonld_context()}, indent=2, sort_keys=True) + "\n"


def _shape_datatypes(shapes: Graph) -> dict[object, set[object]]:
    """The ``sh:datatype`` values the shapes give each ``sh:path``."""
    found: dict[object, set[object]] = {}
    for shape, datatype in shapes.subject_objects(SH.datatype):
        for path in shapes.objects(shape, SH.path):
            found.setdefault(path, set()).add(datatype)
    return found


def jsonld_files(graph: Graph) -> tuple[str, str]:
    """``iusgraph.jsonld`` (:func:`to_jsonld`) and ``context.jsonld`` beside it."""
    return to_jsonld(graph), context_document()


def with_project_prefixes(graph: Graph) -> Graph:
    """``graph`` if the project prefixes are bound on it as they are, else a copy that
    has them and keeps the graph's own other bindings: serializing never rebinds the
    prefixes of a graph it was given, nor drops them (``sd:`` must not become ``ns1:``).

    >>> from rdflib import Graph, Namespace, URIRef
    >>> g = Graph(bind_namespaces="none")
    >>> g.bind("sd", Namespace("http://www.w3.org/ns/sparql-service-description#"))
    >>> copy = with_project_prefixes(g)
    >>> copy is g, dict(g.namespaces()).get("ius"), "sd" in dict(copy.namespaces())
    (False, None, True)
    """
    manager = graph.namespace_manager
    if all(
        manager.store.namespace(prefix) == URIRef(iri)
        and manager.store.prefix(URIRef(iri)) == prefix
        for prefix, iri in PREFIXES.items()
    ):
        return graph
    copy = Graph()
    bind_prefixes(copy)
    taken = {prefix for prefix, _ in copy.namespaces()}
    for prefix, namespace in graph.namespaces():
        if prefix not in taken:  # the project's own prefixes win
            copy.bind(prefix, namespace, override=False)
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


def to_turtle(graph: Graph) -> str:
    """Turtle with the project prefixes; the input graph is not changed."""
    return with_project_prefixes(graph).serialize(format="turtle")


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` in one of :data:`iusgraph.graph.formats.GRAPH_TYPES`' rdflib formats, as
    UTF-8: JSON-LD is :func:`to_jsonld` (the context inline, never fetched; a stable
    order), RDF/XML :func:`to_rdfxml`, the others rdflib's writers with the project
    prefixes. The input graph is not changed."""
    if fmt == "json-ld":
        return to_jsonld(graph).encode("utf-8")
    if fmt == "xml":
        return to_rdfxml(graph)
    return with_project_prefixes(graph).serialize(format=fmt, encoding="utf-8")


def to_rdfxml(graph: Graph) -> bytes:
    """RDF/XML (rdflib's flat ``xml`` writer) with the project prefixes, subjects and their
    properties in sorted order, so the same graph gives the same bytes (blank nodes
    aside, which keep their labels). The input graph is not changed.

    >>> from rdflib import Graph
    >>> from rdflib.compare import isomorphic
    >>> g = Graph().parse(data="<urn:b> <http://www.w3.org/2000/01/rdf-schema#label> 'b' . "
    ...     "<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> 'a' .", format="turtle")
    >>> body = to_rdfxml(g)
    >>> body.index(b'"urn:a"') < body.index(b'"urn:b"')
    True
    >>> isomorphic(Graph().parse(data=body, format="xml"), g)
    True
    """
    # rdflib's writer takes the subjects, and each one's properties, in the store's order:
    # SimpleMemory keeps insertion order (Memory keeps a graph's triples in a set, whose
    # order changes with the hash seed), so insert them sorted.
    ordered = Graph(store="SimpleMemory")
    bind_prefixes(ordered)
    ordered.addN((s, p, o, ordered) for s, p, o in sorted(graph, key=_triple_key))
    return ordered.serialize(format="xml", encoding="utf-8")


def _triple_key(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
    return tuple(term.n3() for term in triple)


def to_ntriples(graph: Graph) -> str:
    """N-Triples with lines sorted, so that diffs are line diffs."""
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def _sorted_json(value: object, ordered: bool = False) -> object:
    """Sort keys and value arrays; an ``@list`` keeps its order, which is data."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, ordered=k == "@list") for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sorted_json(v) for v in value]
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _hp_curies(value: object) -> object:
    """HP codes as HP:0000716: rdflib does not compact an IRI whose local part starts with
    a digit, though the context's HP prefix (``"@prefix": true``) expands them back."""
    if isinstance(value, dict):
        return {k: _hp_curies(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hp_curies(v) for v in value]
    if isinstance(value, str) and value.startswith(str(HP)):
        return "HP:" + value[len(str(HP)) :]
    return value


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with :func:`jsonld_context`; nodes and values in a stable order.

    The context is inline (and also written beside the export as
    context.jsonld), so a reader never fetches anything remote.

    >>> from rdflib import Graph, URIRef
    >>> g = Graph().parse(data="@prefix ius: <https://w3id.org/iusgraph/ontology/> . "
    ...     "@prefix ent: <https://w3id.org/iusgraph/entity/> . "
    ...     "ent:mirena ius:hasSideEffect ent:acne .", format="turtle")
    >>> json.loads(to_jsonld(g))["@graph"][0]
    {'hasSideEffect': ['ent:acne'], 'id': 'ent:mirena'}
    """
    context = jsonld_context()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    data.pop("@context", None)
    graph_nodes = data.get("@graph", [data] if data else [])
    graph_nodes = sorted(
        (_sorted_json(_hp_curies(n)) for n in graph_nodes), key=lambda n: str(n.get("id", ""))
    )
    out = {"@context": context, "@graph": graph_nodes}
    return json.dumps(out, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


__all__ = [
    "context_document",
    "jsonld_context",
    "jsonld_files",
    "serialize",
    "to_jsonld",
    "to_ntriples",
    "to_rdfxml",
    "to_turtle",
    "with_project_prefixes",
]
