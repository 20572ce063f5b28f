"""Network exports: GraphML and node-link JSON read back to the same graph; KGX is valid Biolink.

Here every category, predicate, column and enum value is looked up in Biolink's
own schema YAML, shipped in the ``biolink-model`` package and read offline; the
``kgx`` tool itself reads the files in tests/network/test_kgx_client.py (it lives
in its own environment, .venv-kgx, which setup.sh makes).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from iusgraph.errors import IusgraphError
from iusgraph.exporters import EXPORTERS, write
from iusgraph.network.interchange import (
    KGX_PREFIXES,
    edge_id,
    flatten,
    to_graphml,
    to_kgx,
    to_node_link,
)

NODE_HEAD = ["id", "category", "name", "provided_by"]
EDGE_HEAD = [
    "id",
    "subject",
    "predicate",
    "object",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
]


# --------------------------------------------------------------------------- helpers

#: The network formats and their files, from the one registry.
NETWORK_FORMATS = {name: e.files for name, e in EXPORTERS.items() if e.source == "network"}


@pytest.fixture(scope="module")
def biolink() -> dict[str, Any]:
    try:
        schema_file = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
        import yaml

        return yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.fail("install the test extra (pip install '.[test]') for biolink-model")


def _camel(name: str) -> str:
    """Biolink class names are space-separated words in the YAML: 'named thing' -> NamedThing."""
    return "".join(word[:1].upper() + word[1:] for word in name.split(" "))


def _ancestors(table: dict[str, Any], name: str) -> list[str]:
    """``name`` and its ``is_a`` chain in a Biolink schema table (classes or slots)."""
    chain = [name]
    while (table.get(chain[-1]) or {}).get("is_a"):
        chain.append(table[chain[-1]]["is_a"])
    return chain


def _biolink_classes(schema: dict[str, Any]) -> dict[str, list[str]]:
    """CamelCase class name -> its is_a chain, as CamelCase names."""
    return {
        _camel(n): [_camel(a) for a in _ancestors(schema["classes"], n)] for n in schema["classes"]
    }


def _biolink_slots(schema: dict[str, Any]) -> dict[str, list[str]]:
    """snake_case slot name -> its is_a chain, as snake_case names."""
    return {
        n.replace(" ", "_"): [a.replace(" ", "_") for a in _ancestors(schema["slots"], n)]
        for n in schema["slots"]
    }


def _read_tsv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def kgx(
    net: nx.MultiDiGraph,
) -> tuple[list[str], list[dict[str, str]], list[str], list[dict[str, str]]]:
    nodes_text, edges_text = to_kgx(net)
    return (*_read_tsv(nodes_text), *_read_tsv(edges_text))


# --------------------------------------------------------------------------- GraphML


def _same_attrs(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    assert got == want, where
    for key, value in want.items():
        assert type(got[key]) is type(value), f"{where}: {key} is {type(got[key]).__name__}"


def test_graphml_reads_back_as_the_flattened_graph(
    graph: Graph, net: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (path,) = write(graph, ["graphml"], tmp_path)
    assert path.name == "iusgraph.graphml"
    read = nx.read_graphml(path, force_multigraph=True)
    flat = flatten(net)
    assert isinstance(read, nx.MultiDiGraph) and read.is_directed()
    assert set(read.nodes) == set(net.nodes) == set(flat.nodes)
    # Each edge is read back under its GraphML id (edge_id), and names its predicate.
    ids = {(u, v, edge_id(u, v, k, d)): k for u, v, k, d in net.edges(keys=True, data=True)}
    assert len(ids) == net.number_of_edges()
    assert set(read.edges(keys=True)) == set(ids) == set(flat.edges(keys=True))
    assert all(read.edges[edge]["predicate"] == key for edge, key in ids.items())
    for node, attrs in flat.nodes(data=True):
        _same_attrs(dict(read.nodes[node]), attrs, node)
    for subject, obj, key, attrs in flat.edges(keys=True, data=True):
        _same_attrs(dict(read.edges[subject, obj, key]), attrs, f"{subject} {key} {obj}")
    # read_graphml adds the (empty) default-value tables; we declare no defaults.
    read_graph = {
        k: v for k, v in read.graph.items() if k not in ("node_default", "edge_default") or v
    }
    _same_attrs(read_graph, dict(flat.graph), "graph")


def test_graphml_flattening_rules(net: nx.MultiDiGraph) -> None:
    flat = flatten(net)
    assert all("label" in attrs for _, attrs in flat.nodes(data=True))
    edge = ("ent:cervical-mucus-thickening", "ent:sperm-blocked", "ius:resultsIn")
    original = net.edges[edge]
    flattened = flat.edges[edge[0], edge[1], edge_id(*edge, original)]
    assert flattened["predicate"] == "ius:resultsIn"
    assert flattened["sources"] == "|".join(original["sources"])
    assert flattened["negated"] is False and flattened["source_count"] == 2
    assert json.loads(flattened["evidence"]) == original["evidence"]
    assert json.loads(flat.graph["sources"]) == net.graph["sources"]
    assert json.loads(flat.graph["conflicts"]) == net.graph["conflicts"]
    # The documented choice: an empty list is omitted, never written as "".
    edges = net.edges(keys=True, data=True)
    empty = [(u, v, edge_id(u, v, k, d)) for u, v, k, d in edges if not d["conflicts"]]
    assert empty and all("conflicts" not in flat.edges[e] for e in empty)
    bare = [n for n, d in net.nodes(data=True) if not d["synonyms"]]
    assert bare and all("synonyms" not in flat.nodes[n] for n in bare)


def test_flatten_omits_empty_lists_and_keeps_scalars() -> None:
    small = nx.MultiDiGraph(name="t", sources={"src:a": {"label": "A"}})
    small.add_node("ent:a", synonyms=[], broader=["ent:b", "ent:c"])
    small.add_edge(
        "ent:a",
        "ent:b",
        key="ius:p",
        negated=True,
        source_count=3,
        claims=[],
        evidence=[{"claim": "claim:x", "start": 1}],
    )
    flat = flatten(small)
    assert flat.nodes["ent:a"] == {"label": "ent:a", "broader": "ent:b|ent:c"}
    # No claim backs the edge, so its id is its triple; the key moves to "predicate".
    assert flat.edges["ent:a", "ent:b", "ent:a--ius:p--ent:b"] == {
        "predicate": "ius:p",
        "negated": True,
        "source_count": 3,
        "evidence": '[{"claim": "claim:x", "start": 1}]',
    }
    assert flat.graph == {"name": "t", "sources": '{"src:a": {"label": "A"}}'}


# --------------------------------------------------------------------------- node-link


def test_node_link_reads_back_as_the_network(
    graph: Graph, net: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (path,) = write(graph, ["node-link"], tmp_path)
    assert path.name == "iusgraph.node-link.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "edges" in data and "links" not in data
    back = nx.node_link_graph(data, edges="edges")
    assert isinstance(back, nx.MultiDiGraph) and back.is_directed()
    assert list(back.nodes) == list(net.nodes)
    assert set(back.edges(keys=True)) == set(net.edges(keys=True))
    assert dict(back.nodes(data=True)) == dict(net.nodes(data=True))
    for subject, obj, key, attrs in net.edges(keys=True, data=True):
        assert back.edges[subject, obj, key] == attrs
    assert back.graph == net.graph


def test_node_link_keeps_non_ascii_text() -> None:
    small = nx.MultiDiGraph()
    small.add_node("ent:x", label="levonorgestrel 52 mg – Mirena®")
    assert "– Mirena®" in to_node_link(small)


# --------------------------------------------------------------------------- KGX


def test_kgx_headers_are_biolink_slots(kgx, biolink: dict[str, Any]) -> None:
    node_head, _, edge_head, _ = kgx
    assert node_head[:4] == NODE_HEAD
    assert edge_head[:7] == EDGE_HEAD
    for column in (
        "aggregator_knowledge_source",
        "negated",
        "original_predicate",
        "supporting_text",
    ):
        assert column in edge_head
    # publications lists every source document of a row; ius_predicates, our one column
    # that is not a Biolink slot, lists its ius properties (one row per KGX key).
    assert edge_head[-2:] == ["publications", "ius_predicates"]
    slots = _biolink_slots(biolink)
    # equivalent_identifiers is a slot of Biolink's attributes schema (attributes.yaml, the
    # properties KGX validation accepts), not of biolink_model.yaml itself.
    import yaml

    attributes = yaml.safe_load(
        (resources.files("biolink_model") / "schema" / "attributes.yaml").read_text(
            encoding="utf-8"
        )
    )
    slots.update({n.replace(" ", "_"): [] for n in attributes["slots"]})
    assert "equivalent_identifiers" in node_head and "xref" in node_head
    unknown = [c for c in node_head + edge_head if c not in slots]
    assert unknown == ["ius_predicates"], f"columns that are not Biolink slots: {unknown}"


def test_ontology_alignments_name_biolink_terms(biolink: dict[str, Any]) -> None:
    """Every Biolink term the ontology aligns to is a class or a predicate of the shipped
    Biolink model, and ius:negatedMatch sits only on negative properties."""
    from rdflib.namespace import RDF, SKOS

    from iusgraph.graph.namespaces import BIOLINK, IUS
    from iusgraph.graph.vocabulary import ontology_graph

    ontology = ontology_graph()
    classes, slots = _biolink_classes(biolink), _biolink_slots(biolink)
    named = []
    for match in (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, IUS.negatedMatch):
        for term, target in ontology.subject_objects(match):
            if not str(target).startswith(str(BIOLINK)):
                continue
            name = str(target)[len(str(BIOLINK)) :]
            named.append(name)
            if name[:1].isupper():
                assert name in classes, f"{term} {match} {target}: not a Biolink class"
            else:
                assert name in slots and "related_to" in slots[name], (term, target)
            if match == IUS.negatedMatch:
                assert (term, RDF.type, IUS.NegativeProperty) in ontology, term
            elif (term, RDF.type, IUS.NegativeProperty) in ontology:
                assert match == SKOS.relatedMatch, f"{term}: a positive alignment"
    assert {"treats", "preventative_for_condition", "has_side_effect", "Device"} <= set(named)


def test_kgx_node_codes(kgx) -> None:
    """HPO and MeSH codes: every match in xref, the exact matches as equivalent identifiers."""
    _, nodes, _, _ = kgx
    row = {r["id"]: r for r in nodes}
    assert row["ent:headache"]["xref"] == "HP:0002315|MESH:D006261"
    assert row["ent:headache"]["equivalent_identifiers"] == "HP:0002315|MESH:D006261"
    assert row["ent:severe-pelvic-pain"]["xref"] == "HP:0034267|MESH:D017699"
    assert row["ent:severe-pelvic-pain"]["equivalent_identifiers"] == ""  # narrower only
    assert row["ent:levonorgestrel"]["equivalent_identifiers"] == "MESH:D016912"
    prefixes = {c.split(":")[0] for r in nodes for c in r["xref"].split("|") if c}
    assert prefixes == {"HP", "MESH"}


def test_kgx_nodes(kgx, net: nx.MultiDiGraph, biolink: dict[str, Any]) -> None:
    _, nodes, _, edges = kgx
    assert sorted(row["id"] for row in nodes) == sorted(net.nodes)
    ids = {row["id"] for row in nodes}
    assert all(row["subject"] in ids and row["object"] in ids for row in edges)
    classes = _biolink_classes(biolink)
    for row in nodes:
        for category in row["category"].split("|"):
            prefix, _, name = category.partition(":")
            assert prefix == "biolink", row
            assert name in classes, f"{row['id']}: {category} is not a Biolink class"
            assert "NamedThing" in classes[name], f"{category} does not descend from NamedThing"
        assert row["provided_by"] == "infores:iusgraph"
        assert row["name"] == net.nodes[row["id"]]["label"]
    by_id = {row["id"]: row for row in nodes}
    assert by_id["ent:mirena"]["category"] == "biolink:Device"
    assert by_id["ent:levonorgestrel"]["category"] == "biolink:ChemicalEntity"
    unaligned = [n for n, d in net.nodes(data=True) if d["category"] == "ius:Factor"]
    assert unaligned and all(by_id[n]["category"] == "biolink:NamedThing" for n in unaligned)


def test_kgx_edges(kgx, net: nx.MultiDiGraph, biolink: dict[str, Any]) -> None:
    _, _, _, edges = kgx
    slots = _biolink_slots(biolink)
    enums = biolink["enums"]
    levels = set(enums["KnowledgeLevelEnum"]["permissible_values"])
    agents = set(enums["AgentTypeEnum"]["permissible_values"])
    # One row per KGX key, with all its triples and sources (KGX merges rows that share
    # a subject, predicate and object, so a row per source lost all but one).
    assert len({(r["subject"], r["predicate"], r["object"]) for r in edges}) == len(edges)
    assert sum(len(r["ius_predicates"].split("|")) for r in edges) == net.number_of_edges()
    assert len({row["id"] for row in edges}) == len(edges)
    for row in edges:
        prefix, _, slot = row["predicate"].partition(":")
        assert prefix == "biolink" and slot in slots, row["predicate"]
        assert "related_to" in slots[slot], f"{slot} does not descend from related_to"
        assert row["knowledge_level"] in levels and row["agent_type"] in agents
        assert row["aggregator_knowledge_source"] == "infores:iusgraph"
        # KGX reads any non-empty negated cell (``false`` too) as true.
        assert row["negated"] in ("true", "")
        keys = row["ius_predicates"].split("|")
        assert row["original_predicate"] == (keys[0] if len(keys) == 1 else "")
        triples = [net.edges[row["subject"], row["object"], key] for key in keys]
        sources = sorted({s for attrs in triples for s in attrs["sources"]})
        assert row["publications"].split("|") == sources
        assert row["primary_knowledge_source"] == sources[0]
        assert set(sources) <= set(net.graph["sources"])
        own = sorted(
            {
                e["claim"]
                for attrs in triples
                for e in attrs["evidence"]
                if e["source"] in attrs["sources"]
            }
        )
        assert row["id"] == own[0]
        for attrs in triples:
            assert row["negated"] == ("true" if attrs["negated"] else "")
        assert "\t" not in "".join(row.values()) and "\n" not in "".join(row.values())


def test_kgx_expected_mappings(kgx) -> None:
    _, _, _, edges = kgx

    def predicates(original: str) -> set[tuple[str, str]]:
        return {
            (r["predicate"], r["negated"])
            for r in edges
            if original in r["ius_predicates"].split("|")
        }

    assert predicates("ius:hasSideEffect") == {("biolink:has_side_effect", "")}
    assert predicates("ius:contraindicatedIn") == {("biolink:contraindicated_in", "")}
    # Negative statements are Biolink's negated edges: "not a treatment for" is treats,
    # negated (ius:negatedMatch); an unaligned one is related_to, negated.
    assert predicates("ius:notIndicatedFor") == {("biolink:treats", "true")}
    assert predicates("ius:doesNotProtectAgainst") == {
        ("biolink:preventative_for_condition", "true")
    }
    assert predicates("ius:notAvailableAs") == {("biolink:related_to", "true")}
    # skos:relatedMatch (ius:hasUse ~ biolink:treats) is too loose to be used.
    assert predicates("ius:hasUse") == {("biolink:related_to", "")}
    rows = [
        r
        for r in edges
        if r["subject"] == "ent:cervical-mucus-thickening"
        and r["object"] == "ent:sperm-blocked"
        and r["original_predicate"] == "ius:resultsIn"
    ]
    # Two sources back the triple: one row carries both (and both sources' quotes).
    assert len(rows) == 1
    assert rows[0]["publications"] == "src:ius-monograph|src:mirena-back-pain"
    assert rows[0]["primary_knowledge_source"] == "src:ius-monograph"
    assert len(rows[0]["supporting_text"].split("|")) >= 2


def test_kgx_negated_cell_is_empty_unless_negated(kgx, graph: Graph) -> None:
    """KGX casts the cell with bool(), so ``false`` would read as negated."""
    _, _, _, edges = kgx
    cells = {r["negated"] for r in edges}
    assert cells == {"true", ""}
    negative = {
        (str(s), str(p), str(o))
        for s, p, o in graph.query(
            """SELECT ?s ?p ?o WHERE {
                 ?p a <https://w3id.org/iusgraph/ontology/NegativeProperty> . ?s ?p ?o }"""
        )
    }
    negated_triples = [
        key for r in edges if r["negated"] == "true" for key in r["ius_predicates"].split("|")
    ]
    assert negative and len(negated_triples) == len(negative)


