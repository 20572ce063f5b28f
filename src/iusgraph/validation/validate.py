"""Validation: SHACL shapes, QC queries and checks SHACL cannot express.

Two engines give the same findings (``tests/test_fastshacl.py``):

- ``oxigraph`` (the default) loads the data into Oxigraph and runs the shapes
  compiled to SPARQL (:mod:`iusgraph.validation.fastshacl`), the QC queries and the
  checks there; a shape the compiler cannot translate falls back to pySHACL;
- ``pyshacl``, the reference, runs pySHACL and rdflib.

pySHACL runs with the ontology as ``ont_graph`` and no inference: with
``inference='rdfs'`` an ``rdfs:range`` in the data would make ``sh:class``
pass wrongly (pySHACL issue #73).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from iusgraph.graph.datatypes import approximate_days
from iusgraph.graph.store import Data, graph_terms, in_parallel, input_terms, open_store, select, store_from_files
from iusgraph.errors import IusgraphError
from iusgraph.graph.serialize import to_ntriples
from iusgraph.validation.fastshacl import InputTerm, compile_shapes, needed_classes, rule_name, run_checks, subclass_map
from iusgraph.graph.namespaces import IUS, OA, SH, SSSOM
from iusgraph.query.run import named_queries, shorten
from iusgraph.validation.report import Finding, Report
from iusgraph.curation.registry import evidence_selectors
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph

ENGINES = ("oxigraph", "pyshacl")

QC_SEVERITIES = {"violation": "Violation", "warning": "Warning", "info": "Info"}


def with_labels(target: Data, findings: Iterable[Finding]) -> list[Finding]:
    """Findings with their focus node's label (skos:prefLabel, else rdfs:label)."""
    findings = list(findings)
    foci = sorted({f.focus for f in findings if f.focus.startswith(("http", "urn"))})
    labels: dict[str, str] = {}
    for start in range(0, len(foci), 500):
        values = " ".join(f"<{f}>" for f in foci[start:start + 500])
        for row in select(target, f"""SELECT ?n ?pref ?label WHERE {{ VALUES ?n {{ {values} }}
                OPTIONAL {{ ?n skos:prefLabel ?pref }} OPTIONAL {{ ?n rdfs:label ?label }} }}"""):
            text = row.get("pref") or row.get("label")
            if text is not None:
                labels.setdefault(str(row["n"]), str(text))
    return [dataclasses.replace(f, label=labels.get(f.focus, f.label)) for f in findings]


def shacl_findings(data: Graph, shapes: Graph | None = None) -> Report:
    """Run the shapes with pySHACL and turn its results into findings."""
    shapes = shapes if shapes is not None else shapes_graph()
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology_graph(), inference="none",
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
        report.add(Finding(
            severity=severity, focus=str(focus), label="",
            rule=rule_name(shapes, shape, constraint),  # type: ignore[arg-type]
            message=message, component=shorten(component), path=shorten(path) if path else "",
            value=str(value) if value is not None else ""))
    report.findings = with_labels(data, report.findings)
    return report


def fast_shacl_findings(store: ox.Store, terms: Callable[[], Iterable[InputTerm]],
                        as_graph: Callable[[], Graph], shapes: Graph | None = None) -> Report:
    """The shapes as SPARQL on Oxigraph; shapes it cannot translate go to pySHACL."""
    shapes = shapes if shapes is not None else shapes_graph()
    compiled = compile_shapes(shapes, subclass_map(store, needed_classes(shapes)))
    report = Report(checks=["shacl"])
    report.findings = run_checks(store, compiled, terms() if compiled.term_checks else None)
    if compiled.fallback:
        fallback = fallback_shapes(shapes, compiled.fallback)
        report.findings += shacl_findings(as_graph(), fallback).findings
        report.notes += [f"{rule} is checked by pySHACL: the SPARQL compiler cannot "
                         f"translate {why}" for rule, why in compiled.fallback_reasons.items()]
    report.findings = with_labels(store, report.findings)
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


def qc_findings(data: Data) -> Report:
    """Each row a QC query returns is one finding; its first variable is the focus."""
    report = Report(checks=["qc"])
    queries = qc_queries()
    if isinstance(data, Graph):  # rdflib holds the GIL: threads would only add overhead
        answers = [select(data, qc.text) for qc in queries]
    else:
        answers = in_parallel(lambda qc: select(data, qc.text), queries)
    for qc, rows in zip(queries, answers, strict=True):
        for row in rows:
            focus = row.get("focus") or next(iter(row.values()), "")
            focus = f"_:{focus}" if isinstance(focus, BNode) else focus
            details = ", ".join(f"{k}={shorten(v)}" for k, v in sorted(row.items())
                                if k != "focus")
            report.add(Finding(qc.severity, str(focus), "", f"qc:{qc.name}",
                               qc.rule + (f" ({details})" if details else "")))
    report.findings = with_labels(data, report.findings)
    return report


