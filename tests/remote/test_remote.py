"""Publishing to and querying real SPARQL servers: Oxigraph server and Virtuoso.

tests/remote/servers.py starts both on loopback for the session. Every competency
query must give the same solutions on each server as on the embedded Oxigraph
engine, compared by RDF value.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from iusgraph import api
from iusgraph.cli import main
from iusgraph.errors import IusgraphError, NetworkRefused
from iusgraph.query.catalog import named_queries
from iusgraph.query.run import run_query
from iusgraph.query.text import bind_values, with_prefixes
from iusgraph.remote import PublishResult, publish, query_endpoint

from ..compare import solutions
from .servers import Server, free_port, oxigraph_server, virtuoso_server  # noqa: F401 (fixtures)

CQ = named_queries("cq")
SERVERS = ("oxigraph", "virtuoso")
CQ_GRAPH = "https://w3id.org/iusgraph/test/cq"
CHUNK = 1000  # the graph has about 6,400 triples: several requests
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"

VIRTUOSO_DURATIONS = (
    "Virtuoso 7.2 stores xsd:duration literals as numbers (months or seconds): P3Y comes "
    'back as "36"^^xsd:duration and P7D as "604800.0"^^xsd:duration, losing the '
    "value (openlink/virtuoso-opensource#936)"
)
#: Server and query pairs that differ for a reason outside our control.
KNOWN_DIFFERENCES = {
    ("virtuoso", "duration-of-use"): VIRTUOSO_DURATIONS,
    ("virtuoso", "faq-facts"): VIRTUOSO_DURATIONS,
    ("virtuoso", "time-bound"): VIRTUOSO_DURATIONS,
}


def _server_marks(server: str) -> list[pytest.MarkDecorator]:
    """The markers of a case on this server: Virtuoso's cases need Virtuoso."""
    return [pytest.mark.needs_virtuoso] if server == "virtuoso" else []


def _cases() -> list[object]:
    cases = []
    for server in SERVERS:
        for name in sorted(CQ):
            reason = KNOWN_DIFFERENCES.get((server, name))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            marks += _server_marks(server)
            cases.append(pytest.param(server, name, marks=marks, id=f"{server}-{name}"))
    return cases


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests never go through a proxy from the environment."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(
    scope="module", params=[pytest.param(s, marks=_server_marks(s), id=s) for s in SERVERS]
)
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(f"{request.param}_server")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def publish_once(graph: Graph) -> Callable[[Server], PublishResult]:
    """Publishes the compiled graph into CQ_GRAPH in several chunks, once per server."""
    done: dict[str, PublishResult] = {}

    def publish_to(server: Server) -> PublishResult:
        if server.name not in done:
            done[server.name] = api.publish(
                graph, server.store_url, graph_iri=CQ_GRAPH, chunk_triples=CHUNK
            )
        return done[server.name]

    return publish_to


@pytest.fixture()
def published(
    server: Server, publish_once: Callable[[Server], PublishResult]
) -> tuple[Server, PublishResult]:
    return server, publish_once(server)


def _count(server: Server, graph_iri: str | None) -> int:
    result = query_endpoint(
        server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph_iri
    )
    return int(next(iter(result))[0])  # type: ignore[index]


def _triples(server: Server, graph_iri: str | None) -> set[tuple]:
    result = query_endpoint(
        server.query_url, "CONSTRUCT WHERE { ?s ?p ?o }", default_graph=graph_iri
    )
    return set(result.graph)  # type: ignore[union-attr]


# --- publish ------------------------------------------------------------------------


def test_publish_sends_the_graph_in_chunks(
    published: tuple[Server, PublishResult], graph: Graph
) -> None:
    server, result = published
    assert result.triples == len(graph)
    assert result.chunks == math.ceil(len(graph) / CHUNK) > 1
    assert _count(server, CQ_GRAPH) == len(graph)  # the ontology triples included