def test_kgx_rows_carry_every_triple_once(kgx, net: nx.MultiDiGraph) -> None:
    """Each triple is in exactly one row; the rows that carry several are the unaligned
    ius properties of one pair, all of one polarity (before, they were rows of one key,
    and kgx's graph store kept one of them: "not a treatment for back pain" was lost)."""
    _, _, _, edges = kgx
    triples = [
        (r["subject"], key, r["object"]) for r in edges for key in r["ius_predicates"].split("|")
    ]
    assert sorted(triples) == sorted((s, k, o) for s, o, k in net.edges(keys=True))
    several = {
        (r["subject"], r["predicate"], r["object"], r["negated"]): r["ius_predicates"]
        for r in edges
        if "|" in r["ius_predicates"]
    }
    assert several == {
        ("ent:lng-ius", "biolink:related_to", "ent:healthcare-professional", ""): (
            "ius:insertedBy|ius:removedBy|ius:storedBy"
        ),
        ("ent:lng-ius", "biolink:related_to", "ent:patient", "true"): (
            "ius:notRemovableBy|ius:notStoredBy"
        ),
        ("ent:mirena", "biolink:related_to", "ent:back-pain", ""): "ius:hasUse|ius:mayRelieve",
    }
    # The back-pain pair: the two positive claims share a row, the negative is its own.
    back = sorted(
        (r["predicate"], r["ius_predicates"], r["negated"])
        for r in edges
        if (r["subject"], r["object"]) == ("ent:mirena", "ent:back-pain")
        and r["predicate"] != "biolink:has_side_effect"
    )
    assert back == [
        ("biolink:related_to", "ius:hasUse|ius:mayRelieve", ""),
        ("biolink:treats", "ius:notIndicatedFor", "true"),
    ]


