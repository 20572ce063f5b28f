"""The compiled graph: deterministic exports that re-parse to the same graph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from iusgraph import api
from iusgraph.exporters import BUILD, EXPORTERS
from iusgraph.graph.backend import select
from iusgraph.graph.namespaces import CLAIM, ENT, IUS, SRC
from iusgraph.graph.serialize import to_jsonld

#: The files ``iusgraph build`` writes, from the one registry.
BUILD_FILES = [name for fmt in BUILD for name in EXPORTERS[fmt].files]


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    api.build(out)
    return out


def test_build_writes_every_format(exports: Path) -> None:
    names = {p.name for p in exports.iterdir()}
    assert (
        names
        == set(BUILD_FILES)
        == {"iusgraph.ttl", "iusgraph.nt", "iusgraph.jsonld", "context.jsonld"}
    )
    assert not [n for n in names if n.startswith(".")], "temporary files left behind"


@pytest.mark.parametrize(
    "name,fmt", [("iusgraph.ttl", "turtle"), ("iusgraph.nt", "nt"), ("iusgraph.jsonld", "json-ld")]
)
def test_exports_reparse_to_an_isomorphic_graph(
    graph: Graph, exports: Path, name: str, fmt: str
) -> None:
    reparsed = Graph().parse(exports / name, format=fmt)
    assert len(reparsed) == len(graph)
    assert isomorphic(reparsed, graph)


def test_two_builds_are_byte_identical_across_processes(exports: Path, tmp_path: Path) -> None:
    """A second build in a fresh interpreter with another hash seed gives the same bytes."""
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run(
        [sys.executable, "-m", "iusgraph", "build", "--out", str(tmp_path)],
        check=True,
        env=env,
        capture_output=True,
    )
    for name in BUILD_FILES:
        assert (tmp_path / name).read_bytes() == (exports / name).read_bytes(), name


def test_jsonld_context_is_inline_and_local(graph: Graph) -> None:
    import json

    document = json.loads(to_jsonld(graph))
    assert isinstance(document["@context"], dict)
    assert document["@context"]["ius"] == str(IUS)


def test_no_blank_nodes(graph: Graph) -> None:
    assert not [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]


def test_every_source_has_claims_and_every_claim_has_evidence(graph: Graph) -> None:
    rows = select(
        graph,
        """
        SELECT ?s (COUNT(DISTINCT ?c) AS ?claims) (COUNT(?ev) AS ?evidence) WHERE {
          ?c prov:wasDerivedFrom ?s ; ius:hasEvidence ?ev } GROUP BY ?s""",
    )
    counts = {str(r["s"]): int(r["claims"]) for r in rows}
    assert set(counts) == {
        str(SRC["ius-monograph"]),
        str(SRC["mirena-back-pain"]),
        str(SRC["iud-insertion"]),
    }
    assert all(n >= 40 for n in counts.values()), counts


def test_direct_triples_follow_claims(graph: Graph) -> None:
    assert (ENT["mirena"], IUS.isTypeOf, ENT["iud"]) in graph
    assert (ENT["lng-ius"], IUS.hasSeriousSideEffect, ENT["uterine-perforation"]) in graph
    assert (ENT["mirena"], IUS.notIndicatedFor, ENT["back-pain"]) in graph
    # A claim about IUDs in general is not a claim about Mirena.
    assert (ENT["mirena"], IUS.hasSideEffect, ENT["bleeding-after-insertion"]) not in graph
    assert (ENT["iud"], IUS.hasSideEffect, ENT["bleeding-after-insertion"]) in graph


def test_claim_iris_are_readable(graph: Graph) -> None:
    for claim in graph.subjects(RDF.type, IUS.Claim):
        local = str(claim)[len(str(CLAIM)) :]
        source, dot, ident = local.partition(".")
        assert dot and source in {"ius-monograph", "mirena-back-pain", "iud-insertion"}
        assert ident and ident == ident.lower()
