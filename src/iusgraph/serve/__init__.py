"""``iusgraph serve``: a read-only SPARQL 1.1 endpoint and linked-data pages.

The HTTP side is :mod:`~iusgraph.serve.app` (routes, the query page) with
:mod:`~iusgraph.serve.httpguard` (limits, headers) and :mod:`~iusgraph.serve.settings` (the
one set of defaults); queries run in worker processes (:mod:`~iusgraph.serve.pool`,
:mod:`~iusgraph.serve.workers`) whose handlers are :mod:`~iusgraph.serve.endpoint` (SPARQL)
and :mod:`~iusgraph.serve.pages` (descriptions and HTML). Both sides exchange
:class:`~iusgraph.serve.protocol.Reply` objects.
"""
