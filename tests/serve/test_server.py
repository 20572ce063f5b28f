"""`iusgraph serve` over HTTP: the SPARQL 1.1 Protocol, refusals, limits, linked data."""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from starlette.testclient import TestClient

from iusgraph.cli import main
from iusgraph.curation.compile import build_graph
from iusgraph.graph.serialize import to_ntriples
from iusgraph.serve.app import build_settings, create_app, example_queries
from iusgraph.serve.endpoint import execute
from iusgraph.serve.protocol import negotiate
from iusgraph.serve.settings import Options, Settings

from .liveserver import Live, alive, descendants, free_port, live_server, query_workers

TIMEOUT = 2.0
MAX_ROWS = 500
ACNE = "SELECT ?label WHERE { ent:acne skos:prefLabel ?label }"
#: 6437^3 solutions: runs far past any time limit unless it is stopped.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _settings(
    files: list[Path],
    store: Path | None,
    timeout: float,
    max_rows: int,
    workers: int,
    *,
    base_url: str | None = None,
    **options: int,
) -> Settings:
    """The server's settings for ``files``, or the compiled graph when there are none."""
    return build_settings(
        files,
        store,
        Options(timeout=timeout, max_rows=max_rows, workers=workers, **options),
        base_url=base_url,
        graph=None if files else build_graph(),
    )


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = _settings([], None, TIMEOUT, MAX_ROWS, 2)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _get(client: TestClient, query: str, accept: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query}, headers=headers)


# --- the SPARQL 1.1 Protocol ----------------------------------------------------------------


