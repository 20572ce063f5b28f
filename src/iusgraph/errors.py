"""Errors that the CLI turns into a message and an exit code, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logging import LogRecord

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


def _one_line(record: LogRecord) -> bool:
    """A logging filter: library warnings as one line (rdflib logs a full traceback for
    every ill-typed literal)."""
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return True


def one_line_library_logs() -> None:
    """Keep rdflib's loggers from printing tracebacks (the CLI and the query workers).

    rdflib logs from child loggers (``rdflib.term``), and a logger's own filters never see
    a child's records, so the filter sits on a handler of the ``rdflib`` logger, which
    writes to the ``sys.stderr`` of the moment and stops the records there. ``logging``
    is imported here, not at startup: ``iusgraph --help`` never logs.
    """
    import logging
    import sys

    class OneLine(logging.StreamHandler):  # type: ignore[type-arg]
        """Warnings of rdflib, one line each, on the current standard error."""

        @property
        def stream(self) -> Any:
            return sys.stderr

        @stream.setter
        def stream(self, _value: Any) -> None:
            """The stream is always the current standard error."""

    logger = logging.getLogger("rdflib")
    if any(handler.get_name() == "iusgraph-one-line" for handler in logger.handlers):
        return
    handler = OneLine()
    handler.set_name("iusgraph-one-line")
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("warning: %(name)s: %(message)s"))
    handler.addFilter(_one_line)
    logger.addHandler(handler)
    logger.propagate = False


class TooManyRows(IusgraphError):
    """An answer longer than the caller's limit: more solutions or triples than
    ``max_rows`` (``unit`` "rows"), or more term text than ``max_bytes`` (``unit``
    "bytes"); ``iusgraph serve --max-rows`` and ``--max-bytes``."""

    def __init__(self, message: str, *, unit: str = "rows", limit: int | None = None) -> None:
        super().__init__(message)
        self.unit = unit
        self.limit = limit
