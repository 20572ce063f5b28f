"""The JSON-LD export read by PyLD, the JSON-LD 1.1 processor of the reference tests.

``iusgraph build`` writes ``iusgraph.jsonld`` (compacted, its context inline) beside
``iusgraph.ttl``. PyLD expands it and turns it into N-Quads with a document loader that
refuses every load, so the file needs nothing from the network; the quads, parsed by rdflib,
are the graph of the Turtle export (isomorphic: blank nodes may be renamed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from ..helpers import cli


def _refuse(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"PyLD tried to load {url}: the export must need no remote document")


OPTIONS: dict[str, Any] = {"documentLoader": _refuse}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    assert cli("build", "--out", out).exit_code == 0
    return out


@pytest.fixture(scope="module")
def document(built: Path) -> Any:
    return json.loads((built / "iusgraph.jsonld").read_text(encoding="utf-8"))


def test_expand_needs_no_loader_and_keeps_every_node(document: Any) -> None:
    expanded = jsonld.expand(document, OPTIONS)
    assert isinstance(expanded, list) and expanded
    ids = {node.get("@id") for node in expanded}
    assert "https://w3id.org/iusgraph/entity/mirena" in ids
    assert len(expanded) == len(document["@graph"])


def test_to_rdf_is_isomorphic_to_the_turtle_export(built: Path, document: Any) -> None:
    nquads = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    assert isinstance(nquads, str) and nquads
    lines = nquads.splitlines()
    assert all(line.endswith(" .") for line in lines)
    # Read as N-Triples: a quad naming a graph would be a syntax error, so every quad PyLD
    # writes is in the default graph.
    from_pyld = Graph().parse(data=nquads, format="nt")
    turtle = Graph().parse(built / "iusgraph.ttl", format="turtle")
    assert len(from_pyld) == len(turtle) == len(set(lines))
    # The export has no blank nodes, so isomorphic is equal; isomorphic() says so in general.
    if set(from_pyld) != set(turtle) and not isomorphic(
        from_pyld, turtle
    ):  # pragma: no cover - the diagnosis of a failure
        only_pyld = to_isomorphic(from_pyld) - to_isomorphic(turtle)
        only_ttl = to_isomorphic(turtle) - to_isomorphic(from_pyld)
        pytest.fail(
            f"{len(only_pyld)} triples only from PyLD, e.g. {sorted(only_pyld)[:3]}; "
            f"{len(only_ttl)} only in the Turtle, e.g. {sorted(only_ttl)[:3]}"
        )


def test_expand_then_to_rdf_gives_the_same_quads(document: Any) -> None:
    """to-RDF of the expanded form (what a client that expands first does) changes nothing."""
    direct = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    expanded = jsonld.expand(document, OPTIONS)
    via = jsonld.to_rdf(expanded, {**OPTIONS, "format": "application/n-quads"})
    assert sorted(direct.splitlines()) == sorted(via.splitlines())