def test_get_post_query_and_post_form_give_the_same_answer(client: TestClient) -> None:
    answers = [
        _get(client, ACNE),
        client.post("/sparql", content=ACNE, headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", data={"query": ACNE}),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        data = response.json()
        assert data["head"]["vars"] == ["label"]
        assert data["results"]["bindings"][0]["label"]["value"] == "acne"


@pytest.mark.parametrize(
    "accept, media",
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.5, application/sparql-results+xml;q=0.1", "text/csv"),
    ],
)
def test_select_formats_by_accept(client: TestClient, accept: str | None, media: str) -> None:
    response = _get(client, ACNE, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert "accept" in response.headers["vary"].lower()
    body = response.text
    if media.endswith("json"):
        assert json.loads(body)["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    elif media.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        literal = ET.fromstring(body).find(f".//{ns}literal")
        assert literal is not None and literal.text == "acne"
    elif media == "text/csv":
        assert list(csv.reader(io.StringIO(body))) == [["label"], ["acne"]]
    else:
        assert body.splitlines() == ["?label", '"acne"@en']


def test_competency_query_answers_match_the_expected_csv(client: TestClient) -> None:
    examples = {q["name"]: q["query"] for q in example_queries()}
    from iusgraph.query.catalog import named_queries

    expected = named_queries("cq")["contraindications"].expected_path.read_text(encoding="utf-8")
    response = _get(client, examples["contraindications"], "text/csv")
    assert response.status_code == 200
    got = list(csv.reader(io.StringIO(response.text)))
    want = list(csv.reader(io.StringIO(expected)))
    assert got[0] == want[0] and sorted(got[1:]) == sorted(want[1:])


@pytest.mark.parametrize(
    "accept, fmt",
    [("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml")],
)
def test_ask(client: TestClient, accept: str, fmt: str) -> None:
    response = _get(client, "ASK { ent:mirena ius:isTypeOf ent:iud }", accept)
    assert response.status_code == 200
    if fmt == "json":
        assert response.json()["boolean"] is True
    else:
        assert "<boolean>true</boolean>" in response.text


def test_ask_as_csv_is_not_acceptable(client: TestClient) -> None:
    response = _get(client, "ASK { ?s ?p ?o }", "text/csv")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


CONSTRUCT = (
    "CONSTRUCT { ent:acne skos:prefLabel ?l ; skos:altLabel ?a } "
    "WHERE { ent:acne skos:prefLabel ?l OPTIONAL { ent:acne skos:altLabel ?a } }"
)


@pytest.mark.parametrize(
    "accept, media, rdf_format",
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_and_describe_formats(
    client: TestClient, no_network: None, accept: str | None, media: str, rdf_format: str
) -> None:
    for query in (CONSTRUCT, "DESCRIBE ent:acne"):
        response = _get(client, query, accept)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media
        if rdf_format == "json-ld":
            document = response.json()
            assert isinstance(document["@context"], dict), "the context must be inline"
        graph = Graph().parse(data=response.text, format=rdf_format)  # no_network: offline
        labels = {str(o) for o in graph.objects()}
        assert "acne" in labels


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    answer = graph.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?endpoint ?triples WHERE {
          ?service a sd:Service ; sd:endpoint ?endpoint ;
                   sd:supportedLanguage sd:SPARQL11Query ;
                   sd:defaultDataset/sd:defaultGraph/<http://rdfs.org/ns/void#triples> ?triples }""")
    rows = list(answer)
    assert len(rows) == 1 and str(rows[0][0]).endswith("/sparql") and int(rows[0][1]) > 6000
    # Written with its own prefixes (they were ns1: when the project's replaced them).
    assert "@prefix sd: <http://www.w3.org/ns/sparql-service-description#>" in response.text
    assert "ns1:" not in response.text
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")


def test_cors(client: TestClient) -> None:
    simple = client.get(
        "/sparql", params={"query": ACNE}, headers={"Origin": "https://app.example"}
    )
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://app.example")


# --- refusals ---------------------------------------------------------------------------------

UPDATE = "INSERT DATA { ent:acne skos:altLabel 'spots' }"


def test_update_is_refused(client: TestClient) -> None:
    for response in (
        client.post("/sparql", data={"update": UPDATE}),
        client.post(
            "/sparql", content=UPDATE, headers={"Content-Type": "application/sparql-update"}
        ),
        client.get("/sparql", params={"update": UPDATE}),
    ):
        assert response.status_code == 403
        assert "read-only" in response.text and "SPARQL Update" in response.text
    assert "spots" not in _get(client, "SELECT ?a WHERE { ent:acne skos:altLabel ?a }").text


def test_update_sent_as_a_query_is_a_syntax_error(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": UPDATE})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "method, path",
    [
        ("PUT", "/sparql"),
        ("DELETE", "/sparql"),
        ("POST", "/store"),
        ("PUT", "/store"),
        ("DELETE", "/store"),
        ("PUT", "/entity/acne"),
        ("DELETE", "/entity/acne"),
        ("POST", "/entity/acne"),
    ],
)
def test_graph_store_writes_are_refused(client: TestClient, method: str, path: str) -> None:
    response = client.request(
        method,
        path,
        content="<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": "application/n-triples"},
    )
    assert response.status_code == 405
    assert "read-only" in response.text


def test_rdf_posted_to_the_endpoint_is_refused(client: TestClient) -> None:
    response = client.post(
        "/sparql?default",
        content="<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": "text/turtle"},
    )
    assert response.status_code == 405


def test_service_is_refused_without_a_connection(client: TestClient, no_network: None) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = _get(client, query)
    assert response.status_code == 400
    assert "SERVICE" in response.text and "refused" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { # c\rSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o }\n}",
        "SELECT * WHERE { # c\r\nSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * # c\rFROM <http://127.0.0.1:9/g>\nWHERE { ?s ?p ?o }",
    ],
)
def test_service_hidden_after_a_carriage_return_is_refused(
    client: TestClient, no_network: None, query: str
) -> None:
    """Review D1 through the server: the check in the server process sees what Oxigraph
    would run (the canonical text), for GET and for a POST body."""
    for response in (
        _get(client, query),
        client.post(
            "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ):
        assert response.status_code == 400, response.text
        assert "refused" in response.text


def test_service_and_from_are_refused_in_process_without_a_connection(no_network: None) -> None:
    from iusgraph.curation.compile import build_graph

    store = ox.Store()
    store.bulk_load(to_ntriples(build_graph()).encode(), format=ox.RdfFormat.N_TRIPLES)
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    ):
        reply = execute(store, query, None, 10)
        assert reply.status == 400 and b"refused" in reply.body


def test_default_graph_uri_is_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": ACNE, "default-graph-uri": "http://127.0.0.1:9/g"}
    )
    assert response.status_code == 400


def test_malformed_query_is_400_with_its_position(client: TestClient) -> None:
    response = _get(client, "SELECT ?s WHERE {\n  ?s ?p ?o ]\n}")
    assert response.status_code == 400
    assert "syntax error" in response.text
    assert "query:2:" in response.text  # line 2, and a column


def test_unknown_prefix_is_400(client: TestClient) -> None:
    response = _get(client, "SELECT * WHERE { nope:x ?p ?o }")
    assert response.status_code == 400 and "nope" in response.text


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=ACNE, headers={"Content-Type": "text/html"})
    assert response.status_code == 415


# --- limits -----------------------------------------------------------------------------------


def test_result_size_limit(client: TestClient) -> None:
    """403, not 413: 413 is about the request's size (interoperability review, section 5)."""
    response = _get(client, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 403
    assert f"more than {MAX_ROWS} rows" in response.text and "add a LIMIT" in response.text
    triples = _get(client, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert triples.status_code == 403 and "triples" in triples.text
    assert _get(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 500").status_code == 200


def test_query_text_size_limit(client: TestClient) -> None:
    response = client.post(
        "/sparql", content="#" * 200_000, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_time_limit_stops_the_query_and_the_server_keeps_answering(client: TestClient) -> None:
    import time

    started = time.monotonic()
    response = _get(client, CROSS_PRODUCT)
    assert response.status_code == 503
    assert f"time limit of {TIMEOUT:g} s" in response.text
    assert time.monotonic() - started < TIMEOUT + 5
    for _ in range(4):  # the other worker answers; the killed one is replaced
        assert _get(client, ACNE).status_code == 200
    again = _get(client, CROSS_PRODUCT)  # a replacement worker is stopped the same way
    assert again.status_code == 503
    assert _get(client, ACNE).status_code == 200
    assert client.app.state.pool.restarts >= 2  # type: ignore[attr-defined]


# --- linked data ------------------------------------------------------------------------------


def test_entity_page_in_html(client: TestClient) -> None:
    response = client.get("/entity/uterine-perforation", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>perforation of the uterus</h1>" in page
    assert "uterine perforation" in page  # synonym
    assert "has side effect" in page  # claims grouped by predicate
    assert "seriousness: serious" in page and "frequency: rare" in page
    assert "action: seek immediate medical care" in page
    assert "Perforation of the uterus (rare but serious)" in page  # oa:exact
    assert "Search-topic article about Mirena and back pain" in page  # reliability note
    assert 'href="/source/mirena-back-pain"' in page


def test_html_is_escaped(client: TestClient) -> None:
    page = client.get("/source/mirena-back-pain", headers={"Accept": "text/html"}).text
    assert "&#x27;Mirena can increase the risk of blood clots&#x27;" in page
    assert "<script" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/claim/ius-monograph.se-uterine-perforation",
        "/source/ius-monograph",
        "/vocab/seriousness-serious",
        "/ontology/Claim",
        "/evidence/ius-monograph.se-uterine-perforation.1",
    ],
)
def test_every_kind_of_iri_dereferences(client: TestClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.text, format="turtle")
    from rdflib import URIRef

    assert (URIRef("https://w3id.org/iusgraph" + path), None, None) in graph


def test_conflict_page(client: TestClient) -> None:
    conflicts = _get(client, "SELECT ?c WHERE { ?c a ius:Conflict } LIMIT 1").json()
    iri = conflicts["results"]["bindings"][0]["c"]["value"]
    page = client.get(iri.replace("https://w3id.org/iusgraph", ""))
    assert page.status_code == 200 and "Claims (" in page.text


@pytest.mark.parametrize(
    "accept, rdf_format",
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_entity_description(
    client: TestClient, no_network: None, accept: str, rdf_format: str
) -> None:
    response = client.get("/entity/uterine-perforation", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=response.text, format=rdf_format)
    texts = {str(o) for o in graph.objects()}
    assert "perforation of the uterus" in texts
    assert "Perforation of the uterus (rare but serious)" in texts  # the claims' evidence


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/entity/acne?format=ttl", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("path", ["/entity/no-such-thing", "/claim/nope", "/entity/a%3Eb"])
def test_unknown_iri_is_404(client: TestClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 404
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("path", ["/ontology", "/ontology/"])
def test_ontology_iri_serves_the_ontology(client: TestClient, path: str) -> None:
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.text, format="turtle")
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF

    assert (URIRef("https://w3id.org/iusgraph/ontology"), RDF.type, OWL.Ontology) in graph
    assert (URIRef("https://w3id.org/iusgraph/ontology/Claim"), RDF.type, OWL.Class) in graph
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'href="/ontology/Claim"' in html.text


# --- the query page -----------------------------------------------------------------------------


def test_query_page_lists_the_competency_queries_and_serves_its_assets(client: TestClient) -> None:
    from iusgraph.query.catalog import named_queries

    page = client.get("/").text
    for name in named_queries("cq"):
        assert f'data-name="{name}"' in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # no CDN
    assert client.get("/static/query.js").status_code == 200
    assert client.get("/static/iusgraph.css").status_code == 200
    examples = client.get("/examples.json").json()
    management = next(q for q in examples if q["name"] == "management")
    assert "VALUES (?effect)" in management["query"] and "PREFIX ius:" in management["query"]
    if client.app.state.settings.yasgui_dir is not None:  # type: ignore[attr-defined]
        assert '<script src="/static/yasgui/yasgui.min.js">' in page
        assert client.get("/static/yasgui/yasgui.min.js").status_code == 200


def test_negotiate_honours_q_values() -> None:
    offers = ["text/html", "text/turtle"]
    assert negotiate("text/turtle;q=0.9, text/html;q=0.8", offers) == "text/turtle"
    assert negotiate("text/html;q=0, */*", offers) == "text/turtle"
    assert negotiate("image/png", offers) is None


# --- the command --------------------------------------------------------------------------------


def test_serve_port_in_use_is_one_message_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert "cannot listen on 127.0.0.1" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["--timeout", "0"], ["--port", "70000"], ["--max-rows", "0"], ["--graph", "missing.ttl"]],
)
def test_serve_bad_options_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(
        main, ["serve", "--port", "1", *args] if "--port" not in args else ["serve", *args]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("use_store", [False, True])
def test_serves_given_files_and_an_on_disk_store(tmp_path, use_store: bool) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "small.ttl"
    data.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/iusgraph/entity/x> skos:prefLabel "x"@en .\n',
        encoding="utf-8",
    )
    store = tmp_path / "store" if use_store else None
    settings = _settings([data], store, TIMEOUT, MAX_ROWS, 2)  # 2 read-only openers
    with TestClient(create_app(settings)) as test_client:
        answer = _get(test_client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
        assert answer.text.splitlines() == ["n", "1"]
        assert "<h1>x</h1>" in test_client.get("/entity/x").text


def test_the_jsonld_context_is_served(client: TestClient) -> None:
    from iusgraph.graph.serialize import jsonld_context

    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.json() == {"@context": jsonld_context()}


# --- hardening (reliability review D9, D16) -----------------------------------------------------

XSS_TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/iusgraph/entity/x> skos:prefLabel "x"@en ;
    rdfs:seeAlso <javascript:alert(document.domain)>, <data:text/html;base64,PHNjcmlwdD4=>,
                 <http://example.org/ok>, <urn:isbn:0451450523> .
"""


def test_link_makes_only_http_iris_clickable() -> None:
    from iusgraph.serve.pages import link

    assert link({"iri": "javascript:alert(1)"}) == "javascript:alert(1)"
    assert "href" not in link({"iri": "data:text/html,<script>"})
    assert "&lt;script&gt;" in link({"iri": "data:text/html,<script>"})
    assert link({"iri": "http://example.org/a"}).startswith('<a href="http://example.org/a"')
    assert link({"iri": "https://w3id.org/iusgraph/entity/acne"}).startswith(
        '<a href="/entity/acne"'
    )


def test_pages_do_not_link_javascript_or_data_iris(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "xss.ttl"
    data.write_text(XSS_TTL, encoding="utf-8")
    settings = _settings([data], None, TIMEOUT, MAX_ROWS, 1)
    with TestClient(create_app(settings)) as test_client:
        page = test_client.get("/entity/x", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text and 'href="data:' not in page.text
    assert "javascript:alert(document.domain)" in page.text  # shown as text
    assert 'href="http://example.org/ok"' in page.text
    assert "urn:isbn:0451450523" in page.text and 'href="urn:' not in page.text


def test_security_headers(client: TestClient) -> None:
    for path, accept in (
        ("/", "text/html"),
        ("/entity/acne", "text/html"),
        ("/entity/no-such-thing", "text/html"),
    ):
        response = client.get(path, headers={"Accept": accept})
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    for response in (
        _get(client, ACNE),
        client.get("/entity/%3Cscript%3E"),
        client.get("/static/query.js"),
        client.get("/sparql"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"


def test_service_description_ignores_the_host_header(client: TestClient) -> None:
    response = client.get(
        "/sparql", headers={"Host": "evil.example:666", "Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert "<http://127.0.0.1:8000/sparql>" in response.text


def test_service_description_uses_the_base_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "small.ttl"
    data.write_text(XSS_TTL, encoding="utf-8")
    settings = _settings(
        [data], None, TIMEOUT, MAX_ROWS, 1, base_url="https://sparql.example.org/ius/"
    )
    with TestClient(create_app(settings)) as test_client:
        text = test_client.get("/sparql", headers={"Accept": "application/n-triples"}).text
    assert "<https://sparql.example.org/ius/sparql>" in text


@pytest.mark.parametrize("base_url", ["ftp://x.example/", "sparql.example.org", "http://"])
def test_bad_base_url_exits_2(base_url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "1", "--base-url", base_url])
    assert result.exit_code == 2 and "--base-url" in result.output
    assert "Traceback" not in result.output


def test_text_plain_post_is_415_not_a_graph_store_write(client: TestClient) -> None:
    response = client.post("/sparql", content=ACNE, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


# --- bytes, not only rows (review D8) -------------------------------------------------------------

#: 100 rows of 256 KiB each: 15 doublings of an 8-character string.
BIG_ROWS = (
    "SELECT ?s ?big WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 100 } "
    'BIND("abcdefgh" AS ?x0) '
    + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(15))
    + " BIND(?x15 AS ?big) }"
)


def test_bounded_stops_reading_past_the_byte_limit() -> None:
    from iusgraph.errors import TooManyRows
    from iusgraph.graph.backend import bounded

    read = []

    def rows() -> Iterator[str]:
        for index in range(1000):
            read.append(index)
            yield "x"

    class Term:  # what bounded measures: the value of an IRI
        value = "y" * 1_000_000

    with pytest.raises(TooManyRows) as caught:
        list(bounded(rows(), None, max_bytes=5_000_000, terms=lambda row: (Term(),)))
    assert caught.value.unit == "bytes" and len(read) == 6


def test_answer_larger_than_max_bytes_is_403(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = _settings([], None, 10.0, 1000, 1, max_bytes=1024 * 1024)
    with TestClient(create_app(settings)) as test_client:
        response = _get(test_client, BIG_ROWS)
        assert response.status_code == 403, response.text[:200]
        assert "--max-bytes" in response.text and "1 MiB" in response.text
        small = _get(test_client, BIG_ROWS.replace("LIMIT 100", "LIMIT 2"), "text/csv")
        assert small.status_code == 200 and len(small.content) > 2 * 256 * 1024
        describe = test_client.get("/ontology", headers={"Accept": "text/turtle"})
        assert describe.status_code == 200


def test_max_bytes_option() -> None:
    from iusgraph.cli import ByteSize

    size = ByteSize()
    assert [size.convert(v, None, None) for v in ("1048576", "512K", "64M", "64MiB", "1G")] == [
        1048576,
        512 * 1024,
        64 << 20,
        64 << 20,
        1 << 30,
    ]
    result = CliRunner().invoke(main, ["serve", "--port", "1", "--max-bytes", "lots"])
    assert result.exit_code == 2 and "--max-bytes" in result.output
    # A Unicode digit passes str.isdigit but not int(): a usage error, not a traceback.
    result = CliRunner().invoke(main, ["serve", "--port", "1", "--max-bytes", "\u00b2K"])
    assert result.exit_code == 2 and "is not a size" in result.output


# --- real server processes: never hang, stop on SIGTERM, bounded reads (D2, D4, D8, D11, D16) ----


@pytest.fixture(scope="module")
def graph_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from iusgraph.curation.compile import build_graph

    path = tmp_path_factory.mktemp("graph") / "graph.nt"
    path.write_text(to_ntriples(build_graph()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, graph_nt: Path) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("live")
    with live_server(
        folder, "--graph", str(graph_nt), "--timeout", "5", "--header-timeout", "1"
    ) as server:
        yield server


def _raw(port: int, data: bytes, wait: float = 3.0) -> bytes:
    """Send ``data`` on a fresh connection and read what comes back within ``wait`` s."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)


def test_body_over_the_limit_is_refused_by_content_length_before_reading(live: Live) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 50000000\r\n\r\n"
    )
    answer = _raw(live.port, head)  # no body sent: the old server waited for it
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_content_length_of_unicode_digits_is_a_bad_request(live: Live) -> None:
    """'\xb2' (superscript two) passes str.isdigit but not int(): a 400, never a 500."""
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: \xb2\r\n\r\nASK {}"
    )
    answer = _raw(live.port, head)
    assert answer.startswith(b"HTTP/1.1 400"), answer


def test_chunked_body_is_read_no_further_than_the_limit(live: Live) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"#" * 60_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3))
    answer = _raw(live.port, head + body)  # the body never ends: it must not be awaited
    assert answer.startswith(b"HTTP/1.1 413"), answer


