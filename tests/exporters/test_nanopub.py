"""`iusgraph export --format nanopub`: one nanopublication per claim in one TriG file, whose
trusty URIs verify with nanopub-sign's checker (the Rust nanopub toolkit, not our code), which
meets the rules the Nanopublication Test Suite's cases encode, that Oxigraph and rdflib read
with four graphs per nanopublication, and that is byte-identical across runs.

The Nanopublication Test Suite comes through its connector (``nanopub-testsuite-connector``),
which downloads a commit's archive from GitHub and indexes its cases; it ships no validator.
The archive of :data:`SUITE_COMMIT` is read from ``$NANOPUB_TESTSUITE_ARCHIVE``, else from
``tests/fixtures/nanopub-testsuite/`` (shipped, MIT, so the tests run offline), else from
``${XDG_CACHE_HOME:-~/.cache}/nanopub-testsuite/<commit>.tar.gz``, downloaded there on first
use (the session's ``IUSGRAPH_CACHE`` is fresh each run, so it is not kept there). What the
suite gives: its valid and invalid cases, against which the tests check (1) that our
:func:`iusgraph.nanopub.artifact_code` gives the code of every trusty and signed case (made by
the Java reference implementation) and not the code of the cases whose hash is wrong, and (2)
that :func:`problems`, the structural rules below, accepts every valid case and finds a fault
in every invalid one; then (3) our nanopublications pass both.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from unittest import mock

import nanopub_sign
import pyoxigraph as ox
import pytest
from nanopub_testsuite_connector import NanopubTestSuite, TestSuiteEntry, TestSuiteSubfolder
from nanopub_testsuite_connector import connector as suite_connector
from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef

from iusgraph import api, nanopub
from iusgraph.errors import IusgraphError
from iusgraph.exporters import APPS, EXPORTERS
from iusgraph.graph.namespaces import IUS, IUSV
from iusgraph.graph.release_info import ReleaseInfo

from ..helpers import ROOT, cli

#: The suite's commit the tests read (its main branch on 2026-08-20).
SUITE_COMMIT = "ff038a7ee49ab81360002a62a2fb6b6c25f5370a"
NP = "http://www.nanopub.org/nschema#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CODE = re.compile(r"RA[A-Za-z0-9_-]{43}")
#: The suite's archive as this repository ships it.
SHIPPED = Path(__file__).resolve().parents[1] / "fixtures" / "nanopub-testsuite"

# --- the test suite -----------------------------------------------------------------------


def suite_archive() -> Path:
    """The suite's archive, downloaded (by the connector's own fetch) on first use."""
    if os.environ.get("NANOPUB_TESTSUITE_ARCHIVE"):
        return Path(os.environ["NANOPUB_TESTSUITE_ARCHIVE"])
    shipped = SHIPPED / f"{SUITE_COMMIT}.tar.gz"
    if shipped.is_file():
        return shipped
    xdg = os.environ.get("XDG_CACHE_HOME")
    folder = (Path(xdg) if xdg else Path.home() / ".cache") / "nanopub-testsuite"
    path = folder / f"{SUITE_COMMIT}.tar.gz"
    if not path.is_file():
        url = suite_connector._GITHUB_ARCHIVE_URL.format(ref=SUITE_COMMIT)
        try:
            data = suite_connector._download(url)
        except OSError as exc:
            pytest.fail(
                f"cannot download the Nanopublication Test Suite ({url}): {exc}; "
                f"run `curl -L -o {path} {url}` (or set NANOPUB_TESTSUITE_ARCHIVE)"
            )
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


@functools.cache
def load_suite() -> NanopubTestSuite:
    """The suite at :data:`SUITE_COMMIT`, indexed by the connector from the cached archive
    (the connector fetches the archive itself, and prints every path it indexes: it is
    given the cached bytes, and its output is dropped). Its folder is removed at exit."""
    data = suite_archive().read_bytes()
    with (
        mock.patch.object(suite_connector, "_download", return_value=data),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        loaded = NanopubTestSuite.get_at_commit(SUITE_COMMIT)
    atexit.register(shutil.rmtree, loaded.root.parent, ignore_errors=True)
    return loaded


def _entries(
    valid: bool, *folders: TestSuiteSubfolder, gaps: dict[str, str] | None = None
) -> list[Any]:
    """Parameters for the suite's entries in ``folders``; those named in ``gaps`` are strict
    xfails, with the reason given."""
    found = load_suite().get_valid() if valid else load_suite().get_invalid()
    return [
        pytest.param(
            e,
            id=f"{e.subfolder.value}/{e.name}",
            marks=[pytest.mark.xfail(strict=True, reason=(gaps or {})[e.name])]
            if e.name in (gaps or {})
            else [],
        )
        for e in found
        if e.subfolder in folders
    ]


def text_of(entry: TestSuiteEntry) -> str:
    """The entry's text as it is: ``read_text`` would turn its CR LF line ends (inside
    literals too) into LF, and change what is hashed."""
    return entry.read_bytes().decode("utf-8")


Quad = tuple[Any, Any, Any, Any]


def read_quads(text: str) -> list[Quad]:
    """The quads of a TriG text as rdflib reads them (graph identifiers, None for default)."""
    dataset = Dataset()
    dataset.parse(data=text, format="trig")
    quads = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        quads.append((s, p, o, None if name == dataset.default_graph.identifier else name))
    return quads


def problems(quads: list[Quad]) -> list[str]:
    """What breaks the nanopublication rules the suite's invalid cases test: one
    ``np:Nanopublication`` whose head names one assertion, provenance and pubinfo graph; four
    distinct graphs, each IRI under the nanopublication's, and no other graph or default-graph
    triple; none of the three empty; the provenance says something of the assertion, the
    pubinfo of the nanopublication; no ill-typed literal in the assertion."""
    heads = [
        (s, g) for s, p, o, g in quads if p == RDF.type and o == URIRef(NP + "Nanopublication")
    ]
    if len(heads) != 1:
        return [f"{len(heads)} np:Nanopublication, not one"]
    this, head = heads[0]
    found: list[str] = []
    parts = {}
    for name in ("hasAssertion", "hasProvenance", "hasPublicationInfo"):
        objects = {o for s, p, o, g in quads if g == head and s == this and p == URIRef(NP + name)}
        if len(objects) != 1:
            found.append(f"np:{name}: {len(objects)} graphs")
        else:
            parts[name] = objects.pop()
    if found:
        return found
    named = [head, *parts.values()]
    if len(set(named)) != 4:
        found.append("the four graphs are not distinct")
    found += [f"graph {g} is not under {this}" for g in named if not str(g).startswith(str(this))]
    found += [f"extra graph {g}" for g in {q[3] for q in quads} - set(named)]
    by_graph = defaultdict(list)
    for s, p, o, g in quads:
        by_graph[g].append((s, p, o))
    found += [f"{name}: empty" for name, g in parts.items() if not by_graph[g]]
    if not any(s == parts["hasAssertion"] for s, _, _ in by_graph[parts["hasProvenance"]]):
        found.append("the provenance says nothing of the assertion")
    if not any(s == this for s, _, _ in by_graph[parts["hasPublicationInfo"]]):
        found.append("the pubinfo says nothing of the nanopublication")
    found += [
        f"ill-typed literal {o.n3()}"
        for _, _, o in by_graph[parts["hasAssertion"]]
        if isinstance(o, Literal) and o.ill_typed
    ]
    return found


def code_of(text: str) -> tuple[str, str]:
    """(the artifact code of the nanopublication's IRI, the one our function computes), the
    TriG read by Oxigraph (rdflib rewrites some literals to their canonical form)."""
    quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))
    (this,) = {q.subject.value for q in quads if q.object == ox.NamedNode(NP + "Nanopublication")}
    claimed = CODE.findall(this)[-1]

    def term(node: Any) -> Any:
        if isinstance(node, ox.DefaultGraph):
            return None
        if isinstance(node, ox.Literal):
            if node.language:
                return nanopub.Lit(node.value, "", node.language)
            return nanopub.Lit(node.value, node.datatype.value)
        assert isinstance(node, ox.NamedNode), f"a trusty nanopublication has no {node}"
        return node.value.replace(claimed, " ")

    ours = nanopub.artifact_code(
        (term(q.graph_name), term(q.subject), term(q.predicate), term(q.object)) for q in quads
    )
    return claimed, ours


#: Invalid trusty or signed cases whose hash is right: what is wrong is what the structural
#: rules catch, or the signature (checked by nanopub-sign, not here).
SIGNATURE_ONLY = {"simple1-invalid-dsa.trig", "simple1-invalid-rsa.trig"}


@pytest.mark.parametrize(
    "entry", _entries(True, TestSuiteSubfolder.TRUSTY, TestSuiteSubfolder.SIGNED)
)
def test_our_artifact_code_is_the_suite_s(entry: TestSuiteEntry) -> None:
    claimed, ours = code_of(text_of(entry))
    assert ours == claimed


@pytest.mark.parametrize(
    "entry", _entries(False, TestSuiteSubfolder.TRUSTY, TestSuiteSubfolder.SIGNED)
)
def test_invalid_trusty_cases_are_refused(entry: TestSuiteEntry) -> None:
    claimed, ours = code_of(text_of(entry))
    if entry.name in SIGNATURE_ONLY:
        assert ours == claimed
        with pytest.raises(Exception, match=r"(?i)signature|RSA"):
            nanopub_sign.Nanopub(text_of(entry)).check()
    else:
        assert ours != claimed or problems(read_quads(text_of(entry)))


@pytest.mark.parametrize(
    "entry",
    _entries(True, TestSuiteSubfolder.PLAIN, TestSuiteSubfolder.TRUSTY, TestSuiteSubfolder.SIGNED),
)
def test_the_rules_accept_every_valid_case(entry: TestSuiteEntry) -> None:
    assert problems(read_quads(text_of(entry))) == []


@pytest.mark.parametrize("entry", _entries(False, TestSuiteSubfolder.PLAIN))
def test_the_rules_refuse_every_invalid_case(entry: TestSuiteEntry) -> None:
    assert problems(read_quads(text_of(entry))) != []


# --- our nanopublications -----------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nanopub")
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": ""}):
        result = cli("export", "--format", "nanopub", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"iusgraph.nanopub.trig"}
    return out / "iusgraph.nanopub.trig"


def split(text: str) -> dict[str, list[ox.Quad]]:
    """The file's quads (read by Oxigraph) by nanopublication IRI."""
    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode), quad
        match = re.fullmatch(
            re.escape(nanopub.NP_BASE) + r"(RA[A-Za-z0-9_-]{43})/\w+", quad.graph_name.value
        )
        assert match, quad.graph_name
        groups[nanopub.NP_BASE + match.group(1)].append(quad)
    return groups


