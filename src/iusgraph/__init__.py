"""iusgraph: an evidence-backed knowledge graph of the levonorgestrel IUS.

Every fact is a claim node that cites a source document and the exact span
of text supporting it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