def test_publishing_again_replaces_the_graph(server: Server) -> None:
    iri = "https://w3id.org/iusgraph/test/replace"
    first = [f'<urn:x:s{i}> <urn:x:p> "{i}" .' for i in range(5)]
    second = [
        "<urn:x:a> <urn:x:p> <urn:x:b> .",
        '<urn:x:a> <urn:x:p> "caf\u00e9 \u2013 \u00fc"@de .',
    ]
    assert publish(first, server.store_url, iri, chunk_triples=2).chunks == 3
    assert publish(first, server.store_url, iri, chunk_triples=2).chunks == 3
    assert _count(server, iri) == 5  # not duplicated
    publish(second, server.store_url, iri, chunk_triples=1)
    assert _triples(server, iri) == {
        (URIRef("urn:x:a"), URIRef("urn:x:p"), URIRef("urn:x:b")),
        (URIRef("urn:x:a"), URIRef("urn:x:p"), Literal("caf\u00e9 \u2013 \u00fc", lang="de")),
    }
    publish([], server.store_url, iri)
    assert _count(server, iri) == 0


def test_named_graph_and_default_graph(server: Server) -> None:
    named = "https://w3id.org/iusgraph/test/named"
    publish(['<urn:x:d> <urn:x:p> "default" .'], server.store_url, None)
    publish(
        ['<urn:x:n> <urn:x:p> "named" .', '<urn:x:n> <urn:x:p> "two" .'], server.store_url, named
    )
    assert _triples(server, None) == {(URIRef("urn:x:d"), URIRef("urn:x:p"), Literal("default"))}
    assert _count(server, named) == 2
    # The default graph is the one a query reads when it names none.
    assert api.query(
        None, sparql="SELECT ?o WHERE { <urn:x:d> ?p ?o }", fmt="csv", endpoint=server.query_url
    ).splitlines() == ["o", "default"]


def test_blank_nodes_stay_one_node_across_chunks(server: Server) -> None:
    iri = "https://w3id.org/iusgraph/test/blank"
    lines = [
        "<urn:x:a> <urn:x:p> _:b .",
        '<urn:x:c> <urn:x:p> "1" .',
        '_:b <urn:x:q> "2" .',
        '<urn:x:e> <urn:x:p> "3" .',
    ]
    assert publish(lines, server.store_url, iri, chunk_triples=1).chunks == 3
    result = query_endpoint(
        server.query_url,
        "SELECT ?v WHERE { <urn:x:a> <urn:x:p> ?b . ?b <urn:x:q> ?v }",
        default_graph=iri,
    )
    assert [str(row[0]) for row in result] == ["2"]  # type: ignore[index]


# --- competency queries -------------------------------------------------------------

Solutions = tuple[list[str], list[tuple]]


def _local_and_remote(
    request: pytest.FixtureRequest,
    publish_once: Callable[[Server], PublishResult],
    graph: Graph,
    server_name: str,
    name: str,
) -> tuple[Solutions, Solutions]:
    """A competency query's solutions from the embedded store and from the server."""
    server: Server = request.getfixturevalue(f"{server_name}_server")
    publish_once(server)
    query = CQ[name]
    bindings = dict(api.parse_binding(b) for b in query.examples)
    local = solutions(run_query(graph, query.text, engine="oxigraph", bindings=bindings))
    remote = solutions(
        query_endpoint(server.query_url, query.text, bindings, CQ_GRAPH, origin=name)
    )
    return local, remote


@pytest.mark.parametrize(("server_name", "name"), _cases())
def test_competency_query_is_the_same_on_the_server(
    request: pytest.FixtureRequest,
    publish_once: Callable[[Server], PublishResult],
    graph: Graph,
    server_name: str,
    name: str,
) -> None:
    local, remote = _local_and_remote(request, publish_once, graph, server_name, name)
    assert remote[0] == local[0]
    assert remote[1] == local[1]
    assert local[1], "a competency query must answer something"


def _without_durations(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (
            tuple(
                ("duration",) if value[:1] == ("literal",) and value[-1] == XSD_DURATION else value
                for value in row
            )
            for row in rows
        ),
        key=repr,
    )


@pytest.mark.parametrize(
    ("server_name", "name"),
    [pytest.param(*case, marks=_server_marks(case[0])) for case in sorted(KNOWN_DIFFERENCES)],
)
def test_known_differences_are_only_the_stated_ones(
    request: pytest.FixtureRequest,
    publish_once: Callable[[Server], PublishResult],
    graph: Graph,
    server_name: str,
    name: str,
) -> None:
    """An xfail above hides nothing else: with durations masked, the answers are equal."""
    local, remote = _local_and_remote(request, publish_once, graph, server_name, name)
    assert remote[0] == local[0]
    assert _without_durations(remote[1]) == _without_durations(local[1])


