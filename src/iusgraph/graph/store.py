"""The Oxigraph store: in memory, or on disk and reused while its data is unchanged (a
fingerprint is kept beside it); the triples of the input files as written (the store
rewrites integer-derived literals, and validation reads them from here); and
:func:`in_parallel` for the many small queries that share the cores.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal

from iusgraph.errors import IusgraphError
from iusgraph.graph.load import check_file, load_into, loading, parse_quads, parse_quads_holding
from iusgraph.graph.terms import XSD_STRING, node_text, ntriples_lines, to_oxigraph_quads

T = TypeVar("T")
R = TypeVar("R")

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

FINGERPRINT_FILE = "iusgraph.fingerprint"


def open_store(graph: Graph, store_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding ``graph``: in memory, or on disk in ``store_dir``.

    Every term is checked on the way in (:func:`iusgraph.graph.terms.to_oxigraph_quads`), so
    an rdflib graph holding an IRI Oxigraph refuses is an input error, not a crash. An
    on-disk store is reused across calls while it holds the same graph (a fingerprint of
    the sorted N-Triples is kept beside it), and rebuilt when the graph changed.
    """
    quads = list(to_oxigraph_quads(graph))
    if store_dir is None:
        store = ox.Store()
        store.bulk_extend(quads)
        return store
    digest = hashlib.sha256()
    for line in ntriples_lines(quads):
        digest.update(line.encode("utf-8") + b"\n")
    return _store(store_dir, digest.hexdigest(), lambda store: store.bulk_extend(quads))


def store_from_files(paths: list[Path], store_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding the RDF files, parsed by Oxigraph (no rdflib on the way).

    With ``store_dir`` the store is kept on disk and reused while the files' bytes are
    unchanged.
    """
    digest = hashlib.sha256()
    for path in paths:
        check_file(path)
        if store_dir is None:  # an in-memory store is filled anyway: no fingerprint needed
            continue
        digest.update(str(path.resolve()).encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)

    def fill(store: ox.Store) -> None:
        with loading(paths) as bar:
            for path in paths:
                bar.stage(path.name)
                load_into(store, path, bar.update if bar.shown else None)

    return _store(store_dir, digest.hexdigest(), fill)


def store_graph(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib graph (for pySHACL, when a shape falls back)."""
    graph = Graph()
    graph.parse(
        data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
        format="nt",
    )
    return graph


def input_terms(
    paths: list[Path], predicates: Collection[str] | None = None
) -> Iterator[tuple[str, str, str, str | None]]:
    """(subject, predicate, lexical form, datatype) of every triple as written in the files:
    a blank node is ``_:`` and its label in the file, an IRI object ``<iri>``. With
    ``predicates``, only the triples with one of these predicates or with a blank node
    (the others are parsed but not converted).

    The store rewrites integer-derived literals; validation reads them from here. With
    ``predicates``, an N-Triples file is searched for their IRIs first, and only its lines
    that may hold one are parsed (:func:`~iusgraph.graph.load.parse_quads_holding`).
    """
    needles = None if predicates is None else _needles(predicates)
    for path in paths:
        quads = parse_quads(path) if needles is None else parse_quads_holding(path, needles)
        for quad in quads:
            subject, obj = quad.subject, quad.object
            # RDF 1.2, as the parsers read it: a triple term is never a subject.
            assert not isinstance(subject, ox.Triple)
            if (
                predicates is not None
                and quad.predicate.value not in predicates
                and not isinstance(subject, ox.BlankNode)
                and not isinstance(obj, ox.BlankNode)
            ):
                continue
            name = node_text(subject)
            if isinstance(obj, ox.Literal):
                yield name, quad.predicate.value, obj.value, obj.datatype.value
            else:
                yield name, quad.predicate.value, str(obj), None


def _needles(predicates: Collection[str]) -> list[bytes]:
    """What an N-Triples line holding one of ``predicates`` or a blank node holds: an IRI
    as written, ``_:``, or a backslash (an IRI's ``\\u`` and ``\\U`` escapes can spell it
    another way; one byte is also the fastest to look for)."""
    return [b"_:", b"\\"] + [f"<{iri}>".encode() for iri in predicates]


def graph_terms(
    graph: Graph, predicates: Collection[str] | None = None
) -> Iterator[tuple[str, str, str, str | None]]:
    """The same for an rdflib graph."""
    for s, p, o in graph:
        if (
            predicates is not None
            and str(p) not in predicates
            and not isinstance(s, BNode)
            and not isinstance(o, BNode)
        ):
            continue
        name = node_text(s)
        if isinstance(o, Literal):
            datatype = (
                str(o.datatype) if o.datatype else (RDF_LANG_STRING if o.language else XSD_STRING)
            )
            yield name, str(p), str(o), datatype
        else:
            yield name, str(p), f"_:{o}" if isinstance(o, BNode) else f"<{o}>", None


def _store(store_dir: Path | None, fingerprint: str, fill: Callable[[ox.Store], None]) -> ox.Store:
    if store_dir is None:
        store = ox.Store()
        fill(store)
        return store
    marker = store_dir / FINGERPRINT_FILE
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(store_dir))
    except OSError as exc:
        raise IusgraphError(
            f"{store_dir}: cannot open the store: {exc}; pass an empty or "
            "iusgraph-made folder to --store"
        ) from None
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != fingerprint:
        store.clear()
        fill(store)
        store.flush()
        marker.write_text(fingerprint + "\n", encoding="utf-8")
    return store


def in_parallel(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[func(item) for item in items]`` on a thread per core, results in input order.

    For Oxigraph queries: pyoxigraph releases the GIL while a query runs, so the
    many small validation queries share the cores (199 compiled shape checks at 1M
    triples: 15.3 s one after another, 6.2 s on two threads).
    """
    work = list(items)
    if len(work) < 2 or (os.cpu_count() or 1) < 2:
        return [func(item) for item in work]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        return list(pool.map(func, work))
