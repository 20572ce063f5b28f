"""Loading RDF files given on the command line: one parser, bounded, FILE:LINE:COL errors.

Every RDF file is parsed by Oxigraph, whichever engine then holds it, so an
rdflib graph and an Oxigraph store accept and refuse the same files (Oxigraph
checks every IRI and literal; rdflib's parsers let some through that no other
tool reads). The bounds:

- **RDF/XML** may not declare a DOCTYPE or an ENTITY. Oxigraph's RDF/XML parser
  expands internal entities without limit (749 bytes of "billion laughs" took
  9 GB) and pyoxigraph has no option to stop it, so the declarations are refused
  on the bytes the parser would read, before it reads them. Entities can only be
  declared in a DOCTYPE, and the file must be UTF-8 without NUL characters, so no
  other encoding can spell one that this search misses.
- **JSON-LD** may nest at most :data:`MAX_JSON_DEPTH` levels (Oxigraph's parser
  crashes the process at a few thousand) and may not name a remote ``@context``:
  iusgraph never fetches, and Oxigraph, which has no loader set, refuses one too.
- **A token** (literal or IRI) may be at most 16 MiB, Oxigraph's buffer.
- **An empty file**, or one holding no triples, is an input error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph

from iusgraph.errors import InputError, IusgraphError, NetworkRefused
from iusgraph.graph.namespaces import bind_prefixes
from iusgraph.graph.terms import to_rdflib
from iusgraph.progress import BYTES_PER_TRIPLE, Bar

#: The RDF file types iusgraph reads, by suffix: one table for every command.
FILE_TYPES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".n3": ox.RdfFormat.N3,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
#: Deepest nesting of arrays and objects accepted in JSON-LD.
MAX_JSON_DEPTH = 256
_XML_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_BATCH = 50_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def file_type(path: Path) -> ox.RdfFormat:
    """The format of an RDF file by its suffix; an input error for any other file."""
    fmt = FILE_TYPES.get(path.suffix.lower())
    if fmt is None:
        raise InputError("unknown RDF file type; use " + ", ".join(FILE_TYPES), path=str(path))
    return fmt


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not an RDF file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None


def _check_xml(path: Path, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"RDF/XML must be UTF-8: not UTF-8 at byte {exc.start}", path=str(path)
        ) from None
    if b"\0" in data:
        raise InputError("RDF/XML must be UTF-8 without NUL characters", path=str(path))
    match = _XML_DECLARATION.search(data)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1
        raise InputError(
            f"<!{match.group(1).decode().upper()} declarations are refused: XML "
            "entities can expand without bound (a few hundred bytes can fill "
            "the memory); write the values out and remove the DOCTYPE",
            path=str(path),
            line=line,
        )


def _depth_exceeded(value: object, limit: int) -> bool:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _remote_contexts(value: object) -> list[str]:
    """Every @context (or @import) in a JSON-LD document that is a reference, not inline."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in ("@context", "@import"):
                    refs = child if isinstance(child, list) else [child]
                    found += [r for r in refs if isinstance(r, str)]
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _refused_context(path: Path, iri: str) -> NetworkRefused:
    return NetworkRefused(
        f"{path}: refused remote JSON-LD context {iri!r}: iusgraph never "
        "fetches contexts; inline the context (the build writes one, "
        "context.jsonld)"
    )


def _check_json(path: Path, data: bytes) -> None:
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 at byte {exc.start}", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON syntax error: {exc.msg}", path=str(path), line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise InputError(
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels; flatten it", path=str(path)
        ) from None
    if _depth_exceeded(document, MAX_JSON_DEPTH):
        raise InputError(
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels; flatten it", path=str(path)
        )
    remote = _remote_contexts(document)
    if remote:
        raise _refused_context(path, remote[0])


def check_file(path: Path) -> ox.RdfFormat:
    """The format of an RDF file iusgraph reads (by suffix) that exists; an input error
    for any other path."""
    fmt = file_type(path)
    if path.is_dir():
        raise InputError("is a folder, not an RDF file", path=str(path))
    if not path.is_file():
        raise InputError("file not found", path=str(path))
    return fmt


def _source(path: Path) -> tuple[ox.RdfFormat, bytes | None]:
    """The file's format, and its bytes when a check had to read them first."""
    fmt = check_file(path)
    if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        data = _read(path)
        (_check_xml if fmt == ox.RdfFormat.RDF_XML else _check_json)(path, data)
        return fmt, data
    return fmt, None


