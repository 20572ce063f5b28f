"""Shared constants and functions of the test suite (as pySHACL's test/helpers.py).

Test modules import from here, never from ``conftest.py`` or from another test
module; ``conftest.py`` holds the pytest fixtures only.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iusgraph.graph.namespaces import ENT, IUS, SH, SHAPE
from iusgraph.graph.vocabulary import shapes_graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The source documents live beside the repository, never inside it.
SOURCES = Path(os.environ.get("IUSGRAPH_SOURCES", ROOT.parent / "shared" / "sources")).absolute()
#: The SHACL shape fixtures (tests/validation/test_shapes.py) and their conforming base graph.
SHAPE_FIXTURES = FIXTURES / "shapes"
BASE = SHAPE_FIXTURES / "base.ttl"


def cli(*args: object):  # type: ignore[no-untyped-def]
    """Run the ``iusgraph`` command through click's runner; it must never print a traceback."""
    from click.testing import CliRunner

    from iusgraph.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def _local(iri: object) -> str:
    """A shape's name: its IRI without the ``shape:`` namespace."""
    return str(iri)[len(str(SHAPE)) :]


def range_shapes() -> list[str]:
    return sorted(
        _local(s)
        for s in shapes_graph().subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and _local(s).endswith("-range")
    )


def _range_case(name: str, valid: bool) -> tuple[Graph, URIRef]:
    """A triple of the shape's property whose checked end has the right or a wrong class."""
    shapes = shapes_graph()
    node = SHAPE[name]
    cls = shapes.value(node, SH["class"])
    prop = shapes.value(node, SH.targetObjectsOf) or shapes.value(node, SH.targetSubjectsOf)
    checks_object = shapes.value(node, SH.targetObjectsOf) is not None
    checked, other = ENT["checked-end"], ENT["other-end"]
    data = Graph()
    wrong = IUS.Population if cls != IUS.Population else IUS.Activity
    data.add((checked, RDF.type, cls if valid else wrong))
    data.add((other, RDF.type, IUS.Entity))
    for n in (checked, other):
        data.add((n, SKOS.prefLabel, Literal(str(n), lang="en")))
    triple = (other, prop, checked) if checks_object else (checked, prop, other)
    data.add(triple)  # type: ignore[arg-type]
    return data, checked


def git(folder: Path, *args: str) -> None:
    """Run git in ``folder`` with a test author (the ``repo`` fixture's commits)."""
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=60,
    )
