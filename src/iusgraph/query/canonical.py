"""The text an engine runs: escapes expanded and one line end (:func:`canonical`), and
the refusal of ``SERVICE`` and ``FROM`` read on that exact text (:func:`refuse_remote`).

Plain regular expressions, no RDF library: the query path that never imports rdflib runs
these on every text, cached verdict of the parser or not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iusgraph.errors import InputError, NetworkRefused


def text_position(text: str, loc: int) -> tuple[int, int]:
    """The 1-based line and column of offset ``loc`` in ``text``.

    >>> text_position("a\\nbc", 3)
    (2, 2)
    """
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
    re.IGNORECASE,
)


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
            line, column = text_position(text, match.start())
            raise InputError(
                f"{match.group(0)} is not a Unicode character (a surrogate or past "
                "U+10FFFF); write the character itself, or \\U0001F600 for one "
                "beyond U+FFFF",
                path=origin,
                line=line,
                column=column,
            )
        return chr(code)

    expanded = _ESCAPE.sub(expand, text)
    leftover = _LEFTOVER_ESCAPE.search(expanded)
    if leftover:
        line, column = text_position(expanded, leftover.start())
        raise InputError(
            "an escape sequence expands to another escape sequence "
            f"({leftover.group(0)}); write the character itself",
            path=origin,
            line=line,
            column=column,
        )
    try:
        expanded.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, column = text_position(expanded, exc.start)
        raise InputError(
            "the query holds a lone surrogate, which is not a character; "
            "write the character itself",
            path=origin,
            line=line,
            column=column,
        ) from None
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def refuse_remote(text: str, origin: str = "<query>", found: Sequence[str] = ()) -> None:
    """Refuse ``SERVICE`` and ``FROM`` in ``text``, read on the exact text as
    :func:`canonical` gives it (also the SPARQL of a shape, run without a parser's check).

    :param found: what a parser's reading of the text already found (its SERVICE and
        FROM clauses), refused first
    :raises NetworkRefused: naming ``origin``, the line and the column
    """
    if found:
        raise NetworkRefused(
            f"{origin}: refused {', '.join(sorted(set(found)))}: iusgraph never sends "
            "queries or fetches graphs over the network; query the local graph, or load "
            "other data with --graph FILE"
        )
    match = _REMOTE_CLAUSE.search(text)
    if match:
        line, column = text_position(text, match.start())
        keyword = match.group(0).split(None, 1)[0].split("#", 1)[0].upper()
        raise NetworkRefused(
            f"{origin}:{line}:{column}: refused {keyword}: the text holds {keyword} followed by "
            "an IRI or a variable, even if a parser reads it as a comment or a string; "
            "iusgraph never sends queries or fetches graphs over the network, so remove it"
        )