def test_kgx_prefixes_are_declared(kgx, biolink: dict[str, Any]) -> None:
    """Every CURIE prefix in the files is Biolink's (its JSON-LD context, all kgx validate
    knows) or one of KGX_PREFIXES, the graph's own, which Biolink does not define."""
    _, nodes, _, edges = kgx
    context = set(biolink["prefixes"])  # what kgx validate checks node ids against
    prefix_map = json.loads(
        (
            resources.files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json"
        ).read_text(encoding="utf-8")
    )
    # infores: is Biolink's own scheme for information resources (knowledge sources).
    known = context | set(prefix_map) | {"infores"}
    assert not known & set(KGX_PREFIXES)
    checked = {r["id"].split(":")[0] for r in nodes}
    checked |= {r[c].split(":")[0] for r in edges for c in ("subject", "object")}
    assert checked <= context | set(KGX_PREFIXES)
    curie_columns = {"id", "category", "provided_by", "xref", "equivalent_identifiers"}
    curie_columns |= {"subject", "predicate", "object", "primary_knowledge_source"}
    curie_columns |= {"aggregator_knowledge_source", "original_predicate", "publications"}
    used = {
        value.split(":", 1)[0]
        for row in nodes + edges
        for column, cell in row.items()
        if column in curie_columns
        for value in cell.split("|")
        if value
    }
    assert used - known == set(KGX_PREFIXES)
    for prefix, iri in KGX_PREFIXES.items():
        assert iri.startswith("https://w3id.org/iusgraph/"), prefix
    iris = {r["id"]: r["iri"] for r in nodes}
    for node, iri in iris.items():
        prefix, _, local = node.partition(":")
        assert iri == KGX_PREFIXES[prefix] + local


