"""Compiling the per-source claim tables (``data/claims/<source>.tsv``) to RDF.

Each row becomes one claim node (Wikidata's statement): subject, predicate,
value, qualifiers, rank and one or more evidence nodes (W3C Web Annotation).
A non-deprecated claim with an entity value also yields the plain direct
triple, for simple queries. Two kinds of claim make no direct triple: a claim
of a text property (its value is the source's own words, ``ius:claimValue``)
and an evidence-status claim (a caveat: what the source says about the state
of the evidence, with ``ius:qualifiesClaim`` pointing at the claims it
qualifies).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Node

from iusgraph.curation.entities import Entity
from iusgraph.curation.ids import check_id, suggest
from iusgraph.curation.tables import Row, read_table, unescape
from iusgraph.errors import InputError
from iusgraph.graph.datatypes import is_duration
from iusgraph.graph.namespaces import CLAIM, ENT, EV, IUS, IUSV, OA, SRC, local_name
from iusgraph.graph.vocabulary import Vocabulary

COLUMNS = ["id", "subject", "predicate", "object", "qualifiers", "start", "end", "exact"]


@dataclass
class Evidence:
    """A span of the source that supports a claim: offsets, the quoted text, and the
    ``file:line`` of its row."""

    start: int
    end: int
    exact: str
    where: str


@dataclass
class Claim:
    """One row of a claim table, checked: subject, predicate, object, qualifiers and
    evidence."""

    source: str
    id: str
    subject: str
    predicate: URIRef
    object: str
    #: (property, value) pairs; ``builtins.object``, since the field ``object`` hides it here.
    qualifiers: list[tuple[URIRef, builtins.object]]
    evidence: list[Evidence] = field(default_factory=list)
    where: str = ""
    #: ``<source>.<id>`` of the claims this claim qualifies (``qualifies=``), checked by
    #: :func:`check_claim_refs` once every table is read.
    qualifies: list[str] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        """The claim's IRI, ``claim:<source>.<id>``."""
        return CLAIM[f"{self.source}.{self.id}"]

    def evidence_iri(self, number: int) -> URIRef:
        """The IRI of its ``number``-th evidence span (from 1)."""
        return EV[f"{self.source}.{self.id}.{number}"]


def _parse_offsets(row: Row) -> Evidence:
    exact = unescape(row.cells.get("exact", ""))
    if not exact:
        raise row.error(
            "empty 'exact' cell: quote the shortest span of the source that supports the claim"
        )
    start_text, end_text = row.get("start"), row.get("end")
    if not start_text or not end_text:
        raise row.error(
            "missing start/end offsets: run 'iusgraph anchor --sources DIR' "
            "to fill them from the quote"
        )
    try:
        start, end = int(start_text), int(end_text)
    except ValueError:
        raise row.error(
            f"offsets must be whole numbers, found start={start_text!r} end={end_text!r}"
        ) from None
    if start < 0 or end <= start:
        raise row.error(f"offsets must satisfy 0 <= start < end, found {start}..{end}")
    if end - start != len(exact):
        raise row.error(
            f"span {start}..{end} is {end - start} characters but the quote has "
            f"{len(exact)}: re-run 'iusgraph anchor' after clearing start/end"
        )
    return Evidence(start, end, exact, f"{row.path}:{row.line}")


def _parse_qualifiers(
    row: Row, vocab: Vocabulary, entities: dict[str, Entity], refs: list[str]
) -> list[tuple[URIRef, object]]:
    """The qualifiers of a claim row; claim references (``qualifies=``) go to ``refs``."""
    text = row.get("qualifiers")
    out: list[tuple[URIRef, object]] = []
    if not text:
        return out
    seen: set[str] = set()
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            raise row.error(f"qualifier {part!r} must be key=value")
        if key in seen:
            raise row.error(f"qualifier {key!r} given twice; list several values as a|b")
        seen.add(key)
        qualifier = vocab.qualifiers.get(key)
        if qualifier is None:
            raise row.error(
                f"unknown qualifier key {key!r}"
                + suggest(key, vocab.qualifiers)
                + "; see data/README.md for the keys"
            )
        for item in (v.strip() for v in value.split("|")):
            if qualifier.kind == IUS.ConceptValue:
                if item not in qualifier.concepts:
                    raise row.error(
                        f"{key}={item!r} is not in the {key} scheme; use one of "
                        + ", ".join(sorted(qualifier.concepts))
                    )
                out.append((qualifier.prop, qualifier.concepts[item]))
            elif qualifier.kind == IUS.EntityValue:
                if item not in entities:
                    raise row.error(
                        f"{key}={item!r} is not a known entity"
                        + suggest(item, entities)
                        + "; add it to data/entities/ or fix the id"
                    )
                out.append((qualifier.prop, ENT[item]))
            elif qualifier.kind == IUS.DurationValue:
                if not is_duration(item):
                    raise row.error(
                        f"{key}={item!r} is not an xsd:duration such as P3D, P3M, "
                        "P5Y or PT0S (weeks: write P7D)"
                    )
                out.append((qualifier.prop, Literal(item, datatype=XSD.duration)))
            elif qualifier.kind == IUS.DecimalValue:
                try:
                    number = Decimal(item)
                except InvalidOperation:
                    raise row.error(f"{key}={item!r} is not a decimal number") from None
                # Canonical xsd:decimal lexical form ("1.0"), so exports round-trip exactly.
                lexical = format(number, "f")
                lexical += "" if "." in lexical else ".0"
                out.append((qualifier.prop, Literal(lexical, datatype=XSD.decimal)))
            elif qualifier.kind == IUS.ClaimValue:
                source, dot, ident = item.partition(".")
                if not dot or not check_id(source) or not check_id(ident):
                    raise row.error(
                        f"{key}={item!r} is not a claim reference; write "
                        "<source>.<claim-id>, e.g. mirena-back-pain.se-back-pain"
                    )
                refs.append(item)
            else:  # pragma: no cover - the ontology declares every kind
                raise row.error(f"qualifier {key!r} has no value kind in the ontology")
    return out


