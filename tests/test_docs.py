"""The docstring examples run, and the README's claims about the CLI hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import pytest

import iusgraph

from .helpers import ROOT

#: Every module of the installed package, found by walking it: none can be left out
#: (``__main__`` runs the command line when imported).
MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(iusgraph.__path__, prefix="iusgraph.")
    if name != "iusgraph.__main__"
)


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in doctest.DocTestFinder().find(module) if test.examples]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """The examples in every docstring of every module run and give what they show."""
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in _examples(name):
        runner.run(test)
    assert runner.failures == 0, f"{name}: {runner.failures} doctest failure(s) (see above)"


def test_the_examples_are_found() -> None:
    """The walk reaches the subpackages, and the modules known to hold examples have them."""
    assert {"iusgraph.api", "iusgraph.serve.protocol", "iusgraph.graph.formats"} <= set(MODULES)
    with_examples = {name for name in MODULES if _examples(name)}
    assert {
        "iusgraph.api",
        "iusgraph.serve.protocol",
        "iusgraph.validation.fastshacl",
        "iusgraph.exporters",
        "iusgraph.defaults",
    } <= with_examples
    assert len(with_examples) >= 20


def test_readme_lists_every_command_and_competency_query() -> None:
    from iusgraph.cli import main
    from iusgraph.query.catalog import named_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert f"iusgraph {command}" in readme, f"README does not show 'iusgraph {command}'"
    for name in named_queries("cq"):
        assert f"`{name}`" in readme, f"README does not list the competency query {name}"
    assert re.search(r"\| 2 \| usage or input error", readme)


#: A cross-reference in a docstring: :mod:`iusgraph.x`, :func:`~iusgraph.x.f` and the like.
_REFERENCE = re.compile(r":(?:mod|func|class|data|meth|attr|exc):`~?(iusgraph[\w.]*)`")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_docstring_cross_references_name_what_exists() -> None:
    """Every :mod:/:func:/:class: reference to iusgraph in the package's sources names a
    module or object that exists (one named a module iusgraph.analysis that never did)."""
    package = ROOT / "src" / "iusgraph"
    stale = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in package.rglob("*.py")
        for name in _REFERENCE.findall(path.read_text(encoding="utf-8"))
        if not _resolves(name)
    )
    assert not stale, stale
    assert _REFERENCE.search((package / "api.py").read_text(encoding="utf-8"))
