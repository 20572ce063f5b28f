"""The settings of ``iusgraph serve``, and the one set of defaults that the CLI's options,
:func:`iusgraph.api.serve` and the server all read.

Light on purpose (no engine, no web framework): ``iusgraph --help`` shows these defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iusgraph.errors import IusgraphError
from iusgraph.graph.resources import SOURCE_ROOT

if TYPE_CHECKING:
    from iusgraph.serve.workers import StoreSource


@dataclass(frozen=True)
class Options:
    """What ``iusgraph serve`` may be told, each with its default."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a query may run before it is stopped (503).
    timeout: float = 10.0
    #: Most solutions (or triples) an answer may hold (413 past it).
    max_rows: int = 10_000
    #: Query worker processes.
    workers: int = 2
    #: Largest answer in bytes (413 past it).
    max_bytes: int = 64 * 1024 * 1024
    #: Seconds a connection may take to send a complete request head.
    header_timeout: float = 10.0
    #: Open connections (uvicorn's limit_concurrency): requests past it get 503.
    max_connections: int = 1000
    #: Most requests waiting for a query worker (503 with Retry-After past it).
    queue: int = 64

    def check(self) -> None:
        """IusgraphError (exit 2) when an option is out of range."""
        if self.timeout <= 0 or self.header_timeout <= 0:
            raise IusgraphError("--timeout and --header-timeout must be more than 0 seconds")
        if min(self.max_rows, self.workers, self.max_connections, self.queue) < 1:
            raise IusgraphError("--max-rows, --workers and --max-connections must be at least 1")
        if self.max_bytes < 1024:
            raise IusgraphError("--max-bytes must be at least 1 KiB")


#: The defaults.
DEFAULTS = Options()

#: Longest query text accepted (bytes).
MAX_QUERY_BYTES = 100_000
#: Seconds a request body may take to arrive (408 past it).
BODY_TIMEOUT = 30.0
#: Seconds running queries get to finish when the server is stopped (SIGTERM).
STOP_GRACE = 3.0


@dataclass
class Settings:
    """A server's settings: where its workers get the data, and its options."""

    source: StoreSource
    timeout: float = DEFAULTS.timeout
    max_rows: int = DEFAULTS.max_rows
    workers: int = DEFAULTS.workers
    yasgui_dir: Path | None = None
    cleanup: Any = field(default=None)
    max_bytes: int = DEFAULTS.max_bytes
    #: The server's public address: the Service Description names ``base_url/sparql``.
    base_url: str = f"http://{DEFAULTS.host}:{DEFAULTS.port}"
    queue: int = DEFAULTS.queue
    header_timeout: float = DEFAULTS.header_timeout
    max_connections: int = DEFAULTS.max_connections


def find_yasgui() -> Path | None:
    """YASGUI's build folder, installed by setup.sh with npm (``node_modules``), if any."""
    candidates = []
    if os.environ.get("IUSGRAPH_YASGUI"):
        candidates.append(Path(os.environ["IUSGRAPH_YASGUI"]))
    for root in (Path.cwd(), SOURCE_ROOT):
        candidates.append(root / "node_modules" / "@zazuko" / "yasgui" / "build")
    for folder in candidates:
        if (folder / "yasgui.min.js").is_file():
            return folder
    return None


def check_port(host: str, port: int) -> None:
    """Fail with one message when the address cannot be bound (in use, or no such host)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IusgraphError(f"--host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise IusgraphError(
                f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port"
            ) from None


def default_base_url(host: str, port: int) -> str:
    """``http://HOST:PORT`` from ``--host``/``--port`` (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def check_base_url(url: str) -> str:
    """``--base-url``: an http(s) URL with a host, without query or fragment."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise IusgraphError(
            f"--base-url must be an http:// or https:// URL with a host, "
            f"such as https://example.org/ius/, not {url!r}"
        )
    return url.rstrip("/")


def connection_limit(wanted: int) -> int:
    """``wanted`` open connections, or fewer when the file-descriptor limit is lower (some
    are kept for the workers' pipes, the store and the log)."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - 64))