def read_claims(
    path: Path, source: str, vocab: Vocabulary, entities: dict[str, Entity]
) -> list[Claim]:
    """The claims of one source table, in file order."""
    claims: dict[str, Claim] = {}
    for row in read_table(path, COLUMNS):
        ident = row.get("id")
        if not check_id(ident):
            raise row.error(f"claim id {ident!r} must be lowercase words joined by '-'")
        evidence = _parse_offsets(row)
        is_continuation = not (
            row.get("subject") or row.get("predicate") or row.get("object") or row.get("qualifiers")
        )
        if is_continuation:
            if ident not in claims:
                raise row.error(
                    f"evidence-only row for claim {ident!r} comes before the claim; "
                    "put the claim row (with subject and predicate) first"
                )
            claims[ident].evidence.append(evidence)
            continue
        if ident in claims:
            raise row.error(
                f"claim id {ident!r} already used at {claims[ident].where}; "
                "ids must be unique in a table (evidence-only rows leave "
                "subject, predicate, object and qualifiers empty)"
            )
        subject, pred_name, obj = row.get("subject"), row.get("predicate"), row.get("object")
        if subject not in entities:
            raise row.error(
                f"unknown subject entity {subject!r}"
                + suggest(subject, entities)
                + "; add it to data/entities/ or fix the id"
            )
        predicate = vocab.claim_properties.get(pred_name)
        if predicate is None:
            raise row.error(
                f"unknown predicate {pred_name!r}"
                + suggest(pred_name, vocab.claim_properties)
                + "; see the claim properties in data/README.md"
            )
        if predicate in vocab.quantity_properties:
            if obj:
                raise row.error(
                    f"{pred_name} is a quantity: leave 'object' empty and give "
                    "value=, lower=, upper= or duration= qualifiers"
                )
        elif predicate in vocab.text_properties:
            obj = unescape(row.cells.get("object", "")).strip()
            if not obj:
                raise row.error(
                    f"{pred_name} takes the source's own words: write them in "
                    "'object', as they stand in the evidence"
                )
        elif obj not in entities:
            raise row.error(
                f"unknown object entity {obj!r}"
                + suggest(obj, entities)
                + "; add it to data/entities/ or fix the id"
            )
        refs: list[str] = []
        qualifiers = _parse_qualifiers(row, vocab, entities, refs)
        is_status = predicate in vocab.evidence_status_properties
        if refs and not is_status:
            raise row.error(
                f"qualifies= is for evidence-status claims (a caveat such as 'not "
                f"fully understood'), not for {pred_name}; give the caveat its own "
                "row with predicate "
                + " or ".join(sorted(local_name(p) for p in vocab.evidence_status_properties))
            )
        if is_status and IUS.evidenceStatus not in {p for p, _ in qualifiers}:
            raise row.error(f"{pred_name} needs status= (e.g. status=not-fully-understood)")
        if predicate in vocab.quantity_properties and not any(
            p in (IUS.quantityValue, IUS.lowerBound, IUS.upperBound, IUS.durationValue)
            for p, _ in qualifiers
        ):
            raise row.error(
                f"{pred_name} is a quantity: give value=, lower=, upper= or "
                "duration= in the qualifiers"
            )
        claims[ident] = Claim(
            source,
            ident,
            subject,
            predicate,
            obj,
            qualifiers,
            [evidence],
            f"{row.path}:{row.line}",
            refs,
        )
    for claim in claims.values():
        if claim.predicate in vocab.text_properties and not any(
            claim.object in e.exact for e in claim.evidence
        ):
            where, line = claim.where.rsplit(":", 1)
            raise InputError(
                f"the value {claim.object!r} of claim {claim.id!r} is not in its "
                "evidence: a text value is the source's own words, verbatim "
                "in one of the claim's spans",
                path=where,
                line=int(line),
            )
    return list(claims.values())


