"""The W3C SHACL test suite on pySHACL (the reference) and on the fast path, graph and file
mode; the harness is :mod:`tests.validation.w3c`.

The suite is the ``sht:Validate`` entries of ``core/`` (98) and ``sparql/`` (23) of
``w3c/data-shapes``, as pySHACL ships them in its sdist (``test/resources/sht_tests``).
The first run downloads the sdist of the installed pySHACL from PyPI with pip and keeps
the extracted suite in ``${IUSGRAPH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/iusgraph}/
pyshacl-<version>/``; later runs need no network. When the download fails, collecting this
module fails with the pip command to run: the suite is never skipped.

An entry passes when the engine's results, as a multiset of (focus, path, component,
severity, value) strings (IRIs in full, any blank node ``_``, literals by lexical form),
equal the expected ``sh:result`` objects exactly; the reference must also give the
expected verdict; a ``sht:Failure`` entry passes when the engine refuses. Every entry that
fails today is listed with its cause in :data:`KNOWN_MISSES` and runs as a strict xfail:
a fix makes it XPASS, which fails until the entry is removed from the table, and the
tables may only shrink (:data:`MAX_KNOWN_MISSES`). ``test_no_silent_pass`` asks less of
the fast path: on invalid data it must give a finding or at least a note that a shape
went to pySHACL, never a silent "conforms".

Run alone: ``PYTHONPATH=src python -m pytest -p no:cacheprovider
tests/validation/test_w3c_suite.py`` (about 20 s); the score table:
``PYTHONPATH=src python -m tests.validation.w3c``.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from iusgraph.validation.report import Finding

from . import w3c
from .w3c import SH, SuiteTest, Terms

# Collecting fails here, with the pip command to run, if the suite cannot be fetched.
SUITE: list[SuiteTest] = w3c.load_suite()
BY_ID: dict[str, SuiteTest] = {test.id: test for test in SUITE}

# --- the known misses ------------------------------------------------------------------
# "review" is /work/shared/reviews/shacl-suite-review.md. Before the fixes of issue 15 the
# tables held 14 reference misses, 42 per fast mode and 21 silent passes (git history).

PYSHACL_UNIQUE_LANG = (
    'sh:uniqueLang "1"^^xsd:boolean: only true activates it, but rdflib reads the shapes '
    'graph with its literals normalised ("1"^^xsd:boolean is "true"), so neither engine '
    "can tell it from true (pySHACL has the same bug: review, PYSHACL)"
)
SHAPES_GRAPH = (
    "$shapesGraph: pySHACL raises NotImplementedError (now an IusgraphError), and the "
    "compiler sends the shape to pySHACL"
)

REFERENCE_MISSES: dict[str, str] = {
    "core/property/uniqueLang-002": PYSHACL_UNIQUE_LANG,
    "sparql/node/prefixes-001": (
        "pySHACL does not follow owl:imports to the sh:declare of ex: (rdflib's 'Unknown "
        "namespace prefix : ex', now an IusgraphError); the compiler does"
    ),
    "sparql/pre-binding/shapesGraph-001": SHAPES_GRAPH,
}

# The graph and the file mode miss the same entries, but for one.
FAST_MISSES: dict[str, str] = {
    "core/property/uniqueLang-002": PYSHACL_UNIQUE_LANG,
    "sparql/pre-binding/shapesGraph-001": SHAPES_GRAPH,
}
FILE_MISSES: dict[str, str] = {
    **FAST_MISSES,
    "core/property/datatype-001": (
        'the expected report, read by rdflib, normalises the ill-formed "2011-01-01"^^'
        'xsd:dateTime of the data to "2011-01-01T00:00:00"; Oxigraph reads the file and '
        "reports the value as written (graph mode passes: its data is read by rdflib too)"
    ),
}

#: engine -> {suite id: why it fails today}; applied as strict xfails.
KNOWN_MISSES: dict[str, dict[str, str]] = {
    "reference": REFERENCE_MISSES,
    "fast-graph": FAST_MISSES,
    "fast-file": FILE_MISSES,
}
#: The known misses today: a fix lowers the number, nothing may raise it.
MAX_KNOWN_MISSES: dict[str, int] = {"reference": 3, "fast-graph": 2, "fast-file": 3}

#: The entries where the fast path gives no finding and no note on invalid data: none.
SILENT_TODAY: dict[str, str] = {}
MAX_SILENT = 0

#: The entries the fast path still passes only through pySHACL (a note names each shape),
#: and why: the count only goes down.
FALLBACK_TODAY: dict[str, str] = {
    "core/complex/shacl-shacl": "a recursive shape (nesting deeper than 8) and a node-level "
    "sh:datatype xsd:integer",
    "core/misc/message-001": "node-level sh:datatype xsd:integer (the store shows xsd:int "
    "as xsd:integer, and only property shapes check the input's literals)",
    "core/misc/severity-001": "node-level sh:datatype xsd:integer",
    "core/node/datatype-001": "node-level sh:datatype xsd:integer",
    "core/node/qualified-001": "sh:qualifiedValueShape in a node shape",
    "core/property/not-001": "sh:datatype xsd:integer inside sh:not",
    "core/property/or-datatypes-001": "sh:datatype rdf:HTML (no SPARQL cast checks it)",
    "core/property/property-001": "sh:property inside a property shape (pySHACL counts its "
    "findings once per outer focus node)",
    "core/targets/targetObjectsOf-001": "node-level sh:datatype xsd:integer",
    "core/validation-reports/shared": "sh:property inside a property shape",
    "sparql/component/nodeValidator-001": "a custom constraint component (SHACL 6)",
    "sparql/component/optional-001": "a custom constraint component",
    "sparql/component/propertyValidator-select-001": "a custom constraint component",
    "sparql/component/validator-001": "a custom constraint component",
    "sparql/node/sparql-002": "sh:select inside a nested shape",
    "sparql/node/sparql-003": "sh:select inside a nested shape",
    "sparql/pre-binding/pre-binding-002": "$this in a UNION branch (a join cannot pre-bind it)",
    "sparql/pre-binding/pre-binding-003": "$this in a nested group",
    "sparql/pre-binding/pre-binding-005": "$this in a nested group",
    "sparql/pre-binding/pre-binding-007": "$this in a subquery",
}
MAX_FALLBACK = 20


def _cases(
    engines: Iterable[str], tests: list[SuiteTest], misses: dict[str, dict[str, str]]
) -> list[Any]:
    """One case per engine and entry, a strict xfail where ``misses`` names the entry."""
    cases = []
    for engine in engines:
        for test in tests:
            reason = misses.get(engine, {}).get(test.id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(engine, test, marks=marks, id=f"{engine}:{test.id}"))
    return cases


@pytest.mark.parametrize(("engine", "test"), _cases(w3c.ENGINES, SUITE, KNOWN_MISSES))
def test_suite_entry(engine: str, test: SuiteTest) -> None:
    verdict = w3c.judge(w3c.outcome_of(engine, test))
    assert verdict.passed, (
        f"{verdict.kind}: {verdict.why}\n"
        f"missing: {list(verdict.missing)}\nextra: {list(verdict.extra)}"
    )


@pytest.mark.parametrize(
    ("engine", "test"),
    _cases(
        w3c.FAST_ENGINES,
        [t for t in SUITE if t.results],
        dict.fromkeys(w3c.FAST_ENGINES, SILENT_TODAY),
    ),
)
def test_no_silent_pass(engine: str, test: SuiteTest) -> None:
    """Invalid data: a finding, a refusal, or a note naming a shape sent to pySHACL."""
    outcome = w3c.outcome_of(engine, test)
    assert outcome.rows or outcome.error or outcome.fell_back, (
        f"expected {sum(test.expected.values())} results; the fast path gave no finding "
        f"and no note: {outcome.notes}"
    )


# --- the tables --------------------------------------------------------------------------


@pytest.mark.parametrize("engine", list(w3c.ENGINES))
def test_known_misses_only_go_down(engine: str) -> None:
    assert len(KNOWN_MISSES[engine]) <= MAX_KNOWN_MISSES[engine], (
        "a new known miss: fix the regression instead of listing it"
    )


def test_silent_misses_only_go_down() -> None:
    assert len(SILENT_TODAY) <= MAX_SILENT


@pytest.mark.parametrize("engine", list(w3c.FAST_ENGINES))
def test_fallback_only_goes_down(engine: str) -> None:
    """Which entries the fast path passes only through pySHACL: exactly those listed."""
    fell_back = {
        test.id
        for test in SUITE
        if test.id not in KNOWN_MISSES[engine] and w3c.outcome_of(engine, test).fell_back
    }
    assert fell_back == set(FALLBACK_TODAY)
    assert len(FALLBACK_TODAY) <= MAX_FALLBACK


def test_tables_name_real_suite_entries() -> None:
    assert set(KNOWN_MISSES) == set(w3c.ENGINES)
    for engine, table in KNOWN_MISSES.items():
        assert set(table) <= set(BY_ID), (engine, sorted(set(table) - set(BY_ID)))
        assert all(reason.strip() for reason in table.values())
    assert set(SILENT_TODAY) <= set(FAST_MISSES), "a silent pass is a miss too"
    assert all(BY_ID[test_id].results for test_id in SILENT_TODAY)


# --- the manifests -------------------------------------------------------------------------


def test_core_has_the_98_validate_entries_of_every_folder() -> None:
    core = [t for t in SUITE if t.part == "core"]
    assert len(core) >= 98
    folders = Counter(t.id.split("/")[1] for t in core)
    assert folders == {
        "complex": 2,
        "misc": 5,
        "node": 32,
        "path": 13,
        "property": 38,
        "targets": 7,
        "validation-reports": 1,
    }
    assert all(t.status == "approved" for t in core)
    assert "core/node/and-001" in BY_ID


def test_sparql_entries_and_their_failures() -> None:
    sparql = [t for t in SUITE if t.part == "sparql"]
    assert len(sparql) >= 23
    failures = sorted(t.id for t in sparql if t.failure)
    assert failures == [
        "sparql/pre-binding/pre-binding-006",
        *(f"sparql/pre-binding/unsupported-sparql-00{n}" for n in range(1, 7)),
    ]
    assert all(t.conforms is None and not t.results for t in sparql if t.failure)


def test_ids_are_unique_and_files_exist() -> None:
    assert len(BY_ID) == len(SUITE)
    for test in SUITE:
        assert test.data.is_file() and test.shapes.is_file(), test.id
    separate = BY_ID["core/property/uniqueLang-002"]
    assert separate.shapes.name == "uniqueLang-002-shapes.ttl"
    assert separate.data != separate.shapes


def test_expected_verdict_agrees_with_expected_results() -> None:
    for test in SUITE:
        if not test.failure:
            assert test.conforms is (not test.results), test.id


def test_the_walk_follows_mf_include() -> None:
    root = w3c.suite_root().resolve()
    files = list(w3c.manifest_files(root / "core" / "manifest.ttl"))
    assert root / "core" / "node" / "manifest.ttl" in files
    assert root / "core" / "node" / "and-001.ttl" in files
    assert len(files) == len(set(files))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PREFIXES = """@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