def trig(quads: Iterable[ox.Quad]) -> str:
    return ox.serialize(quads, format=ox.RdfFormat.TRIG).decode("utf-8")  # type: ignore[union-attr]


def check(text: str) -> dict[str, Any]:
    """nanopub-sign's check of one nanopublication (it prints its verdict); its info."""
    checked = nanopub_sign.Nanopub(text).check()
    info: dict[str, Any] = checked.info()
    return info


@pytest.fixture(scope="module")
def groups(exported: Path) -> dict[str, list[ox.Quad]]:
    return split(exported.read_text(encoding="utf-8"))


def _claims(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, IUS.Claim), key=str)  # type: ignore[arg-type]


def test_every_claim_gives_one_nanopublication(
    graph: Graph, groups: dict[str, list[ox.Quad]]
) -> None:
    claims = _claims(graph)
    assert len(groups) == len(claims) == 208
    asserted = []
    for quads in groups.values():
        typed = {
            q.subject.value
            for q in quads
            if q.graph_name.value.endswith("/assertion")
            and q.object == ox.NamedNode(str(IUS.Claim))
        }
        assert len(typed) == 1
        asserted += typed
    assert sorted(asserted) == [str(c) for c in claims]


def own_texts(text: str) -> list[str]:
    """Each nanopublication's own lines of the file (from its ``@prefix this:`` line to the
    next one's), after the file's shared prefix lines."""
    header, *chunks = text.split("\n@prefix this: ")
    return [f"{header}\n@prefix this: {chunk}" for chunk in chunks]


