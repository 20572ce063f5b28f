"""Validation: :func:`~iusgraph.validation.validate.validate_graph` and its siblings run
the SHACL shapes (compiled to SPARQL by :mod:`~iusgraph.validation.fastshacl`, or pySHACL,
:mod:`~iusgraph.validation.reference`), the QC queries and the other checks
(:mod:`~iusgraph.validation.checks`) into one :class:`~iusgraph.validation.report.Report`.
The evidence (:mod:`~iusgraph.validation.evidence`), the ledger
(:mod:`~iusgraph.validation.ledger`) and the mapping sets
(:mod:`~iusgraph.validation.mappings`) are checked here too.
"""
