"""The Python API: the same typed functions the command line calls.

>>> from iusgraph import api
>>> graph = api.load_graph()           # compiled in memory from the curated data
>>> report = api.validate(graph)
>>> report.conforms
True
>>> print(api.query("serious-effects", graph, fmt="csv").splitlines()[0])
claim,product,effect,seriousness,action,source,reliability,quote
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iusgraph import exporters
from iusgraph.defaults import (
    CHUNK_TRIPLES,
    EXTRA_GRAPHS,
    QUERY_ENGINES,
    VALIDATION_ENGINES,
    check_engine,
)
from iusgraph.errors import IusgraphError
from iusgraph.exiting import keep
from iusgraph.graph.files import atomic_write_text
from iusgraph.graph.resources import data_dir, is_bundled
from iusgraph.query.catalog import NamedQuery, named_queries, resolve_query
from iusgraph.serve.settings import DEFAULTS

# The engines, the compiler and the network view are imported by the functions that use
# them, so that a command that only queries the curated graph loads none of rdflib,
# pySHACL, networkx or the server (``python -X importtime -m iusgraph query NAME``).
if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Graph

    from iusgraph.curation.ledger import Refresh
    from iusgraph.graph.release_info import ReleaseInfo
    from iusgraph.network.agreement import Agreement
    from iusgraph.network.explain import Explanation
    from iusgraph.query.stats import Stats
    from iusgraph.release.diff import GraphDiff
    from iusgraph.remote import PublishResult
    from iusgraph.validation.report import Report


def load_graph(files: list[Path] | None = None) -> Graph:
    """The graph in the given RDF files, or compiled from the curated data when none are given."""
    from iusgraph.curation.compile import build_graph
    from iusgraph.graph.load import load_files

    return load_files(files) if files else build_graph()


def build(out_dir: Path) -> list[Path]:
    """Compile the curated data and write every export into ``out_dir``."""
    from iusgraph.curation.compile import build_graph

    return exporters.write(build_graph(), exporters.BUILD, out_dir)


def validate(graph: Graph, engine: str = "oxigraph", shapes: list[Path] | None = None) -> Report:
    """SHACL shapes, QC queries and selector checks, in one report.

    :param engine: ``oxigraph`` (shapes compiled to SPARQL) or ``pyshacl`` (the reference)
    :param shapes: shapes files checked too, beside the project's (``validate --shapes``)
    """
    from iusgraph.validation.validate import validate_graph, with_shapes

    return validate_graph(graph, engine, with_shapes(shapes) if shapes else None)


def validate_curated(engine: str = "oxigraph") -> Report:
    """``iusgraph validate`` with no files: the curated graph with the shapes, QC queries
    and checks, and its mapping sets against the shipped releases (a release package that
    is not installed is a warning finding here).

    The report is kept in the cache (:mod:`iusgraph.graph.cache`) under a key of the data,
    the package, the libraries and the release files, and made again when any changes.
    """
    from iusgraph.curation.releases import release_files
    from iusgraph.graph import cache
    from iusgraph.validation.report import Report

    check_engine(engine, VALIDATION_ENGINES)

    def compute() -> bytes:
        report = validate(load_graph(), engine)
        report.extend(check_mappings(strict=False))
        return report.dump().encode("utf-8")

    key = cache.inputs_key("validate", engine, files=release_files())
    return Report.load(cache.cached("report", key, compute).decode("utf-8"))


def check_mappings(folder: Path | None = None, *, strict: bool = True) -> Report:
    """The SSSOM mapping sets of ``data/mappings`` checked against the shipped HPO and MeSH
    releases and the entities (``iusgraph mappings check``, and part of ``validate``).

    :param strict: a missing release package is an error; else a warning finding
    """
    from iusgraph.curation.entities import read_entities
    from iusgraph.curation.mappings import read_mapping_sets
    from iusgraph.graph.vocabulary import load_vocabulary
    from iusgraph.validation.mappings import check_mapping_sets

    folder = folder or data_dir()
    entities = read_entities(folder / "entities", load_vocabulary())
    return check_mapping_sets(read_mapping_sets(folder / "mappings"), entities, strict=strict)


def suggest_mappings(vocabulary: str, folder: Path | None = None) -> tuple[str, str]:
    """Lexical candidates for ``vocabulary`` as SSSOM TSV, and their precision and recall
    against the curated set (empty when there is none). Nothing is written to the data."""
    from iusgraph.curation.entities import read_entities
    from iusgraph.curation.mappings import (
        candidates_tsv,
        evaluate,
        read_sssom,
        release,
        suggest,
    )
    from iusgraph.graph.vocabulary import load_vocabulary

    folder = folder or data_dir()
    entities = read_entities(folder / "entities", load_vocabulary())
    rel = release(vocabulary)
    candidates = suggest(entities, vocabulary, rel)
    curated = folder / "mappings" / f"{vocabulary}.sssom.tsv"
    figures = evaluate(candidates, read_sssom(curated)).to_text() if curated.is_file() else ""
    return candidates_tsv(candidates, vocabulary, rel), figures


def write_hpo_closure(folder: Path | None = None) -> Path:
    """Regenerate ``data/mappings/hpo-closure.nt`` from the mapping sets and hp.obo."""
    from iusgraph.curation.mappings import CLOSURE_FILE, hpo_closure, read_mapping_sets

    folder = folder or data_dir()
    path = folder / "mappings" / CLOSURE_FILE
    atomic_write_text(path, hpo_closure(read_mapping_sets(folder / "mappings")))
    return path


def closure_path(name: str) -> Path:
    """The extra graph ``query --with NAME`` adds (``hpo``: the HPO is_a closure)."""
    from iusgraph.curation.mappings import CLOSURE_FILE

    if name not in EXTRA_GRAPHS:
        raise IusgraphError(f"unknown graph {name!r} for --with; use " + ", ".join(EXTRA_GRAPHS))
    path = data_dir() / "mappings" / CLOSURE_FILE
    if not path.is_file():
        raise IusgraphError(f"{path} is missing; run 'iusgraph mappings closure'")
    return path


def validate_files(
    files: list[Path], engine: str = "oxigraph", shapes: list[Path] | None = None
) -> Report:
    """Validate RDF files; with ``oxigraph`` they are parsed straight into the store.

    :param shapes: shapes files checked too, beside the project's (``validate --shapes``)
    """
    from iusgraph.validation.validate import validate_files as _validate_files
    from iusgraph.validation.validate import with_shapes

    return _validate_files(files, engine, with_shapes(shapes) if shapes else None)


def validate_since(
    old: Path | None,
    files: list[Path] | None = None,
    shapes: list[Path] | None = None,
    *,
    git: str | None = None,
) -> Report:
    """``validate --since OLD``: validate the new graph (``files``, or the curated data)
    only where its change from ``old`` (a graph file or a release bundle folder) can
    affect the findings (:mod:`iusgraph.validation.incremental`).

    :param git: instead of ``old``, the graph compiled from the curated data in use as it
        was at this git revision (``validate --since-git REV``, as ``diff --git REV``)
    """
    from iusgraph.validation.incremental import graph_paths, graph_side, load_side
    from iusgraph.validation.incremental import validate_since as _validate_since
    from iusgraph.validation.validate import with_shapes

    if (old is None) == (git is None):
        raise IusgraphError("validate --since takes one old graph: OLD or --since-git REV")
    if git is not None:
        from iusgraph.curation.revision import graph_at

        previous = graph_side(graph_at(git))
    else:
        assert old is not None
        previous = load_side(graph_paths(old))
    current = load_side(files) if files else graph_side(load_graph())
    return _validate_since(previous, current, with_shapes(shapes) if shapes else None).report


def parse_binding(text: str) -> tuple[str, Any]:
    """``--bind NAME=VALUE`` (a CURIE, an ``<IRI>`` or a plain string) as an rdflib term.

    >>> parse_binding("effect=ent:back-pain")
    ('effect', rdflib.term.URIRef('https://w3id.org/iusgraph/entity/back-pain'))
    """
    from iusgraph.query.text import parse_binding as _parse_binding

    return _parse_binding(text)


def competency_queries() -> dict[str, NamedQuery]:
    """The competency queries of ``queries/cq/`` by name, each with its question."""
    return named_queries("cq")


def query(name_or_file: str | None, graph: Graph | None = None, **options: Any) -> str:
    """Run a competency query by name, a ``.rq`` file, or SPARQL text, and render the
    answer: the chunks of :func:`query_chunks` (which documents the options) joined."""
    return "".join(query_chunks(name_or_file, graph, **options))


def query_chunks(
    name_or_file: str | None,
    graph: Graph | None = None,
    *,
    sparql: str | None = None,
    fmt: str = "table",
    bindings: list[str] | None = None,
    engine: str | None = None,
    store: Path | None = None,
    files: list[Path] | None = None,
    endpoint: str | None = None,
    default_graph: str | None = None,
    with_graphs: list[str] | None = None,
) -> Iterator[str]:
    """The answer to a competency query by name, a ``.rq`` file, or SPARQL text, chunk by
    chunk: with Oxigraph, CSV, TSV and JSON are written as the engine evaluates, from its
    own terms, so a large answer is never held whole; on the curated graph the compiled
    graph and the query check come from the cache (:mod:`iusgraph.graph.cache`).

    :param graph: the data; by default ``files``, or the graph compiled from the curated data
    :param engine: ``oxigraph`` (the default: an embedded store, in memory or in ``store``)
        or ``rdflib``
    :param files: RDF files; with ``oxigraph`` they are parsed straight into the store
    :param endpoint: a SPARQL endpoint URL: run the query on that server instead
    :param default_graph: with ``endpoint``, the graph to query (e.g. one ``publish`` wrote)
    :param with_graphs: extra shipped graphs to include, e.g. ``["hpo"]``: the is_a closure
        of the mapped HPO terms, to group entities under an HPO ancestor
    """
    if name_or_file and sparql is not None:
        raise IusgraphError("give either a query NAME/FILE or --sparql, not both")
    if endpoint is not None:
        given = [
            option
            for option, given in (
                ("--engine", engine is not None),
                ("--store", store is not None),
                ("--graph", graph is not None or bool(files)),
                ("--with", bool(with_graphs)),
            )
            if given
        ]
        if given:
            raise IusgraphError(
                f"--endpoint runs the query on the server: leave out {' and '.join(given)}"
            )
    elif default_graph is not None:
        raise IusgraphError("--default-graph names a graph on a server: use it with --endpoint")
    engine = engine or QUERY_ENGINES[0]
    if store is not None and engine != "oxigraph":
        raise IusgraphError("--store keeps an Oxigraph store: use it with --engine oxigraph")
    if sparql is not None:
        origin, text = "--sparql", sparql
    elif name_or_file:
        origin, text = resolve_query(name_or_file)
    else:
        raise IusgraphError("give a query NAME, a FILE.rq or --sparql TEXT")
    if endpoint is not None:
        from iusgraph.query.results import format_result
        from iusgraph.query.text import parse_binding
        from iusgraph.remote import query_endpoint

        init = dict(parse_binding(b) for b in bindings or [])
        yield format_result(query_endpoint(endpoint, text, init, default_graph, origin=origin), fmt)
        return
    check_engine(engine, QUERY_ENGINES)
    extra = [closure_path(name) for name in with_graphs or []]
    if engine == "oxigraph":
        from iusgraph.query import local

        found = dict(local.parse_binding(b) for b in bindings or [])
        if graph is None and not files and store is None:
            target = local.curated_store(extra)
        else:
            target = _given_store(graph, files, store, extra)
            keep(target)  # the command line ends without freeing it (iusgraph.exiting)
        yield from local.answer_text(local.run(target, text, found, origin), fmt, origin)
        return
    yield _rdflib_answer(graph, files, text, origin, fmt, bindings or [], extra)


def _with_extra(graph: Graph | None, files: list[Path] | None, extra: list[Path]) -> Graph:
    """The given graph (or files, or the curated graph) with the ``extra`` N-Triples files,
    as a copy: the caller's graph stays as it was."""
    from rdflib import Graph

    merged = load_graph(files) if graph is None else graph + Graph()
    for path in extra:
        merged.parse(path, format="nt")
    return merged


