"""rdflib and Oxigraph give the same answers, and neither reaches the network."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue

from iusgraph import api
from iusgraph.errors import IusgraphError, NetworkRefused
from iusgraph.graph.namespaces import ENT
from iusgraph.graph.store import FINGERPRINT_FILE, open_store
from iusgraph.query.catalog import named_queries
from iusgraph.query.run import run_query

from ..compare import solutions

CQ = named_queries("cq")


def _solutions(graph: Graph, name: str, engine: str) -> tuple[list[str], list[tuple]]:
    query = CQ[name]
    bindings = dict(api.parse_binding(b) for b in query.examples)
    return solutions(run_query(graph, query.text, engine=engine, bindings=bindings))


@pytest.mark.parametrize("name", sorted(CQ))
def test_competency_query_is_identical_on_both_engines(graph: Graph, name: str) -> None:
    rdflib_names, rdflib_rows = _solutions(graph, name, "rdflib")
    oxigraph_names, oxigraph_rows = _solutions(graph, name, "oxigraph")
    assert rdflib_names == oxigraph_names
    assert rdflib_rows == oxigraph_rows
    assert rdflib_rows, "a competency query must answer something"


def test_single_source_claims_looks_its_labels_up_row_by_row_on_rdflib() -> None:
    """rdflib joins lazily, each row's labels looked up with the row bound, only when
    neither side holds a join, a DISTINCT or a LIMIT; otherwise it evaluates the label
    patterns alone, crossed. The source's labels written after the subquery's MINUS made
    such a join (the engine comparison above then grew past 6 GB on the real graph)."""
    lazy: list[bool] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "Join":
            lazy.append(node.lazy)

    traverse(prepareQuery(CQ["single-source-claims"].text).algebra, visitPre=visit)
    assert lazy == [True]


def test_ask_and_construct_on_oxigraph(graph: Graph) -> None:
    assert (
        api.query(
            None, graph, sparql="ASK { ent:mirena ius:isTypeOf ent:iud }", engine="oxigraph"
        ).strip()
        == "true"
    )
    turtle = api.query(
        None,
        graph,
        engine="oxigraph",
        sparql=(
            "CONSTRUCT { ?e skos:prefLabel ?l } WHERE { ent:acne skos:prefLabel ?l . BIND(ent:acne AS ?e) }"
        ),
    )
    assert "acne" in turtle


def test_service_is_refused_on_oxigraph_without_a_connection(
    graph: Graph, no_network: None
) -> None:
    with pytest.raises(NetworkRefused, match="SERVICE"):
        api.query(
            None,
            graph,
            engine="oxigraph",
            sparql="SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        )


def test_store_on_disk_is_reused_and_rebuilt_when_the_graph_changes(
    graph: Graph, tmp_path: Path
) -> None:
    folder = tmp_path / "store"
    store = open_store(graph, folder)
    assert len(store) == len(graph)
    marker = (folder / FINGERPRINT_FILE).read_text(encoding="utf-8")
    del store
    again = open_store(graph, folder)  # same graph: reused as it is
    assert len(again) == len(graph)
    assert (folder / FINGERPRINT_FILE).read_text(encoding="utf-8") == marker
    del again
    changed = Graph()
    changed += graph
    changed.add((ENT["acne"], SKOS.altLabel, Literal("spots", lang="en")))
    rebuilt = open_store(changed, folder)
    assert len(rebuilt) == len(graph) + 1
    assert (folder / FINGERPRINT_FILE).read_text(encoding="utf-8") != marker


def test_unknown_engine_is_refused(graph: Graph) -> None:
    with pytest.raises(IusgraphError, match="unknown engine"):
        api.query("uses", graph, engine="virtuoso")


def test_cli_engine_and_store(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from iusgraph.cli import main

    runner = CliRunner()
    args = [
        "query",
        "contraindications",
        "--format",
        "csv",
        "--engine",
        "oxigraph",
        "--store",
        str(tmp_path / "s"),
    ]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0 and "cervical cancer" in result.output
    bad = runner.invoke(
        main,
        ["query", "uses", "--engine", "rdflib", "--store", str(tmp_path / "s")],
        catch_exceptions=False,
    )
    assert bad.exit_code == 2 and "--engine oxigraph" in bad.output


def test_in_parallel_keeps_input_order() -> None:
    from iusgraph.graph.store import in_parallel

    assert in_parallel(lambda n: n * n, range(50)) == [n * n for n in range(50)]


def test_validation_on_threads_matches_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shape checks and QC queries run on a thread per core; the report is the same."""
    import os

    from iusgraph.scale.synth import write_corpus
    from iusgraph.validation.validate import validate_files

    write_corpus(tmp_path, 2, 6, 3)  # two drugs, six injected faults
    threaded = validate_files([tmp_path / "synth.nt"])
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    single = validate_files([tmp_path / "synth.nt"])
    assert threaded.to_json() == single.to_json()
    assert threaded.counts()["Violation"] > 0


def test_xml_answers_keep_false_and_zero_on_both_engines() -> None:
    """rdflib's XML writer drops every literal that is false in Python (RDFLib/rdflib#3138):
    ``common-side-effects`` wrote an empty ``?mostCommon`` for each ``false``. Both engines'
    XML now read back, with Oxigraph's parser, to the solutions of their CSV."""
    import pyoxigraph as ox

    for engine in ("rdflib", "oxigraph"):
        xml = api.query("common-side-effects", fmt="xml", engine=engine)
        read = list(ox.parse_query_results(xml.encode(), format=ox.QueryResultsFormat.XML))
        values = [s["mostCommon"].value for s in read]
        assert "false" in values and "" not in values, engine
        csv_rows = api.query("common-side-effects", fmt="csv", engine=engine).splitlines()[1:]
        assert len(read) == len(csv_rows), engine
