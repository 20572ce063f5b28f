"""The coverage ledger: the segmenter, the tables, the QC check, the sections and the stats.

``fixtures/ledger/`` is a data folder and a one-document source folder. Its document has a
title, two sections both called "Side effects", a cited sentence, a FAQ question and its
cited answer, a link list in an excluded region, and one sentence, "Talk to someone.", that
no claim cites and no reason accounts for.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from iusgraph.curation.compile import build_graph
from iusgraph.curation.segment import segment
from iusgraph.graph.namespaces import CLAIM, EV, IUS, OA, SRC
from iusgraph.graph.resources import use_data

from ..helpers import FIXTURES

LEDGER = FIXTURES / "ledger"


@pytest.fixture(autouse=True)
def _default_data() -> Iterator[None]:
    """``--data DIR`` sets the data folder for the process: put the default back after."""
    yield
    use_data(None)


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(LEDGER / "data", folder)
    return folder


def _table(data: Path) -> Path:
    return data / "ledger" / "doc.tsv"


def _set_cell(data: Path, start: int, column: int, value: str) -> int:
    """Set one cell of the fixture ledger's row for the unit at ``start``; its line number."""
    table = _table(data)
    lines = table.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        cells = line.split("\t")
        if cells[0] == str(start):
            cells[column] = value
            lines[number - 1] = "\t".join(cells)
            table.write_text("\n".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no row for {start}")


# The segmenter.


def test_segmenter_splits_lines_sentences_lists_and_bold_lead_ins() -> None:
    text = (
        "# Title\n"
        "Plain heading?\n"
        "First sentence, e.g. with a comma. Second one! \u201cThird.\u201d\n"
        "- Item: it says so. And more.\n"
        "2. Numbered item: text.\n"
        "* **Label:** Content here.\n"
    )
    units = [(u.kind, u.level, text[u.start : u.end]) for u in segment(text)]
    assert units == [
        ("heading", 1, "Title"),
        ("heading", 1, "Plain heading?"),
        ("sentence", 0, "First sentence, e.g. with a comma."),
        ("sentence", 0, "Second one!"),
        ("sentence", 0, "\u201cThird.\u201d"),
        ("list-item", 0, "Item: it says so."),
        ("list-item", 0, "And more."),
        ("list-item", 0, "Numbered item: text."),
        ("label", 0, "Label:"),
        ("list-item", 0, "Content here."),
    ]


@pytest.mark.needs_sources
def test_segmenter_reads_the_three_sources(sources: Path) -> None:
    def units(name: str) -> list[tuple[str, str]]:
        text = (sources / name).read_text(encoding="utf-8")
        return [(u.kind, text[u.start : u.end]) for u in segment(text)]

    monograph = units("000_77923df021bd00d2.txt")
    assert ("heading", "FAQs") in monograph
    assert ("question", "Q: Can I feel the IUS?") in monograph
    assert ("list-item", "A: No.") in monograph  # "A: No.  The IUS must ..." splits
    back_pain = units("001_845a5c875af97bc5.txt")
    assert back_pain.count(("heading", "What is Mirena?")) == 2
    insertion = units("002_f15c8b46a0378cec.txt")
    assert ("heading", "Side effects of IUD insertion") in insertion  # "1. " is not part of it
    title = (
        "What is the reason for lower back pain after IUD insertion? What are the side "
        "effects of IUD insertion?"
    )
    assert insertion[0] == ("heading", title)  # two questions, one heading


# The fixture source: one unaccounted sentence.


def test_one_unaccounted_sentence_fails_the_qc_check(run, data: Path) -> None:
    result = run("--data", data, "validate", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["results"]
    assert [(f["rule"], f["focus"]) for f in findings] == [
        ("qc:unaccounted-text-violation", str(SRC["doc.unit.63"]))
    ]
    assert "Talk to someone." in findings[0]["message"]

    stats = json.loads(run("--data", data, "stats", "--format", "json").output)["ledger"]
    assert stats["src:doc"] == {
        "units": 8,
        "cited": 2,
        "excluded": 1,
        "unaccounted": 1,
        "not_modelled": {"answered-question": 1, "heading-only": 3},
        "stale_reasons": 0,
        "sections": 3,
        "accounted_percent": 87.5,
    }

    _set_cell(data, 63, 4, "advice-without-subject")
    assert run("--data", data, "validate").exit_code == 0
    stats = json.loads(run("--data", data, "stats", "--format", "json").output)["ledger"]
    assert stats["src:doc"]["unaccounted"] == 0
    assert stats["src:doc"]["accounted_percent"] == 100.0
    assert "not modelled: advice-without-subject" in run("--data", data, "stats").output


@pytest.mark.needs_sources
def test_the_real_ledger_accounts_for_every_unit(run, sources: Path) -> None:
    stats = json.loads(run("stats", "--format", "json").output)["ledger"]
    assert set(stats) == {"src:ius-monograph", "src:mirena-back-pain", "src:iud-insertion"}
    for source, row in stats.items():
        assert row["unaccounted"] == 0 and row["accounted_percent"] == 100.0, source
        assert row["stale_reasons"] == 0, source
        assert row["cited"] + row["excluded"] + sum(row["not_modelled"].values()) == row["units"], (
            source
        )
    result = run("verify-evidence", "--sources", sources, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stats"]["ledger units checked"] == sum(
        row["units"] for row in stats.values()
    )


# The tables against the documents.


def test_a_hand_broken_row_is_reported_with_file_and_line(run, data: Path) -> None:
    line = _set_cell(data, 31, 1, "60")  # the unit is 31..62
    result = run("--data", data, "verify-evidence", "--sources", LEDGER / "sources")
    assert result.exit_code == 1
    assert f"doc.tsv:{line}: 31..60" in result.output and "not a unit" in result.output
    assert "the unit 31..62" in result.output and "has no row" in result.output
    assert "iusgraph ledger --sources DIR" in result.output


def test_a_heading_text_must_be_the_whole_heading(run, data: Path) -> None:
    line = _set_cell(data, 2, 7, "Test")
    result = run("--data", data, "verify-evidence", "--sources", LEDGER / "sources")
    assert result.exit_code == 1
    assert f"doc.tsv:{line}: a heading's text must be the whole heading" in result.output


def test_a_missing_table_is_reported(run, data: Path) -> None:
    _table(data).unlink()
    result = run("--data", data, "verify-evidence", "--sources", LEDGER / "sources")
    assert result.exit_code == 1 and "no ledger table for doc" in result.output


@pytest.mark.parametrize(
    "column,value,message",
    [
        (4, "heading-onl", "unknown reason 'heading-onl' (did you mean heading-only?)"),
        (4, "restatement", "reason=restatement names the claims it restates"),
        (5, "doc.se-headache", "'restates' is only for reason=restatement"),
        (2, "paragraph", "unknown kind 'paragraph'"),
        (3, "2", "only headings have a level"),
        (0, "x", "start must be a whole number"),
        (0, "\u00b2", "start must be a whole number"),  # a Unicode digit that int() refuses
    ],
)
def test_bad_cells_are_input_errors_with_file_and_line(
    run, data: Path, column: int, value: str, message: str
) -> None:
    line = _set_cell(data, 63, column, value)
    result = run("--data", data, "stats")
    assert result.exit_code == 2
    assert f"doc.tsv:{line}: " in result.output and message in result.output


def test_restatement_names_known_claims(run, data: Path) -> None:
    _set_cell(data, 63, 4, "restatement")
    line = _set_cell(data, 63, 5, "doc.no-such-claim")
    result = run("--data", data, "stats")
    assert result.exit_code == 2
    assert f"doc.tsv:{line}: 'restates' names an unknown claim 'doc.no-such-claim'" in result.output
    _set_cell(data, 63, 5, "doc.se-headache")
    graph = build_graph(data)
    assert (SRC["doc.unit.63"], IUS.restates, CLAIM["doc.se-headache"]) in graph


# Refreshing the tables.


def test_refresh_keeps_curated_cells_and_reports_stale_reasons(run, data: Path) -> None:
    before = _table(data).read_text(encoding="utf-8")
    result = run("--data", data, "ledger", "--sources", LEDGER / "sources")
    assert result.exit_code == 0
    assert _table(data).read_text(encoding="utf-8") == before
    assert "8 units, 0 new, 1 unaccounted, 0 stale" in result.output
    assert "unaccounted: doc.tsv 63..79 ('Talk to someone.')" in result.output

    _set_cell(data, 31, 4, "transition")  # the sentence a claim cites
    report = json.loads(run("--data", data, "validate", "--format", "json").output)
    assert [
        (f["rule"], f["severity"], f["focus"])
        for f in report["results"]
        if f["rule"] != "qc:unaccounted-text-violation"
    ] == [("qc:stale-ledger-reason-warning", "Warning", str(SRC["doc.unit.31"]))]
    result = run("--data", data, "ledger", "--sources", LEDGER / "sources")
    assert "reason 'transition' but a claim now cites it" in result.output
    assert "transition" in _table(data).read_text(encoding="utf-8")
    result = run("--data", data, "ledger", "--sources", LEDGER / "sources", "--drop-stale")
    assert result.exit_code == 0 and "0 stale" not in result.output
    assert "transition" not in _table(data).read_text(encoding="utf-8")
    assert "0 stale" in run("--data", data, "ledger", "--sources", LEDGER / "sources").output


def test_refresh_writes_a_missing_table_from_the_segmenter(run, data: Path) -> None:
    _table(data).unlink()
    result = run("--data", data, "ledger", "--sources", LEDGER / "sources")
    assert result.exit_code == 0 and "8 units, 8 new, 5 unaccounted" in result.output
    assert run("--data", data, "verify-evidence", "--sources", LEDGER / "sources").exit_code == 0


# Sections.


def test_sections_nest_and_claims_know_their_section(data: Path) -> None:
    graph = build_graph(data)
    title = SRC["doc.section.test-device"]
    first, second = SRC["doc.section.side-effects"], SRC["doc.section.side-effects-2"]

    def span(node: URIRef) -> tuple[int, int]:
        return int(graph.value(node, OA.start)), int(graph.value(node, OA.end))  # type: ignore[arg-type]

    assert span(title) == (2, 144)  # to the end of the body: the link list is excluded
    assert span(first) == (18, 132)  # to the next heading of the same level
    assert span(second) == (132, 144)
    assert graph.value(title, DCTERMS.isPartOf) == SRC["doc"]
    assert graph.value(first, DCTERMS.isPartOf) == title
    assert graph.value(second, DCTERMS.title) == Literal("Side effects")
    assert graph.value(first, IUS.hasHeading) == SRC["doc.unit.18"]
    assert set(graph.objects(CLAIM["doc.se-headache"], IUS.inSection)) == {first}
    assert graph.value(EV["doc.se-headache.2"], IUS.inSection) == first


def test_by_section_query_groups_claims_by_section(graph: Graph) -> None:
    from iusgraph import api

    csv = api.query(
        "by-section",
        graph,
        fmt="csv",
        bindings=["section=src:mirena-back-pain.section.what-is-mirena-2"],
    )
    claims = {line.rsplit(",", 1)[-1].rsplit("/", 1)[-1] for line in csv.splitlines()[1:]}
    # The second "What is Mirena?" (in "Mirena for Back Pain Reviews"): "Mirena is a small,
    # T-shaped device that is inserted into the uterus by a healthcare provider. It releases a
    # small amount of the hormone levonorgestrel, which can help to reduce menstrual cramps and
    # heavy bleeding. Some women have reported that Mirena also helps to alleviate back pain"
    # ("a small, T-shaped device" is the physical description).
    assert claims == {
        f"mirena-back-pain.{c}"
        for c in (
            "description-small-t-shaped",
            "route-intrauterine",
            "inserted-by-provider",
            "ingredient-levonorgestrel",
            "relief-menstrual-cramps",
            "relief-heavy-menstrual-bleeding",
            "relief-back-pain-reported-lower-back",
        )
    }


def test_verify_evidence_checks_the_units_of_a_given_graph(run, data: Path, tmp_path: Path) -> None:
    graph = build_graph(data)
    unit = SRC["doc.unit.63"]
    graph.set((unit, OA.end, Literal(70, datatype=XSD.nonNegativeInteger)))
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    result = run(
        "--data",
        data,
        "verify-evidence",
        "--sources",
        LEDGER / "sources",
        "--graph",
        path,
        "--format",
        "json",
    )
    assert result.exit_code == 1
    found = [(f["focus"], f["message"]) for f in json.loads(result.output)["results"]]
    message = (
        "63..70 ('Talk to') is not a unit of doc.txt; rebuild the graph after 'iusgraph ledger'"
    )
    assert (str(unit), message) in found
    assert any(
        "the unit 63..79 ('Talk to someone.') of doc.txt is not in the graph" in m for _, m in found
    )
