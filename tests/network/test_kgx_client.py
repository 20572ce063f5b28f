"""The KGX export read by kgx itself, offline (.venv-kgx/bin/kgx-offline, made by setup.sh).

kgx downloads the Biolink model when it is imported; kgx-offline points it at the
biolink-model wheel's schema and refuses every network connection, so a download
attempt fails these tests instead of passing unseen.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from iusgraph.exporters import write
from iusgraph.network.interchange import KGX_PREFIXES

ROOT = Path(__file__).resolve().parents[2]
KGX = Path(os.environ.get("IUSGRAPH_KGX_VENV", ROOT / ".venv-kgx")) / "bin" / "kgx-offline"
NEGATIVE = """SELECT ?s ?p ?o WHERE {
    ?p a <https://w3id.org/iusgraph/ontology/NegativeProperty> . ?s ?p ?o }"""


def _kgx(*args: str | Path) -> subprocess.CompletedProcess[str]:
    if not KGX.exists():
        pytest.fail(f"{KGX} is missing: run `bash setup.sh` (it makes the kgx environment)")
    return subprocess.run(
        [str(KGX), *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def files(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    out = tmp_path_factory.mktemp("kgx")
    nodes, edges = write(graph, ["kgx"], out)
    prefixes = out / "prefixes.json"
    prefixes.write_text(json.dumps(KGX_PREFIXES), encoding="utf-8")
    return nodes, edges, prefixes


def _report(run: subprocess.CompletedProcess[str]) -> dict[str, object]:
    """kgx validate's report: it writes it to stderr (its ``-o`` file stays empty)."""
    report: dict[str, object] = json.loads(run.stderr)
    return report


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_kgx_version() -> None:
    run = _kgx("--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "kgx, version 2.6.0"


def test_kgx_validate_reports_nothing(files: tuple[Path, Path, Path]) -> None:
    nodes, edges, prefixes = files
    run = _kgx("--prefixes", prefixes, "validate", "-i", "tsv", nodes, edges)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _report(run) == {}


def test_kgx_validate_without_our_prefixes_names_them(files: tuple[Path, Path, Path]) -> None:
    """The only thing Biolink's context lacks is our own prefixes (a TSV cannot declare them)."""
    nodes, edges, _ = files
    run = _kgx("validate", "-i", "tsv", nodes, edges)
    assert run.returncode == 1
    report = _report(run)
    assert set(report) == {"ERROR"}
    errors = report["ERROR"]
    assert isinstance(errors, dict)
    assert set(errors) == {"INVALID_NODE_PROPERTY_VALUE", "INVALID_EDGE_PROPERTY_VALUE"}
    messages = " ".join(m for kind in errors.values() for m in kind)
    assert "CURIE prefix 'ent'" in messages
    assert not [p for p in ("'src'", "'claim'", "'ius'", "'HP'", "'MESH'") if p in messages]


def _triples(record: dict[str, object]) -> list[tuple[str, str, str]]:
    """The ius triples a kgx edge record carries: kgx reads a ``|``-joined cell as a list
    and a single value as a string."""
    keys = record["ius_predicates"]
    names = [keys] if isinstance(keys, str) else keys
    assert isinstance(names, list), keys
    return [(str(record["subject"]), str(k), str(record["object"])) for k in names]


@pytest.mark.parametrize("mode", [["--stream"], []], ids=["stream", "graph"])
def test_kgx_round_trip_keeps_every_claim_and_its_polarity(
    mode: list[str],
    files: tuple[Path, Path, Path],
    graph: Graph,
    net: nx.MultiDiGraph,
    tmp_path: Path,
) -> None:
    """Streamed, and through kgx's graph store, which keys edges by subject, predicate and
    object and keeps one record per key (biolink/kgx#21, #413): every row survives, since
    the export writes one row per key; every triple keeps its polarity and sources.
    Before, "not a treatment for back pain" merged into "may relieve back pain" in the
    graph store and the surviving positive record took negated: true."""
    nodes, edges, _ = files
    run = _kgx("transform", *mode, "-i", "tsv", "-f", "jsonl", "-o", tmp_path / "rt", nodes, edges)
    assert run.returncode == 0, run.stderr
    read = _jsonl(tmp_path / "rt_edges.jsonl")
    assert len(read) == len(edges.read_text(encoding="utf-8").splitlines()) - 1
    got = {triple: e.get("negated") for e in read for triple in _triples(e)}
    want = {
        (s, k, o): (True if d["negated"] else None)
        for s, o, k, d in net.edges(keys=True, data=True)
    }
    assert got == want
    assert sum(len(_triples(e)) for e in read) == net.number_of_edges()
    negative = list(graph.query(NEGATIVE))
    assert negative and sum(v is True for v in got.values()) == len(negative)
    assert len(_jsonl(tmp_path / "rt_nodes.jsonl")) == net.number_of_nodes()
    # Every source document of a row's triples, as a list (KGX's list delimiter).
    for e in read:
        sources = {doc for s, k, o in _triples(e) for doc in net.edges[s, o, k]["sources"]}
        assert e["publications"] == sorted(sources)
        assert e["primary_knowledge_source"] == sorted(sources)[0]
    back = sorted(
        (e["predicate"], e.get("negated") is True, str(e["ius_predicates"]))
        for e in read
        if (e["subject"], e["object"]) == ("ent:mirena", "ent:back-pain")
        and e["predicate"] != "biolink:has_side_effect"
    )
    assert back == [
        ("biolink:related_to", False, "['ius:hasUse', 'ius:mayRelieve']"),
        ("biolink:treats", True, "ius:notIndicatedFor"),
    ]