def check_claim_refs(claims: list[Claim]) -> None:
    """Every ``qualifies=`` names a known claim of the same source, not itself."""
    index = claim_index(claims)
    for claim in claims:
        path, line = claim.where.rsplit(":", 1)
        for ref in claim.qualifies:
            if ref not in index:
                raise InputError(
                    f"qualifies={ref!r} names no claim"
                    + suggest(ref, index)
                    + "; refer to claims as <source>.<id>",
                    path=path,
                    line=int(line),
                )
            if index[ref].source != claim.source:
                raise InputError(
                    f"qualifies={ref!r} names a claim of another source; a "
                    "caveat qualifies what its own source says",
                    path=path,
                    line=int(line),
                )
            if ref == f"{claim.source}.{claim.id}":
                raise InputError(f"claim {claim.id!r} qualifies itself", path=path, line=int(line))


def add_claims(
    graph: Graph,
    claims: list[Claim],
    vocab: Vocabulary,
    entities: dict[str, Entity],
    default_product: URIRef,
) -> None:
    """Add claim nodes, their evidence and the direct triples they back."""
    normal = IUSV["rank-normal"]
    deprecated = IUSV["rank-deprecated"]
    serious = IUSV["seriousness-serious"]
    for claim in claims:
        node = claim.iri
        source = SRC[claim.source]
        graph.add((node, RDF.type, IUS.Claim))
        subject = ENT[claim.subject]
        graph.add((node, IUS.claimSubject, subject))
        graph.add((node, IUS.claimPredicate, claim.predicate))
        is_text = claim.predicate in vocab.text_properties
        obj = ENT[claim.object] if claim.object and not is_text else None
        if obj is not None:
            graph.add((node, IUS.claimObject, obj))
        if is_text:
            graph.add((node, IUS.claimValue, Literal(claim.object, lang="en")))
        for ref in claim.qualifies:
            graph.add((node, IUS.qualifiesClaim, CLAIM[ref]))
        props = {p for p, _ in claim.qualifiers}
        for prop, value in claim.qualifiers:
            graph.add((node, prop, cast(Node, value)))  # an IRI or a literal
        if IUS.productContext not in props:
            graph.add((node, IUS.productContext, default_product))
        if IUS.rank not in props:
            graph.add((node, IUS.rank, normal))
        graph.add((node, PROV.wasDerivedFrom, source))
        label = f"{entities[claim.subject].label} {vocab.label(claim.predicate)}"
        if is_text:
            label += f" \u201c{claim.object}\u201d"
        elif claim.object:
            label += f" {entities[claim.object].label}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        for number, evidence in enumerate(claim.evidence, start=1):
            ev = claim.evidence_iri(number)
            quote = URIRef(f"{ev}.quote")
            position = URIRef(f"{ev}.position")
            graph.add((node, IUS.hasEvidence, ev))
            graph.add((ev, RDF.type, OA.SpecificResource))
            graph.add((ev, OA.hasSource, source))
            graph.add((ev, OA.hasSelector, quote))
            graph.add((ev, OA.hasSelector, position))
            graph.add((quote, RDF.type, OA.TextQuoteSelector))
            graph.add((quote, OA.exact, Literal(evidence.exact)))
            graph.add((position, RDF.type, OA.TextPositionSelector))
            graph.add(
                (position, OA.start, Literal(evidence.start, datatype=XSD.nonNegativeInteger))
            )
            graph.add((position, OA.end, Literal(evidence.end, datatype=XSD.nonNegativeInteger)))
        rank = next((v for p, v in claim.qualifiers if p == IUS.rank), normal)
        if (
            obj is not None
            and rank != deprecated
            and claim.predicate not in vocab.evidence_status_properties
        ):
            graph.add((subject, claim.predicate, obj))
            if (
                claim.predicate == IUS.hasSideEffect
                and (IUS.seriousness, serious) in claim.qualifiers
            ):
                graph.add((subject, IUS.hasSeriousSideEffect, obj))


def claim_index(claims: list[Claim]) -> dict[str, Claim]:
    """Claims by ``<source>.<id>``, for conflict references."""
    return {f"{c.source}.{c.id}": c for c in claims}
