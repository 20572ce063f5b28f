"""The cache of the compiled graph, the query check and the validation report
(:mod:`iusgraph.graph.cache`): rebuilt when what it depends on changes, never trusted when
damaged, safe when processes start at once, and invisible in the output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from iusgraph import api
from iusgraph.graph import cache
from iusgraph.graph.resources import data_dir
from iusgraph.query.catalog import named_queries

from ..helpers import cli

CQ = named_queries("cq")
FORMATS = ["table", "csv", "tsv", "json", "xml"]


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own, for in-process and child commands."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("IUSGRAPH_CACHE", str(folder))
    monkeypatch.delenv("IUSGRAPH_NO_CACHE", raising=False)
    return folder


def _command(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """``iusgraph ARGS`` in a new process (the cache across processes is what is tested)."""
    return subprocess.run(
        [sys.executable, "-m", "iusgraph", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )


def _query_args(name: str, fmt: str) -> list[str]:
    binding = [arg for example in CQ[name].examples for arg in ("--bind", example)]
    return ["query", name, *binding, "--format", fmt]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("name", sorted(CQ))
def test_every_query_answer_is_the_same_bytes_from_the_cache_and_from_the_graph(
    name: str, graph: Graph, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer from the cached graph and check is the answer on the graph compiled in
    memory (a given graph never goes through the cache)."""
    monkeypatch.setenv("IUSGRAPH_CACHE", str(shared_cache))
    for fmt in FORMATS:
        expected = api.query(name, graph, fmt=fmt, bindings=CQ[name].examples)
        for _ in ("cold or warm", "warm"):
            result = cli(*_query_args(name, fmt))
            assert result.exit_code == 0, result.output
            assert result.stdout_bytes == expected.encode("utf-8"), (name, fmt)
    assert list((shared_cache / "graph").iterdir()), "the compiled graph was not cached"
    assert list((shared_cache / "query-check").iterdir()), "the query check was not cached"


