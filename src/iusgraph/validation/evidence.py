"""``iusgraph verify-evidence``: every evidence span, source hash and excluded region
checked against the source documents themselves."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef

from iusgraph.curation.registry import read_registry, read_text, sha256_of
from iusgraph.errors import IusgraphError
from iusgraph.graph.backend import Data, select, values_clause
from iusgraph.validation.report import Finding, Report

#: Keeps the rows whose offsets are not both xsd:integer or do not span as many characters
#: as the quote (STRLEN counts characters as Python's len does; an error keeps the row).
SPAN_MISMATCH = """FILTER(!COALESCE(datatype(?start) = xsd:integer && datatype(?end) = xsd:integer
                             && ?end - ?start = STRLEN(?exact), false))"""


def evidence_selectors(
    graph: Data, condition: str = "", claims: Collection[str] | None = None
) -> list[dict[str, object]]:
    """Every evidence node with its claim, source, quote and offsets, one row each; with
    ``condition`` (a FILTER such as :data:`SPAN_MISMATCH`), the rows it keeps, in the same
    order; with ``claims`` (IRIs), only the evidence of those claims.

    Selectors are matched by their properties, not their types: with the types,
    rdflib would join every quote selector with every position selector first.
    """
    return select(
        graph,
        f"""
        SELECT ?claim ?label ?ev ?src ?exact ?start ?end WHERE {{
          {"" if claims is None else values_clause("claim", sorted(claims))}
          ?claim ius:hasEvidence ?ev .
          OPTIONAL {{ ?claim rdfs:label ?label }}
          ?ev oa:hasSource ?src ; oa:hasSelector ?q .
          ?q oa:exact ?exact .
          ?ev oa:hasSelector ?p .
          ?p oa:start ?start ; oa:end ?end .
          {condition}
        }} ORDER BY ?ev""",
    )


def verify_evidence(folder: Path, graph: Graph, rows: Mapping[str, str] | None = None) -> Report:
    """Check hashes, lengths, excluded regions and every selector against the documents.

    :param rows: evidence IRI to the ``claims/<source>.tsv:LINE`` it was compiled from, so
        a finding names the row to fix (known when the graph is compiled from the tables)
    """
    if not folder.is_dir():
        raise IusgraphError(
            f"{folder}: not a folder; pass the folder holding the source "
            "documents, e.g. --sources ../shared/sources"
        )
    report = Report(checks=["verify-evidence"])
    sources = read_registry(graph)
    texts: dict[URIRef, str] = {}
    for source in sources.values():
        text = read_text(folder, source)
        texts[source.iri] = text
        actual = sha256_of(folder, source)
        if actual != source.sha256:
            report.add(
                Finding(
                    "Violation",
                    str(source.iri),
                    source.file_name,
                    "iusgraph:SourceHash",
                    f"SHA-256 of {source.file_name} is {actual}, the registry says {source.sha256}: "
                    "the document changed; re-check every span, then update data/sources.ttl",
                )
            )
        if len(text) != source.char_count:
            report.add(
                Finding(
                    "Violation",
                    str(source.iri),
                    source.file_name,
                    "iusgraph:SourceLength",
                    f"{source.file_name} has {len(text)} characters, the registry says "
                    f"{source.char_count}",
                )
            )
        for region in source.regions:
            if not text[region.start : region.end].startswith(region.starts_with):
                report.add(
                    Finding(
                        "Violation",
                        str(region.iri),
                        region.label,
                        "iusgraph:ExcludedRegion",
                        f"excluded region {region.start}..{region.end} of {source.file_name} does "
                        f"not start with {region.starts_with!r}",
                    )
                )
    checked = 0
    for row in evidence_selectors(graph):
        checked += 1
        document = texts.get(cast(URIRef, row["src"]))
        label = str(row.get("label") or row["claim"])
        if document is None:
            report.add(
                Finding(
                    "Violation",
                    str(row["claim"]),
                    label,
                    "iusgraph:EvidenceSource",
                    f"evidence {row['ev']} cites {row['src']}, which is not in the source registry",
                )
            )
            continue
        start, end = int(cast(Literal, row["start"])), int(cast(Literal, row["end"]))
        exact = str(row["exact"])
        found = document[start:end]
        if found != exact:
            where = (rows or {}).get(str(row["ev"]))
            fix = f"; fix {where} (clear start/end and re-run 'iusgraph anchor')" if where else ""
            report.add(
                Finding(
                    "Violation",
                    str(row["claim"]),
                    label,
                    "iusgraph:EvidenceSpan",
                    f"evidence {row['ev']}: characters {start}..{end} read {found!r}, "
                    f"the quote is {exact!r}{fix}",
                )
            )
    report.stats["selectors checked"] = checked
    report.stats["sources checked"] = len(sources)
    return report
