"""The ``iusgraph`` command: click options over :mod:`iusgraph.api`.

Each command only parses its options and calls the API; choices and defaults come from
the registries (:mod:`iusgraph.exporters`, :mod:`iusgraph.graph.formats`,
:mod:`iusgraph.defaults`, :mod:`iusgraph.serve.settings`), which import no engine, and the
API is imported inside the commands, so ``iusgraph --help`` loads neither an engine nor
the server.

Exit codes: 0 ok; 1 the data violates the shapes or the evidence does not match; 2 a
usage or input error. :class:`IusgraphGroup` is the one error boundary: an
:class:`~iusgraph.errors.IusgraphError` or an ``OSError`` (an output folder that cannot be
written, a full disk) is one message on standard error, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Protocol

import click

from iusgraph import __version__, exiting, progress
from iusgraph.defaults import (
    CHUNK_TRIPLES,
    EXTRA_GRAPHS,
    QUERY_ENGINES,
    VALIDATION_ENGINES,
    VOCABULARIES,
)
from iusgraph.errors import (
    EXIT_OK,
    EXIT_USAGE,
    EXIT_VIOLATIONS,
    IusgraphError,
    one_line_library_logs,
)
from iusgraph.exporters import APPS, EXPORTERS, PICTURES
from iusgraph.graph.files import atomic_write_text
from iusgraph.graph.formats import ANSWER_FORMATS, DIFF_FORMATS, QUERY_FORMATS, REPORT_FORMATS
from iusgraph.graph.resources import stale_install_note, use_data
from iusgraph.serve.protocol import ANSWER_REFUSED
from iusgraph.serve.settings import DEFAULTS


class _Report(Protocol):
    @property
    def conforms(self) -> bool: ...

    def counts(self) -> dict[str, int]: ...


class _Lazy:
    """A module imported on first use: the commands call the API through it, so that
    ``iusgraph --help`` does not load what the API needs."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


if TYPE_CHECKING:
    from iusgraph import api
else:
    api = _Lazy("iusgraph.api")


def exit_for(report: _Report, *, strict: bool = False) -> NoReturn:
    """Exit 0 when ``report`` conforms (and, with ``strict``, has no warning), else 1."""
    failed = not report.conforms or (strict and report.counts().get("Warning", 0) > 0)
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)


def _given(value: str, name: str) -> str | None:
    """``value`` if the option ``name`` was given on the command line, else None."""
    source = click.get_current_context().get_parameter_source(name)
    return value if source is not click.core.ParameterSource.DEFAULT else None


def _echo_error(message: str) -> None:
    # A message may quote input that is not valid Unicode (a lone surrogate): show it escaped.
    click.echo(
        "iusgraph: error: " + message.encode("utf-8", "backslashreplace").decode("utf-8"), err=True
    )


class IusgraphGroup(click.Group):
    """The one error boundary: every command (and subgroup) runs inside :meth:`invoke`."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command: an IusgraphError ends it with its message and exit code, an OSError
        with the path and exit code 2."""
        try:
            return super().invoke(ctx)
        except IusgraphError as exc:
            _echo_error(str(exc))
            sys.exit(exc.exit_code)
        except OSError as exc:  # an output path the code did not name itself
            where = f"{exc.filename}: " if exc.filename else ""
            _echo_error(f"{where}{exc.strerror or exc}; check the path and its permissions")
            sys.exit(EXIT_USAGE)


def _quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # for the command's run, then as it was (a test runs many in one process)
        ctx.with_resource(progress.quiet())


QUIET_OPTION = click.option(
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_quiet,
    help="No progress bar on standard error (shown there, on a terminal, for large inputs).",
)

GRAPH_OPTION = click.option(
    "--graph",
    "graphs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="RDF file to use instead of the graph compiled from the curated data (repeatable).",
)


@click.group(cls=IusgraphGroup)
@click.version_option(__version__, prog_name="iusgraph")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="IUSGRAPH_DATA",
    show_envvar=True,
    help="Curated data folder (sources.ttl, entities/, claims/) to read and, with "
    "anchor, to write. Default: the checkout you are in, else the installed copy.",
)
def main(data: Path | None) -> None:
    """iusgraph: an evidence-backed knowledge graph of the levonorgestrel IUS (Mirena)."""
    one_line_library_logs()
    use_data(data)
    if data is None:
        note = stale_install_note()
        if note:
            click.echo(f"iusgraph: {note}", err=True)


def run() -> NoReturn:
    """The console entry point (``iusgraph``, ``python -m iusgraph``): :func:`main`, ended
    without freeing what a command kept (:mod:`iusgraph.exiting`)."""
    exiting.run(main)


