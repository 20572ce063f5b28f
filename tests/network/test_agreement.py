"""iusgraph.network.agreement and `iusgraph agreement`: expected answers, computed by hand from the claim tables.

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

from iusgraph.errors import IusgraphError
from iusgraph.network.agreement import source_agreement

from ..helpers import cli

MONO, MIRENA, IUD = "src:ius-monograph", "src:mirena-back-pain", "src:iud-insertion"


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
