"""The reliability review's findings outside the server, each with the test that shows it
fixed: the curator's data folder (D5), tracebacks for input and output errors (D6, D7),
interrupted and failed writes (D13), evidence beyond its document and unclear messages
(D15)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from iusgraph import api
from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph import resources
from iusgraph.graph.files import write_files

from .helpers import ROOT, cli

BROKEN_ROW = "broken\tno-such\tnoPredicate\n"


@pytest.fixture()
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the checkout's data, ontology and queries, with a pyproject naming
    iusgraph, and an installed copy standing for site-packages' bundled one."""
    folder = tmp_path / "checkout"
    for name in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    bundled = tmp_path / "site-packages" / "iusgraph" / "_resources"
    for name in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / name, bundled / name)
    monkeypatch.setattr(resources, "_bundled", lambda: bundled)
    monkeypatch.chdir(folder)
    return folder


def test_an_edit_in_the_checkout_is_what_validate_reads(checkout: Path) -> None:
    """D5: the installed CLI validated its stale bundled copy and said 'conforms'."""
    with (checkout / "data" / "claims" / "ius-monograph.tsv").open("a") as table:
        table.write(BROKEN_ROW)
    result = cli("validate")
    assert result.exit_code == 2, result.output
    assert "claims/ius-monograph.tsv:" in result.output
    assert "note: using data of the checkout" in result.output  # it differs from the install


