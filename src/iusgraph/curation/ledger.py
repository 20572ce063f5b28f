"""The coverage ledger (``data/ledger/<source>.tsv``) and the section nodes.

Every unit of a source (a heading, sentence, list item, label or question, as
:mod:`iusgraph.curation.segment` reads it) is accounted for in one of three ways: a
claim's evidence overlaps it; it lies in an excluded region; or its row gives
a reason, from the ``ledger-reason`` scheme, why it is deliberately not
modelled. The build does not read the documents, so the segmentation is kept
as curated data: ``iusgraph ledger --sources DIR`` writes the tables from the
segmenter (keeping the curated kinds, levels, reasons and notes), and
``iusgraph verify-evidence --sources DIR`` reports a table that no longer
matches the segmenter's reading of its document.

Headings become ``ius:Section`` nodes: a section runs from its heading to the
next heading of the same or a higher level (a smaller level number), or to the
end of the source's body (the end of its last unit outside the excluded
regions); it is part of the nearest enclosing section, or of the source. Each
evidence node, and its claim, is ``ius:inSection`` the innermost section that
holds the span's first character (and its last, if that is another section).

>>> _slug("What is Mirena?")
'what-is-mirena'
>>> _slug("What is the reason for lower back pain after IUD insertion? What are the ...")
'what-is-the-reason-for-lower-back-pain-after-iud-insertion'

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from iusgraph.curation.claims import Claim
from iusgraph.curation.ids import suggest
from iusgraph.curation.registry import Source
from iusgraph.curation.segment import KINDS, Unit, in_regions, opening, segment
from iusgraph.curation.tables import Row, escape, read_table, unescape
from iusgraph.errors import InputError
from iusgraph.graph.files import atomic_write_text
from iusgraph.graph.namespaces import CLAIM, IUS, OA, SRC, shorten
from iusgraph.graph.vocabulary import Vocabulary

COLUMNS = ["start", "end", "kind", "level", "reason", "restates", "note", "text"]
HEADER = (
    "# The coverage ledger of {key}: one row per unit of the document, as 'iusgraph ledger' "
    "reads it.\n# A unit no claim cites and no excluded region holds needs a reason "
    "(data/README.md, 'Coverage ledger and sections').\n"
)
#: Most characters of a non-heading unit that the ``text`` column shows.
OPENING = 60


@dataclass
class LedgerRow:
    """One row of a source's ledger table: a text unit and what accounts for it."""

    source: str
    start: int
    end: int
    kind: str
    level: int
    reason: str
    restates: list[str]
    note: str
    text: str
    where: str

    @property
    def iri(self) -> URIRef:
        """The IRI of its unit (:func:`unit_iri`)."""
        return unit_iri(self.source, self.start)


@dataclass
class Section:
    """A section of a source: the span from its heading to the next heading of its level
    or above, with its place in the section tree."""

    iri: URIRef
    title: str
    level: int
    start: int
    end: int
    heading: URIRef
    parent: URIRef | None = None
    children: list[URIRef] = field(default_factory=list)


def unit_iri(source: str, start: int) -> URIRef:
    """The IRI of the text unit of ``source`` that starts at character ``start``."""
    return SRC[f"{source}.unit.{start}"]