def parse_error(path: Path, exc: BaseException) -> IusgraphError:
    """An Oxigraph parse failure as one message with FILE:LINE:COL and what to do."""
    if isinstance(exc, MemoryError):
        if "buffer maximal size" not in str(exc):
            return InputError(
                "ran out of memory while parsing; give a smaller file", path=str(path)
            )
        return InputError(
            "a literal or IRI is longer than 16 MiB, the parser's limit; split it or leave it out",
            path=str(path),
        )
    if isinstance(exc, SyntaxError):
        message = str(exc.msg if exc.msg else exc)
        if "LoadDocumentCallback" in message:
            return _refused_context(path, "(a remote context)")
        why = re.sub(r"^Parser error (?:at|between) line [^:]*: ", "", message)
        why = re.sub(r" \(line \d+\)$", "", why)
        why = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", why)
        return InputError(
            f"syntax error: {why}; fix the file and run again",
            path=str(path),
            line=exc.lineno,
            column=exc.offset,
        )
    if isinstance(exc, OSError):
        return InputError(f"cannot read: {exc.strerror or exc}", path=str(path))
    return InputError(f"cannot parse: {exc}", path=str(path))


def _no_triples(path: Path) -> InputError:
    hint = (
        "; JSON-LD drops a node whose @id is not a valid IRI (a space, a brace), so "
        "check the @id values"
        if file_type(path) == ox.RdfFormat.JSON_LD
        else ""
    )
    return InputError(
        f"holds no triples (an empty or truncated file?){hint}; give a file with data",
        path=str(path),
    )


class _Reported:
    """A binary file that tells ``report`` how many bytes each read gave the parser."""

    def __init__(self, handle: BinaryIO, report: Callable[[int], None]) -> None:
        self._handle = handle
        self._report = report

    def read(self, size: int = -1) -> bytes:
        """The next ``size`` bytes (all the rest with -1)."""
        block = self._handle.read(size)
        self._report(len(block))
        return block


def _parser(
    path: Path,
    fmt: ox.RdfFormat,
    data: bytes | None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ox.Quad]:
    base = path.resolve().as_uri()
    if data is not None:
        if progress is not None:
            progress(len(data))
        return iter(ox.parse(data, format=fmt, base_iri=base))
    if progress is None:
        return iter(ox.parse(path=str(path), format=fmt, base_iri=base))
    return _parse_reported(path, fmt, base, progress)


def _parse_reported(
    path: Path, fmt: ox.RdfFormat, base: str, progress: Callable[[int], None]
) -> Iterator[ox.Quad]:
    with path.open("rb") as handle:
        # pyoxigraph asks for IO[bytes] and calls only read(size)
        reported: Any = _Reported(handle, progress)
        yield from ox.parse(reported, format=fmt, base_iri=base)


