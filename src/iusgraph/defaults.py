"""The names and defaults the CLI offers and the library uses, where no other registry
holds them: the engines, and the remote client's limits.

A leaf (it imports nothing), so ``iusgraph --help`` can show them without loading an
engine. The other registries: export formats in :mod:`iusgraph.exporters`, file types and
media types in :mod:`iusgraph.graph.formats`, serving options in
:mod:`iusgraph.serve.settings`.

>>> check_engine("rdflib", QUERY_ENGINES)
>>> check_engine("jena", QUERY_ENGINES)
Traceback (most recent call last):
    ...
iusgraph.errors.IusgraphError: unknown engine 'jena'; use one of oxigraph, rdflib
"""

from __future__ import annotations

from iusgraph.errors import IusgraphError

#: The severities of a finding, most severe first: SHACL's own (``sh:Violation`` ...). A QC
#: check names its own in its ``# severity:`` header, in lower case.
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")
#: SPARQL engines for ``query``: the first is the default.
QUERY_ENGINES: tuple[str, ...] = ("oxigraph", "rdflib")
#: Engines for ``validate``: the shapes compiled to SPARQL on Oxigraph (the default), or
#: pySHACL, the reference.
VALIDATION_ENGINES: tuple[str, ...] = ("oxigraph", "pyshacl")
#: The vocabularies the mapping sets map to (``data/mappings/<name>.sssom.tsv``).
VOCABULARIES: tuple[str, ...] = ("hpo", "mesh")
#: The shipped extra graphs ``query --with`` adds: ``hpo``, the is_a closure of the mapped
#: HPO terms.
EXTRA_GRAPHS: tuple[str, ...] = ("hpo",)
#: Triples per request when publishing.
CHUNK_TRIPLES = 50_000
#: Seconds to wait for a remote server's answer.
REMOTE_TIMEOUT = 60.0


def check_engine(engine: str, engines: tuple[str, ...], what: str = "engine") -> None:
    """IusgraphError (exit 2) unless ``engine`` is one of ``engines``."""
    if engine not in engines:
        raise IusgraphError(f"unknown {what} {engine!r}; use one of {', '.join(engines)}")
