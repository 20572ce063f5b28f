"""The synthetic corpus: shaped like the real graph, deterministic, and scorable."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from iusgraph import api
from iusgraph.cli import main
from iusgraph.graph.load import load_files
from iusgraph.scale.synth import FAULT_KINDS, generate
from iusgraph.validation.validate import validate_graph


def test_clean_corpus_conforms_and_its_evidence_matches_its_documents(tmp_path: Path) -> None:
    counts = api.synth(tmp_path, drugs=12, seed=3)
    assert counts["faults"] == 0 and counts["sources"] >= 2
    graph = load_files([tmp_path / "synth.nt"])
    report = validate_graph(graph)
    assert report.conforms, report.to_text()
    assert [f for f in report.findings if f.severity != "Info"] == []
    evidence = api.verify_evidence(tmp_path / "sources", graph)
    assert evidence.conforms and evidence.stats["selectors checked"] > 200


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    api.synth(tmp_path / "a", drugs=5, faults=7, seed=42)
    api.synth(tmp_path / "b", drugs=5, faults=7, seed=42)
    for name in ("synth.nt", "faults.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    api.synth(tmp_path / "c", drugs=5, faults=7, seed=43)
    assert (tmp_path / "c" / "synth.nt").read_bytes() != (tmp_path / "a" / "synth.nt").read_bytes()


def test_validation_finds_exactly_the_injected_faults() -> None:
    graph, _, faults = generate(10, faults=2 * len(FAULT_KINDS), seed=5)
    assert {f.kind for f in faults} == set(FAULT_KINDS)
    report = validate_graph(graph)
    found = {(f.focus, f.rule) for f in report.findings if f.severity == "Violation"}
    expected = {(f.focus, f.rule) for f in faults}
    assert found == expected


def test_cli_writes_the_corpus_and_the_fault_list(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["synth", "--drugs", "3", "--faults", "4", "--seed", "1", "--out", str(tmp_path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    faults = json.loads((tmp_path / "faults.json").read_text(encoding="utf-8"))
    assert len(faults) >= 4 and {"kind", "focus", "rule"} <= set(faults[0])
    bad = CliRunner().invoke(main, ["synth", "--drugs", "0", "--out", str(tmp_path)])
    assert bad.exit_code == 2