def test_every_trusty_uri_verifies_with_nanopub_sign(
    exported: Path, groups: dict[str, list[ox.Quad]], capfd: pytest.CaptureFixture[str]
) -> None:
    texts = own_texts(exported.read_text(encoding="utf-8"))
    assert len(texts) == len(groups)
    for text in texts:
        (iri,) = split(text)
        info = check(text)
        assert info["uri"]["value"] == iri
        assert iri.endswith(info["trusty_hash"]) and info["trusty_hash"].startswith("RA")
        assert info["signature"] == ""
    verdicts = capfd.readouterr().out
    assert verdicts.count("is valid: 1 trusty without signature") == len(groups)


def test_changing_one_byte_of_an_assertion_breaks_verification(
    groups: dict[str, list[ox.Quad]],
) -> None:
    iri, quads = sorted(groups.items())[0]
    text = trig(quads)
    check(text)
    label = next(
        q.object.value
        for q in quads
        if q.graph_name.value == iri + "/assertion" and q.predicate.value.endswith("#label")
    )
    changed = label[:-1] + chr(ord(label[-1]) ^ 1)
    assert len(changed.encode()) == len(label.encode())
    tampered = text.replace(f'"{label}"', f'"{changed}"')
    assert tampered != text
    with pytest.raises(Exception, match="hash of the nanopublication is different"):
        check(tampered)
    # An IRI of the assertion, one byte changed, too.
    obj = next(
        q.object.value
        for q in quads
        if q.graph_name.value == iri + "/assertion" and q.predicate.value == str(IUS.claimObject)
    )
    local = obj.rsplit("/", 1)[-1]
    tampered = text.replace(local, local[:-1] + chr(ord(local[-1]) ^ 1), 1)
    with pytest.raises(Exception, match="hash of the nanopublication is different"):
        check(tampered)