def _given_store(
    graph: Graph | None, files: list[Path] | None, store: Path | None, extra: list[Path]
) -> ox.Store:
    """The Oxigraph store of a given graph or given files (on disk in ``store`` if given)."""
    from iusgraph.graph.store import open_store, store_from_files

    if extra:
        return open_store(_with_extra(graph, files, extra), store)
    if graph is None and files:
        return store_from_files(files, store)
    return open_store(graph if graph is not None else load_graph(files), store)


def _rdflib_answer(
    graph: Graph | None,
    files: list[Path] | None,
    text: str,
    origin: str,
    fmt: str,
    bindings: list[str],
    extra: list[Path],
) -> str:
    """The answer of rdflib's SPARQL engine, written from its Result."""
    from iusgraph.query.results import format_result
    from iusgraph.query.run import run_query
    from iusgraph.query.text import parse_binding

    init = dict(parse_binding(b) for b in bindings)
    if extra:
        data = _with_extra(graph, files, extra)
    else:
        data = graph if graph is not None else load_graph(files)
    return format_result(run_query(data, text, engine="rdflib", bindings=init, origin=origin), fmt)


def publish(
    graph: Graph | Path,
    endpoint: str,
    *,
    graph_iri: str | None = None,
    chunk_triples: int = CHUNK_TRIPLES,
) -> PublishResult:
    """Replace a graph on a SPARQL 1.1 Graph Store endpoint with ``graph``.

    :param graph: a graph, or an N-Triples file, which is streamed line by line (so a
        10M-triple synthetic corpus is never parsed into memory)
    :param graph_iri: the named graph to replace; None for the server's default graph
    :param chunk_triples: triples per request (sorted N-Triples, in chunks)
    """
    from iusgraph.graph.terms import ntriples_lines, to_oxigraph_quads
    from iusgraph.remote import publish as _publish

    # A graph's terms are checked on the way (an IRI a server would refuse is an input
    # error here, before anything is sent).
    lines = graph if isinstance(graph, Path) else ntriples_lines(to_oxigraph_quads(graph))
    triples = None if isinstance(graph, Path) else len(graph)
    return _publish(lines, endpoint, graph_iri, chunk_triples, triples=triples)


