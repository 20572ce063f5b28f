"""How the command-line process ends (``iusgraph.exiting``): at once, without freeing, when a
command kept its store; the usual way otherwise; and never in a caller that did not arm it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from iusgraph import exiting

from .helpers import FIXTURES, ROOT

#: A conforming base graph plus a claim without a rank: one violation (exit 1).
INVALID = [FIXTURES / "shapes" / "base.ttl", FIXTURES / "shapes" / "invalid" / "ClaimShape.ttl"]

#: ``python -m iusgraph`` with argv, after an atexit handler that says it ran.
ENTRY = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('atexit handlers ran', file=sys.stderr))\n"
    "import runpy\n"
    "sys.argv = ['iusgraph', *sys.argv[1:]]\n"
    "runpy.run_module('iusgraph', run_name='__main__')\n"
)


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def unarmed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``exiting`` as a fresh process has it, restored afterwards (run() arms it), with
    ``os._exit`` recorded instead of ending the test's process."""
    exits: list[int] = []
    monkeypatch.setattr(exiting, "_armed", False)
    monkeypatch.setattr(exiting, "_kept", [])

    def fake_exit(status: int) -> None:
        exits.append(status)
        raise SystemExit(f"os._exit({status})")

    monkeypatch.setattr(os, "_exit", fake_exit)
    return exits


#: What a command ends with: ``sys.exit(code)``, or returning (RETURN).
RETURN = "return"


def _command(keeps: bool, code: int | str | None) -> Callable[[], None]:
    def command() -> None:
        if keeps:
            exiting.keep(object())
        if code != RETURN:
            sys.exit(code)

    return command


def test_keep_keeps_nothing_unless_run_armed_it(unarmed: list[int]) -> None:
    exiting.keep(object())
    assert exiting.kept() == 0


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (2, 2), (RETURN, 0)])
def test_a_command_that_kept_its_store_ends_at_once_with_its_status(
    unarmed: list[int], code: int | str | None, status: int
) -> None:
    with pytest.raises(SystemExit, match=r"os\._exit"):
        exiting.run(_command(True, code))
    assert unarmed == [status]


def test_a_message_given_to_sys_exit_is_written_with_status_1(
    unarmed: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit, match=r"os\._exit"):
        exiting.run(_command(True, "iusgraph: stopped"))
    assert unarmed == [1]
    assert capsys.readouterr().err == "iusgraph: stopped\n"


@pytest.mark.parametrize(("code", "status"), [(2, 2), (RETURN, 0)])
def test_a_command_that_kept_nothing_ends_the_usual_way(
    unarmed: list[int], code: int | str | None, status: int
) -> None:
    with pytest.raises(SystemExit) as raised:
        exiting.run(_command(False, code))
    assert unarmed == []
    assert exiting.exit_status(raised.value.code) == status


def test_the_process_validating_files_ends_without_its_teardown_and_says_everything() -> None:
    """The real process: its report is whole and its status is the report's, and it ended
    before the atexit handlers (so before anything was freed)."""
    done = _process("validate", "--format", "json", *map(str, INVALID))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [finding["rule"] for finding in report["results"]] == ["shape:ClaimShape/ius:rank"]
    assert "atexit handlers ran" not in done.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["query", "--list"], 0),
        (["query", "uses", "--format", "csv"], 0),
        (["validate", str(FIXTURES / "missing.ttl")], 2),
    ],
)
def test_a_process_whose_command_kept_nothing_runs_its_atexit_handlers(
    args: list[str], status: int
) -> None:
    done = _process(*args)
    assert done.returncode == status, done.stderr
    assert "atexit handlers ran" in done.stderr


def test_a_query_on_given_files_ends_without_its_teardown_and_writes_every_row() -> None:
    """``query --graph FILE`` keeps the store of its files: the answer is whole (one row per
    claim of the fixture, as on the fixture read by the same command in-process)."""
    from click.testing import CliRunner

    from iusgraph.cli import main

    args = ["query", "--format", "csv", "--sparql", "SELECT ?c WHERE { ?c a ?t } ORDER BY ?c"]
    for path in INVALID:
        args += ["--graph", str(path)]
    done = _process(*args)
    assert done.returncode == 0, done.stderr
    assert "atexit handlers ran" not in done.stderr
    in_process = CliRunner().invoke(main, args)
    assert in_process.exit_code == 0, in_process.output
    assert done.stdout == in_process.stdout
    assert len(done.stdout.splitlines()) > 10


def test_validate_since_ends_without_its_teardown() -> None:
    done = _process("validate", "--format", "json", "--since", str(INVALID[0]), *map(str, INVALID))
    assert done.returncode == 1, done.stderr
    assert [r["rule"] for r in json.loads(done.stdout)["results"]] == ["shape:ClaimShape/ius:rank"]
    assert "atexit handlers ran" not in done.stderr