def test_our_nanopublications_meet_the_suite_s_rules(
    exported: Path, groups: dict[str, list[ox.Quad]]
) -> None:
    for iri, quads in groups.items():
        text = trig(quads)
        assert problems(read_quads(text)) == [], iri
        claimed, ours = code_of(text)
        assert iri.endswith(claimed) and ours == claimed


def test_oxigraph_and_rdflib_read_four_graphs_per_nanopublication(
    exported: Path, graph: Graph
) -> None:
    text = exported.read_text(encoding="utf-8")
    expected = nanopub.nanopublications(graph)
    total = sum(len(set(np_)) for np_ in expected)
    names = [
        f"{nanopub.NP_BASE}{CODE.search(np_[0][0] or '').group(0)}{s}"
        for np_ in expected
        for s in ("/Head", "/assertion", "/provenance", "/pubinfo")
    ]  # type: ignore[union-attr]

    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
    assert len(store) == total
    assert sorted(g.value for g in store.named_graphs()) == sorted(names)
    assert len(names) == 4 * 208

    dataset = Dataset()
    dataset.parse(data=text, format="trig")
    graphs = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert sorted(graphs) == sorted(names)
    assert sum(graphs.values()) == total
    for name, count in graphs.items():
        if name.endswith("/Head"):
            assert count == 4
    assert not any(isinstance(t, BNode) for q in dataset.quads() for t in q[:3])


def test_the_assertion_holds_the_direct_triple_only_when_the_claim_makes_one(graph: Graph) -> None:
    nanopubs = {
        next(s for g, s, p, o in np_ if p == str(RDF.type) and o == str(IUS.Claim)): np_
        for np_ in nanopub.nanopublications(graph)
    }

    def assertion(claim: str) -> set[tuple[Any, ...]]:
        return {q[1:] for q in nanopubs[claim] if (q[0] or "").endswith("/assertion")}

    normal = "https://w3id.org/iusgraph/claim/mirena-back-pain.se-uterine-perforation"
    found = assertion(normal)
    direct = (
        "https://w3id.org/iusgraph/entity/mirena",
        str(IUS.hasSideEffect),
        "https://w3id.org/iusgraph/entity/uterine-perforation",
    )
    assert direct in found
    assert {s for s, _, _ in found} == {normal, direct[0]}
    assert not any(p in nanopub.PROVENANCE_PREDICATES for _, p, _ in found)
    claim_triples = {(p, o) for p, o in graph.predicate_objects(URIRef(normal))}
    assert len(found) == 1 + len(
        [p for p, _ in claim_triples if str(p) not in nanopub.PROVENANCE_PREDICATES]
    )

    caveats = [str(c) for c in graph.subjects(IUS.claimPredicate, IUS.hasEvidenceStatus)]
    texts = [str(c) for c, _ in graph.subject_objects(IUS.claimValue)]
    assert caveats and texts
    for claim in caveats + texts:
        assert {s for s, _, _ in assertion(claim)} == {claim}, claim

    # The curated data has no deprecated claim: one made so keeps its direct triple out,
    # even while the graph still holds the triple.
    changed = Graph()
    for triple in graph:
        changed.add(triple)
    changed.set((URIRef(normal), IUS.rank, IUSV["rank-deprecated"]))
    assert direct_in_graph(changed, direct)
    (quads,) = [
        np_
        for np_ in nanopub.nanopublications(changed)
        if any(q[1] == normal and q[3] == str(IUS.Claim) for q in np_)
    ]
    assert {q[1] for q in quads if (q[0] or "").endswith("/assertion")} == {normal}


