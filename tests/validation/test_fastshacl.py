"""The fast validation path gives the same findings as pySHACL, the reference engine.

Findings are compared as a multiset (a Counter) of (focus node, path, constraint
component, severity, rule, value): a finding reported twice is a difference. Cases: every shape fixture, every generated range case, the real
graph, synthetic graphs with injected faults, literals the store rewrites,
and a shape the compiler cannot translate (which must fall back, not pass).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from iusgraph import api
from iusgraph.graph.load import load_files
from iusgraph.graph.namespaces import CLAIM, IUS, OA, SH, SHAPE
from iusgraph.graph.store import graph_terms, open_store
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.scale.synth import FAULT_KINDS, generate
from iusgraph.validation.fastshacl import (
    compile_shapes,
    needed_classes,
    path_first,
    planned,
    subclass_map,
)
from iusgraph.validation.reference import shacl_findings
from iusgraph.validation.report import Report
from iusgraph.validation.validate import (
    fast_shacl_findings,
    validate_files,
    validate_graph,
)

from ..helpers import BASE, SHAPE_FIXTURES, _range_case, range_shapes

Key = tuple[str, str, str, str, str, str]


def keys(report: Report) -> Counter[Key]:
    return Counter(
        (f.focus, f.path, f.component, f.severity, f.rule, f.value) for f in report.findings
    )


def with_ontology(data: Graph) -> Graph:
    data += ontology_graph()
    return data


def both(data: Graph, shapes: Graph | None = None) -> tuple[Counter[Key], Counter[Key], Report]:
    """SHACL findings from pySHACL and from the fast path on the same data."""
    reference = shacl_findings(data, shapes)
    fast = fast_shacl_findings(
        open_store(data),
        lambda predicates: graph_terms(data, predicates),
        lambda: data,
        shapes=shapes,
    )
    return keys(reference), keys(fast), fast


FIXTURE_FILES = sorted((SHAPE_FIXTURES / "valid").glob("*.ttl")) + sorted(
    (SHAPE_FIXTURES / "invalid").glob("*.ttl")
)


def test_fixture_folders_are_not_empty() -> None:
    assert len(FIXTURE_FILES) >= 20


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_findings_on_every_shape_fixture(path: Path) -> None:
    reference, fast, report = both(with_ontology(load_files([BASE, path])))
    assert fast == reference
    assert report.notes == [], "every shape of ours compiles to SPARQL"
    if path.parent.name == "invalid":
        assert reference, "an invalid fixture must produce findings on both engines"


@pytest.mark.parametrize("name", range_shapes())
def test_same_findings_on_every_range_case(name: str) -> None:
    for valid in (True, False):
        data, _ = _range_case(name, valid)
        reference, fast, _ = both(with_ontology(data))
        assert fast == reference
        assert valid or any(k[4] == f"shape:{name}" for k in fast)


def test_same_report_on_the_real_graph(graph: Graph, report: Report) -> None:
    reference = validate_graph(graph, engine="pyshacl")
    assert keys(report) == keys(reference)
    assert sorted(f.message for f in report.findings) == sorted(
        f.message for f in reference.findings
    )


def test_same_findings_on_synthetic_graphs_with_injected_faults() -> None:
    graph, _, faults = generate(6, faults=3 * len(FAULT_KINDS), seed=11)
    reference = validate_graph(graph, engine="pyshacl")
    fast = validate_graph(graph, engine="oxigraph")
    assert keys(fast) == keys(reference)
    injected = {(f.focus, f.rule) for f in faults}
    assert {(f.focus, f.rule) for f in fast.findings if f.severity == "Violation"} == injected


def _selector_with(start: Literal) -> Graph:
    data = load_files([BASE])
    claim = next(data.subjects(RDF.type, IUS.Claim))
    evidence = next(data.objects(claim, IUS.hasEvidence))
    position = next(
        s
        for s in data.objects(evidence, OA.hasSelector)
        if (s, RDF.type, OA.TextPositionSelector) in data
    )
    data.set((position, OA.start, start))
    return with_ontology(data)


@pytest.mark.parametrize(
    "start",
    [
        Literal("-1", datatype=XSD.nonNegativeInteger),  # ill-typed: the store would say -1
        Literal("0", datatype=XSD.integer),  # right value, wrong datatype
        Literal("0", datatype=XSD.int),  # another integer type the store merges
        Literal("zero", datatype=XSD.nonNegativeInteger),
        Literal("0"),
    ],
    ids=repr,
)
def test_literals_the_store_rewrites_are_checked_as_written(start: Literal) -> None:
    reference, fast, _ = both(_selector_with(start))
    assert fast == reference
    assert any(k[2] == "sh:DatatypeConstraintComponent" for k in fast)


def test_a_file_s_literals_read_while_it_loads_are_checked_as_written(tmp_path: Path) -> None:
    """``validate_files`` reads the literals of the term checks on a thread while the store
    loads: an ill-typed one in the file is found as when the graph is validated."""
    graph = _selector_with(Literal("-1", datatype=XSD.nonNegativeInteger))
    path = tmp_path / "ill-typed.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    found = keys(validate_files([path]))
    assert found == keys(validate_graph(graph))
    assert any(k[2] == "sh:DatatypeConstraintComponent" and k[5] == "-1" for k in found)


@pytest.mark.parametrize(
    "value",
    [
        Literal("abc", datatype=XSD.decimal),
        Literal("1.5", datatype=XSD.integer),
        Literal("P", datatype=XSD.duration),
        Literal("1", datatype=XSD.string),
        Literal("1", lang="en"),
    ],
    ids=repr,
)
def test_ill_formed_literals_fail_on_both_engines(value: Literal) -> None:
    data = load_files([BASE])
    claim = sorted(data.subjects(RDF.type, IUS.Claim))[0]
    data.add((claim, IUS.quantityValue, value))
    reference, fast, _ = both(with_ontology(data))
    assert fast == reference
    assert any(k[2] == "sh:DatatypeConstraintComponent" for k in fast)


def test_a_shape_the_compiler_cannot_translate_falls_back_to_pyshacl() -> None:
    shapes = Graph()
    shapes += shapes_graph()
    odd, prop = SHAPE["OddClaim"], SHAPE["OddClaimPredicate"]
    shapes.add((odd, RDF.type, SH.NodeShape))
    shapes.add((odd, SH.targetClass, IUS.Claim))
    shapes.add((odd, SH.property, prop))
    shapes.add((prop, SH.path, IUS.claimPredicate))
    # The store shows no xsd:dateTimeStamp (it keeps them as xsd:dateTime): not compiled.
    shapes.add((prop, SH.datatype, XSD.dateTimeStamp))
    data = with_ontology(load_files([BASE]))
    compiled = compile_shapes(shapes, {})
    assert odd in compiled.fallback
    reference, fast, report = both(data, shapes)
    assert fast == reference
    assert any(
        k[4] == "shape:OddClaimPredicate" and k[2] == "sh:DatatypeConstraintComponent" for k in fast
    ), "the fallback must still report the shape's findings"
    assert any("shape:OddClaim" in note and "xsd:dateTimeStamp" in note for note in report.notes)


def test_sh_closed_is_compiled_with_the_same_findings() -> None:
    shapes = Graph()
    shapes += shapes_graph()
    odd = SHAPE["ClosedClaim"]
    shapes.add((odd, RDF.type, SH.NodeShape))
    shapes.add((odd, SH.targetClass, IUS.Claim))
    shapes.add((odd, SH.closed, Literal(True)))
    data = with_ontology(load_files([BASE]))
    assert odd not in compile_shapes(shapes, {}).fallback
    reference, fast, report = both(data, shapes)
    assert fast == reference
    assert sum(n for k, n in fast.items() if k[4] == "shape:ClosedClaim") >= 10
    assert not report.notes


def test_every_shape_of_ours_compiles() -> None:
    shapes = shapes_graph()
    store = open_store(with_ontology(load_files([BASE])))
    compiled = compile_shapes(shapes, subclass_map(store, needed_classes(shapes)))
    assert compiled.fallback == []
    assert len(compiled.checks) > 100 and compiled.term_checks


def test_files_are_validated_without_rdflib_in_between(tmp_path: Path, graph: Graph) -> None:
    """Files go straight into the store; the result equals validating the graph."""
    paths = api.build(tmp_path)
    expected = keys(validate_graph(graph))
    for path in paths:
        if path.suffix in (".ttl", ".nt", ".jsonld") and path.stem == "iusgraph":
            assert keys(validate_files([path])) == expected, path.name


def test_broken_file_on_the_fast_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text(f"<{CLAIM['x']}> <{RDF.type}> .\n", encoding="utf-8")
    from iusgraph.errors import InputError

    with pytest.raises(InputError, match=r"bad.nt:1"):
        validate_files([bad])


def test_a_broken_line_the_term_reader_also_parses_gives_one_clear_error(tmp_path: Path) -> None:
    """The input's literals for the term checks are read on a thread while the store loads
    (``_load_reading_terms``); a broken line both parsers read (one with a blank node) is
    reported once, as the loader names it, with the file and the line."""
    bad = tmp_path / "bad.nt"
    good = f'<{CLAIM["x"]}> <{OA.start}> "5"^^<{XSD.nonNegativeInteger}> .\n'
    bad.write_text(good * 3 + f"_:b <{OA.start}> .\n", encoding="utf-8")
    from iusgraph.errors import InputError

    with pytest.raises(InputError, match=r"bad.nt:4") as caught:
        validate_files([bad])
    assert str(caught.value).count("bad.nt") == 1


def test_unknown_validation_engine_is_refused(graph: Graph) -> None:
    from iusgraph.errors import IusgraphError

    with pytest.raises(IusgraphError, match="unknown validation engine"):
        validate_graph(graph, engine="fast")


def test_datatype_check_reads_the_input_not_the_store() -> None:
    """Guard for the reason TermCheck exists: the store does rewrite the datatype."""
    data = Graph()
    data.add((URIRef("urn:x"), OA.start, Literal("5", datatype=XSD.nonNegativeInteger)))
    row = next(iter(open_store(data).query("SELECT ?o WHERE { ?s ?p ?o }")))
    assert row["o"].datatype.value == str(XSD.integer)


def test_count_constraints_on_one_path_are_fused_with_the_same_findings() -> None:
    """sh:minCount 2, sh:maxCount 3 and two qualified value shapes with both bounds on one
    path group the values once (one fused query) and still give each part's findings: the
    same multiset as pySHACL, with a focus node failing each part. A value the qualified
    shape cannot compare (a string, an IRI against 10) is not counted, as in its own query."""
    ex = "http://example.org/"
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <{SH}> . @prefix xsd: <{XSD}> . @prefix ex: <{ex}> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
          sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ;
            sh:qualifiedValueShape [ sh:datatype xsd:string ] ;
            sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ] ;
          sh:property [ sh:path ex:p ;
            sh:qualifiedValueShape [ sh:minInclusive 10 ] ;
            sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ] .
        """,
        format="turtle",
    )
    data = Graph().parse(
        data=f"""
        @prefix ex: <{ex}> .
        ex:ok a ex:T ; ex:p 1, 20, "x" .
        ex:few a ex:T ; ex:p 15 .
        ex:many a ex:T ; ex:p 1, 10, "a", "b" .
        ex:nobig a ex:T ; ex:p 1, ex:iri, "a" .
        ex:twostr a ex:T ; ex:p 12, "a", "b" .
        ex:big a ex:T ; ex:p 10, 11, 12, "a" .
        """,
        format="turtle",
    )
    compiled = compile_shapes(shapes, {})
    (fused,) = [check for check in compiled.checks if check.parts]
    assert len(fused.parts) == 6 and "GROUP BY" in fused.query
    reference, fast, _ = both(data, shapes)
    assert fast == reference
    assert {(k[0].removeprefix(ex), k[2].removeprefix("sh:")) for k in fast} == {
        ("few", "MinCountConstraintComponent"),
        ("few", "QualifiedMinCountConstraintComponent"),
        ("many", "MaxCountConstraintComponent"),
        ("many", "QualifiedMaxCountConstraintComponent"),
        ("nobig", "QualifiedMinCountConstraintComponent"),
        ("twostr", "QualifiedMaxCountConstraintComponent"),
        ("big", "MaxCountConstraintComponent"),
        ("big", "QualifiedMaxCountConstraintComponent"),
    }


