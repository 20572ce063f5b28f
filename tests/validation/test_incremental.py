"""``validate --since``: the incremental report equals a full validation restricted to its
scope, and nothing outside the scope changed (synthetic graphs with changes injected)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from iusgraph.graph.namespaces import CLAIM
from iusgraph.scale.change import change_claims
from iusgraph.scale.synth import write_corpus
from iusgraph.validation.incremental import (
    Incremental,
    delta,
    inject,
    load_side,
    matched_patterns,
    may_run_whole,
    read_rules,
    target_nodes,
    validate_since,
    values_block,
)
from iusgraph.validation.report import Finding
from iusgraph.validation.validate import validate_files
from tests.helpers import cli

FREQUENCY = b"<https://w3id.org/iusgraph/ontology/frequency>"
SERIOUSNESS = b"<https://w3id.org/iusgraph/ontology/seriousness>"
BROADER = b"<http://www.w3.org/2004/02/skos/core#broader>"
CLAIM_OBJECT = b"<https://w3id.org/iusgraph/ontology/claimObject>"
ORPHAN = "qc:orphan-entity-violation"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "corpus"
    write_corpus(out, drugs=30, faults=6, seed=3)
    return out


def _run(
    tmp: Path, old: Path, new_bytes: bytes
) -> tuple[Incremental, list[Finding], list[Finding]]:
    new = tmp / "new.nt"
    new.write_bytes(new_bytes)
    inc = validate_since(load_side([old]), load_side([new]))
    full_new = validate_files([new]).findings
    full_old = validate_files([old]).findings
    return inc, full_new, full_old


def _check(
    inc: Incremental, full_new: list[Finding], full_old: list[Finding], changed: set[str]
) -> None:
    """The three promises of :mod:`iusgraph.validation.incremental`."""
    assert not inc.full, inc.report.notes
    # 0. One report: each check named once (the QC rules that run whole run apart).
    assert len(inc.report.checks) == len(set(inc.report.checks)), inc.report.checks
    # 1. The findings of a full validation restricted to the scope.
    assert sorted(inc.report.findings) == sorted(f for f in full_new if inc.covers(f))
    # 2. Outside the scope nothing changed.
    assert sorted(f for f in full_new if not inc.covers(f)) == sorted(
        f for f in full_old if not inc.covers(f)
    )
    # 3. Every finding on a node the change touched is reported.
    reported = set(inc.report.findings)
    assert {f for f in full_new if f.focus in changed} <= reported


def _changed_nodes(old: Path, new_bytes: bytes) -> set[str]:
    old_lines = set(old.read_bytes().split(b"\n"))
    new_lines = set(new_bytes.split(b"\n"))
    nodes = set()
    for line in old_lines ^ new_lines:
        for term in line.split(b" ")[:3:2]:
            if term.startswith(b"<"):
                nodes.add(term[1:-1].decode())
    return nodes


@pytest.mark.parametrize("kind", ["add", "remove", "qualifier", "drop-action"])
def test_each_kind_of_change(corpus: Path, tmp_path: Path, kind: str) -> None:
    old = corpus / "synth.nt"
    new_bytes, counts = change_claims(old.read_bytes(), 12, seed=5, kinds=(kind,))
    assert counts == {kind: 12}
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    assert inc.affected  # the change touched something
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))


def test_a_change_that_creates_a_violation(corpus: Path, tmp_path: Path) -> None:
    """A serious side effect loses its recommended action: shape:SeriousClaimHasAction."""
    old = corpus / "synth.nt"
    lines = old.read_bytes().split(b"\n")
    serious = sorted(
        line.split(b" ")[0] for line in lines if SERIOUSNESS in line and b"serious>" in line
    )
    claim = next(
        c
        for c in serious
        if not any(f.focus == c[1:-1].decode() for f in validate_files([old]).findings)
    )
    new_bytes = b"\n".join(
        line for line in lines if not (line.startswith(claim) and b"recommendedAction" in line)
    )
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    created = set(inc.report.findings) - set(full_old)
    assert {f.rule for f in created if f.focus == claim[1:-1].decode()} == {
        "shape:SeriousClaimHasAction"
    }


def test_a_change_that_removes_a_violation(corpus: Path, tmp_path: Path) -> None:
    """An injected fault (``faults.json``) is fixed: its finding goes, and its focus node
    is in the scope, so the report says it conforms there."""
    old = corpus / "synth.nt"
    faults = json.loads((corpus / "faults.json").read_text())
    fault = next(f for f in faults if f["rule"] == "shape:SeriousClaimHasAction")
    focus = f"<{fault['focus']}>".encode()
    lines = old.read_bytes().split(b"\n")
    new_bytes = b"\n".join(
        line for line in lines if not (line.startswith(focus) and SERIOUSNESS in line)
    )
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    before = [f for f in full_old if f.focus == fault["focus"] and f.rule == fault["rule"]]
    assert before and fault["focus"] in inc.affected
    assert not [
        f for f in inc.report.findings if f.rule == fault["rule"] and f.focus == fault["focus"]
    ]


@pytest.mark.parametrize("seed", range(4))
def test_mixed_changes_over_seeds(corpus: Path, tmp_path: Path, seed: int) -> None:
    old = corpus / "synth.nt"
    new_bytes, counts = change_claims(old.read_bytes(), 16, seed=seed)
    assert sum(counts.values()) == 16
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))


def test_the_delta_is_the_lines_added_and_removed(corpus: Path, tmp_path: Path) -> None:
    old = corpus / "synth.nt"
    new = tmp_path / "new.nt"
    new.write_bytes(change_claims(old.read_bytes(), 12, seed=2)[0])
    old_lines, new_lines = (set(p.read_bytes().split(b"\n")) - {b""} for p in (old, new))
    change = delta(load_side([old]), load_side([new]))
    assert change.added_lines == sorted(new_lines - old_lines)
    assert change.removed_lines == sorted(old_lines - new_lines)
    assert len(change.added) == len(change.added_lines) > 0
    assert len(change.removed) == len(change.removed_lines) > 0


def test_no_change_validates_nothing(corpus: Path) -> None:
    side = load_side([corpus / "synth.nt"])
    change = delta(side, side)
    assert (change.added, change.removed) == ([], [])
    inc = validate_since(side, side)
    assert inc.report.findings == [] and inc.affected == frozenset()


def test_rules_are_read_from_the_algebra() -> None:
    """Which QC rule a changed triple triggers comes from rdflib's reading of the query:
    a changed label triggers the label rule, not the evidence rules."""
    from iusgraph.query.catalog import qc_queries

    rules = {r.name: r for r in read_rules([(f"qc:{q.name}", q.text, None) for q in qc_queries()])}
    label = ox.Triple(
        ox.NamedNode("https://w3id.org/iusgraph/entity/x"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
        ox.Literal("x", language="en"),
    )
    assert matched_patterns(rules["qc:label-hygiene-violation"], [label])
    assert matched_patterns(rules["qc:evidence-beyond-document-violation"], [label]) == []
    assert rules["qc:duplicate-claim-violation"].restrictable


def test_the_rules_that_may_run_whole_are_known_before_the_delta() -> None:
    """A rule with a pattern it cannot be pre-bound to may run whole (so it starts before
    the delta); and every reason :func:`matched_patterns` gives for a changed triple is one
    that :func:`may_run_whole` foresaw, for every QC rule and a triple of each predicate."""
    from iusgraph.query.catalog import qc_queries

    rules = read_rules([(f"qc:{q.name}", q.text, None) for q in qc_queries()])
    early = {rule.name: may_run_whole(rule) for rule in rules}
    assert "binds other variables than its focus" in early["qc:uncurated-conflict-violation"]
    assert early["qc:duplicate-claim-violation"] == ""  # symmetric: carried to its focus
    assert early["qc:orphan-entity-violation"] == ""
    node = ox.NamedNode("https://w3id.org/iusgraph/claim/a.b")
    other = ox.NamedNode("https://w3id.org/iusgraph/entity/c")
    predicates = {iri for rule in rules for p in rule.patterns for iri in p.iris if "/" in iri}
    for rule in rules:
        for predicate in sorted(predicates):
            triple = ox.Triple(node, ox.NamedNode(predicate), other)
            if isinstance(matched_patterns(rule, [triple]), str):
                assert early[rule.name], (rule.name, predicate)
    rule = read_rules([("x", "SELECT ?focus WHERE { ?focus <urn:p>/<urn:q> ?o }", None)])[0]
    assert "a path it cannot pre-bind" in may_run_whole(rule)


def test_a_rule_that_may_run_whole_runs_whole_for_any_change(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that may run whole starts before the delta, so it runs whole even for a change
    that does not need it, and its note says so: a rule with a sequence path, and a changed
    label, which no pattern of it matches. (The conflict rule's ``?focus ?focusRole
    ?effect`` matches any triple, so a changed label needs it whole.)"""
    import iusgraph.validation.checks as checks
    import iusgraph.validation.incremental as incremental
    from iusgraph.query.catalog import QCQuery, qc_queries

    path = QCQuery(
        "path-violation",
        "a sequence path",
        "Violation",
        "SELECT ?focus WHERE { ?focus <https://w3id.org/iusgraph/ontology/productContext>"
        "/<urn:x:never> ?o }",
    )
    rules = [*qc_queries(), path]
    monkeypatch.setattr(incremental, "qc_queries", lambda: rules)
    monkeypatch.setattr(checks, "qc_queries", lambda: rules)
    old = corpus / "synth.nt"
    lines = old.read_bytes().split(b"\n")
    label = next(line for line in lines if b'core#prefLabel> "synthetic effect' in line)
    new = tmp_path / "new.nt"
    new.write_bytes(
        b"\n".join(
            line.replace(b'"synthetic', b'"renamed') if line == label else line for line in lines
        )
    )
    inc = validate_since(load_side([old]), load_side([new]))
    assert inc.scope["qc:path-violation"] is None
    assert inc.scope["qc:uncurated-conflict-violation"] is None
    notes = "\n".join(inc.report.notes)
    assert (
        "qc:path-violation: whole rule: started before the delta, as a changed triple could "
        "need it (a changed triple matches a path it cannot pre-bind" in notes
    ), notes
    assert "qc:uncurated-conflict-violation: whole rule: a changed triple binds" in notes, notes