@prefix sht: <http://www.w3.org/ns/shacl-test#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


def test_a_hand_made_manifest(tmp_path: Path) -> None:
    """Includes are followed once (a cycle included), a file with two entries gives
    ``#fragment`` ids, results are counted with their multiplicity."""
    _write(
        tmp_path / "core" / "manifest.ttl",
        PREFIXES + "<> a mf:Manifest ; mf:include <sub/manifest.ttl> .\n",
    )
    _write(
        tmp_path / "core" / "sub" / "manifest.ttl",
        PREFIXES + "<> a mf:Manifest ; mf:include <../manifest.ttl>, <two.ttl> .\n",
    )
    _write(
        tmp_path / "core" / "sub" / "two.ttl",
        PREFIXES
        + """<> a mf:Manifest ; mf:entries ( <two#a> <two#b> <two#c> ) .
<two#a> a sht:Validate ; mf:action [ sht:dataGraph <> ; sht:shapesGraph <shapes.ttl> ] ;
  mf:result [ a sh:ValidationReport ; sh:conforms false ;
    sh:result [ sh:focusNode ex:x ; sh:resultPath [ sh:inversePath ex:p ] ;
                sh:sourceConstraintComponent sh:ClassConstraintComponent ;
                sh:resultSeverity sh:Violation ; sh:value _:v ] ,
              [ sh:focusNode ex:x ; sh:resultPath [ sh:inversePath ex:p ] ;
                sh:sourceConstraintComponent sh:ClassConstraintComponent ;
                sh:resultSeverity sh:Violation ; sh:value _:w ] ] .
<two#b> a sht:Validate ; mf:action [ sht:dataGraph <> ; sht:shapesGraph <> ] ;
  mf:result sht:Failure .
<two#c> a mf:SomethingElse .
""",
    )
    _write(tmp_path / "sparql" / "manifest.ttl", PREFIXES + "<> a mf:Manifest .\n")
    tests = w3c.load_suite(tmp_path)
    assert [t.id for t in tests] == ["core/sub/two#a", "core/sub/two#b"]
    first, second = tests
    row = (
        "http://example.org/x",
        "_",
        str(SH.ClassConstraintComponent),
        str(SH.Violation),
        "_",
    )
    assert first.expected == Counter({row: 2})
    assert first.conforms is False and not first.failure
    assert first.shapes == (tmp_path / "core" / "sub" / "shapes.ttl").resolve()
    assert second.failure and second.conforms is None and second.data == second.shapes


