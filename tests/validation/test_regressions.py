"""One regression test per cause of a wrong fast-path result, each on a small case of our own.

The W3C suite (``test_w3c_suite.py``) found these; the review
``/work/shared/reviews/shacl-suite-review.md`` ("The 5 most important correctness bugs" and
"Probes beyond the suite") names six causes; commit 56a13c3 fixed all but the 5th:

1. a shape with an implicit class target (``sh:NodeShape`` and ``rdfs:Class``) was skipped;
2. a property shape with a target of its own was compiled as a node shape (path ignored);
3. ``sh:datatype xsd:integer`` / ``xsd:dateTime`` accepted ``xsd:int``,
   ``xsd:nonNegativeInteger`` / ``xsd:dateTimeStamp``, which the store rewrites into them;
4. the fallback inflated findings: (a) pySHACL's ``sh:detail`` results were counted, (b)
   a compiled shape reached from a fallback shape was validated twice (probe p12);
5. datatype checks on the input's literals missed blank-node focus nodes (probe p4): only
   in file mode (``open_store`` keeps rdflib's blank-node ids, Oxigraph's parser does not);
6. a sequence path reported a value twice when two intermediate nodes reach it.

Two more tests check the bookkeeping of :func:`compile_shapes`: its self-check sends a
targeted shape the compiler lost to pySHACL, and ``coverage`` classifies every shape.

Each case is inline Turtle (data and shapes in one graph) with its findings written out by
hand as a multiset of (focus, path, component, severity, value); pySHACL and the fast path
in graph mode and in file mode must each give exactly that multiset. Blank-node ids differ
between engines, so a blank focus node is compared as ``_:blank`` and a list path as
``_:path``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from iusgraph.graph.store import (
    graph_terms,
    input_terms,
    open_store,
    store_from_files,
    store_graph,
)
from iusgraph.validation import fastshacl
from iusgraph.validation.fastshacl import compile_shapes
from iusgraph.validation.reference import shacl_findings
from iusgraph.validation.report import Report
from iusgraph.validation.validate import fast_shacl_findings

EX = "http://example.org/"
PREFIXES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: (focus, path, component, severity, value), as the parity tests compare findings.
Row = tuple[str, str, str, str, str]

ENGINES = ("pyshacl", "graph", "file")


def ex(local: str) -> str:
    """An example IRI as a finding writes a focus node or value."""
    return EX + local


def path(local: str) -> str:
    """An example IRI as a finding writes a path (no project prefix covers ex:)."""
    return f"<{EX}{local}>"


def rows(report: Report) -> Counter[Row]:
    """The multiset of findings (the parity tests' key without the rule), blank nodes made
    comparable (their ids differ between engines): every IRI of the cases is under ``ex:``,
    so a focus node that is not is a blank node, ``_:blank``; a path that is a blank node (a
    SHACL list) is ``_:path``."""
    return Counter(
        (
            f.focus if f.focus.startswith(EX) else "_:blank",
            "_:path" if f.path.startswith("_:") else f.path,
            f.component,
            f.severity,
            f.value,
        )
        for f in report.findings
    )


def graph_of(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(data=PREFIXES + turtle, format="turtle")
    return graph


def fast_graph(data: Graph, shapes: Graph) -> Report:
    return fast_shacl_findings(
        open_store(data), lambda predicates: graph_terms(data, predicates), lambda: data, shapes
    )


def fast_file(file: Path, shapes: Graph) -> Report:
    store = store_from_files([file])
    return fast_shacl_findings(
        store,
        lambda predicates: input_terms([file], predicates),
        lambda: store_graph(store),
        shapes=shapes,
    )


def run(engine: str, turtle: str, tmp_path: Path) -> Report:
    """The SHACL findings of one engine on a case whose data and shapes are one graph."""
    graph = graph_of(turtle)
    if engine == "pyshacl":
        return shacl_findings(graph, graph)
    if engine == "graph":
        return fast_graph(graph, graph)
    file = tmp_path / "case.ttl"
    file.write_text(PREFIXES + turtle, encoding="utf-8")
    return fast_file(file, graph)


def violation(focus: str, at: str, component: str, value: str) -> Row:
    return (focus, at, f"sh:{component}ConstraintComponent", "Violation", value)


# -- cause 1: implicit class targets -------------------------------------------------------

IMPLICIT = """
ex:Person a sh:NodeShape, rdfs:Class ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:alice a ex:Person .
ex:bob a ex:Person ; ex:name "Bob" .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_cause1_implicit_class_target_is_checked(engine: str, tmp_path: Path) -> None:
    found = rows(run(engine, IMPLICIT, tmp_path))
    assert found, "silent pass: the shape with an implicit class target was skipped"
    assert found == Counter([violation(ex("alice"), path("name"), "MinCount", "")])


# -- cause 2: a property shape with its own target -----------------------------------------

TARGETED_PROPERTY_SHAPE = """
ex:S a sh:PropertyShape ; sh:targetNode ex:a, ex:b ; sh:path ex:p ; sh:class ex:C .
ex:a ex:p ex:c1 .
ex:c1 a ex:C .
ex:b a ex:C ; ex:p ex:d .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_cause2_targeted_property_shape_follows_its_path(engine: str, tmp_path: Path) -> None:
    # Read as a node shape, ex:a (no ex:C) would fail and ex:b (an ex:C) would pass.
    found = rows(run(engine, TARGETED_PROPERTY_SHAPE, tmp_path))
    assert found == Counter([violation(ex("b"), path("p"), "Class", ex("d"))])


# -- cause 3: datatypes the store rewrites -------------------------------------------------

REWRITTEN_DATATYPES = """
ex:IntegerShape a sh:NodeShape ; sh:targetNode ex:int, ex:nonneg, ex:integer ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] .
ex:int ex:n "5"^^xsd:int .
ex:nonneg ex:n "-1"^^xsd:nonNegativeInteger .
ex:integer ex:n "7"^^xsd:integer .