def serve(
    host: str = DEFAULTS.host,
    port: int = DEFAULTS.port,
    *,
    files: list[Path] | None = None,
    store: Path | None = None,
    timeout: float = DEFAULTS.timeout,
    max_rows: int = DEFAULTS.max_rows,
    workers: int = DEFAULTS.workers,
    max_bytes: int = DEFAULTS.max_bytes,
    base_url: str | None = None,
    header_timeout: float = DEFAULTS.header_timeout,
    max_connections: int = DEFAULTS.max_connections,
) -> None:
    """Serve the graph (or ``files``) over HTTP until interrupted: a read-only SPARQL 1.1
    endpoint at ``/sparql``, linked-data pages for every project IRI, a query page at ``/``.

    :param store: keep the Oxigraph store on disk here (reused while the data is unchanged)
    :param timeout: seconds a query may run before it is stopped (503)
    :param max_rows: most solutions (or triples) an answer may hold (413 past it)
    :param workers: query worker processes
    :param max_bytes: largest answer in bytes (413 past it)
    :param base_url: the public address named by the Service Description (default
        ``http://HOST:PORT``; set it behind a proxy)
    :param header_timeout: seconds a connection may take to send its request head
    :param max_connections: open connections; requests past it get 503
    """
    from iusgraph.serve.app import build_settings
    from iusgraph.serve.app import serve as _serve
    from iusgraph.serve.settings import Options, check_base_url, check_port

    options = Options(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        max_bytes=max_bytes,
        header_timeout=header_timeout,
        max_connections=max_connections,
    )
    options.check()
    if base_url:
        check_base_url(base_url)
    check_port(host, port)  # before the graph is loaded: a port in use fails at once
    files = list(files or [])
    settings = build_settings(
        files, store, options, base_url=base_url, graph=None if files else load_graph()
    )
    _serve(host, port, settings)


