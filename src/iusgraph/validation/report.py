"""One report style for SHACL results, QC queries and Python checks.

Text is for people, JSON for CI tools, Turtle is a SHACL
``sh:ValidationReport`` so SHACL tooling can read it too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, astuple, dataclass, field
from typing import TYPE_CHECKING, Any

from iusgraph.defaults import SEVERITIES
from iusgraph.errors import IusgraphError
from iusgraph.graph.prefixes import PREFIXES

if TYPE_CHECKING:
    from rdflib import URIRef


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (focus node), what rule, how bad, and what it says."""

    severity: str  # Violation | Warning | Info
    focus: str
    label: str
    rule: str
    message: str
    component: str = ""
    path: str = ""
    value: str = ""


@dataclass
class Report:
    """The findings of some checks, with the checks' names, their counts and notes."""

    findings: list[Finding] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: How each SHACL shape was checked, by rule name (``validate --explain-coverage``);
    #: rendered only when it is not empty.
    coverage: dict[str, str] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        """Record one finding."""
        self.findings.append(finding)

    def extend(self, other: Report) -> None:
        """Take in another report's findings, checks, stats and notes."""
        self.findings.extend(other.findings)
        self.checks.extend(other.checks)
        self.stats.update(other.stats)
        self.notes.extend(other.notes)
        self.coverage.update(other.coverage)

    @property
    def conforms(self) -> bool:
        """Warnings and infos are reported but do not fail the data."""
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """The number of findings of each severity: SHACL's three always, then any custom
        severity (an IRI) that occurs."""
        custom = sorted({f.severity for f in self.findings} - set(SEVERITIES))
        return {s: sum(1 for f in self.findings if f.severity == s) for s in (*SEVERITIES, *custom)}

    def sorted_findings(self) -> list[Finding]:
        """The findings by severity (violations first, custom severities last), rule, focus
        node, path and message."""
        return sorted(
            self.findings,
            key=lambda f: (_rank(f.severity), f.severity, f.rule, f.focus, f.path, f.message),
        )

    def to_text(self) -> str:
        """The report for a reader: one block per finding, the notes, then the verdict line."""
        lines: list[str] = []
        for f in self.sorted_findings():
            node = f.focus if f.focus.startswith("_:") else f"<{f.focus}>"
            where = f"{f.label} {node}" if f.label and f.label != f.focus else node
            detail = f" [{f.component}]" if f.component else ""
            path = f" path {f.path}" if f.path else ""
            lines.append(
                f"{f.severity.upper()}: {where}{path}\n  rule: {f.rule}{detail}\n  {f.message}"
            )
        counts = self.counts()
        summary = ", ".join(
            f"{n} {s.lower()}{'s' if n != 1 else ''}" if s in SEVERITIES else f"{n} <{s}>"
            for s, n in counts.items()
        )
        stats = "".join(f"; {v} {k}" for k, v in sorted(self.stats.items()))
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"coverage: {rule}: {how}" for rule, how in sorted(self.coverage.items())]
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{verdict}: {summary}{stats}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON: verdict, counts, checks, stats, notes and results."""
        return (
            json.dumps(
                {
                    "conforms": self.conforms,
                    "counts": self.counts(),
                    "checks": self.checks,
                    "stats": dict(sorted(self.stats.items())),
                    "notes": self.notes,
                    **({"coverage": dict(sorted(self.coverage.items()))} if self.coverage else {}),
                    "results": [asdict(f) for f in self.sorted_findings()],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    def dump(self) -> str:
        """Everything the report holds, as JSON that :meth:`load` reads back to an equal
        report (the cache of ``iusgraph validate`` keeps this)."""
        return json.dumps(
            {
                "findings": [list(astuple(f)) for f in self.findings],
                "checks": self.checks,
                "stats": self.stats,
                "notes": self.notes,
                "coverage": self.coverage,
            },
            ensure_ascii=False,
        )

    @classmethod
    def load(cls, text: str) -> Report:
        """The report :meth:`dump` wrote.

        >>> report = Report([Finding("Warning", "urn:x", "x", "rule", "message")], ["c"])
        >>> Report.load(report.dump()) == report
        True
        """
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                findings=[Finding(*row) for row in data["findings"]],
                checks=list(data["checks"]),
                stats=dict(data["stats"]),
                notes=list(data["notes"]),
                coverage=dict(data["coverage"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise IusgraphError(f"not a dumped report: {exc}") from None

    def to_turtle(self) -> str:
        """The report as a SHACL ``sh:ValidationReport`` in Turtle."""
        from rdflib import BNode, Graph, Literal, URIRef
        from rdflib.namespace import RDF, XSD

        from iusgraph.graph.namespaces import SH, bind_prefixes

        graph = Graph()
        bind_prefixes(graph)
        report = BNode("report")
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms, datatype=XSD.boolean)))
        for number, f in enumerate(self.sorted_findings()):
            node = BNode(f"r{number}")
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            severity = SH[f.severity] if f.severity in SEVERITIES else URIRef(f.severity)
            graph.add((node, SH.resultSeverity, severity))
            graph.add(
                (
                    node,
                    SH.focusNode,
                    BNode(f.focus[2:]) if f.focus.startswith("_:") else URIRef(f.focus),
                )
            )
            graph.add((node, SH.resultMessage, Literal(f.message)))
            graph.add((node, SH.sourceShape, _term(f.rule)))
            if f.component:
                graph.add((node, SH.sourceConstraintComponent, _term(f.component)))
            if f.path:
                graph.add((node, SH.resultPath, _term(f.path)))
            if f.value:
                graph.add((node, SH.value, Literal(f.value)))
        return graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        """The report in the format ``fmt``: ``text``, ``json`` or ``turtle``."""
        return {"text": self.to_text, "json": self.to_json, "turtle": self.to_turtle}[fmt]()


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _term(text: str) -> URIRef:
    """Rules are IRIs, CURIEs of known prefixes, or names (made into urn:iusgraph:)."""

    from rdflib import URIRef

    if "://" in text:
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return URIRef("urn:iusgraph:check:" + text.replace(":", "/"))
