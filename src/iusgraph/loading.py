"""Loading RDF files given on the command line, with FILE:LINE:COL errors.

JSON-LD documents that point to a remote ``@context`` are refused: rdflib
would fetch it, and iusgraph never reaches the network.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, NetworkRefused
from .namespaces import bind_prefixes

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
           ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3"}


def _remote_contexts(value: object) -> list[str]:
    """Every @context (or @import) in a JSON-LD document that is a reference, not inline."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "@import"):
                refs = item if isinstance(item, list) else [item]
                found += [r for r in refs if isinstance(r, str)]
            found += _remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            found += _remote_contexts(item)
    return found


def _bad_syntax(path: Path, text: str, exc: BadSyntax) -> InputError:
    position = getattr(exc, "_i", None)
    line = getattr(exc, "lines", 0) + 1
    column = None
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    why = getattr(exc, "_why", str(exc))
    return InputError(f"syntax error: {why}; fix the file and run again", path=str(path),
                      line=line, column=column)


def load_file(graph: Graph, path: Path) -> None:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError("unknown RDF file type; use .ttl, .nt, .jsonld, .rdf or .n3",
                         path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 at byte {exc.start}", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if fmt == "json-ld":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", path=str(path), line=exc.lineno,
                             column=exc.colno) from None
        remote = _remote_contexts(document)
        if remote:
            raise NetworkRefused(
                f"{path}: refused remote JSON-LD context {remote[0]!r}: iusgraph never fetches "
                "contexts; inline the context (the build writes one, context.jsonld)")
    # N-Triples is a subset of Turtle; the Turtle parser reports line and column.
    parse_as = "turtle" if fmt == "nt" else fmt
    try:
        graph.parse(data=text, format=parse_as, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise _bad_syntax(path, text, exc) from None
    except Exception as exc:  # parsers of other formats raise assorted exception types
        raise InputError(f"cannot parse as {fmt}: {exc}", path=str(path)) from None


def load_files(paths: list[Path]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        load_file(graph, path)
    return graph
