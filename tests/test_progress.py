"""iusgraph.progress: when a bar is shown (a terminal, large work, not quiet), what it says,
that nothing at all is written otherwise, and that loading with progress reads the same
triples (the commands under a terminal: tests/cli/test_progress_bars.py)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from iusgraph import progress
from iusgraph.errors import IusgraphError
from iusgraph.graph.load import load_files, load_into, parse_quads
from iusgraph.graph.serialize import to_ntriples
from iusgraph.progress import THRESHOLD_VARIABLE, Bar, quiet, shown, threshold
from iusgraph.scale.synth import generate


class Terminal(io.StringIO):
    """Standard error as a terminal."""

    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error is a terminal for the rest of the test (set in the test itself: pytest
    sets sys.stderr again between a fixture and the test)."""
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_threshold_is_100k_triples_unless_the_variable_sets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(THRESHOLD_VARIABLE, raising=False)
    assert threshold() == 100_000
    monkeypatch.setenv(THRESHOLD_VARIABLE, " 250 ")
    assert threshold() == 250
    for bad in ("1e5", "-3", "many"):
        monkeypatch.setenv(THRESHOLD_VARIABLE, bad)
        with pytest.raises(IusgraphError, match=f"{THRESHOLD_VARIABLE}=.*number of triples"):
            threshold()


def test_shown_only_on_a_terminal_from_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    on_terminal(monkeypatch)
    monkeypatch.delenv(THRESHOLD_VARIABLE, raising=False)
    assert shown(100_000) and not shown(99_999)
    monkeypatch.setenv(THRESHOLD_VARIABLE, "10")
    assert shown(10) and not shown(9)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or a file
    assert not shown(10**9)


def test_quiet_hides_progress_while_it_lasts(monkeypatch: pytest.MonkeyPatch) -> None:
    on_terminal(monkeypatch)
    assert shown(10**9)
    with quiet():
        assert not shown(10**9)
        with quiet(False):
            assert shown(10**9)
        assert not shown(10**9)
    assert shown(10**9)
    with pytest.raises(KeyError), quiet():
        raise KeyError("the setting comes back after an error too")
    assert shown(10**9)


def test_a_bar_says_what_it_does_and_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    monkeypatch.setenv(THRESHOLD_VARIABLE, "5")
    with Bar("validating", 2, triples=5, unit="step") as bar:
        assert bar.shown
        bar.stage("shapes")
        bar.update()
        bar.stage("QC queries")
        bar.update()
    frames = terminal.getvalue().split("\r")
    assert any(f.startswith("validating: shapes:") for f in frames)
    assert any(f.startswith("validating: QC queries:") for f in frames)
    # done: the last frame says what was done, all of it, with the time taken and left
    assert re.match(r"validating: 100%.* 2/2 \[\d\d:\d\d<00:00", frames[-1]), frames[-1]


def test_a_byte_bar_counts_in_binary_units(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    monkeypatch.setenv(THRESHOLD_VARIABLE, "1")
    with Bar("loading", 3 << 20, triples=1, unit="B") as bar:
        bar.update(3 << 20)
    assert "3.00M/3.00M" in terminal.getvalue()


def test_nothing_is_written_off_a_terminal_below_the_threshold_or_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = on_terminal(monkeypatch)

    def work() -> bool:
        with Bar("writing", 4, triples=1000, unit="file") as bar:
            for name in ("a", "b", "c", "d"):
                bar.stage(name)
                bar.update()
        return bar.shown

    monkeypatch.setenv(THRESHOLD_VARIABLE, "1001")
    assert not work()
    with quiet():
        monkeypatch.setenv(THRESHOLD_VARIABLE, "1")
        assert not work()
    assert terminal.getvalue() == ""
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert not work()
    assert pipe.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", terminal)
    assert work() and terminal.getvalue()  # the same work, shown: the test can tell


def test_tqdm_is_imported_only_for_a_bar_shown(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from iusgraph.progress import Bar\n"
        "with Bar('loading', 10, triples=10**9) as bar:\n"
        "    bar.update(10)\n"
        "print('tqdm' in sys.modules, bar.shown)\n"
    )
    env = {"PATH": "", "PYTHONPATH": str(Path(progress.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "False False\n" and done.stderr == ""


@pytest.mark.parametrize("suffix", [".nt", ".ttl", ".jsonld"])
def test_loading_with_progress_reads_the_same_triples_and_counts_every_byte(
    tmp_path: Path, suffix: str
) -> None:
    graph, _, _ = generate(2, seed=1)
    path = tmp_path / f"corpus{suffix}"
    fmt = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld"}[suffix]
    path.write_text(graph.serialize(format=fmt), encoding="utf-8")
    counted: list[int] = []
    plain, reported = ox.Store(), ox.Store()
    load_into(plain, path)
    load_into(reported, path, counted.append)
    assert set(reported) == set(plain) and len(plain) == len(graph)
    assert sum(counted) == path.stat().st_size
    counted.clear()
    assert list(parse_quads(path, counted.append)) == list(parse_quads(path))
    assert sum(counted) == path.stat().st_size
    assert to_ntriples(load_files([path])) == to_ntriples(graph)
