"""Curation errors name the file and line and say what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iusgraph.build import build_graph
from iusgraph.errors import InputError
from iusgraph.resources import data_dir
from iusgraph.tables import escape, unescape

GOOD_ROW = ("se-test\tlng-ius\thasSideEffect\tacne\tfrequency=common\t1579\t1583\tAcne")


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    return folder


def _append(data: Path, row: str) -> int:
    table = data / "claims" / "ius-monograph.tsv"
    lines = table.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.append(row)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def test_good_row_compiles(data: Path) -> None:
    _append(data, GOOD_ROW)
    graph = build_graph(data)
    assert len(graph) > 0


@pytest.mark.parametrize("row,message", [
    (GOOD_ROW.replace("hasSideEffect", "hasSideEffects"), "unknown predicate 'hasSideEffects'"),
    (GOOD_ROW.replace("\tacne\t", "\tacnee\t"), "unknown object entity 'acnee'"),
    (GOOD_ROW.replace("frequency=common", "frequency=often"), "not in the frequency scheme"),
    (GOOD_ROW.replace("frequency=common", "freq=common"), "unknown qualifier key 'freq'"),
    (GOOD_ROW.replace("frequency=common", "window=P1W"), "is not an xsd:duration"),
    (GOOD_ROW.replace("\t1583\t", "\t1585\t"), "re-run 'iusgraph anchor'"),
    (GOOD_ROW.replace("\t1579\t1583\t", "\t\t\t"), "run 'iusgraph anchor"),
    ("se-orphan\t\t\t\t\t1579\t1583\tAcne", "comes before the claim"),
    (GOOD_ROW.replace("se-test", "Se Test"), "must be lowercase words"),
    (GOOD_ROW + "\textra", "stray tab"),
])
def test_bad_row_names_file_and_line(data: Path, row: str, message: str) -> None:
    line = _append(data, row)
    with pytest.raises(InputError) as info:
        build_graph(data)
    assert message in str(info.value)
    assert info.value.path and info.value.path.endswith("ius-monograph.tsv")
    assert info.value.line == line


def test_duplicate_claim_id_is_refused(data: Path) -> None:
    _append(data, GOOD_ROW)
    _append(data, GOOD_ROW)
    with pytest.raises(InputError, match="already used"):
        build_graph(data)


def test_unknown_broader_entity_is_refused(data: Path) -> None:
    with (data / "entities" / "core.tsv").open("a", encoding="utf-8") as handle:
        handle.write("new-thing\tFactor\tnew thing\t\tno-such-parent\t\n")
    with pytest.raises(InputError, match="unknown broader entity 'no-such-parent'"):
        build_graph(data)


def test_bad_header_is_refused(data: Path) -> None:
    table = data / "conflicts.tsv"
    table.write_text("id\tkind\n", encoding="utf-8")
    with pytest.raises(InputError, match="header must be"):
        build_graph(data)


def test_conflict_must_name_known_claims(data: Path) -> None:
    with (data / "conflicts.tsv").open("a", encoding="utf-8") as handle:
        handle.write("bad\tvalue-disagreement\tius-monograph.nope|mirena-back-pain.nope\tBad\n")
    with pytest.raises(InputError, match="unknown claim 'ius-monograph.nope'"):
        build_graph(data)


def test_escape_round_trip() -> None:
    text = "a\tb\nc\\d"
    assert unescape(escape(text)) == text
