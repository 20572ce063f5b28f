"""Where the ontology, curated data and queries are.

In a wheel they ship inside the package (``iusgraph/_resources``); in a
source checkout they are the top-level folders. One lookup serves both, so
there is no copy to keep in sync.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``."""
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "iusgraph resources not found: reinstall the package (pip install .)"
    )


def ontology_dir() -> Path:
    return resource_root() / "ontology"


def data_dir() -> Path:
    return resource_root() / "data"


def queries_dir() -> Path:
    return resource_root() / "queries"