def test_ask_and_construct_on_the_server(published: tuple[Server, PublishResult]) -> None:
    server, _ = published
    ask = query_endpoint(
        server.query_url, "ASK { ent:mirena ius:isTypeOf ent:iud }", default_graph=CQ_GRAPH
    )
    assert ask.askAnswer is True
    built = query_endpoint(
        server.query_url,
        "CONSTRUCT { ent:acne skos:prefLabel ?l } WHERE { ent:acne skos:prefLabel ?l }",
        default_graph=CQ_GRAPH,
    )
    assert {str(o) for o in built.graph.objects()} == {"acne"}  # type: ignore[union-attr]


# --- the command line ---------------------------------------------------------------


def test_cli_publish_then_query_matches_the_local_answer(server: Server) -> None:
    iri = "https://w3id.org/iusgraph/test/cli"
    runner = CliRunner()
    published = runner.invoke(
        main,
        ["publish", "--endpoint", server.store_url, "--graph", iri, "--chunk-size", "2000"],
        catch_exceptions=False,
    )
    assert published.exit_code == 0, published.output
    chunks = math.ceil(len(api.load_graph()) / 2000)  # the data grows: count, do not pin
    assert f"to <{iri}>" in published.output and f"in {chunks} chunk(s)" in published.output
    args = ["query", "management", "--bind", "effect=ent:back-pain", "--format", "csv"]
    remote = runner.invoke(
        main,
        [*args, "--endpoint", server.query_url, "--default-graph", iri],
        catch_exceptions=False,
    )
    local = runner.invoke(main, args, catch_exceptions=False)
    assert remote.exit_code == 0 and local.exit_code == 0, remote.output
    assert remote.output == local.output
    assert "back pain" in remote.output


