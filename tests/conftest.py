"""Shared fixtures: the graph is compiled and validated once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from iusgraph.curation.compile import build_graph
from iusgraph.validation.report import Report
from iusgraph.validation.validate import validate_graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The source documents live beside the repository, never inside it.
SOURCES = Path(os.environ.get("IUSGRAPH_SOURCES", ROOT.parent / "shared" / "sources")).absolute()


def cli(*args: object):  # type: ignore[no-untyped-def]
    """Run the ``iusgraph`` command through click's runner; it must never print a traceback."""
    from click.testing import CliRunner

    from iusgraph.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def run():  # type: ignore[no-untyped-def]
    return cli


@pytest.fixture(scope="session")
def graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="session")
def report(graph: Graph) -> Report:
    return validate_graph(graph)


@pytest.fixture(scope="session")
def sources() -> Path:
    if not SOURCES.is_dir():
        pytest.fail(f"source documents not found at {SOURCES}; set IUSGRAPH_SOURCES")
    return SOURCES


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens a network connection."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:  # pragma: no cover - must not run
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def net(graph: Graph):  # type: ignore[no-untyped-def]
    """The networkx projection of the compiled graph (iusgraph.network.project.project)."""
    from iusgraph.network.project import project

    return project(graph)
