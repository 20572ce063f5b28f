"""The checks SHACL cannot express, and the QC queries: each gives a
:class:`~iusgraph.validation.report.Report` on either engine.

- :func:`qc_findings`: every row a ``queries/qc/*-violation.rq`` query returns is a finding;
- :func:`selector_findings`: a position selector spans as many characters as its quote;
- :func:`duration_findings`: durations and their approximate days agree;
- :func:`mapping_findings`: the SSSOM rows a graph carries, against the shipped releases
  (:func:`store_mapping_findings` on a store);
- :func:`with_labels`: findings get their focus node's label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal

from iusgraph.curation.mappings import read_graph_mappings
from iusgraph.graph.backend import Data, parallel_safe, select, values_clause
from iusgraph.graph.datatypes import approximate_days
from iusgraph.graph.namespaces import IUS, OA, SSSOM, shorten
from iusgraph.graph.store import in_parallel
from iusgraph.graph.terms import node_text, to_rdflib
from iusgraph.query.catalog import QCQuery, qc_queries
from iusgraph.validation.branches import union_branches
from iusgraph.validation.evidence import SPAN_MISMATCH, evidence_selectors
from iusgraph.validation.mappings import check_mapping_sets
from iusgraph.validation.report import Finding, Report


def with_labels(target: Data, findings: Iterable[Finding]) -> list[Finding]:
    """Findings with their focus node's label (skos:prefLabel, else rdfs:label)."""
    findings = list(findings)
    foci = sorted({f.focus for f in findings if f.focus.startswith(("http", "urn"))})
    labels: dict[str, str] = {}
    for start in range(0, len(foci), 500):
        values = " ".join(f"<{f}>" for f in foci[start : start + 500])
        for row in select(
            target,
            f"""SELECT ?n ?pref ?label WHERE {{ VALUES ?n {{ {values} }}
                OPTIONAL {{ ?n skos:prefLabel ?pref }} OPTIONAL {{ ?n rdfs:label ?label }} }}""",
        ):
            text = row.get("pref") or row.get("label")
            if text is not None:
                labels.setdefault(str(row["n"]), str(text))
    return [dataclasses.replace(f, label=labels.get(f.focus, f.label)) for f in findings]


def qc_findings(data: Data, texts: Mapping[str, str | None] | None = None) -> Report:
    """Each row a QC query returns is one finding; its first variable is the focus. On a
    store, the queries run side by side, and a query's top-level UNION one query per branch
    (:func:`~iusgraph.validation.branches.union_branches`).

    :param texts: by query name, the text to run instead of the file's (a restricted one,
        :mod:`iusgraph.validation.incremental`), or None to skip it
    """
    report = Report(checks=["qc"])
    queries = qc_queries()
    if texts is not None:
        queries = [qc for qc in queries if texts.get(qc.name) is not None]

    def text(qc: QCQuery) -> str:
        return texts[qc.name] or qc.text if texts is not None else qc.text

    if parallel_safe(data):
        # One job per branch of a rule's top-level UNION, so a slow rule shares the cores.
        jobs = [(n, part) for n, qc in enumerate(queries) for part in union_branches(text(qc))]
        answers: list[list[dict[str, Any]]] = [[] for _ in queries]
        for (n, _), rows in zip(
            jobs, in_parallel(lambda job: select(data, job[1]), jobs), strict=True
        ):
            answers[n] += rows
    else:
        answers = [select(data, text(qc)) for qc in queries]
    for qc, rows in zip(queries, answers, strict=True):
        for row in rows:
            focus = row.get("focus") or next(iter(row.values()), "")
            focus = node_text(focus) if isinstance(focus, BNode) else focus
            details = ", ".join(f"{k}={shorten(v)}" for k, v in sorted(row.items()) if k != "focus")
            report.add(
                Finding(
                    qc.severity,
                    str(focus),
                    "",
                    f"qc:{qc.name}",
                    qc.rule + (f" ({details})" if details else ""),
                )
            )
    report.findings = with_labels(data, report.findings)
    return report