def _slug(title: str, limit: int = 60) -> str:
    """Lowercase words joined by ``-``, cut at a word boundary after ``limit`` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug


def _int_cell(row: Row, column: str) -> int:
    text = row.get(column)
    if not (text.isascii() and text.isdigit()):
        raise row.error(
            f"{column} must be a whole number, found {text!r}; re-run "
            "'iusgraph ledger --sources DIR' to rewrite the table"
        )
    return int(text)


def read_ledger(path: Path, source: Source, vocab: Vocabulary) -> list[LedgerRow]:
    """The rows of one ledger table, checked on their own (claim references apart)."""
    reasons = vocab.scheme("ledger-reason")
    rows: list[LedgerRow] = []
    for row in read_table(path, COLUMNS):
        start, end = _int_cell(row, "start"), _int_cell(row, "end")
        if end <= start:
            raise row.error(f"a unit must satisfy start < end, found {start}..{end}")
        if rows and start < rows[-1].end:
            raise row.error(
                f"unit {start}..{end} overlaps or precedes the unit "
                f"{rows[-1].start}..{rows[-1].end} at {rows[-1].where}; rows are "
                "in document order and do not overlap"
            )
        if 0 <= source.char_count < end:
            raise row.error(
                f"unit {start}..{end} ends beyond the document, which has "
                f"{source.char_count} characters; re-run 'iusgraph ledger'"
            )
        kind = row.get("kind")
        if kind not in KINDS:
            raise row.error(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        level_text = row.get("level")
        if kind == "heading":
            if not (level_text.isascii() and level_text.isdigit()) or int(level_text) < 1:
                raise row.error("a heading needs a level, a whole number from 1 (the title)")
            level = int(level_text)
        elif level_text:
            raise row.error("only headings have a level; clear it or set kind=heading")
        else:
            level = 0
        reason = row.get("reason")
        if reason and reason not in reasons:
            raise row.error(
                f"unknown reason {reason!r}"
                + suggest(reason, reasons)
                + "; use one of "
                + ", ".join(sorted(reasons))
            )
        restates = [r.strip() for r in row.get("restates").split("|") if r.strip()]
        if reason == "restatement" and not restates:
            raise row.error(
                "reason=restatement names the claims it restates in 'restates' "
                "as <source>.<id>|<source>.<id>"
            )
        if restates and reason != "restatement":
            raise row.error("'restates' is only for reason=restatement; clear it or set the reason")
        text = unescape(row.cells.get("text", "")).strip()
        if not text:
            raise row.error("empty 'text': re-run 'iusgraph ledger --sources DIR'")
        rows.append(
            LedgerRow(
                source.key,
                start,
                end,
                kind,
                level,
                reason,
                restates,
                row.get("note"),
                text,
                f"{row.path}:{row.line}",
            )
        )
    return rows


def read_ledgers(
    folder: Path, sources: Mapping[str, Source], vocab: Vocabulary, claims: Mapping[str, Claim]
) -> dict[str, list[LedgerRow]]:
    """Every ``<folder>/<source>.tsv``, with its claim references checked."""
    out: dict[str, list[LedgerRow]] = {}
    if not folder.is_dir():
        return out
    for table in sorted(folder.glob("*.tsv")):
        source = sources.get(table.stem)
        if source is None:
            raise InputError(
                f"no source {table.stem!r} in data/sources.ttl; a ledger table is "
                "named after its source's local name (" + ", ".join(sorted(sources)) + ")",
                path=str(table),
            )
        rows = read_ledger(table, source, vocab)
        for row in rows:
            for ref in row.restates:
                if ref not in claims:
                    raise InputError(
                        f"'restates' names an unknown claim {ref!r}; refer to "
                        "claims as <source>.<id>",
                        path=row.where,
                    )
        out[source.key] = rows
    return out


def body_end(rows: Iterable[LedgerRow], source: Source) -> int:
    """The end of the last unit outside the excluded regions (0 if there is none)."""
    regions = [(r.start, r.end) for r in source.regions]
    ends = [row.end for row in rows if not in_regions(Unit(row.start, row.end, row.kind), regions)]
    return max(ends, default=0)


def sections(rows: list[LedgerRow], source: Source) -> list[Section]:
    """The sections of a source, in document order, from its heading rows."""
    regions = [(r.start, r.end) for r in source.regions]
    headings = [
        row
        for row in rows
        if row.kind == "heading" and not in_regions(Unit(row.start, row.end, row.kind), regions)
    ]
    end_of_body = body_end(rows, source)
    seen: dict[str, int] = {}
    out: list[Section] = []
    for index, row in enumerate(headings):
        end = next((h.start for h in headings[index + 1 :] if h.level <= row.level), end_of_body)
        slug = _slug(row.text)
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug += f"-{seen[slug]}"
        section = Section(
            SRC[f"{source.key}.section.{slug}"],
            row.text,
            row.level,
            row.start,
            max(end, row.end),
            row.iri,
        )
        parent = next(
            (s for s in reversed(out) if s.level < row.level and s.end >= section.end), None
        )
        if parent is not None:
            section.parent = parent.iri
            parent.children.append(section.iri)
        out.append(section)
    return out


def innermost(found: list[Section], position: int) -> Section | None:
    """The innermost section holding ``position`` (sections nest, so: the latest start)."""
    holding = [s for s in found if s.start <= position < s.end]
    return max(holding, key=lambda s: s.start, default=None)


def add_ledger(
    graph: Graph, source: Source, rows: list[LedgerRow], claims: list[Claim], vocab: Vocabulary
) -> list[Section]:
    """Add the units (with ``ius:citedBy`` each evidence node that overlaps them), the
    sections, and each claim's and evidence node's ``ius:inSection``."""
    kinds = vocab.scheme("unit-kind")
    reasons = vocab.scheme("ledger-reason")
    for row in rows:
        node = row.iri
        graph.add((node, RDF.type, IUS.TextUnit))
        graph.add((node, DCTERMS.isPartOf, source.iri))
        graph.add((node, OA.start, Literal(row.start, datatype=XSD.nonNegativeInteger)))
        graph.add((node, OA.end, Literal(row.end, datatype=XSD.nonNegativeInteger)))
        graph.add((node, IUS.unitKind, kinds[row.kind]))
        graph.add((node, IUS.unitStartsWith, Literal(row.text)))
        if row.reason:
            graph.add((node, IUS.notModelledReason, reasons[row.reason]))
        for ref in row.restates:
            graph.add((node, IUS.restates, claim_iri(ref)))
        if row.note:
            graph.add((node, SKOS.note, Literal(row.note, lang="en")))
    spans = [
        (claim.evidence_iri(number), evidence.start, evidence.end)
        for claim in claims
        for number, evidence in enumerate(claim.evidence, start=1)
    ]
    for row in rows:
        for ev, start, end in spans:
            if _overlaps(row.start, row.end, [(start, end)]):
                graph.add((row.iri, IUS.citedBy, ev))
    found = sections(rows, source)
    for section in found:
        node = section.iri
        graph.add((node, RDF.type, IUS.Section))
        graph.add((node, DCTERMS.title, Literal(section.title)))
        graph.add((node, RDFS.label, Literal(section.title, lang="en")))
        graph.add((node, OA.start, Literal(section.start, datatype=XSD.nonNegativeInteger)))
        graph.add((node, OA.end, Literal(section.end, datatype=XSD.nonNegativeInteger)))
        graph.add((node, IUS.sectionLevel, Literal(section.level)))
        graph.add((node, IUS.sectionOf, source.iri))
        graph.add((node, DCTERMS.isPartOf, section.parent or source.iri))
        graph.add((node, IUS.hasHeading, section.heading))
    for claim in claims:
        for number, evidence in enumerate(claim.evidence, start=1):
            for position in {evidence.start, evidence.end - 1}:
                inner = innermost(found, position)
                if inner is not None:
                    graph.add((claim.evidence_iri(number), IUS.inSection, inner.iri))
                    graph.add((claim.iri, IUS.inSection, inner.iri))
    return found


def claim_iri(ref: str) -> URIRef:
    return CLAIM[ref]


# Keeping the tables in step with the documents.


@dataclass
class Refresh:
    """What ``iusgraph ledger`` did to one table."""

    path: Path
    units: int
    new: int
    unaccounted: list[str]
    dropped: list[str]
    stale: list[str]
    cleared: int = 0


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` shares a character with any of ``spans`` (ends excluded)."""
    return any(a < end and start < b for a, b in spans)