def network(graph: Graph) -> nx.MultiDiGraph:
    """The direct triples as a networkx MultiDiGraph, claim qualifiers on the edges
    (see :mod:`iusgraph.network.project`)."""
    from iusgraph.network.project import project

    return project(graph)


def explain(graph: Graph, start: str, end: str, max_paths: int = 5) -> Explanation:
    """The shortest evidence-backed paths from ``start`` to ``end`` (ids, CURIEs, IRIs or
    labels), each hop with its sources and quotes."""
    from iusgraph.network.explain import explain as _explain

    return _explain(network(graph), start, end, max_paths)


def agreement(graph: Graph, predicate: str = "ius:hasSideEffect") -> Agreement:
    """Which sources assert each object of ``predicate``, and their Jaccard overlaps."""
    from iusgraph.network.agreement import source_agreement

    return source_agreement(network(graph), predicate)


def graph_qc(graph: Graph) -> Report:
    """Structural findings of the graph view: unreached entities, disconnected components,
    effects with no recommended action (see :mod:`iusgraph.network.structure`)."""
    from iusgraph.network.structure import structural_report

    return structural_report(network(graph))


def export(
    graph: Graph, formats: list[str], out_dir: Path, *, release: ReleaseInfo | None = None
) -> list[Path]:
    """Write the graph in ``formats`` (names of :data:`iusgraph.exporters.EXPORTERS`) into
    ``out_dir``, as one set; the networkx projection is built once for all the network
    formats. ``release`` (the release being written) goes to the formats that name it: the
    nanopublications' publication info."""
    return exporters.write(graph, formats, out_dir, release=release)


