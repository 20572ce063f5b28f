"""The coverage ledger checked: each ``data/ledger/<source>.tsv`` (or a graph's text
units) against the segmenter's reading of its document, so every sentence of a source is
either cited or has a reason not to be."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from iusgraph.curation.ledger import read_ledger, unit_iri
from iusgraph.curation.registry import Source, load_registry, read_registry, read_text
from iusgraph.curation.segment import segment
from iusgraph.graph.namespaces import IUS, OA
from iusgraph.graph.vocabulary import Vocabulary, load_vocabulary
from iusgraph.validation.report import Finding, Report


def check_table(path: Path, source: Source, text: str, vocab: Vocabulary) -> Report:
    """Findings where a ledger table does not match the segmenter's reading of ``text``."""
    report = Report(checks=["ledger"])
    fix = "; run 'iusgraph ledger --sources DIR' to refresh the table"
    if not path.exists():
        report.add(
            Finding(
                "Violation",
                str(source.iri),
                source.file_name,
                "iusgraph:Ledger",
                f"{path}: no ledger table for {source.key}" + fix,
            )
        )
        return report
    rows = read_ledger(path, source, vocab)
    regions = [(r.start, r.end) for r in source.regions]
    units = {(u.start, u.end): u for u in segment(text, regions)}
    at = {(row.start, row.end): row for row in rows}

    def add(row_iri: URIRef, message: str) -> None:
        report.add(Finding("Violation", str(row_iri), source.file_name, "iusgraph:Ledger", message))

    for row in rows:
        found = text[row.start : row.end]
        if (row.start, row.end) not in units:
            near = [u for u in units.values() if u.start < row.end and row.start < u.end]
            reads = ", ".join(f"{u.start}..{u.end}" for u in near) or "no unit"
            add(
                row.iri,
                f"{row.where}: {row.start}..{row.end} ({found[:40]!r}) is not a unit of "
                f"{source.file_name}; the segmenter reads {reads} here" + fix,
            )
        elif row.kind == "heading" and row.text != found:
            add(
                row.iri,
                f"{row.where}: a heading's text must be the whole heading, "
                f"{found!r}, found {row.text!r}" + fix,
            )
        elif row.kind != "heading" and not found.startswith(row.text):
            add(
                row.iri,
                f"{row.where}: the text {row.text!r} is not how the unit starts "
                f"({found[: len(row.text)]!r})" + fix,
            )
        if row.kind == "heading" and "\n" in found:
            add(row.iri, f"{row.where}: a heading is one line")
    for key, unit in sorted(units.items()):
        if key not in at:
            add(
                unit_iri(source.key, unit.start),
                f"{path}: the unit {unit.start}..{unit.end} "
                f"({text[unit.start : unit.end][:40]!r}) has no row" + fix,
            )
    report.stats["ledger units checked"] = len(rows)  # per table: the caller sums them
    return report


def check_graph_units(graph: Graph, folder: Path) -> Report:
    """Findings where the text units of a graph (an export, ``--graph``) do not match the
    segmenter's reading of the documents in ``folder``; a source with no units is skipped."""

    report = Report(checks=["ledger"])
    by_source: dict[URIRef, dict[tuple[int, int], tuple[URIRef, str]]] = {}
    for node in sorted(cast("Iterator[URIRef]", graph.subjects(RDF.type, IUS.TextUnit))):
        part, first, last = (graph.value(node, p) for p in (DCTERMS.isPartOf, OA.start, OA.end))
        if part is None or first is None or last is None:
            continue  # the shapes report a unit without its source or offsets
        key = (int(cast(Literal, first)), int(cast(Literal, last)))
        by_source.setdefault(cast(URIRef, part), {})[key] = (
            node,
            str(graph.value(node, IUS.unitStartsWith) or ""),
        )
    checked = 0
    for source in read_registry(graph).values():
        units = by_source.get(source.iri)
        if not units:
            continue
        text = read_text(folder, source)
        expected = {
            (u.start, u.end) for u in segment(text, [(r.start, r.end) for r in source.regions])
        }
        for (start, end), (node, opening_words) in sorted(units.items()):
            checked += 1
            if (start, end) not in expected:
                message = (
                    f"{start}..{end} ({text[start:end][:40]!r}) is not a unit of {source.file_name}"
                )
            elif not text[start:end].startswith(opening_words):
                message = (
                    f"{start}..{end} of {source.file_name} does not start with {opening_words!r}"
                )
            else:
                continue
            report.add(
                Finding(
                    "Violation",
                    str(node),
                    source.file_name,
                    "iusgraph:Ledger",
                    message + "; rebuild the graph after 'iusgraph ledger'",
                )
            )
        for start, end in sorted(expected - units.keys()):
            report.add(
                Finding(
                    "Violation",
                    str(unit_iri(source.key, start)),
                    source.file_name,
                    "iusgraph:Ledger",
                    f"the unit {start}..{end} ({text[start:end][:40]!r}) of "
                    f"{source.file_name} is not in the graph; rebuild the graph "
                    "after 'iusgraph ledger'",
                )
            )
    report.stats["ledger units checked"] = checked
    return report


def check_ledgers(folder: Path, sources: Path) -> Report:
    """Each ``ledger/<source>.tsv`` of the data ``folder`` against the segmenter's reading
    of its document in ``sources``: a missing table, a row that is not a unit, a unit with
    no row, a text cell that does not match."""
    _, registry = load_registry(folder / "sources.ttl")
    vocab = load_vocabulary()
    report = Report(checks=["ledger"])
    units = 0
    for key, source in sorted(registry.items()):
        table = check_table(
            folder / "ledger" / f"{key}.tsv", source, read_text(sources, source), vocab
        )
        units += table.stats.get("ledger units checked", 0)
        report.extend(table)
    report.stats["ledger units checked"] = units
    return report
