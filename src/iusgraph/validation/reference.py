"""pySHACL, the reference engine: ``validate --engine pyshacl``, and the shapes the
SPARQL compiler (:mod:`iusgraph.validation.fastshacl`) cannot translate.

pySHACL runs on the data as given (the callers have added the ontology to it) and with
no inference: with ``inference='rdfs'`` an ``rdfs:range`` in the data would make
``sh:class`` pass wrongly (pySHACL issue #73). A finding is a result of the report
(``sh:result``); the results pySHACL nests under a failed ``sh:node`` as ``sh:detail``
explain that result and are not findings of their own.
"""

from __future__ import annotations

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import SH, shorten
from iusgraph.graph.terms import node_text
from iusgraph.graph.vocabulary import shapes_graph
from iusgraph.query.canonical import canonical, refuse_remote
from iusgraph.validation.checks import with_labels
from iusgraph.validation.report import Finding, Report
from iusgraph.validation.shapegraph import all_shapes, rule_name, severity_name, shacl_instances


def shacl_findings(data: Graph, shapes: Graph | None = None) -> Report:
    """Run the shapes with pySHACL and turn its results into findings."""
    shapes = shapes if shapes is not None else shapes_graph()
    refuse_remote_sparql(shapes)
    # pySHACL adds its "system triples" (owl:Class rdfs:subClassOf rdfs:Class ...) to the
    # shapes graph it is given; the cached shapes_graph() must not change.
    own = Graph()
    own += shapes
    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=own,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
    except (ReportableRuntimeError, NotImplementedError) as exc:  # a shape it cannot load
        raise IusgraphError(f"pySHACL cannot check the shapes: {_reason(exc)}") from None
    except Exception as exc:  # only rdflib's bare Exception; anything else is re-raised
        # rdflib's SPARQL parser raises Exception itself for an unknown prefix in a
        # shape's query (sparql/node/prefixes-001); any subclass is a bug, and propagates.
        if type(exc) is not Exception:
            raise
        raise IusgraphError(f"pySHACL cannot run a shape's SPARQL: {_reason(exc)}") from None
    if not isinstance(results, Graph):  # a SHACL failure (SHACL 3.6.1), not a report
        raise IusgraphError(f"pySHACL reports a validation failure: {_reason(results)}")
    report = Report(checks=["shacl"])
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        severity = severity_name(results.value(result, SH.resultSeverity))
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        component = results.value(result, SH.sourceConstraintComponent)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = str(results.value(result, SH.resultMessage) or "")
        report.add(
            Finding(
                severity=severity,
                focus=node_text(focus) if focus is not None else "",
                label="",
                rule=rule_name(shapes, shape, constraint) if shape is not None else "",
                message=message,
                component=shorten(component),
                path=shorten(path) if path else "",
                value=node_text(value) if value is not None else "",
            )
        )
    report.findings = with_labels(data, report.findings)
    return report


#: What makes a shape apply by itself: kept on the roots only.
TARGET_TRIPLES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def reference_coverage(shapes: Graph) -> dict[str, str]:
    """Every shape of ``shapes`` by rule name: pySHACL checks them all."""
    return {
        rule_name(shapes, shape): "pySHACL (the reference engine)" for shape in all_shapes(shapes)
    }


def refuse_remote_sparql(shapes: Graph) -> None:
    """Refuse a shapes graph whose SPARQL (``sh:select``, ``sh:ask``, in constraints and in
    validators) holds ``SERVICE`` or ``FROM``, before pySHACL sees it: rdflib would run the
    one and fetch the other from the network.

    :raises NetworkRefused: naming the rule, the line and the column
    """
    for pred in (SH.select, SH.ask):
        for node, text in shapes.subject_objects(pred):
            rule = rule_name(shapes, node)
            refuse_remote(canonical(str(text), rule), rule)


def _reason(exc: object) -> str:
    """pySHACL's message, on one line."""
    return " ".join(str(getattr(exc, "message", None) or exc).split())


def fallback_shapes(shapes: Graph, roots: list[Node]) -> Graph:
    """The part of the shapes graph that ``roots`` use: their triples, transitively.

    Only the roots keep their targets: a shape that a root merely uses (through
    ``sh:node``, ``sh:xone`` ...) and that has targets of its own was compiled, so copying
    its targets would check those focus nodes twice. Its ``rdf:type rdfs:Class`` goes too
    (an implicit class target), unless it is a root.
    """
    out = Graph()
    # The constraint components the shapes graph declares (SHACL 6) come along, with the
    # subclass triples that make them components and their validators validators.
    components = shacl_instances(shapes, SH.ConstraintComponent)
    todo, seen = list(roots) + sorted(components, key=str), set()
    out += shapes.triples((None, RDFS.subClassOf, None))
    root_set = set(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for pred, obj in shapes.predicate_objects(node):
            if node not in root_set and (
                pred in TARGET_TRIPLES or (pred == RDF.type and obj == RDFS.Class)
            ):
                continue
            out.add((node, pred, obj))
            if isinstance(obj, (URIRef, BNode)):
                todo.append(obj)
    return out