@main.command()
@QUIET_OPTION
@click.option(
    "--out",
    "out_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the exports.",
)
def build(out_dir: Path) -> None:
    """Compile the curated data and write Turtle, N-Triples and JSON-LD."""
    for path in api.build(out_dir):
        click.echo(f"wrote {path}")


@main.command()
@QUIET_OPTION
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@GRAPH_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
@click.option(
    "--engine",
    type=click.Choice(VALIDATION_ENGINES),
    default=VALIDATION_ENGINES[0],
    show_default=True,
    help="oxigraph: the shapes compiled to SPARQL on Oxigraph; pyshacl: the reference.",
)
@click.option(
    "--shapes",
    "shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A SHACL shapes file to check too, beside the project's shapes (repeatable).",
)
@click.option(
    "--explain-coverage",
    is_flag=True,
    help="List how each shape ran: compiled to SPARQL, by pySHACL (and why), or not at all.",
)
@click.option(
    "--since",
    "since",
    type=click.Path(path_type=Path),
    help="Validate only what changed since OLD, a graph file or a release bundle folder "
    "(the findings of a full validation on the nodes the change can affect).",
)
@click.option(
    "--since-git",
    "since_git",
    metavar="REV",
    help="As --since, with OLD the curated data in use as it was at this git revision "
    "(a commit, branch or tag), compiled with the current code, as diff --git reads it.",
)
def validate(
    files: tuple[Path, ...],
    graphs: tuple[Path, ...],
    fmt: str,
    engine: str,
    shapes: tuple[Path, ...],
    explain_coverage: bool,
    since: Path | None,
    since_git: str | None,
) -> None:
    """Check the graph (or FILES) with the SHACL shapes and the QC queries."""
    paths = list(files) + list(graphs)
    extra = list(shapes)
    if since is not None and since_git is not None:
        raise click.UsageError("give one old graph: --since OLD or --since-git REV")
    if since is not None or since_git is not None:
        if engine != "oxigraph":
            raise click.UsageError("--since runs on the oxigraph engine; leave out --engine")
        report = api.validate_since(since, paths, extra, git=since_git)
    elif paths:
        report = api.validate_files(paths, engine, extra)
    elif extra:
        report = api.validate(api.load_graph(), engine, extra)
        report.extend(api.check_mappings(strict=False))
    else:  # the curated data (cached until it changes), with its mapping sets checked
        # against the shipped releases (a release package that is not installed is a
        # warning here; `mappings check` and CI, which installs both, treat it as an error)
        report = api.validate_curated(engine)
    if not explain_coverage:
        report.coverage = {}
    click.echo(report.render(fmt), nl=False)
    exit_for(report)


@main.group(cls=IusgraphGroup)
def mappings() -> None:
    """The SSSOM mapping sets of data/mappings: check them, or suggest candidates."""


@mappings.command("check")
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
def mappings_check(fmt: str) -> None:
    """Check the mapping sets against the shipped HPO and MeSH releases and the entities."""
    report = api.check_mappings()
    click.echo(report.render(fmt), nl=False)
    exit_for(report)


@mappings.command("closure")
def mappings_closure() -> None:
    """Regenerate data/mappings/hpo-closure.nt (the graph query --with hpo adds) from hp.obo."""
    click.echo(f"wrote {api.write_hpo_closure()}")


@mappings.command("suggest")
@click.option(
    "--vocabulary", type=click.Choice(VOCABULARIES), default=VOCABULARIES[0], show_default=True
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the candidates here (SSSOM TSV) instead of standard output.",
)
def mappings_suggest(vocabulary: str, out_file: Path | None) -> None:
    """Propose candidates by lexical match (never added to data/mappings by themselves);
    their precision and recall against the curated set go to standard error."""
    text, figures = api.suggest_mappings(vocabulary)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(out_file, text)
        click.echo(f"wrote {out_file}", err=True)
    if figures:
        click.echo(figures, err=True)


@main.command()
@QUIET_OPTION
@click.argument("name", required=False)
@click.option("--sparql", help="SPARQL text to run instead of a named query or file.")
@GRAPH_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(QUERY_FORMATS), default=QUERY_FORMATS[0], show_default=True
)
@click.option(
    "--bind",
    "bindings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query variable, e.g. --bind effect=ent:back-pain (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(QUERY_ENGINES),
    default=QUERY_ENGINES[0],
    show_default=True,
    help="SPARQL engine: the Oxigraph embedded store, or rdflib.",
)
@click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the Oxigraph store on disk in this folder and reuse it while the data is unchanged.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run the query on this SPARQL endpoint instead, e.g. "
    "http://localhost:7878/query (see iusgraph publish).",
)
@click.option(
    "--default-graph",
    "default_graph",
    metavar="IRI",
    help="With --endpoint: the graph to query, e.g. the one publish --graph wrote.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the competency queries.")
