"""What the sources say about certainty, scope, site and conditions, and their names.

One test per new qualifier or claim kind: a claim row with it compiles to the
intended triples, and the SHACL shapes reject a wrong value or kind. The
compiler refuses bad rows with file and line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from iusgraph.curation.compile import build_graph
from iusgraph.errors import InputError
from iusgraph.graph.load import load_files
from iusgraph.graph.namespaces import CLAIM, ENT, IUS, IUSV
from iusgraph.graph.resources import data_dir
from iusgraph.graph.vocabulary import ontology_graph
from iusgraph.validation.reference import shacl_findings

from ..helpers import BASE

MIRENA = "mirena-back-pain"
# 001 [5958,6069): "Mirena can increase the risk of blood clots, which can be life-threatening if
# they travel to the lungs or brain"
CLOTS = (
    "Mirena can increase the risk of blood clots, which can be life-threatening if they "
    "travel to the lungs or brain"
)


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    return folder


def _append(data: Path, source: str, *rows: str) -> int:
    table = data / "claims" / f"{source}.tsv"
    lines = table.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.extend(rows)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _row(
    ident: str, subject: str, predicate: str, obj: str, qualifiers: str, start: int, exact: str
) -> str:
    return "\t".join(
        [ident, subject, predicate, obj, qualifiers, str(start), str(start + len(exact)), exact]
    )


# --- the real graph: the caveats, scope, site, outcome and names are there ------------------


def test_relief_claim_reaches_its_caveats_in_one_hop(graph: Graph) -> None:
    relief = CLAIM[f"{MIRENA}.relief-back-pain-reported"]
    caveats = set(graph.subjects(IUS.qualifiesClaim, relief))
    statuses = {graph.value(c, IUS.evidenceStatus) for c in caveats}
    assert statuses == {
        IUSV["evidence-status-not-fully-understood"],
        IUSV["evidence-status-more-research-needed"],
    }
    # A caveat asserts nothing: no direct triple from it.
    assert (ENT["mirena"], IUS.hasEvidenceStatus, ENT["back-pain"]) not in graph


def test_scope_is_kept_apart_from_frequency(graph: Graph) -> None:
    bleeding = CLAIM["iud-insertion.course-bleeding-after-insertion-resolves"]
    assert graph.value(bleeding, IUS.populationFraction) == IUSV["population-fraction-some"]
    assert graph.value(bleeding, IUS.frequency) is None
    most = CLAIM["iud-insertion.se-bleeding-after-insertion-most-users"]
    assert graph.value(most, IUS.frequency) == IUSV["frequency-most-users"]
    assert graph.value(most, IUS.populationFraction) is None


def test_site_and_outcome_on_the_real_claims(graph: Graph) -> None:
    assert graph.value(CLAIM[f"{MIRENA}.se-infection"], IUS.site) == ENT["pelvic-area"]
    # The site belongs to the one report that names it ("particularly in the lower back"), not to
    # the three reports without a site (second read, F1).
    assert (
        graph.value(CLAIM[f"{MIRENA}.relief-back-pain-reported-lower-back"], IUS.site)
        == ENT["lower-back"]
    )
    assert graph.value(CLAIM[f"{MIRENA}.relief-back-pain-reported"], IUS.site) is None
    clots = CLAIM[f"{MIRENA}.se-blood-clots"]
    assert graph.value(clots, IUS.possibleOutcome) == IUSV["outcome-life-threatening"]
    assert graph.value(clots, IUS.outcomeCondition) == ENT["clots-travel-to-lungs-or-brain"]
    assert graph.value(clots, IUS.seriousness) == IUSV["seriousness-serious"]


def test_names_and_description_carry_evidence(graph: Graph) -> None:
    expected = {
        "ius-monograph.title-lng-ius": "Levonorgestrel intrauterine delivery system",
        "ius-monograph.generic-name-lng-ius": "Levonorgestrel Intrauterine System (IUS)",
        f"{MIRENA}.title-mirena": "Mirena for Back Pain",
        f"{MIRENA}.description-small-t-shaped": "small, T-shaped",
    }
    for ident, words in expected.items():
        claim = CLAIM[ident]
        assert graph.value(claim, IUS.claimValue) == Literal(words, lang="en")
        assert graph.value(claim, IUS.claimObject) is None
        assert graph.value(claim, IUS.hasEvidence) is not None
    assert not list(graph.triples((ENT["mirena"], IUS.hasPhysicalDescription, None)))


def test_lower_back_pain_is_narrower_than_back_pain(graph: Graph) -> None:
    from rdflib.namespace import SKOS

    assert graph.value(ENT["lower-back-pain"], SKOS.broader) == ENT["back-pain"]
    assert (ENT["iud"], IUS.hasSideEffect, ENT["lower-back-pain"]) in graph


# --- compiling one row ---------------------------------------------------------------------


def test_scope_row_compiles(data: Path) -> None:
    _append(
        data,
        MIRENA,
        _row(
            "se-test-scope",
            "mirena",
            "hasSideEffect",
            "dizziness",
            "scope=some-cases",
            5376,
            "Dizziness",
        ),
    )
    claim = CLAIM[f"{MIRENA}.se-test-scope"]
    graph = build_graph(data)
    assert graph.value(claim, IUS.populationFraction) == IUSV["population-fraction-some-cases"]


def test_site_row_compiles(data: Path) -> None:
    _append(
        data,
        MIRENA,
        _row(
            "se-test-site",
            "mirena",
            "hasSideEffect",
            "dizziness",
            "site=lower-back",
            5376,
            "Dizziness",
        ),
    )
    graph = build_graph(data)
    assert graph.value(CLAIM[f"{MIRENA}.se-test-site"], IUS.site) == ENT["lower-back"]


def test_outcome_row_compiles(data: Path) -> None:
    _append(
        data,
        MIRENA,
        _row(
            "se-test-outcome",
            "mirena",
            "hasSideEffect",
            "dizziness",
            "outcome=life-threatening; outcome-if=clots-travel-to-lungs-or-brain",
            5958,
            CLOTS,
        ),
    )
    graph = build_graph(data)
    claim = CLAIM[f"{MIRENA}.se-test-outcome"]
    assert graph.value(claim, IUS.possibleOutcome) == IUSV["outcome-life-threatening"]
    assert graph.value(claim, IUS.outcomeCondition) == ENT["clots-travel-to-lungs-or-brain"]


def test_depends_on_row_compiles(data: Path) -> None:
    graph = build_graph(data)
    claim = CLAIM["ius-monograph.duration-3-to-5-years"]
    assert graph.value(claim, IUS.dependsOn) == ENT["specific-brand"]


def test_caveat_row_compiles_to_a_claim_about_claims(data: Path) -> None:
    _append(
        data,
        MIRENA,
        _row(
            "caveat-test",
            "mirena",
            "hasEvidenceStatus",
            "back-pain",
            f"status=not-fully-understood; qualifies={MIRENA}.se-back-pain|{MIRENA}.relief-stress",
            645,
            "its effects on back pain are not fully understood",
        ),
    )
    graph = build_graph(data)
    claim = CLAIM[f"{MIRENA}.caveat-test"]
    assert set(graph.objects(claim, IUS.qualifiesClaim)) == {
        CLAIM[f"{MIRENA}.se-back-pain"],
        CLAIM[f"{MIRENA}.relief-stress"],
    }
    assert graph.value(claim, IUS.evidenceStatus) == IUSV["evidence-status-not-fully-understood"]
    assert graph.value(claim, IUS.claimObject) == ENT["back-pain"]
    assert (ENT["mirena"], IUS.hasEvidenceStatus, ENT["back-pain"]) not in graph


def test_text_row_compiles_to_a_literal_value(data: Path) -> None:
    _append(
        data,
        MIRENA,
        _row(
            "description-test",
            "mirena",
            "hasPhysicalDescription",
            "T-shaped",
            "",
            7450,
            "Mirena is a small, T-shaped device",
        ),
    )
    graph = build_graph(data)
    claim = CLAIM[f"{MIRENA}.description-test"]
    assert graph.value(claim, IUS.claimValue) == Literal("T-shaped", lang="en")
    assert graph.value(claim, IUS.claimObject) is None


@pytest.mark.parametrize(
    "row,message",
    [
        (
            _row(
                "caveat-bad",
                "mirena",
                "hasEvidenceStatus",
                "back-pain",
                f"status=not-fully-understood; qualifies={MIRENA}.no-such-claim",
                645,
                "its effects on back pain are not fully understood",
            ),
            "names no claim",
        ),
        (
            _row(
                "caveat-bad",
                "mirena",
                "hasEvidenceStatus",
                "back-pain",
                "status=not-fully-understood; qualifies=ius-monograph.se-acne",
                645,
                "its effects on back pain are not fully understood",
            ),
            "another source",
        ),
        (
            _row(
                "caveat-bad",
                "mirena",
                "hasEvidenceStatus",
                "back-pain",
                "status=not-fully-understood; qualifies=se-back-pain",
                645,
                "its effects on back pain are not fully understood",
            ),
            "is not a claim reference",
        ),
        (
            _row(
                "caveat-bad",
                "mirena",
                "hasEvidenceStatus",
                "back-pain",
                "",
                645,
                "its effects on back pain are not fully understood",
            ),
            "needs status=",
        ),
        (
            _row(
                "se-bad",
                "mirena",
                "hasSideEffect",
                "dizziness",
                f"qualifies={MIRENA}.se-back-pain",
                5376,
                "Dizziness",
            ),
            "for evidence-status claims",
        ),
        (
            _row(
                "se-bad",
                "mirena",
                "hasSideEffect",
                "dizziness",
                "scope=few-users",
                5376,
                "Dizziness",
            ),
            "not in the scope scheme",
        ),
        (
            _row(
                "se-bad",
                "mirena",
                "hasSideEffect",
                "dizziness",
                "site=no-such-site",
                5376,
                "Dizziness",
            ),
            "not a known entity",
        ),
        (
            _row(
                "description-bad",
                "mirena",
                "hasPhysicalDescription",
                "round",
                "",
                7450,
                "Mirena is a small, T-shaped device",
            ),
            "not in its evidence",
        ),
        (
            _row(
                "description-bad",
                "mirena",
                "hasPhysicalDescription",
                "",
                "",
                7450,
                "Mirena is a small, T-shaped device",
            ),
            "source's own words",
        ),
    ],
)
def test_bad_model_row_names_file_and_line(data: Path, row: str, message: str) -> None:
    line = _append(data, MIRENA, row)
    with pytest.raises(InputError) as info:
        build_graph(data)
    assert message in str(info.value)
    assert info.value.path and info.value.path.endswith(f"{MIRENA}.tsv")
    assert info.value.line == line


# --- the shapes reject a wrong value or kind -----------------------------------------------

BASE_CLAIM = CLAIM["doc.se-effect"]


def _findings(*triples: tuple[URIRef, URIRef, object]) -> list[tuple[str, str]]:
    data = load_files([BASE])
    for triple in triples:
        data.add(triple)  # type: ignore[arg-type]
    data += ontology_graph()
    return [
        (f.rule, f.component)
        for f in shacl_findings(data).findings
        if f.focus == str(BASE_CLAIM) and f.severity == "Violation"
    ]


def _caveat_triples(node: URIRef) -> list[tuple[URIRef, URIRef, object]]:
    """A caveat claim on the base graph's source, qualifying nothing yet."""
    from rdflib.namespace import PROV, RDFS

    evidence = URIRef("https://w3id.org/iusgraph/evidence/doc.se-effect.1")
    return [
        (node, RDF.type, IUS.Claim),
        (node, IUS.claimSubject, ENT["device"]),
        (node, IUS.claimPredicate, IUS.hasEvidenceStatus),
        (node, IUS.claimObject, ENT["effect"]),
        (node, IUS.evidenceStatus, IUSV["evidence-status-more-research-needed"]),
        (node, IUS.productContext, ENT["device"]),
        (node, IUS.rank, IUSV["rank-normal"]),
        (node, PROV.wasDerivedFrom, URIRef("https://w3id.org/iusgraph/source/doc")),
        (node, RDFS.label, Literal("a caveat", lang="en")),
        (node, IUS.hasEvidence, evidence),
    ]


