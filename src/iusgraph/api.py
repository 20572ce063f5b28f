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

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .build import build_graph
from .engines import run_query
from .errors import IusgraphError
from .export import write_exports
from .loading import load_files
from .namespaces import PREFIXES
from .queries import format_result, resolve_query
from .report import Report
from .resources import data_dir
from .sources import anchor_table, load_registry, read_text
from .sources import verify_evidence as _verify
from .stats import Stats, compute_stats
from .synth import write_corpus
from .validate import validate_graph


def load_graph(files: list[Path] | None = None) -> Graph:
    """The graph in the given RDF files, or compiled from the curated data when none are given."""
    return load_files(files) if files else build_graph()


def build(out_dir: Path) -> list[Path]:
    """Compile the curated data and write every export into ``out_dir``."""
    return write_exports(build_graph(), out_dir)


def validate(graph: Graph) -> Report:
    """SHACL shapes, QC queries and selector checks, in one report."""
    return validate_graph(graph)


def parse_binding(text: str) -> tuple[str, URIRef | Literal]:
    """``name=value`` where value is a CURIE, an ``<IRI>`` or a plain string.

    >>> parse_binding("effect=ent:back-pain")
    ('effect', rdflib.term.URIRef('https://w3id.org/iusgraph/entity/back-pain'))
    """
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name or not value:
        raise IusgraphError(f"--bind {text!r}: write NAME=VALUE, e.g. effect=ent:back-pain")
    if value.startswith("<") and value.endswith(">"):
        return name, URIRef(value[1:-1])
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES:
        return name, URIRef(PREFIXES[prefix] + local)
    return name, Literal(value)


def query(name_or_file: str | None, graph: Graph, *, sparql: str | None = None,
          fmt: str = "table", bindings: list[str] | None = None, engine: str = "rdflib",
          store: Path | None = None) -> str:
    """Run a competency query by name, a ``.rq`` file, or SPARQL text, and render the result.

    :param engine: ``rdflib`` or ``oxigraph`` (an embedded store, in memory or in ``store``).
    """
    if sparql is not None:
        origin, text = "--sparql", sparql
    elif name_or_file:
        origin, text = resolve_query(name_or_file)
    else:
        raise IusgraphError("give a query NAME, a FILE.rq or --sparql TEXT")
    init = dict(parse_binding(b) for b in bindings or [])
    result = run_query(graph, text, engine=engine, bindings=init, store_dir=store, origin=origin)
    return format_result(result, fmt)


def verify_evidence(sources: Path, graph: Graph) -> Report:
    """Check every selector, hash and excluded region against the documents in ``sources``."""
    return _verify(graph, sources)


def stats(graph: Graph) -> Stats:
    return compute_stats(graph)


def synth(out_dir: Path, *, drugs: int, faults: int = 0, seed: int = 0) -> dict[str, int]:
    """Write a synthetic corpus (for scale tests) into ``out_dir``; deterministic per seed."""
    return write_corpus(out_dir, drugs, faults, seed)


def anchor(sources: Path, tables: list[Path] | None = None) -> tuple[int, list[str]]:
    """Fill empty offsets in the claim tables from their quotes; returns (filled, warnings)."""
    folder = data_dir()
    _, registry = load_registry(folder / "sources.ttl")
    filled, warnings = 0, []
    for table in tables or sorted((folder / "claims").glob("*.tsv")):
        source = registry.get(table.stem)
        if source is None:
            raise IusgraphError(f"{table}: no source named {table.stem!r} in data/sources.ttl")
        count, notes = anchor_table(table, read_text(sources, source))
        filled += count
        warnings += notes
    return filled, warnings
