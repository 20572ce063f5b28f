r"""Splitting a source document into text units, for the coverage ledger.

A *unit* is the smallest piece of a source that the ledger accounts for: a
heading, a sentence, a list item (or one sentence of it), a bold label or a
question. The rules, applied line by line, are deterministic and use only
:mod:`re`:

1. A line's leading markup is not part of a unit: whitespace, markdown heading
   marks (``#``, ``##`` ...; they make the line a heading of that level) and
   list markers (``* ``, ``- ``, ``1. ``).
2. A bold lead-in at the start of what remains (``**Contraindications:**``,
   ``**Q: How effective is it?**``) is a unit of its own: a ``question`` if it
   ends with ``?``, else a ``label``.
3. The rest of the line splits at sentence ends: ``.``, ``?`` or ``!`` (with any
   closing ``**``, quote or bracket) followed by white space and then a capital
   letter, a digit, a quote or a bracket.
4. Each piece is trimmed of white space and of ``**`` at either end; empty
   pieces are dropped.
5. Excluded regions (``data/sources.ttl``) cut units, so that a unit lies wholly
   inside or wholly outside every region.

The kind of a unit is *proposed* here and curated in the ledger table: a
markdown heading is a heading of its number of ``#``; a plain or numbered line
none of whose sentences ends in ``.``, ``,``, ``:``, ``;`` or ``!`` ("What is
Mirena?", "1. Side effects of IUD insertion") is one heading of level 1; a list
line gives ``list-item`` units; ``**...?**`` a ``question``; anything else a
``sentence``. Curators correct a proposal (a one-line value that is not
a heading, a heading's level in a plain-text document) in the table, and
``iusgraph ledger`` keeps their corrections.

>>> text = "### Usage\n* **Q: Is it safe?** A: Yes.  It is. See e.g. this.\nWhat is it?\n"
>>> [(u.start, u.end, u.kind, u.level, text[u.start:u.end]) for u in segment(text)]
... # doctest: +NORMALIZE_WHITESPACE
[(4, 9, 'heading', 3, 'Usage'), (14, 28, 'question', 0, 'Q: Is it safe?'),
 (31, 38, 'list-item', 0, 'A: Yes.'), (40, 46, 'list-item', 0, 'It is.'),
 (47, 61, 'list-item', 0, 'See e.g. this.'), (62, 73, 'heading', 1, 'What is it?')]

Numbered lines are list items unless they read as headings:

>>> [(u.kind, "1. Side effects\n1. Pain: it hurts.\n"[u.start:u.end])
...  for u in segment("1. Side effects\n1. Pain: it hurts.\n")]
[('heading', 'Side effects'), ('list-item', 'Pain: it hurts.')]

An excluded region cuts a unit:

>>> [(u.start, u.end) for u in segment("One two. Three four", [(9, 19)])]
[(0, 8), (9, 19)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

#: Unit kinds, the notations of the ``unit-kind`` scheme.
KINDS = ("heading", "sentence", "list-item", "label", "question")

_HEADING_MARK = re.compile(r"(#{1,6})[ \t]+")
_BULLET = re.compile(r"[*\-][ \t]+")
_NUMBERED = re.compile(r"\d+\.[ \t]+")
_BOLD_LEAD = re.compile(r"\*\*(.+?)\*\*")
#: A sentence end: the punctuation and what closes it, then the white space before the next.
_SENTENCE_END = re.compile(
    r"[.?!](?:\*\*|[\"'\u201d\u2019)\]])*(?=\s+[\"'\u201c\u2018(\[*]*[A-Z0-9])"
)
_NOT_A_HEADING_END = ".,:;!"


@dataclass(frozen=True)
class Unit:
    """One unit: 0-based character offsets (end excluded), a proposed kind and level."""

    start: int
    end: int
    kind: str
    level: int = 0  # headings only


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without white space or ``**`` at either end.

    >>> _trim(" **ab** ", 0, 8)
    (3, 5)
    """
    while True:
        before = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if text.startswith("**", start) and end - start >= 2:
            start += 2
        if end - start >= 2 and text[end - 2 : end] == "**":
            end -= 2
        if (start, end) == before:
            return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` split at sentence ends, trimmed, empty pieces dropped."""
    out: list[tuple[int, int]] = []
    at = start
    for match in _SENTENCE_END.finditer(text, start, end):
        out.append((at, match.end()))
        at = match.end()
    out.append((at, end))
    trimmed = [_trim(text, a, b) for a, b in out]
    return [(a, b) for a, b in trimmed if b > a]


def _line_units(text: str, start: int, end: int) -> Iterator[Unit]:
    at = start
    while at < end and text[at] in " \t":
        at += 1
    level = 0
    marker = ""
    heading = _HEADING_MARK.match(text, at, end)
    if heading:
        level = len(heading.group(1))
        at = heading.end()
    elif bullet := _BULLET.match(text, at, end):
        marker, at = "bullet", bullet.end()
    elif number := _NUMBERED.match(text, at, end):
        marker, at = "numbered", number.end()
    bold = _BOLD_LEAD.match(text, at, end)
    if bold:
        a, b = _trim(text, bold.start(1), bold.end(1))
        if b > a:
            yield Unit(a, b, "question" if text[b - 1] == "?" else "label")
        at = bold.end()
    if level:  # a markdown heading is one unit, whatever its punctuation
        a, b = _trim(text, at, end)
        if b > a:
            yield Unit(a, b, "heading", level)
        return
    pieces = _pieces(text, at, end)
    # A heading is a plain or numbered line whose pieces all end in "?" or in no punctuation
    # ("What is Mirena?", "What is the reason ...? What are the side effects ...?").
    if (
        pieces
        and not bold
        and marker != "bullet"
        and all(text[b - 1] not in _NOT_A_HEADING_END for _, b in pieces)
    ):
        yield Unit(pieces[0][0], pieces[-1][1], "heading", 1)
        return
    kind = "list-item" if marker else "sentence"
    for a, b in pieces:
        yield Unit(a, b, kind)


def _cut(units: Iterable[Unit], text: str, regions: list[tuple[int, int]]) -> Iterator[Unit]:
    bounds = sorted({p for region in regions for p in region})
    for unit in units:
        cuts = [unit.start] + [p for p in bounds if unit.start < p < unit.end] + [unit.end]
        if len(cuts) == 2:
            yield unit
            continue
        for a, b in pairwise(cuts):
            a, b = _trim(text, a, b)
            if b > a:
                yield Unit(a, b, unit.kind, unit.level)


def segment(text: str, regions: Iterable[tuple[int, int]] = ()) -> list[Unit]:
    """The units of ``text`` in document order (see the module's rules).

    :param regions: excluded regions as ``(start, end)``; they cut units
    """
    units: list[Unit] = []
    at = 0
    for line in text.split("\n"):
        units.extend(_line_units(text, at, at + len(line)))
        at += len(line) + 1
    return list(_cut(units, text, list(regions)))


def in_regions(unit: Unit, regions: Iterable[tuple[int, int]]) -> bool:
    """True if the unit lies inside an excluded region.

    >>> in_regions(Unit(5, 9, "sentence"), [(0, 10)]), in_regions(Unit(5, 9, "sentence"), [(9, 12)])
    (True, False)
    """
    return any(a <= unit.start and unit.end <= b for a, b in regions)


def opening(text: str, limit: int = 60) -> str:
    """The first words of a unit's text, at most ``limit`` characters (whole words), for
    the ledger's ``text`` column.

    >>> opening("Mirena is a type of intrauterine device (IUD) that is used as a form", 30)
    'Mirena is a type of'
    >>> opening("Supercalifragilisticexpialidocious", 10)
    'Supercalif'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(None, 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip()[:limit]


__all__ = ["KINDS", "Unit", "in_regions", "opening", "segment"]