def _text_cell(kind: str, text: str) -> str:
    return escape(text if kind == "heading" else opening(text, OPENING))


def refresh_table(
    path: Path,
    source: Source,
    text: str,
    claims: list[Claim],
    vocab: Vocabulary,
    *,
    drop_stale: bool = False,
) -> Refresh:
    """Write ``path`` from the segmenter's reading of ``text``, keeping curated cells.

    A row whose offsets are still a unit keeps its kind, level, reason, restates and note;
    other units get the proposed kind and no reason. With ``drop_stale``, a reason on a unit
    that a claim now cites is cleared (with its ``restates``).
    """
    old = (
        {(row.start, row.end): row for row in read_ledger(path, source, vocab)}
        if path.exists()
        else {}
    )
    regions = [(r.start, r.end) for r in source.regions]
    spans = [(e.start, e.end) for claim in claims for e in claim.evidence]
    units = segment(text, regions)
    lines = [HEADER.format(key=source.key).rstrip("\n"), "\t".join(COLUMNS)]
    refresh = Refresh(path, len(units), 0, [], [], [])
    keys = set()
    for unit in units:
        keys.add((unit.start, unit.end))
        kept = old.get((unit.start, unit.end))
        kind, level = unit.kind, unit.level
        reason, restates, note = "", "", ""
        if kept is not None:
            kind, level, reason, note = kept.kind, kept.level, kept.reason, kept.note
            restates = "|".join(kept.restates)
        else:
            refresh.new += 1
        where = (
            f"{path.name} {unit.start}..{unit.end} ({opening(text[unit.start : unit.end], 40)!r})"
        )
        excluded = in_regions(unit, regions)
        cited = _overlaps(unit.start, unit.end, spans)
        if reason and cited and not excluded:
            refresh.stale.append(f"{where}: reason {reason!r} but a claim now cites it")
            if drop_stale:
                reason, restates = "", ""
                refresh.cleared += 1
        if not (reason or cited or excluded):
            refresh.unaccounted.append(where)
        cells = [
            str(unit.start),
            str(unit.end),
            kind,
            str(level) if kind == "heading" else "",
            reason,
            restates,
            note,
            _text_cell(kind, text[unit.start : unit.end]),
        ]
        lines.append("\t".join(cells))
    refresh.dropped = [
        f"{row.where}: {row.start}..{row.end} is no longer a unit (its reason "
        f"{row.reason!r} and note are dropped)"
        for key, row in sorted(old.items())
        if key not in keys and (row.reason or row.note)
    ]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return refresh


