"""``iusgraph diff``: hand-made pairs from the real compiled graph, grouped by claim.

Each pair starts from the curated graph (the session fixture ``graph``), copied and edited:
one qualifier changed, one evidence span moved, a claim added (and removed), a conflict
removed, a mapping's predicate and an entity's label changed, and an identical pair.
Every differing triple must belong to exactly one item of one group. The command line
is run through click's runner, and ``--git`` on a git repository made for the test.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iusgraph.cli import main
from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import CLAIM, CONFLICT, ENT, EV, IUS, IUSV, OA
from iusgraph.graph.resources import use_data
from iusgraph.release.diff import (
    GROUPS,
    MARKDOWN_LIMIT,
    EvidenceChange,
    GraphDiff,
    PropertyChange,
    diff_graphs,
)

from ..helpers import ROOT, git

PERFORATION = CLAIM["mirena-back-pain.se-uterine-perforation"]
POSITION = URIRef(str(EV["mirena-back-pain.se-uterine-perforation.1"]) + ".position")
QUOTE = URIRef(str(EV["mirena-back-pain.se-uterine-perforation.1"]) + ".quote")


@pytest.fixture(autouse=True)
def _default_data() -> Iterator[None]:
    """``--data DIR`` sets the data folder for the process: put the default back after."""
    yield
    use_data(None)


def _copy(graph: Graph) -> Graph:
    out = Graph()
    out += graph
    return out


def _replace(graph: Graph, s: URIRef, p: URIRef, new: object) -> None:
    old = graph.value(s, p)
    assert old is not None, (s, p)
    graph.remove((s, p, old))
    graph.add((s, p, new))  # type: ignore[arg-type]


def _shift(graph: Graph, node: URIRef, prop: URIRef, by: int) -> None:
    value = graph.value(node, prop)
    assert isinstance(value, Literal)
    _replace(graph, node, prop, Literal(int(value) + by, datatype=value.datatype))


def _claim_subtree(graph: Graph, claim: URIRef) -> set[tuple[object, object, object]]:
    """The claim's own triples, its evidence nodes' and their selectors'."""
    nodes = {claim}
    for ev in graph.objects(claim, IUS.hasEvidence):
        nodes.add(ev)  # type: ignore[arg-type]
        nodes.update(graph.objects(ev, OA.hasSelector))  # type: ignore[arg-type]
    return {t for node in nodes for t in graph.triples((node, None, None))}


def _nonempty(diff: GraphDiff) -> dict[str, int]:
    return {group: len(items) for group, items in diff.groups.items() if items}


def _accounted(old: Graph, new: Graph, diff: GraphDiff) -> None:
    """Every differing triple is in exactly one group, and in one item of it."""
    removed = {t for t in old if t not in new}
    added = {t for t in new if t not in old}
    seen_removed: list[object] = []
    seen_added: list[object] = []
    for group in GROUPS:
        for item in diff.groups[group]:
            seen_removed.extend(item.removed)
            seen_added.extend(item.added)
    assert len(seen_removed) == len(set(seen_removed)), "a removed triple is in two items"
    assert len(seen_added) == len(set(seen_added)), "an added triple is in two items"
    assert set(seen_removed) == removed
    assert set(seen_added) == added
    assert (diff.removed_triples, diff.added_triples) == (len(removed), len(added))


def test_identical_pair_is_empty(graph: Graph) -> None:
    diff = diff_graphs(graph, _copy(graph))
    assert diff.empty
    assert _nonempty(diff) == {}
    assert diff.render("text") == "no differences\n"
    assert json.loads(diff.render("json"))["empty"] is True
    assert "No differences." in diff.render("markdown")


def test_one_qualifier_changed(graph: Graph) -> None:
    new = _copy(graph)
    _replace(new, PERFORATION, IUS.frequency, IUSV["frequency-common"])
    diff = diff_graphs(graph, new)
    assert _nonempty(diff) == {"claims": 1}
    (item,) = diff.groups["claims"]
    assert (item.iri, item.status) == (PERFORATION, "changed")
    assert item.changes == (
        PropertyChange(
            "qualifier",
            PERFORATION,
            IUS.frequency,
            (IUSV["frequency-rare"],),
            (IUSV["frequency-common"],),
        ),
    )
    assert "qualifier ius:frequency: iusv:frequency-rare → iusv:frequency-common" in diff.render(
        "text"
    )
    _accounted(graph, new, diff)


