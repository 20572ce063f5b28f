"""Shared pytest fixtures only (constants and functions are in helpers.py): the graph is
compiled and validated once per test session."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from iusgraph.curation.compile import build_graph
from iusgraph.graph.resources import use_data
from iusgraph.validation.report import Report
from iusgraph.validation.validate import validate_graph

from .helpers import ROOT, SOURCES, cli, git

# The test session's own cache folder (inherited by the commands the tests start), so that
# no test reads what an earlier run or the user's own commands left in ~/.cache/iusgraph.
os.environ["IUSGRAPH_CACHE"] = tempfile.mkdtemp(prefix="iusgraph-test-cache-")


@pytest.fixture(autouse=True)
def _data_folder_reset() -> Iterator[None]:
    """A test's ``--data DIR`` (the CLI's :func:`use_data`) lasts for that test only: it
    once left a git test repository's edited copy of data/ in force for the session's
    ``graph``, when a test module that built it ran later."""
    yield
    use_data(None)


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
    """Fail the test if anything opens a network connection.

    Local IPC stays allowed: a query worker that the server restarts meanwhile connects to
    multiprocessing's fork server over a Unix socket (under load, a worker killed at its
    time limit was restarted during such a test, and the refusal broke the pool)."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:  # pragma: no cover - must not run
        raise AssertionError("a connection was attempted")

    local_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return local_connect(self, address)  # type: ignore[arg-type]
        raise AssertionError(f"a connection was attempted to {address!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="session")
def net(graph: Graph):  # type: ignore[no-untyped-def]
    """The networkx projection of the compiled graph (iusgraph.network.project.project)."""
    from iusgraph.network.project import project

    return project(graph)


#: A fixture a test can only use with the marker that says so (pyproject.toml's markers).
MARKED_FIXTURES = {
    "sources": "needs_sources",
    "virtuoso_server": "needs_virtuoso",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test that uses a marked fixture without its marker, so that ``-m`` selects
    every test that reads the documents or starts Virtuoso."""
    missing = [
        f"{item.nodeid} uses {fixture} without @pytest.mark.{marker}"
        for item in items
        for fixture, marker in MARKED_FIXTURES.items()
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None
    ]
    if missing:
        raise pytest.UsageError("\n".join(missing))


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of data/ and ontology/, committed once."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed; the --git tests need it")
    top = tmp_path / "repo"
    top.mkdir()
    shutil.copytree(ROOT / "data", top / "data")
    shutil.copytree(ROOT / "ontology", top / "ontology")
    git(top, "init", "-q")
    git(top, "add", "data", "ontology")
    git(top, "commit", "-q", "-m", "data")
    return top
