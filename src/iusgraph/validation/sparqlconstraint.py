"""SPARQL-based constraints (SHACL 5): what a constraint's query must not hold, and when
pre-binding ``$this`` is the same as joining the query with the focus nodes.

Both read the query's code with its strings, IRIs and comments blanked out
(:func:`sparql_code`); ``SERVICE`` and ``FROM`` are refused on the whole exact text, as
everywhere else (:func:`iusgraph.query.canonical.refuse_remote`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iusgraph.errors import InputError
from iusgraph.query.canonical import refuse_remote

#: SHACL 5.3.1.1 forbids these in a SPARQL-based constraint (pre-binding is undefined).
_FORBIDDEN = re.compile(r"\b(MINUS|VALUES)\b|\bAS\s*[?$](this|value|PATH)\b", re.IGNORECASE)


_SUBSELECT = re.compile(r"\{\s*SELECT\b(?P<projection>.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)


#: A string, an IRI or a comment of a SPARQL text (after canonical(): one line end).
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
)


def sparql_code(text: str) -> str:
    """``text`` with its strings, IRIs and comments blanked out (same length), so that
    keywords and braces are read where the engine reads them.

    >>> sparql_code('SELECT * { ?s ?p "MINUS {" } # VALUES')
    'SELECT * { ?s ?p           }         '
    """
    return _NOT_CODE.sub(lambda m: " " * len(m.group(0)), text)


def refuse_unsafe_sparql(text: str, rule: str) -> None:
    """Refuse what a SPARQL-based constraint must not hold: ``SERVICE`` or ``FROM``
    (nothing may reach the network; :func:`iusgraph.query.canonical.refuse_remote` reads the
    exact text, comments and strings included), and what SHACL 5.3.1.1 forbids
    (``MINUS``, ``VALUES``, ``AS $this``, a subquery that does not return ``$this``),
    read in the code of the query.

    :raises NetworkRefused: for SERVICE or FROM
    :raises InputError: for the others, naming the rule
    """
    refuse_remote(text, rule)
    code = sparql_code(text)
    found = _FORBIDDEN.search(code)
    if found:
        raise InputError(
            f"{rule}: a SPARQL-based constraint must not use {found.group(0).strip()} "
            "(SHACL 5.3.1.1: $this is pre-bound); rewrite the query without it"
        )
    for sub in _SUBSELECT.finditer(code):
        if not re.search(r"[?$]this\b", sub.group("projection")):
            raise InputError(
                f"{rule}: a subquery of a SPARQL-based constraint must return $this "
                "(SHACL 5.3.1.1); add $this to its SELECT"
            )


def this_prebinding_is_a_join(text: str) -> bool:
    """Whether pre-binding ``$this`` equals joining the query with the focus nodes.

    The focus nodes are joined to the WHERE group. A group that ``EXISTS { }`` or
    ``OPTIONAL { }`` opens sees the bindings of the group around it; any other group
    (a UNION branch, a nested group, a subquery's WHERE) is evaluated on its own, so
    where it uses ``$this`` it must bind it itself, in a triple pattern at its own level
    (not only inside a FILTER or BIND expression). Where one does not, a join would
    leave ``$this`` unbound there, and the constraint goes to pySHACL.

    >>> this_prebinding_is_a_join(
    ...     "SELECT $this WHERE { { $this a ?c } UNION { $this ?p ?o FILTER($this != ?o) } }")
    True
    >>> this_prebinding_is_a_join("SELECT $this WHERE { { FILTER($this = <urn:x>) } }")
    False
    """
    code = sparql_code(text)
    where = re.search(r"\bWHERE\s*\{", code, re.IGNORECASE)
    if where is None:
        return False

    @dataclass
    class Group:
        parent: Group | None
        inherits: bool  # the root, or a group EXISTS or OPTIONAL opens
        binds: bool = False  # $this in a triple pattern at its own level
        uses: bool = False  # $this at its own level, in an expression
        parens: int = 0

    groups = [Group(None, True, binds=True)]  # the WHERE group: joined with the targets
    current = groups[0]
    for match in re.finditer(r"[{}()]|[?$]this\b", code[where.end() :]):
        token = match.group(0)
        if token == "{":
            before = code[: where.end() + match.start()]
            opened = bool(re.search(r"\b(EXISTS|OPTIONAL)\s*$", before, re.IGNORECASE))
            current = Group(current, opened)
            groups.append(current)
        elif token == "}":
            if current.parent is None:
                break  # the end of the WHERE group
            current = current.parent
        elif token == "(":
            current.parens += 1
        elif token == ")":
            current.parens = max(current.parens - 1, 0)
        elif current.parens:
            current.uses = True
        else:
            current.binds = True

    def bound(group: Group) -> bool:
        if group.binds:
            return True
        return group.inherits and group.parent is not None and bound(group.parent)

    return all(bound(group) for group in groups if group.uses)
