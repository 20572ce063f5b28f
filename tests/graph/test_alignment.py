"""Alignment IRIs exist in the vocabularies they cite, checked offline.

schema.org terms against rdflib's bundled ``SDO`` namespace; Biolink terms
against the schema YAML shipped in the ``biolink-model`` package.
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from rdflib.namespace import SDO

from iusgraph.graph.namespaces import BIOLINK, SCHEMA
from iusgraph.graph.vocabulary import ontology_graph


def _used(prefix: str) -> set[str]:
    terms = set()
    for triple in ontology_graph():
        for term in triple:
            if str(term).startswith(prefix):
                terms.add(str(term)[len(prefix) :])
    return terms


def test_schema_org_terms_exist() -> None:
    used = _used(str(SCHEMA))
    assert {
        "Drug",
        "MedicalDevice",
        "adverseOutcome",
        "seriousAdverseOutcome",
        "contraindication",
        "mechanismOfAction",
    } <= used
    defined = set(SDO.__annotations__)
    assert used <= defined, f"not schema.org terms: {sorted(used - defined)}"


def test_biolink_terms_exist() -> None:
    try:
        schema_file = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
        schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.fail("install the test extra (pip install '.[test]') for biolink-model")
    names = {n.replace(" ", "_") for n in schema.get("slots", {})}
    names |= {n.title().replace(" ", "") for n in schema.get("classes", {})}
    used = _used(str(BIOLINK))
    assert {"has_side_effect", "contraindicated_in", "treats", "has_active_ingredient"} <= used
    assert used <= names, f"not Biolink terms: {sorted(used - names)}"
