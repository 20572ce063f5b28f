"""Every SHACL shape has a valid and an invalid fixture (W3C SHACL test-suite style).

A fixture is loaded on top of ``fixtures/shapes/base.ttl``, a minimal
conforming graph. An invalid fixture states in its header the focus node,
the constraint component and the severity it must produce:

    # focus: https://w3id.org/iusgraph/claim/doc.bad
    # component: sh:MinCountConstraintComponent
    # severity: Violation      (optional, Violation by default)

The range shapes (``shape:<property>-<side>-range``) are all alike; their
valid and invalid data are generated below from the shapes themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from iusgraph.graph.load import load_files
from iusgraph.graph.namespaces import SH
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.query.catalog import comment_header
from iusgraph.validation.reference import shacl_findings
from iusgraph.validation.report import Report

from ..helpers import BASE, SHAPE_FIXTURES, _local, _range_case, range_shapes


def rule_names() -> list[str]:
    """Names under which findings are reported: node shapes with their own
    constraints, and named SPARQL constraints. Range shapes are tested apart."""
    shapes = shapes_graph()
    names = set()
    for node in shapes.subjects(RDF.type, SH.NodeShape):
        if not isinstance(node, URIRef) or _local(node).endswith("-range"):
            continue
        own = [
            o
            for p, o in shapes.predicate_objects(node)
            if p
            not in (
                RDF.type,
                SH.targetClass,
                SH.targetSubjectsOf,
                SH.targetObjectsOf,
                SH.sparql,
                SH.message,
            )
        ]
        anonymous_sparql = [o for o in shapes.objects(node, SH.sparql) if not isinstance(o, URIRef)]
        if own or anonymous_sparql:
            names.add(_local(node))
    for node in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        if isinstance(node, URIRef):
            names.add(_local(node))
    return sorted(names)


def findings_for(rule: str, files: list[Path]) -> list:
    report: Report = shacl_findings(_with_ontology(load_files([BASE, *files])))
    return [
        f
        for f in report.findings
        if f.rule == f"shape:{rule}" or f.rule.startswith(f"shape:{rule}/")
    ]


def _with_ontology(data: Graph) -> Graph:
    data += ontology_graph()
    return data


def _header(path: Path) -> dict[str, str]:
    """The fixture's ``# focus:``, ``# component:`` and ``# severity:`` lines."""
    fields = comment_header(path.read_text(encoding="utf-8")).fields
    return {key: fields[key][0] for key in ("focus", "component", "severity") if key in fields}


def test_fixture_folders_are_not_empty_and_cover_every_shape() -> None:
    names = rule_names()
    assert len(names) >= 10
    for kind in ("valid", "invalid"):
        present = {p.stem for p in (SHAPE_FIXTURES / kind).glob("*.ttl")}
        assert present, f"no fixtures in {kind}/"
        assert set(names) <= present, f"{kind}/ lacks fixtures for {sorted(set(names) - present)}"
        assert present <= set(names), (
            f"{kind}/ has fixtures for no shape: {sorted(present - set(names))}"
        )


def test_base_graph_conforms() -> None:
    report = shacl_findings(_with_ontology(load_files([BASE])))
    assert report.findings == []


@pytest.mark.parametrize("rule", rule_names())
def test_valid_fixture(rule: str) -> None:
    found = findings_for(rule, [SHAPE_FIXTURES / "valid" / f"{rule}.ttl"])
    assert found == [], f"valid/{rule}.ttl should produce no results for shape:{rule}"


@pytest.mark.parametrize("rule", rule_names())
def test_invalid_fixture(rule: str) -> None:
    path = SHAPE_FIXTURES / "invalid" / f"{rule}.ttl"
    expected = _header(path)
    assert "focus" in expected and "component" in expected, f"{path} needs focus and component"
    found = findings_for(rule, [path])
    hits = [
        f
        for f in found
        if f.focus == expected["focus"]
        and f.component == expected["component"]
        and f.severity == expected.get("severity", "Violation")
    ]
    assert hits, (
        f"invalid/{rule}.ttl: expected {expected} from shape:{rule}, got "
        f"{[(f.focus, f.component, f.severity) for f in found]}"
    )


@pytest.mark.parametrize("name", range_shapes())
def test_range_shape_valid_and_invalid(name: str) -> None:
    for valid in (True, False):
        data, focus = _range_case(name, valid)
        report = shacl_findings(_with_ontology(data))
        hits = [f for f in report.findings if f.rule == f"shape:{name}"]
        if valid:
            assert hits == []
        else:
            assert [(h.focus, h.component) for h in hits] == [
                (str(focus), "sh:ClassConstraintComponent")
            ]
