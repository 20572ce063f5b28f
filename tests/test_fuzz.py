"""Property-based tests (hypothesis): whatever the input, the loaders, the curation-table
reader, the query path and the API raise only iusgraph's own errors, never a foreign
exception. Each is bounded in examples and has no deadline per example; the whole module
runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from iusgraph import api
from iusgraph.curation.compile import read_curation
from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.resources import data_dir

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _joined(pieces: list[str], most: int) -> st.SearchStrategy[str]:
    """Strings made of up to ``most`` of the pieces (characters or escape sequences)."""
    return st.lists(st.sampled_from(pieces), max_size=most).map("".join)


_IRI_BODY = _joined(
    (
        list("abc/#:")
        + list(' <>"{}|^`\\%\x05\n')
        + ["\\u0005", "\\uD83D", "\\u00E9", "\\U0011FFFF"]
    ),
    6,
)
_IRI = st.one_of(
    st.builds(lambda body: f"<http://example.org/{body}>", _IRI_BODY),
    st.sampled_from(
        [
            "<javascript:alert(1)>",
            "<>",
            "<rel>",
            "<https://w3id.org/iusgraph/entity/acne>",
            "_:b1",
            "ex:a",
        ]
    ),
)
_LEXICAL = _joined(
    [
        *list('ab1 "\\\n\t'),
        "\\u0000",
        "\\uD800",
        "\\uDFFF",
        "\\uD83D\\uDE00",
        "\\q",
        "\\U0011FFFF",
        "é",
        "\u2028",
    ],
    8,
)
_LITERAL = st.one_of(
    st.builds(lambda v: f'"{v}"', _LEXICAL),
    st.builds(
        lambda v, dt: f'"{v}"^^<http://www.w3.org/2001/XMLSchema#{dt}>',
        _LEXICAL,
        st.sampled_from(
            [
                "integer",
                "int",
                "nonNegativeInteger",
                "date",
                "boolean",
                "duration",
                "decimal",
                "string",
            ]
        ),
    ),
    st.builds(lambda v, tag: f'"{v}"@{tag}', _LEXICAL, st.sampled_from(["en", "", "e n", "x-"])),
    st.sampled_from(["( )", "( 1 ( 2 ) )", "[ ex:p 1 ]", "1", "true"]),
)
_TRIPLE = st.builds(
    lambda s, p, o: f"{s} {p} {o} .",
    _IRI,
    st.sampled_from(["<http://example.org/p>", "ex:p", "a", "<http://www.w3.org/ns/oa#start>"]),
    st.one_of(_IRI, _LITERAL),
)
_DOCUMENT = st.builds(
    lambda lines: "@prefix ex: <http://example.org/> .\n" + "\n".join(lines),
    st.lists(_TRIPLE, min_size=1, max_size=5),
)


@pytest.fixture(scope="module")
def scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="iusgraph-fuzz-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@BOUNDED
@given(document=_DOCUMENT, suffix=st.sampled_from([".ttl", ".nt", ".n3"]))
def test_loaders_and_the_api_raise_only_iusgraph_errors(
    document: str, suffix: str, scratch: Path
) -> None:
    """The review's hypothesis run found three foreign exceptions in ``api.query`` on a
    graph from ``api.load_graph`` (an IRI rdflib accepts and cannot write, lone surrogates,
    an IRI Oxigraph refuses). Both loaders now use one parser and agree."""
    path = scratch / f"doc{suffix}"
    path.write_text(document, encoding="utf-8")
    try:
        graph = api.load_graph([path])
    except IusgraphError:
        graph = None
    try:
        report = api.validate_files([path])
    except IusgraphError:
        report = None
    assert (graph is None) == (report is None), "the rdflib and Oxigraph paths disagree"
    if graph is None:
        return
    for call in (
        lambda: api.query("serious-effects", graph, fmt="csv"),
        lambda: api.query("serious-effects", files=[path], fmt="json"),
        lambda: api.query("serious-effects", graph, fmt="tsv", engine="rdflib"),
        lambda: api.stats(graph),
        lambda: api.validate(graph, engine="pyshacl"),
    ):
        with contextlib.suppress(IusgraphError):
            call()


@BOUNDED
@given(
    text=_joined(
        [
            *list("SELECT*WHERE{}?s ?p ?o.#\"'<>()\\\n\r"),
            "SERVICE",
            "FROM",
            "\\u000D",
            "\\uD83D",
            "\\u005Cu0041",
            "ASK",
            "CONSTRUCT",
            "\x00",
        ],
        40,
    )
)
def test_any_query_text_is_answered_or_refused(text: str) -> None:
    graph = Graph()
    graph.parse(data="<http://example.org/a> <http://example.org/p> 1 .", format="turtle")
    for engine in ("oxigraph", "rdflib"):
        with contextlib.suppress(IusgraphError):
            api.query(None, graph, sparql=text, engine=engine)


def _cells() -> st.SearchStrategy[str]:
    return _joined(
        [
            *list("ab-1 \t\\"),
            "use=primary",
            "frequency=common",
            "lng-ius",
            "hasUse",
            "\ufeff",
            "\x00",
            "é",
            "-1",
            "999999",
            "contraception",
            ";",
            "=",
        ],
        12,
    )


@BOUNDED
@given(
    row=st.lists(_cells(), min_size=1, max_size=10),
    where=st.sampled_from(["claims/ius-monograph.tsv", "entities/core.tsv", "conflicts.tsv"]),
    header=st.booleans(),
)
def test_the_curation_reader_names_file_and_line(
    row: list[str], where: str, header: bool, scratch: Path
) -> None:
    """A random row appended to (or replacing the header of) a curation table: the reader
    accepts it or raises an InputError that names the file."""
    folder = scratch / "data"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(data_dir(), folder)
    table = folder / where
    lines = table.read_text(encoding="utf-8").split("\n")
    if header:
        lines[0] = "\t".join(row)
    else:
        lines.append("\t".join(row))
    table.write_text("\n".join(lines), encoding="utf-8")
    try:
        read_curation(folder)
    except InputError as exc:
        assert Path(where).name in str(exc), str(exc)
