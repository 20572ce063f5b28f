"""The query catalogue: the competency queries (``queries/cq/``) and the QC checks
(``queries/qc/*-violation.rq``), read from the files and their comment headers.

A query file opens with comment lines: the first states its question (or rule), and
``# key: value`` lines give metadata, ODK-style: ``# rule:`` and ``# severity:`` for a QC
check, ``# example: VAR=VALUE`` for the binding a competency query's expected answer was
made with. :func:`comment_header` is the one reader of that header.

>>> header = comment_header("# rule: no blank nodes\\n# severity: warning\\nSELECT * {}")
>>> header.title, header.first("severity"), header.first("example")
('rule: no blank nodes', 'warning', '')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iusgraph.defaults import SEVERITIES
from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.resources import queries_dir


@dataclass(frozen=True)
class Header:
    """The opening comment of a query (or fixture) file."""

    #: The text of its first line, without the ``#``.
    title: str
    #: The ``# key: value`` lines, by lower-case key, in file order.
    fields: dict[str, list[str]]

    def first(self, key: str, default: str = "") -> str:
        """The first value given for ``key``."""
        values = self.fields.get(key)
        return values[0] if values else default


def comment_header(text: str) -> Header:
    """The header of a file: its leading ``#`` lines, up to the first line that is not one."""
    title = ""
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines()):
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if number == 0:
            title = body
        key, sep, value = body.partition(":")
        if sep and key.strip():
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    return Header(title, fields)


@dataclass(frozen=True)
class NamedQuery:
    """A query file of the catalogue."""

    name: str
    path: Path
    question: str

    @property
    def text(self) -> str:
        """The SPARQL text of the file."""
        return self.path.read_text(encoding="utf-8")

    @property
    def expected_path(self) -> Path:
        """The file of its expected answer, ``<name>.expected.csv`` beside it."""
        return self.path.with_suffix(".expected.csv")

    @property
    def header(self) -> Header:
        """The title and fields of its leading comment lines (:func:`comment_header`)."""
        return comment_header(self.text)

    @property
    def examples(self) -> list[str]:
        """The ``# example: VAR=VALUE`` bindings its expected answer was made with."""
        return self.header.fields.get("example", [])


def named_queries(kind: str = "cq") -> dict[str, NamedQuery]:
    """The queries of ``queries/<kind>/`` by file stem."""
    folder = queries_dir() / kind
    return {
        p.stem: NamedQuery(p.stem, p, comment_header(p.read_text(encoding="utf-8")).title)
        for p in sorted(folder.glob("*.rq"))
    }


def resolve_query(name_or_file: str) -> tuple[str, str]:
    """Return (label, SPARQL text) for a competency-query name or a .rq file."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.is_file():
        try:
            return str(path), path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read query file: {exc.strerror}", path=str(path)) from None
    for kind in ("cq", "qc"):
        known = named_queries(kind)
        stem = name_or_file.removeprefix(f"{kind}/")
        if stem in known and (kind == "cq" or name_or_file.startswith("qc/")):
            return stem, known[stem].text
    available = ", ".join(sorted(named_queries("cq")))
    raise IusgraphError(
        f"unknown query {name_or_file!r}. Available competency queries: "
        f"{available} (QC checks as qc/<name>), or give a .rq file or --sparql"
    )


#: A QC check's ``# severity:`` as a SHACL severity name (Violation when it has none).
QC_SEVERITIES = {severity.lower(): severity for severity in SEVERITIES}


@dataclass(frozen=True)
class QCQuery:
    """A QC check: every row it returns is a finding of ``severity``."""

    name: str
    rule: str
    severity: str
    text: str


def qc_queries() -> list[QCQuery]:
    """The ``queries/qc/*-violation.rq`` files, with the rule and severity in their header."""
    out = []
    for name, query in sorted(named_queries("qc").items()):
        header = query.header
        severity = QC_SEVERITIES.get(header.first("severity").lower(), "Violation")
        out.append(QCQuery(name, header.first("rule"), severity, query.text))
    return out
