"""The one registry of export formats: what ``build`` and ``export`` write, and how.

Each :class:`Exporter` names its files, whether it renders the RDF graph or its networkx
projection (:func:`iusgraph.network.project.project`), and its renderer as
``"module:function"``, imported only when the format is written: the CLI reads its
``--format`` choices from :data:`EXPORTERS` without loading rdflib, networkx or a
serializer. A new format is one entry here (and its renderer, which returns one text
per file). A renderer that names the release it belongs to (``release=True``) is also given
the keyword ``release``, the :class:`~iusgraph.graph.release_info.ReleaseInfo` or ``None``.

>>> list(EXPORTERS)
['turtle', 'ntriples', 'graphml', 'node-link', 'kgx', 'jsonld', 'fhir', 'nanopub']
>>> EXPORTERS["kgx"].files
('iusgraph_nodes.tsv', 'iusgraph_edges.tsv')
>>> [EXPORTERS[name].files[0] for name in BUILD]
['iusgraph.ttl', 'iusgraph.nt', 'iusgraph.jsonld']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from iusgraph.errors import IusgraphError
from iusgraph.graph.files import write_files
from iusgraph.progress import Bar

if TYPE_CHECKING:
    from rdflib import Graph

    from iusgraph.graph.release_info import ReleaseInfo


@dataclass(frozen=True)
class Exporter:
    """An export format."""

    name: str
    #: The files it writes, in the order its renderer returns their texts.
    files: tuple[str, ...]
    #: What it renders: the RDF graph, or its networkx projection.
    source: Literal["graph", "network"]
    #: ``"module:function"``: the function takes the graph (or the projection) and returns
    #: a text, or one text per file.
    render: str
    description: str
    #: Whether the renderer takes the keyword ``release`` (the release being written, or
    #: ``None``).
    release: bool = False

    def renderer(self) -> Callable[..., str | tuple[str, ...]]:
        """The rendering function, imported now."""
        module, _, function = self.render.partition(":")
        found: Callable[..., str | tuple[str, ...]] = getattr(
            importlib.import_module(module), function
        )
        return found


#: Every export format, in the order files are written and listed.
EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        Exporter(
            "turtle",
            ("iusgraph.ttl",),
            "graph",
            "iusgraph.graph.serialize:to_turtle",
            "Turtle, the project prefixes bound",
        ),
        Exporter(
            "ntriples",
            ("iusgraph.nt",),
            "graph",
            "iusgraph.graph.serialize:to_ntriples",
            "N-Triples, lines sorted",
        ),
        Exporter(
            "graphml",
            ("iusgraph.graphml",),
            "network",
            "iusgraph.network.interchange:to_graphml",
            "GraphML of the network view",
        ),
        Exporter(
            "node-link",
            ("iusgraph.node-link.json",),
            "network",
            "iusgraph.network.interchange:to_node_link",
            "node-link JSON of the network view",
        ),
        Exporter(
            "kgx",
            ("iusgraph_nodes.tsv", "iusgraph_edges.tsv"),
            "network",
            "iusgraph.network.interchange:to_kgx",
            "KGX TSV (Biolink) of the network view",
        ),
        Exporter(
            "jsonld",
            ("iusgraph.jsonld", "context.jsonld"),
            "graph",
            "iusgraph.graph.serialize:jsonld_files",
            "JSON-LD compacted with the project context (inline, and beside it)",
        ),
        Exporter(
            "fhir",
            ("iusgraph.fhir.json",),
            "graph",
            "iusgraph.fhir:to_fhir_bundle",
            "FHIR R5 Bundle: clinical use definitions with their provenance",
        ),
        Exporter(
            "nanopub",
            ("iusgraph.nanopub.trig",),
            "graph",
            "iusgraph.nanopub:to_nanopubs",
            "TriG: one nanopublication per claim, with trusty URIs",
            release=True,
        ),
    )
}

#: What ``iusgraph build`` writes: the RDF itself.
BUILD: tuple[str, ...] = ("turtle", "ntriples", "jsonld")
#: What ``iusgraph export`` writes by default: the formats for apps. FHIR is not among them:
#: it exports only the clinical-use claims (a view, not the whole graph), and leaving it out
#: keeps the default output of ``iusgraph export`` as it was; ``--format fhir`` writes it.
#: Nanopublications are not among them either: they repeat each claim's evidence and source
#: per claim (a publishing format, not an app's view); ``--format nanopub`` writes them.
APPS: tuple[str, ...] = ("graphml", "node-link", "kgx", "jsonld")
#: The picture formats of ``iusgraph draw`` (Graphviz's names).
PICTURES: tuple[str, ...] = ("svg", "png")


def check_formats(names: Iterable[str]) -> list[str]:
    """``names`` in registry order, each once; IusgraphError for an unknown one."""
    wanted = set(names)
    unknown = sorted(wanted - set(EXPORTERS))
    if unknown:
        raise IusgraphError(
            f"unknown export format {', '.join(unknown)}; use " + ", ".join(EXPORTERS)
        )
    return [name for name in EXPORTERS if name in wanted]


def write(
    graph: Graph, names: Iterable[str], out_dir: Path, *, release: ReleaseInfo | None = None
) -> list[Path]:
    """Write the formats ``names`` of ``graph`` into ``out_dir`` as one set: every file is
    staged first and renamed only when all are written
    (:func:`iusgraph.graph.files.write_files`). The projection is built once, and only
    when a network format is chosen. ``release`` goes to the renderers that take it."""

    chosen = [EXPORTERS[name] for name in check_formats(names)]
    network = any(exporter.source == "network" for exporter in chosen)
    steps = len(chosen) + int(network) + 1  # each format, the network view, writing the files
    with Bar("exporting", steps, triples=len(graph), unit="step") as bar:
        net = None
        if network:
            from iusgraph.network.project import project

            bar.stage("network view")
            net = project(graph)
            bar.update()
        items: list[tuple[Path, str | bytes]] = []
        for exporter in chosen:
            bar.stage(exporter.name)
            options = {"release": release} if exporter.release else {}
            texts = exporter.renderer()(net if exporter.source == "network" else graph, **options)
            texts = (texts,) if isinstance(texts, str) else texts
            items += [
                (Path(out_dir) / name, text)
                for name, text in zip(exporter.files, texts, strict=True)
            ]
            bar.update()
        bar.stage("writing the files")
        written = write_files(items)
        bar.update()
    return written