def test_the_nodes_a_target_selects(corpus: Path) -> None:
    """:func:`target_nodes` gives, for each compiled target of a form it knows, the nodes
    that the target group itself selects among them (Oxigraph joining the two), for every
    subject of the corpus and an IRI not in it; and the forms cover the class targets,
    subclasses included, and those of subjects and objects."""
    from iusgraph.graph.backend import solution_rows, values_clause
    from iusgraph.graph.vocabulary import shapes_graph
    from iusgraph.validation.fastshacl import compile_shapes, needed_classes, subclass_map

    store = load_side([corpus / "synth.nt"]).store
    assert store is not None
    shapes = shapes_graph()
    compiled = compile_shapes(shapes, subclass_map(store, needed_classes(shapes)))
    nodes = sorted(
        {
            row["n"].value
            for row in solution_rows(store, "SELECT DISTINCT ?n WHERE { ?n ?p ?o }", prefixes=None)
            if isinstance(row["n"], ox.NamedNode)
        }
        | {"https://w3id.org/iusgraph/entity/not-in-the-graph"}
    )
    targets = {check.target for check in compiled.checks}
    selected = target_nodes(store, nodes, targets)
    assert len(selected) >= 10 and {t.split()[1] for t in selected} >= {"?this", "SELECT"}
    assert any("VALUES ?_tc" in t for t in selected) and any("?_v0 <" in t for t in selected)
    for target, found in selected.items():
        truth = solution_rows(
            store,
            f"SELECT DISTINCT ?this WHERE {{ {values_clause('this', nodes)} {target} }}",
            prefixes=None,
        )
        assert found == sorted(row["this"].value for row in truth), target