def parse_quads(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[ox.Quad]:
    """The triples of one RDF file, as Oxigraph reads them, checked and bounded.

    :param progress: told the number of bytes the parser has read, as it reads them
    """
    fmt, data = _source(path)
    count = 0
    try:
        for quad in _parser(path, fmt, data, progress):
            count += 1
            yield quad
    except (SyntaxError, MemoryError, OSError, ValueError) as exc:
        raise parse_error(path, exc) from None
    if count == 0:
        raise _no_triples(path)


#: Formats that hold one triple (or quad) per line, and refuse a triple over two lines.
LINE_FORMATS = frozenset({ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS})
#: The block a file is searched in by :func:`parse_quads_holding` (whole lines).
_SEARCH_BLOCK = 1 << 25


def parse_quads_holding(path: Path, needles: Collection[bytes]) -> Iterator[ox.Quad]:
    """The triples of one RDF file whose text holds one of ``needles``, and maybe others.

    In a format of :data:`LINE_FORMATS` only the lines holding a needle are given to
    Oxigraph's parser (a line holds one whole triple, and nothing of another one), which is
    how :func:`iusgraph.graph.store.input_terms` reads a few predicates from a large
    N-Triples file without converting every triple. Any other format is parsed whole. A
    caller that looks for a term by its text must also look for what can spell it another
    way, such as an IRI's ``\\u`` escapes. The lines left out are not parsed, so not
    checked either: read the file whole first (validation has loaded it into the store). On
    a syntax error the file is read again whole, so that the error names the file's line.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "g.nt"
    ...     _ = path.write_bytes(b'<http://a/s> <http://a/p> "1" .\\n<http://a/s> <http://a/q> "2" .')
    ...     [q.object.value for q in parse_quads_holding(path, [b"<http://a/q>"])]
    ['2']
    """
    fmt = check_file(path)
    if fmt not in LINE_FORMATS or not needles:
        yield from parse_quads(path)
        return
    found = sorted(set(needles))
    base = path.resolve().as_uri()
    try:
        with path.open("rb") as handle:
            rest = b""
            for block in iter(lambda: handle.read(_SEARCH_BLOCK), b""):
                block, rest = _whole_lines(rest + block)
                yield from ox.parse(_lines_holding(found, block), format=fmt, base_iri=base)
            yield from ox.parse(_lines_holding(found, rest), format=fmt, base_iri=base)
    except (SyntaxError, MemoryError, ValueError) as exc:
        for _ in parse_quads(path):  # the whole file's reading names its own line
            pass
        raise parse_error(path, exc) from None
    except OSError as exc:
        raise parse_error(path, exc) from None


def _whole_lines(data: bytes) -> tuple[bytes, bytes]:
    """``data`` cut after its last line end: the whole lines, and the rest."""
    end = data.rfind(b"\n") + 1
    return data[:end], data[end:]


def _lines_holding(needles: Collection[bytes], block: bytes) -> bytes:
    """The lines of ``block`` (whole lines) that hold one of ``needles``, in order.

    Each needle is looked for with ``bytes.find``, which runs far faster over a large
    block than a regular expression of the alternatives.
    """
    starts: set[int] = set()
    for needle in needles:
        at = block.find(needle)
        while at >= 0:
            start = block.rfind(b"\n", 0, at) + 1
            starts.add(start)
            end = block.find(b"\n", at)
            at = -1 if end < 0 else block.find(needle, end)
    lines = []
    for start in sorted(starts):
        end = block.find(b"\n", start)
        lines.append(block[start:] if end < 0 else block[start : end + 1])
    return b"".join(lines)


def load_into(store: ox.Store, path: Path, progress: Callable[[int], None] | None = None) -> None:
    """Parse one RDF file into the store's default graph (Oxigraph's bulk loader).

    :param progress: told the number of bytes the parser has read, as it reads them
    """
    fmt, data = _source(path)
    try:
        if next(_parser(path, fmt, data), None) is None:  # reads no further than one triple
            raise _no_triples(path)
        base = path.resolve().as_uri()
        if data is not None:
            store.bulk_load(data, format=fmt, base_iri=base)
            if progress is not None:
                progress(len(data))
        elif progress is None:
            store.bulk_load(path=str(path), format=fmt, base_iri=base)
        else:
            with path.open("rb") as handle:
                reported: Any = _Reported(handle, progress)  # as in _parse_reported
                store.bulk_load(reported, format=fmt, base_iri=base)
    except (SyntaxError, MemoryError, OSError, ValueError) as exc:
        raise parse_error(path, exc) from None


def load_file(graph: Graph, path: Path, progress: Callable[[int], None] | None = None) -> None:
    """Add the triples of one RDF file to an rdflib graph.

    :param progress: told the number of bytes the parser has read, as it reads them
    """
    batch: list[tuple[Any, Any, Any, Graph]] = []
    for quad in parse_quads(path, progress):
        batch.append(
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph)
        )
        if len(batch) >= _BATCH:
            graph.addN(batch)
            batch.clear()
    graph.addN(batch)


def load_files(paths: list[Path]) -> Graph:
    """An rdflib graph of the RDF files, each parsed by Oxigraph (see the module notes)."""
    graph = Graph()
    bind_prefixes(graph)
    with loading(paths) as bar:
        for path in paths:
            bar.stage(path.name)
            load_file(graph, path, bar.update if bar.shown else None)
    return graph


def loading(paths: list[Path]) -> Bar:
    """The progress bar of loading ``paths``, in bytes (shown for 10 MB and more)."""
    size = sum(path.stat().st_size for path in paths if path.is_file())
    return Bar("loading", size, triples=size // BYTES_PER_TRIPLE, unit="B")