@pytest.mark.parametrize(
    "prop,value,rule",
    [
        (
            IUS.populationFraction,
            IUSV["frequency-few-users"],
            "shape:ClaimShape/ius:populationFraction",
        ),
        (IUS.site, ENT["effect"], "shape:ClaimShape/ius:site"),
        (IUS.possibleOutcome, IUSV["seriousness-serious"], "shape:ClaimShape/ius:possibleOutcome"),
        (IUS.evidenceStatus, IUSV["certainty-hedged"], "shape:ClaimShape/ius:evidenceStatus"),
        (IUS.qualifiesClaim, ENT["effect"], "shape:ClaimShape/ius:qualifiesClaim"),
        (IUS.dependsOn, Literal("brand"), "shape:ClaimShape/ius:dependsOn"),
        (IUS.outcomeCondition, Literal("travel"), "shape:ClaimShape/ius:outcomeCondition"),
        (IUS.claimValue, Literal("words", datatype=XSD.string), "shape:ClaimShape/ius:claimValue"),
    ],
)
def test_shapes_reject_a_wrong_value(prop: URIRef, value: object, rule: str) -> None:
    assert rule in {r for r, _ in _findings((BASE_CLAIM, prop, value))}


def test_shapes_reject_a_text_value_on_an_entity_claim() -> None:
    found = _findings((BASE_CLAIM, IUS.claimValue, Literal("test effect", lang="en")))
    assert ("shape:ClaimValueKind", "sh:SPARQLConstraintComponent") in found