def test_connections_without_a_complete_request_head_are_closed(live: Live) -> None:
    """Slowloris (D11): five connections drip header lines, one sends nothing; the server
    (here --header-timeout 1) closes them all, and keeps answering."""
    partial = [socket.create_connection(("127.0.0.1", live.port), timeout=5) for _ in range(5)]
    silent = socket.create_connection(("127.0.0.1", live.port), timeout=5)
    still_open = {*partial, silent}
    try:
        for sock in partial:
            sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
        deadline = time.monotonic() + 8
        while still_open and time.monotonic() < deadline:
            for sock in still_open.copy():
                try:
                    if sock is not silent:
                        sock.sendall(b"X-Slow: 1\r\n")
                    readable, _, _ = select.select([sock], [], [], 0)
                    if readable and sock.recv(1024) == b"":
                        still_open.discard(sock)
                except (BrokenPipeError, ConnectionResetError):
                    still_open.discard(sock)
            time.sleep(0.3)
        assert not still_open, f"{len(still_open)} connections were never closed"
        assert live.query("ASK {}").status == 200
    finally:
        for sock in [*partial, silent]:
            sock.close()


def test_client_leaving_during_the_body_is_not_a_traceback(live: Live) -> None:
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK"
        )
        time.sleep(0.3)
    time.sleep(0.5)
    assert live.query("ASK {}").status == 200
    assert "Traceback" not in live.log_text() and "ClientDisconnect" not in live.log_text()


