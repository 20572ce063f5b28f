"""The networkx projection (iusgraph.network.project): what becomes a node, an edge and an attribute.

The curated graph is checked on facts read off the claim tables; a hand-made
fixture (tests/fixtures/network/small.ttl) covers deprecated claims, qualifier-only
entities and conflicts, which the curated data may not show.
"""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Graph

from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import CLAIM, ENT, IUS
from iusgraph.graph.vocabulary import load_vocabulary
from iusgraph.network.project import project, resolve_node

from ..helpers import FIXTURES

SMALL = FIXTURES / "network" / "small.ttl"


@pytest.fixture(scope="module")
def small() -> nx.MultiDiGraph:
    return project(Graph().parse(SMALL, format="turtle"))


def test_every_direct_triple_of_a_linking_claim_property_is_one_edge(graph: Graph, net) -> None:
    vocab = load_vocabulary()
    linking = [p for p in vocab.claim_properties.values() if p not in vocab.quantity_properties]
    expected = {(s, p, o) for p in linking for s, o in graph.subject_objects(p)}
    assert net.number_of_edges() == len(expected) > 100
    assert isinstance(net, nx.MultiDiGraph)


def test_derived_serious_triple_is_an_attribute_not_a_second_edge(graph: Graph, net) -> None:
    assert list(graph.subject_objects(IUS.hasSeriousSideEffect))
    assert not [k for *_, k in net.edges(keys=True) if k == "ius:hasSeriousSideEffect"]
    edge = net.edges["ent:lng-ius", "ent:uterine-perforation", "ius:hasSideEffect"]
    assert edge["seriousness"] == ["serious"]
    assert edge["action"] == ["seek-immediate-care"]
    assert edge["frequency"] == ["rare"]


def test_nodes_carry_label_class_and_iri(net) -> None:
    node = net.nodes["ent:levonorgestrel"]
    assert node["label"] == "levonorgestrel"
    assert node["category"] == "ius:Substance"
    assert node["iri"] == "https://w3id.org/iusgraph/entity/levonorgestrel"
    assert net.nodes["ent:mirena"]["broader"] == ["ent:lng-ius"]


def test_an_edge_backed_by_two_sources(net) -> None:
    edge = net.edges["ent:cervical-mucus-thickening", "ent:sperm-blocked", "ius:resultsIn"]
    assert edge["sources"] == ["src:ius-monograph", "src:mirena-back-pain"]
    assert edge["source_count"] == 2
    assert len(edge["claims"]) == 2
    assert {span["source"] for span in edge["evidence"]} == set(edge["sources"])
    assert all(span["end"] - span["start"] == len(span["quote"]) for span in edge["evidence"])


def test_frequencies_that_differ_between_claims_are_all_kept(graph: Graph, net) -> None:
    # iud-insertion.tsv: lower back pain is 'a common side effect' [310,392), back pain is felt
    # by 'a few women' [539,643): two entities, each edge with its band, under one conflict.
    lower = net.edges["ent:iud", "ent:lower-back-pain", "ius:hasSideEffect"]
    edge = net.edges["ent:iud", "ent:back-pain", "ius:hasSideEffect"]
    assert (lower["frequency"], edge["frequency"]) == (["common"], ["few-users"])
    assert "conflict:back-pain-frequency" in edge["conflicts"]
    assert "conflict:back-pain-frequency" in lower["conflicts"]
    # Two claims on one edge keep both bands: put the 'common' claim on back pain too.
    both = Graph()
    both += graph
    claim = CLAIM["iud-insertion.se-back-pain-common"]
    both.set((claim, IUS.claimObject, ENT["back-pain"]))
    both.add((ENT["iud"], IUS.hasSideEffect, ENT["back-pain"]))
    merged = project(both).edges["ent:iud", "ent:back-pain", "ius:hasSideEffect"]
    assert merged["frequency"] == ["common", "few-users"]


def test_negative_claims_are_negated_edges(net) -> None:
    edge = net.edges["ent:mirena", "ent:back-pain", "ius:notIndicatedFor"]
    assert edge["negated"] is True and edge["label"] == "is not a treatment for"
    assert net.edges["ent:mirena", "ent:back-pain", "ius:mayRelieve"]["negated"] is False


def test_sources_and_conflicts_are_graph_attributes(net) -> None:
    assert set(net.graph["sources"]) == {
        "src:ius-monograph",
        "src:mirena-back-pain",
        "src:iud-insertion",
    }
    assert net.graph["sources"]["src:mirena-back-pain"]["reliability"] == "low"
    conflict = net.graph["conflicts"]["conflict:duration-of-use"]
    assert conflict["kind"] == "value-disagreement" and len(conflict["claims"]) == 2


def test_deprecated_claims_make_no_edge_and_the_best_rank_wins(small) -> None:
    assert not small.has_edge("ent:dev-a", "ent:effect-z")
    assert "ent:effect-z" in small  # still an entity, reached by the deprecated claim
    edge = small.edges["ent:dev-a", "ent:effect-x", "ius:hasSideEffect"]
    assert edge["rank"] == "preferred"
    assert edge["claims"] == ["claim:doc-1.x", "claim:doc-2.x"]
    assert edge["conflicts"] == ["conflict:x-disagree"]
    assert edge["example"] == ["ent:example-e"]


def test_node_claims_count_qualifier_mentions(small) -> None:
    assert small.nodes["ent:example-e"]["claims"] == ["claim:doc-1.x"]
    assert small.nodes["ent:orphan"]["claims"] == []
    assert small.nodes["ent:effect-z"]["claims"] == ["claim:doc-2.z"]


def test_projection_is_deterministic(graph: Graph, net) -> None:
    again = project(graph)
    assert list(again.nodes(data=True)) == list(net.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(net.edges(keys=True, data=True))


@pytest.mark.parametrize(
    "name", ["mirena", "ent:mirena", "Mirena", "https://w3id.org/iusgraph/entity/mirena"]
)
def test_resolve_node_accepts_ids_curies_iris_and_labels(net, name: str) -> None:
    assert resolve_node(net, name) == "ent:mirena"


def test_resolve_node_by_synonym(small) -> None:
    assert resolve_node(small, "The A") == "ent:dev-a"


def test_unknown_node_suggests_close_ids(net) -> None:
    with pytest.raises(IusgraphError, match=r"no entity 'mirna'.*did you mean mirena"):
        resolve_node(net, "mirna")