@click.option(
    "--with",
    "with_graphs",
    multiple=True,
    type=click.Choice(EXTRA_GRAPHS),
    help="Include a shipped extra graph: hpo, the is_a closure of the mapped HPO "
    "terms (labels, rdfs:subClassOf), to group by an HPO ancestor.",
)
def query(
    name: str | None,
    sparql: str | None,
    graphs: tuple[Path, ...],
    fmt: str,
    bindings: tuple[str, ...],
    engine: str,
    store: Path | None,
    endpoint: str | None,
    default_graph: str | None,
    list_queries: bool,
    with_graphs: tuple[str, ...],
) -> None:
    """Run a competency query by NAME, a FILE.rq, or --sparql TEXT."""
    if list_queries:
        for query_name, named in api.competency_queries().items():
            click.echo(f"{query_name:<24} {named.question}")
        return
    chunks = api.query_chunks(
        name,
        sparql=sparql,
        fmt=fmt,
        bindings=list(bindings),
        # None when not given: with --endpoint, the API refuses an --engine that was given.
        engine=_given(engine, "engine"),
        store=store,
        files=list(graphs),
        endpoint=endpoint,
        default_graph=default_graph,
        with_graphs=list(with_graphs),
    )
    for chunk in chunks:  # CSV and TSV are written as Oxigraph evaluates
        click.echo(chunk, nl=False)


@main.command()
@QUIET_OPTION
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL 1.1 Graph Store endpoint, e.g. http://localhost:7878/store "
    "(Oxigraph) or http://localhost:8890/sparql-graph-crud (Virtuoso).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="The named graph to replace (default: the server's default graph).",
)
@click.option(
    "--chunk-size",
    "chunk_size",
    type=click.IntRange(min=1),
    default=CHUNK_TRIPLES,
    show_default=True,
    help="Triples per request.",
)
def publish(files: tuple[Path, ...], endpoint: str, graph_iri: str | None, chunk_size: int) -> None:
    """Replace a graph on a SPARQL server with the compiled graph (or the RDF in FILES)."""
    # One N-Triples file is streamed as it is; anything else is parsed first.
    source = (
        files[0]
        if len(files) == 1 and files[0].suffix.lower() == ".nt"
        else api.load_graph(list(files))
    )
    result = api.publish(source, endpoint, graph_iri=graph_iri, chunk_triples=chunk_size)
    click.echo(
        f"published {result.triples} triples to {result.target} at {endpoint} "
        f"in {result.chunks} chunk(s)"
    )


class ByteSize(click.ParamType[int]):
    """A size in bytes: ``1048576``, ``512K``, ``64M``, ``1G`` (K, M, G: 1024-based)."""

    name = "size"
    SCALES: ClassVar[dict[str, int]] = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """The number of bytes ``value`` gives (an int passes as is); a usage error otherwise."""
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B").removesuffix("I")
        unit = text[-1:] if text[-1:] in self.SCALES else ""
        number = text[:-1] if unit else text
        if not (number.isascii() and number.isdigit()):
            self.fail(f"{value!r} is not a size such as 1048576, 512K, 64M or 1G", param, ctx)
        return int(number) * self.SCALES[unit]

    @classmethod
    def text(cls, count: int) -> str:
        """``67108864`` as ``64M``: the largest unit that divides it."""
        for unit in ("G", "M", "K"):
            if count % cls.SCALES[unit] == 0:
                return f"{count // cls.SCALES[unit]}{unit}"
        return str(count)


