"""Writing the graph: Turtle, N-Triples and JSON-LD, byte-identical across runs.

Every file is written to a temporary file and renamed, so a failed run never
leaves a half-written export.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rdflib import Graph

from .namespaces import PREFIXES, bind_prefixes

CONTEXT_FILE = "context.jsonld"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    with atomic_writer(path) as handle:
        handle.write(text)


@contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A text handle on a temporary file beside ``path``, renamed onto it on success
    and removed on failure, so ``path`` is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; exports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context: the project prefixes (written beside the export as context.jsonld)."""
    return {prefix: iri for prefix, iri in sorted(PREFIXES.items()) if prefix not in ("sh", "shape")}


def to_turtle(graph: Graph) -> str:
    bind_prefixes(graph)
    return graph.serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    """N-Triples with lines sorted, so that diffs are line diffs."""
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def _sorted_json(value: object, ordered: bool = False) -> object:
    """Sort keys and value arrays; an ``@list`` keeps its order, which is data."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, ordered=k == "@list") for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sorted_json(v) for v in value]
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with the project context; nodes and values in a stable order.

    The context is inline (and also written beside the export as
    context.jsonld), so a reader never fetches anything remote.
    """
    context = jsonld_context()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    graph_nodes = data.get("@graph", [data])
    graph_nodes = sorted((_sorted_json(n) for n in graph_nodes),
                         key=lambda n: str(n.get("@id", "")))  # type: ignore[union-attr]
    out = {"@context": context, "@graph": graph_nodes}
    return json.dumps(out, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


EXPORTS = {
    "iusgraph.ttl": to_turtle,
    "iusgraph.nt": to_ntriples,
    "iusgraph.jsonld": to_jsonld,
}


def write_exports(graph: Graph, out_dir: Path) -> list[Path]:
    """Write every export format and the JSON-LD context into ``out_dir``."""
    written = []
    for name, render in EXPORTS.items():
        path = out_dir / name
        atomic_write_text(path, render(graph))
        written.append(path)
    context_path = out_dir / CONTEXT_FILE
    atomic_write_text(context_path, json.dumps({"@context": jsonld_context()}, indent=2,
                                               sort_keys=True) + "\n")
    written.append(context_path)
    return written


__all__ = ["atomic_write_text", "write_exports", "to_turtle", "to_ntriples",
           "to_jsonld"]