def test_kgx_alignment_rules() -> None:
    """A negative property is negated, with its ius:negatedMatch and never a positive
    alignment; relatedMatch never counts; cells lose tabs, line breaks and stray "|"."""
    ontology = Graph().parse(
        format="turtle",
        data="""
        @prefix ius: <https://w3id.org/iusgraph/ontology/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix biolink: <https://w3id.org/biolink/vocab/> .
        ius:notTreats a ius:NegativeProperty ; skos:exactMatch biolink:treats .
        ius:notCures a ius:NegativeProperty ; ius:negatedMatch biolink:treats .
        ius:treats skos:closeMatch biolink:treats .
        ius:Thing skos:relatedMatch biolink:Device .
        ius:Sub rdfs:subClassOf ius:Parent .
        ius:Parent skos:closeMatch biolink:Procedure ; skos:exactMatch biolink:Device .
    """,
    )
    small = nx.MultiDiGraph()
    small.add_node(
        "ent:a",
        label="a\twith\nbreaks",
        category="ius:Thing",
        classes=["ius:Thing"],
        synonyms=["x|y", "z"],
    )
    small.add_node("ent:b", label="b", category="ius:Sub", classes=["ius:Sub"])
    evidence = [
        {"claim": "claim:s.2", "source": "src:s", "quote": "one\ttwo\nthree"},
        {"claim": "claim:s.1", "source": "src:s", "quote": "four"},
    ]
    for key, negated in (("ius:notTreats", False), ("ius:treats", False)):
        small.add_edge(
            "ent:a", "ent:b", key=key, negated=negated, sources=["src:s"], evidence=evidence
        )
    small.add_node("ent:c", label="c", category="ius:Thing")
    small.add_edge("ent:a", "ent:c", key="ius:notCures", sources=["src:s"], evidence=evidence)
    nodes_text, edges_text = to_kgx(small, ontology=ontology)
    _, nodes = _read_tsv(nodes_text)
    _, edges = _read_tsv(edges_text)
    node = {r["id"]: r for r in nodes}["ent:a"]
    assert node["name"] == "a with breaks"
    assert node["category"] == "biolink:NamedThing"
    assert node["synonym"] == "x/y|z"
    by_key = {r["original_predicate"]: r for r in edges}
    assert (by_key["ius:notTreats"]["predicate"], by_key["ius:notTreats"]["negated"]) == (
        "biolink:related_to",
        "true",
    )
    assert (by_key["ius:notCures"]["predicate"], by_key["ius:notCures"]["negated"]) == (
        "biolink:treats",
        "true",
    )
    assert by_key["ius:treats"]["predicate"] == "biolink:treats"
    assert by_key["ius:treats"]["id"] == "claim:s.1"
    assert by_key["ius:treats"]["supporting_text"] == "one two three|four"
    # A subclass inherits its parent's alignment; exactMatch wins over closeMatch.
    assert {r["id"]: r for r in nodes}["ent:b"]["category"] == "biolink:Device"


