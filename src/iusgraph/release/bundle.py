"""Release bundles: one folder holding a version of the graph, written as a set.

``iusgraph release --version V --out DIR`` writes into ``DIR``:

- every export of :data:`iusgraph.exporters.EXPORTERS` (the registry is iterated, so a new
  format joins the bundle with no change here), each given the release (the
  nanopublications' publication info names it and its date);
- ``ontology/iusgraph.ttl`` with ``owl:versionIRI <https://w3id.org/iusgraph/releases/V/ontology>``
  and ``owl:versionInfo "V"`` (the two values rewritten in the text, nothing else), and
  ``ontology/schemes.ttl`` and ``ontology/shapes.ttl`` as they are; the exports carry
  the same two values;
- ``CHANGES.md``, the Markdown of :func:`iusgraph.release.diff.diff_graphs` against the
  previous bundle, when one is given;
- ``void.ttl``, the dataset description (:mod:`iusgraph.release.describe`);
- ``SHA256SUMS``, in the format of ``sha256sum -c``, covering every other file.

The date is an input (``--date``, else ``SOURCE_DATE_EPOCH``, else today in UTC), so the
same data, version and date give byte-identical bundles. The folder is staged and renamed
as a whole (:func:`iusgraph.graph.files.replaced_folder`): ``DIR`` may be missing, empty,
or a bundle written before (it is then replaced, never mixed); a folder holding any other
file is refused.

>>> release_date(None, {"SOURCE_DATE_EPOCH": "1764547200"})
'2025-12-01'
>>> release_date("2026-12-01", {"SOURCE_DATE_EPOCH": "1764547200"})
'2026-12-01'
>>> print(checksums({"b.txt": b"b", "a.txt": b"a"}), end="")
ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.txt
3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.txt
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.files import read_utf8, replaced_folder, write_files
from iusgraph.graph.release_info import ReleaseInfo, source_date_epoch

if TYPE_CHECKING:
    from rdflib import Graph

#: The manifest, in ``sha256sum`` format.
CHECKSUMS_FILE = "SHA256SUMS"
#: What changed since the previous release, when one is given.
CHANGES_FILE = "CHANGES.md"
#: The ontology files, in ``ontology/`` as in the repository.
ONTOLOGY_FOLDER = "ontology"
ONTOLOGY_FILES = ("iusgraph.ttl", "schemes.ttl", "shapes.ttl")
#: The file whose ``owl:Ontology`` header gets the release's version.
VERSIONED_ONTOLOGY = "iusgraph.ttl"
#: Bounds on a previous bundle's manifest.
MAX_CHECKSUMS_BYTES = 1 << 20

_SUM_LINE = re.compile(r"([0-9a-f]{64})  ([^\n]+)")
_VERSION_IRI = re.compile(r"(owl:versionIRI\s+)<[^>\s]*>")
_VERSION_INFO = re.compile(r'(owl:versionInfo\s+)"[^"\n]*"')


def release_date(given: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The release date: ``given`` (YYYY-MM-DD, checked by :class:`ReleaseInfo`), else the
    UTC date of ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) if it is set,
    else today's UTC date."""
    if given is not None:
        return given
    moment = source_date_epoch(environ, instead="pass --date YYYY-MM-DD")
    if moment is None:
        return datetime.now(timezone.utc).date().isoformat()
    return moment.date().isoformat()