def test_value_and_single_count_checks_on_one_path_are_fused_with_the_same_findings() -> None:
    """A property shape's value constraints and its sh:minCount 1 and sh:maxCount 1 join
    the focus nodes to their values once (one fused query, ``fuse_values``), and so do a
    node shape's own value constraints; each part still gives its own findings, the same
    multiset as pySHACL's, with a focus node failing each part. A value reached by two
    routes of a sequence path is one value node; a comparison that is an error (a string
    against 10) is a failure of sh:minInclusive, as pySHACL has it."""
    ex = "http://example.org/"
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <{SH}> . @prefix xsd: <{XSD}> . @prefix ex: <{ex}> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
          sh:nodeKind sh:IRI ; sh:pattern "^http://example.org/[a-z]" ;
          sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ;
            sh:datatype xsd:integer ; sh:minInclusive 10 ; sh:maxExclusive 100 ] ;
          sh:property [ sh:path ( ex:q ex:r ) ; sh:maxCount 1 ; sh:class ex:C ;
            sh:in ( ex:c1 ex:other ) ] .
        """,
        format="turtle",
    )
    data = Graph().parse(
        data=f"""
        @prefix ex: <{ex}> .
        ex:ok a ex:T ; ex:p 10 ; ex:q ex:m1, ex:m2 .
        ex:m1 ex:r ex:c1 . ex:m2 ex:r ex:c1 . ex:c1 a ex:C . ex:c3 a ex:C .
        ex:none a ex:T .
        ex:two a ex:T ; ex:p 10, 20 .
        ex:str a ex:T ; ex:p "x" .
        ex:small a ex:T ; ex:p 5 .
        ex:big a ex:T ; ex:p 100 .
        ex:Upper a ex:T ; ex:p 20 .
        [] a ex:T ; ex:p 20 .
        ex:twovals a ex:T ; ex:p 20 ; ex:q ex:m1, ex:m3 . ex:m3 ex:r ex:other .
        ex:third a ex:T ; ex:p 20 ; ex:q ex:m4 . ex:m4 ex:r ex:c3 .
        """,
        format="turtle",
    )
    compiled = compile_shapes(shapes, {})
    fused = sorted(len(check.parts) for check in compiled.checks if check.fused == "values")
    assert fused == [2, 3, 5] and len(compiled.checks) == 3
    reference, fast, _ = both(data, shapes)
    assert fast == reference
    found = {(k[0].removeprefix(ex), k[2].removeprefix("sh:")) for k in fast}
    assert {(focus, c) for focus, c in found if not focus.startswith("_:")} == {
        ("none", "MinCountConstraintComponent"),
        ("two", "MaxCountConstraintComponent"),
        ("str", "DatatypeConstraintComponent"),
        ("str", "MinInclusiveConstraintComponent"),
        ("str", "MaxExclusiveConstraintComponent"),
        ("small", "MinInclusiveConstraintComponent"),
        ("big", "MaxExclusiveConstraintComponent"),
        ("Upper", "PatternConstraintComponent"),
        ("twovals", "MaxCountConstraintComponent"),
        ("twovals", "ClassConstraintComponent"),
        ("third", "InConstraintComponent"),
    }
    assert {c for focus, c in found if focus.startswith("_:")} == {
        "NodeKindConstraintComponent",
        "PatternConstraintComponent",
    }
    assert sum(n for k, n in fast.items() if k[0].endswith("twovals")) == 2


def test_a_check_of_a_property_few_focus_nodes_have_starts_from_its_triples() -> None:
    """``planned`` turns the value checks of a property that fewer than half of the focus
    nodes have to start from the property's triples (``path_first``); a subject of that
    property outside the target is still no focus node, a check with a sh:minCount (which
    needs every focus node), a sequence path or a dense property stays as it was, and the
    findings are pySHACL's."""
    ex = "http://example.org/"
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <{SH}> . @prefix xsd: <{XSD}> . @prefix ex: <{ex}> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
          sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:class ex:C ] ;
          sh:property [ sh:path ex:k ; sh:in ( ex:a ex:b ) ] ;
          sh:property [ sh:path ex:m ; sh:minCount 1 ; sh:datatype xsd:string ] ;
          sh:property [ sh:path ex:d ; sh:in ( ex:a ) ] ;
          sh:property [ sh:path ( ex:p ex:p ) ; sh:class ex:C ] .
        """,
        format="turtle",
    )
    nodes = " ".join(f'ex:n{i} a ex:T ; ex:m "m" ; ex:d ex:a .' for i in range(10))
    data = Graph().parse(
        data=f"""
        @prefix ex: <{ex}> .
        {nodes}
        ex:c a ex:C .
        ex:n0 ex:p ex:c, ex:notc .
        ex:n1 ex:p ex:c ; ex:k ex:z ; ex:m 5 .
        ex:outsider ex:p ex:notc ; ex:k ex:z .
        """,
        format="turtle",
    )
    store = open_store(data)
    compiled = compile_shapes(shapes, {})
    turned = {
        check.path for check in planned(store, compiled).checks if "FILTER EXISTS" in check.query
    }
    assert turned == {f"<{ex}p>", f"<{ex}k>"}
    assert all(path_first(c) is None for c in compiled.checks if c.path == f"<{ex}m>")
    reference, fast, _ = both(data, shapes)
    assert fast == reference
    assert {(k[0].removeprefix(ex), k[2].removeprefix("sh:")) for k in fast} == {
        ("n0", "MaxCountConstraintComponent"),
        ("n0", "ClassConstraintComponent"),
        ("n1", "InConstraintComponent"),
        ("n1", "DatatypeConstraintComponent"),
    }
