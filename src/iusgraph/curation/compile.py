"""Compiling the curated tables into one graph.

The graph holds the ontology, the concept schemes, the source registry, the
entities, the claims with their evidence, the direct triples and the curated
conflicts, so an app that loads one export can resolve every label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from iusgraph.curation.claims import (
    Claim,
    add_claims,
    check_claim_refs,
    claim_index,
    read_claims,
)
from iusgraph.curation.conflicts import add_conflicts
from iusgraph.curation.entities import Entity, add_entities, read_entities
from iusgraph.curation.ledger import LedgerRow, add_ledger, read_ledgers
from iusgraph.curation.mappings import MappingSet, add_mappings, read_mapping_sets
from iusgraph.curation.registry import Source, load_registry
from iusgraph.errors import InputError
from iusgraph.graph.namespaces import bind_prefixes
from iusgraph.graph.resources import data_dir
from iusgraph.graph.vocabulary import load_vocabulary, ontology_graph


@dataclass
class Curation:
    """Everything read from ``data/``, before it becomes RDF."""

    entities: dict[str, Entity]
    sources: dict[str, Source]
    claims: list[Claim]
    registry: Graph
    #: The coverage ledger by source key (``data/ledger/<source>.tsv``); a source without a
    #: table has no units here, and ``verify-evidence`` reports the missing table.
    ledger: dict[str, list[LedgerRow]] = field(default_factory=dict)
    #: The SSSOM mapping sets (``data/mappings/<vocabulary>.sssom.tsv``), read, not yet checked
    #: against the releases (``iusgraph mappings check`` and ``validate`` do that).
    mappings: list[MappingSet] = field(default_factory=list)


def claim_tables(
    folder: Path, sources: Mapping[str, Source], tables: list[Path] | None = None
) -> list[tuple[Path, Source]]:
    """Each claim table (``tables``, or every ``folder/*.tsv``) with its source: a table is
    named after its source's local name. InputError for a table no source has."""
    tables = tables if tables is not None else sorted(folder.glob("*.tsv"))
    if not tables:
        raise InputError("no claim tables (*.tsv) found", path=str(folder))
    out = []
    for table in tables:
        source = sources.get(table.stem)
        if source is None:
            raise InputError(
                f"no source {table.stem!r} in data/sources.ttl; a claim table is "
                "named after its source's local name (" + ", ".join(sorted(sources)) + ")",
                path=str(table),
            )
        out.append((table, source))
    return out


def read_curation(folder: Path | None = None, ontology: Path | None = None) -> Curation:
    """Everything in the curated data folder (by default :func:`data_dir`), read and
    checked row by row, before it becomes RDF (against the ontology in use, or the one in
    the folder ``ontology``)."""
    folder = folder or data_dir()
    vocab = load_vocabulary(ontology)
    entities = read_entities(folder / "entities", vocab)
    registry, sources = load_registry(folder / "sources.ttl")
    claims: list[Claim] = []
    for table, source in claim_tables(folder / "claims", sources):
        claims.extend(read_claims(table, source.key, vocab, entities))
    check_claim_refs(claims)
    for claim in claims:
        length = sources[claim.source].char_count
        for evidence in claim.evidence:
            if length >= 0 and evidence.end > length:
                raise InputError(
                    f"span {evidence.start}..{evidence.end} ends beyond the document, which "
                    f"has {length} characters ({sources[claim.source].file_name}); clear "
                    "start/end and re-run 'iusgraph anchor'",
                    path=evidence.where,
                )
    ledger = read_ledgers(folder / "ledger", sources, vocab, claim_index(claims))
    mappings = read_mapping_sets(folder / "mappings")
    return Curation(entities, sources, claims, registry, ledger, mappings)


def build_graph(folder: Path | None = None, ontology: Path | None = None) -> Graph:
    """The whole graph, compiled in memory from the curated data (and the ontology in use,
    or the one in the folder ``ontology``)."""
    folder = folder or data_dir()
    curation = read_curation(folder, ontology)
    vocab = load_vocabulary(ontology)
    graph = Graph()
    bind_prefixes(graph)
    graph += ontology_graph(ontology)
    graph += curation.registry
    add_entities(graph, curation.entities)
    add_mappings(graph, curation.mappings)
    by_source: dict[str, list[Claim]] = {}
    for claim in curation.claims:
        by_source.setdefault(claim.source, []).append(claim)
    for key, claims in sorted(by_source.items()):
        add_claims(graph, claims, vocab, curation.entities, curation.sources[key].default_product)
    add_conflicts(graph, folder / "conflicts.tsv", claim_index(curation.claims), vocab)
    for key, rows in sorted(curation.ledger.items()):
        add_ledger(graph, curation.sources[key], rows, by_source.get(key, []), vocab)
    return graph
