"""pySHACL, the reference engine: ``validate --engine pyshacl``, and the shapes the
SPARQL compiler (:mod:`iusgraph.validation.fastshacl`) cannot translate.

pySHACL runs with the ontology as ``ont_graph`` and no inference: with
``inference='rdfs'`` an ``rdfs:range`` in the data would make ``sh:class`` pass wrongly
(pySHACL issue #73).
"""

from __future__ import annotations

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from iusgraph.graph.namespaces import SH, shorten
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.validation.checks import with_labels
from iusgraph.validation.fastshacl import rule_name
from iusgraph.validation.report import Finding, Report


def shacl_findings(data: Graph, shapes: Graph | None = None) -> Report:
    """Run the shapes with pySHACL and turn its results into findings."""
    shapes = shapes if shapes is not None else shapes_graph()
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology_graph(),
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
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
        report.add(
            Finding(
                severity=severity,
                focus=str(focus),
                label="",
                rule=rule_name(shapes, shape, constraint),
                message=message,
                component=shorten(component),
                path=shorten(path) if path else "",
                value=str(value) if value is not None else "",
            )
        )
    report.findings = with_labels(data, report.findings)
    return report


def fallback_shapes(shapes: Graph, roots: list[Node]) -> Graph:
    """The part of the shapes graph that ``roots`` use: their triples, transitively."""
    out = Graph()
    todo, seen = list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for pred, obj in shapes.predicate_objects(node):
            out.add((node, pred, obj))
            if isinstance(obj, (URIRef, BNode)):
                todo.append(obj)
    return out