def _pair(*edges: tuple[str, bool]) -> nx.MultiDiGraph:
    """Two nodes and unaligned edges between them, each with one claim and its quote."""
    small = nx.MultiDiGraph()
    small.add_node("ent:a", label="a", category="ius:Thing")
    small.add_node("ent:b", label="b", category="ius:Thing")
    for n, (key, negated) in enumerate(edges):
        evidence = [{"claim": f"claim:s.{n}", "source": "src:s", "quote": f"quote {n}"}]
        small.add_edge(
            "ent:a", "ent:b", key=key, negated=negated, sources=["src:s"], evidence=evidence
        )
    return small


def test_kgx_one_row_per_key_carries_every_triple() -> None:
    """Two unaligned properties of one polarity on one pair share KGX's key: one row lists
    both (kgx's graph store would keep one record of two rows), original_predicate empty."""
    _, text = to_kgx(_pair(("ius:storedBy", False), ("ius:insertedBy", False)), ontology=Graph())
    _, rows = _read_tsv(text)
    assert [
        (r["id"], r["predicate"], r["original_predicate"], r["ius_predicates"], r["negated"])
        for r in rows
    ] == [("claim:s.0", "biolink:related_to", "", "ius:insertedBy|ius:storedBy", "")]
    assert rows[0]["supporting_text"] == "quote 1|quote 0"


