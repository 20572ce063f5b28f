"""The source registry, and checking evidence against the documents.

The documents are not part of the repository; ``verify-evidence`` and
``anchor`` read them from a folder the user names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iusgraph.errors import InputError
from iusgraph.graph.files import read_utf8
from iusgraph.graph.load import load_files
from iusgraph.graph.namespaces import IUS, OA, SRC


@dataclass(frozen=True)
class Region:
    """An excluded region of a source: a span of characters no claim is drawn from."""

    iri: URIRef
    label: str
    start: int
    end: int
    starts_with: str


@dataclass(frozen=True)
class Source:
    """A source document of the registry: its file, checksum, length, default product and
    excluded regions."""

    key: str
    iri: URIRef
    file_name: str
    sha256: str
    char_count: int
    default_product: URIRef
    regions: tuple[Region, ...]


def _int(graph: Graph, node: URIRef, prop: URIRef) -> int:
    """The integer ``prop`` of ``node``, or -1 when it has none."""
    value = cast("Literal | None", graph.value(node, prop))
    return int(value) if value is not None else -1


def read_registry(graph: Graph) -> dict[str, Source]:
    """Sources of a graph holding ``data/sources.ttl``, by local key."""
    sources: dict[str, Source] = {}
    # Sources and regions are IRIs; the shapes require one ius:defaultProduct per source.
    for iri in sorted(cast("Iterable[URIRef]", graph.subjects(RDF.type, IUS.SourceDocument))):
        key = str(iri)[len(str(SRC)) :]
        regions = tuple(
            sorted(
                (
                    Region(
                        r,
                        str(graph.value(r, SKOS.prefLabel) or r),
                        _int(graph, r, OA.start),
                        _int(graph, r, OA.end),
                        str(graph.value(r, IUS.regionStartsWith) or ""),
                    )
                    for r in cast("Iterable[URIRef]", graph.objects(iri, IUS.hasExcludedRegion))
                ),
                key=lambda region: region.start,
            )
        )
        product = cast(URIRef, graph.value(iri, IUS.defaultProduct))
        sources[key] = Source(
            key,
            iri,
            str(graph.value(iri, IUS.fileName) or ""),
            str(graph.value(iri, IUS.sha256) or ""),
            _int(graph, iri, IUS.characterCount),
            product,
            regions,
        )
    return sources


def load_registry(path: Path) -> tuple[Graph, dict[str, Source]]:
    """``data/sources.ttl`` and its sources, parsed as every RDF input is (FILE:LINE:COL)."""
    if not path.is_file():
        raise InputError("source registry not found", path=str(path))
    graph = load_files([path])
    sources = read_registry(graph)
    if not sources:
        raise InputError(
            "defines no ius:SourceDocument; every claim table needs its source "
            "here (see data/README.md)",
            path=str(path),
        )
    return graph, sources


def read_text(folder: Path, source: Source) -> str:
    """The text of a source document, as Unicode characters."""
    return read_utf8(
        folder / source.file_name,
        missing=f"source document {source.file_name} not found; pass the folder "
        "holding the three documents with --sources",
    )


def sha256_of(folder: Path, source: Source) -> str:
    """The SHA-256 (hex) of a source document's bytes in ``folder``."""
    return hashlib.sha256((folder / source.file_name).read_bytes()).hexdigest()
