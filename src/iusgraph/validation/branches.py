"""A QC rule's top-level ``UNION``, one query per branch, so the branches share the cores.

A join, a filter, a ``BIND`` and the projection distribute over a union, and so does an
``OPTIONAL`` or ``MINUS`` group beside it in the same group (the union is in their left
operand, or joined with it), so the solutions of ``SELECT ?v WHERE { X {A} UNION {B} Y }``
are those of ``SELECT ?v WHERE { X {A} Y }`` and of ``SELECT ?v WHERE { X {B} Y }``
together, as a multiset (in another order: an ``ORDER BY`` sorts each part alone). Not so
under ``DISTINCT``, ``REDUCED``, an aggregate, ``GROUP BY``, ``HAVING``, ``LIMIT`` or
``OFFSET``: such a query is left whole. The union is found in the query's code (strings,
IRIs and comments blanked out), as a group directly in the WHERE group that ``UNION``
follows or precedes; only the first such chain is split.

The conflict rule's five branches take 0.38, 0.03, 0.00, 0.11 and 0.20 s at 1M triples, and
0.70 s as one query (measured on its own on 2026-12-04; ``docs/benchmarks.md``).

>>> text = "SELECT ?x WHERE { { ?x <urn:a> 1 } UNION { ?x <urn:b> 2 } FILTER(?x != <urn:c>) }"
>>> for part in union_branches(text):
...     print(" ".join(part.split()))
SELECT ?x WHERE { { ?x <urn:a> 1 } FILTER(?x != <urn:c>) }
SELECT ?x WHERE { { ?x <urn:b> 2 } FILTER(?x != <urn:c>) }
>>> len(union_branches(text.replace("SELECT", "SELECT DISTINCT")))
1
"""

from __future__ import annotations

import re
from functools import lru_cache

from iusgraph.validation.sparqlconstraint import sparql_code

#: What makes the solutions of the parts differ from the whole query's.
_WHOLE_ONLY = re.compile(r"\b(DISTINCT|REDUCED|GROUP|HAVING|LIMIT|OFFSET)\b", re.IGNORECASE)
_SELECT_WHERE = re.compile(r"\bSELECT\b(.*?)\bWHERE\s*\{", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=256)
def union_branches(text: str) -> tuple[str, ...]:
    """The queries, one per branch of the first ``UNION`` directly in the WHERE group of the
    SELECT query ``text``, whose solutions together are the query's; ``(text,)`` for a
    query that has none, or whose modifiers do not distribute over a union."""
    code = sparql_code(text)
    select = _SELECT_WHERE.search(code)
    if select is None or "(" in select.group(1):  # an expression in the projection
        return (text,)
    groups = _top_groups(code, select.end() - 1)
    if groups is None:
        return (text,)
    body_end = groups.pop()[1]
    tail = code[body_end:]
    if _WHOLE_ONLY.search(code[: select.end()]) or _WHOLE_ONLY.search(tail):
        return (text,)
    chain: list[tuple[int, int]] = []
    for start, end in groups:
        joined = bool(chain) and code[chain[-1][1] : start].strip().upper() == "UNION"
        if joined:
            chain.append((start, end))
        elif len(chain) > 1:
            break
        else:
            chain = [(start, end)]
    if len(chain) < 2:
        return (text,)
    before, after = text[: chain[0][0]], text[chain[-1][1] :]
    return tuple(f"{before}{text[start:end]}{after}" for start, end in chain)


def _top_groups(code: str, opening: int) -> list[tuple[int, int]] | None:
    """The spans (``{`` to after ``}``) of the groups directly in the group that opens at
    ``opening``, then that group's own span; None when it does not close."""
    depth = 0
    groups: list[tuple[int, int]] = []
    start = opening
    for position in range(opening, len(code)):
        char = code[position]
        if char == "{":
            depth += 1
            if depth == 2:
                start = position
        elif char == "}":
            depth -= 1
            if depth == 1:
                groups.append((start, position + 1))
            elif depth == 0:
                return [*groups, (opening, position + 1)]
    return None
