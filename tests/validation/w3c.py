"""The W3C SHACL test suite (Core and SPARQL) run through iusgraph's validators.

The suite is the one of ``w3c/data-shapes`` as pySHACL ships it in its source
distribution, ``pyshacl-<version>/test/resources/sht_tests/`` (``core/**`` and
``sparql/**``, manifests linked by ``mf:include`` from ``core/manifest.ttl`` and
``sparql/manifest.ttl``). :func:`suite_root` downloads the sdist of the *installed*
pySHACL with pip (PyPI is the only network access) and extracts that folder once into
``${IUSGRAPH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/iusgraph}/pyshacl-<version>/sht_tests``;
later runs read the cache and need no network. Nothing is written inside the repository.

Three engines run every ``sht:Validate`` entry (:data:`ENGINES`):

- ``reference``: pySHACL through the project's adapter
  (:func:`iusgraph.validation.reference.shacl_findings`);
- ``fast-graph``: the fast path (:func:`iusgraph.validation.validate.fast_shacl_findings`)
  on a store made from the rdflib graph, as ``validate_graph`` does;
- ``fast-file``: the fast path on a store that Oxigraph parsed from the file, as
  ``validate_files`` does (without the project ontology).

A test passes when the engine's results, as a multiset of
``(focus, path, component, severity, value)`` strings (:data:`Row`), equal the expected
``sh:ValidationReport``'s ``sh:result`` objects exactly: IRIs as their full text, every
blank node as ``"_"``, literals as their lexical form, ``""`` for no path or no value
(``sh:sourceShape`` and ``sh:resultMessage`` are not compared; nested ``sh:detail``
results are not results). For the reference engine the verdict must match too (see
:func:`judge`). A ``sht:Failure`` entry passes when the engine raised one of the
:data:`REFUSALS`.

``python -m tests.validation.w3c`` (from the repository root) prints the score table of
every engine, core and sparql apart; ``--json`` prints every test's result instead.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import PREFIXES, expand
from iusgraph.graph.store import (
    graph_terms,
    input_terms,
    open_store,
    store_from_files,
    store_graph,
)
from iusgraph.validation.reference import shacl_findings
from iusgraph.validation.report import Finding, Report
from iusgraph.validation.validate import fast_shacl_findings

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: The two parts of the suite this harness runs, each with its top manifest.
PARTS = ("core", "sparql")
#: Where the suite sits inside pySHACL's sdist (below the ``pyshacl-<version>/`` folder).
SUITE_IN_SDIST = "test/resources/sht_tests"
DOWNLOAD_TIMEOUT = 300

#: One result: (focus, path, component, severity, value), see the module docstring.
Row = tuple[str, str, str, str, str]
Rows = Counter[Row]


class SuiteUnavailable(RuntimeError):
    """The suite could not be downloaded or extracted; the message says what to run."""


class UnsafeArchive(SuiteUnavailable):
    """The sdist holds a member that would land outside the extraction folder."""


# --- fetching -------------------------------------------------------------------------


def cache_root() -> Path:
    """``$IUSGRAPH_CACHE``, else ``$XDG_CACHE_HOME/iusgraph``, else ``~/.cache/iusgraph``."""
    if os.environ.get("IUSGRAPH_CACHE"):
        return Path(os.environ["IUSGRAPH_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "iusgraph"


def pyshacl_version() -> str:
    """The installed pySHACL's version: the suite is taken from the same release."""
    return importlib.metadata.version("pyshacl")


def download_command(version: str, dest: Path) -> list[str]:
    """The pip command that fetches pySHACL's sdist (no build, no dependencies)."""
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        f"pyshacl=={version}",
        "-d",
        str(dest),
    ]


def suite_root(version: str | None = None, cache: Path | None = None) -> Path:
    """The extracted ``sht_tests`` folder of pySHACL ``version`` (the installed one by
    default), downloaded and extracted on first use and read from the cache afterwards.

    :raises SuiteUnavailable: when pip cannot download the sdist (the message gives the
        command to run by hand) or the archive is unsafe or lacks the suite
    """
    version = version or pyshacl_version()
    folder = (cache or cache_root()) / f"pyshacl-{version}"
    root = folder / "sht_tests"
    if root.is_dir():  # only ever made by a complete extraction (a rename at the end)
        return root
    folder.mkdir(parents=True, exist_ok=True)
    archives = sorted(folder.glob(f"pyshacl-{version}.tar.gz"))
    archive = archives[0] if archives else _download(version, folder)
    try:
        extract_suite(archive, root)
    except SuiteUnavailable:
        archive.unlink(missing_ok=True)  # a broken or unsafe archive is not kept: fetch again
        raise
    return root