def direct_in_graph(graph: Graph, triple: tuple[str, str, str]) -> bool:
    return (URIRef(triple[0]), URIRef(triple[1]), URIRef(triple[2])) in graph


def test_the_provenance_holds_the_evidence(graph: Graph) -> None:
    claim = "https://w3id.org/iusgraph/claim/mirena-back-pain.se-uterine-perforation"
    (quads,) = [
        np_
        for np_ in nanopub.nanopublications(graph)
        if any(q[1] == claim and q[3] == str(IUS.Claim) for q in np_)
    ]
    this = quads[0][1]
    prov = {q[1:] for q in quads if (q[0] or "").endswith("/provenance")}
    ev1 = "https://w3id.org/iusgraph/evidence/mirena-back-pain.se-uterine-perforation.1"
    assert (this + "/assertion", "http://www.w3.org/ns/prov#wasDerivedFrom", ev1) in prov
    assert (
        this + "/assertion",
        "http://www.w3.org/ns/prov#hadPrimarySource",
        "https://w3id.org/iusgraph/source/mirena-back-pain",
    ) in prov
    assert (
        ev1 + ".quote",
        "http://www.w3.org/ns/oa#exact",
        nanopub.Lit("In some cases, Mirena can cause the uterus to perforate"),
    ) in prov
    assert (
        ev1 + ".position",
        "http://www.w3.org/ns/oa#start",
        nanopub.Lit("5756", XSD + "nonNegativeInteger"),
    ) in prov
    assert (
        ev1 + ".position",
        "http://www.w3.org/ns/oa#end",
        nanopub.Lit("5811", XSD + "nonNegativeInteger"),
    ) in prov
    assert (
        "https://w3id.org/iusgraph/source/mirena-back-pain",
        str(IUS.sha256),
        nanopub.Lit("ae9e055be46e4c2929467011117a5fbf2a068cf794bc0784b5b7b53a735fefcd"),
    ) in prov
    assert (
        len(
            [
                q
                for q in prov
                if q[1] == "http://www.w3.org/ns/prov#wasDerivedFrom"
                and q[0] == this + "/assertion"
            ]
        )
        == 4
    )


def _pubinfo(graph: Graph, release: ReleaseInfo | None = None) -> set[tuple[Any, ...]]:
    first = nanopub.nanopublications(graph, release)[0]
    return {q[2:] for q in first if (q[0] or "").endswith("/pubinfo") and q[1] == first[0][1]}


def test_the_date_is_the_release_s_else_source_date_epoch_else_none(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    created = DCTERMS + "created"
    info = _pubinfo(graph)
    assert (nanopub.PAV + "createdWith", nanopub.GENERATOR) in info
    assert not any(p == created for p, _ in info)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    assert (created, nanopub.Lit("2025-12-01T00:00:00Z", XSD + "dateTime")) in _pubinfo(graph)

    release = ReleaseInfo("1.0.0", "2026-12-01")
    info = _pubinfo(graph, release)
    assert (created, nanopub.Lit("2026-12-01", XSD + "date")) in info
    assert (DCTERMS + "isPartOf", "https://w3id.org/iusgraph/releases/1.0.0/") in info
    assert not any(p == created and o.datatype.endswith("dateTime") for p, o in info)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "next week")
    with pytest.raises(
        IusgraphError, match="SOURCE_DATE_EPOCH 'next week': give the seconds since 1970-01-01 UTC"
    ):
        nanopub.nanopublications(graph)