def test_short_queries_and_refusals_answer_while_two_slow_queries_run(live: Live) -> None:
    with ThreadPoolExecutor(2) as slow_clients:
        slow = [slow_clients.submit(live.query, CROSS_PRODUCT, 30) for _ in range(2)]
        time.sleep(1.0)  # both slow queries are running (or one runs, one waits)
        for text, status in (
            ("ASK {}", 200),
            (ACNE, 200),
            ("SELECT ?s WHERE { ?s", 400),
            ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400),
        ):
            started = time.monotonic()
            answer = live.query(text, timeout=10)
            assert answer.status == status, answer.text
            assert time.monotonic() - started < 2.5, text  # before: the --timeout (5 s)
        assert live.request("GET", "/entity/acne", timeout=10).status == 200
        assert live.request("GET", "/sparql", timeout=10).status == 200
        answers = [future.result() for future in slow]
    assert [a.status for a in answers] == [503, 503]
    assert all("retry-after" in a.headers for a in answers)


def test_removed_graph_file_gives_503_with_the_reason_then_recovers(
    tmp_path,  # type: ignore[no-untyped-def]
    graph_nt: Path,
) -> None:
    """The review's D2 recipe: --graph FILE removed, two slow queries, then a trivial one."""
    data = tmp_path / "g.nt"
    shutil.copy(graph_nt, data)
    with live_server(tmp_path, "--graph", str(data), "--timeout", "2") as server:
        data.unlink()
        with ThreadPoolExecutor(2) as clients:
            slow = [clients.submit(server.query, CROSS_PRODUCT, 30) for _ in range(2)]
            assert [f.result().status for f in slow] == [503, 503]
        started = time.monotonic()
        answer = server.query("ASK {}", timeout=10)  # before: no answer, ever
        assert time.monotonic() - started < 5
        assert answer.status == 200 or "no query worker" in answer.text
        for pid in query_workers(server.process.pid):  # every worker dies
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while True:
            started = time.monotonic()
            answer = server.query("ASK {}", timeout=10)
            assert time.monotonic() - started < 5
            if answer.status == 503 and "no query worker" in answer.text:
                break
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.2)
        assert "cannot load the graph" in answer.text and "g.nt" in answer.text
        assert int(answer.headers["retry-after"]) >= 1
        log = server.log_text()
        assert "no query worker: cannot load the graph" in log and "Traceback" not in log
        shutil.copy(graph_nt, data)  # the file is back: a retry (with backoff) loads it
        deadline = time.monotonic() + 30
        while server.query("ASK {}", timeout=10).status != 200:
            assert time.monotonic() < deadline, "the pool did not recover"
            time.sleep(0.5)