def test_data_option_and_variable_choose_the_folder(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-data"
    shutil.copytree(checkout / "data", other)
    with (other / "claims" / "ius-monograph.tsv").open("a") as table:
        table.write(BROKEN_ROW)
    monkeypatch.chdir(tmp_path)  # outside the checkout: the installed copy, which conforms
    assert cli("validate").exit_code == 0
    assert cli("--data", other, "validate").exit_code == 2
    monkeypatch.setenv("IUSGRAPH_DATA", str(other))
    result = cli("validate")
    assert result.exit_code == 2 and str(other) in result.output
    monkeypatch.setenv("IUSGRAPH_DATA", str(tmp_path))
    result = cli("validate")
    assert result.exit_code == 2 and "not a curated data folder (no sources.ttl)" in result.output
    resources.use_data(None)


@pytest.mark.needs_sources
def test_anchor_never_writes_into_the_installed_copy(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # outside any checkout: data_dir() is the bundled copy
    result = cli("anchor", "--sources", sources)
    assert result.exit_code == 2
    assert "the copy installed with the package" in result.output
    monkeypatch.chdir(checkout)
    assert cli("anchor", "--sources", sources).exit_code == 0


def test_evidence_beyond_the_document_fails_at_its_table_row(checkout: Path) -> None:
    table = checkout / "data" / "claims" / "ius-monograph.tsv"
    lines = table.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split("\t")
    length = int(cells[6]) - int(cells[5])
    cells[5], cells[6] = "999999", str(999999 + length)
    lines[1] = "\t".join(cells)
    table.write_text("\n".join(lines), encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 2
    assert "claims/ius-monograph.tsv:2: span 999999.." in result.output
    assert "ends beyond the document, which has" in result.output


@pytest.mark.needs_sources
def test_verify_evidence_names_the_table_row(checkout: Path, sources: Path) -> None:
    """D15: a quote changed at the same length was reported by evidence IRI only."""
    table = checkout / "data" / "claims" / "ius-monograph.tsv"
    lines = table.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split("\t")
    cells[7] = cells[7][:-1] + ("X" if cells[7][-1] != "X" else "Y")
    lines[1] = "\t".join(cells)
    table.write_text("\n".join(lines), encoding="utf-8")
    result = cli("verify-evidence", "--sources", sources)
    assert result.exit_code == 1
    assert "fix " in result.output and "claims/ius-monograph.tsv:2" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'@prefix ius: <https://w3id.org/iusgraph/ontology/> .\nius:x ius:y "unterminated',
            "sources.ttl:2:13: syntax error: Unexpected end of file",
        ),
        (b"<http://a b> <http://p> 1 .\n", "sources.ttl:1:1: syntax error: Invalid IRI"),
        (b'<http://a> <http://p> "caf\xe9" .\n', "sources.ttl:1:"),
        (b"", "sources.ttl: holds no triples"),
        (b"<http://a> <http://p> 1 .\n", "sources.ttl: defines no ius:SourceDocument"),
    ],
)
def test_a_broken_source_registry_is_an_input_error(
    checkout: Path, content: bytes, message: str
) -> None:
    """D6f: a syntax error in data/sources.ttl gave a traceback with exit 1."""
    (checkout / "data" / "sources.ttl").write_bytes(content)
    result = cli("validate")
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("\ufeffid", "byte-order mark (BOM, U+FEFF)"),
        ("id ", "'id ' has a space around it"),
    ],
)
def test_an_invisible_header_problem_is_named(checkout: Path, header: str, message: str) -> None:
    table = checkout / "data" / "claims" / "ius-monograph.tsv"
    text = table.read_text(encoding="utf-8")
    table.write_text(header + text[2:], encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 2
    assert "ius-monograph.tsv:1: header must be" in result.output and message in result.output


# Output paths (D6e) and interrupted writes (D13).


def test_a_folder_that_cannot_be_written_is_an_input_error() -> None:
    """D6e: an unwritable --out gave a traceback and exit 1 (sysfs refuses even root)."""
    for command in ("build", "export", "draw"):
        result = cli(command, "--out", "/sys/iusgraph-test")
        assert result.exit_code == 2, result.output
        assert "/sys/iusgraph-test/" in result.output and "cannot write" in result.output


@pytest.mark.parametrize("command", ["build", "export", "synth"])
def test_an_output_under_a_file_is_an_input_error(command: str, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    args = ["--out", afile / "sub"] + (["--drugs", "1"] if command == "synth" else [])
    result = cli(command, *args)
    assert result.exit_code == 2, result.output
    assert "afile/sub" in result.output and (
        "cannot write" in result.output or "Not a directory" in result.output
    )


def test_a_folder_where_the_export_goes_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "iusgraph.ttl").mkdir()
    result = cli("build", "--out", tmp_path)
    assert result.exit_code == 2
    assert "iusgraph.ttl: cannot write: Is a directory" in result.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failed_set_leaves_the_old_files_and_no_temporary_file(tmp_path: Path) -> None:
    old = tmp_path / "a.txt"
    old.write_text("old")
    (tmp_path / "b.txt").mkdir()  # the second file cannot be renamed into place
    with pytest.raises(InputError, match=r"b.txt: cannot write"):
        write_files([(old, "new"), (tmp_path / "b.txt", "new")])
    assert old.read_text() == "old"  # nothing was renamed, since not everything was written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = tmp_path / f".iusgraph.ttl.iusgraph-{dead}.abc123.tmp"
    stale.write_text("half")
    mine = tmp_path / f".iusgraph.ttl.iusgraph-{os.getpid()}.live.tmp"
    mine.write_text("in progress")  # a live process's file is kept
    write_files([(tmp_path / "iusgraph.ttl", "x")])
    assert not stale.exists() and mine.exists()


def test_synth_replaces_its_corpus_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert cli("synth", "--drugs", "1", "--seed", "1", "--out", out).exit_code == 0
    first = (out / "synth.nt").read_bytes()
    assert cli("synth", "--drugs", "1", "--seed", "2", "--faults", "2", "--out", out).exit_code == 0
    assert (out / "synth.nt").read_bytes() != first
    assert sorted(p.name for p in out.iterdir()) == ["faults.json", "sources", "synth.nt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    (out / "mine.txt").write_text("a user's file")
    result = cli("synth", "--drugs", "1", "--out", out)
    assert (
        result.exit_code == 2
        and "holds files this command did not write (mine.txt)" in result.output
    )


# The Python API raises only iusgraph's errors (D6c, D6d, D7).

BAD_TERMS = [
    URIRef("http://example.org/{a}"),
    URIRef("http://example.org/a\u0005"),
    Literal("\ud83d\ude00"[0]),
]


@pytest.mark.parametrize("term", BAD_TERMS, ids=["brace", "control", "surrogate"])
def test_a_graph_with_an_invalid_term_is_an_input_error(term: object) -> None:
    graph = Graph()
    subject = term if isinstance(term, URIRef) else URIRef("http://example.org/a")
    obj = term if isinstance(term, Literal) else Literal("x")
    graph.add((subject, URIRef("http://example.org/p"), obj))
    with pytest.raises(InputError, match="not valid RDF"):
        api.query("serious-effects", graph, fmt="csv")
    with pytest.raises(InputError, match="not valid RDF"):
        api.validate(graph)
    with pytest.raises(InputError, match="not valid RDF"):  # before any connection
        api.publish(graph, "http://127.0.0.1:9/store")


class _FailingSolutions:
    """Stands for Oxigraph's lazy answer: it fails while the caller reads it, as a SERVICE
    call to a closed port did (the review's D6g)."""

    variables: tuple[object, ...] = ()

    def __iter__(self) -> _FailingSolutions:
        return self

    def __next__(self) -> object:
        raise ConnectionRefusedError(111, "Connection refused")


class _Store:
    def query(self, *args: object, **kwargs: object) -> _FailingSolutions:
        return _FailingSolutions()


def test_a_query_that_fails_while_it_runs_is_an_iusgraph_error() -> None:
    """D6g: errors raised while the results were read escaped as tracebacks."""
    from iusgraph.query.run import query_oxigraph

    with pytest.raises(IusgraphError, match=r"the query failed while it ran: .*refused"):
        query_oxigraph(_Store(), "SELECT * WHERE { ?s ?p ?o }")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_binding_no_engine_can_hold_is_a_usage_error(engine: str) -> None:
    result = cli("query", "evidence", "--bind", "claim=<http://a b>", "--engine", engine)
    assert result.exit_code == 2
    assert "--bind 'claim=<http://a b>': Invalid IRI code point ' '" in result.output