def test_kgx_refuses_a_key_with_both_polarities() -> None:
    """A positive and a negative unaligned property on one pair would be one KGX row with
    one negated value: the export names them and the fix instead of losing one."""
    with pytest.raises(IusgraphError) as refused:
        to_kgx(_pair(("ius:removedBy", False), ("ius:notRemovableBy", True)), ontology=Graph())
    message = str(refused.value)
    assert "ent:a ius:notRemovableBy and ius:removedBy ent:b" in message
    assert "ius:negatedMatch" in message and "skos:closeMatch" in message


def test_kgx_files(graph: Graph, net: nx.MultiDiGraph, tmp_path: Path) -> None:
    paths = write(graph, ["kgx"], tmp_path)
    assert [p.name for p in paths] == ["iusgraph_nodes.tsv", "iusgraph_edges.tsv"]
    texts = to_kgx(net)
    assert [p.read_bytes() for p in paths] == [t.encode("utf-8") for t in texts]
    for text in texts:
        lines = text.split("\n")
        assert lines[-1] == "" and "\r" not in text
        assert lines[1:-1] == sorted(lines[1:-1])


# --------------------------------------------------------------------------- writing


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("fmt", sorted(NETWORK_FORMATS))
def test_exports_are_deterministic(
    graph: Graph, net: nx.MultiDiGraph, tmp_path: Path, fmt: str
) -> None:
    first = write(graph, [fmt], tmp_path / "a")
    again = write(graph, [fmt], tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in again] == list(NETWORK_FORMATS[fmt])
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    rewritten = write(graph, [fmt], tmp_path / "a")
    assert [p.read_bytes() for p in rewritten] == [p.read_bytes() for p in again]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(NETWORK_FORMATS[fmt]), (
        "temporary files left behind"
    )