def test_default_graph_needs_no_temporary_file() -> None:
    settings = _settings([], None, TIMEOUT, MAX_ROWS, 1)
    assert settings.source.files == () and settings.source.store_dir is None
    assert settings.source.ntriples.startswith(b"<")


def test_sigterm_stops_the_server_while_requests_wait(tmp_path, graph_nt: Path) -> None:  # type: ignore[no-untyped-def]
    with live_server(tmp_path, "--graph", str(graph_nt), "--timeout", "30") as server:
        with ThreadPoolExecutor(4) as clients:
            waiting = [clients.submit(server.query, CROSS_PRODUCT, 60) for _ in range(4)]
            time.sleep(1.5)  # one slow query runs, the others wait
            children = descendants(server.process.pid)
            assert children
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(20)  # before: it waited for the queries forever
            assert time.monotonic() - started < 10
            for future in waiting:
                # A connection that was closed instead is fine too.
                with contextlib.suppress(OSError, http.client.HTTPException):
                    assert future.result(10).status == 503
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in children):
            assert time.monotonic() < deadline, "worker processes were left running"
            time.sleep(0.1)
        assert "Traceback" not in server.log_text()


def test_a_bad_graph_file_fails_at_start_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "iusgraph",
            "serve",
            "--port",
            str(free_port()),
            "--graph",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "bad.ttl:1:" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the pool's wait queue (review D4) ------------------------------------------------------------


