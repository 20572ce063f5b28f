"""Errors that the CLI turns into a message and an exit code, never a traceback."""

from __future__ import annotations

import logging

#: Exit codes, documented in the README.
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class IusgraphError(Exception):
    """A problem with the user's input or invocation (exit code 2).

    The message names the file and line, or the node and rule, and says
    what to do.
    """

    exit_code = EXIT_USAGE


class InputError(IusgraphError):
    """Bad input data: a file that does not parse, an unknown id, a bad offset."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = ""
        if path is not None:
            where = path
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)


class NetworkRefused(IusgraphError):
    """A query or document asked for something remote; iusgraph never fetches."""


class _OneLine(logging.Filter):
    """Library warnings as one line: rdflib logs a full traceback for every ill-typed literal."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def one_line_library_logs() -> None:
    """Keep rdflib's loggers from printing tracebacks (the CLI and the query workers)."""
    logger = logging.getLogger("rdflib")
    if not any(isinstance(f, _OneLine) for f in logger.filters):
        logger.addFilter(_OneLine())


class TooManyRows(IusgraphError):
    """An answer longer than the caller's limit: more solutions or triples than
    ``max_rows`` (``unit`` "rows"), or more term text than ``max_bytes`` (``unit``
    "bytes"); ``iusgraph serve --max-rows`` and ``--max-bytes``."""

    def __init__(self, message: str, *, unit: str = "rows", limit: int | None = None) -> None:
        super().__init__(message)
        self.unit = unit
        self.limit = limit