def checksums(files: Mapping[str, bytes]) -> str:
    """The ``SHA256SUMS`` text of ``files`` (path in the bundle → bytes): one line per file,
    ``<sha256>  <path>``, sorted by path, as ``sha256sum -c`` reads it."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))


def versioned_ontology(text: str, info: ReleaseInfo, path: str) -> str:
    """``text`` (the Turtle of ``ontology/iusgraph.ttl``) with its ``owl:versionIRI`` and
    ``owl:versionInfo`` values set for ``info``; the rest of the text as it was. Each must
    occur once (an InputError naming ``path`` otherwise)."""
    for pattern, value, name in (
        (_VERSION_IRI, f"<{info.iri('ontology')}>", "owl:versionIRI <...>"),
        (_VERSION_INFO, f'"{info.version}"', 'owl:versionInfo "..."'),
    ):
        text, count = pattern.subn(_keep_key(value), text)
        if count != 1:
            raise InputError(
                f"the ontology header must state {name} once (found {count}); "
                "the release rewrites that value for its version",
                path=path,
            )
    return text


def _keep_key(value: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps a match's key (group 1) and puts ``value`` after it."""

    def replace(match: re.Match[str]) -> str:
        return match.group(1) + value

    return replace


def version_graph(graph: Graph, info: ReleaseInfo) -> None:
    """Give the ontology header in ``graph`` the release's ``owl:versionIRI`` and
    ``owl:versionInfo`` (as :func:`versioned_ontology` does to the file)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL

    from iusgraph.graph.namespaces import ONTOLOGY_IRI

    ontology = URIRef(ONTOLOGY_IRI)
    graph.set((ontology, OWL.versionIRI, URIRef(info.iri("ontology"))))
    graph.set((ontology, OWL.versionInfo, Literal(info.version)))


@dataclass(frozen=True)
class Previous:
    """A previous bundle, its manifest verified: its release and its graph."""

    info: ReleaseInfo
    graph: Graph


def verify_bundle(folder: Path) -> dict[str, str]:
    """The manifest of the bundle in ``folder`` (path → SHA-256), each file checked against
    it: an InputError naming the file (and the manifest's line) for a missing manifest,
    a malformed line, a path outside the bundle, a missing file or a wrong hash."""
    manifest = folder / CHECKSUMS_FILE
    if not folder.is_dir():
        raise InputError(
            "not a folder: give --previous the folder of a release bundle", path=str(folder)
        )
    try:
        size = manifest.stat().st_size
    except OSError:
        raise InputError(
            f"no {CHECKSUMS_FILE}: --previous takes a folder written by iusgraph release",
            path=str(folder),
        ) from None
    if size > MAX_CHECKSUMS_BYTES:
        raise InputError(
            f"{size:,} bytes; a release manifest is at most {MAX_CHECKSUMS_BYTES:,}",
            path=str(manifest),
        )
    sums: dict[str, str] = {}
    for number, line in enumerate(read_utf8(manifest).splitlines(), start=1):
        match = _SUM_LINE.fullmatch(line)
        name = match.group(2) if match else ""
        parts = Path(name).parts
        if not match or Path(name).is_absolute() or ".." in parts or "\\" in name:
            raise InputError(
                "not a line of a release manifest ('<sha256>  <path in the bundle>')",
                path=str(manifest),
                line=number,
            )
        sums[name] = match.group(1)
    for name, digest in sums.items():
        if _file_sha256(folder / name, manifest) != digest:
            raise InputError(
                f"its SHA-256 is not the one {CHECKSUMS_FILE} records: the bundle was "
                "changed after it was written; give an unchanged bundle",
                path=str(folder / name),
            )
    return sums


def _file_sha256(path: Path, manifest: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(
            f"listed in {manifest.name} but cannot be read: {exc.strerror or exc}",
            path=str(path),
        ) from None
    return digest.hexdigest()


def read_previous(folder: Path) -> Previous:
    """The release in the bundle ``folder``, its manifest verified first."""
    from rdflib.namespace import DCTERMS

    from iusgraph.exporters import EXPORTERS
    from iusgraph.graph.load import load_files
    from iusgraph.graph.namespaces import DCAT
    from iusgraph.release.describe import DESCRIPTION_FILE
    from iusgraph.release.diff import read_graph

    sums = verify_bundle(folder)
    for name in (DESCRIPTION_FILE, EXPORTERS["ntriples"].files[0]):
        if name not in sums:
            raise InputError(
                f"{CHECKSUMS_FILE} lists no {name}: not a release bundle", path=str(folder)
            )
    description = load_files([folder / DESCRIPTION_FILE])
    found = [
        (str(version), str(description.value(dataset, DCTERMS.issued)))
        for dataset, version in description.subject_objects(DCAT.version)
        if str(dataset).endswith("/dataset")
    ]
    if len(found) != 1:
        raise InputError(
            "names no one released dataset (dcat:version and dcterms:issued)",
            path=str(folder / DESCRIPTION_FILE),
        )
    try:
        info = ReleaseInfo(*found[0])
    except IusgraphError as exc:
        raise InputError(str(exc), path=str(folder / DESCRIPTION_FILE)) from None
    return Previous(info, read_graph(folder))  # its N-Triples, as ``iusgraph diff`` reads it


def owned_names() -> set[str]:
    """What a bundle may hold: a folder holding anything else is not replaced."""
    from iusgraph.exporters import EXPORTERS
    from iusgraph.release.describe import DESCRIPTION_FILE

    names = {name for exporter in EXPORTERS.values() for name in exporter.files}
    return names | {ONTOLOGY_FOLDER, CHANGES_FILE, DESCRIPTION_FILE, CHECKSUMS_FILE}


def changes_markdown(previous: Previous, graph: Graph, info: ReleaseInfo) -> str:
    """``CHANGES.md``: what changed from the previous release to this one."""
    from iusgraph.release.diff import diff_graphs

    heading = f"# iusgraph {info.version} ({info.date}): changes since {previous.info.version}\n\n"
    markdown: str = diff_graphs(previous.graph, graph).render("markdown")
    return heading + markdown


def write_release(info: ReleaseInfo, out_dir: Path, previous_dir: Path | None = None) -> list[Path]:
    """Write the release bundle of the curated graph for ``info`` into ``out_dir`` (see the
    module notes); ``previous_dir``, a bundle written before, gives ``CHANGES.md``.
    Returns the files written, the manifest last."""
    from iusgraph import exporters
    from iusgraph.curation.compile import build_graph
    from iusgraph.graph.resources import ontology_dir
    from iusgraph.query.stats import compute_stats
    from iusgraph.release.describe import (
        DESCRIPTION_FILE,
        BundleFile,
        describe,
        description_turtle,
    )

    previous = read_previous(previous_dir) if previous_dir is not None else None
    graph = build_graph()
    version_graph(graph, info)
    stats = compute_stats(graph)

    extra: list[tuple[str, str, str]] = []  # path in the bundle, text, what it is
    for name in ONTOLOGY_FILES:
        path = ontology_dir() / name
        text = read_utf8(path)
        if name == VERSIONED_ONTOLOGY:
            text = versioned_ontology(text, info, str(path))
        extra.append((f"{ONTOLOGY_FOLDER}/{name}", text, f"the ontology file {name}"))
    if previous is not None:
        extra.append(
            (
                CHANGES_FILE,
                changes_markdown(previous, graph, info),
                f"what changed since release {previous.info.version}",
            )
        )

    with replaced_folder(out_dir, owned_names()) as stage:
        exporters.write(graph, list(exporters.EXPORTERS), stage, release=info)
        files = [
            BundleFile(name, (stage / name).read_bytes(), exporter.description)
            for exporter in exporters.EXPORTERS.values()
            for name in exporter.files
        ]
        write_files([(stage / name, text) for name, text, _ in extra])
        files += [BundleFile(name, text.encode("utf-8"), what) for name, text, what in extra]
        description = description_turtle(
            describe(graph, stats, info, files, previous.info if previous else None)
        )
        contents = {item.name: item.data for item in files}
        contents[DESCRIPTION_FILE] = description.encode("utf-8")
        write_files(
            [
                (stage / DESCRIPTION_FILE, description),
                (stage / CHECKSUMS_FILE, checksums(contents)),
            ]
        )
    return [out_dir / name for name in sorted(contents)] + [out_dir / CHECKSUMS_FILE]
