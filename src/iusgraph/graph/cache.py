"""A cache of what the curated data compiles to, in the platform's cache folder.

The graph compiled from the curated tables, the verdict that a query text passed the
checker, and the report of ``iusgraph validate`` stay the same until the data, the
ontology, the queries, the package or the libraries it runs on change. So each is kept
under a key that hashes all of them (:func:`inputs_key`), and is computed again whenever
the key changes.

- Where: ``$IUSGRAPH_CACHE``, else ``$XDG_CACHE_HOME/iusgraph``, else
  ``~/.cache/iusgraph``; ``IUSGRAPH_NO_CACHE=1`` turns the cache off.
- Trust: each entry is sealed with the SHA-256 of its body (:func:`seal`), and an entry
  whose seal does not match (a torn or edited file) is computed again, never used.
- Concurrency: an entry is written to a temporary file in the same folder and renamed
  into place, so a reader sees a whole entry or none; two processes that compute the same
  entry at once write the same bytes.
- Size: each kind keeps its :data:`KEEP` newest entries.

>>> blob = seal(b"body")
>>> blob.startswith(b"iusgraph-cache 1 "), unseal(blob), unseal(blob[:-1])
(True, b'body', None)
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from iusgraph.graph.resources import PACKAGE, data_dir, ontology_dir, queries_dir, tree_digest

ENV_DIR = "IUSGRAPH_CACHE"
ENV_OFF = "IUSGRAPH_NO_CACHE"
#: Entries of one kind kept; older ones are removed when a new one is written.
KEEP = 8
#: The libraries whose versions change what is cached (their readings of RDF and SPARQL).
LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "pyparsing")
_MAGIC = b"iusgraph-cache 1 "
_KIND = re.compile(r"^[a-z][a-z0-9-]*$")


def cache_root() -> Path:
    """The cache folder: ``$IUSGRAPH_CACHE``, ``$XDG_CACHE_HOME/iusgraph`` or
    ``~/.cache/iusgraph``."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iusgraph"


def enabled() -> bool:
    """Whether the cache is used (``IUSGRAPH_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def _library_versions() -> list[str]:
    """The installed versions of :data:`LIBRARIES`, read from their metadata folders'
    names (``rdflib-7.1.4.dist-info``) without importing them."""
    found = []
    names = {name.lower() for name in LIBRARIES}
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                found += [
                    item.name
                    for item in listing
                    if item.name.endswith(".dist-info")
                    and item.name.split("-", 1)[0].lower() in names
                ]
        except OSError:  # a missing folder or a zip on sys.path
            continue
    return sorted(found)


def inputs_key(*parts: str, files: Sequence[Path] = ()) -> str:
    """A hex SHA-256 of everything a cached value depends on.

    It reads the content of every file of the package and of the ``ontology/``,
    ``data/`` and ``queries/`` folders in use, the Python version and the versions of
    :data:`LIBRARIES`, then ``parts``. Large release ``files`` (hp.obo, the MeSH
    descriptors) that are installed, not edited, count by path, size and modification time.
    """
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for name in _library_versions():
        digest.update(b"\0lib\0" + name.encode())
    seen: set[str] = set()
    for folder in (PACKAGE, ontology_dir(), data_dir(), queries_dir()):
        root = os.path.realpath(folder)
        if root in seen:
            continue
        seen.add(root)
        digest.update(b"\0tree\0" + tree_digest(root))
    for release in files:
        try:
            status = release.stat()
        except OSError:
            digest.update(b"\0missing\0" + str(release).encode())
            continue
        digest.update(f"\0release\0{release}\0{status.st_size}\0{status.st_mtime_ns}".encode())
    for part in parts:
        digest.update(b"\0part\0" + part.encode())
    return digest.hexdigest()


def seal(body: bytes) -> bytes:
    """``body`` after a header holding its SHA-256."""
    return _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def unseal(blob: bytes) -> bytes | None:
    """The body of a sealed entry, or None when the header or the hash does not match."""
    if not blob.startswith(_MAGIC):
        return None
    header, newline, body = blob[len(_MAGIC) :].partition(b"\n")
    if not newline or header != hashlib.sha256(body).hexdigest().encode():
        return None
    return body


def _entry(kind: str, key: str) -> Path:
    if not _KIND.match(kind) or not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError(f"bad cache entry name {kind!r}/{key!r}")
    return cache_root() / kind / key


def read(kind: str, key: str) -> bytes | None:
    """The body of the entry, or None when it is missing, unreadable or damaged."""
    try:
        blob = _entry(kind, key).read_bytes()
    except OSError:
        return None
    return unseal(blob)


def write(kind: str, key: str, body: bytes) -> None:
    """Store an entry atomically; a folder that cannot be written leaves the cache off."""
    import tempfile

    path = _entry(kind, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(seal(body))
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(path.parent)
    except OSError:  # a read-only or full cache folder: the value is only not kept
        return


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` newest entries of a kind (and no stale temporary files)."""
    entries = []
    with os.scandir(folder) as listing:
        for item in listing:
            try:
                entries.append((item.stat().st_mtime_ns, item.name, Path(item.path)))
            except OSError:  # removed meanwhile by another process
                continue
    for _, _, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)


def cached(kind: str, key: str, compute: Callable[[], bytes]) -> bytes:
    """The entry ``kind``/``key``, or ``compute()`` stored there (with the cache off,
    always ``compute()``)."""
    if not enabled():
        return compute()
    body = read(kind, key)
    if body is None:
        body = compute()
        write(kind, key, body)
    return body
