"""The compile step: the curated tables of ``data/`` become an rdflib graph.

:mod:`~iusgraph.curation.compile` reads everything (:func:`~iusgraph.curation.compile.
read_curation`) and builds the graph (:func:`~iusgraph.curation.compile.build_graph`) from
the tables (:mod:`~iusgraph.curation.tables`), the entities, claims and conflicts, the
source registry, the coverage ledger (with :mod:`~iusgraph.curation.segment`) and the SSSOM
mapping sets. :mod:`~iusgraph.curation.anchor` is the curators' offset filler. Nothing here
opens a store or runs a query (an import-linter contract checks it).
"""
