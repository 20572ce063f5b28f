"""Files in and out: UTF-8 text read with one clear error per failure, and sets of files
written atomically (each to a temporary file beside it, renamed only when all are
written), so a failed run never leaves a half-written export."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from iusgraph.errors import InputError


def read_utf8(path: Path, *, missing: str | None = None) -> str:
    """The text of a UTF-8 file; an :class:`~iusgraph.errors.InputError` naming the path
    when it is missing (``missing``, if given, says what to do), a folder, unreadable, or not
    UTF-8 (with the byte where it stops being UTF-8)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(missing or "file not found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8", path=str(path)
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    write_files([(path, text)])


def write_files(items: Sequence[tuple[Path, str | bytes]]) -> list[Path]:
    """Write a set of files: each to a temporary file beside it first, and only when all
    are written, rename them into place one after another.

    A failure (a full disk, a folder that cannot be written) leaves the old files as they
    were and no temporary file, and is an :class:`~iusgraph.errors.InputError` naming the
    path. Temporary files that a killed run left behind are removed.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in items:
            staged.append((_stage(path, data), path))
        for _, path in staged:  # what would stop a rename, before any rename
            if path.is_dir():
                raise InputError(
                    "cannot write: Is a directory; move it away or choose another --out",
                    path=str(path),
                )
        for tmp, path in staged:
            _replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [path for path, _ in items]


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(
        f"cannot write: {exc.strerror or exc}; choose a folder you can write "
        "to (--out), with room on its disk",
        path=str(path),
    )


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; exports are for sharing
        os.replace(tmp, path)
    except OSError as exc:
        raise _write_error(path, exc) from None


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.iusgraph-"


def _stale(parent: Path, prefix: str) -> Iterator[Path]:
    """Temporary files or folders ``<prefix><pid>.….tmp`` in ``parent`` whose run was
    killed (its pid is gone)."""
    for stale in parent.glob(prefix + "*.tmp"):
        pid = stale.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            yield stale


def _remove_stale(path: Path) -> None:
    """Remove temporary files of ``path`` left by a run that was killed."""
    for stale in _stale(path.parent, _temp_prefix(path)):
        stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stage(path: Path, data: str | bytes) -> Path:
    """``data`` in a new temporary file beside ``path`` (its name holds our pid)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        fd, name = tempfile.mkstemp(
            prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise _write_error(path, exc) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


@contextmanager
def replaced_folder(folder: Path, owned: set[str]) -> Iterator[Path]:
    """A new, empty folder that replaces ``folder`` as a whole once the block succeeds.

    For outputs that only make sense together (``synth``'s corpus, its documents and its
    list of faults): a reader sees the old set or the new one, never a mix. A kill between
    the two renames leaves ``folder`` missing rather than mixed. ``folder`` may hold only
    the names in ``owned``, so nothing a user put there is ever removed.
    """
    import shutil
    import tempfile

    parent = folder.parent
    marker = f".{folder.name}.iusgraph-"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in _stale(parent, marker):
            shutil.rmtree(stale, ignore_errors=True)
        if folder.is_dir():
            foreign = sorted(p.name for p in folder.iterdir() if p.name not in owned)
            if foreign:
                raise InputError(
                    "holds files this command did not write ("
                    + ", ".join(foreign[:5])
                    + "); give an empty folder or one "
                    "it made before",
                    path=str(folder),
                )
        elif folder.exists():
            raise InputError("is a file, not a folder", path=str(folder))
        stage = Path(tempfile.mkdtemp(prefix=f"{marker}{os.getpid()}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise _write_error(folder, exc) from None
    try:
        yield stage
        os.chmod(stage, 0o777 & ~_umask())
        old = parent / f"{marker}{os.getpid()}.old.tmp"
        if folder.exists():
            os.replace(folder, old)
        os.replace(stage, folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _write_error(folder, exc) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