@main.command()
@QUIET_OPTION
@click.option("--host", default=DEFAULTS.host, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULTS.port, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the Oxigraph store on disk in this folder and reuse it while the data is unchanged.",
)
@GRAPH_OPTION
@click.option(
    "--timeout",
    default=DEFAULTS.timeout,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a query may run before it is stopped (HTTP 503).",
)
@click.option(
    "--max-rows",
    "max_rows",
    default=DEFAULTS.max_rows,
    show_default=True,
    type=click.IntRange(min=1),
    help=f"Most solutions or triples an answer may hold (HTTP {ANSWER_REFUSED} past it).",
)
@click.option(
    "--max-bytes",
    "max_bytes",
    default=ByteSize.text(DEFAULTS.max_bytes),
    show_default=True,
    type=ByteSize(),
    help=f"Largest answer, e.g. 64M or 1G (HTTP {ANSWER_REFUSED} past it).",
)
@click.option(
    "--workers",
    default=DEFAULTS.workers,
    show_default=True,
    type=click.IntRange(min=1, max=64),
    help="Query worker processes (slow queries may use all but one).",
)
@click.option(
    "--base-url",
    "base_url",
    help="The server's public URL, named by the Service Description (default: "
    "http://HOST:PORT); set it behind a proxy.",
)
@click.option(
    "--header-timeout",
    "header_timeout",
    default=DEFAULTS.header_timeout,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a connection may take to send its request head; then it is closed.",
)
@click.option(
    "--max-connections",
    "max_connections",
    default=DEFAULTS.max_connections,
    show_default=True,
    type=click.IntRange(min=1),
    help="Open connections; requests past it get HTTP 503.",
)
def serve(
    host: str,
    port: int,
    store: Path | None,
    graphs: tuple[Path, ...],
    timeout: float,
    max_rows: int,
    max_bytes: int,
    workers: int,
    base_url: str | None,
    header_timeout: float,
    max_connections: int,
) -> None:
    """Serve the graph: a read-only SPARQL endpoint, linked-data pages and a query page."""
    api.serve(
        host,
        port,
        files=list(graphs),
        store=store,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        max_bytes=max_bytes,
        base_url=base_url,
        header_timeout=header_timeout,
        max_connections=max_connections,
    )


@main.command("verify-evidence")
@click.option(
    "--sources",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder holding the source documents.",
)
@GRAPH_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
def verify_evidence(sources: Path, graphs: tuple[Path, ...], fmt: str) -> None:
    """Check every evidence span and source hash against the documents."""
    report = api.verify_evidence(sources, api.load_graph(list(graphs)) if graphs else None)
    click.echo(report.render(fmt), nl=False)
    exit_for(report)


@main.command()
@GRAPH_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(ANSWER_FORMATS), default="text", show_default=True
)
def stats(graphs: tuple[Path, ...], fmt: str) -> None:
    """Count entities and claims by class, by source and by predicate."""
    result = api.stats(api.load_graph(list(graphs)))
    click.echo(result.render(fmt), nl=False)


@main.command()
@click.argument("start")
@click.argument("end")
@GRAPH_OPTION
@click.option(
    "--max-paths",
    "max_paths",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many of the shortest paths to show.",
)
@click.option(
    "--format", "fmt", type=click.Choice(ANSWER_FORMATS), default="text", show_default=True
)
def explain(start: str, end: str, graphs: tuple[Path, ...], max_paths: int, fmt: str) -> None:
    """Shortest evidence-backed paths from START to END (ids, CURIEs, IRIs or labels)."""
    result = api.explain(api.load_graph(list(graphs)), start, end, max_paths)
    click.echo(result.render(fmt), nl=False)


@main.command()
@GRAPH_OPTION
@click.option(
    "--predicate",
    default="ius:hasSideEffect",
    show_default=True,
    help="Compare the sources' objects of this claim property (a CURIE).",
)
@click.option(
    "--format", "fmt", type=click.Choice(ANSWER_FORMATS), default="text", show_default=True
)
def agreement(graphs: tuple[Path, ...], predicate: str, fmt: str) -> None:
    """Which sources assert each effect, and the sources' Jaccard overlap matrix."""
    click.echo(api.agreement(api.load_graph(list(graphs)), predicate).render(fmt), nl=False)