def test_inject_puts_the_values_in_each_union_branch() -> None:
    text = "SELECT ?focus WHERE { { ?focus <urn:p> ?o } UNION { ?focus <urn:q> ?o } FILTER(true) }"
    out = inject(text, "VALUES ?focus { <urn:x> }")
    assert out.count("VALUES ?focus { <urn:x> }") == 3
    lateral = inject(
        "SELECT ?this WHERE { ?this <urn:p> ?o }", "VALUES ?this { <urn:x> }", lateral=True
    )
    assert "LATERAL { " in lateral


@pytest.mark.parametrize("change", ["claims-removed", "broader-removed", "broader-added"])
def test_an_entity_orphaned_or_used_through_its_claims_or_a_narrower_entity(
    corpus: Path, tmp_path: Path, change: str
) -> None:
    """The orphan rule runs on the affected entities alone, and finds what a change to the
    claims or to the skos:broader chain makes of them: a changed claim reaches the
    entities above the one it names, a changed broader edge those above its end (a
    ``synth-top`` entity added above the chain, which no changed triple names)."""
    corpus_lines = (corpus / "synth.nt").read_bytes().split(b"\n")
    # synth-unlabelled-N is used only as the broader entity of one effect.
    edge = next(
        line for line in corpus_lines if BROADER in line and b"/entity/synth-unlabelled-" in line
    )
    narrow, _, broad = edge.split(b" ")[:3]
    top = b"<https://w3id.org/iusgraph/entity/synth-top>"
    lines = [
        *corpus_lines,
        broad + b" " + BROADER + b" " + top + b" .",
        top + b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<https://w3id.org/iusgraph/ontology/Entity> .",
        top + b' <http://www.w3.org/2004/02/skos/core#prefLabel> "top"@en .',
    ]
    if change == "claims-removed":
        new_lines = [line for line in lines if CLAIM_OBJECT + b" " + narrow not in line]
    else:
        new_lines = [line for line in lines if line != edge]
    old_lines = lines
    if change == "broader-added":
        old_lines, new_lines = new_lines, lines
    old = tmp_path / "old.nt"
    old.write_bytes(b"\n".join(old_lines) + b"\n")
    new_bytes = b"\n".join(new_lines) + b"\n"
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    assert any(n.startswith(f"{ORPHAN}: restricted") for n in inc.report.notes), inc.report.notes
    orphans = {f.focus for f in inc.report.findings if f.rule == ORPHAN}
    above = {broad[1:-1].decode(), top[1:-1].decode()}
    if change == "claims-removed":
        assert orphans == above | {narrow[1:-1].decode()}
    elif change == "broader-removed":
        assert orphans == above
    else:
        assert not orphans and {f.focus for f in full_old if f.rule == ORPHAN} == above
        assert above <= (inc.scope[ORPHAN] or set())


