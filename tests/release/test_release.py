"""``iusgraph release``: the bundle, its manifest, its dataset description and CHANGES.md."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from iusgraph import __version__, api
from iusgraph.curation.mappings import read_mapping_sets
from iusgraph.exporters import EXPORTERS
from iusgraph.graph.formats import file_media_type
from iusgraph.graph.namespaces import DCAT, IUS, ONTOLOGY_IRI, SPDX, VOID, expand
from iusgraph.graph.resources import data_dir, ontology_dir
from iusgraph.release.bundle import CHECKSUMS_FILE, checksums, release_date
from iusgraph.release.describe import IANA_MEDIA_TYPES, NO_ACCESS_DATE

from ..helpers import cli

VERSION, DATE = "1.0.0", "2026-12-01"
RELEASE = f"https://w3id.org/iusgraph/releases/{VERSION}/"
#: SOURCE_DATE_EPOCH for noon UTC of DATE.
EPOCH = str(int(datetime(2026, 12, 1, 12, tzinfo=timezone.utc).timestamp()))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same release built twice: by the command with --date, and by the API with the
    date from SOURCE_DATE_EPOCH."""
    root = tmp_path_factory.mktemp("release")
    first, second = root / "a", root / "b"
    result = cli("release", "--version", VERSION, "--date", DATE, "--out", first)
    assert result.exit_code == 0, result.output
    assert f"wrote {first / CHECKSUMS_FILE}" in result.output
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        api.release(VERSION, second)
    return first, second


@pytest.fixture(scope="module")
def bundle(bundles: tuple[Path, Path]) -> Path:
    return bundles[0]


@pytest.fixture(scope="module")
def description(bundle: Path) -> Graph:
    return Graph().parse(bundle / "void.ttl", format="turtle")


def test_two_builds_are_byte_identical(bundles: tuple[Path, Path]) -> None:
    first, second = (_files(folder) for folder in bundles)
    assert sorted(first) == sorted(second)
    for name, data in first.items():
        assert data == second[name], name
    expected = {name for e in EXPORTERS.values() for name in e.files}
    expected |= {"ontology/iusgraph.ttl", "ontology/schemes.ttl", "ontology/shapes.ttl"}
    assert set(first) == expected | {"void.ttl", CHECKSUMS_FILE}  # no CHANGES.md without --previous


