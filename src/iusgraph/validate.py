"""Validation: SHACL shapes, QC queries and checks SHACL cannot express.

pySHACL runs with the ontology as ``ont_graph`` and no inference: with
``inference='rdfs'`` an ``rdfs:range`` in the data would make ``sh:class``
pass wrongly (pySHACL issue #73).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .durations import approximate_days
from .namespaces import IUS, OA, SH
from .queries import named_queries, run_select, shorten
from .report import Finding, Report
from .sources import evidence_selectors
from .vocabulary import ontology_graph, shapes_graph

QC_SEVERITIES = {"violation": "Violation", "warning": "Warning", "info": "Info"}


def _label(graph: Graph, node: object) -> str:
    for pred in (SKOS.prefLabel, RDFS.label):
        value = graph.value(node, pred)  # type: ignore[arg-type]
        if value is not None:
            return str(value)
    return ""


def shacl_findings(data: Graph) -> Report:
    """Run the shapes and turn pySHACL's results into findings."""
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        allow_warnings=True, allow_infos=True)
    report = Report(checks=["shacl"])
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        component = results.value(result, SH.sourceConstraintComponent)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = str(results.value(result, SH.resultMessage) or "")
        if isinstance(constraint, URIRef):  # a named SPARQL constraint names the rule best
            rule = shorten(constraint)
        elif isinstance(shape, URIRef):
            rule = shorten(shape)
        else:
            rule = _shape_name(shape)
        report.add(Finding(
            severity=severity, focus=str(focus), label=_label(data, focus), rule=rule,
            message=message, component=shorten(component), path=shorten(path) if path else "",
            value=str(value) if value is not None else ""))
    return report


def _shape_name(shape: object) -> str:
    """A property shape is a blank node: name it by its node shape and path."""
    shapes = shapes_graph()
    path = shapes.value(shape, SH.path)  # type: ignore[arg-type]
    parent = shapes.value(predicate=SH.property, object=shape)  # type: ignore[arg-type]
    if parent is None:
        parent = shapes.value(predicate=SH.sparql, object=shape)  # type: ignore[arg-type]
    name = shorten(parent) if parent is not None else "shape"
    return f"{name}/{shorten(path)}" if path is not None else name


@dataclass(frozen=True)
class QCQuery:
    name: str
    rule: str
    severity: str
    text: str


def qc_queries() -> list[QCQuery]:
    """The ``queries/qc/*-violation.rq`` files, with the rule and severity in their header."""
    out = []
    for name, query in sorted(named_queries("qc").items()):
        rule, severity = "", "Violation"
        for line in query.text.splitlines():
            if not line.startswith("#"):
                break
            body = line.lstrip("#").strip()
            key, _, value = body.partition(":")
            if key.strip().lower() == "rule":
                rule = value.strip()
            elif key.strip().lower() == "severity":
                severity = QC_SEVERITIES.get(value.strip().lower(), "Violation")
        out.append(QCQuery(name, rule, severity, query.text))
    return out


def qc_findings(data: Graph) -> Report:
    """Each row a QC query returns is one finding; its first variable is the focus."""
    report = Report(checks=["qc"])
    for qc in qc_queries():
        for row in run_select(data, qc.text):
            focus = row.get("focus") or next(iter(row.values()), "")
            details = ", ".join(f"{k}={shorten(v)}" for k, v in sorted(row.items())
                                if k != "focus")
            report.add(Finding(qc.severity, str(focus), _label(data, focus), f"qc:{qc.name}",
                               qc.rule + (f" ({details})" if details else "")))
    return report


def selector_findings(data: Graph) -> Report:
    """Each position selector spans exactly as many characters as its quote."""
    report = Report(checks=["selectors"])
    for row in evidence_selectors(data):
        try:
            length = int(row["end"]) - int(row["start"])  # type: ignore[arg-type]
        except ValueError:
            continue  # a non-integer offset is reported by the shapes
        if length != len(str(row["exact"])):
            report.add(Finding(
                "Violation", str(row["claim"]), _label(data, row["claim"]),
                "iusgraph:SelectorLength",
                f"evidence {shorten(row['ev'])}: oa:end - oa:start is {length} but oa:exact has "
                f"{len(str(row['exact']))} characters; re-anchor the quote",
                component="iusgraph:SelectorLength", path=shorten(OA.exact)))
    return report


def duration_findings(data: Graph) -> Report:
    """Onset and duration bounds are ordered: SPARQL in rdflib cannot compare xsd:durations."""
    report = Report(checks=["durations"])
    pairs = ((IUS.onsetLowerBound, IUS.onsetUpperBound), (IUS.lowerBound, IUS.upperBound))
    for low_prop, high_prop in pairs:
        for focus, low in data.subject_objects(low_prop):
            for high in data.objects(focus, high_prop):
                low_days, high_days = approximate_days(str(low)), approximate_days(str(high))
                if low_days is not None and high_days is not None and low_days > high_days:
                    report.add(Finding(
                        "Violation", str(focus), _label(data, focus), "iusgraph:BoundsOrdered",
                        f"{shorten(low_prop)} {low} is longer than {shorten(high_prop)} {high}; "
                        "swap them", component="iusgraph:BoundsOrdered", path=shorten(low_prop),
                        value=str(low)))
    return report


def validate_graph(data: Graph) -> Report:
    """All checks on a graph: SHACL, QC queries, selector lengths.

    The ontology and concept schemes are added to (a copy of) the data, so a
    file holding only instance data is checked against the same vocabulary
    as a full export. No inference is run.
    """
    ontology = ontology_graph()
    if not all(triple in data for triple in ontology):
        combined = Graph()
        combined += data
        combined += ontology
        data = combined
    report = Report()
    for check in (shacl_findings, qc_findings, selector_findings, duration_findings):
        report.extend(check(data))
    report.stats["triples"] = len(data)
    return report


def validate_files(paths: list[Path]) -> Report:
    from .loading import load_files

    return validate_graph(load_files(paths))