def test_moved_span_is_one_change(graph: Graph) -> None:
    new = _copy(graph)
    _shift(new, POSITION, OA.start, 4)
    _shift(new, POSITION, OA.end, 4)
    diff = diff_graphs(graph, new)
    assert (diff.removed_triples, diff.added_triples) == (2, 2)
    assert _nonempty(diff) == {"claims": 1}
    (item,) = diff.groups["claims"]
    (change,) = item.changes
    assert isinstance(change, EvidenceChange)
    assert change.evidence == EV["mirena-back-pain.se-uterine-perforation.1"]
    assert change.status == "changed"
    assert change.old is not None and change.new is not None
    assert (change.old.start, change.old.end, change.new.start, change.new.end) == (
        5756,
        5811,
        5760,
        5815,
    )
    assert (
        change.old.exact
        == change.new.exact
        == ("In some cases, Mirena can cause the uterus to perforate")
    )
    text = diff.render("text")
    assert "      evidence .1: 5756–5811 → 5760–5815\n" in text
    assert len(text.splitlines()) == 5  # summary, blank, group, claim, the one change
    _accounted(graph, new, diff)


def test_moved_span_with_a_new_quote_is_still_one_change(graph: Graph) -> None:
    new = _copy(graph)
    _shift(new, POSITION, OA.start, 15)
    _replace(new, QUOTE, OA.exact, Literal("Mirena can cause the uterus to perforate"))
    diff = diff_graphs(graph, new)
    (item,) = diff.groups["claims"]
    (change,) = item.changes
    assert isinstance(change, EvidenceChange)
    assert len(change.changes) == 2  # oa:start and oa:exact, both in the one change
    line = (
        "evidence .1: 5756–5811 → 5771–5811; quote “In some cases, Mirena can cause the "
        "uterus to perforate” → “Mirena can cause the uterus to perforate”"
    )
    assert line in diff.render("text")


def test_claim_added_and_removed(graph: Graph) -> None:
    claim = CLAIM["ius-monograph.se-acne"]
    subtree = _claim_subtree(graph, claim)
    assert len(subtree) > 10
    old = _copy(graph)
    for triple in subtree:
        old.remove(triple)  # type: ignore[arg-type]
    diff = diff_graphs(old, graph)
    assert _nonempty(diff) == {"claims": 1}
    (item,) = diff.groups["claims"]
    assert (item.iri, item.status) == (claim, "added")
    assert item.label == "levonorgestrel intrauterine system has side effect acne"
    evidence = [c for c in item.changes if isinstance(c, EvidenceChange)]
    assert [(e.status, e.old, e.new and e.new.exact) for e in evidence] == [
        ("added", None, "Acne"),
        ("added", None, "Common side effects include:"),
    ]
    objects = [c for c in item.changes if isinstance(c, PropertyChange) and c.kind == "object"]
    assert [c.added for c in objects] == [(ENT.acne,)]
    assert "evidence .1: + 1579–1583 “Acne”" in diff.render("text")
    _accounted(old, graph, diff)
    back = diff_graphs(graph, old)
    assert [(i.iri, i.status) for i in back.groups["claims"]] == [(claim, "removed")]
    _accounted(graph, old, back)


def test_conflict_removed(graph: Graph) -> None:
    conflict = CONFLICT["duration-of-use"]
    new = _copy(graph)
    new.remove((conflict, None, None))
    diff = diff_graphs(graph, new)
    assert _nonempty(diff) == {"conflicts": 1}
    (item,) = diff.groups["conflicts"]
    assert (item.iri, item.status) == (conflict, "removed")
    assert item.label is not None and item.label.startswith("Duration of use")
    _accounted(graph, new, diff)


def test_mapping_predicate_and_entity_label(graph: Graph) -> None:
    new = _copy(graph)
    target = URIRef("http://id.nlm.nih.gov/mesh/D001416")
    new.remove((ENT["back-pain"], SKOS.exactMatch, target))
    new.add((ENT["back-pain"], SKOS.closeMatch, target))
    _replace(new, ENT.acne, SKOS.prefLabel, Literal("acne vulgaris", lang="en"))
    diff = diff_graphs(graph, new)
    assert _nonempty(diff) == {"entities": 1, "mappings": 1}
    (mapping,) = diff.groups["mappings"]
    assert (mapping.iri, mapping.target, mapping.status) == (ENT["back-pain"], target, "changed")
    (entity,) = diff.groups["entities"]
    assert (entity.iri, entity.status, entity.label) == (ENT.acne, "changed", "acne vulgaris")
    text = diff.render("text")
    assert 'skos:prefLabel: "acne"@en → "acne vulgaris"@en' in text
    assert "ent:back-pain → <http://id.nlm.nih.gov/mesh/D001416>" in text
    _accounted(graph, new, diff)


