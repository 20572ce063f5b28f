"""The SPARQL 1.1 Protocol cases of the interoperability review (section 5, defect 3 and
the minor points), and the linked-data polish: RDF/XML, ``Vary: Accept``, one query per
request, UTF-8 only, empty queries, the answer limits, VoID and the ``Link`` header."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD
from starlette.testclient import TestClient

from iusgraph.curation.compile import build_graph
from iusgraph.serve.app import build_settings, create_app
from iusgraph.serve.settings import Options

ACNE = "SELECT ?label WHERE { ent:acne skos:prefLabel ?label }"
CONSTRUCT = "CONSTRUCT { ent:acne skos:prefLabel ?l } WHERE { ent:acne skos:prefLabel ?l }"
RDF_XML = "application/rdf+xml"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    options = Options(timeout=5.0, max_rows=500, workers=1)
    settings = build_settings([], None, options, graph=build_graph())
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _get(client: TestClient, query: str, accept: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query}, headers=headers)


# --- RDF/XML (defect 3) --------------------------------------------------------------------


@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE ent:acne"])
def test_construct_and_describe_in_rdfxml(client: TestClient, no_network: None, query: str) -> None:
    response = _get(client, query, RDF_XML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RDF_XML
    as_xml = Graph().parse(data=response.content, format="xml")
    as_turtle = Graph().parse(data=_get(client, query, "text/turtle").text, format="turtle")
    assert len(as_xml) > 0 and isomorphic(as_xml, as_turtle)
    assert _get(client, query, RDF_XML).content == response.content, "not deterministic"


def test_what_rdflib_sparqlstore_asks_for_gets_rdfxml(client: TestClient) -> None:
    """rdflib's SPARQLStore sends this Accept for a CONSTRUCT (the review saw a 406)."""
    response = _get(client, CONSTRUCT, "application/sparql-results+xml, application/rdf+xml")
    assert response.status_code == 200 and response.headers["content-type"] == RDF_XML


