"""`iusgraph export`: the files each format writes, and JSON-LD that apps read with plain keys.

GraphML, node-link and KGX are checked in detail in tests/network/test_interchange.py; this module
drives the command and checks the compacted JSON-LD and its context.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from iusgraph.graph.namespaces import IUS
from iusgraph.graph.serialize import jsonld_context
from iusgraph.graph.vocabulary import ontology_graph

from ..helpers import cli

ALL_FILES = {
    "iusgraph.graphml",
    "iusgraph.node-link.json",
    "iusgraph_nodes.tsv",
    "iusgraph_edges.tsv",
    "iusgraph.jsonld",
    "context.jsonld",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    result = cli("export", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_export_writes_every_format_and_nothing_else(exported: Path) -> None:
    assert {p.name for p in exported.iterdir()} == ALL_FILES
    assert all((exported / name).stat().st_size > 1000 for name in ALL_FILES)


def test_export_one_format(tmp_path: Path) -> None:
    result = cli("export", "--format", "kgx", "--out", tmp_path)
    assert result.exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} == {"iusgraph_nodes.tsv", "iusgraph_edges.tsv"}
    assert result.output.count("wrote ") == 2


def test_export_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("export", "--format", "gexf", "--out", tmp_path)
    assert result.exit_code == 2 and "graphml" in result.output
    assert not list(tmp_path.iterdir())


def test_export_is_byte_identical_across_runs(exported: Path, tmp_path: Path) -> None:
    assert cli("export", "--out", tmp_path).exit_code == 0
    for name in ALL_FILES:
        assert (tmp_path / name).read_bytes() == (exported / name).read_bytes(), name


def test_jsonld_round_trips_to_the_same_graph(exported: Path, graph: Graph) -> None:
    reparsed = Graph().parse(exported / "iusgraph.jsonld", format="json-ld")
    assert isomorphic(reparsed, graph)


def test_jsonld_context_file_is_the_inline_context(exported: Path) -> None:
    inline = json.loads((exported / "iusgraph.jsonld").read_text(encoding="utf-8"))["@context"]
    published = json.loads((exported / "context.jsonld").read_text(encoding="utf-8"))
    assert published == {"@context": inline} == {"@context": jsonld_context()}


def test_context_has_a_term_for_every_ius_object_property() -> None:
    context = jsonld_context()
    properties = {
        str(p)[len(str(IUS)) :]
        for p in ontology_graph().subjects(RDF.type, OWL.ObjectProperty)
        if str(p).startswith(str(IUS))
    }
    assert properties and properties <= set(context)
    assert context["hasSideEffect"] == {
        "@id": "ius:hasSideEffect",
        "@type": "@id",
        "@container": "@set",
    }
    assert context["lowerBound"] == {"@id": "ius:lowerBound", "@type": "xsd:duration"}


def _node(document: dict, node_id: str) -> dict:
    return next(n for n in document["@graph"] if n.get("id") == node_id)


def test_an_app_reads_plain_keys(exported: Path) -> None:
    document = json.loads((exported / "iusgraph.jsonld").read_text(encoding="utf-8"))
    mirena = _node(document, "ent:mirena")
    assert mirena["prefLabel"] == "Mirena"
    assert "Device" in mirena["type"]
    assert "ent:uterine-perforation" in mirena["hasSideEffect"]
    assert mirena["notIndicatedFor"] == ["ent:back-pain"]
    claim = _node(document, "claim:ius-monograph.se-uterine-perforation")
    assert claim["seriousness"] == ["iusv:seriousness-serious"]
    assert claim["wasDerivedFrom"] == "src:ius-monograph"
    duration = _node(document, "claim:ius-monograph.duration-3-to-5-years")
    assert (duration["lowerBound"], duration["upperBound"]) == ("P3Y", "P5Y")
    position = _node(document, "ev:ius-monograph.se-uterine-perforation.1.position")
    assert (position["start"], position["end"]) == ("1847", "1891")
    quote = _node(document, "ev:ius-monograph.se-uterine-perforation.1.quote")
    assert quote["exact"] == "Perforation of the uterus (rare but serious)"


def test_data_nodes_have_no_prefixed_or_full_iri_keys(exported: Path) -> None:
    """Entities, claims, evidence and conflicts read with plain keys only (the ontology's own
    axioms, such as rdfs:domain, keep their CURIEs)."""
    document = json.loads((exported / "iusgraph.jsonld").read_text(encoding="utf-8"))
    data_prefixes = ("ent:", "claim:", "ev:", "conflict:")
    odd = {
        key
        for node in document["@graph"]
        if node["id"].startswith(data_prefixes)
        for key in node
        if ":" in key or (key.startswith("@"))
    }
    assert odd == set()


@pytest.mark.needs_graphviz
def test_draw_cli_writes_both_formats_and_refuses_depth_without_focus(tmp_path: Path) -> None:
    result = cli("draw", "--out", tmp_path, "--focus", "ent:levonorgestrel", "--depth", "2")
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {
        "focus-levonorgestrel.svg",
        "focus-levonorgestrel.png",
    }
    result = cli("draw", "--out", tmp_path, "--depth", "2")
    assert result.exit_code == 2 and "--focus" in result.output
