"""``iusgraph serve``: a read-only SPARQL 1.1 endpoint, linked-data pages and a query page.

Starlette (ASGI) served by uvicorn. Queries run in worker processes
(:mod:`iusgraph.workers`) so a query past the time limit can be killed; answers are
checked and serialized by :mod:`iusgraph.endpoint`; pages by :mod:`iusgraph.pages`.
Nothing here makes an outbound request: ``SERVICE`` and ``FROM`` are refused, and
JSON-LD is written with its context inline.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import pages
from .endpoint import GRAPH_TYPES, negotiate, serialize_graph, service_description
from .errors import IusgraphError
from .export import context_document
from .namespaces import BASE
from .queries import named_queries
from .remote import bind_values, with_prefixes
from .workers import Reply, StoreSource, WorkerPool, prepare_source

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2
#: Longest query text accepted (bytes).
MAX_QUERY_BYTES = 100_000

STATIC = Path(__file__).resolve().parent / "static"
#: Path segments of the linked-data IRIs under the project base.
LINKED_DATA = ("entity", "claim", "evidence", "source", "conflict", "vocab", "ontology",
               "shapes")
FORMAT_PARAM = {"ttl": "text/turtle", "nt": "application/n-triples",
                "jsonld": "application/ld+json", "html": "text/html"}
_BAD_IRI = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
TEXT = "text/plain; charset=utf-8"
READ_ONLY = ("iusgraph serve is read-only: {what} is refused. Change the data in the "
             "curation tables and restart the server.")


@dataclass
class Settings:
    source: StoreSource
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = DEFAULT_WORKERS
    yasgui_dir: Path | None = None
    cleanup: Any = field(default=None)


def find_yasgui() -> Path | None:
    """YASGUI's build folder, installed by setup.sh with npm (``node_modules``), if any."""
    candidates = []
    if os.environ.get("IUSGRAPH_YASGUI"):
        candidates.append(Path(os.environ["IUSGRAPH_YASGUI"]))
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidates.append(root / "node_modules" / "@zazuko" / "yasgui" / "build")
    for folder in candidates:
        if (folder / "yasgui.min.js").is_file():
            return folder
    return None


