"""``iusgraph serve``: a read-only SPARQL 1.1 endpoint, linked-data pages and a query page.

Starlette (ASGI) served by uvicorn. Queries run in worker processes
(:mod:`iusgraph.serve.workers`) so a query past the time limit can be killed; answers are
checked and serialized by :mod:`iusgraph.serve.endpoint`; pages by :mod:`iusgraph.serve.pages`.
Nothing here makes an outbound request: ``SERVICE`` and ``FROM`` are refused, and
JSON-LD is written with its context inline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import urllib.parse
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

from rdflib import Graph
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from iusgraph.errors import IusgraphError
from iusgraph.graph.formats import (
    FORMAT_PARAMETER,
    GRAPH_TYPES,
    RDF_TYPES,
    TEXT,
    with_charset,
)
from iusgraph.graph.namespaces import BASE
from iusgraph.graph.resources import PACKAGE
from iusgraph.graph.serialize import context_document, serialize
from iusgraph.graph.terms import BAD_IRI_CHARACTER
from iusgraph.query.catalog import named_queries
from iusgraph.query.text import bind_values, parse_binding, with_prefixes
from iusgraph.serve import pages
from iusgraph.serve.endpoint import check, service_description
from iusgraph.serve.httpguard import (
    Refusal,
    SecurityHeaders,
    head_timeout_protocol,
    read_body,
    replay,
)
from iusgraph.serve.pool import Unavailable, WorkerPool
from iusgraph.serve.protocol import Reply, negotiate
from iusgraph.serve.settings import (
    BODY_TIMEOUT,
    DEFAULTS,
    MAX_QUERY_BYTES,
    STOP_GRACE,
    Options,
    Settings,
    check_base_url,
    connection_limit,
    default_base_url,
    find_yasgui,
)
from iusgraph.serve.workers import prepare_source, probe

STATIC = PACKAGE / "serve" / "static"
#: Path segments of the linked-data IRIs under the project base.
LINKED_DATA = ("entity", "claim", "evidence", "source", "conflict", "vocab", "ontology", "shapes")
#: The Link header of the linked-data answers: where to query the graph and what dataset
#: the resource is in. No IANA-registered relation names a SPARQL endpoint, so the
#: relations are the properties of the SPARQL 1.1 Service Description and of VoID, as
#: RFC 8288 section 2.1.2 allows (extension relation types are URIs).
LINKS = (
    '</sparql>; rel="http://www.w3.org/ns/sparql-service-description#endpoint", '
    '</.well-known/void>; rel="http://rdfs.org/ns/void#inDataset"'
)
READ_ONLY = (
    "iusgraph serve is read-only: {what} is refused. Change the data in the "
    "curation tables and restart the server."
)


def _reply(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    headers = dict(reply.headers)
    headers.update(extra or {})
    return Response(
        reply.body, status_code=reply.status, media_type=reply.content_type, headers=headers
    )


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


Handler = Callable[[Request], Awaitable[Response]]


def varies(handler: Handler) -> Handler:
    """``handler`` with ``Vary: Accept`` on every answer, refusals and 406 included: each
    route it wraps negotiates, so a cache must key on Accept (RFC 9110 section 12.5.5)."""

    async def wrapped(request: Request) -> Response:
        response = await handler(request)
        vary = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
        if "accept" not in {v.lower() for v in vary}:
            response.headers["Vary"] = ", ".join(["Accept", *vary])
        return response

    return wrapped


class Checker:
    """:func:`iusgraph.serve.endpoint.check` in the server process, off the event loop: in one
    thread, as rdflib's query parser is not thread-safe, and answered at once for texts
    seen lately (passed or refused), so a repeated query never queues behind a new one."""

    #: Texts up to this length (characters) are remembered, this many of them.
    REMEMBER = (8192, 1024)

    def __init__(self) -> None:
        self._seen: OrderedDict[str, tuple[bool, str]] = OrderedDict()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iusgraph-check")

    async def __call__(self, text: str) -> str:
        """The canonical text to run; IusgraphError (400) for a syntax error or SERVICE/FROM."""
        outcome = self._seen.get(text)
        if outcome is None:
            loop = asyncio.get_running_loop()
            outcome = await loop.run_in_executor(self._thread, _check, text)
            longest, count = self.REMEMBER
            if len(text) <= longest:
                self._seen[text] = outcome
                while len(self._seen) > count:
                    self._seen.popitem(last=False)
        else:
            self._seen.move_to_end(text)
        passed, value = outcome
        if not passed:
            raise IusgraphError(value)
        return value

    def close(self) -> None:
        """Stop the checking thread; checks still queued are cancelled."""
        self._thread.shutdown(wait=False, cancel_futures=True)


def _check(text: str) -> tuple[bool, str]:
    try:
        return True, check(text)
    except IusgraphError as exc:  # NetworkRefused (SERVICE, FROM) is one too
        return False, str(exc)


def create_app(settings: Settings) -> Starlette:
    """The Starlette app of ``iusgraph serve``: the SPARQL endpoint, the query page, the
    linked-data pages and the static files, answered by a pool of worker processes."""
    pool = WorkerPool(settings.source, settings.workers, settings.timeout, queue=settings.queue)
    checker = Checker()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()
            checker.close()
            if settings.cleanup:
                settings.cleanup()

    async def run(kind: str, *args: Any, **options: Any) -> Any:
        try:
            return await pool.run(kind, *args, **options)
        except Unavailable as exc:
            return Reply(
                503, TEXT, (exc.message + "\n").encode(), (("Retry-After", str(exc.retry_after)),)
            )

    async def sparql(request: Request) -> Response:
        try:
            query = await _query_of(request)
        except Refusal as exc:
            headers = {"Allow": "GET, POST, OPTIONS"} if exc.status == 405 else None
            return _text(exc.status, exc.message, headers)
        params = request.query_params
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return _text(
                400,
                "default-graph-uri and named-graph-uri are not supported: this "
                "endpoint serves one graph, its default graph",
            )
        if query is None:
            if request.method == "POST":
                return _text(400, "no query: send query= or an application/sparql-query body")
            return describe_service(request)
        if not query.strip():
            return _text(400, "empty query: the query parameter has no text")
        if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
            return _too_long()
        try:  # in this process: refusals and syntax errors never wait for a worker
            text = await checker(query)
        except IusgraphError as exc:
            return _text(400, str(exc))
        accept = request.headers.get("accept")
        return _reply(
            await run(
                "sparql",
                text,
                accept,
                settings.max_rows,
                max_bytes=settings.max_bytes,
                checked=True,
            )
        )

    def describe_service(request: Request) -> Response:
        offers = list(GRAPH_TYPES)
        mime = negotiate(request.headers.get("accept"), offers)
        if mime is None:
            return _text(406, "the service description comes as " + ", ".join(offers))
        url = settings.base_url.rstrip("/") + "/sparql"  # never the request's Host header
        body = serialize(service_description(url, pool.triples), GRAPH_TYPES[mime])
        return Response(body, media_type=with_charset(mime))

    async def void(request: Request) -> Response:
        """The VoID description of the dataset, with its counts, negotiated like the
        service description."""
        offers = list(GRAPH_TYPES)
        mime = negotiate(request.headers.get("accept"), offers)
        if mime is None:
            return _text(406, "the VoID description comes as " + ", ".join(offers))
        base = settings.base_url.rstrip("/")
        return _reply(await run("void", base + "/sparql", base + "/.well-known/void", mime))

    async def resource(request: Request) -> Response:
        path = request.url.path
        iri = pages.iri_for(path)
        if BAD_IRI_CHARACTER.search(iri):
            return _text(404, f"{path} is not an IRI of this graph")
        wanted = FORMAT_PARAMETER.get(request.query_params.get("format", ""))
        accept = wanted or request.headers.get("accept")
        mime = negotiate(accept, ["text/html", *GRAPH_TYPES])
        headers = {"Link": LINKS}
        if mime is None:
            return _text(
                406, "this resource comes as text/html, " + ", ".join(GRAPH_TYPES), headers
            )
        if mime != "text/html":
            return _reply(await run("describe", iri, mime, max_bytes=settings.max_bytes), headers)
        data = await run("page", iri)
        if isinstance(data, Reply):
            return _reply(data, headers)
        if data is None:
            return HTMLResponse(pages.not_found(iri), status_code=404, headers=headers)
        return HTMLResponse(pages.render(data), headers=headers)

    def home(request: Request) -> Response:
        return HTMLResponse(query_page(settings.yasgui_dir is not None))

    def context(request: Request) -> Response:
        """The JSON-LD context of the exports, so ``https://w3id.org/iusgraph/context.jsonld``
        resolves when this server stands behind the w3id redirect."""
        return Response(context_document(), media_type="application/ld+json")

    def examples(request: Request) -> Response:
        return Response(json.dumps(example_queries(), indent=1), media_type="application/json")

    async def refuse_writes(request: Request) -> Response:
        return _text(405, READ_ONLY.format(what="a graph store write"), {"Allow": "GET, HEAD"})

    write_methods = ["POST", "PUT", "DELETE", "PATCH"]
    routes = [
        Route("/", home),
        Route("/examples.json", examples),
        Route("/context.jsonld", context),
        Route(
            "/sparql",
            varies(sparql),
            methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
            name="sparql",
        ),
        Route("/.well-known/void", varies(void), methods=["GET"]),
        Route("/store", refuse_writes, methods=["GET", *write_methods]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if settings.yasgui_dir is not None:
        routes.append(
            Mount("/static/yasgui", StaticFiles(directory=settings.yasgui_dir), name="yasgui")
        )
        routes.insert(0, routes.pop())  # before /static
    for segment in LINKED_DATA:
        routes.append(Route(f"/{segment}", varies(resource), methods=["GET", "HEAD"]))
        routes.append(Route(f"/{segment}/{{rest:path}}", varies(resource), methods=["GET", "HEAD"]))
        routes.append(Route(f"/{segment}/{{rest:path}}", refuse_writes, methods=write_methods))
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["Content-Type"],
            max_age=3600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.settings = settings
    return app


def _too_long() -> Response:
    return _text(413, f"query: longer than {MAX_QUERY_BYTES} bytes")


async def _query_of(request: Request) -> str | None:
    """The query text of a SPARQL Protocol request (None when it has none, ``""`` when
    ``query=`` is empty); raises :class:`Refusal` for updates (403), writes (405), other
    media types (415), bodies too long (413, refused by Content-Length before reading),
    and, as the SPARQL 1.1 Protocol tests expect, 400 for more than one query, or for a
    query that is not UTF-8 (bytes, or a declared charset)."""
    if request.method in ("PUT", "DELETE", "PATCH"):
        raise Refusal(405, READ_ONLY.format(what="a graph store write"))
    params = _pairs(request.scope.get("query_string", b""), "the query string")
    if "update" in params:
        raise Refusal(403, READ_ONLY.format(what="SPARQL Update"))
    queries = params.get("query", [])
    if request.method != "POST":
        return _one(queries)
    media, charset = _content_type(request.headers.get("content-type", ""))
    if media == "application/sparql-update":
        raise Refusal(403, READ_ONLY.format(what="SPARQL Update"))
    if media == "application/sparql-query":
        _utf8_charset(charset)
        body = await read_body(request, MAX_QUERY_BYTES, BODY_TIMEOUT, "query")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refusal(
                400, f"the query body is not UTF-8 (byte {exc.start}); send it as UTF-8"
            ) from None
        return _one([*queries, text])
    if media == "application/x-www-form-urlencoded":
        _utf8_charset(charset)
        body = await read_body(request, 3 * MAX_QUERY_BYTES, BODY_TIMEOUT, "query")
        form = _pairs(body, "the form")
        if "update" in form:
            raise Refusal(403, READ_ONLY.format(what="SPARQL Update"))
        return _one([*queries, *form.get("query", [])])
    if media == "multipart/form-data":
        body = await read_body(request, 3 * MAX_QUERY_BYTES, BODY_TIMEOUT, "query")
        multipart = await Request(request.scope, replay(body)).form()
        if "update" in multipart:
            raise Refusal(403, READ_ONLY.format(what="SPARQL Update"))
        values = [v for v in multipart.getlist("query") if isinstance(v, str)]
        return _one([*queries, *values])
    if media in RDF_TYPES:
        raise Refusal(405, READ_ONLY.format(what="a graph store write"))
    raise Refusal(
        415,
        "send the query as application/sparql-query or as the form field "
        "query= (application/x-www-form-urlencoded)",
    )


def _content_type(header: str) -> tuple[str, str | None]:
    """The media type of a Content-Type header, lower case, and its charset (or None)."""
    media, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _utf8_charset(charset: str | None) -> None:
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise Refusal(
            400, f"the query must be UTF-8 (SPARQL 1.1 Protocol); the request says {charset}"
        )


def _pairs(raw: bytes, where: str) -> dict[str, list[str]]:
    """The fields of a query string or form body, percent-decoded as strict UTF-8 (the
    SPARQL 1.1 Protocol's encoding; Starlette would replace bad bytes silently)."""
    try:
        # keep_blank_values: an empty query= is a request for an empty query (400 later).
        return urllib.parse.parse_qs(
            raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except UnicodeDecodeError:
        raise Refusal(400, f"{where} is not UTF-8; percent-encode the query as UTF-8") from None


def _one(queries: list[str]) -> str | None:
    """The one query of a request; 400 for more than one (SPARQL 1.1 Protocol 2.1)."""
    if len(queries) > 1:
        raise Refusal(400, f"{len(queries)} queries in one request: send exactly one query")
    return queries[0] if queries else None


def example_queries() -> list[dict[str, str]]:
    """The competency queries as ready-to-run text: prefixes declared, examples bound."""
    out = []
    for name, named in named_queries("cq").items():
        text = named.text
        bindings = dict(parse_binding(b) for b in named.examples)
        if bindings:
            text = bind_values(text, bindings)
        out.append({"name": name, "question": named.question, "query": with_prefixes(text)})
    return out


def query_page(yasgui: bool) -> str:
    """The HTML page at ``/``: the competency queries as examples and a query editor,
    YASGUI's when ``yasgui`` (else a plain text area)."""
    items = "".join(
        f'<li><button type="button" class="example" data-name="{escape(q["name"])}" '
        f'title="{escape(q["question"])}">{escape(q["name"])}</button> '
        f"<span>{escape(q['question'])}</span></li>"
        for q in example_queries()
    )
    head = (
        (
            '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
            '<script src="/static/yasgui/yasgui.min.js"></script>'
        )
        if yasgui
        else ""
    )
    body = f"""<h1>Query the levonorgestrel IUS knowledge graph</h1>
<p>SPARQL endpoint: <code>/sparql</code> (read-only). The project prefixes (<code>ius:</code>,
<code>ent:</code>, <code>claim:</code>…) are predeclared. Every IRI under
<code>{escape(BASE)}</code> has a page here, e.g. <a href="/entity/uterine-perforation">perforation
of the uterus</a>.</p>
<section class="examples"><h2>Competency queries</h2><ol id="examples">{items}</ol></section>
<section class="editor"><h2>Query</h2>
<div id="yasgui"></div>
<div id="plain" hidden>
<textarea id="query" rows="14" spellcheck="false" aria-label="SPARQL query">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10</textarea>
<p><button type="button" id="run">Run query</button> <span id="status" role="status"></span></p>
<div id="results"></div></div></section>
<script src="/static/query.js"></script>"""
    page = pages.layout("SPARQL", body)
    return page.replace("</head>", head + "\n</head>", 1)


def build_settings(
    files: list[Path],
    store_dir: Path | None,
    options: Options = DEFAULTS,
    *,
    base_url: str | None = None,
    graph: Graph | None = None,
) -> Settings:
    """Check the options and make the data ready: ``files``, else ``graph`` (the compiled
    graph, given by the caller); IusgraphError (exit 2) when an option is bad."""
    options.check()
    base = check_base_url(base_url) if base_url else default_base_url(options.host, options.port)
    source, cleanup = prepare_source(files, store_dir, graph)
    return Settings(
        source=source,
        timeout=options.timeout,
        max_rows=options.max_rows,
        workers=options.workers,
        yasgui_dir=find_yasgui(),
        cleanup=cleanup,
        max_bytes=options.max_bytes,
        base_url=base,
        queue=options.queue,
        header_timeout=options.header_timeout,
        max_connections=options.max_connections,
    )


def _uvicorn_server(config: Any, pool: WorkerPool, grace: float) -> Any:
    """uvicorn's server, closing the worker pool first when asked to stop (SIGTERM), so
    that waiting requests get 503 at once and running ones a short grace period."""
    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await pool.close(grace)
            await super().shutdown(sockets)

    return Server(config)


def serve(host: str, port: int, settings: Settings, log_level: str = "info") -> None:
    """Run the server until SIGTERM or Ctrl-C. A graph that cannot be loaded fails here,
    with its reason (exit 2), before anything listens. The caller has checked the port
    (:func:`iusgraph.api.serve` does, before the graph is loaded)."""
    import uvicorn

    probe(settings.source)
    app = create_app(settings)
    grace = min(STOP_GRACE, settings.timeout)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        http=head_timeout_protocol(settings.header_timeout),
        limit_concurrency=connection_limit(settings.max_connections),
        timeout_graceful_shutdown=int(grace) + 2,
    )
    _uvicorn_server(config, app.state.pool, grace).run()
