"""The ``PREFIX`` lines of the shipped query files, written from the one prefix table.

Every ``queries/cq/*.rq`` and ``queries/qc/*.rq`` file is standalone SPARQL 1.1: after its
comment header (read by :func:`iusgraph.query.catalog.comment_header`, so it stays first)
come ``PREFIX`` lines for exactly the prefixes its query uses, in alphabetical order, with
the namespaces of :data:`iusgraph.graph.namespaces.PREFIXES`, then one blank line and the
query. :func:`with_prologue` writes that block; regenerate every file with
``python -m iusgraph.query.prologue`` and check them with ``--check`` (exit 1 and the names
of the files that differ), as ``tests/query/test_standalone_queries.py`` does.

>>> print(with_prologue("# Question: x\\nSELECT ?c { ?c a ius:Claim }\\n"), end="")
# Question: x
PREFIX ius: <https://w3id.org/iusgraph/ontology/>
<BLANKLINE>
SELECT ?c { ?c a ius:Claim }
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import PREFIXES, prologue
from iusgraph.graph.resources import queries_dir
from iusgraph.query.text import prefixes_used

#: The folders of ``queries/`` whose files carry a generated prologue.
KINDS = ("cq", "qc")

_PREFIX_LINE = re.compile(r"PREFIX\s", re.IGNORECASE)


def split(text: str) -> tuple[str, str, str]:
    """``(header, prologue, query)``: the leading ``#`` lines, the ``PREFIX`` lines (and
    blank lines) after them, and the rest."""
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1
    end = head
    while end < len(lines) and (_PREFIX_LINE.match(lines[end]) or not lines[end].strip()):
        end += 1
    return "".join(lines[:head]), "".join(lines[head:end]), "".join(lines[end:])


def with_prologue(text: str, origin: str = "<query>") -> str:
    """``text`` with the generated ``PREFIX`` block between its header and its query."""
    header, _, query = split(text)
    used = prefixes_used(query)
    unknown = sorted(used - PREFIXES.keys())
    if unknown:
        raise IusgraphError(
            f"{origin}: uses prefixes that are not in iusgraph.graph.namespaces.PREFIXES: "
            + ", ".join(f"{prefix}:" for prefix in unknown)
        )
    block = prologue((prefix, PREFIXES[prefix]) for prefix in sorted(used))
    return header + block + ("\n" if block else "") + query


def query_files(root: Path | None = None) -> list[Path]:
    """The shipped query files, ``queries/cq/*.rq`` then ``queries/qc/*.rq``."""
    base = root or queries_dir()
    return [path for kind in KINDS for path in sorted((base / kind).glob("*.rq"))]


def stale(root: Path | None = None) -> list[Path]:
    """The query files whose ``PREFIX`` block differs from what :func:`with_prologue` writes."""
    return [
        path
        for path in query_files(root)
        if with_prologue(text := path.read_text(encoding="utf-8"), str(path)) != text
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m iusgraph.query.prologue [--check]``: rewrite (or check) every file."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = args == ["--check"]
    if args and not check:
        sys.stderr.write("usage: python -m iusgraph.query.prologue [--check]\n")
        return 2
    changed = stale()
    for path in changed:
        if check:
            sys.stderr.write(f"{path}: PREFIX block differs from the prefix table\n")
        else:
            text = path.read_text(encoding="utf-8")
            path.write_text(with_prologue(text, str(path)), encoding="utf-8")
            sys.stdout.write(f"rewrote {path}\n")
    return 1 if check and changed else 0


if __name__ == "__main__":  # pragma: no cover - the command line
    raise SystemExit(main())
