"""The one table of prefixes (iusgraph.graph.prefixes), written without rdflib, names the
same W3C namespaces rdflib does, and the project's namespaces are built from it."""

from __future__ import annotations

from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from iusgraph.graph import namespaces
from iusgraph.graph.prefixes import PREFIXES, shorten_iri


def test_the_w3c_prefixes_are_rdflibs_namespaces() -> None:
    rdflib_names = {
        "prov": PROV,
        "skos": SKOS,
        "owl": OWL,
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "dcterms": DCTERMS,
    }
    assert {k: PREFIXES[k] for k in rdflib_names} == {k: str(v) for k, v in rdflib_names.items()}


def test_the_project_namespaces_come_from_the_table() -> None:
    for prefix, name in [("ius", "IUS"), ("ent", "ENT"), ("sh", "SH"), ("oa", "OA")]:
        assert str(getattr(namespaces, name)) == PREFIXES[prefix]


def test_a_curie_uses_the_longest_namespace() -> None:
    # ius: is https://w3id.org/iusgraph/ontology/, not the shorter base every prefix shares
    assert shorten_iri(PREFIXES["ius"] + "hasSideEffect") == "ius:hasSideEffect"
    assert shorten_iri("https://w3id.org/iusgraph/other") == "<https://w3id.org/iusgraph/other>"
