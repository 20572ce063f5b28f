"""SPARQL over the graph: the one check of a query's text (:mod:`~iusgraph.query.text`),
the catalogue of competency and QC queries with their headers
(:mod:`~iusgraph.query.catalog`), running on either engine (:mod:`~iusgraph.query.run`),
writing answers (:mod:`~iusgraph.query.results`) and the statistics
(:mod:`~iusgraph.query.stats`).
"""