def selector_findings(data: Data, foci: Collection[str] | None = None) -> Report:
    """Each position selector spans exactly as many characters as its quote; with ``foci``
    (IRIs), the selectors of those claims only.

    The query leaves out the rows whose xsd:integer offsets already match the quote's
    length (most of them), so only the rest are converted and compared here.
    """
    report = Report(checks=["selectors"])
    if foci is not None and not foci:
        return report  # rdflib fails on an empty VALUES block
    for row in evidence_selectors(data, SPAN_MISMATCH, foci):
        try:
            length = int(cast(Literal, row["end"])) - int(cast(Literal, row["start"]))
        except ValueError:
            continue  # a non-integer offset is reported by the shapes
        if length != len(str(row["exact"])):
            report.add(
                Finding(
                    "Violation",
                    str(row["claim"]),
                    str(row.get("label") or ""),
                    "iusgraph:SelectorLength",
                    f"evidence {shorten(row['ev'])}: oa:end - oa:start is {length} but oa:exact has "
                    f"{len(str(row['exact']))} characters; re-anchor the quote",
                    component="iusgraph:SelectorLength",
                    path=shorten(OA.exact),
                )
            )
    return report


def duration_findings(data: Data, foci: Collection[str] | None = None) -> Report:
    """Onset and duration bounds are ordered: SPARQL in rdflib cannot compare xsd:durations.
    With ``foci`` (IRIs), the bounds of those nodes only."""
    report = Report(checks=["durations"])
    if foci is not None and not foci:
        return report  # rdflib fails on an empty VALUES block
    pairs = ((IUS.onsetLowerBound, IUS.onsetUpperBound), (IUS.lowerBound, IUS.upperBound))
    only = "" if foci is None else values_clause("focus", sorted(foci))
    for low_prop, high_prop in pairs:
        rows = select(
            data,
            f"SELECT ?focus ?low ?high WHERE {{ {only} ?focus <{low_prop}> ?low ; "
            f"<{high_prop}> ?high }}",
        )
        for row in rows:
            focus, low, high = row["focus"], row["low"], row["high"]
            low_days, high_days = approximate_days(str(low)), approximate_days(str(high))
            if low_days is not None and high_days is not None and low_days > high_days:
                report.add(
                    Finding(
                        "Violation",
                        str(focus),
                        "",
                        "iusgraph:BoundsOrdered",
                        f"{shorten(low_prop)} {low} is longer than {shorten(high_prop)} {high}; "
                        "swap them",
                        component="iusgraph:BoundsOrdered",
                        path=shorten(low_prop),
                        value=str(low),
                    )
                )
    report.findings = with_labels(data, report.findings)
    return report


_MAPPING_PART = f"""
    PREFIX sssom: <{SSSOM}>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX ius: <https://w3id.org/iusgraph/ontology/>
    CONSTRUCT {{ ?s ?p ?o }} WHERE {{
      {{ ?s a sssom:MappingSet ; ?p ?o }}
      UNION {{ ?set a sssom:MappingSet ; sssom:mappings ?s . ?s ?p ?o }}
      UNION {{ ?s a ius:Entity ; ?p ?o . VALUES ?p {{ rdf:type skos:prefLabel skos:altLabel }} }}
    }}"""


def mapping_part(store: ox.Store) -> Graph:
    """The mapping sets and the entity labels of a store, as a small rdflib graph."""

    graph = Graph()
    for triple in cast(ox.QueryTriples, store.query(_MAPPING_PART)):
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def store_mapping_findings(store: ox.Store) -> Report:
    """:func:`mapping_findings` on the :func:`mapping_part` of a store. A store without an
    ``sssom:MappingSet`` has no mapping set to read, so the part is not even built."""
    if not store.query(f"ASK {{ ?set a <{SSSOM.MappingSet}> }}"):
        return Report()
    return mapping_findings(mapping_part(store))


def mapping_findings(graph: Graph) -> Report:
    """The mapping check (``iusgraph mappings check``) on the SSSOM rows a graph holds; none
    is no finding. A release package that is not installed is a warning."""

    sets, entities = read_graph_mappings(graph)
    if not sets:
        return Report()
    return check_mapping_sets(sets, entities, strict=False)
