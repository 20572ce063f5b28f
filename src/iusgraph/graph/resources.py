"""Where the ontology, curated data and queries are.

In a wheel they ship inside the package (``iusgraph/_resources``); in a source
checkout they are the top-level folders. The curated data is looked for in this
order, so that a curator who edits ``data/`` checks what they edited:

1. ``--data DIR`` (the CLI calls :func:`use_data`), or the ``IUSGRAPH_DATA`` variable;
2. the checkout the current folder is in (a folder whose ``pyproject.toml`` names
   iusgraph and which holds ``data/sources.ttl``): its ``data/``, ``ontology/`` and
   ``queries/`` are used, not the installed copy;
3. the copy bundled with the package.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import hashlib

import iusgraph
from iusgraph.errors import InputError

#: The installed package, computed from the package itself (not from this module's depth),
#: and the checkout it sits in when installed in editable mode (``src/iusgraph`` → root).
PACKAGE = Path(iusgraph.__file__).resolve().parent
SOURCE_ROOT = PACKAGE.parent.parent
ENV_DATA = "IUSGRAPH_DATA"
_NAME = re.compile(r'^\s*name\s*=\s*"iusgraph"\s*$', re.MULTILINE)
_override: Path | None = None


def use_data(folder: Path | None) -> None:
    """Read the curated data from ``folder`` from now on (None: the default order)."""
    global _override
    _override = folder


def _bundled() -> Path | None:
    bundled = PACKAGE / "_resources"
    return bundled if (bundled / "ontology").is_dir() else None


def _is_checkout(folder: Path) -> bool:
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return (
        bool(_NAME.search(text))
        and (folder / "data" / "sources.ttl").is_file()
        and (folder / "ontology").is_dir()
    )


def checkout_root(start: Path | None = None) -> Path | None:
    """The iusgraph checkout that ``start`` (the current folder) is in, if any."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current folder was removed
        return None
    return _checkout_of(here)


@functools.lru_cache(maxsize=16)
def _checkout_of(here: Path) -> Path | None:
    for folder in (here, *here.parents):
        if _is_checkout(folder):
            return folder
    return None


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    bundled = _bundled()
    if bundled is None:  # running from a checkout or an editable install
        source = SOURCE_ROOT
        if (source / "ontology").is_dir():
            return source
        raise FileNotFoundError(
            "iusgraph resources not found: reinstall the package (pip install .)"
        )
    return checkout_root() or bundled


def ontology_dir() -> Path:
    """The ``ontology/`` folder of :func:`resource_root`."""
    return resource_root() / "ontology"


def data_dir() -> Path:
    """The curated data folder in use (see the module notes for the order)."""
    chosen = _override or (Path(os.environ[ENV_DATA]) if os.environ.get(ENV_DATA) else None)
    if chosen is None:
        return resource_root() / "data"
    if not (chosen / "sources.ttl").is_file():
        origin = "--data" if _override else ENV_DATA
        raise InputError(
            f"not a curated data folder (no sources.ttl); give {origin} the "
            "folder holding sources.ttl, entities/ and claims/",
            path=str(chosen),
        )
    return chosen


def queries_dir() -> Path:
    """The ``queries/`` folder of :func:`resource_root`."""
    return resource_root() / "queries"


def is_bundled(folder: Path) -> bool:
    """Whether ``folder`` is inside the copy installed with the package."""
    bundled = _bundled()
    return bundled is not None and folder.resolve().is_relative_to(bundled.resolve())


def _tree_files(folder: str) -> list[tuple[str, os.stat_result]]:
    """Every file under ``folder`` but compiled bytecode, with its status, in a stable order."""
    stack = [folder]
    files = []
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                for item in listing:
                    if item.is_dir(follow_symlinks=False):
                        if item.name != "__pycache__":
                            stack.append(item.path)
                    elif not item.name.endswith(".pyc"):
                        files.append((item.path, item.stat()))
        except OSError:
            continue
    return sorted(files, key=lambda pair: pair[0])


#: The content hash of each file read in this process, by path, size and modification
#: time: a file is read again as soon as either changes.
_DIGESTS: dict[tuple[str, int, int], bytes] = {}


def _sha256(data: bytes = b"") -> hashlib._Hash:
    """A SHA-256 hash object; hashlib is imported on first use, not at startup
    (``iusgraph --help`` hashes nothing)."""
    import hashlib

    return hashlib.sha256(data)


def _file_digest(path: str, status: os.stat_result) -> bytes:
    key = (path, status.st_size, status.st_mtime_ns)
    if key not in _DIGESTS:
        with open(path, "rb") as handle:
            _DIGESTS[key] = _sha256(handle.read()).digest()
    return _DIGESTS[key]


def tree_digest(folder: str | Path) -> bytes:
    """A SHA-256 of every file under ``folder`` (but compiled bytecode): each one's path
    relative to ``folder`` and its content. A file's content is hashed once per process
    while its size and modification time stay the same."""
    root = os.fspath(folder)
    digest = _sha256()
    for path, status in _tree_files(root):
        digest.update(os.path.relpath(path, root).encode("utf-8") + b"\0")
        digest.update(_file_digest(path, status))
    return digest.digest()


def stale_install_note() -> str | None:
    """A note when the checkout in use differs from the copy installed with the package.

    The checkout is what is read; the note says so, so that nobody takes the installed
    copy (used outside the checkout) for what they just edited.
    """
    bundled, root = _bundled(), resource_root()
    if bundled is None or root == bundled:
        return None
    changed = [
        name
        for name in ("ontology", "data", "queries")
        if (root / name).is_dir() and tree_digest(root / name) != tree_digest(bundled / name)
    ]
    if not changed:
        return None
    return (
        f"note: using {', '.join(changed)} of the checkout at {root}, which differ from the "
        "installed copy that iusgraph uses outside it; run 'bash setup.sh' to reinstall"
    )