def test_a_rule_that_runs_whole_reports_what_the_change_made(corpus: Path, tmp_path: Path) -> None:
    """The QC rules that run whole run apart from the rest (on a thread of their own): a
    side-effect claim copied with another frequency band is an uncurated conflict, which
    the conflict rule (whole) reports."""
    old = corpus / "synth.nt"
    lines = old.read_bytes().split(b"\n")
    common = FREQUENCY + b" <https://w3id.org/iusgraph/vocab/frequency-common> ."
    claim = sorted(line.split(b" ")[0] for line in lines if line.endswith(common))[0]
    twin = claim[:-1] + b"-twin>"
    copies = [
        twin + line[len(claim) :].replace(b"frequency-common>", b"frequency-rare>")
        for line in lines
        if line.startswith(claim + b" ")
    ]
    new_bytes = b"\n".join([*lines, *copies]) + b"\n"
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    conflict = "qc:uncurated-conflict-violation"
    assert inc.scope[conflict] is None, inc.report.notes
    made = {(f.rule, f.focus) for f in inc.report.findings} - {(f.rule, f.focus) for f in full_old}
    assert (conflict, claim[1:-1].decode()) in made


def test_a_change_seen_only_inside_a_not_exists(corpus: Path, tmp_path: Path) -> None:
    """A changed triple that only a pattern inside ``FILTER NOT EXISTS`` reads still names
    the foci it changes: the twin of a claim differs from it in its frequency band alone,
    and the band changed to the claim's makes the pair a duplicate, whose focus is the
    claim (the lesser IRI), which the change did not touch. (rdflib keeps an EXISTS
    pattern's algebra in an attribute, not in the node's items: it was not read.)"""
    old = corpus / "synth.nt"
    lines = old.read_bytes().split(b"\n")
    common = FREQUENCY + b" <https://w3id.org/iusgraph/vocab/frequency-common> ."
    claim = sorted(line.split(b" ")[0] for line in lines if line.endswith(common))[0]
    twin = claim[:-1] + b"-twin>"
    copies = [twin + line[len(claim) :] for line in lines if line.startswith(claim + b" ")]
    rare = [line.replace(b"frequency-common>", b"frequency-rare>") for line in copies]
    old = tmp_path / "old.nt"
    old.write_bytes(b"\n".join([*lines, *rare]) + b"\n")
    new_bytes = b"\n".join([*lines, *copies]) + b"\n"
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    assert claim[1:-1].decode() not in _changed_nodes(old, new_bytes)
    duplicate = "qc:duplicate-claim-violation"
    made = {(f.rule, f.focus) for f in inc.report.findings} - {(f.rule, f.focus) for f in full_old}
    assert (duplicate, claim[1:-1].decode()) in made
    rules = {r.name: r for r in read_rules([(duplicate, _qc_text(duplicate), None)])}
    assert any(p.kind == "var" for p in rules[duplicate].patterns)  # ?focus ?q ?v