ex:DateTimeShape a sh:NodeShape ; sh:targetNode ex:stamp, ex:time ;
    sh:property [ sh:path ex:t ; sh:datatype xsd:dateTime ] .
ex:stamp ex:t "2020-01-01T00:00:00Z"^^xsd:dateTimeStamp .
ex:time ex:t "2020-01-01T00:00:00Z"^^xsd:dateTime .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_cause3_datatype_refuses_types_the_store_rewrites(engine: str, tmp_path: Path) -> None:
    found = rows(run(engine, REWRITTEN_DATATYPES, tmp_path))
    assert found, "silent pass: the rewritten datatypes were accepted"
    assert found == Counter(
        [
            violation(ex("int"), path("n"), "Datatype", "5"),
            violation(ex("nonneg"), path("n"), "Datatype", "-1"),
            violation(ex("stamp"), path("t"), "Datatype", "2020-01-01T00:00:00Z"),
        ]
    )
    # The types themselves pass.
    assert not {row[0] for row in found} & {ex("integer"), ex("time")}


# -- cause 4a: sh:detail results are no findings -------------------------------------------

NODE_DETAIL = """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:N .
ex:N a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
ex:a ex:q "x" .
"""


def test_cause4a_detail_results_are_not_findings() -> None:
    graph = graph_of(NODE_DETAIL)
    found = rows(shacl_findings(graph, graph))
    # pySHACL nests the failed ex:N's minCount result under this one as sh:detail.
    assert found == Counter([violation(ex("a"), "", "Node", ex("a"))])


@pytest.mark.parametrize("engine", ("graph", "file"))
def test_cause4a_fast_path_agrees(engine: str, tmp_path: Path) -> None:
    found = rows(run(engine, NODE_DETAIL, tmp_path))
    assert found == Counter([violation(ex("a"), "", "Node", ex("a"))])


# -- cause 4b: the fallback copies no other shape's targets (probe p12) --------------------

FALLBACK_REACHES_COMPILED = """
ex:A a sh:NodeShape ; sh:targetNode ex:x ; sh:xone ( ex:B ex:C ) ;
    sh:property [ sh:path ex:h ; sh:datatype rdf:HTML ] .
ex:B a sh:NodeShape ; sh:targetNode ex:y ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
ex:C a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
ex:x ex:p "only ex:B holds" .
ex:y ex:q "ex:B fails" .
"""


@pytest.mark.parametrize("engine", ("graph", "file"))
def test_cause4b_compiled_shape_reached_from_fallback_counts_once(
    engine: str, tmp_path: Path
) -> None:
    report = run(engine, FALLBACK_REACHES_COMPILED, tmp_path)
    # ex:A (rdf:HTML) goes to pySHACL; ex:B, which it uses, is compiled for its own target.
    assert any(note.startswith(f"{path('A')} is checked by pySHACL") for note in report.notes)
    assert not any(note.startswith(f"{path('B')} ") for note in report.notes)
    assert rows(report) == Counter([violation(ex("y"), path("p"), "MinCount", "")])


def test_cause4b_reference_agrees(tmp_path: Path) -> None:
    found = rows(run("pyshacl", FALLBACK_REACHES_COMPILED, tmp_path))
    assert found == Counter([violation(ex("y"), path("p"), "MinCount", "")])


# -- cause 5: term checks on blank-node focus nodes (probe p4) -----------------------------

BLANK_FOCUS = """
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:nonNegativeInteger ] .
[] a ex:T ; ex:n "-1"^^xsd:nonNegativeInteger .
ex:iri a ex:T ; ex:n "-2"^^xsd:nonNegativeInteger .
"""


