"""Every command of ``iusgraph`` on each of its exit paths, through click's runner.

0 ok; 1 the data violates the shapes, the evidence does not match or graph-qc --strict
finds warnings (only the commands that report findings); 2 a usage or input error, whose
message names the file or option, never with a traceback.

``EXIT_CODES`` lists each command with the exit codes it has; a command of
``iusgraph.cli.main`` that is missing from it fails ``test_every_command_has_its_exit_paths``,
and each (command, code) pair needs a case in ``CASES``. The commands that start a server
(serve) or talk to one (publish, query --endpoint) are driven on their exit-2 paths only:
nothing listens except on loopback, and no connection is opened (``no_network``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from iusgraph.cli import main

from ..helpers import FIXTURES, ROOT, SOURCES

#: Each command (a group's subcommands as "group sub") and the exit codes it can give.
EXIT_CODES: dict[str, set[int]] = {
    "agreement": {0, 2},
    "anchor": {0, 2},
    "build": {0, 2},
    "diff": {0, 1, 2},
    "draw": {0, 2},
    "explain": {0, 2},
    "export": {0, 2},
    "graph-qc": {0, 1, 2},
    "ledger": {0, 2},
    "mappings check": {0, 1, 2},
    "mappings closure": {0, 2},
    "mappings suggest": {0, 2},
    "publish": {2},
    "query": {0, 2},
    "release": {0, 2},
    "serve": {2},
    "stats": {0, 2},
    "synth": {0, 2},
    "validate": {0, 1, 2},
    "verify-evidence": {0, 1, 2},
}

SMALL = FIXTURES / "network" / "small.ttl"
#: A conforming base graph plus a claim without a rank: one violation of shape:ClaimShape.
INVALID = [FIXTURES / "shapes" / "base.ttl", FIXTURES / "shapes" / "invalid" / "ClaimShape.ttl"]
HEADER = "id\tsubject\tpredicate\tobject\tqualifiers\tstart\tend\texact\n"


@dataclass
class Ctx:
    """What a case builds its arguments from: a fresh folder, and helpers that make files."""

    tmp: Path
    #: A loopback port something already listens on (the serve port-taken case).
    taken_port: int = 0

    @property
    def afile(self) -> Path:
        """A regular file: ``afile / "sub"`` is an output folder that cannot be made."""
        path = self.tmp / "afile"
        if not path.exists():
            path.write_text("x", encoding="utf-8")
        return path

    def data(self) -> Path:
        """A copy of the curated data folder, for the commands that write into it."""
        copy = self.tmp / "data"
        if not copy.exists():
            shutil.copytree(ROOT / "data", copy)
        return copy

    def sources(self) -> Path:
        """The source documents (the cases using this carry needs_sources)."""
        if not SOURCES.is_dir():
            pytest.fail(f"source documents not found at {SOURCES}; set IUSGRAPH_SOURCES")
        return SOURCES

    def changed_sources(self) -> Path:
        copy = self.tmp / "sources"
        shutil.copytree(self.sources(), copy)
        (copy / "002_f15c8b46a0378cec.txt").write_text("changed", encoding="utf-8")
        return copy

    def table(self, exact: str) -> Path:
        table = self.tmp / "ius-monograph.tsv"
        table.write_text(
            HEADER + f"se-acne\tlng-ius\thasSideEffect\tacne\t\t\t\t{exact}\n", encoding="utf-8"
        )
        return table

    def bad_mappings(self) -> Path:
        data = self.data()
        (data / "mappings" / "hpo.sssom.tsv").write_text("#curie_map: [\n", encoding="utf-8")
        return data

    def violating_mappings(self) -> Path:
        data = self.data()
        shutil.copy(FIXTURES / "mappings" / "hpo.sssom.tsv", data / "mappings" / "hpo.sssom.tsv")
        return data


#: A shapes file of a user's (validate --shapes): a violation on every claim without a
#: seriousness, which most claims are.
EXTRA_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ius: <https://w3id.org/iusgraph/ontology/> .
@prefix ex: <http://example.org/> .
ex:EveryClaimIsSerious a sh:NodeShape ; sh:targetClass ius:Claim ;
    sh:property [ sh:path ius:seriousness ; sh:minCount 1 ] .
"""


