"""Every shipped query file is standalone SPARQL 1.1 (the interop review, section 6).

Each ``queries/cq/*.rq`` and ``queries/qc/*.rq`` declares the prefixes it uses, in the block
``iusgraph.query.prologue`` writes from ``iusgraph.graph.namespaces.PREFIXES`` between its
comment header and its query. So it parses in rdflib without ``initNs`` and runs in a bare
Oxigraph store without ``prefixes=``; the competency queries, run that way on the compiled
graph, give their expected answers; the header still reads the same; and iusgraph's own
paths (the query checker, ``with_prefixes`` for the server's examples) still take them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import PREFIXES
from iusgraph.graph.resources import queries_dir
from iusgraph.query import prologue
from iusgraph.query.catalog import comment_header, named_queries
from iusgraph.query.text import bind_values, canonical, checked, parse_binding, with_prefixes

from ..helpers import cli

FILES = prologue.query_files()
CQ = named_queries("cq")
IDS = [f"{path.parent.name}/{path.name}" for path in FILES]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _bound(path: Path) -> str:
    """The file's text with its ``# example:`` bindings as VALUES, as the server binds them."""
    text = _text(path)
    examples = comment_header(text).fields.get("example", [])
    return bind_values(text, dict(parse_binding(b) for b in examples)) if examples else text


def test_every_query_file_is_covered() -> None:
    assert len([p for p in FILES if p.parent.name == "cq"]) == len(CQ) >= 14
    assert len([p for p in FILES if p.parent.name == "qc"]) == len(named_queries("qc")) >= 5


def test_prefix_blocks_are_generated() -> None:
    """As a formatter's --check: regenerate with ``python -m iusgraph.query.prologue``."""
    assert [str(p) for p in prologue.stale()] == []
    assert prologue.main(["--check"]) == 0


def test_check_finds_a_stale_block_and_regenerating_repairs_it(tmp_path: Path) -> None:
    """The check is not vacuous: a dropped, an extra or a reordered line is found."""
    for kind in prologue.KINDS:
        shutil.copytree(queries_dir() / kind, tmp_path / kind)
    management = tmp_path / "cq" / "management.rq"
    good = management.read_text(encoding="utf-8")
    broken = {
        "dropped": good.replace(f"PREFIX prov: <{PREFIXES['prov']}>\n", ""),
        "extra": good.replace("PREFIX ius:", f"PREFIX ent: <{PREFIXES['ent']}>\nPREFIX ius:"),
        "reordered": good.replace(
            f"PREFIX prov: <{PREFIXES['prov']}>\nPREFIX skos: <{PREFIXES['skos']}>\n",
            f"PREFIX skos: <{PREFIXES['skos']}>\nPREFIX prov: <{PREFIXES['prov']}>\n",
        ),
        "none": "".join(prologue.split(good)[::2]),
    }
    for name, text in broken.items():
        assert text != good, name
        management.write_text(text, encoding="utf-8")
        assert prologue.stale(tmp_path) == [management], name
        assert prologue.with_prologue(text) == good, name
    assert prologue.stale(tmp_path) != []
    management.write_text(good, encoding="utf-8")
    assert prologue.stale(tmp_path) == []


def test_an_unknown_prefix_is_refused() -> None:
    with pytest.raises(IusgraphError, match="foaf:"):
        prologue.with_prologue("# Question: x\nSELECT * { ?s foaf:name ?n }\n")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_parses_in_rdflib_without_init_ns(path: Path) -> None:
    prepareQuery(_text(path))
    prepareQuery(_bound(path))


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_runs_in_a_bare_oxigraph_store(path: Path) -> None:
    store = ox.Store()
    store.query(_text(path))
    store.query(_bound(path))


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_declares_each_prefix_once_and_needs_each(path: Path) -> None:
    """Exactly the prefixes the query uses: removing any one line breaks Oxigraph's parse.

    (rdflib is no judge here: its parser lends rdflib's own default bindings, ``skos:``,
    ``prov:``, ``owl:``, ``dcterms:`` and more, to a query that does not declare them.)
    """
    header, block, query = prologue.split(_text(path))
    lines = [line for line in block.splitlines(keepends=True) if line.strip()]
    assert "PREFIX" not in query.upper().replace("PREFIXES", ""), "PREFIX outside the block"
    names = [line.split()[1].rstrip(":") for line in lines]
    assert names == sorted(set(names))
    assert all(
        line == f"PREFIX {n}: <{PREFIXES[n]}>\n" for n, line in zip(names, lines, strict=True)
    )
    for dropped in range(len(lines)):
        rest = "".join(line for i, line in enumerate(lines) if i != dropped)
        with pytest.raises(SyntaxError):
            ox.Store().query(header + rest + query)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_header_reads_the_same_as_without_the_prefixes(path: Path) -> None:
    """The comment header stays first: title, rule, severity and examples are unchanged."""
    text = _text(path)
    header, _, query = prologue.split(text)
    assert header and text.startswith(header)
    got, bare = comment_header(text), comment_header(header + query)
    assert (got.title, got.fields) == (bare.title, bare.fields)
    assert not any(key.startswith("prefix") for key in got.fields)
    if path.parent.name == "cq":
        assert got.title.startswith("Question") or path.stem == "negative-statements"
        assert got.fields.get("example", []) == CQ[path.stem].examples
    else:
        assert got.title.startswith("rule:") and got.first("rule")
        assert got.first("severity") in {"violation", "warning", "info"}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_iusgraph_still_takes_the_file(path: Path) -> None:
    """The checker passes it unchanged (one line end, no escapes, no SERVICE/FROM), and the
    server's ``with_prefixes`` adds only prefixes it does not declare."""
    text = _text(path)
    assert canonical(text) == text
    assert checked(text, str(path)) == text
    served = with_prefixes(_bound(path))
    for prefix in PREFIXES:
        assert served.count(f"PREFIX {prefix}: ") <= 1
    prepareQuery(served)
    ox.Store().query(served)


XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")

#: An ``xsd:duration`` lexical form (SPARQL CSV drops the datatype).
_DURATION = re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


def _cell(text: str) -> str:
    """A duration by its value: Oxigraph stores xsd:duration as a value and writes it in
    canonical form (``PT0S`` for the file's ``P0D``), as iusgraph's own engine path does not."""
    if _DURATION.fullmatch(text):
        return str(Literal(text, datatype=XSD_DURATION).value)
    return text


def _csv_rows(text: str) -> list[tuple[str, ...]]:
    return [tuple(_cell(cell) for cell in row) for row in csv.reader(io.StringIO(text))]


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The N-Triples export of ``iusgraph build`` in an Oxigraph store that knows no prefixes:
    what someone with the shipped files and any SPARQL engine has."""
    out = tmp_path_factory.mktemp("build")
    assert cli("build", "--out", out).exit_code == 0
    store = ox.Store()
    store.load(path=str(out / "iusgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("name", sorted(CQ))
def test_standalone_answer_matches_expected(bare_store: ox.Store, name: str) -> None:
    path = CQ[name].path
    solutions = bare_store.query(_bound(path))
    assert isinstance(solutions, ox.QuerySolutions)
    data = solutions.serialize(format=ox.QueryResultsFormat.CSV)
    assert data is not None
    got = _csv_rows(data.decode("utf-8"))
    expected = _csv_rows(CQ[name].expected_path.read_text(encoding="utf-8"))
    assert got[0] == expected[0], "columns changed"
    assert sorted(got[1:]) == sorted(expected[1:])
    assert len(got) > 1