@pytest.mark.parametrize("name", ["faq-facts", "serious-effects"])
def test_a_query_is_the_same_bytes_with_the_cache_off(
    name: str, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for fmt in FORMATS:
        warm = [cli(*_query_args(name, fmt)) for _ in range(2)][-1]
        monkeypatch.setenv("IUSGRAPH_NO_CACHE", "1")
        off = cli(*_query_args(name, fmt))
        monkeypatch.delenv("IUSGRAPH_NO_CACHE")
        assert warm.exit_code == off.exit_code == 0, off.output
        assert warm.stdout_bytes == off.stdout_bytes, (name, fmt)


@pytest.mark.parametrize("fmt", ["text", "json", "turtle"])
def test_validate_is_the_same_bytes_with_and_without_the_cache(
    fmt: str, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = cli("validate", "--format", fmt, "--explain-coverage")
    warm = cli("validate", "--format", fmt, "--explain-coverage")
    monkeypatch.setenv("IUSGRAPH_NO_CACHE", "1")
    off = cli("validate", "--format", fmt, "--explain-coverage")
    assert cold.exit_code == warm.exit_code == off.exit_code == 0
    assert cold.stdout_bytes == warm.stdout_bytes == off.stdout_bytes
    assert fmt == "turtle" or "coverage" in off.output
    assert len(list((fresh_cache / "report").iterdir())) == 1


def test_a_changed_data_file_rebuilds_the_graph_and_the_report(
    tmp_path: Path, fresh_cache: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    env = {"IUSGRAPH_DATA": str(data)}
    before = _command("query", "mechanism-of-action", "--format", "csv", **env)
    report = _command("validate", **env)
    assert before.returncode == report.returncode == 0, before.stderr + report.stderr
    entities = data / "entities" / "core.tsv"
    text = entities.read_text(encoding="utf-8")
    rows = text.splitlines()
    header, first = rows[0].split("\t"), rows[1].split("\t")
    label = header.index("label")
    edited = first[label] + " (edited)"
    rows[1] = "\t".join([*first[:label], edited, *first[label + 1 :]])
    entities.write_text("\n".join(rows) + "\n", encoding="utf-8")
    after = _command("query", "--sparql", f'ASK {{ ?e skos:prefLabel "{edited}"@en }}', **env)
    assert after.stdout == b"true\n", after.stderr
    assert len(list((fresh_cache / "graph").iterdir())) == 2
    # A broken row: the cached report of the unchanged data must not be reused.
    rows[1] = "\t".join([*first[:label], "", *first[label + 1 :]])
    entities.write_text("\n".join(rows) + "\n", encoding="utf-8")
    broken = _command("validate", **env)
    assert broken.returncode != 0, broken.stdout


def test_a_new_library_version_or_package_file_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cache.inputs_key("x")
    assert cache.inputs_key("x") == key
    assert cache.inputs_key("y") != key
    # An rdflib release installed on sys.path ahead of the current one.
    site = tmp_path / "site"
    (site / "rdflib-99.0.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    newer = cache.inputs_key("x")
    assert newer != key
    # A file of the package itself.
    package = tmp_path / "package"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    copied = cache.inputs_key("x")
    (package / "defaults.py").write_text("CHANGED = True\n", encoding="utf-8")
    assert cache.inputs_key("x") != copied
    # A release file counts by size and time.
    release = tmp_path / "hp.obo"
    release.write_text("format-version: 1.2\n", encoding="utf-8")
    with_release = cache.inputs_key("x", files=[release])
    os.utime(release, ns=(1, 1))
    assert cache.inputs_key("x", files=[release]) != with_release


def test_a_damaged_entry_is_computed_again_not_trusted(fresh_cache: Path) -> None:
    first = _command("query", "uses", "--format", "csv")
    (entry,) = (fresh_cache / "graph").iterdir()
    blob = entry.read_bytes()
    # Flip one character of the body (a triple's IRI), keeping the seal: the hash fails.
    damaged = blob.replace(
        b"https://w3id.org/iusgraph/entity/", b"https://w3id.org/iusgraph/entitx/", 1
    )
    assert damaged != blob
    entry.write_bytes(damaged)
    again = _command("query", "uses", "--format", "csv")
    assert again.returncode == 0 and again.stdout == first.stdout
    assert entry.read_bytes() == blob, "the damaged entry was not replaced"
    entry.write_bytes(blob[: len(blob) // 2])  # torn
    assert _command("query", "uses", "--format", "csv").stdout == first.stdout
    entry.write_bytes(b"")
    assert _command("query", "uses", "--format", "csv").stdout == first.stdout
    assert cache.read("graph", entry.name) == cache.unseal(blob)


def test_a_refused_query_is_refused_every_time(fresh_cache: Path) -> None:
    text = "SELECT * WHERE { ?s ?p ?o FILTER(?o = ) }"
    for _ in range(2):
        result = _command("query", "--sparql", text)
        assert result.returncode == 2 and b"syntax error" in result.stderr
    assert not (fresh_cache / "query-check").exists()


def test_processes_starting_at_once_share_one_whole_entry(fresh_cache: Path) -> None:
    args = [sys.executable, "-m", "iusgraph", "query", "serious-effects", "--format", "csv"]
    children = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    assert all(child.returncode == 0 for child in children), [e for _, e in outputs]
    assert len({out for out, _ in outputs}) == 1
    entries = list((fresh_cache / "graph").iterdir())
    assert len(entries) == 1 and not entries[0].name.startswith(".tmp")
    assert cache.unseal(entries[0].read_bytes()) is not None


def test_an_unwritable_cache_folder_only_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("IUSGRAPH_CACHE", str(blocker / "cache"))
    result = cli("query", "uses", "--format", "csv")
    assert result.exit_code == 0 and "levonorgestrel" in result.output


def test_old_entries_are_pruned(fresh_cache: Path) -> None:
    keys = [f"{n:064x}" for n in range(cache.KEEP + 3)]
    for number, key in enumerate(keys):
        cache.write("report", key, b"x")
        os.utime(fresh_cache / "report" / key, ns=(number, number))
    cache.write("report", keys[0], b"y")  # the newest now
    kept = sorted(p.name for p in (fresh_cache / "report").iterdir())
    assert len(kept) == cache.KEEP and keys[0] in kept and keys[1] not in kept


@pytest.mark.parametrize(
    "args",
    [["query", "serious-effects", "--format", "csv"], ["query", "--list"], ["--help"]],
)
def test_query_commands_import_no_rdflib_pyshacl_networkx_or_server(
    args: list[str], fresh_cache: Path
) -> None:
    _command(*args)  # fill the cache
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "iusgraph", *args],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    imported = {name.split(".")[0] for name in modules}
    assert "iusgraph" in imported
    assert not imported & {"rdflib", "pyshacl", "networkx", "starlette", "uvicorn", "tqdm"}
    # xml.sax.saxutils (the XML answer writer) pulls in both: only --format xml needs it.
    assert not modules & {"urllib.request", "http.client", "xml.sax.saxutils"}


def test_the_stale_install_note_names_the_folders_that_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note reads the same tree digest as the cache key (resources.tree_digest)."""
    from iusgraph.graph import resources

    checkout, bundled = tmp_path / "checkout", tmp_path / "bundled"
    for root in (checkout, bundled):
        for name in ("ontology", "data", "queries"):
            (root / name).mkdir(parents=True)
            (root / name / "a.txt").write_text(name, encoding="utf-8")
    monkeypatch.setattr(resources, "_bundled", lambda: bundled)
    monkeypatch.setattr(resources, "resource_root", lambda: checkout)
    assert resources.stale_install_note() is None
    (checkout / "data" / "a.txt").write_text("edited", encoding="utf-8")
    note = resources.stale_install_note()
    assert note is not None and "using data of the checkout" in note


def test_help_imports_neither_logging_nor_hashlib() -> None:
    """``--help`` neither logs nor hashes: iusgraph.errors imports logging, and
    graph.resources hashlib, only when they are used (about 9 ms of startup)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "iusgraph", "--help"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = {
        line.split("|")[-1].strip()
        for line in result.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert "iusgraph.cli" in imported
    assert not imported & {"logging", "hashlib"}
