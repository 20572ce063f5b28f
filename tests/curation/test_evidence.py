"""Evidence against the documents themselves (read from ../shared/sources)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from iusgraph import api
from iusgraph.curation.anchor import anchor_table
from iusgraph.errors import IusgraphError


@pytest.mark.needs_sources
def test_every_span_and_hash_matches_the_documents(graph: Graph, sources: Path) -> None:
    report = api.verify_evidence(sources, graph)
    assert report.conforms, report.to_text()
    assert report.findings == []
    assert report.stats["sources checked"] == 3
    assert report.stats["selectors checked"] >= 250


@pytest.mark.needs_sources
def test_a_changed_document_is_reported(graph: Graph, sources: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sources"
    shutil.copytree(sources, copy)
    path = copy / "000_77923df021bd00d2.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Perforation of the uterus", "Perforation of the uterux"), encoding="utf-8"
    )
    report = api.verify_evidence(copy, graph)
    rules = {f.rule for f in report.findings}
    assert "iusgraph:SourceHash" in rules
    assert any(f.rule == "iusgraph:EvidenceSpan" and "uterux" in f.message for f in report.findings)
    assert not report.conforms


def test_missing_folder_is_a_usage_error(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(IusgraphError, match="not a folder"):
        api.verify_evidence(tmp_path / "nope", graph)


@pytest.mark.needs_sources
def test_anchor_fills_offsets_from_quotes(tmp_path: Path, sources: Path) -> None:
    text = (sources / "000_77923df021bd00d2.txt").read_text(encoding="utf-8")
    table = tmp_path / "t.tsv"
    table.write_text(
        "id\tsubject\tpredicate\tobject\tqualifiers\tstart\tend\texact\n"
        "se-acne\tlng-ius\thasSideEffect\tacne\t\t\t\tAcne\n",
        encoding="utf-8",
    )
    filled, warnings = anchor_table(table, text)
    assert filled == 1 and warnings == []
    row = table.read_text(encoding="utf-8").splitlines()[1].split("\t")
    start, end = int(row[5]), int(row[6])
    assert text[start:end] == "Acne"