def selector_findings(data: Data) -> Report:
    """Each position selector spans exactly as many characters as its quote."""
    report = Report(checks=["selectors"])
    for row in evidence_selectors(data):
        try:
            length = int(row["end"]) - int(row["start"])  # type: ignore[arg-type]
        except ValueError:
            continue  # a non-integer offset is reported by the shapes
        if length != len(str(row["exact"])):
            report.add(Finding(
                "Violation", str(row["claim"]), str(row.get("label") or ""),
                "iusgraph:SelectorLength",
                f"evidence {shorten(row['ev'])}: oa:end - oa:start is {length} but oa:exact has "
                f"{len(str(row['exact']))} characters; re-anchor the quote",
                component="iusgraph:SelectorLength", path=shorten(OA.exact)))
    return report


def duration_findings(data: Data) -> Report:
    """Onset and duration bounds are ordered: SPARQL in rdflib cannot compare xsd:durations."""
    report = Report(checks=["durations"])
    pairs = ((IUS.onsetLowerBound, IUS.onsetUpperBound), (IUS.lowerBound, IUS.upperBound))
    for low_prop, high_prop in pairs:
        rows = select(data, f"SELECT ?focus ?low ?high WHERE {{ ?focus <{low_prop}> ?low ; "
                            f"<{high_prop}> ?high }}")
        for row in rows:
            focus, low, high = row["focus"], row["low"], row["high"]
            low_days, high_days = approximate_days(str(low)), approximate_days(str(high))
            if low_days is not None and high_days is not None and low_days > high_days:
                report.add(Finding(
                    "Violation", str(focus), "", "iusgraph:BoundsOrdered",
                    f"{shorten(low_prop)} {low} is longer than {shorten(high_prop)} {high}; "
                    "swap them", component="iusgraph:BoundsOrdered", path=shorten(low_prop),
                    value=str(low)))
    report.findings = with_labels(data, report.findings)
    return report


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise IusgraphError(f"unknown validation engine {engine!r}; use one of "
                            f"{', '.join(ENGINES)}")


def validate_graph(data: Graph, engine: str = "oxigraph") -> Report:
    """All checks on a graph: SHACL, QC queries, selector lengths, duration bounds.

    The ontology and concept schemes are added to (a copy of) the data, so a
    file holding only instance data is checked against the same vocabulary
    as a full export. No inference is run.
    """
    _check_engine(engine)
    ontology = ontology_graph()
    if not all(triple in data for triple in ontology):
        combined = Graph()
        combined += data
        combined += ontology
        data = combined
    if engine == "oxigraph":
        return validate_store(open_store(data), lambda: graph_terms(data), lambda: data)
    report = Report()
    for check in (shacl_findings, qc_findings, selector_findings, duration_findings):
        report.extend(check(data))
    report.stats["triples"] = len(data)
    return report


def validate_store(store: ox.Store, terms: Callable[[], Iterable[InputTerm]],
                   as_graph: Callable[[], Graph]) -> Report:
    """All checks on an Oxigraph store that already holds the ontology.

    :param terms: the input's literals as written (the store rewrites some datatypes)
    :param as_graph: the data as an rdflib graph, made only if a shape falls back to pySHACL
    """
    report = Report()
    report.extend(fast_shacl_findings(store, terms, as_graph))
    for check in (qc_findings, selector_findings, duration_findings):
        report.extend(check(store))
    report.stats["triples"] = len(store)
    return report


def validate_files(paths: list[Path], engine: str = "oxigraph") -> Report:
    """Validate RDF files; with Oxigraph they are parsed straight into the store."""
    _check_engine(engine)
    if engine == "pyshacl":
        from iusgraph.graph.load import load_files

        graph = load_files(paths)
        report = validate_graph(graph, engine)
        report.extend(mapping_findings(graph))
        return report
    store = store_from_files(paths)
    report = validate_loaded(store, paths)
    report.extend(mapping_findings(_mapping_part(store)))
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


def _mapping_part(store: ox.Store) -> Graph:
    """The mapping sets and the entity labels of a store, as a small rdflib graph."""
    from iusgraph.graph.terms import to_rdflib

    graph = Graph()
    for triple in store.query(_MAPPING_PART):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                   to_rdflib(triple.object)))
    return graph


def mapping_findings(graph: Graph) -> Report:
    """The mapping check (``iusgraph mappings check``) on the SSSOM rows a graph holds; none
    is no finding. A release package that is not installed is a warning."""
    from iusgraph.curation.mappings import check_mapping_sets, read_graph_mappings

    sets, entities = read_graph_mappings(graph)
    if not sets:
        return Report()
    return check_mapping_sets(sets, entities, strict=False)


def validate_loaded(store: ox.Store, paths: list[Path]) -> Report:
    """Validate ``paths`` already loaded into ``store`` (the benchmark times the two apart)."""
    ontology = ontology_graph()
    store.bulk_load(to_ntriples(ontology).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    def ontology_terms() -> Iterable[InputTerm]:
        yield from input_terms(paths)
        yield from graph_terms(ontology)

    def as_graph() -> Graph:
        graph = Graph()
        graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES,
                                    from_graph=ox.DefaultGraph()), format="nt")
        return graph

    return validate_store(store, ontology_terms, as_graph)
