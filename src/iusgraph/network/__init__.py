"""The network view: the direct triples as a networkx graph with the claim qualifiers on the
edges (:mod:`~iusgraph.network.project`), and what is built on it: ``explain``
(:mod:`~iusgraph.network.explain`), ``agreement`` (:mod:`~iusgraph.network.agreement`),
``graph-qc`` (:mod:`~iusgraph.network.structure`), the GraphML, node-link and KGX files
(:mod:`~iusgraph.network.interchange`) and ``draw`` (:mod:`~iusgraph.network.draw`).
"""
