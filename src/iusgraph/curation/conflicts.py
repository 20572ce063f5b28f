"""Compiling the curated conflicts table (``data/conflicts.tsv``).

Each row becomes one ``ius:Conflict`` with its kind, its claims and its label. A
conflict explained by scope names the scope (``iusv:conflict-scope``). The build
also records how far apart the claims are: for a frequency disagreement the band
distance on one frequency scale (``ius:bandDistance``), for an urgency
disagreement the difference of urgency levels (``ius:urgencyDistance``).
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from iusgraph.curation.claims import Claim
from iusgraph.curation.ids import check_id, suggest
from iusgraph.curation.tables import Row, read_table
from iusgraph.graph.namespaces import CONFLICT, IUS, IUSV
from iusgraph.graph.vocabulary import Vocabulary

COLUMNS = ["id", "kind", "claims", "label", "scope"]

FREQUENCY = IUSV["conflict-kind-frequency-disagreement"]
URGENCY = IUSV["conflict-kind-urgency-disagreement"]
SCOPE_EXPLAINED = IUSV["conflict-kind-scope-explained"]


def add_conflicts(graph: Graph, path: Path, claims: dict[str, Claim], vocab: Vocabulary) -> int:
    """Add one ``ius:Conflict`` per row; returns how many."""
    if not path.exists():
        return 0
    kinds = vocab.scheme("conflict-kind")
    scopes = vocab.scheme("conflict-scope")
    seen: set[str] = set()
    for row in read_table(path, COLUMNS):
        ident = row.get("id")
        if not check_id(ident):
            raise row.error(f"conflict id {ident!r} must be lowercase words joined by '-'")
        if ident in seen:
            raise row.error(f"conflict id {ident!r} is used twice")
        seen.add(ident)
        kind = row.get("kind")
        if kind not in kinds:
            raise row.error(
                f"unknown conflict kind {kind!r}; use one of " + ", ".join(sorted(kinds))
            )
        refs = [r.strip() for r in row.get("claims").split("|") if r.strip()]
        if len(refs) < 2:
            raise row.error("a conflict names at least two claims as source.id|source.id")
        label = row.get("label")
        if not label:
            raise row.error("a conflict needs a short English label")
        named_scopes = _scopes(row, kinds[kind], scopes)
        node = CONFLICT[ident]
        graph.add((node, RDF.type, IUS.Conflict))
        graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((node, IUS.conflictKind, kinds[kind]))
        for scope in named_scopes:
            graph.add((node, IUS.explainedByScope, scope))
        members: list[Claim] = []
        for ref in refs:
            if ref not in claims:
                raise row.error(
                    f"unknown claim {ref!r}"
                    + suggest(ref, claims)
                    + "; refer to claims as <source>.<id>"
                )
            members.append(claims[ref])
            graph.add((node, IUS.involvesClaim, claims[ref].iri))
        if kinds[kind] == FREQUENCY:
            distance = band_distance(row, members, vocab)
            if distance is not None:
                graph.add((node, IUS.bandDistance, Literal(distance, datatype=XSD.integer)))
        elif kinds[kind] == URGENCY:
            graph.add(
                (
                    node,
                    IUS.urgencyDistance,
                    Literal(urgency_distance(row, members, vocab), datatype=XSD.integer),
                )
            )
    return len(seen)


def _scopes(row: Row, kind: URIRef, scopes: dict[str, URIRef]) -> list[URIRef]:
    names = [s.strip() for s in row.get("scope").split("|") if s.strip()]
    if kind == SCOPE_EXPLAINED and not names:
        raise row.error(
            "a scope-explained conflict names the scope that explains it in the "
            "'scope' column: " + ", ".join(sorted(scopes))
        )
    if kind != SCOPE_EXPLAINED and names:
        raise row.error(
            "only a scope-explained conflict has a scope; empty the 'scope' "
            "cell or use kind scope-explained"
        )
    for name in names:
        if name not in scopes:
            raise row.error(
                f"unknown conflict scope {name!r}; use one of " + ", ".join(sorted(scopes))
            )
    return [scopes[name] for name in names]


def _values(claims: list[Claim], prop: URIRef) -> list[URIRef]:
    return [
        value
        for claim in claims
        for key, value in claim.qualifiers
        if key == prop and isinstance(value, URIRef)
    ]


def band_distance(row: Row, claims: list[Claim], vocab: Vocabulary) -> int | None:
    """The largest band difference between two different bands on one scale, or None
    when every two different bands lie on different scales."""
    bands = sorted(set(_values(claims, IUS.frequency)))
    if len(bands) < 2:
        raise row.error(
            "a frequency-disagreement conflict names claims in at least two "
            "different frequency bands; check the claims or the kind"
        )
    distances = []
    for first, second in combinations(bands, 2):
        if set(vocab.graph.subjects(SKOS.member, first)) & set(
            vocab.graph.subjects(SKOS.member, second)
        ):
            distances.append(
                abs(_integer(vocab, first, IUS.bandOrder) - _integer(vocab, second, IUS.bandOrder))
            )
    return max(distances) if distances else None


def urgency_distance(row: Row, claims: list[Claim], vocab: Vocabulary) -> int:
    """The most urgent action's level minus the least urgent one's."""
    levels = {
        _integer(vocab, action, IUS.urgencyLevel)
        for action in _values(claims, IUS.recommendedAction)
    }
    if len(levels) < 2:
        raise row.error(
            "an urgency-disagreement conflict names claims whose actions differ "
            "in urgency (action=...); check the claims or the kind"
        )
    return max(levels) - min(levels)


def _integer(vocab: Vocabulary, concept: URIRef, prop: URIRef) -> int:
    value = cast(Literal, vocab.graph.value(concept, prop))
    return int(value)  # every band and action has one (schemes.ttl)
