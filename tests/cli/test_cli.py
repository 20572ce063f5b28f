"""The command line, driven through click's runner: every exit path.

0 ok; 1 the data violates the shapes or the evidence does not match;
2 a usage or input error, with a message and no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from iusgraph.cli import main

from ..helpers import FIXTURES

#: A conforming base graph plus a claim without a rank: one violation of shape:ClaimShape.
INVALID = [FIXTURES / "shapes" / "base.ttl", FIXTURES / "shapes" / "invalid" / "ClaimShape.ttl"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli-build")
    result = CliRunner().invoke(main, ["build", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_build_reports_the_files(built: Path) -> None:
    assert (built / "iusgraph.ttl").stat().st_size > 100_000


def test_validate_built_graph_conforms(run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "conforms: 0 violations" in result.output


def test_validate_file_with_violations_exits_1(run) -> None:
    result = run("validate", *INVALID, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["conforms"] is False and report["counts"]["Violation"] >= 1
    assert {"focus", "label", "rule", "message", "component"} <= set(report["results"][0])


def test_validate_turtle_report_is_a_shacl_report(run) -> None:
    result = run("validate", *INVALID, "--format", "turtle")
    assert result.exit_code == 1
    from rdflib import Graph
    from rdflib.namespace import RDF

    from iusgraph.graph.namespaces import SH

    graph = Graph().parse(data=result.output, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in graph


def test_validate_text_report_shows_label_shape_and_message(run) -> None:
    result = run("validate", *INVALID)
    assert result.exit_code == 1
    assert "VIOLATION:" in result.output and "rule: shape:ClaimShape" in result.output


def test_validate_exported_file_conforms(run, built: Path) -> None:
    result = run("validate", built / "iusgraph.nt")
    assert result.exit_code == 0, result.output


def test_unparsable_file_gives_file_line_column(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n", encoding="utf-8"
    )
    result = run("validate", bad)
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output or f"{bad}:4:" in result.output
    assert "syntax error" in result.output


def test_bad_json_gives_file_line_column(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{\n  "@id": "x",\n  oops\n}\n', encoding="utf-8")
    result = run("validate", bad)
    assert result.exit_code == 2
    assert f"{bad}:3:3" in result.output


def test_remote_jsonld_context_is_refused(run, tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text(
        '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "x"}', encoding="utf-8"
    )
    result = run("validate", doc)
    assert result.exit_code == 2
    assert "remote JSON-LD context" in result.output


def test_missing_file_is_exit_2(run, tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nope.ttl")
    assert result.exit_code == 2 and "file not found" in result.output


def test_unknown_format_is_a_usage_error(run) -> None:
    result = run("validate", "--format", "yaml")
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_query_by_name(run, fmt: str) -> None:
    result = run("query", "contraindications", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "cervical cancer" in result.output


def test_query_file_and_sparql_text(run, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a ius:Claim }", encoding="utf-8")
    assert run("query", query, "--format", "csv").exit_code == 0
    result = run("query", "--sparql", "ASK { ent:mirena ius:isTypeOf ent:iud }")
    assert result.exit_code == 0 and result.output.strip() == "true"


def test_query_on_given_graph_file(run, built: Path) -> None:
    result = run("query", "duration-of-use", "--graph", built / "iusgraph.ttl", "--format", "csv")
    assert result.exit_code == 0 and "P5Y" in result.output


def test_query_with_binding(run) -> None:
    result = run(
        "query",
        "evidence",
        "--bind",
        "claim=claim:ius-monograph.se-uterine-perforation",
        "--format",
        "csv",
    )
    assert result.exit_code == 0
    assert "Perforation of the uterus (rare but serious)" in result.output


def test_unknown_query_lists_names(run) -> None:
    result = run("query", "serious-effect")
    assert result.exit_code == 2
    assert "serious-effects" in result.output and "contraindications" in result.output


def test_query_list(run) -> None:
    result = run("query", "--list")
    assert result.exit_code == 0 and "serious-effects" in result.output


def test_service_query_is_refused(run) -> None:
    result = run(
        "query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert result.exit_code == 2 and "refused SERVICE" in result.output


def test_sparql_syntax_error_is_exit_2(run) -> None:
    result = run("query", "--sparql", "SELECT WHERE {")
    assert result.exit_code == 2 and "SPARQL" in result.output


def test_bad_binding_is_exit_2(run) -> None:
    result = run("query", "management", "--bind", "effect")
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


@pytest.mark.needs_sources
def test_verify_evidence_ok(run, sources: Path) -> None:
    result = run("verify-evidence", "--sources", sources)
    assert result.exit_code == 0, result.output


@pytest.mark.needs_sources
def test_verify_evidence_mismatch_exits_1(run, sources: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "s"
    shutil.copytree(sources, copy)
    (copy / "002_f15c8b46a0378cec.txt").write_text("changed", encoding="utf-8")
    result = run("verify-evidence", "--sources", copy, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["conforms"] is False


def test_verify_evidence_missing_folder_exits_2(run, tmp_path: Path) -> None:
    result = run("verify-evidence", "--sources", tmp_path / "nope")
    assert result.exit_code == 2


def test_verify_evidence_missing_document_exits_2(run, tmp_path: Path) -> None:
    result = run("verify-evidence", "--sources", tmp_path)
    assert result.exit_code == 2 and "not found" in result.output


def test_stats(run) -> None:
    result = run("stats", "--format", "json")
    assert result.exit_code == 0
    stats = json.loads(result.output)
    assert set(stats["claims_by_source"]) == {
        "src:ius-monograph",
        "src:mirena-back-pain",
        "src:iud-insertion",
    }
    assert stats["conflicts"] >= 4
    text = run("stats")
    assert "claims by source:" in text.output


def test_version(run) -> None:
    from iusgraph import __version__

    assert __version__ in run("--version").output


@pytest.mark.needs_sources
def test_anchor_fills_a_table(run, sources: Path, tmp_path: Path) -> None:
    table = tmp_path / "ius-monograph.tsv"
    table.write_text(
        "id\tsubject\tpredicate\tobject\tqualifiers\tstart\tend\texact\n"
        "se-acne\tlng-ius\thasSideEffect\tacne\t\t\t\tAcne\n",
        encoding="utf-8",
    )
    result = run("anchor", "--sources", sources, table)
    assert result.exit_code == 0 and "filled 1 row(s)" in result.output
    assert "\t1579\t1583\t" in table.read_text(encoding="utf-8")


@pytest.mark.needs_sources
def test_anchor_quote_not_found_exits_2(run, sources: Path, tmp_path: Path) -> None:
    table = tmp_path / "ius-monograph.tsv"
    table.write_text(
        "id\tsubject\tpredicate\tobject\tqualifiers\tstart\tend\texact\n"
        "se-x\tlng-ius\thasSideEffect\tacne\t\t\t\tNot in the text\n",
        encoding="utf-8",
    )
    result = run("anchor", "--sources", sources, table)
    assert result.exit_code == 2 and f"{table}:2" in result.output


def test_a_data_folder_given_to_one_test_lasts_for_that_test_only(run, repo: Path) -> None:
    """Part 1 of 2 (they run in file order): ``--data`` points the process at a copy."""
    from iusgraph.graph.resources import data_dir

    assert run("--data", repo / "data", "query", "--list").exit_code == 0
    assert data_dir() == repo / "data"


def test_a_data_folder_given_to_one_test_is_gone_in_the_next() -> None:
    """Part 2 of 2: the session's ``graph`` and every later test read the default data
    again (a git test repository's edited copy once reached ``graph`` this way)."""
    from iusgraph.graph.resources import data_dir, use_data

    here = data_dir()
    use_data(None)
    assert data_dir() == here