def test_service_description_in_rdfxml_advertises_rdfxml(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": RDF_XML})
    assert response.status_code == 200 and response.headers["content-type"] == RDF_XML
    graph = Graph().parse(data=response.content, format="xml")
    formats = set(graph.objects(None, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/RDF_XML") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats


def test_entity_page_in_rdfxml_by_accept_and_by_format(client: TestClient) -> None:
    by_accept = client.get("/entity/uterine-perforation", headers={"Accept": RDF_XML})
    by_format = client.get("/entity/uterine-perforation?format=rdf")
    turtle = client.get("/entity/uterine-perforation", headers={"Accept": "text/turtle"})
    for response in (by_accept, by_format):
        assert response.status_code == 200 and response.headers["content-type"] == RDF_XML
    graph = Graph().parse(data=by_accept.content, format="xml")
    assert isomorphic(graph, Graph().parse(data=turtle.text, format="turtle"))
    assert by_format.content == by_accept.content
    html = client.get("/entity/uterine-perforation", headers={"Accept": "text/html"}).text
    assert "?format=rdf" in html  # the page links every served syntax


# --- Vary: Accept --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/sparql?query=" + CONSTRUCT, "application/n-quads"),
        ("/sparql?query=ASK%7B%7D", "text/csv"),
        ("/sparql", "image/png"),
        ("/entity/acne", "image/png"),
        ("/.well-known/void", "image/png"),
    ],
)
def test_406_says_it_varies_with_accept(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize("path", ["/sparql", "/sparql?query=ASK%7B%7D", "/entity/acne"])
def test_answers_that_negotiate_say_so(client: TestClient, path: str) -> None:
    assert "accept" in client.get(path).headers["vary"].lower()


def test_service_description_for_html_only_is_406_like_the_rest(client: TestClient) -> None:
    assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 406
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = client.get("/sparql", headers={"Accept": browser})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")


# --- one query, UTF-8, not empty, the right media type -------------------------------------


def test_two_query_parameters_are_400(client: TestClient) -> None:
    get = client.get("/sparql", params=[("query", ACNE), ("query", "ASK {}")])
    form = client.post("/sparql", content="query=ASK%7B%7D&query=ASK%7B%7D", headers=FORM)
    mixed = client.post("/sparql?query=ASK%7B%7D", content="ASK {}", headers=DIRECT)
    for response in (get, form, mixed):
        assert response.status_code == 400, response.text
        assert "queries in one request" in response.text


def test_a_query_that_is_not_utf8_is_400(client: TestClient) -> None:
    latin1 = 'SELECT * WHERE { ?s ?p "caf\xe9" }'.encode("latin-1")
    body = client.post("/sparql", content=latin1, headers=DIRECT)
    assert body.status_code == 400 and "not UTF-8" in body.text
    declared = client.post(
        "/sparql",
        content=b"ASK {}",
        headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
    )
    assert declared.status_code == 400 and "iso-8859-1" in declared.text
    form = client.post("/sparql", content=b"query=ASK%7B%22caf%E9%22%7D", headers=FORM)
    assert form.status_code == 400 and "not UTF-8" in form.text
    url = client.get("/sparql?query=ASK%7B%22caf%E9%22%7D")
    assert url.status_code == 400 and "not UTF-8" in url.text
    utf8 = client.post(
        "/sparql",
        content='ASK { ?s ?p "café" }'.encode(),
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert utf8.status_code == 200, utf8.text


def test_empty_query_is_400_not_the_service_description(client: TestClient) -> None:
    for response in (
        client.get("/sparql?query="),
        client.get("/sparql?query=%20"),
        client.post("/sparql", content="query=", headers=FORM),
    ):
        assert response.status_code == 400 and "empty query" in response.text
    assert client.get("/sparql").status_code == 200  # no query parameter: the description


def test_text_plain_post_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=ACNE, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "graph store" not in response.text


def test_a_repeated_update_field_is_still_403(client: TestClient) -> None:
    response = client.post("/sparql", content="update=CLEAR+ALL", headers=FORM)
    assert response.status_code == 403


# --- linked-data polish: VoID and Link -----------------------------------------------------


def test_void_description_has_the_counts(client: TestClient) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/turtle"
    )
    graph = Graph().parse(data=response.text, format="turtle")
    void = lambda name: URIRef(VOID + name)  # noqa: E731
    (dataset,) = set(graph.subjects(void("sparqlEndpoint"), None))
    assert (dataset, RDF.type, void("Dataset")) in graph
    assert str(graph.value(dataset, void("sparqlEndpoint"))).endswith("/sparql")
    assert graph.value(dataset, void("uriSpace")) == Literal("https://w3id.org/iusgraph/")
    described = build_graph()
    assert graph.value(dataset, void("triples")) == Literal(len(described), datatype=XSD.integer)
    counts = {
        str(graph.value(subset, void("uriSpace"))): int(graph.value(subset, void("entities")))
        for subset in graph.objects(dataset, void("subset"))
    }
    for namespace in ("https://w3id.org/iusgraph/entity/", "https://w3id.org/iusgraph/claim/"):
        expected = {s for s in described.subjects() if str(s).startswith(namespace)}
        assert counts[namespace] == len(expected) > 0
    as_xml = client.get("/.well-known/void", headers={"Accept": RDF_XML})
    assert as_xml.status_code == 200 and as_xml.headers["content-type"] == RDF_XML
    assert isomorphic(Graph().parse(data=as_xml.content, format="xml"), graph)


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", RDF_XML])
def test_entity_pages_link_to_the_endpoint(client: TestClient, accept: str) -> None:
    response = client.get("/entity/acne", headers={"Accept": accept})
    assert response.status_code == 200
    link = response.headers["link"]
    assert f'</sparql>; rel="{SD}endpoint"' in link
    assert f'</.well-known/void>; rel="{VOID}inDataset"' in link


RDFXML_OF_A_SMALL_GRAPH = """
import sys
from rdflib import Graph
from iusgraph.graph.serialize import to_rdfxml
turtle = "".join(
    f"<https://w3id.org/iusgraph/entity/e{i}> <http://www.w3.org/2004/02/skos/core#altLabel> "
    f"'a{j}'@en .\\n" for i in range(20) for j in range(5)
)
sys.stdout.buffer.write(to_rdfxml(Graph().parse(data=turtle, format="turtle")))
"""


def test_rdfxml_is_the_same_bytes_whatever_the_hash_seed() -> None:
    """rdflib's default store keeps a graph's triples in a set, so its RDF/XML order would
    change with PYTHONHASHSEED; to_rdfxml sorts."""
    import os
    import subprocess
    import sys

    outputs = {
        subprocess.run(
            [sys.executable, "-c", RDFXML_OF_A_SMALL_GRAPH],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and b"e19" in outputs.pop()