@main.command("graph-qc")
@GRAPH_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only violations.")
def graph_qc(graphs: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Structural QC of the graph view: unreached entities, disconnected components,
    effects without a recommended action."""
    report = api.graph_qc(api.load_graph(list(graphs)))
    click.echo(report.render(fmt), nl=False)
    exit_for(report, strict=strict)


@main.command()
@QUIET_OPTION
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(EXPORTERS)),
    help=f"Export format (repeatable; default: {', '.join(APPS)}).",
)
@click.option(
    "--out",
    "out_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files.",
)
@GRAPH_OPTION
def export(formats: tuple[str, ...], out_dir: Path, graphs: tuple[Path, ...]) -> None:
    """Write the graph for apps: GraphML, node-link JSON, KGX TSV, compacted JSON-LD."""
    chosen = list(formats) or list(APPS)
    for path in api.export(api.load_graph(list(graphs)), chosen, out_dir):
        click.echo(f"wrote {path}")


@main.command()
@click.option(
    "--out",
    "out_dir",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pictures.",
)
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Draw this entity's neighbourhood instead (id, CURIE, IRI or label).",
)
@click.option(
    "--depth",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --focus: how many hops around the entity.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(PICTURES),
    help=f"Picture formats (repeatable; default: {' and '.join(PICTURES)}).",
)
@GRAPH_OPTION
def draw(
    out_dir: Path, focus: str | None, depth: int, formats: tuple[str, ...], graphs: tuple[Path, ...]
) -> None:
    """Pictures with Graphviz: device, hormone, mechanisms, effects and cautions."""
    if focus is None and depth != 1:
        raise IusgraphError("--depth is the neighbourhood around --focus ENTITY: give both")
    for path in api.draw(
        api.load_graph(list(graphs)), out_dir, focus=focus, depth=depth, formats=formats or PICTURES
    ):
        click.echo(f"wrote {path}")


@main.command()
@QUIET_OPTION
@click.option("--version", "version", required=True, help="The release's version, e.g. 1.0.0.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The bundle's folder: missing, empty, or a bundle written before (replaced whole).",
)
@click.option(
    "--previous",
    type=click.Path(file_okay=False, path_type=Path),
    help="The previous release's bundle: CHANGES.md says what changed since it.",
)
@click.option(
    "--date",
    help="The release date, YYYY-MM-DD. Default: SOURCE_DATE_EPOCH's UTC date if it is "
    "set, else today's (UTC).",
)
def release(version: str, out_dir: Path, previous: Path | None, date: str | None) -> None:
    """Write a release bundle: every export, the versioned ontology, void.ttl (VoID and
    DCAT), SHA256SUMS and, with --previous, CHANGES.md."""
    for path in api.release(version, out_dir, previous=previous, date=date):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--git",
    "revision",
    metavar="REV",
    help="The old graph: the curated data in use as it was at this git revision "
    "(a commit, branch or tag), compiled with the current code; NEW defaults to the "
    "current curated data.",
)
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True)
def diff(graphs: tuple[Path, ...], revision: str | None, fmt: str) -> None:
    """Compare two graphs, claim by claim: OLD NEW (RDF files or release bundle folders),
    or --git REV [NEW]. Exit 0 when they hold the same triples, 1 when they differ."""
    if revision is None and len(graphs) != 2:
        raise click.UsageError("give OLD and NEW (RDF files or release folders), or --git REV")
    if revision is not None and len(graphs) > 1:
        raise click.UsageError("with --git REV, give at most one graph: NEW")
    if revision is None:
        result = api.diff(graphs[0], graphs[1])
    else:
        result = api.diff(None, graphs[0] if graphs else None, git=revision)
    click.echo(result.render(fmt), nl=False)
    sys.exit(EXIT_OK if result.empty else EXIT_VIOLATIONS)


@main.command()
@QUIET_OPTION
@click.option("--drugs", required=True, type=click.IntRange(min=1), help="How many drugs.")
@click.option(
    "--faults",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many known violations to inject (listed in faults.json).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def synth(drugs: int, faults: int, seed: int, out_dir: Path) -> None:
    """Write a synthetic corpus shaped like the real graph (synth.nt, sources/, faults.json)."""
    counts = api.synth(out_dir, drugs=drugs, faults=faults, seed=seed)
    click.echo(f"wrote {out_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@main.command()
@click.option(
    "--sources",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder holding the source documents.",
)
@click.argument("tables", nargs=-1, type=click.Path(exists=True, path_type=Path))
def anchor(sources: Path, tables: tuple[Path, ...]) -> None:
    """Fill empty start/end offsets of claim tables from their quotes (for curators)."""
    filled, warnings = api.anchor(sources, list(tables) or None)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"filled {filled} row(s)")


@main.command()
@click.option(
    "--sources",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder holding the source documents.",
)
@click.option(
    "--drop-stale",
    "drop_stale",
    is_flag=True,
    help="Clear the reason of a unit that a claim now cites.",
)
def ledger(sources: Path, drop_stale: bool) -> None:
    """Write or refresh the coverage ledger (data/ledger/<source>.tsv) from the documents,
    keeping curated kinds, levels, reasons and notes (for curators)."""
    for refresh in api.ledger(sources, drop_stale=drop_stale):
        for note in refresh.dropped:
            click.echo(f"warning: {note}", err=True)
        for note in refresh.stale:
            verb = "cleared" if drop_stale else "stale (clear it, or run with --drop-stale)"
            click.echo(f"warning: {note}: {verb}", err=True)
        for where in refresh.unaccounted:
            click.echo(f"unaccounted: {where}: give it a reason or cite it", err=True)
        click.echo(
            f"wrote {refresh.path}: {refresh.units} units, {refresh.new} new, "
            f"{len(refresh.unaccounted)} unaccounted, {len(refresh.stale)} stale "
            f"reason(s)"
        )