def draw(
    graph: Graph,
    out_dir: Path,
    *,
    focus: str | None = None,
    depth: int = 1,
    formats: tuple[str, ...] = exporters.PICTURES,
) -> list[Path]:
    """Pictures with Graphviz: the overview, or ``focus``'s neighbourhood up to ``depth``."""
    from iusgraph.network.draw import draw as _draw

    return _draw(network(graph), out_dir, focus=focus, depth=depth, formats=formats)


def verify_evidence(sources: Path, graph: Graph | None = None) -> Report:
    """Check every selector, hash and excluded region against the documents in ``sources``.

    :param graph: the data; by default the graph compiled from the curated tables, and
        then each finding names the table row (``claims/<source>.tsv:LINE``,
        ``ledger/<source>.tsv:LINE``) to fix; a given graph's text units are checked too
    """
    from iusgraph.curation.compile import build_graph, read_curation
    from iusgraph.validation.evidence import verify_evidence as _verify
    from iusgraph.validation.ledger import check_graph_units

    if graph is not None:
        report = _verify(sources, graph)
        report.extend(check_graph_units(graph, sources))
        return report
    curation = read_curation()
    rows = {
        str(claim.evidence_iri(n)): evidence.where
        for claim in curation.claims
        for n, evidence in enumerate(claim.evidence, start=1)
    }
    report = _verify(sources, build_graph(), rows)
    report.extend(verify_ledger(sources))
    return report


def verify_ledger(sources: Path) -> Report:
    """Check each ``data/ledger/<source>.tsv`` against the segmenter's reading of its document:
    a missing table, a row that is not a unit, a unit with no row, a text cell that does not
    match each name the table's line."""
    from iusgraph.validation.ledger import check_ledgers

    return check_ledgers(data_dir(), sources)