@pytest.mark.parametrize("engine", ("pyshacl", "graph", "file"))
def test_cause5_blank_node_focus_is_term_checked(engine: str, tmp_path: Path) -> None:
    found = rows(run(engine, BLANK_FOCUS, tmp_path))
    assert found == Counter(
        [
            violation("_:blank", path("n"), "Datatype", "-1"),
            violation(ex("iri"), path("n"), "Datatype", "-2"),
        ]
    )


# -- cause 6: a sequence path reports each value node once ---------------------------------

SEQUENCE_PATH = """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property ex:SP .
ex:SP sh:path ( ex:p ex:q ) ; sh:nodeKind sh:IRI .
ex:a ex:p ex:m1, ex:m2 .
ex:m1 ex:q "v" .
ex:m2 ex:q "v" .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_cause6_sequence_path_value_counts_once(engine: str, tmp_path: Path) -> None:
    # ex:a reaches "v" through ex:m1 and through ex:m2: one value node, one finding.
    found = rows(run(engine, SEQUENCE_PATH, tmp_path))
    assert found == Counter([violation(ex("a"), "_:path", "NodeKind", "v")])


# -- 7: the self-check of compile_shapes ---------------------------------------------------

LOST = """
ex:Targeted a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ] .
ex:Other a sh:NodeShape ; sh:nodeKind sh:IRI .
"""


def test_self_check_sends_a_lost_shape_to_pyshacl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastshacl, "targeted_shapes", lambda shapes: [])
    shapes = graph_of(LOST)
    compiled = compile_shapes(shapes, {})
    assert compiled.fallback == [URIRef(ex("Targeted"))]
    assert "self-check" in compiled.fallback_reasons[path("Targeted")]
    assert set(compiled.coverage) == {
        path("Targeted"),
        f"{path('Targeted')}/{path('p')}",
        path("Other"),
    }
    # And end to end: pySHACL reports what the lost shape finds.
    found = rows(fast_graph(shapes, shapes))
    assert found == Counter([violation(ex("a"), path("p"), "MinCount", "")])


# -- 8: coverage -----------------------------------------------------------------------------

COVERAGE = """
ex:Compiled a sh:NodeShape ; sh:targetNode ex:a ; sh:nodeKind sh:IRI ; sh:node ex:Nested .
ex:Nested a sh:NodeShape ; sh:nodeKind sh:IRI .
ex:Fallback a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:h ; sh:datatype rdf:HTML .
ex:Off a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated true ; sh:nodeKind sh:Literal .
ex:Unused a sh:NodeShape ; sh:nodeKind sh:IRI .
"""


def test_coverage_classifies_every_shape() -> None:
    compiled = compile_shapes(graph_of(COVERAGE), {})
    assert compiled.coverage == {
        path("Compiled"): "compiled: 2 checks",
        path("Nested"): f"compiled, inside {path('Compiled')}",
        path("Fallback"): "pySHACL: the SPARQL compiler cannot translate sh:datatype rdf:HTML",
        path("Off"): "deactivated (sh:deactivated true): not checked",
        path("Unused"): "never applied: it has no target and no targeted shape uses it",
    }
    assert compiled.unused == [path("Unused")]
    assert compiled.fallback == [URIRef(ex("Fallback"))]


def test_pyshacl_leaves_the_shapes_graph_as_it_was(graph: Graph) -> None:
    """pySHACL adds triples to the shapes graph it validates with; the adapter hands it a
    copy, so the cached shapes graph (and the fast path, which reads it next) is unchanged."""
    from iusgraph.graph.vocabulary import shapes_graph

    before = set(shapes_graph())
    shacl_findings(graph, shapes_graph())
    assert set(shapes_graph()) == before


REMOTE = """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:sparql [ sh:select "%s" ] .
ex:a ex:p 1 .
"""


@pytest.mark.parametrize(
    "select",
    [
        "SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ?p ?o } }",
        "SELECT $this FROM <http://example.org/g> WHERE { $this ?p ?o }",
    ],
    ids=["service", "from"],
)
@pytest.mark.parametrize("engine", ["pyshacl", "graph"])
@pytest.mark.usefixtures("no_network")
def test_remote_sparql_in_a_shape_is_refused_before_any_engine(
    select: str, engine: str, tmp_path: Path
) -> None:
    """SERVICE and FROM in a shape's SPARQL never reach rdflib or Oxigraph (rdflib runs
    SERVICE and fetches FROM): both engines refuse the shapes, naming the rule."""
    from iusgraph.errors import NetworkRefused

    with pytest.raises(NetworkRefused) as refused:
        run(engine, REMOTE % select, tmp_path)
    assert "refused" in str(refused.value)
