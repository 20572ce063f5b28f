"""Errors that the CLI turns into a message and an exit code, never a traceback."""

from __future__ import annotations

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

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
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
