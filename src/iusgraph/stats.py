"""Counting what the graph holds: entities by class, claims by source and by predicate."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import Graph

from .queries import run_select, shorten


@dataclass
class Stats:
    triples: int = 0
    entities_by_class: dict[str, int] = field(default_factory=dict)
    claims_by_source: dict[str, int] = field(default_factory=dict)
    claims_by_predicate: dict[str, int] = field(default_factory=dict)
    claims_by_source_and_predicate: dict[str, dict[str, int]] = field(default_factory=dict)
    evidence_spans: int = 0
    conflicts: int = 0

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n"

    def to_text(self) -> str:
        lines = [f"triples: {self.triples}", f"evidence spans: {self.evidence_spans}",
                 f"conflicts: {self.conflicts}", "", "entities by class:"]
        lines += [f"  {k:<24} {v:>5}" for k, v in self.entities_by_class.items()]
        lines += ["", "claims by source:"]
        lines += [f"  {k:<24} {v:>5}" for k, v in self.claims_by_source.items()]
        lines += [f"  {'total':<24} {sum(self.claims_by_source.values()):>5}", "",
                  "claims by predicate:"]
        width = max((len(k) for k in self.claims_by_predicate), default=0)
        lines += [f"  {k:<{width}} {v:>5}" for k, v in self.claims_by_predicate.items()]
        return "\n".join(lines) + "\n"


def _count(graph: Graph, query: str) -> dict[str, int]:
    return {shorten(r["key"]): int(r["n"]) for r in run_select(graph, query)}


def compute_stats(graph: Graph) -> Stats:
    stats = Stats(triples=len(graph))
    by_predicate: dict[str, int] = {}
    stats.entities_by_class = _count(graph, """
        SELECT ?key (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a ius:Entity , ?key . FILTER(?key != ius:Entity)
        } GROUP BY ?key ORDER BY ?key""")
    # One grouping query; the per-source and per-predicate totals are its sums.
    for row in run_select(graph, """
            SELECT ?s ?p (COUNT(?c) AS ?n) WHERE {
              ?c a ius:Claim ; prov:wasDerivedFrom ?s ; ius:claimPredicate ?p
            } GROUP BY ?s ?p ORDER BY ?s ?p"""):
        source, predicate, n = shorten(row["s"]), shorten(row["p"]), int(row["n"])
        stats.claims_by_source_and_predicate.setdefault(source, {})[predicate] = n
        stats.claims_by_source[source] = stats.claims_by_source.get(source, 0) + n
        by_predicate[predicate] = by_predicate.get(predicate, 0) + n
    stats.claims_by_predicate = dict(sorted(by_predicate.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.evidence_spans = int(run_select(graph, """
        SELECT (COUNT(?e) AS ?n) WHERE { ?e a oa:SpecificResource }""")[0]["n"])
    stats.conflicts = int(run_select(graph, """
        SELECT (COUNT(?c) AS ?n) WHERE { ?c a ius:Conflict }""")[0]["n"])
    return stats
