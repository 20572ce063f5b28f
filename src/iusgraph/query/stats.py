"""Counting what the graph holds: entities by class, claims by source and by predicate, and
the coverage ledger of each source."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import cast

from rdflib import Graph

from iusgraph.curation.ledger import ledger_counts
from iusgraph.graph.backend import select
from iusgraph.graph.namespaces import shorten


@dataclass
class Stats:
    """What the graph holds, counted: triples, entities, claims, evidence spans, conflicts
    and each source's coverage ledger."""

    triples: int = 0
    #: Triples by predicate (the release description's VoID property partitions).
    triples_by_predicate: dict[str, int] = field(default_factory=dict)
    entities_by_class: dict[str, int] = field(default_factory=dict)
    claims_by_source: dict[str, int] = field(default_factory=dict)
    claims_by_predicate: dict[str, int] = field(default_factory=dict)
    claims_by_source_and_predicate: dict[str, dict[str, int]] = field(default_factory=dict)
    evidence_spans: int = 0
    conflicts: int = 0
    #: Per source: units, cited, excluded, not_modelled (by reason), unaccounted,
    #: stale_reasons, sections and accounted_percent (see :mod:`iusgraph.curation.ledger`).
    ledger: dict[str, dict[str, object]] = field(default_factory=dict)

    def to_json(self) -> str:
        """The statistics as an indented JSON object, keys sorted."""
        return json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n"

    def render(self, fmt: str) -> str:
        """The statistics as ``text`` or ``json``."""
        return self.to_json() if fmt == "json" else self.to_text()

    def to_text(self) -> str:
        """The statistics as an indented plain-text report."""
        lines = [
            f"triples: {self.triples}",
            f"evidence spans: {self.evidence_spans}",
            f"conflicts: {self.conflicts}",
            "",
            "entities by class:",
        ]
        lines += [f"  {k:<24} {v:>5}" for k, v in self.entities_by_class.items()]
        lines += ["", "claims by source:"]
        lines += [f"  {k:<24} {v:>5}" for k, v in self.claims_by_source.items()]
        lines += [
            f"  {'total':<24} {sum(self.claims_by_source.values()):>5}",
            "",
            "claims by predicate:",
        ]
        width = max((len(k) for k in self.claims_by_predicate), default=0)
        lines += [f"  {k:<{width}} {v:>5}" for k, v in self.claims_by_predicate.items()]
        lines += [
            "",
            ("coverage ledger (units of each source: cited, excluded, not modelled, unaccounted):"),
        ]
        if not self.ledger:
            lines.append("  no ledger in this graph (data/ledger/<source>.tsv)")
        for source, row in self.ledger.items():
            lines.append(
                f"  {source}: {row['units']} units, {row['accounted_percent']}% "
                f"accounted, {row['sections']} sections"
            )
            lines.append(f"    {'cited':<38} {row['cited']:>5}")
            lines.append(f"    {'excluded':<38} {row['excluded']:>5}")
            not_modelled = cast("dict[str, int]", row["not_modelled"])  # a SourceLedger field
            for reason, n in not_modelled.items():
                lines.append(f"    {'not modelled: ' + reason:<38} {n:>5}")
            lines.append(f"    {'unaccounted':<38} {row['unaccounted']:>5}")
            if row["stale_reasons"]:
                lines.append(f"    {'stale reasons (cited now)':<38} {row['stale_reasons']:>5}")
        return "\n".join(lines) + "\n"


def _count(graph: Graph, query: str) -> dict[str, int]:
    return {shorten(r["key"]): int(r["n"]) for r in select(graph, query)}


def compute_stats(graph: Graph) -> Stats:
    """The :class:`Stats` of ``graph``."""
    stats = Stats(triples=len(graph))
    by_predicate: dict[str, int] = {}
    # Counted by walking the triples once: a SPARQL GROUP BY over every triple is far
    # slower in rdflib.
    by_iri = Counter(p for _, p, _ in graph)
    stats.triples_by_predicate = dict(sorted((shorten(p), n) for p, n in by_iri.items()))
    stats.entities_by_class = _count(
        graph,
        """
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a ius:Entity , ?key . FILTER(?key != ius:Entity)
        } GROUP BY ?key ORDER BY ?key""",
    )
    # One grouping query; the per-source and per-predicate totals are its sums.
    for row in select(
        graph,
        """
            SELECT ?s ?p (COUNT(?c) AS ?n) WHERE {
              ?c a ius:Claim ; prov:wasDerivedFrom ?s ; ius:claimPredicate ?p
            } GROUP BY ?s ?p ORDER BY ?s ?p""",
    ):
        source, predicate, n = shorten(row["s"]), shorten(row["p"]), int(row["n"])
        stats.claims_by_source_and_predicate.setdefault(source, {})[predicate] = n
        stats.claims_by_source[source] = stats.claims_by_source.get(source, 0) + n
        by_predicate[predicate] = by_predicate.get(predicate, 0) + n
    stats.claims_by_predicate = dict(sorted(by_predicate.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.evidence_spans = int(
        select(
            graph,
            """
        SELECT (COUNT(?e) AS ?n) WHERE { ?e a oa:SpecificResource }""",
        )[0]["n"]
    )
    stats.conflicts = int(
        select(
            graph,
            """
        SELECT (COUNT(?c) AS ?n) WHERE { ?c a ius:Conflict }""",
        )[0]["n"]
    )
    stats.ledger = {
        source: {**asdict(counts), "accounted_percent": counts.accounted_percent}
        for source, counts in ledger_counts(graph).items()
    }
    return stats
