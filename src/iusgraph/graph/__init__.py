"""The RDF model and its I/O, which every later stage uses: the namespaces and the
ontology (:mod:`~iusgraph.graph.namespaces`, :mod:`~iusgraph.graph.vocabulary`), where the
shipped files are (:mod:`~iusgraph.graph.resources`), the one table of syntaxes
(:mod:`~iusgraph.graph.formats`), loading RDF files (:mod:`~iusgraph.graph.load`), terms
between rdflib and Oxigraph (:mod:`~iusgraph.graph.terms`), the Oxigraph store
(:mod:`~iusgraph.graph.store`), the two engines behind one interface
(:mod:`~iusgraph.graph.backend`), serializers (:mod:`~iusgraph.graph.serialize`), safe file
writes (:mod:`~iusgraph.graph.files`) and datatypes (:mod:`~iusgraph.graph.datatypes`).

It imports nothing above it. This ``__init__`` imports nothing, so that importing one light
module (the formats table) does not load the engines.
"""
