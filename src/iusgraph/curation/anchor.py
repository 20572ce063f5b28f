"""``iusgraph anchor``: fill the empty start/end offsets of the claim tables from their
quotes, for curators. The tables are rewritten in place, atomically."""

from __future__ import annotations

from pathlib import Path

from iusgraph.curation.claims import COLUMNS
from iusgraph.curation.compile import claim_tables
from iusgraph.curation.registry import load_registry, read_text
from iusgraph.curation.tables import escape, read_table, unescape
from iusgraph.graph.files import atomic_write_text


def anchor_table(path: Path, text: str) -> tuple[int, list[str]]:
    """Fill empty start/end cells of a claim table from its quotes.

    Returns how many rows were filled and warnings for quotes that occur
    more than once (the first occurrence is taken). The file is rewritten
    atomically; every other byte stays as it was.
    """
    rows = {row.line: row for row in read_table(path, COLUMNS)}
    lines = path.read_text(encoding="utf-8").split("\n")
    filled = 0
    warnings: list[str] = []
    for number, row in rows.items():
        if row.get("start") and row.get("end"):
            continue
        exact = unescape(row.cells.get("exact", ""))
        if not exact:
            raise row.error("cannot anchor a row without an 'exact' quote")
        start = text.find(exact)
        if start < 0:
            raise row.error(f"quote not found in the source: {exact[:60]!r}; copy it verbatim")
        if text.find(exact, start + 1) >= 0:
            warnings.append(
                f"{path}:{number}: quote occurs more than once; took the first, at {start}"
            )
        cells = [row.cells[c] for c in COLUMNS]
        cells[5], cells[6], cells[7] = str(start), str(start + len(exact)), escape(exact)
        lines[number - 1] = "\t".join(cells)
        filled += 1
    if filled:
        atomic_write_text(path, "\n".join(lines))
    return filled, warnings


def anchor_tables(
    folder: Path, sources: Path, tables: list[Path] | None = None
) -> tuple[int, list[str]]:
    """Anchor ``tables`` (by default every claim table of the data ``folder``) against the
    documents in ``sources``; returns (rows filled, warnings)."""
    _, registry = load_registry(folder / "sources.ttl")
    filled, warnings = 0, []
    for table, source in claim_tables(folder / "claims", registry, tables):
        count, notes = anchor_table(table, read_text(sources, source))
        filled += count
        warnings += notes
    return filled, warnings
