"""Compiling the curated conflicts table (``data/conflicts.tsv``)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from .claims import Claim
from .ids import check_id, suggest
from .namespaces import CONFLICT, IUS
from .tables import read_table
from .vocabulary import Vocabulary

COLUMNS = ["id", "kind", "claims", "label"]


def add_conflicts(graph: Graph, path: Path, claims: dict[str, Claim], vocab: Vocabulary) -> int:
    """Add one ``ius:Conflict`` per row; returns how many."""
    if not path.exists():
        return 0
    kinds = vocab.scheme("conflict-kind")
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
            raise row.error(f"unknown conflict kind {kind!r}; use one of "
                            + ", ".join(sorted(kinds)))
        refs = [r.strip() for r in row.get("claims").split("|") if r.strip()]
        if len(refs) < 2:
            raise row.error("a conflict names at least two claims as source.id|source.id")
        label = row.get("label")
        if not label:
            raise row.error("a conflict needs a short English label")
        node = CONFLICT[ident]
        graph.add((node, RDF.type, IUS.Conflict))
        graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((node, IUS.conflictKind, kinds[kind]))
        for ref in refs:
            if ref not in claims:
                raise row.error(f"unknown claim {ref!r}" + suggest(ref, claims)
                                + "; refer to claims as <source>.<id>")
            graph.add((node, IUS.involvesClaim, claims[ref].iri))
    return len(seen)
