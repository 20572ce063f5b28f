"""The docstring examples run, and the README's claims about the CLI hold."""

from __future__ import annotations

import doctest
import re

import pytest

import iusgraph.api
import iusgraph.curation.ids
import iusgraph.defaults
import iusgraph.exporters
import iusgraph.graph.formats
import iusgraph.query.catalog
import iusgraph.curation.ledger
import iusgraph.curation.mappings
import iusgraph.curation.segment
import iusgraph.curation.tables
import iusgraph.graph.datatypes
import iusgraph.graph.namespaces
import iusgraph.graph.serialize
import iusgraph.network.agreement
import iusgraph.network.explain
import iusgraph.network.project
import iusgraph.query.text
import iusgraph.serve.protocol

from .conftest import ROOT


@pytest.mark.parametrize("module", [iusgraph.curation.tables, iusgraph.curation.ids, iusgraph.graph.datatypes,
                                    iusgraph.api, iusgraph.network.project, iusgraph.network.explain,
                                    iusgraph.network.agreement, iusgraph.graph.serialize, iusgraph.graph.namespaces,
                                    iusgraph.curation.segment, iusgraph.curation.ledger, iusgraph.curation.mappings,
                                    iusgraph.query.text, iusgraph.serve.protocol, iusgraph.exporters,
                                    iusgraph.defaults, iusgraph.graph.formats, iusgraph.query.catalog],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_readme_lists_every_command_and_competency_query() -> None:
    from iusgraph.cli import main
    from iusgraph.query.catalog import named_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert f"iusgraph {command}" in readme, f"README does not show 'iusgraph {command}'"
    for name in named_queries("cq"):
        assert f"`{name}`" in readme, f"README does not list the competency query {name}"
    assert re.search(r"\| 2 \| usage or input error", readme)