def test_a_full_wait_queue_answers_503_with_retry_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = _settings([], None, 6.0, MAX_ROWS, 1, queue=1)
    with TestClient(create_app(settings)) as test_client, ThreadPoolExecutor(2) as clients:
        slow = clients.submit(_get, test_client, CROSS_PRODUCT)  # holds the only worker
        time.sleep(1.0)
        queued = clients.submit(_get, test_client, "ASK {}")  # waits: the queue is full
        time.sleep(0.5)
        started = time.monotonic()
        refused = _get(test_client, "ASK { ?s ?p ?o }")
        assert refused.status_code == 503 and "retry-after" in refused.headers
        assert "waiting" in refused.text and time.monotonic() - started < 1.5
        assert slow.result().status_code == 503
        assert queued.result().status_code == 200


def _edge_store() -> ox.Store:
    """The compiled graph, and one subject with literals whose lexical forms or escapes
    differ between writers: a zero duration, control characters, U+2028, a language tag."""
    store = ox.Store()
    store.bulk_load(to_ntriples(build_graph()).encode(), format=ox.RdfFormat.N_TRIPLES)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    store.bulk_load(
        f"""<http://e/a> <http://e/p> "1"^^<{xsd}integer>, "1.50"^^<{xsd}decimal>,
        "true"^^<{xsd}boolean>, "a"@en-GB, "P1DT0H"^^<{xsd}duration>, "PT0S"^^<{xsd}duration>,
        "x\\ny \\"q\\" \\u0001 \\u007f \\u2028 </ \\t é"^^<{xsd}string>,
        "2020-01-01T00:00:00Z"^^<{xsd}dateTime>, _:b1, <http://e/b> .""".encode(),
        format=ox.RdfFormat.TURTLE,
    )
    return store