def test_nested_detail_results_are_not_results() -> None:
    graph = Graph()
    graph.parse(
        data=PREFIXES
        + """ex:report a sh:ValidationReport ; sh:result ex:r .
ex:r sh:focusNode ex:x ; sh:resultPath ex:p ; sh:resultSeverity sh:Violation ;
  sh:sourceConstraintComponent sh:NodeConstraintComponent ; sh:value ex:y ;
  sh:detail [ sh:focusNode ex:y ; sh:resultPath ex:q ; sh:resultSeverity sh:Violation ;
              sh:sourceConstraintComponent sh:DatatypeConstraintComponent ; sh:value "5" ] .
""",
        format="turtle",
    )
    assert w3c.report_rows(graph, URIRef("http://example.org/report")) == Counter(
        {
            (
                "http://example.org/x",
                "http://example.org/p",
                str(SH.NodeConstraintComponent),
                str(SH.Violation),
                "http://example.org/y",
            ): 1
        }
    )


# --- the normaliser -----------------------------------------------------------------------


def test_expected_terms() -> None:
    from rdflib.namespace import XSD  # not at module level: pytest probes module attributes

    assert w3c.term_text(None) == ""
    assert w3c.term_text(BNode()) == "_"
    assert w3c.term_text(URIRef("http://example.org/a")) == "http://example.org/a"
    assert w3c.term_text(Literal("Hi", lang="en")) == "Hi"
    assert w3c.term_text(Literal("2011-01-01", datatype=XSD.date)) == "2011-01-01"
    assert w3c.term_text(Literal("aldi", datatype=XSD.integer)) == "aldi"


