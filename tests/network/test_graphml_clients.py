"""The GraphML export as JavaScript graph clients read it, under node.

graphology-graphml (the GraphML reader of the sigma.js and Gephi Lite stack) and
cytoscape.js with cytoscape-graphml key edges by their GraphML id and refuse a file in
which two edges share one; the export's edge ids used to be the predicate CURIEs (187
edges, 34 ids). ``js/read_graphml.js`` reads the file with each client and prints what it
got; the node, edge and attribute values must be networkx's. Node and the packages are
package.json's devDependencies, installed by setup.sh (``npm ci``): without them these
tests fail, saying so, rather than skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from iusgraph.errors import IusgraphError
from iusgraph.exporters import write
from iusgraph.network.interchange import edge_id, flatten, to_kgx

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("js") / "read_graphml.js"
#: What read_graphml.js requires, by client (each pinned in package.json's devDependencies).
PACKAGES = {
    "graphology": ("graphology", "graphology-graphml"),
    "cytoscape": ("cytoscape", "cytoscape-graphml", "jquery", "jsdom"),
}
SETUP = "run ./setup.sh (it installs npm and runs `npm ci`, which installs the devDependencies)"
#: An edge two sources back, with a qualifier, evidence spans and an integer count.
SAMPLE = ("ent:cervical-mucus-thickening", "ent:sperm-blocked", "ius:resultsIn")


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not on the PATH: {SETUP}")
    return node


def _read(client: str, path: Path) -> subprocess.CompletedProcess[str]:
    node = _node()
    missing = [
        name
        for name in PACKAGES[client]
        if not (ROOT / "node_modules" / name / "package.json").is_file()
    ]
    if missing:
        pytest.fail(f"node_modules/ lacks {', '.join(missing)}: {SETUP}")
    return subprocess.run(
        [node, str(SCRIPT), client, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )


def _got(client: str, path: Path) -> dict[str, Any]:
    run = _read(client, path)
    assert run.returncode == 0, f"{client} refused {path.name}: {run.stderr.strip()}"
    got: dict[str, Any] = json.loads(run.stdout)
    return got


@pytest.fixture(scope="module")
def graphml(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (path,) = write(graph, ["graphml"], tmp_path_factory.mktemp("graphml"))
    return path


@pytest.fixture(scope="module")
def read(graphml: Path) -> nx.MultiDiGraph:
    back: nx.MultiDiGraph = nx.read_graphml(graphml, force_multigraph=True)
    return back


def _as_written(value: Any) -> str:
    """A GraphML value as text, as networkx writes it (cytoscape-graphml keeps the text)."""
    return str(value)


@pytest.mark.parametrize("client", sorted(PACKAGES))
def test_client_reads_the_graphml_as_networkx_does(
    client: str, graphml: Path, read: nx.MultiDiGraph, net: nx.MultiDiGraph
) -> None:
    got = _got(client, graphml)
    pins = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert {k: v for k, v in got["versions"].items() if k in pins} == {
        name: pins[name] for name in PACKAGES[client]
    }, "node_modules/ is not what package.json pins: run npm ci"
    assert got["type"] == "directed" and got["multi"] is True
    assert got["nodes"] == read.number_of_nodes() == net.number_of_nodes()
    edges = got["edges"]
    assert len(edges) == read.number_of_edges() == net.number_of_edges()
    ids = [edge["id"] for edge in edges]
    assert len(set(ids)) == len(ids), "two edges share a GraphML id"
    assert {(e["source"], e["target"], e["id"]) for e in edges} == set(read.edges(keys=True))

    # Every attribute of every edge survives: typed in graphology (booleans, integers),
    # as the written text in cytoscape-graphml, which keeps every value as a string.
    for edge in edges:
        want = dict(read.edges[edge["source"], edge["target"], edge["id"]])
        if client == "cytoscape":
            want = {key: _as_written(value) for key, value in want.items()}
        assert edge["attributes"] == want, edge["id"]

    subject, obj, key = SAMPLE
    ident = edge_id(subject, obj, key, net.edges[SAMPLE])
    (sample,) = [e for e in edges if e["id"] == ident]
    assert (sample["source"], sample["target"]) == (subject, obj)
    attrs = sample["attributes"]
    assert attrs["predicate"] == key
    assert attrs["sources"] == "|".join(net.edges[SAMPLE]["sources"])
    assert json.loads(attrs["evidence"]) == net.edges[SAMPLE]["evidence"]
    if client == "graphology":
        assert attrs["source_count"] == 2 and attrs["negated"] is False
    else:
        assert attrs["source_count"] == "2" and attrs["negated"] == "False"


@pytest.mark.parametrize("client", sorted(PACKAGES))
def test_client_refuses_shared_edge_ids(client: str, tmp_path: Path) -> None:
    """What the old export did (one id per predicate): the test above would catch it."""
    old = nx.MultiDiGraph()
    old.add_edge("ent:a", "ent:b", key="ius:treats")
    old.add_edge("ent:a", "ent:c", key="ius:treats")
    path = tmp_path / "shared.graphml"
    nx.write_graphml(old, path)
    run = _read(client, path)
    assert run.returncode == 1 and "ius:treats" in run.stderr, run.stderr


# --------------------------------------------------------------------------- the id scheme


def test_edge_ids_are_first_claims_and_unique(net: nx.MultiDiGraph, graph: Graph) -> None:
    flat = flatten(net)
    ids = [key for _, _, key in flat.edges(keys=True)]
    assert len(ids) == len(set(ids)) == net.number_of_edges()
    for subject, obj, key, attrs in net.edges(keys=True, data=True):
        ident = edge_id(subject, obj, key, attrs)
        assert ident == min(attrs["claims"]) and ident.startswith("claim:")
        assert flat.edges[subject, obj, ident]["predicate"] == key
    # The same claim names the edge in both formats: a KGX row's id is the GraphML id of
    # its first triple (a row carries every triple of one KGX key, most carry one).
    _, edges_tsv = to_kgx(net)
    rows = [line.split("\t") for line in edges_tsv.splitlines()[1:]]
    kgx_ids = {row[0] for row in rows}
    assert kgx_ids <= set(ids)
    assert len(set(ids) - kgx_ids) == net.number_of_edges() - len(rows)


def test_edge_id_without_a_claim_is_the_triple() -> None:
    assert edge_id("ent:a", "ent:b", "ius:p", {"claims": []}) == "ent:a--ius:p--ent:b"
    assert edge_id("ent:a", "ent:b", "ius:p", {}) == "ent:a--ius:p--ent:b"
    assert edge_id("ent:a", "ent:b", "ius:p", {"claims": ["claim:z", "claim:y"]}) == "claim:y"


def test_flatten_refuses_two_edges_with_one_id() -> None:
    shared = nx.MultiDiGraph()
    shared.add_edge("ent:a", "ent:b", key="ius:p", claims=["claim:x"])
    shared.add_edge("ent:a", "ent:c", key="ius:q", claims=["claim:x"])
    with pytest.raises(IusgraphError, match="claim:x names two edges"):
        flatten(shared)
