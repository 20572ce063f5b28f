"""iusgraph.network.structure and `iusgraph graph-qc`: the structural QC rules, on a
hand-made fixture and on the curated graph."""

from __future__ import annotations

import json

from rdflib import Graph

from iusgraph.network.project import project
from iusgraph.network.structure import structural_report

from ..helpers import FIXTURES, cli

SMALL = FIXTURES / "network" / "small.ttl"


# --- graph-qc ----------------------------------------------------------------------------


def _rules(report) -> set[tuple[str, str, str]]:
    return {(f.rule, f.focus.rsplit("/", 1)[-1], f.severity) for f in report.findings}


def test_graph_qc_fixture_fires_every_rule() -> None:
    report = structural_report(project(Graph().parse(SMALL, format="turtle")))
    assert _rules(report) == {
        ("graph:unreached-entity", "orphan", "Warning"),
        ("graph:disconnected-component", "island-1", "Warning"),
        ("graph:disconnected-component", "effect-z", "Warning"),
        ("graph:effect-without-action", "effect-y", "Info"),
    }
    island = next(f for f in report.findings if f.focus.endswith("island-1"))
    assert "island two (ent:island-2)" in island.message


def test_graph_qc_qualifier_values_connect_their_entity(net) -> None:
    # example-e is named only as example= on dev-a's claim: reached, and not cut off.
    report = structural_report(project(Graph().parse(SMALL, format="turtle")))
    assert not [f for f in report.findings if "example-e" in f.focus]
    assert not [f for f in structural_report(net).findings if "acetaminophen" in f.focus]


def test_graph_qc_on_the_curated_graph(net) -> None:
    """The real findings: one sign->condition pair no claim ties to the rest, "the specific
    brand" (named only by depends-on= on a duration, a quantity claim, which has no edge), and
    the ten effects for which no source gives an action."""
    report = structural_report(net)
    assert _rules(report) == {
        ("graph:disconnected-component", "device-problem", "Warning"),
        ("graph:disconnected-component", "specific-brand", "Warning"),
        *{
            ("graph:effect-without-action", effect, "Info")
            for effect in (
                "acne",
                "breast-tenderness",
                "increased-menstrual-flow",
                "irregular-bleeding",
                "low-mood-swings",
                "lower-abdominal-cramping",
                "milk-production-changes",
                "prolonged-menstrual-periods",
                "red-discharge",
                "weight-changes",
            )
        },
    }
    assert report.conforms


def test_graph_qc_cli_exit_codes_and_formats() -> None:
    result = cli("graph-qc", "--graph", SMALL)
    assert result.exit_code == 0
    assert "rule: graph:unreached-entity" in result.output
    assert result.output.rstrip().endswith(
        "conforms: 0 violations, 3 warnings, 1 info; 3 edges; 8 entities"
    )
    assert cli("graph-qc", "--graph", SMALL, "--strict").exit_code == 1
    data = json.loads(cli("graph-qc", "--graph", SMALL, "--format", "json").output)
    assert data["counts"] == {"Violation": 0, "Warning": 3, "Info": 1}
    turtle = cli("graph-qc", "--graph", SMALL, "--format", "turtle").output
    assert "sh:ValidationReport" in turtle
    report = Graph().parse(data=turtle, format="turtle")
    assert len(report) > 10


def test_graph_qc_cli_missing_file_is_a_usage_error(tmp_path) -> None:
    result = cli("graph-qc", "--graph", tmp_path / "missing.ttl")
    assert result.exit_code == 2 and "missing.ttl" in result.output