def test_every_differing_triple_is_in_exactly_one_group(graph: Graph) -> None:
    """Random removals across the whole graph, and additions of every kind: each differing
    triple is accounted for once, whatever node it is about."""
    rng = random.Random(17)
    triples = sorted(graph, key=lambda t: tuple(x.n3() for x in t))
    new = _copy(graph)
    for triple in rng.sample(triples, 400):
        new.remove(triple)
    example = URIRef("http://example.org/x")
    new.add((example, RDF.type, IUS.Claim))  # a new claim outside the curated IRIs
    new.add((IUSV["frequency-rare"], SKOS.prefLabel, Literal("seldom", lang="en")))
    new.add((URIRef("http://example.org/z"), SKOS.prefLabel, Literal("z")))
    new.add((example, URIRef("http://example.org/p"), Literal("other")))
    new.add((URIRef("http://example.org/y"), URIRef("http://example.org/p"), Literal(1)))
    _shift(new, POSITION, OA.start, 1) if new.value(POSITION, OA.start) else None
    diff = diff_graphs(graph, new)
    _accounted(graph, new, diff)
    assert [i.iri for i in diff.groups["labels"]] == [URIRef("http://example.org/z")]
    assert IUSV["frequency-rare"] in [i.iri for i in diff.groups["ontology"]]
    assert diff.groups["other"]
    assert len(_nonempty(diff)) >= 7


def test_order_and_bytes_do_not_depend_on_insertion_order(graph: Graph) -> None:
    new = _copy(graph)
    for triple in list(new.triples((None, IUS.rank, None)))[:30]:
        new.remove(triple)
    shuffled = Graph()
    lines = list(new)
    random.Random(3).shuffle(lines)
    for triple in lines:
        shuffled.add(triple)
    one, two = diff_graphs(graph, new), diff_graphs(graph, shuffled)
    for fmt in ("text", "json", "markdown"):
        assert one.render(fmt) == two.render(fmt)
    iris = [str(item.iri) for item in one.groups["claims"]]
    assert iris == sorted(iris) and len(iris) == 30


def test_json_schema(graph: Graph) -> None:
    new = _copy(graph)
    _shift(new, POSITION, OA.end, 2)
    new.remove((CONFLICT["duration-of-use"], None, None))
    text = diff_graphs(graph, new).render("json")
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["format"] == "iusgraph-diff/1"
    assert document["empty"] is False
    assert set(document["groups"]) == set(document["summary"]) == set(GROUPS)
    assert document["summary"]["conflicts"] == {"added": 0, "removed": 1, "changed": 0}
    (claim,) = document["groups"]["claims"]
    (change,) = claim["changes"]
    assert change["kind"] == "evidence"
    assert change["old"] == {
        "start": 5756,
        "end": 5811,
        "exact": "In some cases, Mirena can cause the uterus to perforate",
    }
    assert change["new"]["end"] == 5813
    (detail,) = change["changes"]
    assert detail["removed"] == ['"5811"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>']


def test_markdown_has_the_table_and_stays_under_the_cap(graph: Graph) -> None:
    new = _copy(graph)
    _replace(new, PERFORATION, IUS.frequency, IUSV["frequency-common"])
    markdown = diff_graphs(graph, new).render("markdown")
    assert "| group | added | removed | changed |\n| --- | ---: | ---: | ---: |\n" in markdown
    assert "| claims | 0 | 0 | 1 |" in markdown
    assert "- **changed** `claim:mirena-back-pain.se-uterine-perforation" in markdown
    # everything removed: far more than a comment holds
    everything = diff_graphs(graph, Graph().add((ENT.x, RDF.type, IUS.Entity)))
    big = everything.render("markdown")
    assert len(big) <= MARKDOWN_LIMIT
    assert "… and " in big and "more" in big
    assert "cut at 60,000 characters" in big


def test_markdown_code_spans_hold_backticks(graph: Graph) -> None:
    new = _copy(graph)
    _replace(new, ENT.acne, SKOS.prefLabel, Literal("a `b` ``c``", lang="en"))
    markdown = diff_graphs(graph, new).render("markdown")
    assert '```skos:prefLabel: "acne"@en → "a `b` ``c``"@en```' in markdown
    assert "```ent:acne  (a `b` ``c``)```" in markdown


def test_blank_nodes_are_refused(graph: Graph) -> None:
    new = _copy(graph)
    new.add((BNode(), RDF.type, IUS.Claim))
    with pytest.raises(IusgraphError, match="blank node"):
        diff_graphs(graph, new)


