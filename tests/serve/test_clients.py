"""Real SPARQL clients against ``iusgraph serve`` on a free loopback port: SPARQLWrapper
and rdflib's ``SPARQLStore``, for SELECT, ASK, CONSTRUCT and DESCRIBE, each answer compared
with the same query run locally (the interoperability review, defect 3: both clients got
406 for CONSTRUCT and DESCRIBE, as they ask for RDF/XML)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from iusgraph.curation.compile import build_graph
from iusgraph.graph.namespaces import PREFIXES
from iusgraph.graph.serialize import to_ntriples

from .liveserver import Live, live_server

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))
SELECT = PROLOGUE + "SELECT ?label WHERE { ent:acne skos:prefLabel ?label }"
ASK = PROLOGUE + "ASK { ent:acne skos:prefLabel ?label }"
ASK_NO = PROLOGUE + "ASK { ent:acne skos:prefLabel 'no such label' }"
CONSTRUCT = (
    PROLOGUE + "CONSTRUCT { ?claim ?p ?o } WHERE { ?claim ius:claimSubject ent:mirena ; ?p ?o }"
)
PERFORATION = "https://w3id.org/iusgraph/entity/uterine-perforation"
DESCRIBE = f"DESCRIBE <{PERFORATION}>"


@pytest.fixture(scope="module")
def local() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, local: Graph) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("clients")
    graph = folder / "graph.nt"
    graph.write_text(to_ntriples(local), encoding="utf-8")
    with live_server(folder, "--graph", str(graph), "--workers", "1", "--timeout", "20") as server:
        yield server


def _url(live: Live) -> str:
    return f"http://127.0.0.1:{live.port}/sparql"


def _local_construct(local: Graph, query: str) -> Graph:
    result = Graph()
    for triple in local.query(query):
        result.add(triple)  # type: ignore[arg-type]
    return result


def _served_describe(live: Live) -> Graph:
    """What the endpoint's DESCRIBE gives, fetched as N-Triples (the reference answer)."""
    import urllib.parse

    answer = live.request(
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": DESCRIBE}),
        headers={"Accept": "application/n-triples"},
    )
    assert answer.status == 200, answer.text
    return Graph().parse(data=answer.text, format="nt")


# --- SPARQLWrapper ---------------------------------------------------------------------------


def test_sparqlwrapper_select_json(live: Live, local: Graph) -> None:
    client = SPARQLWrapper.SPARQLWrapper(_url(live))
    client.setQuery(SELECT)
    client.setReturnFormat(SPARQLWrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert {r["label"]["value"] for r in rows} == {str(r[0]) for r in local.query(SELECT)}
    assert rows


def test_sparqlwrapper_ask(live: Live) -> None:
    client = SPARQLWrapper.SPARQLWrapper(_url(live))
    client.setReturnFormat(SPARQLWrapper.JSON)
    client.setQuery(ASK)
    assert client.query().convert()["boolean"] is True
    client.setQuery(ASK_NO)
    assert client.query().convert()["boolean"] is False


def test_sparqlwrapper_construct_in_its_default_format(live: Live, local: Graph) -> None:
    """No setReturnFormat: SPARQLWrapper asks for RDF/XML and converts it to a Graph."""
    client = SPARQLWrapper.SPARQLWrapper(_url(live))
    client.setQuery(CONSTRUCT)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("application/rdf+xml")
    graph = result.convert()
    expected = _local_construct(local, CONSTRUCT)
    assert len(expected) > 10 and isomorphic(graph, expected)


def test_sparqlwrapper_describe_in_its_default_format(live: Live) -> None:
    client = SPARQLWrapper.SPARQLWrapper(_url(live))
    client.setQuery(DESCRIBE)
    graph = client.query().convert()
    assert isinstance(graph, Graph) and (URIRef(PERFORATION), None, None) in graph
    assert isomorphic(graph, _served_describe(live))


# --- rdflib's SPARQLStore --------------------------------------------------------------------


@pytest.fixture
def remote(live: Live) -> Iterator[Graph]:
    store = SPARQLStore(_url(live))
    graph = Graph(store=store)
    yield graph
    graph.close()


def test_sparqlstore_select(remote: Graph, local: Graph) -> None:
    rows = {str(r[0]) for r in remote.query(SELECT)}  # type: ignore[index]
    assert rows and rows == {str(r[0]) for r in local.query(SELECT)}  # type: ignore[index]


def test_sparqlstore_ask(remote: Graph) -> None:
    assert remote.query(ASK).askAnswer is True
    assert remote.query(ASK_NO).askAnswer is False


def test_sparqlstore_construct(remote: Graph, local: Graph) -> None:
    result = remote.query(CONSTRUCT).graph
    assert result is not None and isomorphic(result, _local_construct(local, CONSTRUCT))


def test_sparqlstore_describe(remote: Graph, live: Live) -> None:
    result = remote.query(DESCRIBE).graph
    assert result is not None and (URIRef(PERFORATION), None, None) in result
    assert isomorphic(result, _served_describe(live))


def test_sparqlstore_triples_and_len(remote: Graph, local: Graph) -> None:
    assert len(remote) == len(local)
    acne = URIRef("https://w3id.org/iusgraph/entity/acne")
    assert set(remote.triples((acne, None, None))) == set(local.triples((acne, None, None)))


def test_the_client_versions_are_the_ones_documented() -> None:
    """docs/server.md names the versions tested; a new release should be checked there."""
    import importlib.metadata as md

    docs = (Path(__file__).parents[2] / "docs" / "server.md").read_text(encoding="utf-8")
    for name in ("SPARQLWrapper", "rdflib"):
        assert f"{name} {md.version(name)}" in docs
