"""Progress bars of the commands, seen as a user sees them: each command runs in its own
process with standard error on a pseudo-terminal (and standard output on a pipe), the
threshold forced low with IUSGRAPH_PROGRESS_FROM. The bar must name the step and give the
time left, ``--quiet`` must remove it, and standard output must not change."""

from __future__ import annotations

import fcntl
import http.server
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from iusgraph import api
from iusgraph.progress import THRESHOLD_VARIABLE

from ..helpers import cli

#: tqdm's "[elapsed<left": the estimate of the time left, once a step is timed.
TIME_LEFT = re.compile(rb"\[\d\d:\d\d<\d\d:\d\d")


def run(args: list[str], *, terminal: bool, threshold: str | None = "1") -> tuple[bytes, bytes]:
    """The standard output and standard error of ``iusgraph ARGS``, which must succeed.

    With ``terminal``, standard error is a pseudo-terminal 120 columns wide; its ``\\r\\n``
    (the terminal's end of line) is read back as ``\\n``.
    """
    env = {k: v for k, v in os.environ.items() if k != THRESHOLD_VARIABLE}
    if threshold is not None:
        env[THRESHOLD_VARIABLE] = threshold
    command = [sys.executable, "-m", "iusgraph", *args]
    if not terminal:
        done = subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout, done.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    out: list[bytes] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    err = b""
    while True:
        try:
            block = os.read(leader, 1 << 16)
        except OSError:  # EIO: the process closed the terminal
            break
        if not block:
            break
        err += block
    os.close(leader)
    reader.join(timeout=300)
    assert process.wait(timeout=300) == 0, err.decode()
    return out[0], err.replace(b"\r\n", b"\n")


def three_runs(args: list[str]) -> tuple[bytes, bytes, bytes]:
    """Standard error on a terminal, on a terminal with --quiet, and on a pipe; standard
    output is the same in all three."""
    out_bar, err_bar = run(args, terminal=True)
    out_quiet, err_quiet = run([args[0], "--quiet", *args[1:]], terminal=True)
    out_pipe, err_pipe = run(args, terminal=False)
    assert out_bar == out_quiet == out_pipe
    assert out_bar  # each command says what it did
    return err_bar, err_quiet, err_pipe


@pytest.mark.parametrize(
    "command", ["synth", "validate", "build", "export", "publish", "query", "serve"]
)
def test_the_commands_that_show_progress_take_quiet(command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0 and "--quiet" in result.output


def test_synth_shows_the_drugs_written_and_the_time_left(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    args = ["synth", "--drugs", "25", "--seed", "2", "--out", str(out)]
    out_bar, err_bar = run(args, terminal=True)
    written = (out / "synth.nt").read_bytes()
    assert b"synth: writing drugs" in err_bar and b"25/25" in err_bar
    assert TIME_LEFT.search(err_bar), err_bar
    out_quiet, err_quiet = run([args[0], "--quiet", *args[1:]], terminal=True)
    assert (out / "synth.nt").read_bytes() == written
    out_pipe, err_pipe = run(args, terminal=False)
    assert (out / "synth.nt").read_bytes() == written
    assert out_bar == out_quiet == out_pipe
    assert b"writing drugs" not in err_quiet and err_quiet == err_pipe
    assert b"\r" not in err_pipe + err_quiet  # nothing redrawn: no bar at all


def test_below_the_threshold_a_terminal_shows_no_bar(tmp_path: Path) -> None:
    args = ["synth", "--drugs", "3", "--out", str(tmp_path / "corpus")]
    out_bar, err_bar = run(args, terminal=True, threshold=None)  # 3 drugs: far below 100k
    out_pipe, err_pipe = run(args, terminal=False, threshold=None)
    assert out_bar == out_pipe and err_bar == err_pipe
    assert b"writing drugs" not in err_bar
    _, err_forced = run(args, terminal=True, threshold="1000")  # 3 drugs, about 1300 triples
    assert b"writing drugs" in err_forced


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    api.synth(folder, drugs=8, seed=4)
    return folder / "synth.nt"


def test_validate_shows_loading_then_each_step(corpus: Path) -> None:
    """The checks run side by side: the bar names those still running, first all of them."""
    err_bar, err_quiet, err_pipe = three_runs(["validate", str(corpus), "--format", "json"])
    assert b"loading: synth.nt" in err_bar
    assert b"validating: shapes, QC queries, selector lengths, duration bounds" in err_bar
    assert TIME_LEFT.search(err_bar)
    assert err_quiet == err_pipe and b"validating" not in err_quiet


def test_build_shows_each_export(tmp_path: Path) -> None:
    err_bar, err_quiet, err_pipe = three_runs(["build", "--out", str(tmp_path / "build")])
    for step in (b"exporting: turtle", b"exporting: ntriples", b"exporting: jsonld"):
        assert step in err_bar, step
    assert b"exporting: writing the files" in err_bar and TIME_LEFT.search(err_bar)
    assert err_quiet == err_pipe and b"exporting" not in err_quiet


class GraphStore(http.server.BaseHTTPRequestHandler):
    """A Graph Store that takes every PUT and POST and keeps the N-Triples POSTed."""

    received: ClassVar[list[bytes]] = []

    def do_PUT(self) -> None:
        self._take()

    def do_POST(self) -> None:
        self._take()

    def _take(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.command == "POST":
            self.received.append(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def graph_store() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GraphStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    GraphStore.received.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


def test_publish_shows_the_bytes_sent(corpus: Path, graph_store: str) -> None:
    args = ["publish", str(corpus), "--endpoint", graph_store, "--chunk-size", "500"]
    err_bar, err_quiet, err_pipe = three_runs(args)
    assert b"publishing" in err_bar and b"100%" in err_bar and TIME_LEFT.search(err_bar)
    assert err_quiet == err_pipe and b"publishing" not in err_quiet
    # Three runs, each of every line of the file (synth.nt has no blank nodes or comments).
    assert b"".join(GraphStore.received) == 3 * corpus.read_bytes()