def _qc_text(rule: str) -> str:
    from iusgraph.query.catalog import qc_queries

    return next(q.text for q in qc_queries() if f"qc:{q.name}" == rule)


def test_inject_starts_each_minus_group_only_when_asked() -> None:
    """A focus-only block may start the MINUS groups of a rule whose MINUS groups all bind
    the focus; the rule reading says which rules those are."""
    text = "SELECT ?focus WHERE { ?focus a <urn:E> . MINUS { ?focus <urn:p> ?o } }"
    block = "VALUES ?focus { <urn:x> }"
    assert inject(text, block).count(block) == 1
    assert inject(text, block, minus=True).count(block) == 2
    # In a UNION branch too; not in a group that is neither a branch nor a MINUS group.
    branches = (
        "SELECT ?focus WHERE { { ?focus a <urn:E> MINUS { ?focus <urn:p> ?o } } "
        "UNION { ?focus a <urn:F> } { ?focus <urn:q> ?z MINUS { ?focus <urn:r> ?w } } }"
    )
    out = inject(branches, block, minus=True)
    assert out.count(block) == 4  # WHERE, two branches, the first branch's MINUS group
    assert f"MINUS {{ {block}  ?focus <urn:p> ?o }}" in out
    assert "MINUS { ?focus <urn:r> ?w }" in out
    other = "SELECT ?focus WHERE { ?focus a <urn:E> . MINUS { ?o <urn:p> ?q } }"
    rules = read_rules([("qc:a", text, None), ("qc:b", other, None)])
    assert [r.minus_bound for r in rules] == [True, False]


