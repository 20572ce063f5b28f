"""`iusgraph export --format fhir`: a FHIR R5 Bundle that fhir.resources' R5 models validate
(offline), whose ClinicalUseDefinitions are the graph's clinical-use claims with their
qualifiers, negations, codes and quotes, byte-identical across runs; and the README's example
of an app reading the contraindications runs."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle
from rdflib import Graph
from rdflib.namespace import RDF

from iusgraph.fhir import CLINICAL_USE, EXTENSION, HPO_SYSTEM, MESH_SYSTEM, NEGATED, fhir_id
from iusgraph.graph.namespaces import IUS

from ..helpers import ROOT, cli

PREFIXES = """PREFIX ius: <https://w3id.org/iusgraph/ontology/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
QUOTE = EXTENSION + "quote"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fhir")
    result = cli("export", "--format", "fhir", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"iusgraph.fhir.json"}
    return out / "iusgraph.fhir.json"


@pytest.fixture(scope="module")
def bundle(exported: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(exported.read_text(encoding="utf-8"))
    return loaded


def _resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if kind is None or e["resource"]["resourceType"] == kind
    ]


def _by_key(bundle: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["resourceType"], r["id"]): r for r in _resources(bundle)}


def _ext(resource: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [x for x in resource.get("extension", []) if x["url"] == EXTENSION + name]


def _count(graph: Graph, predicates: list[str]) -> int:
    values = " ".join(f"ius:{p}" for p in predicates)
    rows = list(
        graph.query(
            PREFIXES
            + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { VALUES ?p { "
            + values
            + " } ?c a ius:Claim ; ius:claimPredicate ?p ; ius:claimSubject ?d . ?d a ius:Device }"
        )
    )
    return int(rows[0][0])  # type: ignore[index]


def test_the_bundle_and_every_resource_validate_with_the_r5_models(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection" and len(parsed.entry) == len(bundle["entry"])
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
        assert re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", resource["id"])
        assert entry["fullUrl"].endswith(f"/{resource['resourceType']}/{resource['id']}")
    assert len({(r["resourceType"], r["id"]) for r in _resources(bundle)}) == len(bundle["entry"])


def test_the_models_are_r5_and_refuse_unknown_elements(bundle: dict[str, Any]) -> None:
    import fhir.resources

    assert fhir.resources.__fhir_version__.startswith("5.")
    use = dict(_resources(bundle, "ClinicalUseDefinition")[0], unknownElement=1)
    with pytest.raises(ValueError):
        get_fhir_model_class("ClinicalUseDefinition").model_validate(use)


def test_every_reference_resolves_in_the_bundle(bundle: dict[str, Any]) -> None:
    keys = {f"{kind}/{id_}" for kind, id_ in _by_key(bundle)}
    text = json.dumps(bundle)
    references = set(re.findall(r'"reference": "([^"]+)"', text))
    assert references and references <= keys


def test_counts_match_the_graph(bundle: dict[str, Any], graph: Graph) -> None:
    uses = _resources(bundle, "ClinicalUseDefinition")
    types = {"contraindication", "indication", "interaction", "undesirable-effect", "warning"}
    assert {u["type"] for u in uses} <= types
    for kind in sorted(types):
        expected = [p for p, t in CLINICAL_USE.items() if t == kind]
        expected += list(NEGATED) if kind == "warning" else []
        found = sum(1 for u in uses if u["type"] == kind)
        assert found == (_count(graph, expected) if expected else 0), kind
    assert _count(graph, ["contraindicatedIn"]) == 6
    assert len(uses) == _count(graph, [*CLINICAL_USE, *NEGATED])
    assert len(_resources(bundle, "Provenance")) == len(uses) + _count(
        graph, ["hasActiveIngredient"]
    )
    assert {d["id"] for d in _resources(bundle, "DocumentReference")} == {
        "ius-monograph",
        "mirena-back-pain",
        "iud-insertion",
    }
    assert {d["id"] for d in _resources(bundle, "DeviceDefinition")} == {"iud", "lng-ius", "mirena"}
    assert "levonorgestrel" in {s["id"] for s in _resources(bundle, "SubstanceDefinition")}


def test_a_negated_claim_is_never_a_positive_statement(
    bundle: dict[str, Any], graph: Graph
) -> None:
    negative = {str(p)[len(str(IUS)) :] for p in graph.subjects(RDF.type, IUS.NegativeProperty)}
    assert set(NEGATED) <= negative
    for use in _resources(bundle, "ClinicalUseDefinition"):
        predicate = _ext(use, "claimPredicate")[0]["valueUri"][len(str(IUS)) :]
        if predicate in negative:
            assert predicate in NEGATED
            assert use["type"] == "warning" and _ext(use, "negated") == [
                {"url": EXTENSION + "negated", "valueBoolean": True}
            ]
            assert set(use) & {"indication", "contraindication", "interaction"} == set()
            assert "code" not in use["warning"] and _ext(use, "claimObject")
        else:
            assert not _ext(use, "negated") and not _ext(use, "claimObject")
    back_pain = _by_key(bundle)[
        ("ClinicalUseDefinition", "mirena-back-pain.not-indicated-back-pain")
    ]
    assert back_pain["warning"]["description"] == "Mirena is not a treatment for back pain"


def test_qualifiers_are_in_standard_elements_or_extensions(bundle: dict[str, Any]) -> None:
    resources = _by_key(bundle)
    perforation = resources[("ClinicalUseDefinition", "mirena-back-pain.se-uterine-perforation")]
    effect = perforation["undesirableEffect"]
    assert effect["symptomConditionEffect"]["concept"]["text"] == "perforation of the uterus"
    assert effect["frequencyOfOccurrence"]["coding"][0]["code"] == "rare"
    assert effect["classification"]["coding"][0]["code"] == "serious"
    assert _ext(perforation, "populationFraction")[0]["valueCoding"]["code"] == "some-cases"
    assert _ext(perforation, "recommendedAction")[0]["valueCoding"]["code"] == "consult-provider"
    assert _ext(perforation, "certainty")[0]["valueCoding"]["code"] == "hedged"
    assert not _ext(perforation, "frequency") and not _ext(perforation, "seriousness")
    assert perforation["subject"][0]["reference"] == "DeviceDefinition/mirena"
    use = resources[("ClinicalUseDefinition", "ius-monograph.use-endometriosis-related-pain")]
    assert use["type"] == "indication"
    assert _ext(use, "useKind")[0]["valueCoding"]["code"] == "considered"
    assert _ext(use, "certainty")[0]["valueCoding"]["code"] == "hedged"


def test_every_clinical_use_has_its_quotes(bundle: dict[str, Any], graph: Graph) -> None:
    resources = _by_key(bundle)
    rows = graph.query(
        PREFIXES
        + """SELECT ?c ?ev ?exact ?start ?end ?src WHERE {
          ?c ius:hasEvidence ?ev . ?ev oa:hasSource ?src ;
             oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ,
                            [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] }"""
    )
    spans: dict[str, set[tuple[str, str, int, int, str]]] = {}
    for c, ev, exact, start, end, src in rows:  # type: ignore[misc]
        key = str(c).rsplit("/", 1)[1]
        spans.setdefault(key, set()).add(
            (str(ev), str(exact), int(start), int(end), str(src).rsplit("/", 1)[1])
        )
    for use in _resources(bundle, "ClinicalUseDefinition"):
        claim = use["identifier"][0]["value"].rsplit("/", 1)[1]
        assert use["id"] == fhir_id(claim)
        provenance = resources[("Provenance", use["id"])]
        assert provenance["target"] == [{"reference": f"ClinicalUseDefinition/{use['id']}"}]
        found = set()
        for entity in provenance["entity"]:
            assert entity["role"] == "quotation"
            values = {
                x["url"].rsplit("/", 1)[1]: next(v for k, v in x.items() if k != "url")
                for x in entity["extension"]
            }
            source = entity["what"]["reference"].split("/", 1)[1]
            assert ("DocumentReference", source) in resources
            found.add(
                (
                    values["evidence"],
                    values["quote"],
                    values["textPositionStart"],
                    values["textPositionEnd"],
                    source,
                )
            )
        assert found and found == spans[claim], claim


def test_codes_are_only_those_of_the_mapping_sets(bundle: dict[str, Any]) -> None:
    allowed: set[tuple[str, str]] = set()
    for name, system in (("hpo", HPO_SYSTEM), ("mesh", MESH_SYSTEM)):
        text = (ROOT / "data" / "mappings" / f"{name}.sssom.tsv").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("#")]
        for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t"):
            if row["predicate_id"] in ("skos:exactMatch", "skos:closeMatch"):
                code = row["object_id"]
                code = code.removeprefix("MESH:") if name == "mesh" else code
                allowed.add((row["subject_id"].removeprefix("ent:"), f"{system}|{code}"))
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            codings = node.get("coding")
            if isinstance(codings, list) and codings and "text" in node:
                entity = [c["code"] for c in codings if c["system"].endswith("/entity/")]
                for coding in codings:
                    if coding["system"] in (HPO_SYSTEM, MESH_SYSTEM):
                        assert len(entity) == 1
                        found.add((entity[0], f"{coding['system']}|{coding['code']}"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    assert found and found <= allowed
    systems = set(re.findall(r'"system": "([^"]+)"', json.dumps(bundle)))
    assert not {s for s in systems if "snomed" in s or "meddra" in s}


def test_caveats_qualify_no_exported_claim(graph: Graph, bundle: dict[str, Any]) -> None:
    """The bundle has no element for ius:hasEvidenceStatus yet: none qualifies an exported claim
    today; when one does, this fails and the caveat must be exported."""
    exported = {u["identifier"][0]["value"] for u in _resources(bundle, "ClinicalUseDefinition")}
    qualified = {str(o) for o in graph.objects(None, IUS.qualifiesClaim)}
    assert qualified and not qualified & exported


def test_the_export_is_byte_identical_across_runs(exported: Path, tmp_path: Path) -> None:
    assert cli("export", "--format", "fhir", "--out", tmp_path).exit_code == 0
    assert (tmp_path / "iusgraph.fhir.json").read_bytes() == exported.read_bytes()


def test_the_default_export_leaves_fhir_out(tmp_path: Path) -> None:
    from iusgraph.exporters import APPS, BUILD, EXPORTERS

    assert EXPORTERS["fhir"].files == ("iusgraph.fhir.json",)
    assert "fhir" not in APPS and "fhir" not in BUILD


def test_the_readme_example_reads_the_contraindications(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### FHIR R5") :]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "iusgraph.fhir.json").write_bytes(exported.read_bytes())
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == shown
    assert shown.count("\n") == 6
