"""A release's dataset description (``void.ttl``): VoID and DCAT, with no blank node.

What it says comes from the released graph and its counts (:mod:`iusgraph.query.stats`,
the same numbers as ``iusgraph stats``), never from a second count:

- the dataset (``<release>/dataset``), a ``void:Dataset`` and a ``dcat:Dataset``, with the
  release's version and date, ``void:triples``, a ``void:classPartition`` per class
  (``void:entities``) and a ``void:propertyPartition`` per predicate (``void:triples``);
- a ``dcat:Distribution`` per file of the bundle, with its ``dcat:mediaType`` (from
  :func:`iusgraph.graph.formats.file_media_type`), its size and its SHA-256
  (``spdx:checksum``);
- the source documents with their file name, SHA-256 and reliability, as the source
  registry records them; it records no access date, and the description says so;
- the vocabularies mapped against (a ``void:Linkset`` per SSSOM mapping set, with the
  release of the target it was checked against);
- the generator (``prov:wasGeneratedBy`` an activity of the ``iusgraph`` software agent,
  with its version);
- ``dcterms:rights``: the sources state no licence, and none is invented.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from iusgraph import __version__
from iusgraph.errors import IusgraphError
from iusgraph.graph.formats import file_media_type
from iusgraph.graph.namespaces import (
    DCAT,
    IUS,
    ONTOLOGY_IRI,
    SPDX,
    SSSOM,
    VOID,
    bind_prefixes,
    expand,
)
from iusgraph.graph.prefixes import BASE
from iusgraph.graph.release_info import ReleaseInfo
from iusgraph.graph.serialize import to_turtle

if TYPE_CHECKING:
    from iusgraph.query.stats import Stats

#: The file the description is written to, in the bundle.
DESCRIPTION_FILE = "void.ttl"
#: Where a media type's IANA IRI starts (DCAT's ``dcat:mediaType`` takes an IRI).
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

RIGHTS = (
    "The source documents state no licence, so no licence is given for this dataset, "
    "which quotes them. The ontology and the mapping sets state their own "
    "(dcterms:license on the ontology and on each mapping set, in the graph)."
)
NO_ACCESS_DATE = (
    "No access date is recorded for this document: the source registry "
    "(data/sources.ttl) identifies it by file name, SHA-256 and length only, and the "
    "SHA-256 fixes which text the claims quote."
)
#: What the description copies from the graph about each source document.
_SOURCE_PROPERTIES = (
    SKOS.prefLabel,
    IUS.fileName,
    IUS.sha256,
    IUS.characterCount,
    IUS.documentKind,
    IUS.reliability,
    IUS.reliabilityNote,
)


@dataclass(frozen=True)
class BundleFile:
    """A file of the bundle that the description lists: its path in the bundle, its bytes
    and what it holds."""

    name: str
    data: bytes
    description: str


def _token(out: Graph, iri: URIRef) -> str:
    """A path segment for a class or predicate: its CURIE under the description's prefixes
    (``ius:Device``, ``sssom:confidence``), else its IRI percent-encoded."""
    try:
        prefix, _, name = out.namespace_manager.compute_qname_strict(iri, generate=False)
    except (KeyError, ValueError):
        return quote(str(iri), safe="")
    return f"{prefix}:{quote(name, safe='')}"


def _sha256(node: URIRef, checksum: URIRef, digest: str, graph: Graph) -> None:
    """``node spdx:checksum checksum``: a SHA-256 with an IRI, not a blank node."""
    graph.add((node, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))


def describe(
    released: Graph,
    stats: Stats,
    info: ReleaseInfo,
    files: Sequence[BundleFile],
    previous: ReleaseInfo | None = None,
) -> Graph:
    """The VoID and DCAT description of the release of ``released`` (whose counts are
    ``stats``), listing ``files``; ``previous`` is the release before it, if any.

    An IusgraphError if a file's media type is unknown (add its suffix to
    :data:`iusgraph.graph.formats.FILE_TYPES`).
    """
    out = Graph()
    bind_prefixes(out)
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), ("sssom", SSSOM)):
        out.bind(prefix, namespace)
    dataset = URIRef(info.iri("dataset"))
    add = out.add
    for kind in (VOID.Dataset, DCAT.Dataset):
        add((dataset, RDF.type, kind))
    add((dataset, DCTERMS.title, Literal(f"iusgraph {info.version}", lang="en")))
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "An evidence-backed knowledge graph of the levonorgestrel intrauterine "
                "system (Mirena) and of IUD insertion, built from three public documents: "
                "every fact is a claim of one source, with the span of text behind it.",
                lang="en",
            ),
        )
    )
    add((dataset, DCAT.version, Literal(info.version)))
    add((dataset, OWL.versionInfo, Literal(info.version)))
    add((dataset, DCTERMS.issued, Literal(info.date, datatype=XSD.date)))
    add((dataset, DCTERMS.rights, Literal(RIGHTS, lang="en")))
    add((dataset, VOID.uriSpace, Literal(BASE)))
    add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    add((dataset, DCTERMS.conformsTo, URIRef(info.iri("ontology"))))
    if previous is not None:
        add((dataset, DCAT.previousVersion, URIRef(previous.iri("dataset"))))

    _counts(out, dataset, stats)
    _distributions(out, dataset, info, files)
    _sources(out, dataset, released, info)
    _linksets(out, dataset, released, info)

    generation, generator = URIRef(info.iri("generation")), URIRef(info.iri("generator"))
    add((dataset, PROV.wasGeneratedBy, generation))
    add((generation, RDF.type, PROV.Activity))
    add((generation, PROV.wasAssociatedWith, generator))
    add((generator, RDF.type, PROV.SoftwareAgent))
    add((generator, RDFS.label, Literal("iusgraph")))
    add((generator, OWL.versionInfo, Literal(__version__)))
    return out


def _counts(out: Graph, dataset: URIRef, stats: Stats) -> None:
    """``void:triples`` and the class and property partitions, from ``stats``."""
    out.add((dataset, VOID.triples, Literal(stats.triples)))
    classes = dict(stats.entities_by_class)
    classes["ius:Claim"] = sum(stats.claims_by_source.values())
    classes["oa:SpecificResource"] = stats.evidence_spans
    classes["ius:Conflict"] = stats.conflicts
    for curie, n in sorted(classes.items()):
        iri = expand(curie)
        part = URIRef(f"{dataset}/class/{_token(out, iri)}")
        out.add((dataset, VOID.classPartition, part))
        out.add((part, VOID["class"], iri))
        out.add((part, VOID.entities, Literal(n)))
    for curie, n in sorted(stats.triples_by_predicate.items()):
        iri = expand(curie)
        part = URIRef(f"{dataset}/property/{_token(out, iri)}")
        out.add((dataset, VOID.propertyPartition, part))
        out.add((part, VOID.property, iri))
        out.add((part, VOID.triples, Literal(n)))


def _distributions(
    out: Graph, dataset: URIRef, info: ReleaseInfo, files: Sequence[BundleFile]
) -> None:
    """A ``dcat:Distribution`` per file, with media type, size and SHA-256."""
    for item in files:
        media_type = file_media_type(item.name)
        if media_type is None:
            raise IusgraphError(
                f"release file {item.name}: no media type is known for it; add its suffix "
                "to FILE_TYPES in src/iusgraph/graph/formats.py"
            )
        dist = URIRef(info.iri(f"distribution/{item.name}"))
        out.add((dataset, DCAT.distribution, dist))
        out.add((dist, RDF.type, DCAT.Distribution))
        out.add((dist, DCTERMS.title, Literal(item.name)))
        out.add((dist, DCTERMS.description, Literal(item.description, lang="en")))
        out.add((dist, DCAT.downloadURL, URIRef(info.iri(item.name))))
        out.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + media_type)))
        out.add((dist, DCAT.byteSize, Literal(len(item.data), datatype=XSD.nonNegativeInteger)))
        _sha256(dist, URIRef(f"{dist}/sha256"), hashlib.sha256(item.data).hexdigest(), out)
        if item.name == "iusgraph.nt":
            out.add((dataset, VOID.dataDump, URIRef(info.iri(item.name))))


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    """The IRIs among ``nodes``, sorted (the graph names sources and sets by IRI)."""
    return sorted({node for node in nodes if isinstance(node, URIRef)}, key=str)


def _sources(out: Graph, dataset: URIRef, released: Graph, info: ReleaseInfo) -> None:
    """Each source document as the registry records it, with its SHA-256 as a checksum."""
    for source in _iris(released.subjects(RDF.type, IUS.SourceDocument)):
        out.add((dataset, DCTERMS.source, source))
        out.add((source, RDF.type, IUS.SourceDocument))
        for prop in _SOURCE_PROPERTIES:
            for value in released.objects(source, prop):
                out.add((source, prop, value))
        reliability = released.value(source, IUS.reliability)
        if reliability is not None:
            for label in released.objects(reliability, SKOS.prefLabel):
                out.add((reliability, SKOS.prefLabel, label))
        digest = released.value(source, IUS.sha256)
        if digest is not None:
            name = quote(str(source).rsplit("/", 1)[-1], safe="")
            checksum = URIRef(info.iri(f"source/{name}/sha256"))
            _sha256(source, checksum, str(digest), out)
        out.add((source, RDFS.comment, Literal(NO_ACCESS_DATE, lang="en")))


def _linksets(out: Graph, dataset: URIRef, released: Graph, info: ReleaseInfo) -> None:
    """A ``void:Linkset`` per SSSOM mapping set: the target vocabulary and the release of it
    the set was checked against (its ``object_source_version``), and how many mappings."""
    for mapping_set in _iris(released.subjects(RDF.type, SSSOM.MappingSet)):
        name = str(mapping_set).rsplit("/", 1)[-1].removesuffix(".sssom.tsv")
        linkset = URIRef(info.iri(f"linkset/{quote(name, safe='')}"))
        target = URIRef(info.iri(f"vocabulary/{quote(name, safe='')}"))
        out.add((dataset, VOID.subset, linkset))
        out.add((linkset, RDF.type, VOID.Linkset))
        out.add((linkset, PROV.wasDerivedFrom, mapping_set))
        out.add((linkset, VOID.subjectsTarget, dataset))
        out.add((linkset, VOID.objectsTarget, target))
        mappings = len(set(released.objects(mapping_set, SSSOM.mappings)))
        out.add((linkset, VOID.triples, Literal(mappings)))
        for prop in (DCTERMS.title, DCTERMS.license):
            for value in released.objects(mapping_set, prop):
                out.add((linkset, prop, value))
        out.add((target, RDF.type, VOID.Dataset))
        out.add((target, RDF.type, DCAT.Dataset))
        source = released.value(mapping_set, SSSOM.object_source)
        if source is not None:
            out.add((target, DCTERMS.isVersionOf, source))
        version = released.value(mapping_set, SSSOM.object_source_version)
        if version is not None:
            out.add((target, OWL.versionInfo, version))
            out.add((target, DCAT.version, version))


def description_turtle(description: Graph) -> str:
    """The description as Turtle (the same bytes for the same description)."""
    return to_turtle(description)
