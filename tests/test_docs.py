"""The docstring examples run, and the README's claims about the CLI hold."""

from __future__ import annotations

import doctest
import re

import pytest

import iusgraph.agreement
import iusgraph.api
import iusgraph.durations
import iusgraph.export
import iusgraph.ids
import iusgraph.ledger
import iusgraph.mappings
import iusgraph.namespaces
import iusgraph.network
import iusgraph.paths
import iusgraph.segment
import iusgraph.tables

from .conftest import ROOT


@pytest.mark.parametrize("module", [iusgraph.tables, iusgraph.ids, iusgraph.durations,
                                    iusgraph.api, iusgraph.network, iusgraph.paths,
                                    iusgraph.agreement, iusgraph.export, iusgraph.namespaces,
                                    iusgraph.segment, iusgraph.ledger, iusgraph.mappings],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_readme_lists_every_command_and_competency_query() -> None:
    from iusgraph.cli import main
    from iusgraph.queries import named_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert f"iusgraph {command}" in readme, f"README does not show 'iusgraph {command}'"
    for name in named_queries("cq"):
        assert f"`{name}`" in readme, f"README does not list the competency query {name}"
    assert re.search(r"\| 2 \| usage or input error", readme)
