"""The project prefixes as plain strings, and CURIEs for IRIs, with no RDF library.

:mod:`iusgraph.graph.namespaces` builds rdflib namespaces from these; the query path that
never imports rdflib (:mod:`iusgraph.query.answers`) reads them here.

>>> shorten_iri("https://w3id.org/iusgraph/entity/acne"), shorten_iri("http://example.org/x")
('ent:acne', '<http://example.org/x>')
"""

from __future__ import annotations

BASE = "https://w3id.org/iusgraph/"

#: Prefixes bound in every graph we write or query, so exports and query results read the
#: same everywhere.
PREFIXES: dict[str, str] = {
    "ius": BASE + "ontology/",
    "iusv": BASE + "vocab/",
    "ent": BASE + "entity/",
    "claim": BASE + "claim/",
    "ev": BASE + "evidence/",
    "src": BASE + "source/",
    "conflict": BASE + "conflict/",
    "shape": BASE + "shapes/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The prefixes longest namespace first, so a CURIE uses the most specific one.
_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def shorten_iri(iri: str) -> str:
    """A CURIE for an IRI under the project prefixes, else ``<iri>``."""
    for prefix, namespace in _LONGEST_FIRST:
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
