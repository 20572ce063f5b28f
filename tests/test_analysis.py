"""explain, agreement and graph-qc: expected answers, computed by hand from the claim tables.

The agreement figures come from reading the hasSideEffect rows of
data/claims/*.tsv (no rank=deprecated rows exist there):

- iud-insertion (11): back-pain, bleeding-after-insertion, increased-menstrual-flow,
  increased-vaginal-discharge, infection, irregular-bleeding, lower-abdominal-pain,
  lower-back-pain, partner-pain-during-intercourse, prolonged-menstrual-periods, red-discharge
- ius-monograph (11): acne, breast-tenderness, ectopic-pregnancy, headache, infection,
  irregular-bleeding, milk-production-changes, mood-changes, severe-pelvic-pain,
  uterine-perforation, weight-changes
- mirena-back-pain (15): anxiety, back-pain, blood-clots, breast-tenderness, depression,
  dizziness, headache, infection, low-mood-swings, lower-abdominal-cramping, lower-back-pain,
  mood-changes, nausea-and-vomiting, uterine-perforation, weight-gain

(lower-back-pain: 002's "lower back pain after the insertion. This is a common side effect",
001's "some women may experience lower back pain as a side effect".)

Shared: iud/monograph {infection, irregular-bleeding} = 2 of 11+11-2 = 20;
iud/mirena {back-pain, infection, lower-back-pain} = 3 of 11+15-3 = 23; monograph/mirena
{breast-tenderness, headache, infection, mood-changes, uterine-perforation} = 5 of 21.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from rdflib import Graph

from iusgraph.errors import IusgraphError
from iusgraph.network.agreement import source_agreement
from iusgraph.network.explain import explain
from iusgraph.network.project import project
from iusgraph.network.structure import structural_report

from .conftest import FIXTURES, cli

SMALL = FIXTURES / "network" / "small.ttl"
MONO, MIRENA, IUD = "src:ius-monograph", "src:mirena-back-pain", "src:iud-insertion"


# --- explain -----------------------------------------------------------------------------


def test_explain_levonorgestrel_to_lighter_flow(net) -> None:
    found = explain(net, "levonorgestrel", "reduced-menstrual-flow")
    assert found.directed and found.total == 1
    (path,) = found.paths
    assert [s.node for s in path] == [
        "ent:levonorgestrel",
        "ent:endometrial-thinning",
        "ent:reduced-menstrual-flow",
    ]
    (first,), (second,) = path[0].edges, path[1].edges
    assert (first.predicate, first.sources) == ("ius:hasMechanism", [MONO])
    assert (second.predicate, second.sources) == ("ius:resultsIn", [MONO])
    assert "thins the uterine lining" in first.evidence[0]["quote"]
    assert path[2].edges == []


def test_explain_mechanism_backed_by_two_sources(net) -> None:
    (path,) = explain(net, "cervical-mucus-thickening", "sperm-blocked").paths
    (edge,) = path[0].edges
    assert edge.sources == [MONO, MIRENA]
    assert {span["source"] for span in edge.evidence} == {MONO, MIRENA}


def test_explain_walks_backwards_only_without_a_directed_path(net) -> None:
    found = explain(net, "back-pain", "mirena")
    assert not found.directed
    (path,) = found.paths
    predicates = {(e.predicate, e.forward) for e in path[0].edges}
    # The use claim quotes: "Many women have turned to this ... (IUD) to help manage their
    # back pain symptoms".
    assert predicates == {
        ("ius:hasSideEffect", False),
        ("ius:hasUse", False),
        ("ius:mayRelieve", False),
        ("ius:notIndicatedFor", False),
    }
    assert [e.negated for e in path[0].edges if e.predicate == "ius:notIndicatedFor"] == [True]


def test_explain_lists_every_shortest_path_in_a_stable_order(net) -> None:
    found = explain(net, "mirena", "sperm-blocked", max_paths=10)
    nodes = [[s.node for s in p] for p in found.paths]
    assert nodes == sorted(nodes) and len(nodes) == found.total
    assert [
        "ent:mirena",
        "ent:progestin",
        "ent:cervical-mucus-thickening",
        "ent:sperm-blocked",
    ] in nodes
    assert all(len(p) == 4 for p in nodes)
    assert len(explain(net, "mirena", "sperm-blocked", max_paths=1).paths) == 1


def test_explain_says_when_no_claim_connects_two_entities(net) -> None:
    found = explain(net, "significant-discomfort", "mirena")
    assert found.paths == [] and found.total == 0
    assert "no evidence-backed path" in found.to_text()


def test_explain_cli_text_and_json() -> None:
    result = cli("explain", "levonorgestrel", "lighter menstrual flow")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("levonorgestrel -> lighter menstrual flow")
    assert "-> has mechanism  [src:ius-monograph]" in result.output
    data = json.loads(
        cli("explain", "ent:levonorgestrel", "reduced-menstrual-flow", "--format", "json").output
    )
    assert data["hops"] == 2 and data["directed"] is True
    assert [s["node"] for s in data["paths"][0]] == [
        "ent:levonorgestrel",
        "ent:endometrial-thinning",
        "ent:reduced-menstrual-flow",
    ]


def test_explain_cli_unknown_entity_is_a_usage_error() -> None:
    result = cli("explain", "levonorgestrl", "mirena")
    assert result.exit_code == 2
    assert "no entity 'levonorgestrl'" in result.output and "levonorgestrel" in result.output


# --- agreement ---------------------------------------------------------------------------

EXPECTED_SETS = {
    IUD: {
        "back-pain",
        "bleeding-after-insertion",
        "increased-menstrual-flow",
        "increased-vaginal-discharge",
        "infection",
        "irregular-bleeding",
        "lower-abdominal-pain",
        "lower-back-pain",
        "partner-pain-during-intercourse",
        "prolonged-menstrual-periods",
        "red-discharge",
    },
    MONO: {
        "acne",
        "breast-tenderness",
        "ectopic-pregnancy",
        "headache",
        "infection",
        "irregular-bleeding",
        "milk-production-changes",
        "mood-changes",
        "severe-pelvic-pain",
        "uterine-perforation",
        "weight-changes",
    },
    MIRENA: {
        "anxiety",
        "back-pain",
        "blood-clots",
        "breast-tenderness",
        "depression",
        "dizziness",
        "headache",
        "infection",
        "low-mood-swings",
        "lower-abdominal-cramping",
        "lower-back-pain",
        "mood-changes",
        "nausea-and-vomiting",
        "uterine-perforation",
        "weight-gain",
    },
}
EXPECTED_JACCARD = {
    (IUD, MONO): Fraction(2, 20),
    (IUD, MIRENA): Fraction(3, 23),
    (MONO, MIRENA): Fraction(5, 21),
}


def test_agreement_effect_sets_per_source(net) -> None:
    result = source_agreement(net)
    assert {
        s: {i.partition(":")[2] for i in items} for s, items in result.by_source.items()
    } == EXPECTED_SETS


def test_agreement_which_sources_assert_each_effect(net) -> None:
    result = source_agreement(net)
    assert len(result.by_item) == 28
    assert result.by_item["ent:infection"] == [IUD, MONO, MIRENA]
    assert result.by_item["ent:uterine-perforation"] == [MONO, MIRENA]
    assert result.by_item["ent:blood-clots"] == [MIRENA]
    counts = [len(s) for s in result.by_item.values()]
    assert result.by_item["ent:lower-back-pain"] == [IUD, MIRENA]
    assert (counts.count(3), counts.count(2), counts.count(1)) == (1, 7, 20)


@pytest.mark.parametrize("pair,expected", EXPECTED_JACCARD.items(), ids=str)
def test_agreement_jaccard_matrix(net, pair: tuple[str, str], expected: Fraction) -> None:
    result = source_agreement(net)
    a, b = pair
    assert result.jaccard(a, b) == result.jaccard(b, a) == pytest.approx(float(expected))
    assert result.jaccard(a, a) == 1.0


def test_agreement_overlap_counts(net) -> None:
    result = source_agreement(net)
    assert result.overlap(IUD, MONO) == (2, 20)
    assert result.overlap(IUD, MIRENA) == (3, 23)
    assert result.overlap(MONO, MIRENA) == (5, 21)


def test_agreement_of_two_empty_sets_is_undefined(net) -> None:
    result = source_agreement(net, "ius:contraindicatedIn")
    assert result.by_source[MIRENA] == set() and result.by_source[IUD] == set()
    assert result.jaccard(MIRENA, IUD) is None
    assert result.jaccard(MONO, MIRENA) == 0.0


def test_agreement_cli_json_and_text() -> None:
    data = json.loads(cli("agreement", "--format", "json").output)
    assert data["jaccard"][MONO][MIRENA] == round(5 / 21, 4)
    assert data["overlap"][IUD][MIRENA] == [3, 23]
    first = data["items"][0]
    assert (first["id"], first["source_count"]) == ("ent:infection", 3)
    text = cli("agreement").output
    assert "0.238 (5/21)" in text and "0.100 (2/20)" in text and "0.130 (3/23)" in text


def test_agreement_unknown_predicate_is_a_usage_error() -> None:
    result = cli("agreement", "--predicate", "ius:hasSideEfect")
    assert result.exit_code == 2 and "ius:hasSideEffect" in result.output


def test_agreement_rejects_a_predicate_with_no_edges(net) -> None:
    with pytest.raises(IusgraphError, match="no edges with predicate"):
        source_agreement(net, "ius:nothing")


# --- graph-qc ----------------------------------------------------------------------------


def _rules(report) -> set[tuple[str, str, str]]:
    return {(f.rule, f.focus.rsplit("/", 1)[-1], f.severity) for f in report.findings}


def test_graph_qc_fixture_fires_every_rule() -> None:
    report = structural_report(project(Graph().parse(SMALL, format="turtle")))
    assert _rules(report) == {
        ("graph:unreached-entity", "orphan", "Warning"),
        ("graph:disconnected-component", "island-1", "Warning"),
        ("graph:disconnected-component", "effect-z", "Warning"),
        ("graph:effect-without-action", "effect-y", "Info"),
    }
    island = next(f for f in report.findings if f.focus.endswith("island-1"))
    assert "island two (ent:island-2)" in island.message


def test_graph_qc_qualifier_values_connect_their_entity(net) -> None:
    # example-e is named only as example= on dev-a's claim: reached, and not cut off.
    report = structural_report(project(Graph().parse(SMALL, format="turtle")))
    assert not [f for f in report.findings if "example-e" in f.focus]
    assert not [f for f in structural_report(net).findings if "acetaminophen" in f.focus]


def test_graph_qc_on_the_curated_graph(net) -> None:
    """The real findings: one sign->condition pair no claim ties to the rest, "the specific
    brand" (named only by depends-on= on a duration, a quantity claim, which has no edge), and
    the ten effects for which no source gives an action."""
    report = structural_report(net)
    assert _rules(report) == {
        ("graph:disconnected-component", "device-problem", "Warning"),
        ("graph:disconnected-component", "specific-brand", "Warning"),
        *{
            ("graph:effect-without-action", effect, "Info")
            for effect in (
                "acne",
                "breast-tenderness",
                "increased-menstrual-flow",
                "irregular-bleeding",
                "low-mood-swings",
                "lower-abdominal-cramping",
                "milk-production-changes",
                "prolonged-menstrual-periods",
                "red-discharge",
                "weight-changes",
            )
        },
    }
    assert report.conforms


def test_graph_qc_cli_exit_codes_and_formats() -> None:
    result = cli("graph-qc", "--graph", SMALL)
    assert result.exit_code == 0
    assert "rule: graph:unreached-entity" in result.output
    assert result.output.rstrip().endswith(
        "conforms: 0 violations, 3 warnings, 1 info; 3 edges; 8 entities"
    )
    assert cli("graph-qc", "--graph", SMALL, "--strict").exit_code == 1
    data = json.loads(cli("graph-qc", "--graph", SMALL, "--format", "json").output)
    assert data["counts"] == {"Violation": 0, "Warning": 3, "Info": 1}
    turtle = cli("graph-qc", "--graph", SMALL, "--format", "turtle").output
    assert "sh:ValidationReport" in turtle
    report = Graph().parse(data=turtle, format="turtle")
    assert len(report) > 10


def test_graph_qc_cli_missing_file_is_a_usage_error(tmp_path) -> None:
    result = cli("graph-qc", "--graph", tmp_path / "missing.ttl")
    assert result.exit_code == 2 and "missing.ttl" in result.output
