"""Running SPARQL on the graph: named competency queries, files or text.

No query may reach the network: ``SERVICE`` and ``FROM`` clauses are
refused before anything is evaluated, and rdflib's loading of ``FROM``
graphs is switched off.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib.plugins.sparql as rdflib_sparql
from pyparsing import ParseException
from rdflib import BNode, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result

from iusgraph.errors import InputError, IusgraphError, NetworkRefused
from iusgraph.graph.namespaces import PREFIXES
from iusgraph.graph.resources import queries_dir

# rdflib would otherwise dereference FROM <iri> graphs over HTTP.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False

FORMATS = ("table", "csv", "tsv", "json", "xml")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    question: str

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def expected_path(self) -> Path:
        return self.path.with_suffix(".expected.csv")

    @property
    def examples(self) -> list[str]:
        """The ``# example: VAR=VALUE`` bindings its expected answer was made with."""
        return [line.split(":", 1)[1].strip() for line in self.text.splitlines()
                if line.startswith("# example:")]


def _question(path: Path) -> str:
    """The first line of a query file's opening comment, which states its question or rule."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.lstrip("#").strip() if first.startswith("#") else ""


def named_queries(kind: str = "cq") -> dict[str, NamedQuery]:
    """The queries of ``queries/<kind>/`` by file stem."""
    folder = queries_dir() / kind
    return {p.stem: NamedQuery(p.stem, p, _question(p)) for p in sorted(folder.glob("*.rq"))}


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
    raise IusgraphError(f"unknown query {name_or_file!r}. Available competency queries: "
                        f"{available} (QC checks as qc/<name>), or give a .rq file or --sparql")


def _position(text: str, loc: int) -> tuple[int, int]:
    line = text.count("\n", 0, loc) + 1
    column = loc - (text.rfind("\n", 0, loc) + 1) + 1
    return line, column


#: SPARQL 1.1 §19.2 codepoint escapes, and anything rdflib's own expansion would still take
#: for one (it matches ``\\u`` with 4 or 8 digits, in either case).
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFTOVER_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
#: Whitespace or comments between two tokens, as any engine may read them: a comment here
#: ends at any line or page break, not only where rdflib or Oxigraph end it.
_GAP = r"(?:\s|#[^\n\r\x0b\x0c\x85\u2028\u2029]*)*"
#: ``SERVICE`` or ``FROM`` standing as a keyword and followed by what can only be their
#: operand (an IRI, a prefixed name or a variable), wherever they are: in code, comments
#: or strings. Found on the exact text the engine gets, so no parser decides what hides it.
_REMOTE_CLAUSE = re.compile(
    r"(?<![\w?$:.\-])(SERVICE" + _GAP + r"(?:SILENT" + _GAP + r")?(?:<|[?$]|[^\W\d][\w.\-]*:|:)"
    r"|FROM" + _GAP + r"(?:NAMED" + _GAP + r")?(?:<|[^\W\d][\w.\-]*:|:))",
    re.IGNORECASE)


def canonical(text: str, origin: str = "<query>") -> str:
    """The query text both engines read the same way: escapes expanded, one line end.

    SPARQL 1.1 (§19.2) expands ``\\uXXXX`` and ``\\UXXXXXXXX`` before parsing; rdflib
    does so everywhere, Oxigraph only inside strings and IRIs, and Oxigraph also ends a
    comment at a carriage return where rdflib does not. So the escapes are expanded here,
    once, every line end becomes ``\\n``, and the engines are given this text, never the
    original: the refusal then acts on the text they run.

    >>> canonical('SELECT * { # c\\rSERVICE <http://x/> {} }'.replace("\\\\r", "\\r"))
    'SELECT * { # c\\nSERVICE <http://x/> {} }'
    >>> canonical(r'SELECT ("caf\\u00E9" AS ?x) {}')
    'SELECT ("café" AS ?x) {}'
    """
    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            line, column = _position(text, match.start())
            raise InputError(f"{match.group(0)} is not a Unicode character (a surrogate or past "
                             "U+10FFFF); write the character itself, or \\U0001F600 for one "
                             "beyond U+FFFF", path=origin, line=line, column=column)
        return chr(code)

    expanded = _ESCAPE.sub(expand, text)
    leftover = _LEFTOVER_ESCAPE.search(expanded)
    if leftover:
        line, column = _position(expanded, leftover.start())
        raise InputError("an escape sequence expands to another escape sequence "
                         f"({leftover.group(0)}); write the character itself", path=origin,
                         line=line, column=column)
    try:
        expanded.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, column = _position(expanded, exc.start)
        raise InputError("the query holds a lone surrogate, which is not a character; "
                         "write the character itself", path=origin, line=line,
                         column=column) from None
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def _refuse_remote(text: str, origin: str, found: list[str]) -> None:
    if found:
        raise NetworkRefused(
            f"{origin}: refused {', '.join(sorted(set(found)))}: iusgraph never sends "
            "queries or fetches graphs over the network; query the local graph, or load "
            "other data with --graph FILE")
    match = _REMOTE_CLAUSE.search(text)
    if match:
        line, column = _position(text, match.start())
        keyword = match.group(0).split(None, 1)[0].split("#", 1)[0].upper()
        raise NetworkRefused(
            f"{origin}:{line}:{column}: refused {keyword}: the text holds {keyword} followed by "
            "an IRI or a variable, even if a parser reads it as a comment or a string; "
            "iusgraph never sends queries or fetches graphs over the network, so remove it")


def prepare(text: str, origin: str = "<query>") -> Any:
    """Parse and check :func:`canonical` ``text``; refuse anything that would reach the network.

    Returns rdflib's prepared query of the canonical text; :func:`checked` gives the text.
    """
    return _prepare(canonical(text, origin), origin)


def checked(text: str, origin: str = "<query>") -> str:
    """The canonical text of a query that passed :func:`prepare`: what an engine may run."""
    clean = canonical(text, origin)
    _prepare(clean, origin)
    return clean


def _prepare(text: str, origin: str) -> Any:
    try:
        query = prepareQuery(text, initNs=PREFIXES)
    except ParseException as exc:
        line, column = _position(text, exc.loc)
        raise InputError(f"SPARQL syntax error: {exc.msg}", path=origin, line=line,
                         column=column) from None
    except RecursionError:
        raise InputError("the query is nested too deeply (or has too many patterns in one "
                         "group) for the query checker; split it into smaller groups",
                         path=origin) from None
    except Exception as exc:  # rdflib raises bare Exceptions for unknown prefixes etc.
        raise InputError(f"SPARQL error: {exc}", path=origin) from None
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(f"SERVICE <{node.get('term')}>")
            # CompValue.get() answers a missing key with its name; read the dict itself.
            if dict.get(node, "datasetClause"):
                found.append("FROM / FROM NAMED")
        return None

    try:
        traverse(query.algebra, visitPre=visit)
    except RecursionError:
        raise InputError("the query is nested too deeply for the query checker; split it "
                         "into smaller groups", path=origin) from None
    _refuse_remote(text, origin, found)
    return query


def run(graph: Graph, text: str, origin: str = "<query>") -> Result:
    return graph.query(prepare(text, origin))


def run_select(graph: Graph, text: str) -> list[dict[str, Any]]:
    """SELECT rows as dicts of variable name to term (missing bindings omitted)."""
    result = run(graph, text)
    return [{str(k): v for k, v in row.asdict().items()} for row in result]  # type: ignore[union-attr]


def shorten(term: Any) -> str:
    """A CURIE for IRIs under the project prefixes, ``<iri>`` otherwise, text for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if str(term).startswith(iri):
                return f"{prefix}:{str(term)[len(iri):]}"
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _tsv_term(term: Any) -> str:
    """SPARQL 1.1 TSV writes terms in N-Triples syntax."""
    return "" if term is None else term.n3()  # type: ignore[no-any-return]


def format_result(result: Result, fmt: str) -> str:
    """Render a result as a table, or in a SPARQL 1.1 results format."""
    if fmt not in FORMATS:
        raise IusgraphError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return result.serialize(format=fmt).decode("utf-8")  # type: ignore[union-attr]
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="turtle")  # type: ignore[union-attr]
    if fmt in ("json", "xml"):
        return result.serialize(format=fmt).decode("utf-8")  # type: ignore[union-attr]
    variables = [str(v) for v in result.vars or []]
    rows = [[r.get(v) for v in variables] for r in (row.asdict() for row in result)]  # type: ignore[union-attr]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else str(t) for t in row])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return "\n".join(lines) + "\n"
    cells = [[shorten(t) for t in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join([line, rule, *body, f"({len(cells)} rows)"]) + "\n"
