"""Reading the curators' tab-separated tables, with file:line in every error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iusgraph.errors import InputError
from iusgraph.graph.files import read_utf8

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def unescape(cell: str) -> str:
    r"""Turn ``\n``, ``\t`` and ``\\`` in a table cell into the characters.

    >>> unescape(r"a\nb\\c")
    'a\nb\\c'
    """
    out: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in _ESCAPES:
            out.append(_ESCAPES[cell[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def escape(text: str) -> str:
    r"""The inverse of :func:`unescape`.

    >>> escape("a\nb\\c")
    'a\\nb\\\\c'
    """
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class Row:
    """One data row of a table, with where it came from."""

    path: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column``, stripped; empty when the row has none."""
        return self.cells.get(column, "").strip()

    def error(self, message: str) -> InputError:
        """An :class:`~iusgraph.errors.InputError` pointing at this row's file and line."""
        return InputError(message, path=self.path, line=self.line)


def _header_problem(header: list[str], columns: list[str]) -> str:
    """What is wrong with a header row, naming what cannot be seen (a BOM, a space)."""
    expected = "header must be the tab-separated columns " + " ".join(columns)
    if header and header[0].startswith("\ufeff"):
        return (
            expected + ", but the file starts with a byte-order mark (BOM, U+FEFF); "
            "save it as UTF-8 without a BOM"
        )
    spaced = [cell for cell in header if cell != cell.strip()]
    if spaced and [cell.strip() for cell in header] == columns:
        return expected + f", but {spaced[0]!r} has a space around it; remove the space"
    return expected + f", found: {' '.join(repr(cell) for cell in header)}"


def read_table(path: Path, columns: list[str]) -> list[Row]:
    """Read a TSV table whose header must be exactly ``columns``.

    Blank lines and lines starting with ``#`` are skipped.
    """
    shown = str(path)
    text = read_utf8(path)
    rows: list[Row] = []
    header: list[str] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            if header != columns:
                raise InputError(_header_problem(header, columns), path=shown, line=number)
            continue
        if len(cells) > len(columns):
            raise InputError(
                f"{len(cells)} tab-separated cells, expected at most {len(columns)}; "
                "check for a stray tab (write a tab inside text as \\t)",
                path=shown,
                line=number,
            )
        cells += [""] * (len(columns) - len(cells))
        rows.append(Row(shown, number, dict(zip(columns, cells, strict=False))))
    if header is None:
        raise InputError("empty table: expected a header row " + " ".join(columns), path=shown)
    return rows
