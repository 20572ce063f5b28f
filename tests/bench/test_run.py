"""bench/run.py's engines part: the normalised comparison, the limits, and one small run.

Nothing here is timed: the figures are in docs/benchmarks.md."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import pytest

from iusgraph.validation.report import Finding

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
_spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
assert _spec is not None and _spec.loader is not None
bench_run = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = bench_run  # dataclasses look their module up there
_spec.loader.exec_module(bench_run)
peers = sys.modules["peers"]

SH = "http://www.w3.org/ns/shacl#"
IUS = "https://w3id.org/iusgraph/ontology/"
CLAIM = "https://w3id.org/iusgraph/claim/c1"


def args(**overrides: object) -> argparse.Namespace:
    return argparse.Namespace(**{"limit": 300.0, "memory": 15.0, **overrides})


def test_our_findings_and_a_peers_results_have_one_key() -> None:
    ours = Finding(
        severity="Violation",
        focus=CLAIM,
        label="a claim",
        rule="shape:ClaimShape/ius:rank",
        message="no rank",
        component="sh:MinCountConstraintComponent",
        path="ius:rank",
    )
    # pyrudof's strings: full IRIs, the severity's local name
    theirs = peers.key(CLAIM, IUS + "rank", SH + "MinCountConstraintComponent", "Violation")
    assert peers.finding_key(ours) == theirs
    # an rdflib report names the severity by its IRI
    assert (
        peers.key(CLAIM, IUS + "rank", SH + "MinCountConstraintComponent", SH + "Violation")
        == theirs
    )


def test_blank_nodes_and_literals_are_compared_by_kind_and_lexical_form() -> None:
    assert peers.node("_:riog00001") == peers.node("_:N86b0eb") == "_"
    assert peers.node('"4"^^<http://www.w3.org/2001/XMLSchema#integer>') == "4"
    assert peers.node('"text"@en') == "text"
    assert peers.node(f"<{CLAIM}>") == CLAIM


def test_the_same_set_check_fails_on_a_missing_or_different_result() -> None:
    one = peers.key(CLAIM, IUS + "rank", SH + "MinCountConstraintComponent", "Violation")
    other = peers.key(CLAIM, IUS + "rank", SH + "MinCountConstraintComponent", "Warning")
    assert peers.same([one], [one, one]) == "yes"  # a set: duplicates do not count
    assert peers.same([one], [other]) == "**no**: 1 ours only, 1 theirs only"
    assert peers.same([one, other], [one]) == "**no**: 1 ours only, 0 theirs only"
    outcome = bench_run.Outcome(steps={"load_s": 1.0, "validate_s": 3.0}, peak_mib=10)
    row = bench_run.engine_row(5, "peer", "all", outcome, [other], (2.0, [one]), args())
    assert "| **no**: 1 ours only, 1 theirs only | 2.0× |" in row


def test_without_sparql_drops_the_sparql_constraints_only() -> None:
    from rdflib.namespace import SH as SHNS

    from iusgraph.graph.vocabulary import shapes_graph

    shapes = shapes_graph()
    kept = peers.without_sparql(shapes)
    assert any(shapes.triples((None, SHNS.sparql, None)))
    assert not any(kept.triples((None, SHNS.sparql, None)))
    assert not any(kept.triples((None, SHNS.select, None)))
    assert set(kept.subjects(SHNS.minCount, None)) == set(shapes.subjects(SHNS.minCount, None))
    assert len(shapes_graph()) == len(shapes)  # the cached shapes are not changed


def test_a_worker_past_the_limit_is_stopped_and_reported_as_a_lower_bound() -> None:
    code = "import json, time; print(json.dumps({'load_s': 0.5}), flush=True); time.sleep(60)"
    outcome = bench_run.run_command([sys.executable, "-c", code], 1.0, 15.0, lambda _: None)
    assert outcome.status == "limit"
    assert outcome.steps == {"load_s": 0.5}
    assert outcome.peak_mib > 0  # read from the kernel although the worker was killed
    row = bench_run.engine_row(5, "peer", "all", outcome, None, (0.25, []), args(limit=1.0))
    assert "| 0.50 | >= 1 | >= 1 |" in row
    assert "| >= 4× |" in row


def test_a_worker_past_the_memory_cap_is_reported_out_of_memory() -> None:
    code = "b = bytearray(2 * 2**30)"
    outcome = bench_run.run_command([sys.executable, "-c", code], 60.0, 1.0, lambda _: None)
    assert outcome.status == "oom"
    row = bench_run.engine_row(5, "peer", "all", outcome, None, (1.0, []), args(memory=1.0))
    assert "out of memory at 1 GiB" in row


def test_a_failing_worker_is_reported_with_its_error() -> None:
    code = "import sys; sys.exit('no shapes here')"
    outcome = bench_run.run_command([sys.executable, "-c", code], 60.0, 15.0, lambda _: None)
    assert (outcome.status, outcome.error) == ("failed", "no shapes here")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="pyshacl-turbo needs Python 3.11")
def test_a_small_run_puts_every_engine_side_by_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["--part", "engines", "--sizes", "2000", "--cache", str(tmp_path)]
    bench_run.main([*command, "--pyshacl-max", "0", "--no-sparql-too"])
    out, err = capsys.readouterr()
    assert err == ""  # no progress bar: stderr is not a terminal
    cells = [line.split(" | ") for line in out.splitlines() if line.startswith("| 3262 |")]
    rows = {(cell[1], cell[2]): cell for cell in cells}
    assert len(rows) == len(cells) == 7
    for shapes in ("all", "all but sh:sparql"):
        ours = rows["ours (fast path), shapes only", shapes]
        assert int(ours[6]) > 0  # the corpus has injected faults the shapes catch
        peers_on_it = ["pyrudof (native)"] + (["pyshacl-turbo"] if shapes == "all" else [])
        for peer in peers_on_it:
            assert rows[peer, shapes][6] == ours[6]
            assert rows[peer, shapes][7] == "yes"
            assert rows[peer, shapes][8].endswith("×")
    sparql = int(rows["ours (fast path), shapes only", "all"][6])
    assert int(rows["ours (fast path), shapes only", "all but sh:sparql"][6]) < sparql
    assert int(rows["ours, whole validate", "all + QC queries and checks"][6]) > sparql
    assert "not run above 0 triples" in rows["pySHACL", "all"][3]


def test_the_examples_in_peers_hold() -> None:
    import doctest

    result = doctest.testmod(peers)
    assert result.attempted > 0
    assert result.failed == 0


def test_the_peak_memory_is_the_workers_own() -> None:
    # read every 0.2 s while the worker runs (a worker of this script also reports its own)
    big = (
        "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1)"
    )
    small = "import time; time.sleep(1)"
    measured = [
        bench_run.run_command([sys.executable, "-c", code], 60.0, 15.0, lambda _: None).peak_mib
        for code in (big, small)
    ]
    assert measured[0] >= 300
    assert 0 < measured[1] < 300


def test_the_two_parts_name_their_workers_apart() -> None:
    assert not set(bench_run.SCALE_KINDS) & set(peers.KINDS)


def test_the_scale_part_still_runs_its_oxigraph_worker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["--part", "scale", "--sizes", "2000", "--cache", str(tmp_path)]
    bench_run.main([*command, "--reference-max", "0", "--quiet"])
    out = capsys.readouterr().out
    (row,) = [line.split(" | ") for line in out.splitlines() if "| oxigraph |" in line]
    assert int(row[5]) > 0  # violations of the injected faults
    assert len(row[7].split(".")) == 2  # a CQ median in seconds: the queries ran