# --- the command line --------------------------------------------------------------------


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> tuple[Path, Path, Path]:
    """The curated graph as a release folder (``iusgraph.nt``), as Turtle, and a copy with
    one qualifier changed."""
    folder = tmp_path_factory.mktemp("diff")
    bundle = folder / "bundle"
    bundle.mkdir()
    graph.serialize(bundle / "iusgraph.nt", format="nt", encoding="utf-8")
    graph.serialize(folder / "same.ttl", format="turtle")
    new = _copy(graph)
    _replace(new, PERFORATION, IUS.frequency, IUSV["frequency-common"])
    new.serialize(folder / "changed.ttl", format="turtle")
    return bundle, folder / "same.ttl", folder / "changed.ttl"


def test_cli_exit_codes_and_formats(files: tuple[Path, Path, Path]) -> None:
    bundle, same, changed = files
    assert _run("diff", bundle, same) == (0, "no differences\n")
    code, out = _run("diff", bundle, changed)
    assert code == 1
    assert "claims 1 changed" in out and "iusv:frequency-rare → iusv:frequency-common" in out
    code, out = _run("diff", same, changed, "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["claims"]["changed"] == 1
    code, out = _run("diff", same, changed, "--format", "markdown")
    assert code == 1 and "| claims | 0 | 0 | 1 |" in out


def test_cli_input_errors(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    bundle, same, _ = files
    code, out = _run("diff", same)
    assert code == 2 and "give OLD and NEW" in out
    code, out = _run("diff", same, tmp_path / "no.ttl")
    assert code == 2 and str(tmp_path / "no.ttl") in out
    code, out = _run("diff", same, tmp_path)
    assert code == 2 and "not a release bundle" in out and "iusgraph.nt" in out
    code, out = _run("diff", "--git", "HEAD", same, bundle)
    assert code == 2 and "at most one graph" in out


def test_git_head_with_unchanged_data_is_empty(repo: Path) -> None:
    assert _run("--data", repo / "data", "diff", "--git", "HEAD") == (0, "no differences\n")


def test_git_head_after_a_changed_row(repo: Path) -> None:
    table = repo / "data" / "claims" / "ius-monograph.tsv"
    text = table.read_text(encoding="utf-8")
    row = "se-acne\tlng-ius\thasSideEffect\tacne\tfrequency=common\t"
    assert row in text
    table.write_text(text.replace(row, row.replace("frequency=common", "frequency=rare")))
    code, out = _run("--data", repo / "data", "diff", "--git", "HEAD")
    assert code == 1, out
    assert "claims 1 changed" in out
    assert "~ claim:ius-monograph.se-acne" in out
    assert "iusv:frequency-common → iusv:frequency-rare" in out
    git(repo, "commit", "-q", "-am", "rare")
    assert _run("--data", repo / "data", "diff", "--git", "HEAD")[0] == 0
    code, out = _run("--data", repo / "data", "diff", "--git", "HEAD~1", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["claims"]["changed"] == 1


def test_git_unknown_revision(repo: Path) -> None:
    code, out = _run("--data", repo / "data", "diff", "--git", "no-such-branch")
    assert code == 2
    assert "iusgraph: error: unknown revision 'no-such-branch'" in out
    code, out = _run("--data", repo / "data", "diff", "--git", "--help-me")
    assert code == 2


def test_git_outside_a_checkout(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    code, out = _run("--data", tmp_path / "data", "diff", "--git", "HEAD")
    assert code == 2
    assert "not in a git checkout" in out


def test_git_takes_the_ontology_at_the_revision_from_the_same_checkout(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the ontology in use is in the data's checkout, OLD is compiled with the ontology
    at the revision: a label committed there differs from the ontology in use now."""
    import iusgraph.curation.revision as revision

    schemes = repo / "ontology" / "schemes.ttl"
    text = schemes.read_text(encoding="utf-8")
    assert '"rare"@en' in text
    schemes.write_text(text.replace('"rare"@en', '"seldom"@en', 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "seldom")
    # OLD: the repository's data and ontology at HEAD; NEW: the data with this checkout's
    # ontology, where the label is still "rare"
    monkeypatch.setattr(revision, "ontology_dir", lambda: repo / "ontology")
    code, out = _run("--data", repo / "data", "diff", "--git", "HEAD")
    assert code == 1, out
    assert '"seldom"@en → "rare"@en' in out
    assert out.splitlines()[2] == "ontology"