def test_manifest_verifies_with_sha256sum(bundle: Path, tmp_path: Path) -> None:
    lines = (bundle / CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(names)
    assert set(names) == set(_files(bundle)) - {CHECKSUMS_FILE}
    ok = subprocess.run(
        ["sha256sum", "--strict", "-c", CHECKSUMS_FILE],
        cwd=bundle,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count(": OK") == len(names)

    tampered = tmp_path / "tampered"
    shutil.copytree(bundle, tampered)
    data = (tampered / "iusgraph.ttl").read_bytes()
    (tampered / "iusgraph.ttl").write_bytes(data.replace(b"Mirena", b"Mirenb", 1))
    bad = subprocess.run(
        ["sha256sum", "-c", CHECKSUMS_FILE],
        cwd=tampered,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "iusgraph.ttl: FAILED" in bad.stdout
    # A tampered bundle is not taken as the previous release either.
    result = cli(
        "release",
        "--version",
        "1.0.1",
        "--date",
        DATE,
        "--previous",
        tampered,
        "--out",
        tmp_path / "next",
    )
    assert result.exit_code == 2
    assert "iusgraph.ttl: its SHA-256 is not the one SHA256SUMS records" in result.output
    assert not (tmp_path / "next").exists()


def _oxigraph_counts(path: Path) -> tuple[int, dict[str, int], dict[str, int]]:
    """void:triples and the partitions' counts, as Oxigraph reads the description."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    prefix = "PREFIX void: <http://rdfs.org/ns/void#>\n"
    (triples,) = [
        int(row["n"].value)
        for row in store.query(prefix + f"SELECT ?n WHERE {{ <{RELEASE}dataset> void:triples ?n }}")
    ]
    classes = {
        row["c"].value: int(row["n"].value)
        for row in store.query(
            prefix + "SELECT ?c ?n WHERE { ?d void:classPartition [ void:class ?c ; "
            "void:entities ?n ] }"
        )
    }
    properties = {
        row["p"].value: int(row["n"].value)
        for row in store.query(
            prefix + "SELECT ?p ?n WHERE { ?d void:propertyPartition [ void:property ?p ; "
            "void:triples ?n ] }"
        )
    }
    return triples, classes, properties


def test_description_counts_equal_stats(bundle: Path, description: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in description for term in triple)
    store = ox.Store()
    store.load(path=str(bundle / "void.ttl"), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(description)

    triples, classes, properties = _oxigraph_counts(bundle / "void.ttl")
    shown = json.loads(cli("stats", "--format", "json").output)  # `iusgraph stats`
    of_bundle = api.stats(api.load_graph([bundle / "iusgraph.nt"]))
    for stats in (shown, json.loads(of_bundle.to_json())):
        assert triples == stats["triples"]
        expected_classes = {str(expand(k)): v for k, v in stats["entities_by_class"].items()}
        expected_classes[str(IUS.Claim)] = sum(stats["claims_by_source"].values())
        expected_classes["http://www.w3.org/ns/oa#SpecificResource"] = stats["evidence_spans"]
        expected_classes[str(IUS.Conflict)] = stats["conflicts"]
        assert classes == expected_classes
        assert properties == {str(expand(k)): v for k, v in stats["triples_by_predicate"].items()}
    assert sum(properties.values()) == triples
    # Readable partition IRIs: a CURIE, also for the SSSOM terms stats writes as <iri>.
    assert f"{RELEASE}dataset/property/sssom:confidence" in {
        str(p) for p in Graph().parse(bundle / "void.ttl").subjects(VOID.property, None)
    }


def test_every_distribution_exists_with_its_hash(bundle: Path, description: Graph) -> None:
    dataset = URIRef(RELEASE + "dataset")
    listed = {}
    for dist in description.objects(dataset, DCAT.distribution):
        url = str(description.value(dist, DCAT.downloadURL))
        assert url.startswith(RELEASE)
        name = url[len(RELEASE) :]
        checksum = description.value(dist, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = description.value(checksum, SPDX.checksumValue)
        data = (bundle / name).read_bytes()
        assert str(value) == hashlib.sha256(data).hexdigest(), name
        assert int(description.value(dist, DCAT.byteSize)) == len(data)  # type: ignore[arg-type]
        media = str(description.value(dist, DCAT.mediaType))
        assert media == IANA_MEDIA_TYPES + str(file_media_type(name))
        listed[name] = media
    # Every file but the description itself and the manifest, which hashes it.
    assert set(listed) == set(_files(bundle)) - {"void.ttl", CHECKSUMS_FILE}
    assert listed["iusgraph.ttl"] == IANA_MEDIA_TYPES + "text/turtle"
    assert listed["iusgraph.fhir.json"] == IANA_MEDIA_TYPES + "application/fhir+json"
    assert description.value(dataset, VOID.dataDump) == URIRef(RELEASE + "iusgraph.nt")


def test_every_export_file_has_a_media_type() -> None:
    for exporter in EXPORTERS.values():
        for name in exporter.files:
            assert file_media_type(name), name
    assert file_media_type("CHANGES.md") == "text/markdown"
    assert file_media_type("iusgraph.trig") == "application/trig"


def test_description_names_sources_vocabularies_generator_and_rights(
    description: Graph,
) -> None:
    dataset = URIRef(RELEASE + "dataset")
    registry = Graph().parse(data_dir() / "sources.ttl", format="turtle")
    sources = set(description.objects(dataset, DCTERMS.source))
    assert sources == set(registry.subjects(RDF.type, IUS.SourceDocument))
    assert len(sources) == 3
    for source in sources:
        digest = registry.value(source, IUS.sha256)
        checksum = description.value(source, SPDX.checksum)
        source_id = str(source).rsplit("/", 1)[-1]  # ius-monograph, ...
        assert checksum == URIRef(f"{RELEASE}source/{source_id}/sha256")
        assert description.value(checksum, SPDX.checksumValue) == Literal(
            str(digest), datatype=XSD.hexBinary
        )
        assert description.value(source, IUS.reliability) == registry.value(source, IUS.reliability)
        # No access date is recorded, and the description says so instead of making one up.
        assert str(description.value(source, RDFS.comment)) == NO_ACCESS_DATE
    rights = str(description.value(dataset, DCTERMS.rights))
    assert "state no licence" in rights
    assert description.value(dataset, DCTERMS.license) is None
    assert str(description.value(dataset, DCAT.version)) == VERSION
    assert description.value(dataset, DCTERMS.issued) == Literal(DATE, datatype=XSD.date)

    versions = {
        str(mset.iri): str(mset.metadata["object_source_version"])
        for mset in read_mapping_sets(data_dir() / "mappings")
    }
    found = {}
    for linkset in description.objects(dataset, VOID.subset):
        target = description.value(linkset, VOID.objectsTarget)
        found[str(description.value(linkset, PROV.wasDerivedFrom))] = str(
            description.value(target, OWL.versionInfo)
        )
    assert found == versions
    assert versions[str(URIRef("https://w3id.org/iusgraph/mappings/hpo.sssom.tsv"))] == (
        "hp/releases/2025-01-16"
    )

    generation = description.value(dataset, PROV.wasGeneratedBy)
    agent = description.value(generation, PROV.wasAssociatedWith)
    assert str(description.value(agent, OWL.versionInfo)) == __version__


def test_the_ontology_carries_the_release_version(bundle: Path) -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    for path in (bundle / "ontology" / "iusgraph.ttl", bundle / "iusgraph.ttl"):
        graph = Graph().parse(path, format="turtle")
        assert graph.value(ontology, OWL.versionIRI) == URIRef(RELEASE + "ontology"), path
        assert graph.value(ontology, OWL.versionInfo) == Literal(VERSION), path
    # Only the two values change: the curated file is otherwise as it is.
    released = (bundle / "ontology" / "iusgraph.ttl").read_text(encoding="utf-8").splitlines()
    curated = (ontology_dir() / "iusgraph.ttl").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(curated, released, strict=True) if a != b]
    assert [b.split()[0] for _, b in changed] == ["owl:versionIRI", "owl:versionInfo"]
    for name in ("schemes.ttl", "shapes.ttl"):
        assert (bundle / "ontology" / name).read_bytes() == (ontology_dir() / name).read_bytes()
    # The exports hold the ontology and schemes of the bundle, versioned alike.
    exported = Graph().parse(bundle / "iusgraph.nt", format="nt")
    for name in ("iusgraph.ttl", "schemes.ttl"):
        part = Graph().parse(bundle / "ontology" / name, format="turtle")
        assert all(triple in exported for triple in part), name


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--version", "1.0 beta", "--date", DATE], {}, "release version '1.0 beta'"),
        (["--version", "1.0.0", "--date", "2026-13-01"], {}, "release date '2026-13-01'"),
        (["--version", "1.0.0", "--date", "1 Dec 2026"], {}, "give a date as YYYY-MM-DD"),
        (
            ["--version", "1.0.0"],
            {"SOURCE_DATE_EPOCH": "yesterday"},
            "SOURCE_DATE_EPOCH 'yesterday'",
        ),
        (["--version", "1.0.0"], {"SOURCE_DATE_EPOCH": "-5"}, "SOURCE_DATE_EPOCH '-5'"),
        (
            ["--version", "1.0.0"],
            {"SOURCE_DATE_EPOCH": "253402300800"},
            "up to 253402300799 (9999-12-31)",
        ),
    ],
)
def test_bad_version_or_date_is_a_usage_error(
    args: list[str],
    env: dict[str, str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = cli("release", *args, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_release_date_defaults() -> None:
    assert release_date(None, {"SOURCE_DATE_EPOCH": EPOCH}) == DATE
    assert release_date(DATE, {"SOURCE_DATE_EPOCH": "0"}) == DATE
    assert release_date(None, {}) == datetime.now(timezone.utc).date().isoformat()


def test_a_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("release", "--version", VERSION, "--date", DATE, "--out", out)
    assert result.exit_code == 2
    assert "holds files this command did not write (notes.txt)" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_previous_gives_changes_and_a_bundle_is_replaced_whole(
    bundle: Path, tmp_path: Path
) -> None:
    out = tmp_path / "next"
    shutil.copytree(bundle, out)  # a previous bundle in --out is replaced
    result = cli(
        "release", "--version", "1.1.0", "--date", "2026-12-02", "--previous", bundle, "--out", out
    )
    assert result.exit_code == 0, result.output
    changes = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.startswith("# iusgraph 1.1.0 (2026-12-02): changes since 1.0.0\n")
    # The data is the same: only the ontology's version differs, and the diff says so.
    assert "owl:versionInfo" in changes and '"1.0.0" → "1.1.0"' in changes
    assert "CHANGES.md" in (out / CHECKSUMS_FILE).read_text(encoding="utf-8")
    description = Graph().parse(out / "void.ttl", format="turtle")
    dataset = URIRef("https://w3id.org/iusgraph/releases/1.1.0/dataset")
    assert description.value(dataset, DCAT.previousVersion) == URIRef(RELEASE + "dataset")
    ok = subprocess.run(
        ["sha256sum", "-c", CHECKSUMS_FILE], cwd=out, capture_output=True, check=False
    )
    assert ok.returncode == 0


def test_previous_must_be_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "prev").mkdir()
    result = cli(
        "release",
        "--version",
        VERSION,
        "--date",
        DATE,
        "--previous",
        tmp_path / "prev",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 2
    assert "no SHA256SUMS: --previous takes a folder written by iusgraph release" in result.output
    (tmp_path / "prev" / CHECKSUMS_FILE).write_text("not a checksum line\n", encoding="utf-8")
    result = cli(
        "release",
        "--version",
        VERSION,
        "--date",
        DATE,
        "--previous",
        tmp_path / "prev",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 2
    assert f"{CHECKSUMS_FILE}:1: not a line of a release manifest" in result.output
    (tmp_path / "prev" / CHECKSUMS_FILE).write_text(
        "0" * 64 + "  ../outside.ttl\n", encoding="utf-8"
    )
    result = cli(
        "release",
        "--version",
        VERSION,
        "--date",
        DATE,
        "--previous",
        tmp_path / "prev",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 2
    assert f"{CHECKSUMS_FILE}:1: not a line of a release manifest" in result.output


def test_stats_count_triples_by_predicate(graph: Graph) -> None:
    stats = api.stats(graph)
    assert sum(stats.triples_by_predicate.values()) == stats.triples == len(graph)
    assert stats.triples_by_predicate["rdf:type"] == len(
        list(graph.triples((None, RDF.type, None)))
    )


def test_exports_that_name_the_release_are_given_it(bundle: Path) -> None:
    """The nanopublications' publication info names the release and its date (the same
    with --date and with SOURCE_DATE_EPOCH, which the byte-identical test checks)."""
    store = ox.Store()
    store.load(path=str(bundle / "iusgraph.nanopub.trig"), format=ox.RdfFormat.TRIG)
    rows = list(
        store.query(
            "SELECT DISTINCT ?release ?date WHERE { GRAPH ?g { ?np "
            "<http://purl.org/dc/terms/isPartOf> ?release ; "
            "<http://purl.org/dc/terms/created> ?date } }"
        )
    )
    assert [(row["release"].value, row["date"].value) for row in rows] == [(RELEASE, DATE)]


def test_a_previous_bundle_with_a_bad_version_names_its_description(
    bundle: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "prev"
    shutil.copytree(bundle, previous)
    void = previous / "void.ttl"
    void.write_text(
        void.read_text(encoding="utf-8").replace('dcat:version "1.0.0"', 'dcat:version "1 0"'),
        encoding="utf-8",
    )
    files = {k: v for k, v in _files(previous).items() if k != CHECKSUMS_FILE}
    (previous / CHECKSUMS_FILE).write_text(checksums(files), encoding="utf-8")
    result = cli(
        "release", "--version", "1.0.1", "--date", DATE, "--previous", previous,
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{void}: release version '1 0'" in result.output


def test_the_ontology_header_must_state_each_version_value_once() -> None:
    from iusgraph.errors import InputError
    from iusgraph.graph.release_info import ReleaseInfo
    from iusgraph.release.bundle import versioned_ontology

    info = ReleaseInfo(VERSION, DATE)
    text = (ontology_dir() / "iusgraph.ttl").read_text(encoding="utf-8")
    without = text.replace('    owl:versionInfo "0.1.0" ;\n', "")
    assert without != text
    with pytest.raises(
        InputError, match=r"ontology\.ttl: .*owl:versionInfo \"\.\.\.\" once \(found 0\)"
    ):
        versioned_ontology(without, info, "ontology.ttl")
    twice = text.replace("owl:Ontology ;", "owl:Ontology ; owl:versionIRI <urn:x> ;", 1)
    with pytest.raises(InputError, match=r"owl:versionIRI <\.\.\.> once \(found 2\)"):
        versioned_ontology(twice, info, "ontology.ttl")


def test_a_file_with_no_known_media_type_is_refused(graph: Graph) -> None:
    from iusgraph.errors import IusgraphError
    from iusgraph.graph.release_info import ReleaseInfo
    from iusgraph.release.describe import BundleFile, describe

    with pytest.raises(IusgraphError, match=r"notes\.docx: no media type .* FILE_TYPES"):
        describe(
            graph, api.stats(graph), ReleaseInfo(VERSION, DATE), [BundleFile("notes.docx", b"", "")]
        )