def _download(version: str, folder: Path) -> Path:
    command = download_command(version, folder)
    shown = " ".join(command)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SuiteUnavailable(
            f"cannot download the W3C SHACL suite (pySHACL {version} sdist): {exc}; "
            f"run `{shown}` by hand, or put pyshacl-{version}.tar.gz into {folder}"
        ) from None
    archives = sorted(folder.glob(f"pyshacl-{version}.tar.gz"))
    if done.returncode != 0 or not archives:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SuiteUnavailable(
            f"cannot download the W3C SHACL suite (pySHACL {version} sdist): pip exited "
            f"{done.returncode}: {' / '.join(tail)}; run `{shown}` by hand (PyPI must be "
            f"reachable), or put pyshacl-{version}.tar.gz into {folder}"
        )
    return archives[0]


def extract_suite(archive: Path, root: Path) -> None:
    """Extract only ``*/test/resources/sht_tests/**`` of the sdist into ``root``.

    Every member is checked first: an absolute name or a ``..`` part refuses the whole
    archive, and only regular files and folders are written. The files go to a temporary
    folder beside ``root`` that is renamed at the end, so a half-extracted suite never
    stays in the cache.

    :raises UnsafeArchive: for an absolute or ``..`` member name
    :raises SuiteUnavailable: when the archive does not hold the suite
    """
    marker = f"/{SUITE_IN_SDIST}/"
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sht_tests-", dir=root.parent))
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts or member.name.startswith("\\"):
                    raise UnsafeArchive(f"{archive}: refusing the member {member.name!r}")
            count = 0
            for member in members:
                head, sep, rest = f"/{member.name}".partition(marker)
                if not sep or not rest or head.count("/") != 1:
                    continue  # not below <top>/test/resources/sht_tests/
                target = tmp.joinpath(*PurePosixPath(rest).parts)
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    source = tar.extractfile(member)
                    assert source is not None  # a regular file always has contents
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
                    count += 1
        if not count or not all((tmp / part / "manifest.ttl").is_file() for part in PARTS):
            raise SuiteUnavailable(f"{archive}: no {SUITE_IN_SDIST}/{{core,sparql}} inside")
        try:
            tmp.rename(root)
        except OSError:
            if not root.is_dir():  # another process finished first: keep its copy
                raise
    except (tarfile.TarError, OSError) as exc:
        raise SuiteUnavailable(f"{archive}: cannot extract the suite: {exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- the manifests --------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteTest:
    """One ``sht:Validate`` entry of the manifests."""

    id: str  # e.g. core/node/and-001 (+ "#entry" when a file holds several)
    part: str  # core | sparql
    label: str
    status: str  # the local name of mf:status: approved, proposed...
    data: Path
    shapes: Path
    failure: bool  # mf:result sht:Failure: the engine must refuse
    conforms: bool | None  # the expected sh:conforms (None for a failure)
    results: tuple[Row, ...] = ()  # the expected results, sorted

    @property
    def expected(self) -> Rows:
        """The expected results as a multiset."""
        return Counter(self.results)


@cache
def parsed(path: Path) -> Graph:
    """One suite file parsed by rdflib (base: its file IRI), once per process.

    The manifest walk reads these; the engines get :func:`inputs`, copies of them.
    """
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def inputs(test: SuiteTest) -> tuple[Graph, Graph]:
    """Fresh copies of the data and shapes graphs (one graph when they are one file).

    Copies, because pySHACL adds two "system triples" (``owl:Class rdfs:subClassOf
    rdfs:Class`` ...) to every shapes graph it is given, so a shared graph would change
    the tests that run after it.
    """
    data = Graph()
    data += parsed(test.data)
    if test.shapes == test.data:
        return data, data
    shapes = Graph()
    shapes += parsed(test.shapes)
    return data, shapes


def file_of(iri: Node | None) -> Path:
    """The local file a ``file:`` IRI of the suite names."""
    parts = urlparse(str(iri))
    if iri is None or parts.scheme != "file":
        raise ValueError(f"not a file IRI: {iri}")
    return Path(unquote(parts.path))


def term_text(term: Node | None) -> str:
    """An expected term as a :data:`Row` string: ``""`` for none, ``"_"`` for a blank node,
    an IRI's text, a literal's lexical form."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_"
    return str(term)


def report_rows(graph: Graph, report: Node) -> Rows:
    """The results of an ``sh:ValidationReport``: the objects of ``sh:result`` only."""
    rows: Rows = Counter()
    for result in graph.objects(report, SH.result):
        rows[
            tuple(  # type: ignore[index]
                term_text(graph.value(result, pred))
                for pred in (
                    SH.focusNode,
                    SH.resultPath,
                    SH.sourceConstraintComponent,
                    SH.resultSeverity,
                    SH.value,
                )
            )
        ] += 1
    return rows


def manifest_files(top: Path) -> Iterator[Path]:
    """``top`` and every file reached from it through ``mf:include``, each once."""
    todo, seen = [top.resolve()], set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        yield path
        graph = parsed(path)
        for manifest in sorted(graph.subjects(RDF.type, MF.Manifest), key=str):
            todo += sorted(file_of(o).resolve() for o in graph.objects(manifest, MF.include))


def entries(path: Path, sht_root: Path) -> Iterator[SuiteTest]:
    """The ``sht:Validate`` entries listed by ``mf:entries`` in one file."""
    graph = parsed(path)
    listed = [
        entry
        for manifest in sorted(graph.subjects(RDF.type, MF.Manifest), key=str)
        for head in graph.objects(manifest, MF.entries)
        for entry in Collection(graph, head)
    ]
    base = path.relative_to(sht_root).with_suffix("").as_posix()
    validates = [e for e in listed if (e, RDF.type, SHT.Validate) in graph]
    for entry in validates:
        fragment = str(entry).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        action = graph.value(entry, MF.action)
        result = graph.value(entry, MF.result)
        status = graph.value(entry, MF.status)
        failure = result == SHT.Failure
        if result is None:
            raise ValueError(f"{path}: {entry} has no mf:result")
        conforms = None if failure else graph.value(result, SH.conforms)
        yield SuiteTest(
            id=base if len(validates) == 1 else f"{base}#{fragment}",
            part=base.split("/", 1)[0],
            label=str(graph.value(entry, RDFS.label) or ""),
            status=str(status).rsplit("#", 1)[-1] if status is not None else "",
            data=file_of(graph.value(action, SHT.dataGraph)).resolve(),
            shapes=file_of(graph.value(action, SHT.shapesGraph)).resolve(),
            failure=failure,
            conforms=(conforms.toPython() is True) if isinstance(conforms, Literal) else None,
            results=() if failure else tuple(sorted(report_rows(graph, result).elements())),
        )


def load_suite(sht_root: Path | None = None) -> list[SuiteTest]:
    """Every ``sht:Validate`` entry of core and sparql, in manifest order."""
    sht_root = (sht_root or suite_root()).resolve()
    return [
        test
        for part in PARTS
        for path in manifest_files(sht_root / part / "manifest.ttl")
        for test in entries(path, sht_root)
    ]


# --- mapping the project's findings back to rows --------------------------------------


@dataclass(frozen=True)
class Terms:
    """The IRIs and blank-node ids a run's findings can name (data, shapes, store...)."""

    iris: frozenset[str]
    bnodes: frozenset[str]

    @classmethod
    def of(cls, sources: Iterable[Graph | ox.Store]) -> Terms:
        """The terms of rdflib graphs and Oxigraph stores (default graph and named)."""
        iris: set[str] = set()
        bnodes: set[str] = set()
        for source in sources:
            terms: Iterable[Any] = (
                (t for triple in source for t in triple)
                if isinstance(source, Graph)
                else (t for q in source for t in (q.subject, q.predicate, q.object))
            )
            for term in terms:
                if isinstance(term, URIRef | ox.NamedNode):
                    iris.add(term if isinstance(term, URIRef) else term.value)
                elif isinstance(term, BNode | ox.BlankNode):
                    bnodes.add(term if isinstance(term, BNode) else term.value)
        return cls(frozenset(str(i) for i in iris), frozenset(str(b) for b in bnodes))

    def node(self, text: str) -> str:
        """A finding's focus or value as a :data:`Row` string.

        A text that is an IRI of the data, shapes or store is that IRI; else a blank-node
        id of theirs (bare, or written ``_:id``) is ``"_"``; anything else is a literal's
        lexical form. The finding does not say which kind its term was, so a literal
        whose lexical form equals a blank-node id would be read as that blank node, and an
        empty literal is read as no value (neither occurs in the suite). A literal whose
        text is an IRI of the data gives the same string either way.
        """
        if not text or text in self.iris:
            return text
        if text in self.bnodes or text.startswith("_:"):
            return "_"
        return text

    def path(self, text: str) -> str:
        """A finding's path as a :data:`Row` string: ``""`` for none, the IRI of a CURIE
        under the project prefixes or of ``<iri>``, ``"_"`` for a blank-node path
        (``_:id``, or any text that is neither)."""
        if not text:
            return ""
        if text.startswith("<") and text.endswith(">"):
            return str(expand(text))
        if text in self.iris:
            return text
        prefix, sep, _ = text.partition(":")
        if sep and prefix in PREFIXES:
            return str(expand(text))
        return "_"


def finding_rows(findings: Iterable[Finding], terms: Terms) -> Rows:
    """The project's :class:`~iusgraph.validation.report.Finding` objects as rows.

    Focus and value go through :meth:`Terms.node`, the path through :meth:`Terms.path`,
    the component CURIE is expanded; the severity is a local name in ``sh:`` (Violation,
    Warning, Info) or the full IRI of a custom severity (misc/severity-002).
    """
    return Counter(
        (
            terms.node(f.focus),
            terms.path(f.path),
            str(expand(f.component)) if f.component else "",
            f.severity if ":" in f.severity else str(SH[f.severity]),
            terms.node(f.value),
        )
        for f in findings
    )


# --- running the engines --------------------------------------------------------------

#: What a runner gives: the project's report, and the graphs and stores whose terms its
#: findings may name (for :class:`Terms`).
Run = tuple[Report, list["Graph | ox.Store"]]


#: The exceptions a run records as the engine refusing (any other propagates): the
#: project turns every refusal into an IusgraphError with its reason (pySHACL's failures
#: and load errors, Oxigraph's errors on a compiled query, SERVICE and the SPARQL that
#: SHACL forbids), so anything else is a crash.
REFUSALS: tuple[type[Exception], ...] = (IusgraphError,)


def run_reference(test: SuiteTest) -> Run:
    """pySHACL through the project's adapter."""
    data, shapes = inputs(test)
    return shacl_findings(data, shapes), [data, shapes]


def run_fast_graph(test: SuiteTest) -> Run:
    """The fast path on a store made from the rdflib graph (``validate_graph``'s way)."""
    data, shapes = inputs(test)
    store = open_store(data)
    report = fast_shacl_findings(
        store, lambda predicates: graph_terms(data, predicates), lambda: data, shapes=shapes
    )
    return report, [data, shapes, store]


def run_fast_file(test: SuiteTest) -> Run:
    """The fast path on a store Oxigraph parsed from the file (``validate_files``' way);
    the pySHACL fallback reads the store's dump."""
    data, shapes = inputs(test)
    store = store_from_files([test.data])
    dumped: list[Graph | ox.Store] = []

    def as_graph() -> Graph:
        graph = store_graph(store)
        dumped.append(graph)
        return graph

    report = fast_shacl_findings(
        store, lambda predicates: input_terms([test.data], predicates), as_graph, shapes=shapes
    )
    return report, [data, shapes, store, *dumped]


Runner = Callable[[SuiteTest], Run]
ENGINES: dict[str, Runner] = {
    "reference": run_reference,
    "fast-graph": run_fast_graph,
    "fast-file": run_fast_file,
}
FAST_ENGINES = ("fast-graph", "fast-file")
FALLBACK_NOTE = "checked by pySHACL"


@dataclass
class Outcome:
    """What one engine did on one test."""

    engine: str
    test: SuiteTest
    rows: Rows = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    conforms: bool | None = None  # the project's Report.conforms (Violations only)
    error: str = ""  # "Type: message" of a recorded refusal
    error_module: str = ""  # the module of the refusal's type (pyshacl..., iusgraph...)
    crashed: bool = False  # the error is none of the REFUSALS (recorded by the CLI only)
    seconds: float = 0.0

    @property
    def fell_back(self) -> bool:
        """Whether a note says that some shape went to pySHACL (or pySHACL refused)."""
        return any(FALLBACK_NOTE in n for n in self.notes) or self.error_module.startswith(
            "pyshacl"
        )


def run(engine: str, test: SuiteTest) -> Outcome:
    """Run ``test`` on ``engine``; a refusal (:data:`REFUSALS`) is recorded, not raised."""
    outcome = Outcome(engine, test)
    start = time.perf_counter()
    try:
        report, sources = ENGINES[engine](test)
    except REFUSALS as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.error_module = type(exc).__module__
    else:
        outcome.rows = finding_rows(report.findings, Terms.of(sources))
        outcome.notes = list(report.notes)
        outcome.conforms = report.conforms
    outcome.seconds = time.perf_counter() - start
    return outcome


def run_or_crash(engine: str, test: SuiteTest) -> Outcome:
    """:func:`run`, with any other exception recorded as a crash (for the score table;
    the tests let it propagate)."""
    start = time.perf_counter()
    try:
        return run(engine, test)
    except Exception as exc:  # noqa: BLE001 - a crash is one failed test of the table
        return Outcome(
            engine,
            test,
            error=f"{type(exc).__name__}: {exc}",
            error_module=type(exc).__module__,
            crashed=True,
            seconds=time.perf_counter() - start,
        )


# --- judging and scoring ---------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """How an outcome compares with the expected result."""

    passed: bool
    kind: str  # compiled | fallback (passed); wrong | error (failed)
    silent: bool  # invalid data, no finding and no note naming a shape
    why: str = ""
    missing: tuple[Row, ...] = ()  # expected, not given
    extra: tuple[Row, ...] = ()  # given, not expected


def judge(outcome: Outcome) -> Verdict:
    """Pass: the same multiset of rows (for ``reference`` also the same verdict); for a
    ``sht:Failure``, a recorded refusal (a crash is never one).

    The verdict the adapter gives is the project's ``Report.conforms``, which ignores
    Warnings and Infos by design, so it is compared with "no expected Violation" rather
    than with ``sh:conforms`` (they differ for misc/severity-001/002, whose results are
    Warnings, Infos and a custom severity). With the adapter the verdict follows from the
    findings, so this adds nothing to the rows today; it would if the adapter gave
    pySHACL's own ``conforms``. The fast path is judged on the rows only.
    """
    test = outcome.test
    kind = "fallback" if outcome.fell_back else "compiled"
    if outcome.crashed:
        return Verdict(False, "error", False, f"crash: {outcome.error}")
    if test.failure:
        if outcome.error:
            return Verdict(True, kind, False, f"refused: {outcome.error}")
        return Verdict(False, "wrong", False, "expects a failure: the engine did not refuse")
    if outcome.error:
        return Verdict(False, "error", False, f"refused: {outcome.error}")
    expected = test.expected
    if outcome.rows != expected:
        missing = tuple(sorted((expected - outcome.rows).elements()))
        extra = tuple(sorted((outcome.rows - expected).elements()))
        silent = bool(expected) and not outcome.rows and not outcome.fell_back
        why = f"{len(missing)} missing, {len(extra)} extra"
        return Verdict(False, "wrong", silent, why, missing, extra)
    violation = str(SH.Violation)
    if outcome.engine == "reference" and outcome.conforms != (
        not any(row[3] == violation for row in expected)
    ):
        return Verdict(False, "wrong", False, f"Report.conforms is {outcome.conforms}")
    return Verdict(True, kind, False)


@cache
def outcome_of(engine: str, test: SuiteTest) -> Outcome:
    """:func:`run`, once per engine and test in a process (the tests share it)."""
    return run(engine, test)


COLUMNS = ("total", "compiled", "fallback", "wrong", "silent", "error")


def score(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """The counts of :data:`COLUMNS`; ``silent`` is a part of ``wrong``."""
    counts = dict.fromkeys(COLUMNS, 0)
    for outcome in outcomes:
        verdict = judge(outcome)
        counts["total"] += 1
        counts[verdict.kind] += 1
        counts["silent"] += verdict.silent
    return counts


def as_json(outcome: Outcome) -> dict[str, Any]:
    """One test's result, for ``--json``."""
    verdict = judge(outcome)
    test = outcome.test

    def listed(rows: Iterable[Row]) -> list[list[str]]:
        return [list(row) for row in sorted(rows)]

    def four(rows: Rows) -> Counter[tuple[str, ...]]:
        return Counter(row[:4] for row in rows.elements())

    return {
        "engine": outcome.engine,
        "id": test.id,
        "part": test.part,
        "passed": verdict.passed,
        "kind": verdict.kind,
        "silent": verdict.silent,
        "why": verdict.why,
        "fell_back": outcome.fell_back,
        "notes": outcome.notes,
        "error": outcome.error,
        "crashed": outcome.crashed,
        "expects_failure": test.failure,
        "expected": listed(test.expected.elements()),
        "got": listed(outcome.rows.elements()),
        "missing": listed(verdict.missing),
        "extra": listed(verdict.extra),
        # The review's criterion: the same rows without sh:value.
        "matches_without_value": not test.failure
        and not outcome.error
        and four(outcome.rows) == four(test.expected),
        "seconds": round(outcome.seconds, 4),
    }


def short(text: str) -> str:
    """An IRI by its local name (``sh:`` kept), for the table's list of misses."""
    if text.startswith(str(SH)):
        return "sh:" + text[len(str(SH)) :].replace("ConstraintComponent", "")
    if "://" in text:
        return text.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return repr(text) if text not in ("", "_") else text or "-"


def _rows_text(rows: tuple[Row, ...]) -> str:
    return "; ".join("(" + ", ".join(short(t) for t in row) + ")" for row in rows)


def table(outcomes: list[Outcome]) -> str:
    """The score table: one line per engine and part, then every miss."""
    line = "{:<11} {:<6} {:>5} {:>8} {:>8} {:>5} {:>6} {:>5}"
    lines = [line.format("engine", "part", *COLUMNS)]
    misses: list[str] = []
    for engine in ENGINES:
        mine = [o for o in outcomes if o.engine == engine]
        if not mine:
            continue
        for part in (*PARTS, "all"):
            counts = score(o for o in mine if part in ("all", o.test.part))
            lines.append(line.format(engine, part, *counts.values()))
        for o in mine:
            verdict = judge(o)
            if verdict.passed:
                continue
            flag = " (silent)" if verdict.silent else ""
            detail = ""
            if verdict.missing or verdict.extra:
                detail = (
                    f"\n      missing: {_rows_text(verdict.missing) or '-'}"
                    f"\n      extra:   {_rows_text(verdict.extra) or '-'}"
                )
            misses.append(f"  {engine}:{o.test.id} {verdict.kind}{flag}: {verdict.why}{detail}")
    legend = [
        "compiled: passed with every shape compiled; fallback: passed with some shape checked "
        "by pySHACL; silent: invalid data, no finding and no note (a part of wrong); error: "
        "the engine refused or crashed where a report was expected",
        "rows: (focus, path, component, severity, value); '_' a blank node, - none",
    ]
    return "\n".join([*lines, *legend, f"misses ({len(misses)}):", *misses]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the score table of every engine (or, with ``--json``, every result)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.validation.w3c",
        description="Run the W3C SHACL suite (core, sparql) on iusgraph's engines.",
    )
    parser.add_argument("--json", action="store_true", help="print per-test results as JSON")
    parser.add_argument(
        "--engine", choices=list(ENGINES), action="append", help="only this engine (repeatable)"
    )
    args = parser.parse_args(argv)
    # The suite has ill-typed literals on purpose; rdflib logs a traceback for each.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    # pySHACL resets its logger's level and handler on every call; a filter stays.
    logging.getLogger("pyshacl-validate").addFilter(lambda r: r.levelno >= logging.ERROR)
    root = suite_root()
    tests = load_suite(root)
    start = time.perf_counter()
    outcomes = [run_or_crash(engine, test) for engine in args.engine or ENGINES for test in tests]
    elapsed = time.perf_counter() - start
    if args.json:
        json.dump([as_json(o) for o in outcomes], sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(f"W3C SHACL suite of pySHACL {pyshacl_version()} ({root}): ")
    sys.stdout.write(f"{len(tests)} entries, {len(outcomes)} runs in {elapsed:.1f} s\n")
    sys.stdout.write(table(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
