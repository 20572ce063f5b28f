"""iusgraph.network.explain and `iusgraph explain`: expected answers, computed by hand from
the claim tables (the sources in tests/network/test_agreement.py's docstring)."""

from __future__ import annotations

import json

from iusgraph.network.explain import explain

from ..helpers import cli

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
