"""The one table of syntaxes (iusgraph.graph.formats): every command reads the same file
types, and writing a graph never changes the graph it was given."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from iusgraph.graph.formats import GRAPH_TYPES, RDF_SUFFIXES, RDF_TYPES, RESULT_TYPES
from iusgraph.graph.load import FILE_TYPES
from iusgraph.graph.serialize import serialize, to_jsonld, to_turtle

from ..helpers import cli

TRIPLE = (
    URIRef("https://w3id.org/iusgraph/entity/x"),
    URIRef("http://example.org/p"),
    Literal("x"),
)


def test_the_loaders_read_every_suffix_of_the_table() -> None:
    assert set(FILE_TYPES) == set(RDF_SUFFIXES)
    assert {".ttl", ".nt", ".n3", ".jsonld", ".rdf", ".owl"} == set(RDF_SUFFIXES)


@pytest.mark.parametrize("suffix", sorted(RDF_SUFFIXES))
def test_every_command_accepts_the_same_file_types(tmp_path: Path, suffix: str) -> None:
    """The design review found `validate x.owl` refused ("unknown RDF file type") while
    `stats --graph x.owl` read it: the engines had their own suffix tables."""
    graph = Graph()
    graph.add(TRIPLE)
    path = tmp_path / f"data{suffix}"
    path.write_text(graph.serialize(format=RDF_SUFFIXES[suffix].rdflib), encoding="utf-8")
    for args in (
        ["validate", path],
        ["validate", "--engine", "pyshacl", path],
        ["query", "--graph", path, "--sparql", "ASK { ?s ?p ?o }"],
        ["query", "--engine", "rdflib", "--graph", path, "--sparql", "ASK { ?s ?p ?o }"],
        ["stats", "--graph", path],
    ):
        result = cli(*args)
        assert "unknown RDF file type" not in result.output, (args, result.output)
        assert result.exit_code in (0, 1), (args, result.output)  # 1: the shapes' findings
    assert cli("query", "--graph", path, "--sparql", "ASK { ?s ?p ?o }").output == "true\n"


def test_the_media_types_agree() -> None:
    """What the endpoint answers in, the table names; the results formats are ones the
    result writer knows."""
    assert set(GRAPH_TYPES) - {"text/plain"} <= set(RDF_TYPES)
    assert set(RESULT_TYPES.values()) <= {"json", "xml", "csv", "tsv"}


def _bindings(graph: Graph) -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in graph.namespaces()}


@pytest.mark.parametrize(
    "write",
    [
        to_turtle,
        to_jsonld,
        *(lambda g, f=fmt: serialize(g, f) for fmt in set(GRAPH_TYPES.values())),
    ],
)
def test_writing_a_graph_leaves_its_prefixes_alone(write) -> None:  # type: ignore[no-untyped-def]
    """The design review found to_turtle and the endpoint's serializer rebinding the
    project prefixes on the graph they were given."""
    graph = Graph(bind_namespaces="none")
    graph.bind("ent", "http://example.org/not-the-project/")
    graph.add(TRIPLE)
    before = _bindings(graph)
    write(graph)
    assert _bindings(graph) == before


def test_input_terms_of_some_predicates_keep_every_blank_node(tmp_path: Path) -> None:
    """With predicates, the input's triples are those of the predicates and those with a
    blank node, as written, on a file and on an rdflib graph alike."""
    from iusgraph.graph.store import graph_terms, input_terms

    path = tmp_path / "some.nt"
    path.write_text(
        '<urn:a> <urn:p> "05"^^<http://www.w3.org/2001/XMLSchema#int> .\n'
        '<urn:a> <urn:q> "x" .\n'
        '_:b <urn:q> "y" .\n'
        "<urn:a> <urn:q> _:b .\n",
        encoding="utf-8",
    )
    kept = [
        t
        for t in input_terms([path], frozenset({"urn:p"}))
        if t[1] == "urn:p" or "_:" in t[0] + t[2]
    ]
    assert kept == list(input_terms([path], frozenset({"urn:p"})))
    assert (
        len(kept) == 3 and ("urn:a", "urn:p", "05", "http://www.w3.org/2001/XMLSchema#int") in kept
    )
    assert len(list(input_terms([path]))) == 4
    graph = Graph().parse(path, format="nt")
    assert len(list(graph_terms(graph, frozenset({"urn:p"})))) == 3
    assert len(list(graph_terms(graph))) == 4


def test_input_terms_of_some_predicates_search_an_ntriples_file_without_missing_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An N-Triples file is searched for the predicates' IRIs and only the lines that may
    hold one are parsed: a predicate spelled with an escape, a blank node, CRLF line ends,
    a last line without its end and lines cut by the search's blocks are all still read."""
    from iusgraph.graph import load
    from iusgraph.graph.store import input_terms
    from iusgraph.validation.termcheck import InputTerm

    monkeypatch.setattr(load, "_SEARCH_BLOCK", 40)  # every few lines cross a block's end
    path = tmp_path / "some.nt"
    path.write_bytes(
        b'<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#int> .\r\n'
        b"# <urn:p> in a comment\n"
        b'<urn:a> <urn:q> "not this one" .\n'
        b'<urn:b> <urn:\\u0070> "2" .\n'
        b'<urn:c> <urn:p2> "a longer predicate that holds no needle" .\n'
        b'_:x <urn:q> "y" .\n'
        b'<urn:c> <urn:p> "3" .'
    )

    def wanted(terms: Iterable[InputTerm]) -> set[InputTerm]:
        return {t for t in terms if t[1] == "urn:p" or "_:" in t[0] + t[2]}

    searched = list(input_terms([path], frozenset({"urn:p"})))
    assert (
        wanted(searched)
        == wanted(input_terms([path]))
        == {
            ("urn:a", "urn:p", "1", "http://www.w3.org/2001/XMLSchema#int"),
            ("urn:b", "urn:p", "2", "http://www.w3.org/2001/XMLSchema#string"),
            ("_:x", "urn:q", "y", "http://www.w3.org/2001/XMLSchema#string"),
            ("urn:c", "urn:p", "3", "http://www.w3.org/2001/XMLSchema#string"),
        }
    )
    assert ("urn:a", "urn:q", "not this one", "http://www.w3.org/2001/XMLSchema#string") not in (
        searched
    ), "a line that holds no needle is not parsed"


def test_a_searched_line_that_does_not_parse_names_the_files_own_line(tmp_path: Path) -> None:
    from iusgraph.errors import InputError
    from iusgraph.graph.store import input_terms

    path = tmp_path / "bad.nt"
    path.write_bytes(b'<urn:a> <urn:q> "x" .\n<urn:a> <urn:q> "y" .\n<urn:a> <urn:p> "z .\n')
    with pytest.raises(InputError) as caught:
        list(input_terms([path], frozenset({"urn:p"})))
    assert caught.value.path == str(path) and caught.value.line == 3