def test_cli_publishes_an_ntriples_file_as_it_streams(
    server: Server, graph: Graph, tmp_path: Path
) -> None:
    iri = "https://w3id.org/iusgraph/test/file"
    nt = next(p for p in api.build(tmp_path) if p.suffix == ".nt")
    result = CliRunner().invoke(
        main,
        [
            "publish",
            str(nt),
            "--endpoint",
            server.store_url,
            "--graph",
            iri,
            "--chunk-size",
            "3000",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"published {len(graph)} triples" in result.output
    assert _count(server, iri) == len(graph)


def test_unreachable_endpoint_is_a_readable_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    runner = CliRunner()
    for args in (
        ["query", "uses", "--endpoint", f"{url}/query"],
        ["publish", "--endpoint", f"{url}/store", "--graph", "urn:x:g"],
    ):
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 2
        assert f"cannot reach {url}/" in result.output
        assert "is the server running?" in result.output
        assert "Traceback" not in result.output


def test_a_silent_server_is_a_timeout_error() -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        with pytest.raises(IusgraphError, match=r"no answer from .* within 0.5 s"):
            query_endpoint(url, "ASK {}", timeout=0.5)


def test_http_errors_show_the_server_message(server: Server) -> None:
    with pytest.raises(IusgraphError, match=r"HTTP (400|500)") as error:
        publish(["<urn:x:a> <urn:x:p> ."], server.store_url, "https://w3id.org/iusgraph/test/bad")
    assert "\n  " in str(error.value)  # the first lines of the server's answer
    with pytest.raises(IusgraphError, match=r"HTTP 404"):
        query_endpoint(server.query_url.rsplit("/", 1)[0] + "/no-such-endpoint", "ASK {}")


def test_service_with_endpoint_is_refused_before_any_request(no_network: None) -> None:
    result = CliRunner().invoke(
        main,
        [
            "query",
            "--sparql",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "--endpoint",
            "http://127.0.0.1:9/sparql",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 2 and "refused SERVICE" in result.output
    with pytest.raises(NetworkRefused, match="FROM"):
        query_endpoint(
            "http://127.0.0.1:9/sparql", "SELECT * FROM <http://example.org/g> { ?s ?p ?o }"
        )


def test_endpoint_with_a_local_engine_or_store_is_a_usage_error(tmp_path) -> None:
    runner = CliRunner()
    for extra in (["--engine", "oxigraph"], ["--engine", "rdflib"], ["--store", str(tmp_path)]):
        result = runner.invoke(
            main,
            ["query", "uses", "--endpoint", "http://127.0.0.1:9/query", *extra],
            catch_exceptions=False,
        )
        assert result.exit_code == 2 and "--endpoint runs the query on the server" in result.output
    result = runner.invoke(
        main, ["query", "uses", "--default-graph", "urn:x:g"], catch_exceptions=False
    )
    assert result.exit_code == 2 and "use it with --endpoint" in result.output


# --- the query text sent ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(n for n, q in CQ.items() if q.examples))
def test_values_block_binds_like_pre_binding(graph: Graph, name: str) -> None:
    """The VALUES block the server gets answers like rdflib's initBindings."""
    query = CQ[name]
    bindings = dict(api.parse_binding(b) for b in query.examples)
    pre_bound = solutions(run_query(graph, query.text, engine="rdflib", bindings=bindings))
    sent = bind_values(query.text, bindings)
    assert sent.count("VALUES") == 1
    assert solutions(run_query(graph, sent, engine="rdflib")) == pre_bound
    assert pre_bound[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { VALUES (?s) { (<urn:x:a>) } ?s ?p ?o }"),
        ("select * { ?s ?p ?o }", "select * { VALUES (?s) { (<urn:x:a>) } ?s ?p ?o }"),
        (
            "SELECT (EXISTS { ?s ?p 1 } AS ?e) WHERE { ?s ?p ?o }",
            "SELECT (EXISTS { ?s ?p 1 } AS ?e) WHERE { VALUES (?s) { (<urn:x:a>) } ?s ?p ?o }",
        ),
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:x:a>) } ?s ?p ?o }",
        ),
        (
            "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }",
            "CONSTRUCT { ?s ?p ?o } { VALUES (?s) { (<urn:x:a>) } ?s ?p ?o }",
        ),
        (
            '# a { comment\nPREFIX x: <urn:x:{}> SELECT ?where WHERE { ?s ?p "{ }" }',
            "# a { comment\nPREFIX x: <urn:x:{}> SELECT ?where WHERE { VALUES (?s) { (<urn:x:a>) } "
            '?s ?p "{ }" }',
        ),
        (
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } } VALUES ?o { 1 }",
            "SELECT * WHERE { VALUES (?s) { (<urn:x:a>) } { SELECT ?s WHERE { ?s ?p ?o } } } "
            "VALUES ?o { 1 }",
        ),
    ],
)
def test_values_go_at_the_start_of_the_outermost_where_group(text: str, expected: str) -> None:
    assert bind_values(text, {"s": URIRef("urn:x:a")}) == expected


def test_bound_literals_and_refusals() -> None:
    sent = bind_values(
        "SELECT * WHERE { ?s ?p ?o }", {"o": Literal('say "hi"', lang="en"), "n": Literal(3)}
    )
    assert 'VALUES (?o ?n) { ("say \\"hi\\""@en ' in sent and "XMLSchema#integer>) }" in sent
    with pytest.raises(IusgraphError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": URIRef("urn:x:a")})
    with pytest.raises(IusgraphError, match="not a valid IRI"):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("urn:x:a b")})


def test_prefixes_are_declared_unless_the_query_declares_them() -> None:
    sent = with_prefixes("PREFIX ent: <urn:mine:>\nSELECT * WHERE { ?s ius:p ent:x }")
    assert "PREFIX ius: <https://w3id.org/iusgraph/ontology/>" in sent
    assert sent.count("PREFIX ent:") == 1


def test_bad_endpoint_and_graph_are_refused_before_any_request(no_network: None) -> None:
    with pytest.raises(IusgraphError, match="not an http"):
        publish([], "ftp://example.org/store")
    with pytest.raises(IusgraphError, match="not an absolute IRI"):
        publish([], "http://127.0.0.1:9/store", "not an iri")
    with pytest.raises(IusgraphError, match="at least 1"):
        publish([], "http://127.0.0.1:9/store", None, chunk_triples=0)
