"""The source registry, and checking evidence against the documents.

The documents are not part of the repository; ``verify-evidence`` and
``anchor`` read them from a folder the user names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from iusgraph.curation.claims import COLUMNS
from iusgraph.graph.store import Data, select
from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.serialize import atomic_write_text
from iusgraph.graph.load import load_files
from iusgraph.graph.namespaces import IUS, OA, SRC
from iusgraph.validation.report import Finding, Report
from iusgraph.curation.tables import escape, read_table, unescape


@dataclass(frozen=True)
class Region:
    iri: URIRef
    label: str
    start: int
    end: int
    starts_with: str


@dataclass(frozen=True)
class Source:
    key: str
    iri: URIRef
    file_name: str
    sha256: str
    char_count: int
    default_product: URIRef
    regions: tuple[Region, ...]


def _int(graph: Graph, node: URIRef, prop: URIRef) -> int:
    value = graph.value(node, prop)
    return int(value) if value is not None else -1  # type: ignore[arg-type]


def read_registry(graph: Graph) -> dict[str, Source]:
    """Sources of a graph holding ``data/sources.ttl``, by local key."""
    sources: dict[str, Source] = {}
    for iri in sorted(graph.subjects(RDF.type, IUS.SourceDocument)):
        key = str(iri)[len(str(SRC)):]
        regions = tuple(sorted(
            (Region(r, str(graph.value(r, SKOS.prefLabel) or r), _int(graph, r, OA.start),
                    _int(graph, r, OA.end), str(graph.value(r, IUS.regionStartsWith) or ""))
             for r in graph.objects(iri, IUS.hasExcludedRegion)),
            key=lambda region: region.start))
        product = graph.value(iri, IUS.defaultProduct)
        sources[key] = Source(key, iri, str(graph.value(iri, IUS.fileName) or ""),  # type: ignore[arg-type]
                              str(graph.value(iri, IUS.sha256) or ""),
                              _int(graph, iri, IUS.characterCount), product, regions)  # type: ignore[arg-type]
    return sources


def load_registry(path: Path) -> tuple[Graph, dict[str, Source]]:
    """``data/sources.ttl`` and its sources, parsed as every RDF input is (FILE:LINE:COL)."""
    if not path.is_file():
        raise InputError("source registry not found", path=str(path))
    graph = load_files([path])
    sources = read_registry(graph)
    if not sources:
        raise InputError("defines no ius:SourceDocument; every claim table needs its source "
                         "here (see data/README.md)", path=str(path))
    return graph, sources


def read_text(folder: Path, source: Source) -> str:
    """The text of a source document, as Unicode characters."""
    path = folder / source.file_name
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"source document {source.file_name} not found; pass the folder "
                         "holding the three documents with --sources", path=str(folder)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 at byte {exc.start}", path=str(path)) from None


def sha256_of(folder: Path, source: Source) -> str:
    return hashlib.sha256((folder / source.file_name).read_bytes()).hexdigest()


def evidence_selectors(graph: Data) -> list[dict[str, object]]:
    """Every evidence node with its claim, source, quote and offsets, one row each.

    Selectors are matched by their properties, not their types: with the types,
    rdflib would join every quote selector with every position selector first.
    """
    return select(graph, """
        SELECT ?claim ?label ?ev ?src ?exact ?start ?end WHERE {
          ?claim ius:hasEvidence ?ev .
          OPTIONAL { ?claim rdfs:label ?label }
          ?ev oa:hasSource ?src ; oa:hasSelector ?q .
          ?q oa:exact ?exact .
          ?ev oa:hasSelector ?p .
          ?p oa:start ?start ; oa:end ?end .
        } ORDER BY ?ev""")


def verify_evidence(graph: Graph, folder: Path,
                    rows: Mapping[str, str] | None = None) -> Report:
    """Check hashes, lengths, excluded regions and every selector against the documents.

    :param rows: evidence IRI to the ``claims/<source>.tsv:LINE`` it was compiled from, so
        a finding names the row to fix (known when the graph is compiled from the tables)
    """
    if not folder.is_dir():
        raise IusgraphError(f"{folder}: not a folder; pass the folder holding the source "
                            "documents, e.g. --sources ../shared/sources")
    report = Report(checks=["verify-evidence"])
    sources = read_registry(graph)
    texts: dict[URIRef, str] = {}
    for source in sources.values():
        text = read_text(folder, source)
        texts[source.iri] = text
        actual = sha256_of(folder, source)
        if actual != source.sha256:
            report.add(Finding(
                "Violation", str(source.iri), source.file_name, "iusgraph:SourceHash",
                f"SHA-256 of {source.file_name} is {actual}, the registry says {source.sha256}: "
                "the document changed; re-check every span, then update data/sources.ttl"))
        if len(text) != source.char_count:
            report.add(Finding(
                "Violation", str(source.iri), source.file_name, "iusgraph:SourceLength",
                f"{source.file_name} has {len(text)} characters, the registry says "
                f"{source.char_count}"))
        for region in source.regions:
            if not text[region.start:region.end].startswith(region.starts_with):
                report.add(Finding(
                    "Violation", str(region.iri), region.label, "iusgraph:ExcludedRegion",
                    f"excluded region {region.start}..{region.end} of {source.file_name} does "
                    f"not start with {region.starts_with!r}"))
    checked = 0
    for row in evidence_selectors(graph):
        checked += 1
        text = texts.get(row["src"])  # type: ignore[arg-type]
        label = str(row.get("label") or row["claim"])
        if text is None:
            report.add(Finding("Violation", str(row["claim"]), label, "iusgraph:EvidenceSource",
                               f"evidence {row['ev']} cites {row['src']}, which is not in the "
                               "source registry"))
            continue
        start, end, exact = int(row["start"]), int(row["end"]), str(row["exact"])  # type: ignore[arg-type]
        found = text[start:end]
        if found != exact:
            where = (rows or {}).get(str(row["ev"]))
            fix = (f"; fix {where} (clear start/end and re-run 'iusgraph anchor')" if where
                   else "")
            report.add(Finding(
                "Violation", str(row["claim"]), label, "iusgraph:EvidenceSpan",
                f"evidence {row['ev']}: characters {start}..{end} read {found!r}, "
                f"the quote is {exact!r}{fix}"))
    report.stats["selectors checked"] = checked
    report.stats["sources checked"] = len(sources)
    return report


def anchor_table(path: Path, text: str) -> tuple[int, list[str]]:
    """Fill empty start/end cells of a claim table from its quotes.

    Returns how many rows were filled and warnings for quotes that occur
    more than once (the first occurrence is taken). The file is rewritten
    atomically; every other byte stays as it was.
    """
    rows = {row.line: row for row in read_table(path, COLUMNS)}
    lines = path.read_text(encoding="utf-8").split("\n")
    filled = 0
    warnings: list[str] = []
    for number, row in rows.items():
        if row.get("start") and row.get("end"):
            continue
        exact = unescape(row.cells.get("exact", ""))
        if not exact:
            raise row.error("cannot anchor a row without an 'exact' quote")
        start = text.find(exact)
        if start < 0:
            raise row.error(f"quote not found in the source: {exact[:60]!r}; copy it verbatim")
        if text.find(exact, start + 1) >= 0:
            warnings.append(f"{path}:{number}: quote occurs more than once; took the first, "
                            f"at {start}")
        cells = [row.cells[c] for c in COLUMNS]
        cells[5], cells[6], cells[7] = str(start), str(start + len(exact)), escape(exact)
        lines[number - 1] = "\t".join(cells)
        filled += 1
    if filled:
        atomic_write_text(path, "\n".join(lines))
    return filled, warnings
