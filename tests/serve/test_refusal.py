"""The SERVICE/FROM refusal, proven against the engine: a decoy SPARQL service on loopback
must see no connection, whatever comments, line ends and escapes hide the clause.

The review's bypass: rdflib, which checked the query, ends a ``#`` comment only at
``\\n``; Oxigraph, which ran it, also at ``\\r``, so ``# c\\rSERVICE <…>`` was a comment
to the checker and a live call to the engine. The queries here are generated from every
comment form, line end (raw and escaped), keyword spelling and IRI spelling, and each is
sent the four ways a user can send one: ``query --sparql``, ``query FILE.rq``,
``query --endpoint`` and the endpoint's own :func:`iusgraph.serve.endpoint.execute`.
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from iusgraph import api
from iusgraph.errors import IusgraphError, NetworkRefused
from iusgraph.graph.store import open_store
from iusgraph.serve import endpoint

from ..helpers import cli


class Decoy:
    """A loopback listener that counts connections and answers like a SPARQL service."""

    BODY = (
        b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal",'
        b'"value":"DECOY-DATA"}}]}}'
    )
    ANSWER = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(BODY)
    ) + BODY

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(self.ANSWER)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self._thread.join(2)


@pytest.fixture(scope="module")
def decoy() -> Iterator[Decoy]:
    listener = Decoy()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def store(graph: Graph) -> ox.Store:
    return open_store(graph)


LINE_ENDS = [
    "\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x85",
    "\u2028",
    "\\u000D",
    "\\u000A",
    "\\U0000000D",
    "\\u000d\\u000a",
]
COMMENTS = ["# c{end}", "#{end}", "# SELECT * {{ }} #{end}", "{end}", ""]
KEYWORDS = [
    "SERVICE",
    "service",
    "SeRvIcE",
    "SERVICE SILENT",
    "SERVICE#x{end}",
    "\\u0053ERVICE",
    "SERVIC\\u0045",
    "FROM",
]
IRIS = [
    "<http://127.0.0.1:{port}/x>",
    "<http://127.0.0.1:{port}/\\u0078>",
    "<\\u0068ttp://127.0.0.1:{port}/x>",
    "decoy:x",
    "?endpoint",
]


def _query(comment: str, keyword: str, iri: str, end: str, port: int) -> str:
    head = f"PREFIX decoy: <http://127.0.0.1:{port}/>\n"
    keyword = keyword.replace("{end}", end)
    target = iri.format(port=port)
    if keyword == "FROM":
        return f"{head}SELECT * {comment.format(end=end)}FROM {target} WHERE {{ ?s ?p ?o }}"
    bind = f"BIND(<http://127.0.0.1:{port}/y> AS ?endpoint) " if target == "?endpoint" else ""
    return (
        f"{head}SELECT * WHERE {{ {bind}{comment.format(end=end)}{keyword} {target} "
        "{ ?s ?p ?o }\n}"
    )


QUERIES = sorted(
    {_query(c, k, i, e, 0) for c, k, i, e in itertools.product(COMMENTS, KEYWORDS, IRIS, LINE_ENDS)}
)


def _on_port(text: str, port: int) -> str:
    return text.replace("127.0.0.1:0/", f"127.0.0.1:{port}/")


def test_the_decoy_is_reached_by_oxigraph_itself(decoy: Decoy) -> None:
    """The positive control: handed the bypass text directly, Oxigraph calls the decoy.
    This is what iusgraph answered with before (200 and the decoy's data)."""
    before = decoy.connections
    text = f"SELECT * WHERE {{ # c\rSERVICE <http://127.0.0.1:{decoy.port}/x> {{ ?s ?p ?o }}\n}}"
    rows = list(ox.Store().query(text))  # type: ignore[arg-type]
    assert decoy.connections == before + 1
    assert [str(r["s"]) for r in rows] == ['"DECOY-DATA"']


def test_the_generated_queries_cover_the_bypass() -> None:
    assert len(QUERIES) == 1850  # 5 comments × 8 keywords × 5 IRIs × 11 line ends, less duplicates
    assert any("# c\rSERVICE <" in q for q in QUERIES)


@pytest.mark.parametrize("way", ["sparql", "file", "endpoint", "server"])
def test_no_generated_query_reaches_the_decoy(
    way: str, decoy: Decoy, store: ox.Store, tmp_path: Path
) -> None:
    """Every generated query is refused (or is a syntax error), and none is sent."""
    graph = Graph()  # the data does not matter; a small graph keeps 2,000 queries quick
    graph.parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    before = decoy.connections
    answered = 0
    for number, generated in enumerate(QUERIES):
        text = _on_port(generated, decoy.port)
        if way == "server":
            reply = endpoint.execute(store, text, "text/csv", 100)
            assert reply.status == 400, (text, reply.body)
            continue
        try:
            if way == "sparql":
                api.query(None, graph, sparql=text)
            elif way == "file":
                query_file = tmp_path / f"q{number}.rq"
                query_file.write_bytes(text.encode("utf-8"))
                api.query(str(query_file), graph)
            else:  # the user's endpoint is the decoy too: nothing may be sent to it either
                api.query(None, sparql=text, endpoint=f"http://127.0.0.1:{decoy.port}/sparql")
            answered += 1
        except IusgraphError:
            pass
    assert decoy.connections == before, f"{decoy.connections - before} connections via {way}"
    assert answered == 0


def test_the_bypass_is_refused_from_the_command_line(decoy: Decoy) -> None:
    text = f"SELECT * WHERE {{ # c\rSERVICE <http://127.0.0.1:{decoy.port}/x> {{ ?s ?p ?o }}\n}}"
    before = decoy.connections
    result = cli("query", "--sparql", text, "--format", "csv")
    assert result.exit_code == 2
    assert "refused SERVICE" in result.output
    assert decoy.connections == before


_PIECES = st.sampled_from(
    [
        "#",
        " ",
        "\r",
        "\n",
        "\r\n",
        "\\u000D",
        "\\u000A",
        "\\u0023",
        '"',
        "'",
        '"""',
        "<",
        ">",
        "\\",
        "SERVICE",
        "service",
        "SILENT",
        "FROM",
        "NAMED",
        "{",
        "}",
        "?s",
        "x",
        "\\u0053",
        "ERVICE",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(_PIECES, max_size=8), after=st.lists(_PIECES, max_size=8))
def test_random_interleavings_never_reach_the_decoy(
    before: list[str], after: list[str], decoy: Decoy, store: ox.Store
) -> None:
    """Comment starts, line ends, quotes and escapes around a live SERVICE clause: the
    endpoint answers 400 (refused, or a syntax error) and the decoy sees nothing."""
    text = (
        "SELECT * WHERE { " + "".join(before) + f" SERVICE <http://127.0.0.1:{decoy.port}/h>"
        " { ?s ?p ?o } " + "".join(after) + "\n}"
    )
    connections = decoy.connections
    reply = endpoint.execute(store, text, "text/csv", 100)
    assert decoy.connections == connections, repr(text)
    assert reply.status in (200, 400), reply.body


def test_service_inside_a_string_or_comment_is_refused_too() -> None:
    """The guard reads the text the engine gets, not a parser's view of it: SERVICE and an
    IRI anywhere, even in a comment or a string, are refused; the word alone is not."""
    for text in (
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/>",
    ):
        with pytest.raises(NetworkRefused, match="SERVICE"):
            api.query(None, Graph(), sparql=text)
    for text in (
        'SELECT * WHERE { ?s ?p "the health service" }',
        "SELECT ?service WHERE { ?service <http://example.org/p> ?o }",
    ):
        api.query(None, Graph(), sparql=text)


@pytest.mark.parametrize(
    "where",
    [
        "?s ?p ?o FILTER EXISTS { {service} }",
        "?s ?p ?o FILTER(?o = 1 || NOT EXISTS { {service} })",
        "?s ?p ?o BIND(EXISTS { {service} } AS ?e)",
        "?s ?p ?o MINUS { {service} }",
        "?s ?p ?o OPTIONAL { {service} }",
        "{ SELECT ?s WHERE { {service} } }",
    ],
    ids=["exists", "not-exists-in-or", "bind-exists", "minus", "optional", "sub-select"],
)
def test_a_service_clause_nested_in_any_pattern_is_refused(
    where: str, decoy: Decoy, store: ox.Store
) -> None:
    """A SERVICE clause inside an EXISTS, NOT EXISTS, MINUS, OPTIONAL or sub-select is
    refused too, and the decoy sees nothing. (rdflib keeps the algebra of an EXISTS pattern
    in an attribute and its parse tree in the node's items: whichever a checker walks must
    hold the SERVICE node.) Oxigraph would call the decoy for each (the first: checked)."""
    service = f"SERVICE <http://127.0.0.1:{decoy.port}/n> {{ ?s ?p ?o }}"
    text = "SELECT * WHERE { " + where.replace("{service}", service) + " }"
    connections = decoy.connections
    with pytest.raises(NetworkRefused, match="refused SERVICE"):
        api.query(None, Graph(), sparql=text)
    assert endpoint.execute(store, text, "text/csv", 100).status == 400
    assert decoy.connections == connections
    if where.startswith("?s ?p ?o FILTER EXISTS"):
        engine = ox.Store()
        engine.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
        list(engine.query(text))  # type: ignore[arg-type]
        assert decoy.connections == connections + 1
