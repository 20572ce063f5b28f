"""`iusgraph serve` as a real process on a free loopback port, for tests that need real
sockets, signals and worker processes (tests/serve/test_server.py).

Every request here has a client-side timeout, and the server is stopped at the end
(SIGTERM, then SIGKILL after 15 s), so no test can hang on it.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Live:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Answer:
        """One request on a fresh connection; raises TimeoutError past ``timeout``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            connection.close()

    def query(self, text: str, timeout: float = 30.0) -> Answer:
        return self.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": text}),
            headers={"Accept": "application/sparql-results+json"},
            timeout=timeout,
        )

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(folder: Path, *args: str) -> Iterator[Live]:
    """``iusgraph serve --port P ARGS`` with stdout and stderr in ``folder/serve-P.log``."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "iusgraph", "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    live = Live(port, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"iusgraph serve exited with {process.returncode}:\n{live.log_text()}",
                    pytrace=False,
                )
            try:
                if live.request("GET", "/sparql", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"iusgraph serve did not answer in {START_TIMEOUT:g} s", pytrace=False)
            time.sleep(0.2)
        yield live
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, command line) of a live process, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has finished; only its parent has not reaped it
        return None
    return int(fields[1]), cmdline


def descendants(root: int) -> dict[int, str]:
    """Every live process below ``root``, pid to command line (Linux /proc)."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := _stat(int(entry))) is not None:
            table[int(entry)] = found
    out: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, cmdline) in table.items():
            if ppid == parent and pid not in out:
                out[pid] = cmdline
                frontier.append(pid)
    return out


def query_workers(root: int) -> list[int]:
    """The query worker processes of a server: its descendants but multiprocessing's
    helpers (the resource tracker, and the fork server that forks the workers)."""
    workers = []
    for pid, cmdline in descendants(root).items():
        if "resource_tracker" in cmdline:
            continue
        found = _stat(pid)
        if found and found[0] == root and "forkserver" in cmdline:
            continue
        workers.append(pid)
    return workers


def alive(pid: int) -> bool:
    return _stat(pid) is not None