def _edge_queries() -> list[str]:
    from iusgraph.serve.endpoint import check

    texts = [q["query"] for q in example_queries()]
    texts += ["SELECT ?o WHERE { <http://e/a> ?p ?o }", "SELECT * WHERE { ?s ?p ?o } LIMIT 50"]
    texts += ["SELECT ?x WHERE { } LIMIT 0", "SELECT ?o ?unbound WHERE { <http://e/a> ?p ?o }"]
    return [check(text) for text in texts]


def test_json_answers_are_the_bytes_oxigraphs_writer_gives() -> None:
    """The server writes SPARQL JSON itself, so it can stop at its limits; the bytes are
    those of Oxigraph's own writer, which ``query --format json`` uses: the engine's
    lexical forms (``PT0S``), not another library's."""
    from iusgraph.serve.endpoint import solutions_json

    store = _edge_store()
    for text in _edge_queries():
        ours = solutions_json(store.query(text), None, None)
        assert ours == store.query(text).serialize(format=ox.QueryResultsFormat.JSON), text


def test_server_answers_are_the_clis_in_every_format() -> None:
    """The bug this catches: the server wrote rdflib's lexical forms (``P0D``) where
    ``iusgraph query`` writes Oxigraph's (``PT0S``), and its XML lost every false
    boolean (rdflib's writer, RDFLib/rdflib#3138). CSV and TSV are the CLI's bytes; the
    XML reads back, with Oxigraph's parser, to the solutions of Oxigraph's own XML."""
    from iusgraph.query.answers import answer_chunks

    store = _edge_store()
    for text in _edge_queries():
        for mime, fmt in (("text/csv", "csv"), ("text/tab-separated-values", "tsv")):
            reply = execute(store, text, mime, 10_000, checked=True)
            assert reply.status == 200, reply.body
            assert reply.body.decode() == "".join(answer_chunks(store.query(text), fmt)), text
        reply = execute(store, text, "application/sparql-results+xml", 10_000, checked=True)
        assert reply.status == 200, reply.body
        ours = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.XML)
        theirs = ox.parse_query_results(
            store.query(text).serialize(format=ox.QueryResultsFormat.XML),
            format=ox.QueryResultsFormat.XML,
        )
        assert [str(s) for s in ours] == [str(s) for s in theirs], text


def test_faq_facts_from_the_server_is_the_clis_answer(client: TestClient) -> None:
    from iusgraph import api

    text = api.competency_queries()["faq-facts"].text
    response = _get(client, text, "text/csv")
    assert response.status_code == 200, response.text
    cli = CliRunner().invoke(main, ["query", "faq-facts", "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    assert response.content == cli.stdout_bytes
    assert "PT0S" in response.text and "P0D" not in response.text
