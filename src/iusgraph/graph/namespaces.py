"""The IRIs of iusgraph, in one place so that every module mints the same ones."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from rdflib import BNode, Namespace, URIRef

from iusgraph.graph.prefixes import BASE as BASE
from iusgraph.graph.prefixes import PREFIXES as PREFIXES
from iusgraph.graph.prefixes import shorten_iri

# The project's namespaces, from the one table of prefixes (iusgraph.graph.prefixes).
IUS = Namespace(PREFIXES["ius"])
IUSV = Namespace(PREFIXES["iusv"])
ENT = Namespace(PREFIXES["ent"])
CLAIM = Namespace(PREFIXES["claim"])
EV = Namespace(PREFIXES["ev"])
SRC = Namespace(PREFIXES["src"])
CONFLICT = Namespace(PREFIXES["conflict"])
SHAPE = Namespace(PREFIXES["shape"])
OA = Namespace(PREFIXES["oa"])
SCHEMA = Namespace(PREFIXES["schema"])
BIOLINK = Namespace(PREFIXES["biolink"])
SH = Namespace(PREFIXES["sh"])
#: The mapping targets (data/mappings) and SSSOM's own vocabularies.
HP = Namespace("http://purl.obolibrary.org/obo/HP_")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
#: Dataset descriptions (a release's ``void.ttl``): VoID, DCAT and SPDX's checksums.
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

ONTOLOGY_IRI = BASE + "ontology"


def local_name(iri: object) -> str:
    """The local name of an ``ius:`` term.

    >>> local_name(IUS.hasSideEffect)
    'hasSideEffect'
    """
    return str(iri)[len(str(IUS)) :]


class _Binds(Protocol):
    """Anything with rdflib's ``bind``: a Graph, or a NamespaceManager."""

    def bind(
        self, prefix: str, namespace: Any, override: bool = ..., replace: bool = ...
    ) -> None: ...


def bind_prefixes(graph: _Binds) -> None:
    """Bind the project prefixes, replacing rdflib's defaults."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


def prologue(prefixes: Iterable[tuple[str, str]]) -> str:
    """SPARQL ``PREFIX`` lines declaring ``(prefix, namespace)`` pairs.

    >>> prologue([("ent", "https://w3id.org/iusgraph/entity/")])
    'PREFIX ent: <https://w3id.org/iusgraph/entity/>\\n'
    """
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in prefixes)


def curie(iri: str) -> str:
    """The CURIE :func:`shorten` writes for ``iri``, or the IRI itself (never a bare
    ``ius:``).

    >>> curie("https://w3id.org/iusgraph/entity/acne"), curie("http://example.org/x")
    ('ent:acne', 'http://example.org/x')
    """
    short = shorten(URIRef(iri))
    return iri if short.startswith("<") or short.endswith(":") else short


def expand(curie: str) -> URIRef:
    """The IRI of a CURIE under the project prefixes (or of ``<iri>``); others as they are.

    >>> str(expand("ent:mirena"))
    'https://w3id.org/iusgraph/entity/mirena'
    """
    if curie.startswith("<") and curie.endswith(">"):
        return URIRef(curie[1:-1])
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local) if prefix in PREFIXES else URIRef(curie)


def shorten(term: Any) -> str:
    """A CURIE for IRIs under the project prefixes, ``<iri>`` otherwise, text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten_iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)
