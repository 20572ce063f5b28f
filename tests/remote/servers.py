"""SPARQL servers for tests/remote/test_remote.py: Oxigraph server and Virtuoso.

Each runs as a child process for the test session, bound to 127.0.0.1 on free
ports, with its database in a temporary folder, and is stopped at the end. A
missing server binary fails the tests with what to install; it never skips.

- Oxigraph: the ``oxigraph`` command of the PyPI package ``oxigraph`` (in the
  ``test`` extra), found next to the Python running the tests or on PATH.
- Virtuoso: ``virtuoso-t`` and ``isql-vt`` of the Debian package
  ``virtuoso-opensource``. A fresh database lets anonymous clients write through
  ``/sparql-graph-crud``, and gets a default graph (``VIRTUOSO_DEFAULT_GRAPH``)
  so that ``?default`` works as on Oxigraph.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest

from ..helpers import FIXTURES

START_TIMEOUT = 60.0
#: The graph Virtuoso's Graph Store treats as the default graph (``?default``) and
#: its query endpoint reads when a request names no default-graph-uri.
VIRTUOSO_DEFAULT_GRAPH = "urn:x-iusgraph:default-graph"
VIRTUOSO_SETUP = f"""
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
INSERT INTO DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) VALUES ('%', '{VIRTUOSO_DEFAULT_GRAPH}');
"""


@dataclass(frozen=True)
class Server:
    name: str
    #: SPARQL 1.1 Protocol endpoint (queries).
    query_url: str
    #: SPARQL 1.1 Graph Store HTTP Protocol endpoint (publish).
    store_url: str
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_binary(name: str, install: str) -> str:
    """``name`` next to the running Python (a virtual environment's bin) or on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} not found next to {sys.executable} or on PATH: {install}", pytrace=False
        )
    return found


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers(port: int, path: str) -> bool:
    """True once the server answers GET ``path`` with 200 (http.client: no proxies)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _wait_until_up(
    name: str, process: subprocess.Popen[bytes], port: int, path: str, log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{name} exited with code {process.returncode} while starting:\n{_tail(log)}",
                pytrace=False,
            )
        if _answers(port, path):
            return
        time.sleep(0.1)
    pytest.fail(
        f"{name} did not answer on port {port} within {START_TIMEOUT:g} s:\n{_tail(log)}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = find_binary(
        "oxigraph",
        'install the test extra: pip install ".[test]" '
        "(the PyPI package oxigraph provides the oxigraph command)",
    )
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_up("oxigraph serve", process, port, "/query?query=ASK%7B%7D", log)
        yield Server(
            "oxigraph", f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store", log
        )
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    install = (
        "install Virtuoso: apt-get install virtuoso-opensource (Debian/Ubuntu; "
        "it provides virtuoso-t and isql-vt)"
    )
    binary = find_binary("virtuoso-t", install)
    isql = find_binary("isql-vt", install)
    folder = tmp_path_factory.mktemp("virtuoso")
    port, http_port = free_port(), free_port()
    template = Template((FIXTURES / "virtuoso" / "virtuoso.ini").read_text(encoding="utf-8"))
    ini = folder / "virtuoso.ini"
    ini.write_text(
        template.substitute(dir=folder, port=port, http_port=http_port), encoding="utf-8"
    )
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_up("virtuoso-t", process, http_port, "/sparql?query=ASK%7B%7D", log)
        setup = subprocess.run(
            [isql, f"127.0.0.1:{port}", "dba", "dba", f"exec={VIRTUOSO_SETUP}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if setup.returncode != 0 or "*** Error" in setup.stdout + setup.stderr:
            pytest.fail(
                f"isql-vt could not set up Virtuoso:\n{setup.stdout}{setup.stderr}", pytrace=False
            )
        yield Server(
            "virtuoso",
            f"http://127.0.0.1:{http_port}/sparql",
            f"http://127.0.0.1:{http_port}/sparql-graph-crud",
            log,
        )
    finally:
        _stop(process)
