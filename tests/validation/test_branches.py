"""A query's top-level UNION as one query per branch: the same solutions, or the query left
whole where a modifier does not distribute over a union."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from iusgraph.graph.backend import solution_rows
from iusgraph.validation.branches import union_branches

DATA = b"""
<urn:x:1> <urn:x:a> <urn:x:k> . <urn:x:1> <urn:x:n> "1" .
<urn:x:2> <urn:x:b> <urn:x:k> . <urn:x:2> <urn:x:n> "2" .
<urn:x:3> <urn:x:a> <urn:x:k> . <urn:x:3> <urn:x:b> <urn:x:k> . <urn:x:3> <urn:x:m> <urn:x:k> .
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    out = ox.Store()
    out.load(DATA, format=ox.RdfFormat.TURTLE)
    return out


def _rows(store: ox.Store, text: str) -> list[tuple[tuple[str, str], ...]]:
    return sorted(
        tuple(sorted((k, str(v)) for k, v in row.items()))
        for row in solution_rows(store, text, prefixes=None)
    )


@pytest.mark.parametrize(
    "where,parts",
    [
        # a join and a filter around the union, an OPTIONAL and a MINUS after it
        (
            "?s ?p <urn:x:k> . { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } FILTER(?s != <urn:x:2>)",
            2,
        ),
        ("{ ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } OPTIONAL { ?s <urn:x:n> ?n }", 2),
        (
            "{ ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } UNION { ?s <urn:x:m> ?o } MINUS { ?s <urn:x:n> ?n }",
            3,
        ),
        # a VALUES block and a MINUS group before it, a BIND after it
        (
            "VALUES ?s { <urn:x:1> <urn:x:3> } MINUS { ?s <urn:x:m> ?z } { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } BIND(1 AS ?one)",
            2,
        ),
        # braces and UNION in a string and a comment are not code
        (
            '{ ?s <urn:x:a> ?o FILTER(?o != "} UNION {") } # } UNION {\n UNION { ?s <urn:x:b> ?o }',
            2,
        ),
        # a union inside a group is not split; the first chain only is
        ("{ { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }", 1),
        (
            "{ ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } . { ?s <urn:x:n> ?n } UNION { ?s <urn:x:m> ?n }",
            2,
        ),
        ("?s <urn:x:a> ?o", 1),
    ],
)
def test_the_branches_give_the_query_s_solutions(store: ox.Store, where: str, parts: int) -> None:
    text = f"SELECT * WHERE {{ {where} }} ORDER BY ?s"
    branches = union_branches(text)
    assert len(branches) == parts
    assert sorted(r for b in branches for r in _rows(store, b)) == _rows(store, text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT DISTINCT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }",
        "SELECT REDUCED ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }",
        "SELECT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } } LIMIT 1",
        "SELECT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } } OFFSET 1",
        "SELECT (COUNT(*) AS ?n) WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }",
        "SELECT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } } GROUP BY ?s",
        "ASK { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }",
        "SELECT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o }",
    ],
)
def test_a_query_whose_modifiers_do_not_distribute_stays_whole(text: str) -> None:
    assert union_branches(text) == (text,)


def test_the_whole_union_differs_under_distinct(store: ox.Store) -> None:
    """Why DISTINCT keeps a query whole: <urn:x:3> is in both branches, once in the answer."""
    text = "SELECT DISTINCT ?s WHERE { { ?s <urn:x:a> ?o } UNION { ?s <urn:x:b> ?o } }"
    split = text.replace("DISTINCT ", "")
    parts = union_branches(split)
    assert len(parts) == 2
    assert len([r for p in parts for r in _rows(store, p)]) == len(_rows(store, text)) + 1
