"""Curation errors name the file and line and say what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iusgraph.curation.compile import build_graph
from iusgraph.curation.tables import escape, unescape
from iusgraph.errors import InputError
from iusgraph.graph.resources import data_dir

GOOD_ROW = "se-test\tlng-ius\thasSideEffect\tacne\tfrequency=common\t1579\t1583\tAcne"


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


@pytest.mark.parametrize(
    "row,message",
    [
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
    ],
)
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
    with pytest.raises(InputError, match=r"unknown claim 'ius-monograph.nope'"):
        build_graph(data)


def test_escape_round_trip() -> None:
    text = "a\tb\nc\\d"
    assert unescape(escape(text)) == text


@pytest.mark.parametrize(
    "row,message",
    [
        (
            "x\tscope-explained\tius-monograph.se-acne|mirena-back-pain.se-headache\tX",
            "names the scope that explains it in the 'scope' column: device-type, insertion-vs-use",
        ),
        (
            "x\ttension\tius-monograph.se-acne|mirena-back-pain.se-headache\tX\tdevice-type",
            "only a scope-explained conflict has a scope",
        ),
        (
            "x\tscope-explained\tius-monograph.se-acne|mirena-back-pain.se-headache\tX\tbrand",
            "unknown conflict scope 'brand'",
        ),
        # Both headache claims in the monograph's band: no two bands, no frequency disagreement.
        (
            "x\tfrequency-disagreement\tius-monograph.se-headache|ius-monograph.se-acne\tX",
            "at least two different frequency bands",
        ),
        (
            "x\turgency-disagreement\tmirena-back-pain.se-headache|mirena-back-pain.se-dizziness\tX",
            "actions differ in urgency",
        ),
    ],
)
def test_conflict_kind_needs_what_it_claims(data: Path, row: str, message: str) -> None:
    table = data / "conflicts.tsv"
    lines = table.read_text(encoding="utf-8").rstrip("\n").split("\n")
    table.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        build_graph(data)
    assert info.value.path.endswith("conflicts.tsv") and info.value.line == len(lines) + 1


def test_band_and_urgency_distances_are_computed_at_build(data: Path) -> None:
    from iusgraph.graph.namespaces import CONFLICT, IUS

    table = data / "conflicts.tsv"
    with table.open("a", encoding="utf-8") as handle:
        # most common (ordered with common) against rare: two bands.
        handle.write(
            "x-bands\tfrequency-disagreement\tius-monograph.se-irregular-bleeding|"
            "mirena-back-pain.se-uterine-perforation\tX\n"
        )
        handle.write(
            "x-urgency\turgency-disagreement\tius-monograph.se-severe-pelvic-pain|"
            "iud-insertion.mgmt-back-pain-no-treatment-mild\tX\n"
        )
    graph = build_graph(data)
    assert int(graph.value(CONFLICT["x-bands"], IUS.bandDistance)) == 2
    assert int(graph.value(CONFLICT["x-urgency"], IUS.urgencyDistance)) == 4
    assert graph.value(CONFLICT["back-pain-frequency"], IUS.bandDistance) is None


def test_compiling_loads_no_query_engine() -> None:
    """Compiling the curated tables opens no store and runs no query: in a fresh
    interpreter, build_graph loads neither rdflib's SPARQL engine nor iusgraph's store,
    query or validation layers (import-linter checks the imports; this checks a run)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from iusgraph.curation.compile import build_graph\n"
        "assert len(build_graph()) > 10000\n"
        "heavy = ('rdflib.plugins.sparql', 'iusgraph.graph.store', 'iusgraph.graph.backend',\n"
        "         'iusgraph.query', 'iusgraph.validation', 'pyshacl', 'networkx')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]", loaded