TERMS = Terms(
    iris=frozenset(
        {"http://example.org/a", "http://example.org/p", "http://www.w3.org/ns/shacl#x"}
    ),
    bnodes=frozenset({"b0", "f31866bf"}),
)


def test_a_finding_node_is_an_iri_a_blank_node_or_a_literal() -> None:
    assert TERMS.node("http://example.org/a") == "http://example.org/a"
    assert TERMS.node("b0") == "_"
    assert TERMS.node("_:f31866bf") == "_"
    assert TERMS.node("B0") == "B0", "an unknown id is a literal's text"
    assert TERMS.node("http://example.org/unknown") == "http://example.org/unknown"
    assert TERMS.node("42") == "42"
    assert TERMS.node("") == ""


def test_a_finding_path_is_expanded() -> None:
    assert TERMS.path("") == ""
    assert TERMS.path("<http://example.org/p>") == "http://example.org/p"
    assert TERMS.path("rdfs:label") == "http://www.w3.org/2000/01/rdf-schema#label"
    assert TERMS.path("sh:x") == "http://www.w3.org/ns/shacl#x"
    assert TERMS.path("http://example.org/p") == "http://example.org/p"
    assert TERMS.path("_:b0") == "_"
    assert TERMS.path("_:unknown") == "_"
    assert TERMS.path("ex:p/ex:q") == "_", "text that names no IRI is a blank-node path"