def _reply(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    headers = dict(reply.headers)
    headers.update(extra or {})
    return Response(reply.body, status_code=reply.status, media_type=reply.content_type,
                    headers=headers)


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def create_app(settings: Settings) -> Starlette:
    pool = WorkerPool(settings.source, settings.workers, settings.timeout)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()
            if settings.cleanup:
                settings.cleanup()

    async def run(kind: str, *args: Any) -> Any:
        try:
            return await pool.run(kind, *args)
        except TimeoutError:
            return Reply(503, TEXT, (f"query: stopped after the time limit of "
                                     f"{settings.timeout:g} s (the server's --timeout); "
                                     "narrow the query or add a LIMIT\n").encode(),
                         (("Retry-After", "1"),))

    async def sparql(request: Request) -> Response:
        if request.method in ("PUT", "DELETE", "PATCH"):
            return _text(405, READ_ONLY.format(what="a graph store write"),
                         {"Allow": "GET, POST, OPTIONS"})
        params = request.query_params
        query: str | None = params.get("query")
        if "update" in params:
            return _text(403, READ_ONLY.format(what="SPARQL Update"))
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return _text(403, READ_ONLY.format(what="SPARQL Update"))
            if ctype == "application/sparql-query":
                body = await request.body()
                if len(body) > MAX_QUERY_BYTES:
                    return _too_long()
                query = body.decode("utf-8", errors="replace")
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                body = await request.body()
                if len(body) > 3 * MAX_QUERY_BYTES:
                    return _too_long()
                form = await request.form()
                if "update" in form:
                    return _text(403, READ_ONLY.format(what="SPARQL Update"))
                value = form.get("query")
                query = value if isinstance(value, str) else query
            elif ctype in GRAPH_TYPES or ctype in ("application/rdf+xml", "application/trig",
                                                   "application/n-quads", "text/n3"):
                return _text(405, READ_ONLY.format(what="a graph store write"),
                             {"Allow": "GET, POST, OPTIONS"})
            else:
                return _text(415, "send the query as application/sparql-query or as the "
                             "form field query= (application/x-www-form-urlencoded)")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return _text(400, "default-graph-uri and named-graph-uri are not supported: this "
                         "endpoint serves one graph, its default graph")
        if query is None or not query.strip():
            if request.method == "POST":
                return _text(400, "no query: send query= or an application/sparql-query body")
            return describe_service(request)
        if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
            return _too_long()
        accept = request.headers.get("accept")
        return _reply(await run("sparql", query, accept, settings.max_rows),
                      {"Vary": "Accept"})

    def describe_service(request: Request) -> Response:
        offers = list(GRAPH_TYPES)
        accept = request.headers.get("accept", "")
        mime = negotiate(accept, offers) if "text/html" not in accept else "text/turtle"
        if mime is None:
            return _text(406, "the service description comes as " + ", ".join(offers))
        url = str(request.url_for("sparql"))
        body = serialize_graph(service_description(url, pool.triples), GRAPH_TYPES[mime])
        media = mime + ("; charset=utf-8" if mime.startswith("text/") else "")
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    async def resource(request: Request) -> Response:
        path = request.url.path
        iri = pages.iri_for(path)
        if _BAD_IRI.search(iri):
            return _text(404, f"{path} is not an IRI of this graph")
        wanted = FORMAT_PARAM.get(request.query_params.get("format", ""))
        accept = wanted or request.headers.get("accept")
        mime = negotiate(accept, ["text/html", *GRAPH_TYPES])
        headers = {"Vary": "Accept"}
        if mime is None:
            return _text(406, "this resource comes as text/html, " + ", ".join(GRAPH_TYPES))
        if mime != "text/html":
            return _reply(await run("describe", iri, mime), headers)
        data = await run("page", iri)
        if isinstance(data, Reply):
            return _reply(data)
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
        return _text(405, READ_ONLY.format(what="a graph store write"),
                     {"Allow": "GET, HEAD"})

    write_methods = ["POST", "PUT", "DELETE", "PATCH"]
    routes = [
        Route("/", home),
        Route("/examples.json", examples),
        Route("/context.jsonld", context),
        Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
              name="sparql"),
        Route("/store", refuse_writes, methods=["GET", *write_methods]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if settings.yasgui_dir is not None:
        routes.append(Mount("/static/yasgui", StaticFiles(directory=settings.yasgui_dir),
                            name="yasgui"))
        routes.insert(0, routes.pop())  # before /static
    for segment in LINKED_DATA:
        routes.append(Route(f"/{segment}", resource, methods=["GET", "HEAD"]))
        routes.append(Route(f"/{segment}/{{rest:path}}", resource, methods=["GET", "HEAD"]))
        routes.append(Route(f"/{segment}/{{rest:path}}", refuse_writes, methods=write_methods))
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"],
                             allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
                             expose_headers=["Content-Type"], max_age=3600)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.settings = settings
    return app


def _too_long() -> Response:
    return _text(413, f"query: longer than {MAX_QUERY_BYTES} bytes")


def example_queries() -> list[dict[str, str]]:
    """The competency queries as ready-to-run text: prefixes declared, examples bound."""
    from .api import parse_binding
    out = []
    for name, named in named_queries("cq").items():
        text = named.text
        bindings = dict(parse_binding(b) for b in named.examples)
        if bindings:
            text = bind_values(text, bindings)
        out.append({"name": name, "question": named.question, "query": with_prefixes(text)})
    return out


def query_page(yasgui: bool) -> str:
    items = "".join(
        f'<li><button type="button" class="example" data-name="{escape(q["name"])}" '
        f'title="{escape(q["question"])}">{escape(q["name"])}</button> '
        f'<span>{escape(q["question"])}</span></li>' for q in example_queries())
    head = ('<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
            '<script src="/static/yasgui/yasgui.min.js"></script>') if yasgui else ""
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


def check_port(host: str, port: int) -> None:
    """Fail with one message when the address cannot be bound (in use, or no such host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IusgraphError(f"--host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise IusgraphError(f"cannot listen on {host}:{port}: {exc.strerror}; "
                                "choose another --port") from None


def build_settings(files: list[Path], store_dir: Path | None, timeout: float, max_rows: int,
                   workers: int) -> Settings:
    if timeout <= 0:
        raise IusgraphError("--timeout must be more than 0 seconds")
    if max_rows < 1 or workers < 1:
        raise IusgraphError("--max-rows and --workers must be at least 1")
    source, cleanup = prepare_source(files, store_dir)
    return Settings(source=source, timeout=timeout, max_rows=max_rows, workers=workers,
                    yasgui_dir=find_yasgui(), cleanup=cleanup)


def serve(host: str, port: int, settings: Settings, log_level: str = "info") -> None:
    import uvicorn
    check_port(host, port)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level,
                access_log=False, server_header=False)
