"""iusgraph: an evidence-backed knowledge graph of the levonorgestrel IUS.

Every fact is a claim node that cites a source document and the exact span
of text supporting it.

The main functions are here, imported on first use (``import iusgraph`` loads no
engine); the whole API is :mod:`iusgraph.api`:

>>> import iusgraph
>>> graph = iusgraph.load_graph()
>>> iusgraph.validate(graph).conforms
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public names and the modules that define them.
_EXPORTS = {
    "load_graph": "iusgraph.api",
    "build_graph": "iusgraph.curation.compile",
    "validate": "iusgraph.api",
    "query": "iusgraph.api",
    "Report": "iusgraph.validation.report",
}

__all__ = ["Report", "__version__", "build_graph", "load_graph", "query", "validate"]

if TYPE_CHECKING:
    from iusgraph.api import load_graph, query, validate
    from iusgraph.curation.compile import build_graph
    from iusgraph.validation.report import Report


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'iusgraph' has no attribute {name!r}")
