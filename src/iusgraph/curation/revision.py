"""The graph compiled from the curated data at a git revision (``iusgraph diff --git REV``).

The data folder in use (:func:`iusgraph.graph.resources.data_dir`) must be inside a git
checkout. Its tree at the revision is taken with ``git archive`` into a temporary folder
and compiled there with the code in use now (and the ontology at the revision, when
the ontology in use is in the same checkout: :func:`graph_at`), so that the difference to
the current data is what the change does. Every git call is bounded in time
(:data:`GIT_TIMEOUT`), and the archive in size (:data:`MAX_ARCHIVE`, counted with
``git ls-tree`` before it is made); git not installed,
a folder outside a checkout, an unknown revision or a revision without the data folder
are :class:`~iusgraph.errors.IusgraphError` (exit 2).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.resources import data_dir, ontology_dir

if TYPE_CHECKING:
    from rdflib import Graph

#: Seconds one git command may take.
GIT_TIMEOUT = 60.0
#: Largest archive of the data folder read from git, in bytes.
MAX_ARCHIVE = 256 * 1024 * 1024


def _git(folder: Path, *args: str) -> bytes:
    """The standard output of ``git -C folder ARGS``; IusgraphError when it fails."""
    git = shutil.which("git")
    if git is None:
        raise IusgraphError("git is not installed; --git needs it (apt-get install git)")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        with subprocess.Popen(
            [git, "-C", str(folder), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        ) as process:
            try:
                out, err = process.communicate(timeout=GIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                raise IusgraphError(
                    f"git {args[0]} in {folder} took more than {GIT_TIMEOUT:g} s; try again"
                ) from None
    except OSError as exc:
        raise IusgraphError(f"git could not run: {exc.strerror or exc}") from None
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"exit code {process.returncode}")
    return out


def _tree_size(top: Path, commit: str, prefix: str) -> int:
    """The bytes of the files under ``prefix`` at ``commit`` (``git ls-tree -l``)."""
    listing = _git(top, "ls-tree", "-r", "-l", "-z", commit, "--", prefix or ".")
    size = 0
    for entry in listing.split(b"\0"):
        fields = entry.split(None, 4)
        if len(fields) >= 4 and fields[3].isdigit():
            size += int(fields[3])
    return size


class _GitFailed(IusgraphError):
    """A git command that exited with an error (its last line of standard error)."""


def checkout_of(folder: Path) -> tuple[Path, str]:
    """The top folder of the git checkout holding ``folder``, and ``folder``'s path in it
    (``data/``). IusgraphError when ``folder`` is not in a git checkout."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8").strip()
        prefix = _git(folder, "rev-parse", "--show-prefix").decode("utf-8").strip()
    except _GitFailed as exc:
        raise IusgraphError(
            f"{folder} is not in a git checkout ({exc}); --git compares with a revision of "
            "the repository holding the curated data: run inside a checkout, or give "
            "--data a folder of one"
        ) from None
    return Path(top), prefix


def resolve(top: Path, revision: str) -> str:
    """The commit ``revision`` names in the checkout ``top``; IusgraphError if none."""
    if not revision or revision.startswith("-"):
        raise IusgraphError(f"{revision!r} is not a revision; give a commit, branch or tag")
    try:
        out = _git(
            top, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"
        )
    except _GitFailed:
        out = b""
    commit = out.decode("utf-8").strip()
    if not commit:
        raise IusgraphError(
            f"unknown revision {revision!r} in {top}; give a commit, branch or tag "
            "('git log --oneline' lists the commits)"
        )
    return commit


def _ontology_prefix(top: Path) -> str | None:
    """The path in the checkout ``top`` of the ontology folder in use, if it is in it."""
    ontology = ontology_dir().resolve()
    if not ontology.is_relative_to(top.resolve()):
        return None
    return ontology.relative_to(top.resolve()).as_posix() + "/"


def graph_at(revision: str, folder: Path | None = None) -> Graph:
    """The graph compiled from the curated data folder (by default :func:`data_dir`) as it
    was at git ``revision``, with the current code.

    The ontology is the one at ``revision`` too when the ontology folder in use is in the
    same checkout (as ``data/`` and ``ontology/`` are in this repository), so that a change
    to either shows; otherwise (the installed copy, or a data folder kept elsewhere) it is
    the ontology in use now.
    """
    from iusgraph.curation.compile import build_graph

    folder = (folder or data_dir()).resolve()
    top, prefix = checkout_of(folder)
    commit = resolve(top, revision)
    prefixes = [prefix or "."]
    ontology = _ontology_prefix(top)
    size = _tree_size(top, commit, prefix)
    if ontology is not None and ontology != prefix:
        ontology_size = _tree_size(top, commit, ontology)
        if ontology_size:
            prefixes.append(ontology)
            size += ontology_size
        else:  # no ontology there at that revision: the one in use now
            ontology = None
    if size > MAX_ARCHIVE:
        raise IusgraphError(
            f"the curated data at revision {revision!r} holds {size} bytes, more than "
            f"{MAX_ARCHIVE} (iusgraph.curation.revision.MAX_ARCHIVE)"
        )
    archive = _git(top, "archive", "--format=tar", commit, "--", *prefixes)
    with tempfile.TemporaryDirectory(prefix="iusgraph-rev-") as tmp:
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise IusgraphError(f"git archive of {revision!r} could not be read: {exc}") from None
        old = Path(tmp) / prefix
        if not (old / "sources.ttl").is_file():
            raise IusgraphError(
                f"revision {revision!r} has no curated data at {prefix or './'} "
                f"(no sources.ttl) in {top}"
            )
        try:
            return build_graph(old, Path(tmp) / ontology if ontology is not None else None)
        except (InputError, SyntaxError, OSError) as exc:  # SyntaxError: rdflib's BadSyntax
            where = str(exc).replace(tmp + "/", f"{revision}:")
            raise IusgraphError(
                f"the curated data at revision {revision!r} does not compile with the "
                f"current code: {where}"
            ) from None