def test_findings_become_rows() -> None:
    def finding(**fields: str) -> Finding:
        return Finding(label="", rule="r", message="m", **fields)

    findings = [
        finding(
            severity="Violation",
            focus="http://example.org/a",
            component="sh:MinCountConstraintComponent",
            path="<http://example.org/p>",
        ),
        finding(
            severity="Warning",
            focus="b0",
            component="sh:DatatypeConstraintComponent",
            path="_:b0",
            value="5",
        ),
        finding(
            severity="Warning",
            focus="b0",
            component="sh:DatatypeConstraintComponent",
            path="_:b1",
            value="5",
        ),
    ]
    assert w3c.finding_rows(findings, TERMS) == Counter(
        {
            (
                "http://example.org/a",
                "http://example.org/p",
                str(SH.MinCountConstraintComponent),
                str(SH.Violation),
                "",
            ): 1,
            ("_", "_", str(SH.DatatypeConstraintComponent), str(SH.Warning), "5"): 2,
        }
    )


def test_terms_of_graphs_and_stores() -> None:
    graph = Graph()
    blank = BNode("g1")
    graph.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), blank))
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("s1"), ox.NamedNode("http://example.org/q"), ox.Literal("v")))
    terms = Terms.of([graph, store])
    assert terms.iris == {"http://example.org/s", "http://example.org/p", "http://example.org/q"}
    assert terms.bnodes == {"g1", "s1"}


def test_judge_the_kinds() -> None:
    test = BY_ID["core/node/class-001"]
    right = w3c.Outcome("fast-graph", test, rows=test.expected)
    assert w3c.judge(right) == w3c.Verdict(True, "compiled", False)
    noted = w3c.Outcome("fast-graph", test, rows=test.expected, notes=["x is checked by pySHACL"])
    assert w3c.judge(noted).kind == "fallback"
    silent = w3c.judge(w3c.Outcome("fast-graph", test))
    assert (silent.passed, silent.kind, silent.silent) == (False, "wrong", True)
    said = w3c.judge(w3c.Outcome("fast-graph", test, notes=["x is checked by pySHACL"]))
    assert (said.kind, said.silent) == ("wrong", False)
    refused = w3c.judge(w3c.Outcome("fast-graph", test, error="SyntaxError: x"))
    assert (refused.passed, refused.kind) == (False, "error")
    failure = BY_ID["sparql/pre-binding/unsupported-sparql-001"]
    assert w3c.judge(w3c.Outcome("fast-graph", failure, error="ValueError: x")).passed
    assert not w3c.judge(w3c.Outcome("fast-graph", failure)).passed
    crash = w3c.Outcome("fast-graph", failure, error="KeyError: x", crashed=True)
    assert w3c.judge(crash).kind == "error" and not w3c.judge(crash).passed


def test_the_score_table() -> None:
    outcomes = [w3c.outcome_of("fast-graph", BY_ID["core/node/class-001"])]
    counts = w3c.score(outcomes)
    assert counts == {"total": 1, "compiled": 1, "fallback": 0, "wrong": 0, "silent": 0, "error": 0}
    assert "fast-graph  core" in w3c.table(outcomes)
    assert w3c.as_json(outcomes[0])["passed"] is True


# --- fetching -------------------------------------------------------------------------------


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