def test_shapes_reject_a_text_claim_with_an_entity_object() -> None:
    from rdflib.namespace import PROV

    data = load_files([BASE])
    data.set((BASE_CLAIM, IUS.claimPredicate, IUS.hasPhysicalDescription))
    data.remove((ENT["device"], IUS.hasSideEffect, ENT["effect"]))
    data += ontology_graph()
    assert (BASE_CLAIM, PROV.wasDerivedFrom, None) in data
    rules = {f.rule for f in shacl_findings(data).findings if f.focus == str(BASE_CLAIM)}
    assert "shape:ClaimValueKind" in rules


def test_shapes_reject_evidence_status_on_an_assertion() -> None:
    found = _findings(
        (BASE_CLAIM, IUS.evidenceStatus, IUSV["evidence-status-not-fully-understood"])
    )
    assert ("shape:QualifierPlacement", "sh:SPARQLConstraintComponent") in found


def test_shapes_reject_an_outcome_condition_without_its_outcome() -> None:
    found = _findings((BASE_CLAIM, IUS.outcomeCondition, ENT["effect"]))
    assert ("shape:QualifierPlacement", "sh:SPARQLConstraintComponent") in found


def test_shapes_reject_a_caveat_that_qualifies_another_caveat() -> None:
    other = CLAIM["doc.caveat-other"]
    one = CLAIM["doc.caveat-one"]
    triples = [*_caveat_triples(one), *_caveat_triples(other)]
    data = load_files([BASE])
    for triple in triples:
        data.add(triple)  # type: ignore[arg-type]
    data.add((one, IUS.qualifiesClaim, other))
    data.add((other, IUS.qualifiesClaim, BASE_CLAIM))
    data += ontology_graph()
    found = {(f.focus, f.rule) for f in shacl_findings(data).findings if f.severity == "Violation"}
    assert (str(one), "shape:QualifierPlacement") in found
    assert (str(other), "shape:QualifierPlacement") not in found