def test_a_release_s_nanopublications_verify(
    graph: Graph, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    release = ReleaseInfo("1.0.0", "2026-12-01")
    turtle, path = api.export(graph, ["turtle", "nanopub"], tmp_path, release=release)
    assert turtle.name == "iusgraph.ttl"  # a renderer that takes no release is called as before
    groups = split(path.read_text(encoding="utf-8"))
    assert len(groups) == 208
    for quads in list(groups.values())[:20]:
        check(trig(quads))
    plain = nanopub.to_nanopubs(graph)
    assert set(groups).isdisjoint(split(plain)), "the release is part of what the code hashes"


def test_byte_identical_across_runs(exported: Path, graph: Graph, tmp_path: Path) -> None:
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": ""}):
        (again,) = api.export(graph, ["nanopub"], tmp_path / "a")
        assert again.read_bytes() == exported.read_bytes()
        assert nanopub.to_nanopubs(graph) == exported.read_text(encoding="utf-8")
    # A fresh interpreter with another hash seed.
    env = dict(os.environ, PYTHONHASHSEED="12345", SOURCE_DATE_EPOCH="")
    out = tmp_path / "b"
    subprocess.run(
        [sys.executable, "-m", "iusgraph", "export", "--format", "nanopub", "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    assert (out / "iusgraph.nanopub.trig").read_bytes() == exported.read_bytes()


def test_the_cli_refuses_a_bad_source_date_epoch(tmp_path: Path) -> None:
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "-5"}):
        result = cli("export", "--format", "nanopub", "--out", tmp_path)
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH '-5'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_blank_node_or_a_claim_without_provenance_is_refused() -> None:
    claim = URIRef("https://w3id.org/iusgraph/claim/x.y")
    graph = Graph()
    graph.add((claim, RDF.type, IUS.Claim))
    with pytest.raises(IusgraphError, match="has no evidence and no source"):
        nanopub.nanopublications(graph)
    graph.add(
        (
            claim,
            URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
            URIRef("https://w3id.org/iusgraph/source/x"),
        )
    )
    graph.add((claim, IUS.certainty, BNode("b1")))
    with pytest.raises(
        IusgraphError, match=r"claim <https://w3id.org/iusgraph/claim/x.y>: .* blank node _:b1"
    ):
        nanopub.nanopublications(graph)


def test_one_registry_entry_not_a_default() -> None:
    exporter = EXPORTERS["nanopub"]
    assert exporter.files == ("iusgraph.nanopub.trig",)
    assert exporter.release and not EXPORTERS["turtle"].release
    assert "nanopub" not in APPS


#: Where nanopub-sign 0.2.0's checker and the suite disagree.
CHECKER_GAPS = {
    "simple1-signed-dsa.1024.trig": "nanopub-sign checks RSA signatures only, not DSA",
    "trusty2.trig": "nanopub-sign does not check that the graphs' IRIs are under the "
    "nanopublication's (our rules do: test_invalid_trusty_cases_are_refused)",
}


@pytest.mark.parametrize(
    "entry",
    _entries(True, TestSuiteSubfolder.TRUSTY, TestSuiteSubfolder.SIGNED, gaps=CHECKER_GAPS)
    + _entries(False, TestSuiteSubfolder.TRUSTY, TestSuiteSubfolder.SIGNED, gaps=CHECKER_GAPS),
)
def test_the_checker_agrees_with_the_suite(entry: TestSuiteEntry) -> None:
    """nanopub-sign, the checker our codes are verified with, passes the suite's valid
    trusty and signed cases and refuses its invalid ones (where it does not, a strict xfail)."""
    if entry.valid:
        check(text_of(entry))
    else:
        with pytest.raises(Exception, match="Error checking"):
            check(text_of(entry))


def test_the_readme_example_runs(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Nanopublications (TriG)") :]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "iusgraph.nanopub.trig").write_bytes(exported.read_bytes())
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == shown
    assert shown.startswith("True 4 ")


def test_nanopublications_and_releases_read_source_date_epoch_alike(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reader (graph.release_info.source_date_epoch): the last second it allows is the
    same for both, where the nanopublications once refused every 12-digit value."""
    from iusgraph.release.bundle import release_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert release_date(None) == "9999-12-31"
    assert nanopub.publication_date(None) == nanopub.Lit("9999-12-31T23:59:59Z", XSD + "dateTime")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300800")
    for read in (lambda: release_date(None), lambda: nanopub.publication_date(None)):
        with pytest.raises(IusgraphError, match=r"up to 253402300799 \(9999-12-31\)"):
            read()