SDIST = {
    "pyshacl-9.9/pyproject.toml": b"",
    "pyshacl-9.9/test/resources/sht_tests/core/manifest.ttl": b"# core",
    "pyshacl-9.9/test/resources/sht_tests/sparql/manifest.ttl": b"# sparql",
    "pyshacl-9.9/test/resources/other/x.ttl": b"",
}


def test_extract_takes_only_the_suite(tmp_path: Path) -> None:
    root = tmp_path / "cache" / "sht_tests"
    w3c.extract_suite(_tar(tmp_path / "s.tar.gz", SDIST), root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        "core/manifest.ttl",
        "sparql/manifest.ttl",
    ]
    assert [p.name for p in root.parent.iterdir()] == ["sht_tests"], "no temporary folder left"


@pytest.mark.parametrize(
    "evil",
    [
        "pyshacl-9.9/test/resources/sht_tests/../../../../escaped.ttl",
        "/tmp/absolute.ttl",
        "../escaped.ttl",
    ],
)
def test_extract_refuses_a_member_outside(tmp_path: Path, evil: str) -> None:
    archive = _tar(tmp_path / "s.tar.gz", {**SDIST, evil: b"x"})
    root = tmp_path / "cache" / "sht_tests"
    with pytest.raises(w3c.UnsafeArchive, match="refusing"):
        w3c.extract_suite(archive, root)
    assert not root.exists()
    assert list(root.parent.iterdir()) == [], "nothing half-extracted is left"
    assert not list(tmp_path.rglob("escaped.ttl"))


def test_extract_refuses_an_archive_without_the_suite(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "s.tar.gz", {"pyshacl-9.9/README.md": b""})
    with pytest.raises(w3c.SuiteUnavailable, match="no test/resources/sht_tests"):
        w3c.extract_suite(archive, tmp_path / "cache" / "sht_tests")
    assert list((tmp_path / "cache").iterdir()) == []


def test_the_cache_is_reused_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pip(*args: object, **kwargs: object) -> None:
        raise AssertionError("pip was run although the cache holds the sdist")

    monkeypatch.setattr(subprocess, "run", no_pip)
    folder = tmp_path / "pyshacl-9.9"
    folder.mkdir()
    _tar(folder / "pyshacl-9.9.tar.gz", SDIST)
    root = w3c.suite_root("9.9", cache=tmp_path)
    assert root == folder / "sht_tests" and (root / "core" / "manifest.ttl").is_file()
    (folder / "pyshacl-9.9.tar.gz").unlink()
    assert w3c.suite_root("9.9", cache=tmp_path) == root, "the extracted suite is enough"


def test_a_failed_download_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def failing_pip(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append(command)
        assert kwargs["timeout"] == w3c.DOWNLOAD_TIMEOUT
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution")

    monkeypatch.setattr(subprocess, "run", failing_pip)
    with pytest.raises(w3c.SuiteUnavailable) as caught:
        w3c.suite_root("9.9", cache=tmp_path)
    message = str(caught.value)
    assert "pip download --no-deps --no-binary :all: pyshacl==9.9 -d" in message
    assert "No matching distribution" in message
    assert seen and seen[0][-1] == str(tmp_path / "pyshacl-9.9")
    assert not (tmp_path / "pyshacl-9.9" / "sht_tests").exists()


def test_a_broken_cached_archive_is_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "pyshacl-9.9"
    folder.mkdir()
    (folder / "pyshacl-9.9.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(w3c.SuiteUnavailable, match="cannot extract"):
        w3c.suite_root("9.9", cache=tmp_path)
    assert list(folder.iterdir()) == [], "the next run downloads it again"


def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IUSGRAPH_CACHE", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "b"))
    assert w3c.cache_root() == tmp_path / "a"
    monkeypatch.delenv("IUSGRAPH_CACHE")
    assert w3c.cache_root() == tmp_path / "b" / "iusgraph"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert w3c.cache_root() == tmp_path / "home" / ".cache" / "iusgraph"


def test_the_suite_is_the_installed_pyshacls() -> None:
    assert w3c.suite_root().parent.name == f"pyshacl-{w3c.pyshacl_version()}"