def test_shapes_require_a_status_on_a_caveat() -> None:
    node = CLAIM["doc.caveat-one"]
    data = load_files([BASE])
    for triple in _caveat_triples(node):
        if triple[1] != IUS.evidenceStatus:
            data.add(triple)  # type: ignore[arg-type]
    data += ontology_graph()
    found = {(f.focus, f.rule) for f in shacl_findings(data).findings}
    assert (str(node), "shape:RequiredQualifiers") in found


# --- the competency queries answer with the caveats ----------------------------------------


def _csv(graph: Graph, name: str) -> list[dict[str, str]]:
    import csv
    import io

    from iusgraph import api

    return list(csv.DictReader(io.StringIO(api.query(name, graph, fmt="csv"))))


def test_a_query_for_back_pain_relief_returns_the_sources_caveats(graph: Graph) -> None:
    rows = [
        r
        for r in _csv(graph, "uses")
        if r["condition"] == "back pain" and r["kind"].startswith("may relieve")
    ]
    by_claim: dict[str, set[str]] = {}
    for r in rows:
        by_claim.setdefault(r["claim"].rsplit(".", 1)[1], set()).add(r["caveat"])
    # 001: "its effects on back pain are not fully understood"; "more research is needed ..."
    assert by_claim["relief-back-pain-reported"] == {
        "not fully understood",
        "more research is needed",
    }
    assert set(by_claim) == {
        "relief-back-pain-reported",
        "relief-back-pain-reported-lower-back",
        "relief-back-pain-hedged",
        "relief-back-pain-levonorgestrel",
        "relief-back-pain-safe-and-effective-solution",
    }
    assert {r["scope"] for r in rows if r["claim"].endswith("relief-back-pain-hedged")} == {
        "for some people"
    }


def test_caveats_query_quotes_the_sources_words(graph: Graph) -> None:
    quotes = {r["quote"] for r in _csv(graph, "caveats")}
    assert "its effects on back pain are not fully understood" in quotes
    assert (
        "more research is needed to fully understand the relationship between Mirena and back pain"
    ) in quotes


def test_entity_page_shows_text_claims_and_caveats(graph: Graph) -> None:
    from iusgraph.graph.store import open_store
    from iusgraph.serve import pages

    data = pages.collect(open_store(graph), str(ENT["mirena"]))
    assert data is not None
    html = pages._claims_html(data)
    assert "small, T-shaped" in html and "It’s a small, T-shaped device" in html
    assert "has evidence status on" in html