# Counting, for ``iusgraph stats``.


@dataclass
class SourceLedger:
    """The coverage counts of one source's text units."""

    units: int = 0
    cited: int = 0
    excluded: int = 0
    not_modelled: dict[str, int] = field(default_factory=dict)
    unaccounted: int = 0
    stale_reasons: int = 0
    sections: int = 0

    @property
    def accounted_percent(self) -> float:
        """The share of units not unaccounted, in percent to one decimal (0.0 for none)."""
        return round(100.0 * (self.units - self.unaccounted) / self.units, 1) if self.units else 0.0


def _literal(graph: Graph, node: Node, pred: URIRef) -> Literal | None:
    """The value of ``pred`` on ``node``: a literal (an offset), or None."""
    return cast("Literal | None", graph.value(node, pred))


def ledger_counts(graph: Graph) -> dict[str, SourceLedger]:
    """Per source (as a CURIE): units, cited, excluded, not modelled by reason, unaccounted.

    Each unit counts once: excluded, else cited (any evidence span overlaps it), else not
    modelled (by reason), else unaccounted. A reason on a cited unit is a stale reason.
    """

    # Sources, units and sections are IRIs, and offsets literals, as the compiler writes them.
    spans: dict[URIRef, list[tuple[int, int]]] = {}
    for ev, source_node in graph.subject_objects(OA.hasSource):
        for selector in graph.objects(ev, OA.hasSelector):
            start, end = _literal(graph, selector, OA.start), _literal(graph, selector, OA.end)
            if start is not None and end is not None:
                spans.setdefault(cast(URIRef, source_node), []).append((int(start), int(end)))
    regions: dict[URIRef, list[tuple[int, int]]] = {}
    out: dict[str, SourceLedger] = {}
    for unit in sorted(cast("Iterable[URIRef]", graph.subjects(RDF.type, IUS.TextUnit))):
        source = cast("URIRef | None", graph.value(unit, DCTERMS.isPartOf))
        start, end = _literal(graph, unit, OA.start), _literal(graph, unit, OA.end)
        if source is None or start is None or end is None:
            continue
        a, b = int(start), int(end)
        counts = out.setdefault(shorten(source), SourceLedger())
        counts.units += 1
        if source not in regions:  # once per source, not once per unit
            regions[source] = [
                (
                    int(cast(Literal, graph.value(r, OA.start))),
                    int(cast(Literal, graph.value(r, OA.end))),
                )
                for r in graph.objects(source, IUS.hasExcludedRegion)
            ]
        reason = graph.value(unit, IUS.notModelledReason)
        notation = str(graph.value(reason, SKOS.notation) or shorten(reason)) if reason else ""
        cited = _overlaps(a, b, spans.get(source, []))
        if _overlaps(a, b, regions[source]):
            counts.excluded += 1
        elif cited:
            counts.cited += 1
            counts.stale_reasons += bool(reason)
        elif reason:
            counts.not_modelled[notation] = counts.not_modelled.get(notation, 0) + 1
        else:
            counts.unaccounted += 1
    for section in graph.subjects(RDF.type, IUS.Section):
        source = cast("URIRef | None", graph.value(section, IUS.sectionOf))
        if source is not None:
            out.setdefault(shorten(source), SourceLedger()).sections += 1
    for counts in out.values():
        counts.not_modelled = dict(sorted(counts.not_modelled.items()))
    return dict(sorted(out.items()))


__all__ = [
    "COLUMNS",
    "LedgerRow",
    "Refresh",
    "Section",
    "SourceLedger",
    "add_ledger",
    "ledger_counts",
    "read_ledgers",
    "refresh_table",
    "sections",
]