def test_renderers_are_deterministic(net: nx.MultiDiGraph) -> None:
    assert to_graphml(net) == to_graphml(net)
    assert to_node_link(net) == to_node_link(net)
    assert to_kgx(net) == to_kgx(net)


def test_unknown_format_is_refused(graph: Graph, net: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(IusgraphError) as caught:
        write(graph, ["gexf"], tmp_path)
    message = str(caught.value)
    assert "gexf" in message and all(name in message for name in EXPORTERS)
    assert not list(tmp_path.iterdir())


def test_graphml_and_node_link_carry_the_codes(
    graph: Graph, net: nx.MultiDiGraph, tmp_path: Path
) -> None:
    (path,) = write(graph, ["graphml"], tmp_path)
    read = nx.read_graphml(path, force_multigraph=True)
    assert read.nodes["ent:headache"]["xref"] == "HP:0002315|MESH:D006261"
    assert read.nodes["ent:severe-pelvic-pain"]["xref"] == "HP:0034267|MESH:D017699"
    assert "equivalent_identifiers" not in read.nodes["ent:severe-pelvic-pain"]  # empty: omitted
    data = json.loads(to_node_link(net))
    node = next(n for n in data["nodes"] if n["id"] == "ent:headache")
    assert node["xref"] == ["HP:0002315", "MESH:D006261"]
    assert node["equivalent_identifiers"] == ["HP:0002315", "MESH:D006261"]
