"""The one table of syntaxes iusgraph reads and writes: file suffixes and media types.

Every command, both engines, the endpoint, the pages and the remote client read their
suffixes, media types and parser names from here, so they cannot disagree (a suffix one
command accepts and another refuses, a media type the server writes that the client
cannot read). Nothing here imports an engine: Oxigraph's formats are named by the
``ox.RdfFormat`` attribute and looked up where a file is parsed.

>>> RDF_SUFFIXES[".owl"].oxigraph, RDF_SUFFIXES[".owl"].rdflib
('RDF_XML', 'xml')
>>> GRAPH_TYPES["text/turtle"], GRAPH_TYPES["application/rdf+xml"], RESULT_TYPES["text/csv"]
('turtle', 'xml', 'csv')
>>> FORMAT_PARAMETER["rdf"]
'application/rdf+xml'
>>> with_charset("text/turtle"), with_charset("application/ld+json")
('text/turtle; charset=utf-8', 'application/ld+json')
>>> file_media_type("iusgraph.fhir.json"), file_media_type("ontology/iusgraph.ttl")
('application/fhir+json', 'text/turtle')
>>> file_media_type("notes.docx") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfSyntax:
    """An RDF syntax: its media type, the file suffixes that name it, and its name in
    rdflib's and Oxigraph's parsers."""

    name: str
    title: str
    media_type: str
    suffixes: tuple[str, ...]
    rdflib: str
    oxigraph: str
    #: Whether the endpoint and the pages answer in it (the linked-data descriptions).
    served: bool = False
    #: Its name under http://www.w3.org/ns/formats/ (the service description's
    #: ``sd:resultFormat``).
    w3c_format: str = ""

    @property
    def parameter(self) -> str:
        """Its name in ``?format=`` on the linked-data pages: the first suffix."""
        return self.suffixes[0].lstrip(".")


#: The RDF syntaxes, best first: the first served one is the default answer to ``*/*``.
RDF_SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "Turtle", "text/turtle", (".ttl",), "turtle", "TURTLE", True, "Turtle"),
    RdfSyntax(
        "ntriples",
        "N-Triples",
        "application/n-triples",
        (".nt",),
        "nt",
        "N_TRIPLES",
        True,
        "N-Triples",
    ),
    RdfSyntax(
        "jsonld",
        "JSON-LD",
        "application/ld+json",
        (".jsonld",),
        "json-ld",
        "JSON_LD",
        True,
        "JSON-LD",
    ),
    RdfSyntax("n3", "N3", "text/n3", (".n3",), "n3", "N3", w3c_format="N3"),
    # Served because rdflib's SPARQLStore and SPARQLWrapper's default for CONSTRUCT and
    # DESCRIBE ask for RDF/XML and nothing else (the interoperability review, defect 3).
    RdfSyntax(
        "rdfxml",
        "RDF/XML",
        "application/rdf+xml",
        (".rdf", ".owl"),
        "xml",
        "RDF_XML",
        True,
        "RDF_XML",
    ),
    RdfSyntax("trig", "TriG", "application/trig", (), "trig", "TRIG", w3c_format="TriG"),
    RdfSyntax(
        "nquads", "N-Quads", "application/n-quads", (), "nquads", "N_QUADS", w3c_format="N-Quads"
    ),
)
#: The syntaxes the endpoint and the linked-data pages answer in, best first.
SERVED_SYNTAXES: tuple[RdfSyntax, ...] = tuple(s for s in RDF_SYNTAXES if s.served)

#: The RDF files iusgraph reads, by suffix: one table for every command and engine.
RDF_SUFFIXES: dict[str, RdfSyntax] = {
    suffix: syntax for syntax in RDF_SYNTAXES for suffix in syntax.suffixes
}

#: CONSTRUCT and DESCRIBE answers (and linked-data descriptions) by media type, best
#: first, as rdflib format names. text/plain is N-Triples, as SPARQL 1.1 allows.
GRAPH_TYPES: dict[str, str] = {
    **{s.media_type: s.rdflib for s in SERVED_SYNTAXES},
    "text/plain": "nt",
}

#: Every RDF media type: a POST of one is a graph store write, which the endpoint
#: refuses (405); the remote client parses CONSTRUCT answers in any of them.
RDF_TYPES: dict[str, str] = {s.media_type: s.rdflib for s in RDF_SYNTAXES}

#: SELECT and ASK answers by media type, best first (the default for */*), as the
#: names of :func:`iusgraph.query.results.format_result`.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
#: ASK has no CSV or TSV form in SPARQL 1.1.
BOOLEAN_TYPES: dict[str, str] = {k: v for k, v in RESULT_TYPES.items() if v in ("json", "xml")}
#: The SPARQL results syntaxes rdflib parses (the remote client reads these).
PARSED_RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
}

#: Short names for ``?format=`` on the linked-data pages.
FORMAT_PARAMETER: dict[str, str] = {
    **{s.parameter: s.media_type for s in SERVED_SYNTAXES},
    "html": "text/html",
}

#: How ``query`` writes an answer: a table for people, or a SPARQL 1.1 results format.
QUERY_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml")
#: How a validation report is written (:meth:`iusgraph.validation.report.Report.render`):
#: text, JSON, or a SHACL validation report in Turtle.
REPORT_FORMATS: tuple[str, ...] = ("text", "json", "turtle")
#: How the analysis commands (stats, explain, agreement) write their answers.
ANSWER_FORMATS: tuple[str, ...] = ("text", "json")
#: How ``diff`` writes the differences (:meth:`iusgraph.release.diff.GraphDiff.render`):
#: text, JSON, or Markdown for a pull-request comment.
DIFF_FORMATS: tuple[str, ...] = ("text", "json", "markdown")

#: The media types of the other files iusgraph writes (exports for apps, release files),
#: by suffix; RDF files take theirs from :data:`RDF_SYNTAXES`. TriG and N-Quads have no
#: suffix there (no command reads them), so their written files are named here.
FILE_TYPES: dict[str, str] = {
    ".trig": next(s.media_type for s in RDF_SYNTAXES if s.name == "trig"),
    ".nq": next(s.media_type for s in RDF_SYNTAXES if s.name == "nquads"),
    ".fhir.json": "application/fhir+json",
    ".json": "application/json",
    # Not registered with IANA; the name GraphML tools use.
    ".graphml": "application/graphml+xml",
    ".tsv": "text/tab-separated-values",
    ".md": "text/markdown",
}


def file_media_type(name: str) -> str | None:
    """The media type of a file iusgraph writes, by its longest known suffix (None if
    none is known): the release description's ``dcat:mediaType``."""
    known = {**{k: v.media_type for k, v in RDF_SUFFIXES.items()}, **FILE_TYPES}
    for suffix in sorted(known, key=len, reverse=True):
        if name.endswith(suffix):
            return known[suffix]
    return None


TEXT = "text/plain; charset=utf-8"
HTML = "text/html"


def with_charset(media_type: str) -> str:
    """The Content-Type for ``media_type``: text types say they are UTF-8."""
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type
