"""SPARQL text in, SPARQL text out: the one check every user query passes, and the
rewrites the server and the remote client make.

- :func:`canonical` expands escapes and line ends, so both engines read one text;
  :func:`prepare` and :func:`checked` parse it (syntax errors with FILE:LINE:COL) and
  refuse ``SERVICE`` and ``FROM`` (nothing may reach the network);
- :func:`with_prefixes` declares the project prefixes a text relies on (a server only
  knows what the text declares); :func:`bind_values` binds variables with a ``VALUES``
  block; :func:`parse_binding` reads ``--bind NAME=VALUE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue

from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.namespaces import PREFIXES, prologue
from iusgraph.graph.terms import BAD_IRI_CHARACTER, sparql_term, to_rdflib
from iusgraph.query.canonical import canonical as canonical
from iusgraph.query.canonical import refuse_remote, text_position


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
        line, column = text_position(text, exc.loc)
        raise InputError(
            f"SPARQL syntax error: {exc.msg}", path=origin, line=line, column=column
        ) from None
    except RecursionError:
        raise InputError(
            "the query is nested too deeply (or has too many patterns in one "
            "group) for the query checker; split it into smaller groups",
            path=origin,
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RuntimeError) as exc:
        raise InputError(f"SPARQL error: {exc}", path=origin) from None
    except Exception as exc:
        # rdflib raises a bare Exception for an unknown prefix and other query errors; any
        # other kind of exception here is a bug, and is not hidden as an input error.
        if type(exc) is not Exception:
            raise
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
        raise InputError(
            "the query is nested too deeply for the query checker; split it into smaller groups",
            path=origin,
        ) from None
    refuse_remote(text, origin, found)
    return query


_DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)


def with_prefixes(text: str) -> str:
    """``text`` after PREFIX lines for the project prefixes it does not declare itself.

    Our queries rely on :data:`iusgraph.graph.namespaces.PREFIXES` being predeclared, as
    rdflib and Oxigraph do locally; a server only knows what the text declares.
    """
    declared = set(_DECLARED_PREFIX.findall(text))
    return (
        prologue(
            (prefix, iri) for prefix, iri in sorted(PREFIXES.items()) if prefix not in declared
        )
        + text
    )


# Tokens that may contain braces, keywords or '#' without being them: IRIs, strings,
# comments, variables, prefixed names and language tags.
_SKIP = re.compile(
    r"""
    <[^<>"{}|^`\\\x00-\x20]*>
  | '''(?:[^'\\]|\\.|'(?!''))*'''
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'
  | "(?:[^"\\\n\r]|\\.)*"
  | \#[^\n]*
  | [?$]\w+
  | @[A-Za-z][A-Za-z0-9-]*
""",
    re.VERBOSE,
)


_WORD = re.compile(r"[^\s{}()\[\],;<>\"'#]+")


#: A prefixed name (SPARQL's PNAME_LN or PNAME_NS): its prefix, the colon and its local part.
_PREFIXED_NAME = re.compile(r"([^\W\d_][\w.\-]*)?:[\w.\-:%]*")


_NAME_RUN = re.compile(r"[\w.\-]+")


def prefixes_used(text: str) -> set[str]:
    """The prefixes of the prefixed names in ``text``, outside IRIs, strings and comments.

    >>> sorted(prefixes_used('SELECT * { ?s a ius:C ; rdfs:label "x:y"^^xsd:string } # ent:'))
    ['ius', 'rdfs', 'xsd']
    """
    found: set[str] = set()
    position = 0
    while position < len(text):
        skip = _SKIP.match(text, position)
        if skip:
            position = skip.end()
            continue
        name = _PREFIXED_NAME.match(text, position)
        if name:
            found.add(name.group(1) or "")
            position = name.end()
            continue
        run = _NAME_RUN.match(text, position)  # a keyword, a number: never part of a name
        position = run.end() if run else position + 1
    return found


_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


_VARNAME = re.compile(r"^\w+$")


def _where_brace(text: str) -> int:
    """The offset of the ``{`` opening the outermost WHERE group of a query."""
    depth = parens = 0
    form: str | None = None
    where_seen = values_open = False
    groups: list[tuple[int, bool]] = []  # top-level '{' offsets; whether after WHERE
    position = 0
    while position < len(text):
        char = text[position]
        skip = _SKIP.match(text, position)
        if skip:
            position = skip.end()
            continue
        if char == "{":
            if depth == 0 and parens == 0:
                if values_open:  # a trailing VALUES block, not a group
                    values_open = False
                else:
                    groups.append((position, where_seen))
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif not char.isspace():
            word = _WORD.match(text, position)
            if word:
                token = word.group().upper()
                if depth == 0 and parens == 0:
                    if token in _FORMS and form is None:
                        form = token
                    elif token == "WHERE":
                        where_seen = True
                    elif token == "VALUES":
                        values_open = True
                position = word.end()
                continue
        position += 1
    after_where = [offset for offset, after in groups if after]
    if form == "CONSTRUCT" and after_where and len(groups) == len(after_where):
        raise IusgraphError(
            "--bind needs a WHERE pattern: the CONSTRUCT WHERE short form "
            "has only a template; write CONSTRUCT { ... } WHERE { ... }"
        )
    if after_where:
        return after_where[0]
    index = 1 if form == "CONSTRUCT" else 0
    if len(groups) <= index:
        raise IusgraphError("--bind needs a query with a WHERE pattern")
    return groups[index][0]


def _term(name: str, value: Any) -> str:
    if not isinstance(value, (URIRef, Literal)):
        raise IusgraphError(f"--bind {name}: bind an IRI or a literal, not {value!r}")
    if isinstance(value, URIRef) and BAD_IRI_CHARACTER.search(str(value)):
        raise IusgraphError(f"--bind {name}: {str(value)!r} is not a valid IRI")
    try:
        return sparql_term(value)
    except ValueError as exc:
        raise IusgraphError(f"--bind {name}: {exc}; bind an IRI or a literal") from None


def bind_values(text: str, bindings: Mapping[str, Any]) -> str:
    """``text`` with ``VALUES`` for ``bindings`` at the start of its outermost WHERE group.

    This is how a server gets rdflib's ``initBindings`` or Oxigraph's substitutions:
    every solution carries the bound value, as if the variable were pre-bound.

    >>> bind_values("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("http://example.org/a")})
    'SELECT ?o WHERE { VALUES (?s) { (<http://example.org/a>) } ?s ?p ?o }'
    """
    if not bindings:
        return text
    names = []
    for name in bindings:
        name = name.lstrip("?$")
        if not _VARNAME.match(name):
            raise IusgraphError(f"--bind {name!r}: not a SPARQL variable name")
        names.append(name)
    values = [_term(name, value) for name, value in zip(names, bindings.values(), strict=True)]
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(values)}) }}"
    brace = _where_brace(text)
    return text[: brace + 1] + block + text[brace + 1 :]


def parse_binding(text: str) -> tuple[str, URIRef | Literal]:
    """``name=value`` where value is a CURIE, an ``<IRI>`` or a plain string, as rdflib
    reads it (the one reader is :func:`iusgraph.query.local.parse_binding`).

    >>> parse_binding("effect=ent:back-pain")
    ('effect', rdflib.term.URIRef('https://w3id.org/iusgraph/entity/back-pain'))
    """
    from iusgraph.query.local import parse_binding as oxigraph_binding

    name, term = oxigraph_binding(text)
    return name, to_rdflib(term)