def ledger(sources: Path, *, drop_stale: bool = False) -> list[Refresh]:
    """Write (or refresh) ``data/ledger/<source>.tsv`` for every source from the segmenter,
    keeping the curated kinds, levels, reasons and notes of units that are still units.

    :param drop_stale: clear the reason of a unit that a claim now cites
    """
    from iusgraph.curation.compile import read_curation
    from iusgraph.curation.ledger import refresh_table
    from iusgraph.curation.registry import read_text
    from iusgraph.graph.vocabulary import load_vocabulary

    folder = data_dir()
    if is_bundled(folder):
        raise IusgraphError(
            "ledger writes the curation tables in place, and these are the copy "
            "installed with the package: run it inside your checkout, or "
            "pass --data DIR (or set IUSGRAPH_DATA)"
        )
    curation = read_curation(folder)
    vocab = load_vocabulary()
    (folder / "ledger").mkdir(exist_ok=True)
    out = []
    for key, source in sorted(curation.sources.items()):
        claims = [claim for claim in curation.claims if claim.source == key]
        out.append(
            refresh_table(
                folder / "ledger" / f"{key}.tsv",
                source,
                read_text(sources, source),
                claims,
                vocab,
                drop_stale=drop_stale,
            )
        )
    return out


def stats(graph: Graph) -> Stats:
    """What the graph holds, counted: entities by class, claims by source and predicate,
    evidence spans, conflicts and each source's ledger."""
    from iusgraph.query.stats import compute_stats

    return compute_stats(graph)


def release(
    version: str,
    out_dir: Path,
    *,
    previous: Path | None = None,
    date: str | None = None,
) -> list[Path]:
    """Write the release bundle ``version`` of the curated graph into ``out_dir``: every
    export, the versioned ontology, ``void.ttl``, ``SHA256SUMS`` and, given the
    ``previous`` bundle, ``CHANGES.md`` (see :mod:`iusgraph.release.bundle`).

    :param date: the release date (YYYY-MM-DD); by default ``SOURCE_DATE_EPOCH``'s UTC
        date if it is set, else today's UTC date
    """
    from iusgraph.graph.release_info import ReleaseInfo
    from iusgraph.release.bundle import release_date, write_release

    return write_release(ReleaseInfo(version, release_date(date)), out_dir, previous)


def diff(old: Path | None, new: Path | None = None, *, git: str | None = None) -> GraphDiff:
    """What differs from the graph ``old`` to the graph ``new``, grouped by claim
    (``iusgraph diff``). Each is an RDF file or a release bundle folder.

    :param git: compare instead the graph compiled from the curated data in use as it was
        at this git revision (``old`` must then be None) with ``new``, or by default with
        the current curated data
    """
    from iusgraph.release.diff import diff_graphs, read_graph

    if git is not None:
        from iusgraph.curation.revision import graph_at

        if old is not None:
            raise IusgraphError("--git REV is the old graph: give at most one graph, the new one")
        before = graph_at(git)
        after = read_graph(new) if new is not None else load_graph()
    else:
        if old is None or new is None:
            raise IusgraphError("diff compares two graphs: give OLD and NEW, or --git REV [NEW]")
        before, after = read_graph(old), read_graph(new)
    return diff_graphs(before, after)


def synth(out_dir: Path, *, drugs: int, faults: int = 0, seed: int = 0) -> dict[str, int]:
    """Write a synthetic corpus (for scale tests) into ``out_dir``; deterministic per seed."""
    from iusgraph.scale.synth import write_corpus

    return write_corpus(out_dir, drugs, faults, seed)


def anchor(sources: Path, tables: list[Path] | None = None) -> tuple[int, list[str]]:
    """Fill empty offsets in the claim tables from their quotes; returns (filled, warnings).

    The tables are those of the data folder in use (``--data``, ``IUSGRAPH_DATA`` or the
    checkout); the copy installed with the package is never written.
    """
    from iusgraph.curation.anchor import anchor_tables

    folder = data_dir()
    if is_bundled(folder) or any(is_bundled(table) for table in tables or []):
        raise IusgraphError(
            "anchor fills the curation tables in place, and these are the copy "
            "installed with the package: run it inside your checkout, or "
            "pass --data DIR (or set IUSGRAPH_DATA)"
        )
    return anchor_tables(folder, sources, tables or None)