def test_cli_exit_codes_and_a_missing_old(corpus: Path, tmp_path: Path) -> None:
    old = corpus / "synth.nt"
    same = cli("validate", "--since", old, old)
    assert same.exit_code == 0, same.output  # nothing changed: nothing to report
    assert "0 affected nodes" in same.output
    new = tmp_path / "new.nt"
    lines = old.read_bytes().split(b"\n")
    serious = sorted(x.split(b" ")[0] for x in lines if SERIOUSNESS in x and b"serious>" in x)
    new.write_bytes(
        b"\n".join(x for x in lines if not (x.startswith(serious[0]) and b"recommendedAction" in x))
    )
    changed = cli("validate", "--since", old, new, "--format", "json")
    assert changed.exit_code == 1
    assert json.loads(changed.output)["conforms"] is False
    missing = cli("validate", "--since", tmp_path / "nope.nt", new)
    assert missing.exit_code == 2
    assert "nope.nt: no such graph file or release bundle folder" in missing.output
    folder = tmp_path / "bundle"
    folder.mkdir()
    assert cli("validate", "--since", folder, new).exit_code == 2
    (folder / "iusgraph.nt").write_bytes(old.read_bytes())
    assert cli("validate", "--since", folder, new).exit_code == 1
    engine = cli("validate", "--since", old, new, "--engine", "pyshacl")
    assert engine.exit_code == 2 and "oxigraph engine" in engine.output


def test_a_blank_node_in_the_change_is_a_full_validation(corpus: Path, tmp_path: Path) -> None:
    """What the module cannot bound is validated whole, with a note saying why."""
    old = corpus / "synth.nt"
    new_bytes = old.read_bytes() + b'_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    inc, full_new, _ = _run(tmp_path, old, new_bytes)
    assert inc.full
    assert any("full validation" in note and "blank node" in note for note in inc.report.notes)
    assert sorted(f for f in inc.report.findings if not f.focus.startswith("_:")) == sorted(
        f for f in full_new if not f.focus.startswith("_:")
    )


def _with_twin(lines: list[bytes], objectless: bool = False) -> tuple[list[bytes], str, str]:
    """The lines with a twin of one claim (the same triples under an IRI that sorts after
    it), and the two IRIs: a duplicate whose changed claim is the pair's ``?other``. With
    ``objectless``, a claim with no object (a duration): the rule's MINUS branch."""
    prefix = b"<https://w3id.org/iusgraph/claim/"
    claims = {line.split(b" ")[0] for line in lines if line.startswith(prefix)}
    if objectless:
        claims -= {line.split(b" ")[0] for line in lines if b" " + CLAIM_OBJECT + b" " in line}
    claim = sorted(claims)[0]
    twin = claim[:-1] + b"-zz-twin>"
    copies = [twin + line[len(claim) :] for line in lines if line.startswith(claim + b" ")]
    return lines + copies, claim[1:-1].decode(), twin[1:-1].decode()


@pytest.mark.parametrize("objectless", [False, True], ids=["with-object", "objectless"])
@pytest.mark.parametrize("direction", ["made", "unmade"])
def test_a_duplicate_through_its_other_claim(
    corpus: Path, tmp_path: Path, direction: str, objectless: bool
) -> None:
    """The changed claim is the pair's ``?other``, so the finding's focus is a claim the
    change did not touch: the symmetric rule (``# symmetric: ?other``) is pre-bound from
    the changed claim in both roles, not run whole, and the finding is made or unmade. A
    claim with no object is paired in the rule's MINUS branch, which the pre-bound rows
    start too (:func:`inject` with ``minus``)."""
    old_lines = (corpus / "synth.nt").read_bytes().split(b"\n")
    twinned, claim, twin = _with_twin(old_lines, objectless)
    before, after = (old_lines, twinned) if direction == "made" else (twinned, old_lines)
    old = tmp_path / "old.nt"
    old.write_bytes(b"\n".join(before))
    new_bytes = b"\n".join(after)
    inc, full_new, full_old = _run(tmp_path, old, new_bytes)
    _check(inc, full_new, full_old, _changed_nodes(old, new_bytes))
    assert claim not in _changed_nodes(old, new_bytes)
    assert twin in _changed_nodes(old, new_bytes)
    assert any(n.startswith("qc:duplicate-claim-violation: restricted") for n in inc.report.notes)
    assert inc.covers(Finding("Violation", claim, "", "qc:duplicate-claim-violation", ""))
    found = {f.focus for f in inc.report.findings if f.rule == "qc:duplicate-claim-violation"}
    assert (claim in found) == (direction == "made")