def _write(ctx: Ctx, name: str, text: str) -> Path:
    path = ctx.tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Case:
    """One run of a command: its arguments, the exit code, and what the output must say."""

    command: str
    code: int
    args: Callable[[Ctx], list[object]]
    says: Callable[[Ctx], list[str]] = lambda ctx: []
    #: Files the run must have written (0) or must not have written (2).
    wrote: Callable[[Ctx], list[Path]] = lambda ctx: []
    marks: list[pytest.MarkDecorator] = field(default_factory=list)
    #: Whether the case needs ``taken_port``.
    needs_port: bool = False


def _under_a_file(
    command: str, *extra: object, marks: list[pytest.MarkDecorator] | None = None
) -> Case:
    """``--out`` under a regular file: an input error that names the path, exit 2."""
    return Case(
        command,
        2,
        lambda ctx: [*command.split(), *extra, "--out", ctx.afile / "sub"],
        says=lambda ctx: ["iusgraph: error:", str(ctx.afile / "sub"), "cannot write"],
        marks=marks or [],
    )


SOURCES_MARK = [pytest.mark.needs_sources]

CASES: list[tuple[str, Case]] = [
    # agreement
    (
        "json",
        Case("agreement", 0, lambda c: ["agreement", "--format", "json"], lambda c: ["jaccard"]),
    ),
    (
        "unknown-predicate",
        Case(
            "agreement",
            2,
            lambda c: ["agreement", "--predicate", "ius:nothing"],
            lambda c: ["iusgraph: error:", "ius:nothing"],
        ),
    ),
    (
        "missing-graph",
        Case(
            "agreement",
            2,
            lambda c: ["agreement", "--graph", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    # anchor
    (
        "fills",
        Case(
            "anchor",
            0,
            lambda c: ["anchor", "--sources", c.sources(), c.table("Acne")],
            lambda c: ["filled 1 row(s)"],
            marks=SOURCES_MARK,
        ),
    ),
    (
        "no-sources-option",
        Case("anchor", 2, lambda c: ["anchor"], lambda c: ["Missing option '--sources'"]),
    ),
    (
        "missing-sources",
        Case(
            "anchor",
            2,
            lambda c: ["anchor", "--sources", c.tmp / "nosrc", c.table("Acne")],
            lambda c: ["iusgraph: error:", str(c.tmp / "nosrc"), "--sources"],
        ),
    ),
    (
        "quote-not-found",
        Case(
            "anchor",
            2,
            lambda c: ["anchor", "--sources", c.sources(), c.table("Not in the text")],
            lambda c: ["iusgraph: error:", "ius-monograph.tsv"],
            marks=SOURCES_MARK,
        ),
    ),
    # build
    (
        "ok",
        Case(
            "build",
            0,
            lambda c: ["build", "--out", c.tmp / "out"],
            lambda c: [str(c.tmp / "out" / "iusgraph.ttl")],
            wrote=lambda c: [c.tmp / "out" / n for n in ("iusgraph.ttl", "iusgraph.nt")],
        ),
    ),
    ("out-under-a-file", _under_a_file("build")),
    # diff
    (
        "same",
        Case("diff", 0, lambda c: ["diff", SMALL, SMALL], lambda c: ["no differences"]),
    ),
    (
        "different",
        Case(
            "diff",
            1,
            lambda c: ["diff", SMALL, INVALID[0], "--format", "markdown"],
            lambda c: ["| group | added | removed | changed |"],
        ),
    ),
    (
        "missing-file",
        Case(
            "diff",
            2,
            lambda c: ["diff", SMALL, c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    (
        "unknown-revision",
        Case(
            "diff",
            2,
            lambda c: ["diff", "--git", "no-such-revision"],
            lambda c: ["iusgraph: error:", "unknown revision 'no-such-revision'"],
        ),
    ),
    (
        "one-graph",
        Case("diff", 2, lambda c: ["diff", SMALL], lambda c: ["give OLD and NEW"]),
    ),
    # draw
    (
        "focus-svg",
        Case(
            "draw",
            0,
            lambda c: ["draw", "--out", c.tmp / "out", "--focus", "ent:mirena", "--format", "svg"],
            wrote=lambda c: [c.tmp / "out" / "focus-mirena.svg"],
            marks=[pytest.mark.needs_graphviz],
        ),
    ),
    (
        "out-under-a-file",
        _under_a_file("draw", "--format", "svg", marks=[pytest.mark.needs_graphviz]),
    ),
    (
        "bad-format",
        Case(
            "draw",
            2,
            lambda c: ["draw", "--out", c.tmp / "out", "--format", "gif"],
            lambda c: ["--format", "'gif'"],
            wrote=lambda c: [c.tmp / "out"],
        ),
    ),
    (
        "depth-without-focus",
        Case(
            "draw",
            2,
            lambda c: ["draw", "--out", c.tmp / "out", "--depth", "2"],
            lambda c: ["--depth", "--focus"],
            wrote=lambda c: [c.tmp / "out"],
        ),
    ),
    # explain
    (
        "path",
        Case(
            "explain",
            0,
            lambda c: ["explain", "levonorgestrel", "lighter menstrual flow"],
            lambda c: ["levonorgestrel -> lighter menstrual flow"],
        ),
    ),
    (
        "unknown-entity",
        Case(
            "explain",
            2,
            lambda c: ["explain", "ent:nothing", "ent:mirena"],
            lambda c: ["iusgraph: error:", "no entity 'ent:nothing'"],
        ),
    ),
    (
        "missing-argument",
        Case("explain", 2, lambda c: ["explain", "ent:mirena"], lambda c: ["Missing argument"]),
    ),
    # export
    (
        "turtle",
        Case(
            "export",
            0,
            lambda c: ["export", "--format", "turtle", "--out", c.tmp / "out"],
            wrote=lambda c: [c.tmp / "out" / "iusgraph.ttl"],
        ),
    ),
    ("out-under-a-file", _under_a_file("export", "--format", "turtle")),
    (
        "bad-format",
        Case(
            "export",
            2,
            lambda c: ["export", "--format", "xls", "--out", c.tmp / "out"],
            lambda c: ["--format", "'xls'"],
            wrote=lambda c: [c.tmp / "out"],
        ),
    ),
    # graph-qc
    (
        "warnings-only",
        Case(
            "graph-qc",
            0,
            lambda c: ["graph-qc", "--graph", SMALL],
            lambda c: ["rule: graph:unreached-entity"],
        ),
    ),
    (
        "strict-warnings",
        Case(
            "graph-qc",
            1,
            lambda c: ["graph-qc", "--graph", SMALL, "--strict"],
            lambda c: ["WARNING", "rule: graph:disconnected-component"],
        ),
    ),
    (
        "missing-graph",
        Case(
            "graph-qc",
            2,
            lambda c: ["graph-qc", "--graph", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    # ledger
    (
        "refresh",
        Case(
            "ledger",
            0,
            lambda c: ["--data", c.data(), "ledger", "--sources", c.sources()],
            marks=SOURCES_MARK,
        ),
    ),
    (
        "missing-sources",
        Case(
            "ledger",
            2,
            lambda c: ["--data", c.data(), "ledger", "--sources", c.tmp / "nosrc"],
            lambda c: ["iusgraph: error:", str(c.tmp / "nosrc"), "--sources"],
        ),
    ),
    # mappings check
    (
        "conforms",
        Case("mappings check", 0, lambda c: ["mappings", "check"], lambda c: ["conforms"]),
    ),
    (
        "violations",
        Case(
            "mappings check",
            1,
            lambda c: ["--data", c.violating_mappings(), "mappings", "check"],
            lambda c: ["mapping:live-term", "HP:0008665"],
        ),
    ),
    (
        "bad-yaml",
        Case(
            "mappings check",
            2,
            lambda c: ["--data", c.bad_mappings(), "mappings", "check"],
            lambda c: ["iusgraph: error:", "hpo.sssom.tsv", "YAML"],
        ),
    ),
    # mappings closure
    (
        "writes",
        Case(
            "mappings closure",
            0,
            lambda c: ["--data", c.data(), "mappings", "closure"],
            lambda c: [str(c.tmp / "data" / "mappings" / "hpo-closure.nt")],
            wrote=lambda c: [c.tmp / "data" / "mappings" / "hpo-closure.nt"],
        ),
    ),
    (
        "bad-yaml",
        Case(
            "mappings closure",
            2,
            lambda c: ["--data", c.bad_mappings(), "mappings", "closure"],
            lambda c: ["iusgraph: error:", "hpo.sssom.tsv"],
        ),
    ),
    (
        "not-a-data-folder",
        Case(
            "mappings closure",
            2,
            lambda c: ["--data", c.tmp, "mappings", "closure"],
            lambda c: ["iusgraph: error:", str(c.tmp), "sources.ttl"],
        ),
    ),
    # mappings suggest
    (
        "mesh",
        Case(
            "mappings suggest",
            0,
            lambda c: ["mappings", "suggest", "--vocabulary", "mesh", "--out", c.tmp / "c.tsv"],
            lambda c: ["precision"],
            wrote=lambda c: [c.tmp / "c.tsv"],
        ),
    ),
    (
        "out-under-a-file",
        Case(
            "mappings suggest",
            2,
            lambda c: ["mappings", "suggest", "--out", c.afile / "sub" / "c.tsv"],
            lambda c: ["iusgraph: error:", str(c.afile / "sub" / "c.tsv"), "cannot write"],
        ),
    ),
    (
        "bad-vocabulary",
        Case(
            "mappings suggest",
            2,
            lambda c: ["mappings", "suggest", "--vocabulary", "umls"],
            lambda c: ["--vocabulary", "'umls'"],
        ),
    ),
    # publish: exit 2 only, before any request
    (
        "refused-scheme",
        Case(
            "publish",
            2,
            lambda c: ["publish", "--endpoint", "file:///etc/passwd"],
            lambda c: ["iusgraph: error:", "file:///etc/passwd", "http://"],
        ),
    ),
    (
        "missing-file",
        Case(
            "publish",
            2,
            lambda c: ["publish", c.tmp / "no.ttl", "--endpoint", "http://127.0.0.1:9/store"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    (
        "bad-chunk-size",
        Case(
            "publish",
            2,
            lambda c: ["publish", "--endpoint", "http://127.0.0.1:9/store", "--chunk-size", "0"],
            lambda c: ["--chunk-size"],
        ),
    ),
    (
        "no-endpoint",
        Case("publish", 2, lambda c: ["publish"], lambda c: ["Missing option '--endpoint'"]),
    ),
    # query
    (
        "named",
        Case(
            "query",
            0,
            lambda c: ["query", "contraindications", "--format", "csv"],
            lambda c: ["claim,kind,product,condition,action,source"],
        ),
    ),
    (
        "unknown-name",
        Case(
            "query",
            2,
            lambda c: ["query", "no-such-query"],
            lambda c: ["iusgraph: error:", "unknown query 'no-such-query'"],
        ),
    ),
    (
        "missing-graph",
        Case(
            "query",
            2,
            lambda c: ["query", "contraindications", "--graph", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    (
        "endpoint-refused-scheme",
        Case(
            "query",
            2,
            lambda c: ["query", "contraindications", "--endpoint", "ftp://example.org/sparql"],
            lambda c: ["iusgraph: error:", "ftp://example.org/sparql", "http://"],
        ),
    ),
    # serve: exit 2 only, nothing starts
    (
        "port-taken",
        Case(
            "serve",
            2,
            lambda c: ["serve", "--host", "127.0.0.1", "--port", c.taken_port],
            lambda c: ["iusgraph: error:", f"127.0.0.1:{c.taken_port}", "--port"],
            needs_port=True,
        ),
    ),
    (
        "bad-max-bytes",
        Case(
            "serve",
            2,
            lambda c: ["serve", "--max-bytes", "lots"],
            lambda c: ["--max-bytes", "'lots'"],
        ),
    ),
    (
        "bad-port",
        Case("serve", 2, lambda c: ["serve", "--port", "0"], lambda c: ["--port", "0"]),
    ),
    (
        "missing-graph",
        Case(
            "serve",
            2,
            lambda c: ["serve", "--graph", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    # stats
    (
        "json",
        Case("stats", 0, lambda c: ["stats", "--format", "json"], lambda c: ["claims_by_source"]),
    ),
    (
        "missing-graph",
        Case(
            "stats",
            2,
            lambda c: ["stats", "--graph", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    (
        "bad-format",
        Case("stats", 2, lambda c: ["stats", "--format", "xml"], lambda c: ["--format", "'xml'"]),
    ),
    # synth
    (
        "one-drug",
        Case(
            "synth",
            0,
            lambda c: ["synth", "--drugs", "1", "--out", c.tmp / "out"],
            wrote=lambda c: [c.tmp / "out" / "synth.nt"],
        ),
    ),
    ("out-under-a-file", _under_a_file("synth", "--drugs", "1")),
    (
        "no-drugs",
        Case(
            "synth",
            2,
            lambda c: ["synth", "--drugs", "0", "--out", c.tmp / "out"],
            lambda c: ["--drugs"],
            wrote=lambda c: [c.tmp / "out"],
        ),
    ),
    # release
    (
        "bundle",
        Case(
            "release",
            0,
            lambda c: [
                "release",
                "--version",
                "1.0.0",
                "--date",
                "2026-12-01",
                "--out",
                c.tmp / "r",
            ],
            lambda c: [f"wrote {c.tmp / 'r' / 'SHA256SUMS'}"],
            wrote=lambda c: [c.tmp / "r" / "void.ttl", c.tmp / "r" / "SHA256SUMS"],
        ),
    ),
    ("out-under-a-file", _under_a_file("release", "--version", "1.0.0", "--date", "2026-12-01")),
    (
        "bad-version",
        Case(
            "release",
            2,
            lambda c: ["release", "--version", "1.0 beta", "--out", c.tmp / "r"],
            lambda c: ["release version '1.0 beta'"],
            wrote=lambda c: [c.tmp / "r"],
        ),
    ),
    # validate
    (
        "conforms",
        Case("validate", 0, lambda c: ["validate"], lambda c: ["conforms: 0 violations"]),
    ),
    (
        "violations",
        Case("validate", 1, lambda c: ["validate", *INVALID], lambda c: ["shape:ClaimShape"]),
    ),
    (
        "missing-file",
        Case(
            "validate",
            2,
            lambda c: ["validate", c.tmp / "no.ttl"],
            lambda c: ["iusgraph: error:", str(c.tmp / "no.ttl"), "file not found"],
        ),
    ),
    (
        "since-violations",
        Case(
            "validate",
            1,
            lambda c: ["validate", "--since", INVALID[0], *INVALID],
            lambda c: ["shape:ClaimShape", "incremental:", "affected nodes"],
        ),
    ),
    (
        "since-missing-old",
        Case(
            "validate",
            2,
            lambda c: ["validate", "--since", c.tmp / "old.nt", *INVALID],
            lambda c: ["iusgraph: error:", str(c.tmp / "old.nt"), "no such graph file"],
        ),
    ),
    (
        "bad-engine",
        Case(
            "validate",
            2,
            lambda c: ["validate", "--engine", "jena"],
            lambda c: ["--engine", "'jena'"],
        ),
    ),
    (
        "extra-shapes",
        Case(
            "validate",
            1,
            lambda c: ["validate", "--shapes", _write(c, "mine.ttl", EXTRA_SHAPES)],
            lambda c: [
                "<http://example.org/EveryClaimIsSerious>/ius:seriousness",
                "does not conform",
            ],
        ),
    ),
    (
        "extra-shapes-pyshacl",
        Case(
            "validate",
            1,
            lambda c: [
                "validate",
                "--engine",
                "pyshacl",
                "--shapes",
                _write(c, "mine.ttl", EXTRA_SHAPES),
            ],
            lambda c: [
                "<http://example.org/EveryClaimIsSerious>/ius:seriousness",
                "does not conform",
            ],
        ),
    ),
    (
        "bad-shapes-file",
        Case(
            "validate",
            2,
            lambda c: ["validate", "--shapes", _write(c, "bad.ttl", "ex:S a ex:T .\n")],
            lambda c: ["iusgraph: error:", "bad.ttl:1:", "ex:"],
        ),
    ),
    (
        "explain-coverage",
        Case(
            "validate",
            0,
            lambda c: ["validate", "--explain-coverage"],
            lambda c: ["coverage: shape:ClaimShape: compiled: ", "conforms: 0 violations"],
        ),
    ),
    # verify-evidence
    (
        "matches",
        Case(
            "verify-evidence",
            0,
            lambda c: ["verify-evidence", "--sources", c.sources()],
            marks=SOURCES_MARK,
        ),
    ),
    (
        "changed-document",
        Case(
            "verify-evidence",
            1,
            lambda c: ["verify-evidence", "--sources", c.changed_sources()],
            lambda c: ["002_f15c8b46a0378cec.txt"],
            marks=SOURCES_MARK,
        ),
    ),
    (
        "missing-folder",
        Case(
            "verify-evidence",
            2,
            lambda c: ["verify-evidence", "--sources", c.tmp / "nosrc"],
            lambda c: ["iusgraph: error:", str(c.tmp / "nosrc"), "--sources"],
        ),
    ),
]


def _commands(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name


def test_every_command_has_its_exit_paths() -> None:
    """A new command fails here until it has a row in EXIT_CODES and a case per exit code."""
    assert set(_commands(main)) == set(EXIT_CODES)
    covered = {(case.command, case.code) for _, case in CASES}
    expected = {(name, code) for name, codes in EXIT_CODES.items() for code in codes}
    assert covered == expected
    ids = [f"{case.command}-{case.code}-{name}" for name, case in CASES]
    assert len(ids) == len(set(ids)), "two cases share an id"


@pytest.fixture()
def taken_port() -> Iterator[int]:
    """A loopback port that something already listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=f"{case.command}-{case.code}-{name}", marks=case.marks)
        for name, case in CASES
    ],
)
def test_exit_path(
    case: Case,
    tmp_path: Path,
    no_network: None,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # the checkout's data folder, whatever pytest's folder is
    ctx = Ctx(tmp_path)
    if case.needs_port:
        ctx.taken_port = request.getfixturevalue("taken_port")
    args = [str(a) for a in case.args(ctx)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    output = result.output
    assert "Traceback" not in output
    assert result.exit_code == case.code, output
    for text in case.says(ctx):
        assert text in output, f"{text!r} not in the output of iusgraph {' '.join(args)}"
    for path in case.wrote(ctx):
        assert path.exists() == (case.code == 0), path


#: Modules that ``iusgraph --help`` must not import: the server, the SPARQL engines,
#: pySHACL, networkx and Graphviz are loaded by the commands that use them.
HEAVY = (
    "starlette",
    "uvicorn",
    "rdflib.plugins.sparql",
    "pyoxigraph",
    "pyshacl",
    "networkx",
    "graphviz",
)


def test_help_imports_no_server_engine_or_graphviz() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "iusgraph", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Commands:" in result.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "iusgraph.cli" in imported  # the importtime report was read
    heavy = sorted(m for m in imported if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == [], f"iusgraph --help imported {heavy}"