@pytest.mark.parametrize("objectless", [False, True], ids=["with-object", "objectless"])
def test_a_symmetric_rule_is_symmetric(corpus: Path, objectless: bool) -> None:
    """What ``# symmetric: ?other`` promises, on both engines: bound ``?unordered`` gives
    every pair in both orders, and the rule's own answer is those with the lesser focus.
    Pre-bound to one claim as :func:`pinned_foci` binds it, the rule gives that claim's
    pairs."""
    from rdflib import Graph

    from iusgraph.graph.backend import select
    from iusgraph.graph.store import open_store
    from iusgraph.query.catalog import comment_header, qc_queries

    lines, claim, twin = _with_twin((corpus / "synth.nt").read_bytes().split(b"\n"), objectless)
    graph = Graph().parse(data=b"\n".join(lines).decode(), format="nt")
    symmetric = [q for q in qc_queries() if comment_header(q.text).first("symmetric") == "?other"]
    assert [q.name for q in symmetric] == ["duplicate-claim-violation"]
    for query in symmetric:
        both = inject(query.text, "VALUES ?unordered { true }")
        for data in (graph, open_store(graph)):
            pairs = {(str(r["focus"]), str(r["other"])) for r in select(data, both)}
            assert (claim, twin) in pairs
            assert pairs == {(o, f) for f, o in pairs}
            ordered = {(str(r["focus"]), str(r["other"])) for r in select(data, query.text)}
            assert ordered == {(f, o) for f, o in pairs if f < o}
            row = {"focus": ox.NamedNode(twin), "unordered": ox.Literal(True)}
            bound = inject(query.text, values_block(["focus", "unordered"], [row]), minus=True)
            assert bound.count("VALUES (?focus ?unordered)") == 3  # WHERE, 2 branches
            found = {(str(r["focus"]), str(r["other"])) for r in select(data, bound)}
            assert found == {(f, o) for f, o in pairs if f == twin}
            assert (twin, claim) in found


def test_a_symmetric_header_names_a_bound_variable() -> None:
    from iusgraph.errors import InputError

    text = "# rule: x\n# symmetric: ?nope\nSELECT ?focus WHERE { ?focus <urn:p> ?o }"
    with pytest.raises(InputError, match=r"'# symmetric: \?nope' names a variable"):
        read_rules([("qc:x", text, None)])


def test_since_git_compares_with_the_curated_data_at_a_revision(repo: Path) -> None:
    """``validate --since-git REV`` takes OLD from git, as ``diff --git`` does: nothing
    changed is nothing to report; a serious effect's action removed in the working tree is
    a violation found on the nodes that change affects; OLD twice is a usage error."""
    data = repo / "data"
    same = cli("--data", data, "validate", "--since-git", "HEAD")
    assert same.exit_code == 0, same.output
    assert "0 triples added, 0 removed since OLD" in same.output
    table = data / "claims" / "ius-monograph.tsv"
    text = table.read_text(encoding="utf-8")
    row = "seriousness=serious; action=seek-immediate-care; severity=severe"
    assert text.count(row) == 1
    table.write_text(text.replace(row, "seriousness=serious; severity=severe"), encoding="utf-8")
    changed = cli("--data", data, "validate", "--since-git", "HEAD", "--format", "json")
    assert changed.exit_code == 1, changed.output
    report = json.loads(changed.output)
    assert [(r["focus"], r["rule"]) for r in report["results"]] == [
        (f"{CLAIM}ius-monograph.se-severe-pelvic-pain", "shape:SeriousClaimHasAction")
    ]
    assert "incremental: 0 triples added, 1 removed since OLD" in report["notes"][0]
    both = cli("--data", data, "validate", "--since", repo, "--since-git", "HEAD")
    assert both.exit_code == 2 and "one old graph" in both.output
    unknown = cli("--data", data, "validate", "--since-git", "no-such-branch")
    assert unknown.exit_code == 2 and "unknown revision 'no-such-branch'" in unknown.output
